#!/bin/sh
# SPDX-License-Identifier: MIT
# The duty roster through the server: generation by role (officer and admin
# yes; leader, viewer and reporter 403), the shift list (exact JSON, pages,
# a bad cursor), who is on duty now, gaps before and after generation,
# override, swap request (any user), approve and reject (officers), the XLSX
# export, the public iCal feed (valid token, unknown and revoked tokens the
# same 404), and the pages: the month grid with holidays and make-up
# working days, the shift forms, the pending swaps with approve/reject,
# escaping of a swap reason, and the "on duty now" card.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 085-roster-http

P=qingshan-no3-school
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user off officer
t_user lead leader
t_user view viewer
t_user rep reporter c7-1
for u in boss off lead view rep; do
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

# ---- gaps before generation ----
st=$(api gaps0 view GET "/api/v1/roster/gaps?from=2026-03-02&to=2026-03-02&plan=$P")
t_expect_status gaps0 200 "$st"
t_expect_body gaps0 '{"items":[{"plan":"qingshan-no3-school","pool":"leaders","role":"带班领导","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00","hours":24.0,"missing":1},{"plan":"qingshan-no3-school","pool":"staff","role":"值班人员","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00","hours":24.0,"missing":1}],"next_cursor":null}'

# ---- generation: officers and admins only ----
GEN='{"plan":"qingshan-no3-school","from":"2026-03-01","to":"2026-03-31","publish":true}'
for u in lead view rep; do
    st=$(api gen_$u $u POST /api/v1/roster/generate "$GEN")
    t_expect_status gen_$u 403 "$st"
done
t_has gen_lead "role 'leader' may not use 'POST /api/v1/roster/generate'"
st=$(api gen off POST /api/v1/roster/generate "$GEN")
t_expect_status gen 200 "$st"
t_expect_body gen '{"plan":"qingshan-no3-school","from":"2026-03-01","to":"2026-03-31","shifts":62,"kept":0,"gaps":0,"deleted":0,"published":62}'
st=$(api gen_bad boss POST /api/v1/roster/generate '{"plan":"qingshan-no3-school","from":"2026-03-01","to":"March"}')
t_expect_status gen_bad 400 "$st"
t_expect_body gen_bad '{"error":{"code":"bad_request","message":"'"'to'"' must be a date YYYY-MM-DD","field":"to"}}'
st=$(api gen_extra boss POST /api/v1/roster/generate '{"plan":"x","from":"2026-03-01","to":"2026-03-02","bogus":1}')
t_expect_status gen_extra 400 "$st"
t_has gen_extra '"field":"bogus"'
st=$(api gen_noplan boss POST /api/v1/roster/generate '{"plan":"nope","from":"2026-03-01","to":"2026-03-02"}')
t_expect_status gen_noplan 404 "$st"

st=$(api gaps1 view GET "/api/v1/roster/gaps?from=2026-03-02&to=2026-03-02")
t_expect_status gaps1 200 "$st"
t_expect_body gaps1 '{"items":[],"next_cursor":null}'

# ---- reading the roster ----
st=$(api list view GET "/api/v1/roster?from=2026-03-02&to=2026-03-02")
t_expect_status list 200 "$st"
t_expect_body list '{"items":[{"id":3,"plan":"qingshan-no3-school","pool":"leaders","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00","person":"lin-hui","name":"林慧","role":"带班领导","phone":"138-0000-0102","source":"generated","published":true,"prev_person":"","note":""},{"id":4,"plan":"qingshan-no3-school","pool":"staff","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00","person":"luo-ping","name":"罗平","role":"值班人员","phone":"138-0000-0115","source":"generated","published":true,"prev_person":"","note":""}],"next_cursor":null}'
st=$(api page1 view GET "/api/v1/roster?from=2026-03-01&to=2026-03-31&limit=60")
t_expect_status page1 200 "$st"
t_has page1 '"next_cursor":"60"}'
st=$(api page2 view GET "/api/v1/roster?from=2026-03-01&to=2026-03-31&limit=60&cursor=60")
t_expect_status page2 200 "$st"
[ "$(grep -o '"id":' "$T_TMP/page2.body" | wc -l)" -eq 2 ] || t_fail "page 2 should hold 2 shifts"
t_has page2 '"next_cursor":null}'
st=$(api page_bad view GET "/api/v1/roster?from=2026-03-01&to=2026-03-31&cursor=999")
t_expect_status page_bad 400 "$st"
t_has page_bad '"field":"cursor"'
st=$(api list_nofrom view GET "/api/v1/roster?to=2026-03-31")
t_expect_status list_nofrom 400 "$st"
t_expect_body list_nofrom '{"error":{"code":"bad_request","message":"missing query parameter '"'from'"'","field":"from"}}'
st=$(api list_rep rep GET "/api/v1/roster?from=2026-03-02&to=2026-03-02")
t_expect_status list_rep 403 "$st"

st=$(api now view GET "/api/v1/roster/now?at=2026-03-02T10:00")
t_expect_status now 200 "$st"
t_expect_body now '{"at":"2026-03-02T10:00:00+08:00","items":[{"id":3,"plan":"qingshan-no3-school","pool":"leaders","role":"带班领导","person":"lin-hui","name":"林慧","phone":"138-0000-0102","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00"},{"id":4,"plan":"qingshan-no3-school","pool":"staff","role":"值班人员","person":"luo-ping","name":"罗平","phone":"138-0000-0115","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00"}]}'
st=$(api now_bad view GET "/api/v1/roster/now?at=yesterday")
t_expect_status now_bad 400 "$st"
t_has now_bad '"field":"at"'

# ---- override (officers and admins) ----
st=$(api ov_lead lead POST /api/v1/roster/shifts/3/override '{"person":"zhou-jianguo"}')
t_expect_status ov_lead 403 "$st"
st=$(api ov_off off POST /api/v1/roster/shifts/9999/override '{"person":"zhou-jianguo"}')
t_expect_status ov_off 404 "$st"
st=$(api ov_view view POST /api/v1/roster/shifts/3/override '{"person":"zhou-jianguo"}')
t_expect_status ov_view 403 "$st"
st=$(api ov boss POST /api/v1/roster/shifts/3/override '{"person":"zhou-jianguo","reason":"出差"}')
t_expect_status ov 200 "$st"
t_expect_body ov '{"id":3,"plan":"qingshan-no3-school","pool":"leaders","start":"2026-03-02T08:00:00+08:00","end":"2026-03-03T08:00:00+08:00","person":"zhou-jianguo","name":"周建国","role":"带班领导","phone":"138-0000-0101","source":"override","published":true,"prev_person":"lin-hui","note":"出差"}'
st=$(api ov_404 boss POST /api/v1/roster/shifts/9999/override '{"person":"zhou-jianguo"}')
t_expect_status ov_404 404 "$st"
st=$(api ov_nobody boss POST /api/v1/roster/shifts/3/override '{"person":"nobody"}')
t_expect_status ov_nobody 400 "$st"

# ---- swaps: anyone asks, officers decide ----
st=$(api sw rep POST /api/v1/roster/swaps '{"shift":4,"with":"du-yan","reason":"家中有事"}')
t_expect_status sw 201 "$st"
t_has sw '{"id":1,"shift":4,"from":"luo-ping","to":"du-yan","requested_by":"luo-ping","reason":"家中有事","state":"pending",'
t_has sw '"decided_by":null,"decided_at":null}'
st=$(api sw_dup view POST /api/v1/roster/swaps '{"shift":4,"with":"xie-dong"}')
t_expect_status sw_dup 409 "$st"
st=$(api sw_bad view POST /api/v1/roster/swaps '{"shift":"four","with":"xie-dong"}')
t_expect_status sw_bad 400 "$st"
t_has sw_bad '"field":"shift"'
st=$(api swl view GET "/api/v1/roster/swaps?state=pending")
t_expect_status swl 200 "$st"
t_has swl '"items":[{"id":1,"shift":4,'
st=$(api ap_lead lead POST /api/v1/roster/swaps/1/approve)
t_expect_status ap_lead 403 "$st"
st=$(api ap off POST /api/v1/roster/swaps/1/approve)
t_expect_status ap 200 "$st"
t_has ap '"state":"approved"'
t_has ap '"decided_by":"off"'
st=$(api rj boss POST /api/v1/roster/swaps/1/reject)
t_expect_status rj 409 "$st"
st=$(api list4 view GET "/api/v1/roster?from=2026-03-02&to=2026-03-02")
t_has list4 '"person":"du-yan","name":"杜燕","role":"值班人员","phone":"138-0000-0113","source":"swap","published":true,"prev_person":"luo-ping"'

# ---- XLSX ----
st=$(api xlsx view GET "/api/v1/roster.xlsx?from=2026-03-01&to=2026-03-31")
t_expect_status xlsx 200 "$st"
t_expect_header xlsx Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
t_expect_header xlsx Content-Disposition 'attachment; filename="roster-2026-03-01-2026-03-31.xlsx"'
[ "$(head -c 2 "$T_TMP/xlsx.body")" = PK ] || t_fail "xlsx: not a zip"

# ---- the public iCal feed ----
# A feed holds shifts from 90 days ago on: publish the coming days' roster.
TODAY=$(TZ=Asia/Shanghai date +%Y-%m-%d)
SOON=$(TZ=Asia/Shanghai date -d '+2 days' +%Y-%m-%d)
st=$(api gen_now boss POST /api/v1/roster/generate \
    "{\"plan\":\"$P\",\"from\":\"$TODAY\",\"to\":\"$SOON\",\"publish\":true}")
t_expect_status gen_now 200 "$st"
st=$(api now2 view GET "/api/v1/roster?from=$TODAY&to=$TODAY&limit=1")
WHO=$(sed -n 's/.*"person":"\([^"]*\)".*/\1/p' "$T_TMP/now2.body")
SID=$(sed -n 's/^{"items":\[{"id":\([0-9]*\),.*/\1/p' "$T_TMP/now2.body")
[ -n "$WHO" ] && [ -n "$SID" ] || t_fail "no shift today: $(cat "$T_TMP/now2.body")"
FEED=$(t_muster roster feed create --person "$WHO") || t_fail "feed create"
st=$(t_req feed "$T_BASE$FEED")
t_expect_status feed 200 "$st"
t_expect_header feed Content-Type 'text/calendar; charset=utf-8'
t_has feed 'BEGIN:VCALENDAR'
t_has feed "UID:shift-$SID@muster"
t_hasnt feed 'UID:shift-3@muster'
st=$(t_req feed_unknown "$T_BASE/feeds/roster/0000000000000000000000000000000000000000000000000000000000000000.ics")
t_expect_status feed_unknown 404 "$st"
st=$(t_req feed_noext "${T_BASE}${FEED%.ics}")
t_expect_status feed_noext 404 "$st"
t_muster roster feed revoke --person "$WHO" >/dev/null || t_fail "feed revoke"
st=$(t_req feed_revoked "$T_BASE$FEED")
t_expect_status feed_revoked 404 "$st"
cmp -s "$T_TMP/feed_revoked.body" "$T_TMP/feed_unknown.body" ||
    t_fail "a revoked and an unknown feed token must get the same answer"
# The feed token is a secret: the access log names the route, never the token.
TOKEN=${FEED#/feeds/roster/}
TOKEN=${TOKEN%.ics}
t_wait_log 'path=/feeds/roster/\*\*\* status=404'
if grep -q "$TOKEN" "$T_ERR"; then t_fail "the feed token is in the server log"; fi
grep -q 'path=/feeds/roster/\*\*\* status=200' "$T_ERR" || t_fail "the feed request is not in the access log, masked"

# ---- pages ----
page() { # NAME JAR PATH -> status
    curl -sS --max-time 20 -b "$T_TMP/$2.jar" -o "$T_TMP/$1.body" -D "$T_TMP/$1.hdr" \
        -w '%{http_code}' "$T_BASE$3"
}
t_login boss
BOSS_CSRF=$T_CSRF
t_login off
OFF_CSRF=$T_CSRF
t_login view
VIEW_CSRF=$T_CSRF
t_login rep
st=$(page month boss "/roster?month=2026-02")
t_expect_status month 200 "$st"
t_has month '<h1>值班表 · 2026年2月</h1>'
t_has month '<table class="roster-month">'
t_has month '<td data-day="2026-02-17" class="day day-holiday">'
t_has month '<span class="day-mark mark-holiday">节假日：春节</span>'
t_has month '<td data-day="2026-02-14" class="day day-adjusted">'
t_has month '<span class="day-mark mark-adjusted">调休上班</span>'
t_has month '<span class="dnum">14</span> <span class="wd">周六</span>'
t_has month 'href="/api/v1/roster.xlsx?from=2026-02-01&amp;to=2026-02-28"'
st=$(page march boss "/roster?month=2026-03&shift=4")
t_expect_status march 200 "$st"
t_has march '<li class="shift is-changed" data-shift="4"><span class="role">值班人员</span> <bdi>杜燕</bdi>'
t_has march '<section class="panel shift-forms" id="shift-forms" data-selected-shift="4">'
t_has march '<form id="override" method="post" action="/roster/shifts/4/override"'
t_has march '<form id="swap-request" method="post" action="/roster/swaps"'
st=$(page march_off off "/roster?month=2026-03&shift=4")
t_expect_status march_off 200 "$st"
t_has march_off 'id="override"'
st=$(page march_view view "/roster?month=2026-03&shift=4")
t_expect_status march_view 200 "$st"
t_hasnt march_view 'id="override"'
t_has march_view 'id="swap-request"'
st=$(page month_rep rep "/roster?month=2026-03")
t_expect_status month_rep 403 "$st"
t_has month_rep 'data-error="403"'
st=$(page month_bad boss "/roster?month=2026-13")
t_expect_status month_bad 400 "$st"
# in English the heading reads "February 2026" (the officer switches language)
st=$(curl -sS -b "$T_TMP/off.jar" -o /dev/null -w '%{http_code}' \
    --data-urlencode "csrf=$OFF_CSRF" --data-urlencode lang=en --data-urlencode next=/ "$T_BASE/lang")
[ "$st" = 303 ] || t_fail "language switch: status $st"
st=$(page month_en off "/roster?month=2026-12")
t_expect_status month_en 200 "$st"
t_has month_en '<h1>Duty roster · December 2026</h1>'
t_has month_en '<span class="dnum">1</span> <span class="wd">Tue</span>'

# a swap request through the form, with markup in the reason (escaped on the page)
st=$(curl -sS -b "$T_TMP/view.jar" -o "$T_TMP/swf.body" -D "$T_TMP/swf.hdr" -w '%{http_code}' \
    --data-urlencode "csrf=$VIEW_CSRF" --data-urlencode month=2026-03 --data-urlencode shift=6 \
    --data-urlencode with=xie-dong --data-urlencode 'reason=<script>alert(1)</script>"' \
    "$T_BASE/roster/swaps")
[ "$st" = 303 ] || t_fail "swap form: status $st: $(head -c 400 "$T_TMP/swf.body")"
t_expect_header swf Location '/roster?month=2026-03&ok=swap'
st=$(page swaps boss "/roster?month=2026-03&ok=swap")
t_has swaps '<p class="flash flash-ok" role="status">已提交换班申请，等待审批</p>'
t_has swaps '<table class="list swaps">'
t_has swaps '<tr data-swap="2">'
t_has swaps '&lt;script&gt;alert(1)&lt;/script&gt;&quot;'
t_hasnt swaps '<script>alert(1)'
t_has swaps 'action="/roster/swaps/2/decide"'
t_has swaps '<button type="submit" name="decision" value="approve" class="primary">批准</button>'
st=$(page swaps_view view "/roster?month=2026-03")
t_hasnt swaps_view 'action="/roster/swaps/2/decide"'
# a viewer cannot decide; an admin can
st=$(curl -sS -b "$T_TMP/view.jar" -o "$T_TMP/dec_view.body" -w '%{http_code}' \
    --data-urlencode "csrf=$VIEW_CSRF" --data-urlencode decision=approve "$T_BASE/roster/swaps/2/decide")
[ "$st" = 403 ] || t_fail "viewer decide: status $st"
st=$(curl -sS -b "$T_TMP/boss.jar" -o "$T_TMP/dec.body" -D "$T_TMP/dec.hdr" -w '%{http_code}' \
    --data-urlencode "csrf=$BOSS_CSRF" --data-urlencode decision=reject --data-urlencode month=2026-03 \
    "$T_BASE/roster/swaps/2/decide")
[ "$st" = 303 ] || t_fail "admin decide: status $st: $(head -c 300 "$T_TMP/dec.body")"
t_expect_header dec Location '/roster?month=2026-03&ok=reject'
# override through the form; an empty person re-renders with 400 naming the field
st=$(curl -sS -b "$T_TMP/boss.jar" -o "$T_TMP/ovf.body" -D "$T_TMP/ovf.hdr" -w '%{http_code}' \
    --data-urlencode "csrf=$BOSS_CSRF" --data-urlencode person=xu-ming --data-urlencode month=2026-03 \
    "$T_BASE/roster/shifts/5/override")
[ "$st" = 303 ] || t_fail "override form: status $st: $(head -c 300 "$T_TMP/ovf.body")"
st=$(curl -sS -b "$T_TMP/boss.jar" -o "$T_TMP/ovf2.body" -w '%{http_code}' \
    --data-urlencode "csrf=$BOSS_CSRF" --data-urlencode person= --data-urlencode month=2026-03 \
    "$T_BASE/roster/shifts/5/override")
[ "$st" = 400 ] || t_fail "override form without person: status $st"
t_has ovf2 'data-field="person"'

# ---- the dashboard card ----
st=$(page dash view "/")
t_expect_status dash 200 "$st"
t_has dash '<section class="panel card" data-card="duty" data-live="duty">'
t_has dash '<h2>当前值班</h2>'

t_done
