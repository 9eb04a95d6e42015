#!/bin/sh
# SPDX-License-Identifier: MIT
# The preparedness registers over the API, on the school and township
# example plans: hazards (record, list with pages and ?overdue, one with its
# history, rectify by the owner, verify never by the rectifier, assign,
# notes, XLSX), drills held (record, list, one, a finding turned into a task
# and closed, the term's due check, XLSX), resources (add, alerts, adjust,
# assign and return for an incident, XLSX), contacts (directory, add,
# delete, XLSX, the printable sheet). Bad input answers 400/404/409 naming
# the field with the use case's message, and leaves the ledger and the
# audit log exactly as they were. Roles: viewers read but get 403 on
# writes, reporters may only record a hazard of their own unit
# (POST /api/v1/units/{unit}/hazards), no credentials 401.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 135-registers-http

t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" \
    "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user off officer
t_user view viewer
t_user rep reporter c7-1
for u in boss off view rep; do
    eval "TOK_$u=\$(t_muster token create --user $u 2>/dev/null)"
done
t_start_server

# call NAME USER|none METHOD PATH [JSON]: one request with USER's API token
# (none: no credentials); prints the status.
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
# want NAME STATUS GOT: the status must be STATUS.
want() { t_expect_status "$1" "$2" "$3"; }
# jqis NAME FILTER WANT: jq -c FILTER of the body of NAME must be WANT.
jqis() {
    _got=$(jq -c "$2" "$T_TMP/$1.body" 2>&1) || t_fail "$1: body is not JSON: $(cat "$T_TMP/$1.body")"
    [ "$_got" = "$3" ] || t_fail "$1: $2
  got:  $_got
  want: $3"
}
# err NAME STATUS FIELD MESSAGE: the error body of NAME, exactly.
err() {
    jqis "$1" '[.error.field, .error.message]' "[\"$3\",$(printf '%s' "$4" | jq -R -c .)]"
}
# snap NAME: the registers as the CLI lists them and the end of the audit log.
snap() {
    {
        t_muster hazard list --json && t_muster drill-record list --json &&
            t_muster resource list --json && t_muster contact list --json &&
            t_muster audit tail -n 3
    } >"$T_TMP/snap.$1" 2>&1 || t_fail "snapshot $1: $(cat "$T_TMP/snap.$1")"
}
same() { cmp -s "$T_TMP/snap.$1" "$T_TMP/snap.$2" || t_fail "$3 changed the registers or the audit log"; }

HZ='{"place":"实验楼三楼东侧","description":"灭火器压力不足","severity":"high","unit":"c7-1","owner":"li-na","due":"2030-03-10"}'

# ---- hazards: record, read
st=$(call h1 boss POST /api/v1/hazards "$HZ")
want h1 201 "$st"
jqis h1 '[.id, .plan, .unit, .unit_name, .owner, .owner_name, .severity, .state, .due, .overdue, .found_by, .rectified_by, [.history[] | [.actor, .action, .person, .text]]]' \
    '[1,"qingshan-no3-school","c7-1","七年级1班","li-na","李娜","high","open","2030-03-10",false,"boss",null,[["boss","add","li-na","灭火器压力不足"]]]'
st=$(call h2 off POST /api/v1/hazards '{"plan":"hewan-township-flood","place":"安置点","description":"应急灯损坏","severity":"low","unit":"liushu","owner":"hu-jianping","due":"2030-03-20"}')
want h2 201 "$st"
jqis h2 '[.id, .plan, .unit_name, .found_by]' '[2,"hewan-township-flood","柳树村","off"]'
st=$(call hl view GET '/api/v1/hazards?limit=1')
want hl 200 "$st"
jqis hl '[(.items | map(.id)), .next_cursor]' '[[1],"1"]'
st=$(call hl2 view GET '/api/v1/hazards?limit=1&cursor=1')
jqis hl2 '[(.items | map(.id)), .next_cursor]' '[[2],null]'
st=$(call hod view GET '/api/v1/hazards?overdue=1&at=2030-03-15T08:00')
want hod 200 "$st"
jqis hod '[.items[] | [.id, .overdue]]' '[[1,true]]'
st=$(call hod0 view GET '/api/v1/hazards?overdue=1&at=2030-03-01T08:00')
jqis hod0 '.items' '[]'
st=$(call hbadflag view GET '/api/v1/hazards?overdue=yes')
want hbadflag 400 "$st"
err hbadflag 400 overdue "'overdue' must be 0 or 1"
st=$(call hget view GET /api/v1/hazards/2)
want hget 200 "$st"
jqis hget '[.id, .state, (.history | length)]' '[2,"open",1]'
st=$(call h404 view GET /api/v1/hazards/99)
want h404 404 "$st"
jqis h404 '.error.field' '"id"'
st=$(call h404b view GET /api/v1/hazards/abc)
want h404b 404 "$st"

# ---- hazards: bad input names the field; nothing stored
snap before
bad() { # NAME STATUS FIELD MESSAGE PATH JSON
    st=$(call "$1" boss POST "$5" "$6")
    want "$1" "$2" "$st"
    err "$1" "$2" "$3" "$4"
}
bad hb_unit 400 unit "unit: no loaded plan has a unit 'c7-9'" /api/v1/hazards \
    '{"place":"x","description":"y","severity":"low","unit":"c7-9","owner":"li-na","due":"2030-03-10"}'
bad hb_owner 400 owner "owner: plan 'qingshan-no3-school' has no person 'nobody'" /api/v1/hazards \
    '{"place":"x","description":"y","severity":"low","unit":"c7-1","owner":"nobody","due":"2030-03-10"}'
bad hb_due 400 due "due: '2030-02-30' is not a valid date between 1900 and 2199" /api/v1/hazards \
    '{"place":"x","description":"y","severity":"low","unit":"c7-1","owner":"li-na","due":"2030-02-30"}'
bad hb_sev 400 severity "severity 'urgent' is not one of low, medium, high" /api/v1/hazards \
    '{"place":"x","description":"y","severity":"urgent","unit":"c7-1","owner":"li-na","due":"2030-03-10"}'
bad hb_place 400 place "place is empty" /api/v1/hazards \
    '{"description":"y","severity":"low","unit":"c7-1","owner":"li-na","due":"2030-03-10"}'
bad hb_member 400 colour "unknown member 'colour'" /api/v1/hazards '{"colour":"red"}'
bad hb_type 400 place "'place' must be a string or a whole number" /api/v1/hazards '{"place":["x"]}'
bad hb_rect_other 400 by "by: hazard 1 is rectified by its owner 'li-na', not 'wang-zhiqiang' (rule: rectified by the owner)" \
    /api/v1/hazards/1/rectify '{"by":"wang-zhiqiang"}'
bad hb_verify_open 409 state "$(t_muster hazard verify 1 --by wang-zhiqiang 2>&1 | sed 's/^muster: //')" \
    /api/v1/hazards/1/verify '{"by":"wang-zhiqiang"}'
st=$(call hb_json boss POST /api/v1/hazards 'not json')
want hb_json 400 "$st"
snap after_bad
same before after_bad "bad hazard input"

# ---- hazards: rectify by the owner, verify never by the rectifier
st=$(call hr boss POST /api/v1/hazards/1/rectify '{"by":"li-na","note":"已更换灭火器"}')
want hr 200 "$st"
jqis hr '[.state, .rectified_by, .history[-1].action, .history[-1].text]' '["rectified","li-na","rectify","已更换灭火器"]'
snap before_verify
bad hv_self 400 by "by: 'li-na' rectified hazard 1 and cannot verify it (rule: verified by someone else than the person who rectified)" \
    /api/v1/hazards/1/verify '{"by":"li-na"}'
snap after_verify
same before_verify after_verify "a verify by the rectifier"
st=$(call hv boss POST /api/v1/hazards/1/verify '{"by":"wang-zhiqiang"}')
want hv 200 "$st"
jqis hv '[.state, .rectified_by, .verified_by]' '["verified","li-na","wang-zhiqiang"]'
st=$(call hv2 boss POST /api/v1/hazards/1/verify '{"by":"wang-zhiqiang"}')
want hv2 409 "$st"
jqis hv2 '.error.field' '"state"'
st=$(call hn_closed boss POST /api/v1/hazards/1/notes '{"text":"x"}')
want hn_closed 409 "$st"
# assign and notes
st=$(call ha off POST /api/v1/hazards/2/assign '{"owner":"dong-ping","due":"2030-04-01"}')
want ha 200 "$st"
jqis ha '[.owner, .owner_name, .due, .state, .history[-1].action]' '["dong-ping","董萍","2030-04-01","open","assign"]'
st=$(call ha_bad off POST /api/v1/hazards/2/assign '{"owner":"nobody"}')
want ha_bad 400 "$st"
jqis ha_bad '.error.field' '"owner"'
st=$(call hn off POST /api/v1/hazards/2/notes '{"text":"已联系电工"}')
want hn 201 "$st"
jqis hn '[.history[-1].action, .history[-1].text, .history[-1].actor]' '["note","已联系电工","off"]'
st=$(call hn_empty off POST /api/v1/hazards/2/notes '{"text":""}')
want hn_empty 400 "$st"
err hn_empty 400 text "text is empty"
# XLSX
st=$(call hx view GET /api/v1/hazards.xlsx)
want hx 200 "$st"
t_expect_header hx Content-Type "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
t_expect_header hx Content-Disposition 'attachment; filename="hazards.xlsx"'
[ "$(head -c 2 "$T_TMP/hx.body")" = PK ] || t_fail "hazards.xlsx is not a zip"

# ---- hazards: roles
st=$(call hview view POST /api/v1/hazards "$HZ")
want hview 403 "$st"
st=$(call hrep_read rep GET /api/v1/hazards)
want hrep_read 403 "$st"
st=$(call hrep rep POST /api/v1/units/c7-1/hazards '{"place":"七年级1班教室","description":"插座松动","severity":"medium","owner":"li-na","due":"2030-05-01"}')
want hrep 201 "$st"
jqis hrep '[.id, .unit, .found_by]' '[3,"c7-1","rep"]'
st=$(call hrep_other rep POST /api/v1/units/c7-2/hazards '{"place":"x","description":"y","severity":"low","owner":"li-na","due":"2030-05-01"}')
want hrep_other 403 "$st"
st=$(call hrep_body rep POST /api/v1/units/c7-1/hazards '{"place":"x","description":"y","severity":"low","unit":"c7-2","owner":"li-na","due":"2030-05-01"}')
want hrep_body 400 "$st"
err hrep_body 400 unit "'unit' must be 'c7-1', the unit of the path"
st=$(call hrep_step rep POST /api/v1/hazards/3/rectify '{"by":"li-na"}')
want hrep_step 403 "$st"
st=$(call hview_unit view POST /api/v1/units/c7-1/hazards "$HZ")
want hview_unit 403 "$st"
for p in /api/v1/hazards /api/v1/hazards/1 /api/v1/hazards.xlsx /api/v1/drills-held \
    /api/v1/drills-held/due /api/v1/resources /api/v1/contacts; do
    st=$(call anon none GET "$p")
    want anon 401 "$st"
done
st=$(call anon_post none POST /api/v1/hazards "$HZ")
want anon_post 401 "$st"

# ---- drills held
st=$(call dd_unset view GET /api/v1/drills-held/due)
want dd_unset 404 "$st"
jqis dd_unset '.error.field' '"drill.terms"'
DR='{"plan":"qingshan-no3-school","date":"2030-03-05","kind":"fire-evacuation","scenario":"化学实验室起火","participants":1260,"duration":"40m","evacuation":"3m45s","findings":["三楼东侧楼梯口拥堵","广播声音小"]}'
st=$(call d1 off POST /api/v1/drills-held "$DR")
want d1 201 "$st"
jqis d1 '[.id, .plan, .date, .kind, .kind_name, .participants, .duration_s, .evacuation_s, .findings, .tasks, .simulation]' \
    '[1,"qingshan-no3-school","2030-03-05","fire-evacuation","消防疏散",1260,2400,225,["三楼东侧楼梯口拥堵","广播声音小"],[],null]'
snap before_drill
bad db_part 400 participants "participants: '-5' is negative" /api/v1/drills-held \
    '{"plan":"qingshan-no3-school","date":"2030-03-05","kind":"fire-evacuation","scenario":"x","participants":-5,"duration":"40m"}'
bad db_date 400 date "date: '2030-13-01' is not a valid date between 1900 and 2199" /api/v1/drills-held \
    '{"plan":"qingshan-no3-school","date":"2030-13-01","kind":"fire-evacuation","scenario":"x","participants":5,"duration":"40m"}'
bad db_findings 400 findings "'findings' must be a list of texts" /api/v1/drills-held \
    '{"plan":"qingshan-no3-school","date":"2030-03-05","kind":"flood","scenario":"x","participants":5,"duration":"40m","findings":[1]}'
bad db_sim 400 simulation "'simulation' must be the JSON object of a simulated drill" /api/v1/drills-held \
    '{"plan":"qingshan-no3-school","date":"2030-03-05","kind":"flood","scenario":"x","participants":5,"duration":"40m","simulation":[]}'
bad db_task_owner 400 owner "$(t_muster drill-record task 1 --finding 1 --owner nobody --due 2030-04-01 2>&1 | sed 's/^muster: //')" \
    /api/v1/drills-held/1/tasks '{"finding":1,"owner":"nobody","due":"2030-04-01"}'
bad db_task_finding 400 finding "'finding' must be the number of a finding (1, 2, ...)" \
    /api/v1/drills-held/1/tasks '{"finding":"one","owner":"he-jun","due":"2030-04-01"}'
snap after_drill
same before_drill after_drill "bad drill input"
st=$(call dt off POST /api/v1/drills-held/1/tasks '{"finding":1,"owner":"he-jun","due":"2030-04-01"}')
want dt 201 "$st"
t_expect_body dt '{"id":1,"text":"三楼东侧楼梯口拥堵","owner":"he-jun","due":"2030-04-01","done_at":null,"done_by":null,"drill":1}'
st=$(call dt404 off POST /api/v1/drills-held/9/tasks '{"finding":1,"owner":"he-jun","due":"2030-04-01"}')
want dt404 404 "$st"
st=$(call dtd off POST /api/v1/drills-held/tasks/1/done '{"by":"he-jun"}')
want dtd 200 "$st"
jqis dtd '[.id, .done_by, (.done_at | type), .drill]' '[1,"he-jun","string",1]'
st=$(call dtd2 off POST /api/v1/drills-held/tasks/1/done '{"by":"he-jun"}')
want dtd2 409 "$st"
st=$(call dl view GET /api/v1/drills-held)
want dl 200 "$st"
jqis dl '[(.items | map(.id)), .next_cursor, (.items[0].tasks | length)]' '[[1],null,1]'
st=$(call dg view GET /api/v1/drills-held/1)
want dg 200 "$st"
jqis dg '[.id, .tasks[0].done_by]' '[1,"he-jun"]'
t_muster drill-record terms 2030-02-20..2030-07-10 >/dev/null
t_muster drill-record require fire-evacuation 1 >/dev/null
t_muster drill-record require earthquake 1 >/dev/null
st=$(call dd view GET '/api/v1/drills-held/due?at=2030-07-01T09:00')
want dd 200 "$st"
t_expect_body dd '{"date":"2030-07-01","term":{"from":"2030-02-20","to":"2030-07-10","days_left":9},"due":[{"kind":"earthquake","kind_name":"地震避险","required":1,"held":0,"warn":true},{"kind":"fire-evacuation","kind_name":"消防疏散","required":1,"held":1,"warn":false}],"warnings":1}'
st=$(call dd_within view GET '/api/v1/drills-held/due?at=2030-07-01T09:00&within=5')
jqis dd_within '.warnings' '0'
st=$(call dd_bad view GET '/api/v1/drills-held/due?within=x')
want dd_bad 400 "$st"
jqis dd_bad '.error.field' '"within"'
st=$(call dx view GET /api/v1/drills-held.xlsx)
want dx 200 "$st"
[ "$(head -c 2 "$T_TMP/dx.body")" = PK ] || t_fail "drills-held.xlsx is not a zip"
st=$(call dview view POST /api/v1/drills-held "$DR")
want dview 403 "$st"
st=$(call dview2 view POST /api/v1/drills-held/tasks/1/done '{"by":"he-jun"}')
want dview2 403 "$st"

# ---- resources
st=$(call r1 off POST /api/v1/resources '{"plan":"qingshan-no3-school","name":"急救药箱","category":"supply","quantity":10,"unit_of_measure":"个","min":5,"location":"校医室","custodian":"li-na"}')
want r1 201 "$st"
jqis r1 '[.id, .name, .category, .quantity, .unit_of_measure, .min, .assigned, .custodian, .status, .expires, .alerts, [.movements[] | [.kind, .delta, .after]]]' \
    '[1,"急救药箱","supply",10,"个",5,0,"li-na","available",null,[],[["add",10,10]]]'
snap before_res
bad rb_neg 400 quantity "quantity: '-3' is negative" /api/v1/resources '{"name":"x","quantity":-3,"unit_of_measure":"个"}'
bad rb_word 400 quantity "quantity: 'many' is not a whole number" /api/v1/resources '{"name":"x","quantity":"many","unit_of_measure":"个"}'
bad rb_uom 400 unit_of_measure "unit-of-measure is empty" /api/v1/resources '{"name":"x","quantity":3}'
bad rb_cust 400 custodian "$(t_muster resource add --name x --quantity 3 --unit-of-measure 个 --custodian nobody 2>&1 | sed 's/^muster: //')" \
    /api/v1/resources '{"name":"x","quantity":3,"unit_of_measure":"个","custodian":"nobody"}'
bad rb_below 400 by "$(t_muster resource adjust 1 --by -20 --reason 盘点 2>&1 | sed 's/^muster: //')" \
    /api/v1/resources/1/adjust '{"by":-20,"reason":"盘点"}'
bad rb_reason 400 reason "reason is empty" /api/v1/resources/1/adjust '{"by":-1}'
bad rb_incident 404 incident "incident: no incident 7" /api/v1/resources/1/assign '{"incident":7,"quantity":2}'
bad rb_incident0 400 incident "incident: -1 is not an incident id" /api/v1/resources/1/assign '{"incident":"x","quantity":2}'
snap after_res
same before_res after_res "bad resource input"
st=$(call ra off POST /api/v1/resources/1/adjust '{"by":-6,"reason":"过期报废"}')
want ra 200 "$st"
jqis ra '[.quantity, .alerts, .movements[-1].kind, .movements[-1].delta, .movements[-1].reason]' '[4,["low-stock"],"adjust",-6,"过期报废"]'
sqlite3 "$T_DB" "INSERT INTO incidents (id, plan_id, plan_version, kind, place, reporter, state,
    occurred_at, reported_at, created_at, created_by, updated_at) VALUES (7, 'qingshan-no3-school',
    1, 'fire', '实验楼', 'li-na', 'open', 0, 0, 0, 'test', 0)" || t_fail "cannot add an incident"
st=$(call ras off POST /api/v1/resources/1/assign '{"incident":7,"quantity":3}')
want ras 200 "$st"
jqis ras '[.quantity, .assigned, .movements[-1].kind, .movements[-1].incident]' '[1,3,"assign",7]'
st=$(call rret_much off POST /api/v1/resources/1/return '{"incident":7,"quantity":4}')
want rret_much 400 "$st"
jqis rret_much '.error.field' '"quantity"'
st=$(call rret off POST /api/v1/resources/1/return '{"incident":7,"quantity":"3"}')
want rret 200 "$st"
jqis rret '[.quantity, .assigned]' '[4,0]'
st=$(call rl view GET '/api/v1/resources?alerts=1')
want rl 200 "$st"
jqis rl '[.items[] | [.id, .alerts]]' '[[1,["low-stock"]]]'
st=$(call rg view GET /api/v1/resources/1)
jqis rg '[.movements[] | .kind]' '["add","adjust","assign","return"]'
st=$(call rx view GET '/api/v1/resources.xlsx?alerts=1')
want rx 200 "$st"
[ "$(head -c 2 "$T_TMP/rx.body")" = PK ] || t_fail "resources.xlsx is not a zip"
st=$(call rview view POST /api/v1/resources/1/adjust '{"by":1,"reason":"x"}')
want rview 403 "$st"

# ---- contacts
st=$(call c1 off POST /api/v1/contacts '{"name":"青山市人民医院急诊","phone":"0571-80002120","category":"hospital"}')
want c1 201 "$st"
t_expect_body c1 '{"id":1,"name":"青山市人民医院急诊","phone":"0571-80002120","category":"hospital","note":""}'
snap before_contact
bad cb_phone 400 phone "phone: 'abc' may hold only digits, spaces and + - ( )" /api/v1/contacts '{"name":"x","phone":"abc"}'
bad cb_cat 400 category "$(t_muster contact add --name x --phone 110 --category pizza 2>&1 | sed 's/^muster: //')" \
    /api/v1/contacts '{"name":"x","phone":"110","category":"pizza"}'
snap after_contact
same before_contact after_contact "bad contact input"
st=$(call cl view GET /api/v1/contacts)
want cl 200 "$st"
jqis cl '[(.national | map(.phone)), (.items | map(.id)), .next_cursor, (.staff | length > 10), .staff[0].plan]' \
    '[["110","119","120","122"],[1],null,true,"hewan-township-flood"]'
st=$(call cx view GET /api/v1/contacts.xlsx)
want cx 200 "$st"
st=$(call csheet view GET /contacts/sheet)
want csheet 200 "$st"
t_has csheet '<link rel="stylesheet" href="/static/contact-sheet.css">'
t_hasnt csheet '<style>'
t_has csheet '0571-80002120'
st=$(call cview view DELETE /api/v1/contacts/1)
want cview 403 "$st"
st=$(call cdel off DELETE /api/v1/contacts/1)
want cdel 204 "$st"
st=$(call cdel2 off DELETE /api/v1/contacts/1)
want cdel2 404 "$st"
jqis cdel2 '.error.field' '"id"'

# Every change above is in the audit log.
t_muster audit tail -n 200 >"$T_TMP/audit"
for a in hazard.add hazard.rectify hazard.verify hazard.assign hazard.note drill.record drill.task \
    drill.task_done resource.add resource.adjust resource.assign resource.return contact.add contact.remove; do
    grep -q " $a" "$T_TMP/audit" || t_fail "no audit entry '$a'"
done

t_stop_server
t_done
