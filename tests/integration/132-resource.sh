#!/bin/sh
# SPDX-License-Identifier: MIT
# The resource register through the CLI: add (custodian checked against the
# loaded plans), adjust with a reason, assign to an incident and return
# (the incident must exist; no more back than went out), every movement in
# resource_movements and the audit log, low-stock and expiry alerts at
# given days, bad input (a negative quantity, a quantity that is not a
# number, an unknown custodian, an expiry that is not a date, a bad
# category, a stock that would go negative: each names the field and
# stores nothing), and the XLSX ledger.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 132-resource
export MUSTER_DB="$T_DB" MUSTER_ACTOR=clerk

"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the school plan"

snap() {
    { "$MUSTER" resource list --json && "$MUSTER" audit tail -n 3 &&
        sqlite3 "$T_DB" "SELECT * FROM resource_movements ORDER BY id"; } >"$T_TMP/$1" 2>&1
}

"$MUSTER" resource add --name 干粉灭火器 --quantity 40 --unit-of-measure 具 --category equipment \
    --location 各教学楼楼层 --custodian sun-wei --expires 2026-12-15 --min 30 >"$T_TMP/out" ||
    t_fail "add failed"
[ "$(head -n 1 "$T_TMP/out")" = "1 equipment 干粉灭火器: 40 具 (min 30, out 0), available, at 各教学楼楼层, custodian sun-wei, expires 2026-12-15" ] ||
    t_error "add output: $(cat "$T_TMP/out")"
[ "$("$MUSTER" resource add --name 防汛沙袋 --quantity 200 --unit-of-measure 条 --json |
    jq -c '[.id, .category, .quantity, .min, .expires, .plan, .alerts]')" = \
    '[2,"supply",200,0,null,"",[]]' ] || t_error "add --json"
"$MUSTER" resource add --name 应急备用金 --quantity 50000 --unit-of-measure 元 --category cash \
    --custodian xu-ming >/dev/null || t_error "add cash"

# ---- bad input stores nothing
snap before
t_check "negative quantity" 1 "" "muster: quantity: '-3' is negative" \
    "$MUSTER" resource add --name x --quantity -3 --unit-of-measure 个
t_check "quantity not a number" 1 "" "muster: quantity: 'ten' is not a whole number" \
    "$MUSTER" resource add --name x --quantity ten --unit-of-measure 个
t_check "negative min" 1 "" "muster: min: '-1' is negative" \
    "$MUSTER" resource add --name x --quantity 1 --unit-of-measure 个 --min -1
t_check "unknown custodian" 1 "" "muster: custodian: no loaded plan has a person 'ghost'" \
    "$MUSTER" resource add --name x --quantity 1 --unit-of-measure 个 --custodian ghost
t_check "expiry not a date" 1 "" "muster: expires: '2026-12-32' is not a valid date between 1900 and 2199" \
    "$MUSTER" resource add --name x --quantity 1 --unit-of-measure 个 --expires 2026-12-32
t_check "bad category" 1 "" "muster: category 'food' is not one of vehicle, cash, supply, equipment" \
    "$MUSTER" resource add --name x --quantity 1 --unit-of-measure 个 --category food
t_check "stock below zero" 1 "" "muster: by: -41 would leave -1, and a quantity cannot be negative" \
    "$MUSTER" resource adjust 1 --by -41 --reason 盘点
t_check "adjust without a reason" 2 "" "muster: usage: muster resource adjust ID --by N --reason TEXT" \
    "$MUSTER" resource adjust 1 --by -1
t_check "no such incident" 1 "" "muster: incident: no incident 7" \
    "$MUSTER" resource assign 1 --incident 7 --quantity 5
t_check "no such resource" 1 "" "muster: no resource 9" "$MUSTER" resource show 9
snap after
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "bad input changed the register:
$(diff "$T_TMP/before" "$T_TMP/after")"

# ---- movements
t_check "adjust" 0 "resource 1: adjusted by -15, now 25" "" "$MUSTER" resource adjust 1 --by -15 --reason 过期报废
# An incident row, as the incidents feature stores one (the CLI for it is not in this test).
sqlite3 "$T_DB" "INSERT INTO incidents (id, plan_id, plan_version, kind, place, reporter, state,
    occurred_at, reported_at, created_at, created_by, updated_at) VALUES (7, 'qingshan-no3-school',
    1, 'fire', '实验楼', 'li-na', 'open', 0, 0, 0, 'test', 0)" || t_fail "cannot add an incident"
t_check "assign" 0 "resource 1: assigned 5 to incident 7, now 20" "" \
    "$MUSTER" resource assign 1 --incident 7 --quantity 5
t_check "assign too many" 1 "" "muster: quantity: 21 asked, only 20 in stock" \
    "$MUSTER" resource assign 1 --incident 7 --quantity 21
t_check "return too many" 1 "" "muster: quantity: 6 returned, but only 5 are out for this incident" \
    "$MUSTER" resource return 1 --incident 7 --quantity 6
t_check "return" 0 "resource 1: returned 2 from incident 7, now 22" "" \
    "$MUSTER" resource return 1 --incident 7 --quantity 2
[ "$(sqlite3 "$T_DB" "SELECT kind, delta, quantity_after, incident_id, reason FROM resource_movements WHERE resource_id = 1 ORDER BY id")" = \
"add|40|40|0|
adjust|-15|25|0|过期报废
assign|-5|20|7|
return|2|22|7|" ] || t_error "movements: $(sqlite3 "$T_DB" "SELECT * FROM resource_movements")"
[ "$("$MUSTER" audit tail -n 20 | grep -c 'resource\.\(add\|adjust\|assign\|return\)')" = 6 ] ||
    t_error "movement audit entries: $("$MUSTER" audit tail -n 20)"

# ---- alerts at given days
t_check "alerts" 0 "1 equipment 干粉灭火器: 22 具 (min 30, out 3), available, at 各教学楼楼层, custodian sun-wei, expires 2026-12-15, ALERT low-stock,expiring" "" \
    "$MUSTER" resource list --alerts --at 2026-11-20T10:00
t_check "alerts, expired" 0 "1 equipment 干粉灭火器: 22 具 (min 30, out 3), available, at 各教学楼楼层, custodian sun-wei, expires 2026-12-15, ALERT low-stock,expired" "" \
    "$MUSTER" resource list --alerts --at 2026-12-16T10:00
t_check "expiry window" 0 "1 equipment 干粉灭火器: 22 具 (min 30, out 3), available, at 各教学楼楼层, custodian sun-wei, expires 2026-12-15, ALERT low-stock" "" \
    "$MUSTER" resource list --alerts --at 2026-11-20T10:00 --within 10
t_check "list (by category)" 0 "3 cash 应急备用金: 50000 元 (min 0, out 0), available, custodian xu-ming
2 supply 防汛沙袋: 200 条 (min 0, out 0), available
1 equipment 干粉灭火器: 22 具 (min 30, out 3), available, at 各教学楼楼层, custodian sun-wei, expires 2026-12-15, ALERT low-stock" "" \
    "$MUSTER" resource list --at 2026-01-01T10:00

# ---- the ledger
t_check "xlsx" 0 "wrote $T_TMP/r.xlsx" "" "$MUSTER" resource list --xlsx "$T_TMP/r.xlsx"
[ "$(head -c 2 "$T_TMP/r.xlsx")" = "PK" ] || t_error "the XLSX file is not a zip"
unzip -l "$T_TMP/r.xlsx" | grep -q 'xl/worksheets/sheet1.xml' || t_error "no sheet in the XLSX"
unzip -p "$T_TMP/r.xlsx" xl/sharedStrings.xml >"$T_TMP/strings"
for h in 应急物资装备台账 名称 数量 计量单位 存放地点 保管人 有效期至 干粉灭火器 孙伟 资金; do
    grep -q "$h" "$T_TMP/strings" || t_error "XLSX lacks '$h'"
done
"$MUSTER" audit verify >/dev/null || t_error "audit chain broken"
t_done
