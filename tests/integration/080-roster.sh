#!/bin/sh
# SPDX-License-Identifier: MIT
# muster roster through the CLI on the example plans: generate February 2026
# for the housing bureau (24 h, 春节), show (text and JSON), gaps before and
# after everyone of a pool is away, publish, now, override (one shift and a
# range) visible on the roster and in the audit log, swap request and
# approval, regenerating keeps published shifts, reminders and change
# notices, iCal (VCALENDAR/VEVENT counts), XLSX (a zip with the sheet), feed
# tokens, the day-night pattern of the township plan, and usage errors.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 080-roster
m() { t_muster "$@"; }
EX="$MUSTER_SRCDIR/examples/plans"
P=qinghe-housing-spring-festival

# expect CODE CMD...: run, keep stdout in $T_TMP/out and stderr in $T_TMP/err, check the exit code.
expect() {
    want=$1
    shift
    set +e
    m "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    got=$?
    set -e
    [ "$got" -eq "$want" ] ||
        t_fail "'$*' exited $got, not $want: $(cat "$T_TMP/out" "$T_TMP/err")"
}
same() { # same FILE TEXT
    [ "$(cat "$1")" = "$2" ] || t_fail "unexpected output:
$(cat "$1")
--- expected:
$2"
}

m plan load "$EX/housing-bureau.md" "$EX/township.md" >/dev/null || t_fail "loading the plans failed"

# ---- generate February 2026 (drafts) ----
expect 0 roster generate --plan $P --from 2026-02-01 --to 2026-02-28
same "$T_TMP/out" "generated 84 shifts for plan '$P' 2026-02-01..2026-02-28"

expect 0 roster show --from 2026-02-01 --to 2026-02-28 --json
[ "$(grep -c '"id":' "$T_TMP/out")" -eq 84 ] || t_fail "show --json should list 84 shifts"
head -16 "$T_TMP/out" >"$T_TMP/first"
same "$T_TMP/first" '[
  {
    "id": 1,
    "plan": "qinghe-housing-spring-festival",
    "pool": "leaders",
    "start": "2026-02-01T08:00:00+08:00",
    "end": "2026-02-02T08:00:00+08:00",
    "person": "gu-changjiang",
    "name": "顾长江",
    "role": "带班领导",
    "phone": "138-0000-0301",
    "source": "generated",
    "published": false,
    "prev_person": "",
    "note": ""
  },'
[ "$(grep -c '"role": "带班领导"' "$T_TMP/out")" -eq 28 ] || t_fail "one leader per day"
[ "$(grep -c '"role": "值班人员"' "$T_TMP/out")" -eq 56 ] || t_fail "two staff per day"

# The plan's unavailability is respected: lu-min is away 02-16..18, zhong-hai 02-09..13.
expect 0 roster show --person lu-min --from 2026-02-16 --to 2026-02-18
same "$T_TMP/out" "no shifts"
expect 0 roster show --person zhong-hai --from 2026-02-09 --to 2026-02-13
same "$T_TMP/out" "no shifts"

# Fairness: every leader has 5 or 6 of the 28 shifts, and 1 or 2 of the 9 春节 shifts.
for p in gu-changjiang song-liping cheng-kai lu-min xue-guohua; do
    n=$(m roster show --person $p --from 2026-02-01 --to 2026-02-28 | wc -l)
    [ "$n" -ge 5 ] && [ "$n" -le 6 ] || t_fail "$p has $n shifts in February"
    n=$(m roster show --person $p --from 2026-02-15 --to 2026-02-23 | wc -l)
    [ "$n" -ge 1 ] && [ "$n" -le 2 ] || t_fail "$p has $n Spring Festival shifts"
done

expect 0 roster show --from 2026-02-15 --to 2026-02-15
same "$T_TMP/out" "43  2026-02-15 08:00..2026-02-16 08:00  带班领导  薛国华 (xue-guohua)  138-0000-0305  [draft]
44  2026-02-15 08:00..2026-02-16 08:00  值班人员  范丽丽 (fan-lili)  138-0000-0317  [draft]
45  2026-02-15 08:00..2026-02-16 08:00  值班人员  戴军 (dai-jun)  138-0000-0318  [draft]"

# Drafts cover the month; nobody is on duty before publishing.
expect 0 roster gaps --plan $P --from 2026-02-01 --to 2026-02-28
same "$T_TMP/out" "no gaps"
expect 1 roster now --at 2026-02-15T09:00
same "$T_TMP/out" "nobody on duty at 2026-02-15 09:00"

# ---- publish, now ----
expect 0 roster publish --from 2026-02-01 --to 2026-02-28
same "$T_TMP/out" "published 84 shifts"
expect 0 roster now --at 2026-02-15T09:00
same "$T_TMP/out" "带班领导  薛国华 (xue-guohua)  138-0000-0305  until 2026-02-16 08:00
值班人员  范丽丽 (fan-lili)  138-0000-0317  until 2026-02-16 08:00
值班人员  戴军 (dai-jun)  138-0000-0318  until 2026-02-16 08:00"
# 07:59 the next morning is still the same shift; 08:00 is the next one.
expect 0 roster now --at 2026-02-16T07:59
grep -q "薛国华" "$T_TMP/out" || t_fail "07:59 should still be xue-guohua's shift"
expect 0 roster now --at 2026-02-16T00:00:00Z --json
grep -q '"person": "xue-guohua"' "$T_TMP/out" && t_fail "08:00+08:00 belongs to the next shift"
grep -q '"start": "2026-02-16T08:00:00+08:00"' "$T_TMP/out" || t_fail "now --json: $(cat "$T_TMP/out")"
expect 2 roster now --at 2026-02-16T8:00
grep -q "bad --at" "$T_TMP/err" || t_fail "bad --at not reported"

# ---- override one shift: visible, audited, notices ----
expect 0 roster override --shift 43 --person gu-changjiang --reason 临时调整
same "$T_TMP/out" "shift 43 now held by gu-changjiang"
expect 0 roster show --from 2026-02-15 --to 2026-02-15
head -1 "$T_TMP/out" >"$T_TMP/line"
same "$T_TMP/line" "43  2026-02-15 08:00..2026-02-16 08:00  带班领导  顾长江 (gu-changjiang)  138-0000-0301  [override, was xue-guohua: 临时调整]"
expect 0 roster show --from 2026-02-15 --to 2026-02-15 --json
grep -q '"source": "override"' "$T_TMP/out" || t_fail "json lacks the override"
grep -q '"prev_person": "xue-guohua"' "$T_TMP/out" || t_fail "json lacks prev_person"
m audit tail -n 5 >"$T_TMP/audit"
grep -q "  tester  roster.override  shift:43  $P 带班领导 2026-02-15T08:00:00+08:00: xue-guohua -> gu-changjiang: 临时调整" "$T_TMP/audit" ||
    t_fail "override not audited: $(cat "$T_TMP/audit")"
expect 0 roster notices --kind roster.change
[ "$(wc -l <"$T_TMP/out")" -eq 2 ] || t_fail "two change notices expected: $(cat "$T_TMP/out")"
grep -q "roster.change  xue-guohua  值班变更：2026-02-15 08:00 带班领导 改由顾长江担任  shift:43  pending" "$T_TMP/out" ||
    t_fail "change notice to the old holder: $(cat "$T_TMP/out")"
grep -q "roster.change  gu-changjiang  " "$T_TMP/out" || t_fail "change notice to the new holder"
expect 1 roster override --shift 43 --person nobody
same "$T_TMP/err" "muster: plan '$P' has no person 'nobody'"
expect 1 roster override --shift 9999 --person gu-changjiang
same "$T_TMP/err" "muster: no shift 9999"

# ---- override a range ----
expect 0 roster override --person fan-lili --with tao-yu --from 2026-02-01 --to 2026-02-28 --reason 借调
n=$(m roster show --person fan-lili --from 2026-02-01 --to 2026-02-28 | grep -vc "no shifts" || true)
[ "$n" -eq 0 ] || t_fail "fan-lili still has shifts"
grep -Eq "^[0-9]+ shifts of fan-lili now held by tao-yu$" "$T_TMP/out" || t_fail "range: $(cat "$T_TMP/out")"

# ---- swap request and approval ----
expect 0 roster swap request --shift 45 --with jia-ning --by dai-jun --reason 家中有事
same "$T_TMP/out" "swap request 1 for shift 45 is pending"
expect 1 roster swap request --shift 45 --with qiu-shan --by dai-jun
grep -q "already has swap request 1 pending" "$T_TMP/err" || t_fail "second request: $(cat "$T_TMP/err")"
expect 0 roster swap approve 1
same "$T_TMP/out" "swap request 1 approved"
expect 1 roster swap reject 1
same "$T_TMP/err" "muster: swap request 1 was already approved"
expect 0 roster show --from 2026-02-15 --to 2026-02-15
tail -1 "$T_TMP/out" >"$T_TMP/line"
same "$T_TMP/line" "45  2026-02-15 08:00..2026-02-16 08:00  值班人员  贾宁 (jia-ning)  138-0000-0321  [swap, was dai-jun: 家中有事]"
m audit tail -n 20 >"$T_TMP/audit"
grep -q "roster.swap_request  shift:45  request 1 by dai-jun: dai-jun -> jia-ning: 家中有事" "$T_TMP/audit" || t_fail "swap request not audited"
grep -q "roster.swap_approve  swap:1  " "$T_TMP/audit" || t_fail "approval not audited"
m audit verify >/dev/null || t_fail "audit chain broken"

# ---- regenerating keeps the published shifts, overrides included ----
expect 0 roster generate --plan $P --from 2026-02-01 --to 2026-02-28
same "$T_TMP/out" "generated 0 shifts for plan '$P' 2026-02-01..2026-02-28, kept 84 published"
expect 0 roster show --from 2026-02-15 --to 2026-02-15
grep -q "顾长江 (gu-changjiang)" "$T_TMP/out" || t_fail "regeneration lost the override"

# ---- gaps: every leader away on 02-03..04, regenerate with --replace ----
for p in gu-changjiang song-liping cheng-kai lu-min xue-guohua; do
    m roster unavailable add --person $p --from 2026-02-03 --to 2026-02-04 --reason 集中学习 >/dev/null
done
expect 0 roster unavailable list --from 2026-02-04 --to 2026-02-10
[ "$(wc -l <"$T_TMP/out")" -eq 5 ] || t_fail "unavailable list: $(cat "$T_TMP/out")"
expect 0 roster generate --plan $P --from 2026-02-01 --to 2026-02-07 --replace
same "$T_TMP/out" "generated 19 shifts for plan '$P' 2026-02-01..2026-02-07, replaced 21
warning: 2 places could not be filled; see 'muster roster gaps'"
expect 1 roster gaps --plan $P --from 2026-02-01 --to 2026-02-07
same "$T_TMP/out" "$P  leaders  带班领导  2026-02-03 08:00..2026-02-05 08:00  48h uncovered, 1 missing"
expect 0 roster gaps --plan $P --from 2026-02-10 --to 2026-02-12
same "$T_TMP/out" "no gaps"

# ---- iCal ----
expect 0 roster ical
[ "$(grep -c '^BEGIN:VCALENDAR' "$T_TMP/out")" -eq 1 ] || t_fail "one VCALENDAR"
[ "$(grep -c '^BEGIN:VEVENT' "$T_TMP/out")" -eq 63 ] || t_fail "published shifts: $(grep -c '^BEGIN:VEVENT' "$T_TMP/out")"
[ "$(grep -c '^END:VEVENT' "$T_TMP/out")" -eq 63 ] || t_fail "VEVENTs not closed"
grep -q '^UID:shift-43@muster' "$T_TMP/out" || t_fail "stable UID missing"
expect 0 roster ical --person gu-changjiang --from 2026-02-15 --to 2026-02-15
tr -d '\r' <"$T_TMP/out" | grep -E '^(UID|DTSTART|DTEND|SUMMARY):' >"$T_TMP/ev"
same "$T_TMP/ev" "UID:shift-43@muster
DTSTART:20260215T000000Z
DTEND:20260216T000000Z
SUMMARY:值班 带班领导 顾长江"

# ---- XLSX ----
expect 0 roster xlsx --from 2026-02-01 --to 2026-02-28 --output "$T_TMP/roster.xlsx"
same "$T_TMP/out" "wrote $T_TMP/roster.xlsx"
[ "$(od -An -c -N2 "$T_TMP/roster.xlsx" | tr -d ' ')" = "PK" ] || t_fail "xlsx is not a zip"
unzip -l "$T_TMP/roster.xlsx" | grep -q 'xl/worksheets/sheet1.xml' || t_fail "xlsx lacks sheet1"
unzip -p "$T_TMP/roster.xlsx" xl/sharedStrings.xml >"$T_TMP/strings"
for s in 日期 星期 节假日 带班领导 值班人员 联系电话 2026-02-15 星期日 春节 春节调休上班 "顾长江 138-0000-0301"; do
    grep -q "$s" "$T_TMP/strings" || t_fail "xlsx lacks '$s'"
done

# ---- feed tokens ----
expect 0 roster feed create --person xue-guohua
grep -Eq '^/feeds/roster/[0-9a-f]{64}\.ics$' "$T_TMP/out" || t_fail "feed path: $(cat "$T_TMP/out")"
expect 0 roster feed revoke --person xue-guohua
same "$T_TMP/out" "1 feed token of xue-guohua revoked"
expect 1 roster feed create --person nobody
same "$T_TMP/err" "muster: no stored plan has person 'nobody'"

# ---- reminders (a range far in the future, so they are still due) ----
expect 0 roster generate --plan $P --from 2099-03-02 --to 2099-03-02 --publish
expect 0 roster notices --kind roster.reminder --from 2099-03-01 --to 2099-03-01
[ "$(wc -l <"$T_TMP/out")" -eq 3 ] || t_fail "3 reminders due a day ahead expected: $(cat "$T_TMP/out")"
grep -q "  2099-03-01 08:00  roster.reminder  " "$T_TMP/out" || t_fail "reminder time: $(cat "$T_TMP/out")"
expect 0 roster notices --kind roster.reminder --from 2099-03-01 --to 2099-03-01 --json
grep -q '"due_at": "2099-03-01T08:00:00+08:00", "status": "pending"' "$T_TMP/out" || t_fail "notices json: $(cat "$T_TMP/out")"

# ---- day-night: the township plan ----
T=hewan-township-flood
expect 0 roster generate --plan $T --from 2026-06-01 --to 2026-06-01 --publish
same "$T_TMP/out" "generated 6 shifts for plan '$T' 2026-06-01..2026-06-01, published 6"
expect 0 roster show --plan $T --from 2026-06-01 --to 2026-06-01
cut -d' ' -f3-5 "$T_TMP/out" | sort -u >"$T_TMP/times"
same "$T_TMP/times" "2026-06-01 08:30..2026-06-01 17:30
2026-06-01 17:30..2026-06-02 08:30"
expect 0 roster now --at 2026-06-01T20:00 --json
[ "$(grep -c '"start": "2026-06-01T17:30:00+08:00"' "$T_TMP/out")" -eq 3 ] || t_fail "night shift: $(cat "$T_TMP/out")"
expect 0 roster gaps --plan $T --from 2026-06-01 --to 2026-06-01
expect 1 roster gaps --plan $T --from 2026-06-01 --to 2026-06-02
[ "$(wc -l <"$T_TMP/out")" -eq 2 ] || t_fail "township gaps on 06-02: $(cat "$T_TMP/out")"

# ---- usage errors (nothing opened or changed) ----
expect 2 roster generate --from 2026-02-01 --to 2026-02-28
grep -q "roster generate needs --plan" "$T_TMP/err" || t_fail "missing --plan"
expect 2 roster show --from 2026-02-31 --to 2026-03-01
grep -q "bad --from" "$T_TMP/err" || t_fail "bad date"
expect 2 roster show --from 2026-03-01 --to 2026-02-01
expect 2 roster now --plan $P
expect 2 roster frobnicate
expect 1 roster generate --plan no-such-plan --from 2026-02-01 --to 2026-02-02
m audit verify >/dev/null || t_fail "audit chain broken at the end"
t_done
