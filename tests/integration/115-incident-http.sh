#!/bin/sh
# SPDX-License-Identifier: MIT
# The incident API over curl on the school example plan: open (201, the
# same JSON as `muster incident show --json`), list with pages and ?open=1,
# one, ack, note, status (a refused transition is 409 naming the current
# state), activate, task done (twice: 409), arrive, close, reopen, and the
# written report as Markdown and HTML. Bad input answers 400 naming the
# field and stores nothing (the CLI's list and the audit log are compared
# before and after). Roles: viewers read but get 403 on every write,
# leaders and officers write, no credentials 401.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 115-incident-http

P=qingshan-no3-school
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user off officer
t_user lead leader
t_user view viewer
for u in boss off lead view; do
    eval "TOK_$u=\$(t_muster token create --user $u 2>/dev/null)"
done
t_start_server

# call NAME USER|none METHOD PATH [JSON]: one request; prints the status.
call() {
    _n=$1 _u=$2 _m=$3 _p=$4 _j=${5:-}
    set -- -X "$_m"
    if [ "$_u" != none ]; then
        eval "_t=\$TOK_$_u"
        set -- "$@" -H "Authorization: Bearer $_t"
    fi
    if [ -n "$_j" ]; then
        set -- "$@" -H 'Content-Type: application/json' --data-binary "$_j"
    fi
    t_req "$_n" "$@" "$T_BASE$_p"
}
want() { t_expect_status "$1" "$2" "$3"; }
jqis() {
    _got=$(jq -c "$2" "$T_TMP/$1.body" 2>&1) || t_fail "$1: body is not JSON: $(cat "$T_TMP/$1.body")"
    [ "$_got" = "$3" ] || t_fail "$1: $2
  got:  $_got
  want: $3"
}
err() {
    jqis "$1" '[.error.field, .error.message]' "[\"$2\",$(printf '%s' "$3" | jq -R -c .)]"
}
snap() {
    { t_muster incident list --json && t_muster audit tail -n 3; } >"$T_TMP/snap.$1" 2>&1 ||
        t_fail "snapshot $1: $(cat "$T_TMP/snap.$1")"
}
same() { cmp -s "$T_TMP/snap.$1" "$T_TMP/snap.$2" || t_fail "$3 changed the incidents or the audit log"; }

# ---- no credentials, roles, bad input: nothing stored
OPEN='{"plan":"'$P'","kind":"fire","level":"IV","place":"3号宿舍楼","at":"2026-03-10T02:10","reported":"2026-03-10T02:11","fields":{"people":40}}'
snap a
st=$(call n0 none GET /api/v1/incidents); want n0 401 "$st"
st=$(call n1 none POST /api/v1/incidents "$OPEN"); want n1 401 "$st"
st=$(call v1 view POST /api/v1/incidents "$OPEN"); want v1 403 "$st"
st=$(call b1 off POST /api/v1/incidents '{"plan":"'$P'","kind":"quake","level":"IV","place":"x"}')
want b1 400 "$st"
err b1 kind "unknown incident kind 'quake' in plan '$P' (kinds: fire, food-poisoning, intruder, earthquake, epidemic-cluster)"
st=$(call b1l off POST /api/v1/incidents '{"plan":"'$P'","kind":"fire","level":"V","place":"x"}')
want b1l 400 "$st"
err b1l level "unknown level 'V' in plan '$P' (levels: I, II, III, IV)"
st=$(call b2 off POST /api/v1/incidents '{"plan":"'$P'","kind":"fire","level":"IV","place":"x","fields":{"people":"many"}}')
want b2 400 "$st"
jqis b2 .error.field '"people"'
st=$(call b3 off POST /api/v1/incidents '{"plan":"'$P'","kind":"fire","level":"IV"}')
want b3 400 "$st"
err b3 place "no place given"
st=$(call b4 off POST /api/v1/incidents '{"plan":"'$P'","kind":7,"place":"x"}')
want b4 400 "$st"
err b4 kind "'kind' is not a string"
st=$(call b5 off POST /api/v1/incidents '{"plan":"'$P'","kind":"fire","level":"IV","place":"x","at":"yesterday"}')
want b5 400 "$st"
jqis b5 .error.field '"at"'
st=$(call b6 off POST /api/v1/incidents '{"plan":"nope","kind":"fire","place":"x"}')
want b6 404 "$st"
snap b
same a b "refused opens"

# ---- open: the same JSON as the CLI's show
st=$(call o1 lead POST /api/v1/incidents "$OPEN"); want o1 201 "$st"
jqis o1 '[.id, .plan, .plan_version, .kind, .kind_name, .level, .place, .reporter, .fields, .state, .occurred_at, .reported_at, .activated_at, .closed_at, [.timeline[] | .event]]' \
    '[1,"qingshan-no3-school",1,"fire","火灾","IV","3号宿舍楼","lead",{"people":40},"reported","2026-03-10T02:10:00+08:00","2026-03-10T02:11:00+08:00",null,null,["opened"]]'
st=$(call g1 view GET /api/v1/incidents/1); want g1 200 "$st"
t_muster incident show 1 --json | jq -S . >"$T_TMP/cli.json" || t_fail "cli show"
jq -S . "$T_TMP/g1.body" >"$T_TMP/api.json"
cmp -s "$T_TMP/cli.json" "$T_TMP/api.json" || t_fail "GET /api/v1/incidents/1 differs from 'incident show --json': $(diff "$T_TMP/cli.json" "$T_TMP/api.json" | head -20)"
st=$(call g2 view GET /api/v1/incidents/99); want g2 404 "$st"
st=$(call g3 view GET /api/v1/incidents/abc); want g3 404 "$st"
st=$(call o2 off POST /api/v1/incidents '{"plan":"'$P'","kind":"intruder","level":"IV","place":"校门","reported":"2026-03-11T09:00"}')
want o2 201 "$st"

# ---- list: pages, ?open=1
st=$(call l1 view GET '/api/v1/incidents?limit=1'); want l1 200 "$st"
jqis l1 '[(.items | map(.id)), .next_cursor]' '[[2],"1"]'
st=$(call l2 view GET '/api/v1/incidents?limit=1&cursor=1'); want l2 200 "$st"
jqis l2 '[(.items | map([.id, .kind, .level, .state])), .next_cursor]' '[[[1,"fire","IV","reported"]],null]'
st=$(call l3 view GET '/api/v1/incidents?limit=0'); want l3 400 "$st"
jqis l3 .error.field '"limit"'

# ---- steps
for w in "ack {\"by\":\"wang-zhiqiang\"}" "note {\"text\":\"x\"}" "status {\"state\":\"contained\"}" \
    "activate {\"by\":\"zhou-jianguo\"}" "arrive {\"person\":\"he-jun\"}" "close {}" "reopen {}"; do
    st=$(call vw view POST "/api/v1/incidents/1/${w%% *}" "${w#* }"); want "viewer ${w%% *}" 403 "$st"
    st=$(call nw none POST "/api/v1/incidents/1/${w%% *}" "${w#* }"); want "none ${w%% *}" 401 "$st"
done
st=$(call vt view POST /api/v1/incidents/tasks/1/done '{}'); want vt 403 "$st"
snap c
st=$(call a0 lead POST /api/v1/incidents/1/ack '{"by":"nobody"}'); want a0 400 "$st"
err a0 by "no person 'nobody' in plan '$P'"
st=$(call a1 lead POST /api/v1/incidents/1/ack '{}'); want a1 400 "$st"
jqis a1 .error.field '"by"'
st=$(call s0 lead POST /api/v1/incidents/1/status '{"state":"contained"}'); want s0 409 "$st"
err s0 state "incident is 'reported'; it cannot become 'contained' (allowed: acknowledged, responding, closed)"
st=$(call s1 lead POST /api/v1/incidents/1/status '{"state":"melted"}'); want s1 400 "$st"
jqis s1 .error.field '"state"'
st=$(call x0 lead POST /api/v1/incidents/99/ack '{"by":"wang-zhiqiang"}'); want x0 404 "$st"
snap d
same c d "refused steps"

st=$(call a2 lead POST /api/v1/incidents/1/ack '{"by":"wang-zhiqiang","at":"2026-03-10T02:12"}'); want a2 200 "$st"
jqis a2 '[.state, (.timeline | map(select(.event == "ack")) | map([.person, .at]))]' \
    '["acknowledged",[["wang-zhiqiang","2026-03-10T02:12:00+08:00"]]]'
st=$(call t1 lead POST /api/v1/incidents/1/note '{"kind":"call","text":"已拨打119报警","by":"liu-gang","at":"2026-03-10T02:13"}')
want t1 200 "$st"
jqis t1 '.timeline | map(select(.event == "call")) | map([.person, .text])' '[["liu-gang","已拨打119报警"]]'
st=$(call t2 lead POST /api/v1/incidents/1/note '{"kind":"gossip","text":"x"}'); want t2 400 "$st"
jqis t2 .error.field '"kind"'
st=$(call ac lead POST /api/v1/incidents/1/activate '{"by":"zhou-jianguo","at":"2026-03-10T02:20"}')
want ac 200 "$st"
jqis ac '[.state, .activated_by, (.tasks | length), .tasks[0].done_at]' '["responding","zhou-jianguo",25,null]'
st=$(call ac2 lead POST /api/v1/incidents/1/activate '{"by":"zhou-jianguo"}'); want ac2 409 "$st"
st=$(call td off POST /api/v1/incidents/tasks/2/done '{"by":"zhou-jianguo","at":"2026-03-10T02:30"}')
want td 200 "$st"
jqis td '[.id, (.tasks[] | select(.id == 2) | [.done_at, .done_by])]' '[1,["2026-03-10T02:30:00+08:00","zhou-jianguo"]]'
st=$(call td2 off POST /api/v1/incidents/tasks/2/done '{"by":"zhou-jianguo"}'); want td2 409 "$st"
st=$(call td3 off POST /api/v1/incidents/tasks/999/done '{}'); want td3 404 "$st"
st=$(call ar lead POST /api/v1/incidents/1/arrive '{"person":"he-jun","at":"2026-03-10T02:35"}'); want ar 200 "$st"
jqis ar '.timeline | map(select(.event == "arrived")) | map(.person)' '["he-jun"]'
st=$(call c0 lead POST /api/v1/incidents/1/close '{"criteria":[1]}'); want c0 409 "$st"
jqis c0 .error.field '"state"'
st=$(call s2 lead POST /api/v1/incidents/1/status '{"state":"contained","at":"2026-03-10T03:40"}'); want s2 200 "$st"
st=$(call c1 lead POST /api/v1/incidents/1/close '{"criteria":["nonsense"]}'); want c1 400 "$st"
jqis c1 .error.field '"criteria"'
st=$(call c2 lead POST /api/v1/incidents/1/close '{"criteria":[1,2],"at":"2026-03-10T04:00"}'); want c2 200 "$st"
jqis c2 '[.state, .closed_at, (.criteria | length)]' '["closed","2026-03-10T04:00:00+08:00",2]'
st=$(call lo view GET '/api/v1/incidents?open=1'); want lo 200 "$st"
jqis lo '.items | map(.id)' '[2]'
st=$(call ro boss POST /api/v1/incidents/1/reopen); want ro 200 "$st"
jqis ro '[.state, .closed_at]' '["responding",null]'

# ---- report
st=$(call r1 view GET /api/v1/incidents/1/report); want r1 200 "$st"
t_expect_header r1 Content-Type "text/markdown; charset=utf-8"
t_has r1 "一、事件概况"
t_muster incident report 1 >"$T_TMP/report.md" || t_fail "cli report"
cmp -s "$T_TMP/report.md" "$T_TMP/r1.body" || t_fail "report differs from 'incident report'"
st=$(call r2 view GET '/api/v1/incidents/1/report?format=html'); want r2 200 "$st"
t_expect_header r2 Content-Type "text/html; charset=utf-8"
t_has r2 "<h2>一、事件概况</h2>"
st=$(call r3 view GET '/api/v1/incidents/1/report?format=pdf'); want r3 400 "$st"
jqis r3 .error.field '"format"'
st=$(call r4 view GET /api/v1/incidents/42/report); want r4 404 "$st"

t_done
