#!/bin/sh
# SPDX-License-Identifier: MIT
# The contacts directory through the CLI: the national emergency numbers
# always listed, stored numbers added and removed (audited), the staff of
# the loaded plans with their team roles, bad input (a phone that is not a
# phone, a bad category: each names the field and stores nothing), the
# one-page A4 phone list (HTML, escaped) and the XLSX ledger.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 133-contact
export MUSTER_DB="$T_DB" MUSTER_ACTOR=clerk

t_check "empty database" 0 "national emergency numbers:
  110 报警
  119 火警
  120 急救
  122 交通事故报警
stored numbers: none" "" "$MUSTER" contact list

"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the school plan"
t_check "add" 0 "contact 1: 青山市人民医院急诊 0571-80002120" "" \
    "$MUSTER" contact add --name 青山市人民医院急诊 --phone 0571-80002120 --category hospital
t_check "add duty" 0 "contact 2: 市教育局值班室 0571-80003000" "" \
    "$MUSTER" contact add --name 市教育局值班室 --phone 0571-80003000 --category authority --note "24小时"
t_check "add html" 0 "contact 3: <b>x</b> 110" "" "$MUSTER" contact add --name "<b>x</b>" --phone 110

snap() {
    { "$MUSTER" contact list --json && "$MUSTER" audit tail -n 3; } >"$T_TMP/$1" 2>&1
}
snap before
t_check "phone with letters" 1 "" "muster: phone: 'call me' may hold only digits, spaces and + - ( )" \
    "$MUSTER" contact add --name x --phone "call me"
t_check "phone too short" 1 "" "muster: phone: '12' is not a phone number (3 to 32 characters)" \
    "$MUSTER" contact add --name x --phone 12
t_check "bad category" 1 "" "muster: category 'friends' is not one of emergency, hospital, duty, authority, other" \
    "$MUSTER" contact add --name x --phone 110 --category friends
t_check "empty name" 1 "" "muster: name is empty" "$MUSTER" contact add --name "" --phone 110
t_check "remove missing" 1 "" "muster: no contact 9" "$MUSTER" contact remove 9
t_check "pdf" 1 "" "muster: format: 'pdf' is not supported (html; print it to PDF from a browser)" \
    "$MUSTER" contact sheet --format pdf
snap after
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "bad input changed the directory"

t_check "remove" 0 "contact 3: removed" "" "$MUSTER" contact remove 3
"$MUSTER" contact list >"$T_TMP/list" || t_error "list failed"
sed -n 6,9p "$T_TMP/list" >"$T_TMP/got"
cat >"$T_TMP/want" <<'EOF2'
stored numbers:
  1 hospital 青山市人民医院急诊 0571-80002120
  2 authority 市教育局值班室 0571-80003000 — 24小时
staff of qingshan-no3-school (青山市第三中学), office 0571-80001200:
EOF2
cmp -s "$T_TMP/got" "$T_TMP/want" || t_error "list: $(cat "$T_TMP/list")"
grep -qx "  zhou-jianguo 周建国, 校长, 138-0000-0101, 青山市第三中学: 学校突发事件应急工作领导小组组长" \
    "$T_TMP/list" || t_error "staff line of the principal: $(grep zhou-jianguo "$T_TMP/list")"
[ "$("$MUSTER" contact list --json | jq -c '[.national[0], (.contacts | length), (.staff[] | select(.id == "zhou-jianguo") | [.phone, .unit_name, (.roles | length > 0)])]')" = \
    '[{"phone":"110","name":"报警"},2,["138-0000-0101","青山市第三中学",true]]' ] || t_error "list --json"
[ "$("$MUSTER" audit tail -n 10 | grep -c 'contact\.\(add\|remove\)')" = 4 ] || t_error "contact audit entries"

# ---- the printable phone list
t_check "sheet" 0 "wrote $T_TMP/sheet.html" "" "$MUSTER" contact sheet --output "$T_TMP/sheet.html"
for s in '@page{size:A4' 'font-size:16pt' '<h1>应急联系电话</h1>' '>119</td>' '青山市人民医院急诊' \
    '0571-80001200' '周建国' '138-0000-0101'; do
    grep -qF "$s" "$T_TMP/sheet.html" || t_error "sheet lacks '$s'"
done
"$MUSTER" contact add --name "<script>alert(1)</script>" --phone 110 >/dev/null
"$MUSTER" contact sheet >"$T_TMP/sheet2.html"
grep -qF '&lt;script&gt;' "$T_TMP/sheet2.html" && ! grep -qF '<script>' "$T_TMP/sheet2.html" ||
    t_error "sheet does not escape names"

# ---- the ledger
t_check "xlsx" 0 "wrote $T_TMP/c.xlsx" "" "$MUSTER" contact list --xlsx "$T_TMP/c.xlsx"
[ "$(head -c 2 "$T_TMP/c.xlsx")" = "PK" ] || t_error "the XLSX file is not a zip"
unzip -l "$T_TMP/c.xlsx" | grep -q 'xl/worksheets/sheet1.xml' || t_error "no sheet in the XLSX"
unzip -p "$T_TMP/c.xlsx" xl/sharedStrings.xml >"$T_TMP/strings"
for h in 应急通讯录 联系电话 应急职责 火警 青山市人民医院急诊 周建国; do
    grep -q "$h" "$T_TMP/strings" || t_error "XLSX lacks '$h'"
done
"$MUSTER" audit verify >/dev/null || t_error "audit chain broken"
t_done
