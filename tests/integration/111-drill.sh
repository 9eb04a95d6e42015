#!/bin/sh
# SPDX-License-Identifier: MIT
# Simulated drills through the CLI: every scenario in examples/drills gives
# the verdict its `expect:` key states (--check: exit 3 when a deadline was
# missed, 0 when all were met); the JSON has exactly the documented shape;
# the same scenario gives the same bytes twice; a broken scenario and a
# scenario that does not fit the plan are reported as FILE:LINE:COL; no
# database file is created.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 111-drill
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
cd "$T_TMP" || t_fail "cd"
export MUSTER_DB="$T_TMP/never.db"
EX="$MUSTER_SRCDIR/examples"

plan_of() {
    case "$1" in
    school-*) echo "$EX/plans/school.md" ;;
    township-*) echo "$EX/plans/township.md" ;;
    housing-*) echo "$EX/plans/housing-bureau.md" ;;
    *) t_fail "no plan for scenario $1" ;;
    esac
}

count=0
for f in "$EX"/drills/*.yaml; do
    name=$(basename "$f")
    want=$(sed -n 's/^expect: *\([a-z]*\).*/\1/p' "$f")
    [ -n "$want" ] || t_error "$name: no expect: key"
    rc=0
    "$MUSTER" drill run "$(plan_of "$name")" --scenario "$f" --check >"$T_TMP/out" 2>"$T_TMP/err" ||
        rc=$?
    case "$want:$rc" in
    met:0 | missed:3) ;;
    *) t_error "$name: exit $rc, expected verdict '$want' ($(cat "$T_TMP/err"))" ;;
    esac
    grep -q "^verdict: " "$T_TMP/out" || t_error "$name: no verdict line"
    "$MUSTER" drill run "$(plan_of "$name")" --scenario "$f" --json >"$T_TMP/a.json" ||
        t_error "$name: --json failed"
    "$MUSTER" drill run "$(plan_of "$name")" --scenario "$f" --json >"$T_TMP/b.json"
    cmp -s "$T_TMP/a.json" "$T_TMP/b.json" || t_error "$name: two runs differ"
    shape=$(jq -c '[keys_unsorted, ([.timeline[] | keys_unsorted] | unique),
        ([.deadlines[] | keys_unsorted] | unique),
        ([.deadlines[] | (.met | type), (.late_by_s | type)] | unique)]' "$T_TMP/a.json")
    case "$shape" in
    '[["timeline","deadlines"],[["at","event","person","channel"]],[["name","due_at","met","late_by_s"]],'*) ;;
    *) t_error "$name: JSON shape $shape" ;;
    esac
    missed=$(jq '[.deadlines[] | select(.met | not)] | length' "$T_TMP/a.json")
    if [ "$want" = met ] && [ "$missed" != 0 ]; then t_error "$name: $missed missed in JSON"; fi
    if [ "$want" = missed ] && [ "$missed" = 0 ]; then t_error "$name: none missed in JSON"; fi
    count=$((count + 1))
done
[ "$count" -ge 3 ] || t_error "only $count scenarios in examples/drills"

# ---- the night fire in detail: who was told, the escalation, the late ack
j="$T_TMP/fire.json"
"$MUSTER" drill run "$EX/plans/school.md" --scenario "$EX/drills/school-night-fire.yaml" --json >"$j"
t_check "night fire: the chain" 0 "2026-03-10T02:10:00+08:00 lin-hui phone notify.sent 火灾报告与响应 第 1 步
2026-03-10T02:10:00+08:00 luo-ping phone notify.sent 火灾报告与响应 第 1 步
2026-03-10T02:15:00+08:00 wang-zhiqiang phone notify.sent 火灾报告与响应 第 2 步
2026-03-10T02:20:00+08:00 zhou-jianguo phone notify.sent 火灾报告与响应 第 3 步" "" \
    jq -r '.timeline[] | select(.event | test("^notify.sent 火灾报告与响应")) | "\(.at) \(.person) \(.channel) \(.event)"' "$j"
t_check "night fire: verdicts of the chain" 0 '{"name":"火灾报告与响应 第 1 步确认（1/2）","due_at":"2026-03-10T02:15:00+08:00","met":false,"late_by_s":180}
{"name":"火灾报告与响应 第 2 步确认（1/1）","due_at":"2026-03-10T02:20:00+08:00","met":false,"late_by_s":null}
{"name":"火灾报告与响应 第 3 步确认（1/1）","due_at":"2026-03-10T02:25:00+08:00","met":true,"late_by_s":null}' "" \
    jq -c '.deadlines[] | select(.name | startswith("火灾报告与响应"))' "$j"

# ---- bad scenarios
printf 'start: 2026-03-10T02:10\nincident: {kind: fire, place: x}\nuntil: soon\n' >"$T_TMP/bad.yaml"
t_check "bad duration" 1 "" "bad.yaml:3:8: error: until: 'soon' is not a duration (15m, 1h30m, 90s)" \
    "$MUSTER" drill run "$EX/plans/school.md" --scenario bad.yaml
printf 'start: 2026-03-10T02:10\nincident: {kind: flood, level: IV, place: x}\nresponses:\n  li-ming: {none: true}\nuntil: 1h\n' >"$T_TMP/nofit.yaml"
t_check "scenario does not fit the plan" 1 "" "nofit.yaml:2:18: error: unknown incident kind 'flood' in plan 'qingshan-no3-school' (kinds: fire, food-poisoning, intruder, earthquake, epidemic-cluster)
nofit.yaml:4:3: error: no person 'li-ming' in plan 'qingshan-no3-school'" \
    "$MUSTER" drill run "$EX/plans/school.md" --scenario nofit.yaml
t_check "usage" 2 "" "muster: usage: muster drill run PLAN_FILE --scenario SCENARIO_FILE [--json] [--check]" \
    "$MUSTER" drill run "$EX/plans/school.md"
[ ! -e "$T_TMP/never.db" ] || t_error "a drill created the database"
t_done "$count scenarios"
