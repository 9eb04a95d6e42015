#!/bin/sh
# SPDX-License-Identifier: MIT
# Check-ins through the HTTP API with group commit: a township day (1,000
# units x 4 slots = 4,000 submissions) and a province day (25,000 units x 4
# = 100,000), each POSTed to /api/v1/checkins/{unit} by 64 concurrent
# keep-alive clients (bench/checkin_http_client.c, compiled here) against
# `muster serve` with its default worker threads (one per core: a
# submission waiting for its group commit holds no thread) on a
# temporary SQLite file (WAL,
# synchronous=FULL: a 201 means the submission is committed). Then the time
# to answer the 25,000-unit board (GET /api/v1/checkins/board, the whole
# board built, one page sent; median of 7). The baseline, measured in the
# same run by bench_checkin on the same disk, is the raw SQLite
# single-row-commit rate. Prints
#   bench: checkin_http_township: N submissions/s p99 X ms (ratio R vs raw_sqlite_single_row_commit)
#   bench: checkin_http_province: N submissions/s p99 X ms (ratio R vs raw_sqlite_single_row_commit)
#   bench: checkin_board_25000_http: X ms
# The plans are written here (units u0..uN-1, check-in "daily" at 08:00,
# 12:00, 16:00, 20:00 every day). Any non-201 answer fails the benchmark.
#
# usage: bench/bench_checkin_http.sh BUILD_DIR     (run by bench/run.sh)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: bench/bench_checkin_http.sh BUILD_DIR" >&2
    exit 2
fi
build=$1
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/muster
raw=$build/bench_checkin
conns=64
for f in "$bin" "$raw"; do
    [ -x "$f" ] || { echo "bench_checkin_http: $f is not built" >&2; exit 1; }
done
command -v curl >/dev/null 2>&1 || { echo "bench_checkin_http: curl not found" >&2; exit 1; }
CC=${CC:-cc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/muster-bench-ci.XXXXXX")
pid=""
cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        n=0
        while kill -0 "$pid" 2>/dev/null && [ $n -lt 300 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() {
    echo "bench_checkin_http: $*" >&2
    exit 1
}

"$CC" -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -pthread -o "$tmp/client" \
    "$top/bench/checkin_http_client.c" || fail "cannot compile the client"

# plan ID UNITS: a plan with UNITS leaf units under one root.
plan() {
    awk -v id="$1" -v n="$2" 'BEGIN {
        print "---"; print "muster: 1"; print "id: " id; print "title: bench " id
        print "org: {name: bench}"; print "units:"; print "  - id: root"
        print "    name: root"; print "    children:"
        for (i = 0; i < n; i++) printf "      - {id: u%d, name: U%d}\n", i, i
        print "people:"; print "  - {id: p, name: P}"; print "teams:"
        print "  - {id: t, name: T, leader: p}"; print "checkins:"
        print "  - id: daily"; print "    name: daily"; print "    units: all"
        print "    times: [\"08:00\", \"12:00\", \"16:00\", \"20:00\"]"
        print "    days: everyday"; print "    grace: 10m"
        print "    fields:"; print "      - {key: n, label: N, type: count}"
        print "---"
    }' >"$tmp/$1.md"
}
plan township 1000
plan province 25000

db=$tmp/bench.db
m() { MUSTER_ACTOR=bench "$bin" --db "$db" "$@"; }
m migrate >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "migrate failed"; }
m plan load "$tmp/township.md" "$tmp/province.md" >>"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log" >&2; fail "plan load failed"; }
pass=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$pass" | m user add bench --role admin --password-stdin >>"$tmp/setup.log" 2>&1 ||
    fail "user add failed"
token=$(m token create --user bench 2>>"$tmp/setup.log") || fail "token create failed"

# The baseline first, on the same disk, while nothing else runs.
"$raw" 1000 >"$tmp/raw.out" 2>&1 || { cat "$tmp/raw.out" >&2; fail "bench_checkin failed"; }
raw_rate=$(sed -n 's/^bench: raw_sqlite_single_row_commit: \([0-9]*\)\/s$/\1/p' "$tmp/raw.out")
[ -n "$raw_rate" ] || fail "no raw rate in: $(cat "$tmp/raw.out")"

"$bin" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pid=$!
n=0
until grep -q '^muster: listening on ' "$tmp/serve.out"; do
    n=$((n + 1))
    [ $n -lt 300 ] || fail "the server did not start"
    kill -0 "$pid" 2>/dev/null || fail "the server exited: $(cat "$tmp/serve.err")"
    sleep 0.1
done
url=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[0-9]*\)/$|\1|p' "$tmp/serve.out")
port=${url##*:}

run() { # NAME SCHEDULE UNITS DATE
    "$tmp/client" "$port" "$token" "$2" "$3" "$4" $conns >"$tmp/$1.out" 2>&1 ||
        fail "$1: $(cat "$tmp/$1.out")"
    set -- "$1" $(cat "$tmp/$1.out")
    # ok N errors E seconds S rate R p50_ms A p99_ms B
    rate=${9} p99=${13}
    ratio=$(awk -v a="$rate" -v b="$raw_rate" 'BEGIN { printf "%.2f", a / b }')
    echo "bench: checkin_http_$1: $rate submissions/s p99 $p99 ms (ratio $ratio vs raw_sqlite_single_row_commit)"
    echo "# $1: $(cat "$tmp/$1.out")"
}
# A short warm-up (parses and caches the plans), on another day.
"$tmp/client" "$port" "$token" township/daily 50 2026-03-01 8 >/dev/null 2>&1 ||
    fail "warm-up failed"
"$tmp/client" "$port" "$token" province/daily 16 2026-03-01 8 >/dev/null 2>&1 ||
    fail "warm-up failed"
run township township/daily 1000 2026-03-02
run province province/daily 25000 2026-03-02

# The 25,000-unit board, all 100,000 cells built, the first page answered.
: >"$tmp/board.times"
for i in 1 2 3 4 5 6 7; do
    curl -sS -o "$tmp/board.body" -w '%{time_total}\n' -H "Authorization: Bearer $token" \
        "$url/api/v1/checkins/board?schedule=province/daily&date=2026-03-02&at=2026-03-03T00:00&limit=100" \
        >>"$tmp/board.times" || fail "board request failed"
done
grep -q '"counts":{"on_time":100000,' "$tmp/board.body" ||
    fail "board: unexpected counts: $(head -c 300 "$tmp/board.body")"
ms=$(sort -n "$tmp/board.times" | sed -n 4p | awk '{ printf "%.1f", $1 * 1000 }')
echo "bench: checkin_board_25000_http: $ms ms"
echo "# raw_sqlite_single_row_commit: $raw_rate/s (bench_checkin, same run)"
