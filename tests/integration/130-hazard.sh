#!/bin/sh
# SPDX-License-Identifier: MIT
# The hazard register through the CLI on the school example plan: add (text
# and JSON), the rules of rectification (only the owner) and verification
# (never the person who rectified: the error names the field and the rule),
# reassignment and notes, the deadline reminders in the notices table,
# overdue listing at a given time, bad input (unknown unit, unknown owner,
# a date that is not a date, a bad severity, an unknown plan: each names
# the field, exits 1 and stores nothing: the ledger and the audit log are
# unchanged), usage errors (exit 2), inspection checklists and rounds, and
# the XLSX ledger (a zip with a sheet and the Chinese headers).
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 130-hazard
export MUSTER_DB="$T_DB" MUSTER_ACTOR=clerk

"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the school plan"
"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null ||
    t_fail "cannot load the township plan"

# snap NAME: the ledger and the end of the audit log, to show that nothing changed.
snap() {
    { "$MUSTER" hazard list --json && "$MUSTER" audit tail -n 3; } >"$T_TMP/$1" 2>&1
}

add() {
    "$MUSTER" hazard add --place 实验楼三楼东侧 --description 灭火器压力不足 --severity high \
        --unit c7-1 --owner li-na "$@"
}

# ---- add
cat >"$T_TMP/want" <<'EOF2'
hazard 1: open, severity high, due 2030-03-10
  plan: qingshan-no3-school
  place: 实验楼三楼东侧
  description: 灭火器压力不足
  unit: c7-1 七年级1班
  owner: li-na 李娜
history:
  TIME add by clerk (li-na)
    灭火器压力不足
EOF2
add --due 2030-03-10 >"$T_TMP/out" 2>"$T_TMP/err" || t_error "add failed: $(cat "$T_TMP/err")"
sed 's/^  [0-9-]* [0-9:]* add/  TIME add/' "$T_TMP/out" | cmp -s - "$T_TMP/want" ||
    t_error "add output: $(cat "$T_TMP/out")"
[ "$("$MUSTER" hazard add --place 食堂后厨 --description 燃气管道老化 --severity medium \
    --unit canteen --owner guo-fang --due 2026-03-05 --json | jq -c '[.id, .plan, .unit_name,
    .owner_name, .state, .severity, .due, .rectified_by]')" = \
    '[2,"qingshan-no3-school","食堂","郭芳","open","medium","2026-03-05",null]' ] ||
    t_error "add --json"
# The township plan: a unit found in a plan other than the first.
t_check "add in the other plan" 0 "3 open low due 2026-03-20 unit liushu owner hu-jianping: 安置点: 应急灯损坏" "" \
    sh -c '"$MUSTER" hazard add --place 安置点 --description 应急灯损坏 --severity low \
        --unit liushu --owner hu-jianping --due 2026-03-20 >/dev/null &&
        "$MUSTER" hazard list --at 2026-03-01T08:00 | sed -n 3p'

# ---- reminders: 3 days before and on the day, 09:00, for the owner
[ "$(sqlite3 "$T_DB" "SELECT person, due_at, ref FROM notices WHERE kind = 'hazard.reminder' AND ref = 'hazard:1' ORDER BY due_at")" = \
"li-na|1899075600000|hazard:1
li-na|1899334800000|hazard:1" ] || t_error "reminders: $(sqlite3 "$T_DB" "SELECT * FROM notices")"

# ---- bad input: error names the field, nothing stored
snap before
t_check "unknown unit" 1 "" "muster: unit: no loaded plan has a unit 'c7-9'" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-9 --owner li-na --due 2026-03-10
t_check "unit not in the named plan" 1 "" "muster: unit: plan 'hewan-township-flood' has no unit 'c7-1'" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner li-na --due 2026-03-10 --plan hewan-township-flood
t_check "unknown plan" 1 "" "muster: plan: no plan 'nope' is loaded" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner li-na --due 2026-03-10 --plan nope
t_check "unknown owner" 1 "" "muster: owner: plan 'qingshan-no3-school' has no person 'nobody'" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner nobody --due 2026-03-10
t_check "date that is not a date" 1 "" "muster: due: '2026-02-30' is not a valid date between 1900 and 2199" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner li-na --due 2026-02-30
t_check "date in another format" 1 "" "muster: due: '10/03/2026' is not a date (expected YYYY-MM-DD)" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner li-na --due 10/03/2026
t_check "bad severity" 1 "" "muster: severity 'urgent' is not one of low, medium, high" \
    "$MUSTER" hazard add --place x --description y --severity urgent --unit c7-1 --owner li-na --due 2026-03-10
t_check "empty place" 1 "" "muster: place is empty" \
    "$MUSTER" hazard add --place "" --description y --severity low --unit c7-1 --owner li-na --due 2026-03-10
t_check "missing option" 2 "" "muster: usage: muster hazard add --place TEXT --description TEXT --severity low|medium|high --unit UNIT --owner PERSON --due DATE [--plan ID] [--json]" \
    "$MUSTER" hazard add --place x --description y --severity low --unit c7-1 --owner li-na
t_check "rectify by someone else" 1 "" \
    "muster: by: hazard 1 is rectified by its owner 'li-na', not 'zhang-min' (rule: rectified by the owner)" \
    "$MUSTER" hazard rectify 1 --by zhang-min
t_check "verify before rectify" 1 "" "muster: hazard 1 is not rectified yet, nothing to verify" \
    "$MUSTER" hazard verify 1 --by liu-gang
t_check "no such hazard" 1 "" "muster: no hazard 99" "$MUSTER" hazard note 99 --text x
t_check "bad id" 1 "" "muster: id: 'x' is not an id" "$MUSTER" hazard show x
snap after
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "bad input changed the ledger or the audit log:
$(diff "$T_TMP/before" "$T_TMP/after")"

# ---- rectify by the owner, verify by someone else
t_check "note" 0 "hazard 1: note added" "" "$MUSTER" hazard note 1 --text 已报总务处采购
t_check "rectify" 0 "hazard 1: rectified by li-na" "" "$MUSTER" hazard rectify 1 --by li-na --note 已更换两具灭火器
[ "$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM notices WHERE ref = 'hazard:1' AND cancelled_at IS NULL")" = 0 ] ||
    t_error "rectify did not cancel the reminders"
snap before
t_check "verify by the rectifier" 1 "" \
    "muster: by: 'li-na' rectified hazard 1 and cannot verify it (rule: verified by someone else than the person who rectified)" \
    "$MUSTER" hazard verify 1 --by li-na
t_check "verify by an unknown person" 1 "" "muster: by: plan 'qingshan-no3-school' has no person 'ghost'" \
    "$MUSTER" hazard verify 1 --by ghost
t_check "rectify twice" 1 "" "muster: hazard 1 is rectified already" "$MUSTER" hazard rectify 1 --by li-na
snap after
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "refused verify changed something"
t_check "verify" 0 "hazard 1: verified by liu-gang" "" "$MUSTER" hazard verify 1 --by liu-gang
t_check "assign after verification" 1 "" "muster: hazard 1 is verified and closed: cannot reassign it" \
    "$MUSTER" hazard assign 1 --owner zhang-min
[ "$("$MUSTER" hazard show 1 --json | jq -c '[.state, .rectified_by, .verified_by, [.history[].action]]')" = \
    '["verified","li-na","liu-gang",["add","note","rectify","verify"]]' ] || t_error "show after verify"

# ---- reassign: new owner and deadline, new reminders
t_check "assign" 0 "hazard 2: assigned to sun-wei, due 2030-04-01" "" \
    "$MUSTER" hazard assign 2 --owner sun-wei --due 2030-04-01
[ "$(sqlite3 "$T_DB" "SELECT person FROM notices WHERE ref = 'hazard:2' AND cancelled_at IS NULL GROUP BY person")" = sun-wei ] ||
    t_error "assign reminders"

# ---- overdue at a given time
t_check "overdue" 0 "3 open low due 2026-03-20 unit liushu owner hu-jianping OVERDUE: 安置点: 应急灯损坏" "" \
    "$MUSTER" hazard list --overdue --at 2026-03-21T08:00
t_check "none overdue" 0 "no overdue hazards" "" "$MUSTER" hazard list --overdue --at 2026-03-20T23:59

# ---- checklists and rounds
t_check "checklist add" 0 "checklist 1: 消防安全检查 (unit canteen, plan qingshan-no3-school)
  1. 灭火器在有效期内
  2. 疏散通道畅通
  3. 燃气阀门关闭" "" \
    "$MUSTER" hazard checklist add --name 消防安全检查 --unit canteen --item 灭火器在有效期内 \
    --item 疏散通道畅通 --item 燃气阀门关闭
t_check "checklist unknown unit" 1 "" "muster: unit: no loaded plan has a unit 'gym'" \
    "$MUSTER" hazard checklist add --name x --unit gym --item a
t_check "inspect" 0 "round 1 of checklist 1: 1 failed" "" \
    "$MUSTER" hazard inspect 1 --by guo-fang --date 2026-03-02 --failed 2
t_check "inspect bad item" 1 "" "muster: failed: '4' is not a list of item numbers 1..3" \
    "$MUSTER" hazard inspect 1 --by guo-fang --date 2026-03-02 --failed 4
t_check "checklist show" 0 "checklist 1: 消防安全检查 (unit canteen, plan qingshan-no3-school)
  1. 灭火器在有效期内
  2. 疏散通道畅通
  3. 燃气阀门关闭
  round 1 2026-03-02 by guo-fang: 2 passed, 1 failed (2)" "" "$MUSTER" hazard checklist show 1

# ---- XLSX ledger
t_check "xlsx" 0 "wrote $T_TMP/h.xlsx" "" "$MUSTER" hazard list --xlsx "$T_TMP/h.xlsx"
[ "$(head -c 2 "$T_TMP/h.xlsx")" = "PK" ] || t_error "the XLSX file is not a zip"
unzip -l "$T_TMP/h.xlsx" | grep -q 'xl/worksheets/sheet1.xml' || t_error "no sheet in the XLSX"
unzip -p "$T_TMP/h.xlsx" xl/sharedStrings.xml >"$T_TMP/strings"
for h in 隐患排查整改台账 隐患地点 整改责任人 整改期限 验收人 是否逾期 灭火器压力不足 李娜 已验收; do
    grep -q "$h" "$T_TMP/strings" || t_error "XLSX lacks '$h'"
done

"$MUSTER" audit verify >/dev/null || t_error "audit chain broken"
[ "$("$MUSTER" audit tail -n 50 | grep -c 'hazard\.')" -ge 8 ] || t_error "hazard audit entries missing"
t_done
