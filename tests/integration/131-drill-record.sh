#!/bin/sh
# SPDX-License-Identifier: MIT
# The drill register through the CLI: drills held (text and JSON, findings,
# an attached simulation), findings turned into follow-up tasks with
# reminders, the terms and required frequencies and the due check at given
# days (exit 1 while a requirement is at risk), bad input (unknown plan,
# bad kind, negative participants, a duration or date that is not one, a
# simulation that is not JSON, an unknown owner: each names the field and
# stores nothing), and the XLSX ledger.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 131-drill-record
export MUSTER_DB="$T_DB" MUSTER_ACTOR=clerk
P=qingshan-no3-school

"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the school plan"

snap() {
    { "$MUSTER" drill-record list --json && "$MUSTER" audit tail -n 3; } >"$T_TMP/$1" 2>&1
}

# ---- one plan loaded: --plan may be left out
printf '{"plan":"%s","timeline":[{"at":"2026-03-20T10:00:00+08:00","event":"notify"}]}\n' "$P" \
    >"$T_TMP/sim.json"
t_check "add" 0 "drill 1: 2026-03-20 fire-evacuation (消防疏散)
  plan: $P
  scenario: 教学楼二楼化学实验室起火
  participants: 1260
  duration: 40m
  evacuation: 3m45s
  simulation: attached
findings:
  1. 三楼东侧楼梯拥堵
  2. 广播声音小
tasks:" "" \
    "$MUSTER" drill-record add --date 2026-03-20 --kind fire-evacuation \
    --scenario 教学楼二楼化学实验室起火 --participants 1260 --duration 40m --evacuation 3m45s \
    --finding 三楼东侧楼梯拥堵 --finding 广播声音小 --simulation "$T_TMP/sim.json"
[ "$("$MUSTER" drill-record show 1 --json | jq -c '[.kind_name, .duration_s, .evacuation_s, .findings, .simulation.timeline[0].event]')" = \
    '["消防疏散",2400,225,["三楼东侧楼梯拥堵","广播声音小"],"notify"]' ] || t_error "show --json"

# ---- bad input stores nothing
snap before
t_check "unknown plan" 1 "" "muster: plan: no plan 'nope' is loaded" \
    "$MUSTER" drill-record add --plan nope --date 2026-03-20 --kind flood --scenario x --participants 1 --duration 1h
t_check "bad kind" 1 "" "muster: kind 'Fire Drill' may hold only a-z, 0-9 and '-' (e.g. fire-evacuation)" \
    "$MUSTER" drill-record add --date 2026-03-20 --kind "Fire Drill" --scenario x --participants 1 --duration 1h
t_check "negative participants" 1 "" "muster: participants: '-5' is negative" \
    "$MUSTER" drill-record add --date 2026-03-20 --kind flood --scenario x --participants -5 --duration 1h
t_check "bad duration" 1 "" "muster: duration: 'an hour' is not a duration (expected e.g. 90s, 15m, 2h, 1h30m, 3d)" \
    "$MUSTER" drill-record add --date 2026-03-20 --kind flood --scenario x --participants 5 --duration "an hour"
t_check "bad date" 1 "" "muster: date: '2026-3-20' is not a date (expected YYYY-MM-DD)" \
    "$MUSTER" drill-record add --date 2026-3-20 --kind flood --scenario x --participants 5 --duration 1h
printf 'not json' >"$T_TMP/bad.json"
t_check "simulation not JSON" 1 "" "muster: simulation: not a JSON object ('[' or '{' expected near 'not' at line 1)" \
    "$MUSTER" drill-record add --date 2026-03-20 --kind flood --scenario x --participants 5 --duration 1h --simulation "$T_TMP/bad.json"
t_check "task unknown owner" 1 "" "muster: owner: plan '$P' has no person 'ghost'" \
    "$MUSTER" drill-record task 1 --finding 1 --owner ghost --due 2026-04-01
t_check "task no such finding" 1 "" "muster: finding: drill 1 has 2 findings" \
    "$MUSTER" drill-record task 1 --finding 3 --owner sun-wei --due 2026-04-01
t_check "no such drill" 1 "" "muster: no drill record 9" "$MUSTER" drill-record show 9
t_check "usage" 2 "" "muster: usage: muster drill-record require KIND N" "$MUSTER" drill-record require flood
snap after
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "bad input changed the register or the audit log"

# ---- tasks
t_check "task from a finding" 0 "task 1 of drill 1: owner sun-wei, due 2030-04-01" "" \
    "$MUSTER" drill-record task 1 --finding 1 --owner sun-wei --due 2030-04-01
t_check "task with text" 0 "task 2 of drill 1: owner liu-gang, due 2030-04-15" "" \
    "$MUSTER" drill-record task 1 --text 更换广播功放 --owner liu-gang --due 2030-04-15
[ "$(sqlite3 "$T_DB" "SELECT person, ref FROM notices WHERE kind = 'drill.task' ORDER BY id")" = \
"sun-wei|drill-task:1
liu-gang|drill-task:2" ] || t_error "task reminders"
t_check "done" 0 "task 1: done by sun-wei" "" "$MUSTER" drill-record done 1 --by sun-wei
t_check "done twice" 1 "" "muster: drill task 1 is done already" "$MUSTER" drill-record done 1 --by sun-wei
[ "$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM notices WHERE ref = 'drill-task:1' AND cancelled_at IS NULL")" = 0 ] ||
    t_error "done did not cancel the reminder"

# ---- terms, requirements and the due check
t_check "due without terms" 1 "" "muster: drill.terms is not set (muster drill-record terms FROM..TO[,FROM..TO...])" \
    "$MUSTER" drill-record due --at 2026-06-30T10:00
t_check "bad terms" 1 "" "muster: drill.terms: '2026-09-01..2026-13-01' has a date that is not a date (YYYY-MM-DD)" \
    "$MUSTER" drill-record terms "2026-02-23..2026-07-10,2026-09-01..2026-13-01"
t_check "terms" 0 "drill.terms = 2026-02-23..2026-07-10,2026-09-01..2027-01-20" "" \
    "$MUSTER" drill-record terms "2026-02-23..2026-07-10,2026-09-01..2027-01-20"
t_check "require" 0 "drill.require.fire-evacuation = 1" "" "$MUSTER" drill-record require fire-evacuation 1
t_check "require earthquake" 0 "drill.require.earthquake = 1" "" "$MUSTER" drill-record require earthquake 1
t_check "due, at risk" 1 "term 2026-02-23..2026-07-10, 10 days left
earthquake 地震避险: 0 of 1 held, WARNING: the term ends in 10 days without it
fire-evacuation 消防疏散: 1 of 1 held" "" "$MUSTER" drill-record due --at 2026-06-30T10:00
t_check "due, early in the term" 0 "term 2026-02-23..2026-07-10, 100 days left
earthquake 地震避险: 0 of 1 held
fire-evacuation 消防疏散: 1 of 1 held" "" "$MUSTER" drill-record due --at 2026-04-01T10:00
t_check "due, between terms" 0 "no term contains 2026-08-01" "" "$MUSTER" drill-record due --at 2026-08-01T10:00
"$MUSTER" drill-record add --date 2026-06-01 --kind earthquake --scenario 地震避险疏散 \
    --participants 1250 --duration 30m >/dev/null || t_error "second drill"
t_check "due, done" 0 "term 2026-02-23..2026-07-10, 10 days left
earthquake 地震避险: 1 of 1 held
fire-evacuation 消防疏散: 1 of 1 held" "" "$MUSTER" drill-record due --at 2026-06-30T10:00
[ "$("$MUSTER" drill-record due --at 2027-01-10T10:00 --json | jq -c '[.term.days_left, .warnings, [.due[].held]]')" = \
    '[10,2,[0,0]]' ] || t_error "due --json"

# ---- history and the ledger
t_check "list" 0 "1 2026-03-20 fire-evacuation (消防疏散) plan $P: 教学楼二楼化学实验室起火; 1260 people, 40m, evacuation 3m45s, 2 findings, 1 tasks open of 2
2 2026-06-01 earthquake (地震避险) plan $P: 地震避险疏散; 1250 people, 30m, evacuation -, 0 findings, 0 tasks open of 0" "" \
    "$MUSTER" drill-record list
t_check "xlsx" 0 "wrote $T_TMP/d.xlsx" "" "$MUSTER" drill-record list --xlsx "$T_TMP/d.xlsx"
[ "$(head -c 2 "$T_TMP/d.xlsx")" = "PK" ] || t_error "the XLSX file is not a zip"
unzip -l "$T_TMP/d.xlsx" | grep -q 'xl/worksheets/sheet1.xml' || t_error "no sheet in the XLSX"
unzip -p "$T_TMP/d.xlsx" xl/sharedStrings.xml >"$T_TMP/strings"
for h in 应急演练台账 演练日期 演练类型 参演人数 疏散用时 发现问题 整改任务 消防疏散 三楼东侧楼梯拥堵; do
    grep -q "$h" "$T_TMP/strings" || t_error "XLSX lacks '$h'"
done
"$MUSTER" audit verify >/dev/null || t_error "audit chain broken"
t_done
