#!/bin/sh
# SPDX-License-Identifier: MIT
# muster calendar: is-workday, add-workdays and workdays-between on the real
# data files around Spring Festival and National Day 2024-2026 (make-up
# Saturdays and Sundays included), the warning for years without data, bad
# arguments (exit 2), bad or missing data files (exit 1), and an admin-added
# year. Output on stdout and stderr is compared exactly.
set -u

: "${MUSTER:?MUSTER must name the muster binary}"
: "${MUSTER_SRCDIR:?MUSTER_SRCDIR must name the source tree}"
[ -x "$MUSTER" ] || { echo "030-calendar: '$MUSTER' is not an executable" >&2; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

MUSTER_DATADIR=$MUSTER_SRCDIR/data
export MUSTER_DATADIR
failures=0

# check WANT_RC WANT_STDOUT WANT_STDERR ARGS...: run `muster calendar ARGS`.
check() {
    want_rc=$1 want_out=$2 want_err=$3
    shift 3
    "$MUSTER" calendar "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
    if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ] || [ "$err" != "$want_err" ]; then
        echo "FAIL: muster calendar $*" >&2
        echo "  exit $rc, want $want_rc" >&2
        echo "  stdout: [$out]" >&2
        echo "  want:   [$want_out]" >&2
        echo "  stderr: [$err]" >&2
        echo "  want:   [$want_err]" >&2
        failures=$((failures + 1))
    fi
}

# ok ARGS... EXPECTED: exit 0, nothing on stderr.
day() { check 0 "$2" "" is-workday "$1"; }
add() { check 0 "$3" "" add-workdays "$1" "$2"; }
btw() { check 0 "$3" "" workdays-between "$1" "$2"; }

# --- is-workday: 春节 and 国庆 2024 ---
day 2024-02-03 "weekend"
day 2024-02-04 "workday (adjusted)"      # make-up Sunday
day 2024-02-09 "workday"
day 2024-02-10 "holiday 春节"
day 2024-02-17 "holiday 春节"
day 2024-02-18 "workday (adjusted)"      # make-up Sunday
day 2024-02-19 "workday"
day 2024-09-14 "workday (adjusted)"      # make-up Saturday (中秋)
day 2024-09-29 "workday (adjusted)"      # make-up Sunday
day 2024-10-01 "holiday 国庆节"
day 2024-10-06 "holiday 国庆节"
day 2024-10-08 "workday"
day 2024-10-12 "workday (adjusted)"      # make-up Saturday
day 2024-10-13 "weekend"
day 2024-06-08 "holiday 端午节"          # unlisted Saturday next to the Monday off
# --- 2025 ---
day 2025-01-01 "holiday 元旦"
day 2025-01-26 "workday (adjusted)"      # make-up Sunday
day 2025-01-27 "workday"
day 2025-01-28 "holiday 春节"
day 2025-02-01 "holiday 春节"            # a Saturday inside 春节
day 2025-02-04 "holiday 春节"
day 2025-02-08 "workday (adjusted)"      # make-up Saturday
day 2025-02-09 "weekend"
day 2025-09-28 "workday (adjusted)"      # make-up Sunday
day 2025-10-01 "holiday 国庆节、中秋节"
day 2025-10-08 "holiday 国庆节、中秋节"
day 2025-10-09 "workday"
day 2025-10-11 "workday (adjusted)"      # make-up Saturday
# --- 2026 ---
day 2026-01-04 "workday (adjusted)"      # make-up Sunday (元旦)
day 2026-02-14 "workday (adjusted)"      # make-up Saturday
day 2026-02-15 "holiday 春节"
day 2026-02-23 "holiday 春节"
day 2026-02-24 "workday"
day 2026-02-28 "workday (adjusted)"      # make-up Saturday
day 2026-09-20 "workday (adjusted)"      # make-up Sunday
day 2026-09-25 "holiday 中秋节"
day 2026-10-01 "holiday 国庆节"
day 2026-10-08 "workday"
day 2026-10-10 "workday (adjusted)"      # make-up Saturday
day 2026-10-11 "weekend"
day 2024-02-29 "workday"                 # leap day

# --- add-workdays across each holiday ---
add 2024-02-08 1 2024-02-09
add 2024-02-08 2 2024-02-18
add 2024-02-09 1 2024-02-18
add 2024-02-19 -2 2024-02-09
add 2024-09-27 1 2024-09-29
add 2024-09-30 1 2024-10-08
add 2024-10-11 1 2024-10-12
add 2024-10-11 2 2024-10-14
add 2025-01-24 1 2025-01-26
add 2025-01-27 1 2025-02-05
add 2025-02-07 1 2025-02-08
add 2025-02-07 2 2025-02-10
add 2025-01-27 -3 2025-01-23
add 2025-09-26 1 2025-09-28
add 2025-09-30 1 2025-10-09
add 2025-10-10 1 2025-10-11
add 2026-02-13 1 2026-02-14
add 2026-02-13 2 2026-02-24
add 2026-02-27 1 2026-02-28
add 2026-09-30 1 2026-10-08
add 2026-10-09 1 2026-10-10
add 2026-10-08 -1 2026-09-30
add 2025-01-10 30 2025-02-27
add 2025-01-28 0 2025-01-28
add 2025-01-28 +1 2025-02-05
add 2024-02-28 1 2024-02-29
add 2024-02-29 1 2024-03-01

# --- workdays-between ---
btw 2024-12-31 2025-01-31 19
btw 2025-01-31 2024-12-31 -19
btw 2025-12-31 2026-01-05 2
btw 2025-01-01 2025-01-01 0
btw 2025-01-25 2025-01-26 1
btw 2023-12-31 2024-12-31 251           # (2023-12-31, ...] touches 2024 only: no warning
btw 2024-12-31 2025-12-31 248
btw 2025-12-31 2026-12-31 248
btw 2024-02-28 2024-03-01 2

# --- years without data: weekdays only, one warning per year touched ---
w() { echo "muster: warning: no holiday data for $1; using weekdays only"; }
check 0 "workday" "$(w 2027)" is-workday 2027-01-01
check 0 "weekend" "$(w 2027)" is-workday 2027-02-06
check 0 "workday" "$(w 2023)" is-workday 2023-10-02
check 0 "2027-01-05" "$(w 2027)" add-workdays 2026-12-31 3
check 0 "2023-12-25" "$(w 2023)" add-workdays 2024-01-02 -5
check 0 "2024-01-02" "" add-workdays 2023-12-31 1
check 0 "1" "$(w 2023)" workdays-between 2023-12-29 2024-01-02
check 0 "$(printf '%s\n' 1268)" "$(w 2023; w 2027; w 2028)" workdays-between 2023-06-01 2028-06-01
check 0 "-1268" "$(w 2023; w 2027; w 2028)" workdays-between 2028-06-01 2023-06-01

# --- bad arguments: exit 2, naming the argument ---
check 2 "" "muster: calendar is-workday: bad DATE: '2025-13-01' is not a valid date between 1900 and 2199" \
    is-workday 2025-13-01
check 2 "" "muster: calendar is-workday: bad DATE: '2025-02-30' is not a valid date between 1900 and 2199" \
    is-workday 2025-02-30
check 2 "" "muster: calendar is-workday: bad DATE: 'tomorrow' is not a date (expected YYYY-MM-DD)" \
    is-workday tomorrow
check 2 "" "muster: calendar add-workdays: bad DATE: '2024-02-30' is not a valid date between 1900 and 2199" \
    add-workdays 2024-02-30 1
check 2 "" "muster: calendar add-workdays: bad N: 'x' is not a whole number" add-workdays 2025-01-01 x
check 2 "" "muster: calendar add-workdays: bad N: '1.5' is not a whole number" add-workdays 2025-01-01 1.5
check 2 "" "muster: calendar add-workdays: bad N: '' is not a whole number" add-workdays 2025-01-01 ""
check 2 "" "muster: calendar add-workdays: bad N: '5000000' is out of range (-1000000..1000000)" \
    add-workdays 2025-01-01 5000000
check 2 "" "muster: calendar workdays-between: bad A: '2025-1-1' is not a date (expected YYYY-MM-DD)" \
    workdays-between 2025-1-1 2025-02-01
check 2 "" "muster: calendar workdays-between: bad B: 'next-week' is not a date (expected YYYY-MM-DD)" \
    workdays-between 2025-01-01 next-week

usage="muster: usage: muster calendar is-workday DATE
       muster calendar add-workdays DATE N
       muster calendar workdays-between A B
DATE, A and B are YYYY-MM-DD; N is a whole number of working days (negative: before)"
check 2 "" "$usage"
check 2 "" "$usage" is-workday
check 2 "" "$usage" is-workday 2025-01-01 2025-01-02
check 2 "" "$usage" add-workdays 2025-01-01
check 2 "" "$usage" workdays-between 2025-01-01
check 2 "" "muster: calendar: unknown subcommand 'next'
$usage" next 2025-01-01

# --- a result outside the supported years: exit 1 ---
check 1 "" "muster: 5 working days after '2199-12-30' fall outside the supported years 1900..2199" \
    add-workdays 2199-12-30 5

# --- data files an admin edits ---
mkdir -p "$tmp/data/calendars"
cp "$MUSTER_SRCDIR"/data/calendars/*.txt "$tmp/data/calendars/"
cat >"$tmp/data/calendars/2027.txt" <<'EOF'
# 2027, added by hand
2027-02-05  off   春节
2027-02-06  off   春节
2027-02-07  off   春节
EOF
MUSTER_DATADIR=$tmp/data
check 0 "holiday 春节" "" is-workday 2027-02-06
check 0 "2027-02-08" "" add-workdays 2027-02-04 1
printf '2028-01-03  off  元旦\n2028-01-04  of   元旦\n' >"$tmp/data/calendars/2028.txt"
check 1 "" "muster: $tmp/data/calendars/2028.txt:2: unknown kind 'of' (expected 'off' or 'work')" \
    is-workday 2025-01-01
printf '2028-01-03  off  元旦\n2028-01-03  off  元旦\n' >"$tmp/data/calendars/2028.txt"
check 1 "" "muster: $tmp/data/calendars/2028.txt:2: duplicate date '2028-01-03' (first on line 1)" \
    is-workday 2025-01-01
printf '2027-12-31  off  元旦\n' >"$tmp/data/calendars/2028.txt"
check 1 "" "muster: $tmp/data/calendars/2028.txt:1: date '2027-12-31' is outside the file's year 2028" \
    is-workday 2025-01-01
rm "$tmp/data/calendars/2028.txt"
MUSTER_DATADIR=$tmp/nowhere
check 1 "" "muster: cannot open directory '$tmp/nowhere/calendars': No such file or directory" \
    is-workday 2025-01-01
# Argument errors win over data errors: nothing is read before the arguments are checked.
check 2 "" "muster: calendar is-workday: bad DATE: 'tomorrow' is not a date (expected YYYY-MM-DD)" \
    is-workday tomorrow
MUSTER_DATADIR=$MUSTER_SRCDIR/data

# --help prints the usage and succeeds.
"$MUSTER" calendar --help >"$tmp/out" 2>&1 || { echo "FAIL: calendar --help exits non-zero" >&2; failures=$((failures + 1)); }
grep -q 'muster calendar add-workdays DATE N' "$tmp/out" || { echo "FAIL: calendar --help shows no usage" >&2; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
    echo "030-calendar: $failures check(s) failed" >&2
    exit 1
fi
echo "030-calendar: all checks passed"
