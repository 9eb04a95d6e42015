#!/bin/sh
# SPDX-License-Identifier: MIT
# Daily check-ins through the server: submissions over the API (exact
# receipts; a reporter for their own unit 201, another unit 403, a viewer
# 403, `at` only for officers and admins), bad input answered 400/404 naming
# the field with nothing stored, 40 concurrent submissions all stored (group
# commit), the board (exact JSON, pages, a status filter, a reporter sees
# only their units), summary and statistics (JSON and XLSX), and the pages:
# the form (one unit pre-selected, the nil button, a nil report posted and
# a bad count re-rendered with its field), the board (statuses as classes,
# missing units with reporter and phone, live), the statistics table and
# SVG chart, and today's check-ins card.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 095-checkin-http

S=qingshan-no3-school/class-daily
F=hewan-township-flood/flood-daily
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" \
    "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user view viewer
t_user rep reporter c7-1
t_user rep2 reporter hewan-sq
for u in boss view rep; do
    eval "TOK_$u=\$(t_muster token create --user $u 2>/dev/null)"
done
MUSTER_DATADIR="$MUSTER_SRCDIR/data"
export MUSTER_DATADIR
t_start_server

api() { # NAME USER METHOD PATH [JSON] -> status
    _n=$1 _u=$2 _m=$3 _p=$4
    eval "_t=\$TOK_$_u"
    if [ $# -ge 5 ]; then
        t_req "$_n" -X "$_m" -H "Authorization: Bearer $_t" -H 'Content-Type: application/json' \
            --data-binary "$5" "$T_BASE$_p"
    else
        t_req "$_n" -X "$_m" -H "Authorization: Bearer $_t" "$T_BASE$_p"
    fi
}
count() { # the number of stored submissions: their audit entries
    t_muster audit tail -n 100000 | grep -c 'checkin\.submit' || true
}

# ---- submissions ----
st=$(api s1 boss POST /api/v1/checkins/c7-1 "{\"schedule\":\"$S\",\"nil\":true,\"at\":\"2026-03-02T09:05\"}")
t_expect_status s1 201 "$st"
t_expect_body s1 '{"id":1,"schedule":"qingshan-no3-school/class-daily","unit":"c7-1","slot":"2026-03-02T09:30","late":false,"status":"on_time"}'
st=$(api s2 boss POST /api/v1/checkins/c7-2 '{"schedule":"class-daily","unit":"c7-2","fields":{"sick_absent":2,"sick_fever":1},"text":"两人感冒","at":"2026-03-02T15:00:00+08:00"}')
t_expect_status s2 201 "$st"
t_expect_body s2 '{"id":2,"schedule":"qingshan-no3-school/class-daily","unit":"c7-2","slot":"2026-03-02T14:30","late":true,"status":"late"}'
# A reporter, for their own unit (made now: a late report for that day's 14:30).
st=$(api s3 rep POST /api/v1/checkins/c7-1 "{\"schedule\":\"$S\",\"nil\":true,\"slot\":\"2026-03-02T14:30\"}")
t_expect_status s3 201 "$st"
t_expect_body s3 '{"id":3,"schedule":"qingshan-no3-school/class-daily","unit":"c7-1","slot":"2026-03-02T14:30","late":true,"status":"late"}'
st=$(api s_other rep POST /api/v1/checkins/c7-2 "{\"schedule\":\"$S\",\"nil\":true}")
t_expect_status s_other 403 "$st"
t_expect_body s_other '{"error":{"code":"forbidden","message":"role '"'reporter'"' may not use '"'POST /api/v1/checkins/{unit}'"' for unit '"'c7-2'"'"}}'
st=$(api s_view view POST /api/v1/checkins/c7-1 "{\"schedule\":\"$S\",\"nil\":true}")
t_expect_status s_view 403 "$st"
st=$(api s_at rep POST /api/v1/checkins/c7-1 "{\"schedule\":\"$S\",\"nil\":true,\"at\":\"2026-03-02T09:00\"}")
t_expect_status s_at 403 "$st"
t_has s_at '"field":"at"'

# ---- bad input: 400/404 naming the field; nothing stored ----
bad() { # NAME STATUS FIELD UNIT JSON
    st=$(api "$1" boss POST "/api/v1/checkins/$4" "$5")
    t_expect_status "$1" "$2" "$st"
    t_has "$1" "\"field\":\"$3\"}}"
}
bad b_sched 404 schedule c7-3 '{"schedule":"qingshan-no3-school/nope","nil":true,"at":"2026-03-02T09:00"}'
bad b_nosched 400 schedule c7-3 '{"nil":true}'
bad b_unit 400 unit nope '{"schedule":"'"$S"'","nil":true,"at":"2026-03-02T09:00"}'
bad b_unitbody 400 unit c7-3 '{"schedule":"'"$S"'","unit":"c7-4","nil":true,"at":"2026-03-02T09:00"}'
bad b_neg 400 fields.sick_absent c7-3 '{"schedule":"'"$S"'","fields":{"sick_absent":-1},"at":"2026-03-02T09:00"}'
bad b_unknown 400 fields.height c7-3 '{"schedule":"'"$S"'","fields":{"height":3},"at":"2026-03-02T09:00"}'
bad b_type 400 fields.sick_absent c7-3 '{"schedule":"'"$S"'","fields":{"sick_absent":[1]},"at":"2026-03-02T09:00"}'
bad b_slot 400 slot c7-3 '{"schedule":"'"$S"'","nil":true,"slot":"25:99","at":"2026-03-02T09:00"}'
bad b_at 400 at c7-3 '{"schedule":"'"$S"'","nil":true,"at":"noon"}'
bad b_holiday 400 at c7-3 '{"schedule":"'"$S"'","nil":true,"at":"2026-02-17T09:00"}'
bad b_nil 400 nil c7-3 '{"schedule":"'"$S"'","nil":"yes","at":"2026-03-02T09:00"}'
bad b_member 400 extra c7-3 '{"schedule":"'"$S"'","nil":true,"extra":1}'
LONG=$(printf '%0201d' 0)
bad b_text 400 fields.note c7-3 '{"schedule":"'"$S"'","nil":true,"text":"'"$LONG"'","at":"2026-03-02T09:00"}'
[ "$(count)" = 3 ] || t_fail "bad input stored something: $(count) submissions"

# ---- concurrent submissions share commits; every one is stored ----
i=0
pids=""
for u in c7-3 c7-4 c8-1 c8-2 c8-3 c8-4 c9-1 c9-2 c9-3 c9-4; do
    for at in 09:01 09:02 14:01 14:02; do
        i=$((i + 1))
        curl -sS -o "$T_TMP/par$i.body" -w '%{http_code}\n' -H "Authorization: Bearer $TOK_boss" \
            -H 'Content-Type: application/json' \
            --data-binary "{\"schedule\":\"$S\",\"fields\":{\"sick_absent\":1},\"at\":\"2026-03-02T$at\"}" \
            "$T_BASE/api/v1/checkins/$u" >"$T_TMP/par$i.st" &
        pids="$pids $!"
    done
done
for p in $pids; do wait "$p"; done
n201=$(cat "$T_TMP"/par*.st | grep -c '^201$' || true)
[ "$n201" = 40 ] || t_fail "concurrent submissions: $n201 of 40 answered 201"
[ "$(count)" = 43 ] || t_fail "after 40 concurrent submissions: $(count) stored, want 43"

# ---- the board ----
st=$(api board boss GET "/api/v1/checkins/board?schedule=$S&date=2026-03-02&at=2026-03-02T12:00&limit=2")
t_expect_status board 200 "$st"
t_expect_body board '{"schedule":"qingshan-no3-school/class-daily","name":"班级每日零报告","plan_version":1,"date":"2026-03-02","at":"2026-03-02T12:00:00+08:00","slots":["09:30","14:30"],"counts":{"on_time":11,"late":0,"missing":1,"not_due":12},"items":[{"unit":"c7-1","unit_name":"七年级1班","slot":"09:30","status":"on_time","submitted_at":"2026-03-02T09:05:00+08:00","nil":true,"reporter_id":"li-na","reporter":"李娜","phone":"138-0000-0131"},{"unit":"c7-1","unit_name":"七年级1班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"li-na","reporter":"李娜","phone":"138-0000-0131"}],"next_cursor":"2"}'
st=$(api board_missing view GET "/api/v1/checkins/board?schedule=$S&date=2026-03-02&at=2026-03-02T12:00&status=missing")
t_expect_status board_missing 200 "$st"
t_has board_missing '"items":[{"unit":"c7-2","unit_name":"七年级2班","slot":"09:30","status":"missing","submitted_at":null,"nil":null,"reporter_id":"zhang-min","reporter":"张敏","phone":"138-0000-0132"}],"next_cursor":null}'
st=$(api board_rep rep GET "/api/v1/checkins/board?schedule=$S&date=2026-03-02&at=2026-03-02T20:00")
t_expect_status board_rep 200 "$st"
t_has board_rep '"counts":{"on_time":1,"late":0,"missing":1,"not_due":0}'
t_hasnt board_rep '"unit":"c7-2"'
st=$(api board_bad view GET "/api/v1/checkins/board?schedule=$S&date=March")
t_expect_status board_bad 400 "$st"
t_has board_bad '"field":"date"'
st=$(api board_nos view GET "/api/v1/checkins/board?date=2026-03-02")
t_expect_status board_nos 400 "$st"

# ---- summary and statistics ----
st=$(api sum view GET "/api/v1/checkins/summary?schedule=$S&date=2026-03-02")
t_expect_status sum 200 "$st"
t_has sum '"schedule":"qingshan-no3-school/class-daily"'
st=$(api sum_rep rep GET "/api/v1/checkins/summary?schedule=$S&date=2026-03-02")
t_expect_status sum_rep 403 "$st"
st=$(api stats view GET "/api/v1/checkins/stats?schedule=$S&from=2026-03-02&to=2026-03-02&at=2026-03-03T00:00")
t_expect_status stats 200 "$st"
t_has stats '"total":{"due":24,"on_time":21,"late":1,"missing":2,'
st=$(api stats_x view GET "/api/v1/checkins/stats?schedule=$S&from=2026-03-02&to=2026-03-02&format=xlsx")
t_expect_status stats_x 200 "$st"
[ "$(head -c 2 "$T_TMP/stats_x.body")" = PK ] || t_fail "stats xlsx: not a zip"
st=$(api stats_bad view GET "/api/v1/checkins/stats?schedule=$S&from=2026-03-02&to=2025-03-02")
t_expect_status stats_bad 400 "$st"

# ---- pages ----
page() { # NAME JAR PATH -> status
    curl -sS --max-time 20 -b "$T_TMP/$2.jar" -o "$T_TMP/$1.body" -D "$T_TMP/$1.hdr" \
        -w '%{http_code}' "$T_BASE$3"
}
t_login rep2
REP2_CSRF=$T_CSRF
t_login boss
st=$(page form rep2 "/checkin")
t_expect_status form 200 "$st"
t_has form '<form id="checkin" method="post" action="/checkin"'
t_has form '<input type="hidden" name="schedule" value="hewan-township-flood/flood-daily">'
t_has form '<input type="hidden" name="unit" value="hewan-sq">'
t_has form '<button type="submit" name="nil" value="1" class="primary big nil-button">无异常（零报告）</button>'
t_hasnt form '<select name="schedule">'
# the schedule's name is shown once: as text with one schedule, in the picker with several
t_has form '<p class="checkin-schedule">汛期每日零报告</p>'
[ "$(grep -o '汛期每日零报告' "$T_TMP/form.body" | wc -l)" -eq 1 ] ||
    t_fail "the check-in form shows the schedule's name more than once"
st=$(page form_many boss "/checkin")
t_expect_status form_many 200 "$st"
t_has form_many '<select name="schedule">'
t_hasnt form_many 'class="checkin-schedule"'
st=$(curl -sS -b "$T_TMP/rep2.jar" -o "$T_TMP/post.body" -D "$T_TMP/post.hdr" -w '%{http_code}' \
    --data-urlencode "csrf=$REP2_CSRF" --data-urlencode "schedule=$F" \
    --data-urlencode unit=hewan-sq --data-urlencode nil=1 "$T_BASE/checkin")
[ "$st" = 303 ] || t_fail "nil report form: status $st: $(head -c 400 "$T_TMP/post.body")"
LOC=$(t_header post Location)
case $LOC in
/checkin\?schedule=$F\&unit=hewan-sq\&ok=20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]\&late=[01]) ;;
*) t_fail "nil report form: Location '$LOC'" ;;
esac
st=$(page done rep2 "$LOC")
t_has done '<p class="flash flash-ok" role="status">已提交'
st=$(curl -sS -b "$T_TMP/rep2.jar" -o "$T_TMP/post_bad.body" -w '%{http_code}' \
    --data-urlencode "csrf=$REP2_CSRF" --data-urlencode "schedule=$F" \
    --data-urlencode unit=hewan-sq --data-urlencode report=1 --data-urlencode 'f.relocated=-3' \
    "$T_BASE/checkin")
[ "$st" = 400 ] || t_fail "bad count form: status $st"
t_has post_bad 'data-field="relocated"'
t_has post_bad 'name="f.relocated" type="number" inputmode="numeric" min="0" step="1" value="-3" aria-invalid="true"'
st=$(curl -sS -b "$T_TMP/rep2.jar" -o "$T_TMP/post_other.body" -w '%{http_code}' \
    --data-urlencode "csrf=$REP2_CSRF" --data-urlencode "schedule=$F" \
    --data-urlencode unit=liushu --data-urlencode nil=1 "$T_BASE/checkin")
[ "$st" = 400 ] || t_fail "form for another unit: status $st"
t_has post_other 'data-field="unit"'

st=$(page bpage boss "/checkins/board?schedule=$S&date=2026-03-02")
t_expect_status bpage 200 "$st"
t_has bpage '<div data-live="board">'
t_has bpage '<table class="board" data-schedule="qingshan-no3-school/class-daily" data-date="2026-03-02">'
t_has bpage '<tr data-unit="c7-2"><th scope="row">七年级2班</th><td class="missing" data-status="missing"><span class="st-label">未报</span> <span class="who"><bdi>张敏</bdi> <a class="phone" href="tel:138-0000-0132">138-0000-0132</a></span></td><td class="late" data-status="late">'
t_has bpage '<td class="on_time" data-status="on_time"><span class="st-label">按时</span> <span class="meta">09:05</span> <span class="badge">零报告</span></td>'
st=$(page bpage_rep rep2 "/checkins/board?schedule=$F")
t_expect_status bpage_rep 200 "$st"
t_hasnt bpage_rep 'data-unit="liushu"'

st=$(page spage boss "/checkins/stats?schedule=$S&from=2026-03-02&to=2026-03-02")
t_expect_status spage 200 "$st"
t_has spage '<table class="list stats-table">'
t_has spage '<svg class="rate-chart"'
t_has spage '<text class="bar-label" x="0" y="17">七年级1班</text><rect class="bar-bg" x="150" y="4" width="300" height="16"></rect><rect class="bar poor" x="150" y="4" width="150" height="16"></rect><text class="bar-value" x="456" y="17">50.0%</text>'
t_has spage '<rect class="bar good" x="150" y="52" width="300" height="16"></rect>'
t_has spage '<tr data-unit="c7-1"><th scope="row">七年级1班</th><td>2</td><td>1</td><td>1</td><td>0</td><td>50.0%</td></tr>'
t_has spage 'href="/api/v1/checkins/stats?schedule=qingshan-no3-school/class-daily&amp;from=2026-03-02&amp;to=2026-03-02&amp;format=xlsx"'
st=$(page spage_rep rep2 "/checkins/stats")
t_expect_status spage_rep 403 "$st"

st=$(page dash rep2 "/")
t_expect_status dash 200 "$st"
t_has dash '<section class="panel card" data-card="checkins" data-live="checkins">'
t_has dash '<li data-schedule="hewan-township-flood/flood-daily">'
t_hasnt dash 'qingshan-no3-school/class-daily'

t_done
