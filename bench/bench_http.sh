#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP benchmark: muster serve against a bare libmicrohttpd server
# (bench/minimal_server.c) answering the same bytes in the same threading
# mode, both on 127.0.0.1 and driven by wrk in the same run:
#   http_health     GET /api/v1/health, public
#   http_dashboard  GET /api/v1/dashboard with "Authorization: Bearer TOKEN"
#                   (a token of an admin, from `muster token create`); skipped
#                   when the route or the token command is not built yet
# The database is a temporary SQLite file with the example plans. Each
# measured wrk run lasts MUSTER_BENCH_SECONDS (5) seconds with 2 threads and
# 64 connections, after a 1-second warm-up; each server is measured twice,
# interleaved, and the better run counts. Prints
#   bench: NAME: N req/s p99 X ms (ratio R vs minimal_mhd)
# where R is muster's requests/s over the minimal server's, and "#" lines
# with the baseline's own figures. Both servers are stopped whatever happens.
# A run with errors (non-2xx answers, socket errors) fails the benchmark.
#
# usage: bench/bench_http.sh BUILD_DIR     (run by bench/run.sh)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: bench/bench_http.sh BUILD_DIR" >&2
    exit 2
fi
build=$1
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/muster
minimal=$build/minimal_server
secs=${MUSTER_BENCH_SECONDS:-5}
wrk_threads=2
wrk_conns=64
# The same pool size for both servers: muster's default, one per core.
server_threads=$(nproc 2>/dev/null || echo 2)
[ "$server_threads" -gt 64 ] && server_threads=64

for f in "$bin" "$minimal"; do
    [ -x "$f" ] || { echo "bench_http: $f is not built" >&2; exit 1; }
done
command -v wrk >/dev/null 2>&1 || {
    echo "bench_http: wrk not found (tools/deps.sh --bench installs it)" >&2
    exit 1
}
command -v curl >/dev/null 2>&1 || { echo "bench_http: curl not found" >&2; exit 1; }
case $secs in
'' | *[!0-9]*) echo "bench_http: MUSTER_BENCH_SECONDS must be 1 to 60" >&2; exit 2 ;;
esac
if [ "$secs" -lt 1 ] || [ "$secs" -gt 60 ]; then
    echo "bench_http: MUSTER_BENCH_SECONDS must be 1 to 60" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/muster-bench.XXXXXX")

# Start CMD in the background as NAME: its pid is written to $tmp/NAME.pid
# by the child itself before CMD runs, so that the cleanup finds it even
# when a signal comes between the fork and the next line of this script.
start_bg() {
    : >"$tmp/$1.starting"
    pidfile=$tmp/$1.pid
    shift
    sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" &
}

# The pid of what start_bg started as NAME; empty when nothing was started.
pid_of() {
    if [ -e "$tmp/$1.starting" ]; then
        n=0
        while [ ! -s "$tmp/$1.pid" ] && [ $n -lt 50 ]; do
            sleep 0.1
            n=$((n + 1))
        done
    fi
    cat "$tmp/$1.pid" 2>/dev/null || true
}

stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        n=0
        while kill -0 "$1" 2>/dev/null && [ $n -lt 150 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        kill -KILL "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

cleanup() {
    status=$?
    trap - EXIT INT TERM
    stop_pid "$(pid_of muster)"
    stop_pid "$(pid_of minimal)"
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "bench_http: $*" >&2
    exit 1
}

# Wait for "PREFIX: listening on http://127.0.0.1:PORT/" in FILE from PID;
# prints the URL without the trailing slash.
wait_url() {
    n=0
    while :; do
        u=$(sed -n "s/^$1: listening on \\(http:\\/\\/127\\.0\\.0\\.1:[0-9]*\\)\\/\$/\\1/p" "$2")
        if [ -n "$u" ]; then
            echo "$u"
            return 0
        fi
        kill -0 "$3" 2>/dev/null || return 1
        n=$((n + 1))
        [ $n -lt 150 ] || return 1
        sleep 0.1
    done
}

# ---- the database and the accounts ----
db=$tmp/bench.db
"$bin" --db "$db" migrate >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "migrate failed"; }
for f in "$top"/examples/plans/*.md; do
    MUSTER_ACTOR=bench "$bin" --db "$db" plan load "$f" >>"$tmp/setup.log" 2>&1 ||
        { cat "$tmp/setup.log" >&2; fail "cannot load $f"; }
done
token=""
why_no_token=""
pass=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
if printf '%s\n' "$pass" | "$bin" --db "$db" user add bench --role admin --password-stdin \
    >"$tmp/user.log" 2>&1; then
    if "$bin" --db "$db" token create --user bench >"$tmp/token.out" 2>"$tmp/token.log"; then
        # The token is the last word printed.
        token=$(awk 'NF { t = $NF } END { print t }' "$tmp/token.out")
        [ -n "$token" ] || fail "muster token create printed no token"
    else
        why_no_token="muster token create failed: $(head -n 1 "$tmp/token.log")"
    fi
else
    why_no_token="muster user add failed: $(head -n 1 "$tmp/user.log")"
fi

# ---- muster ----
: >"$tmp/muster.out"
start_bg muster "$bin" --db "$db" serve --listen 127.0.0.1:0 --threads "$server_threads" \
    >"$tmp/muster.out" 2>/dev/null
murl=$(wait_url muster "$tmp/muster.out" "$(pid_of muster)") || fail "muster serve did not start"

code=$(curl -sS -o "$tmp/health.json" -w '%{http_code}' "$murl/api/v1/health") ||
    fail "cannot reach $murl/api/v1/health"
[ "$code" = 200 ] || fail "GET /api/v1/health answered $code"

dashboard=""
dashboard_skip=""
# An unknown path is 404 before any authentication.
code=$(curl -sS -o /dev/null -w '%{http_code}' "$murl/api/v1/dashboard") ||
    fail "cannot reach $murl/api/v1/dashboard"
if [ "$code" = 404 ]; then
    dashboard_skip="route not built"
elif [ -z "$token" ]; then
    dashboard_skip="no API token: $why_no_token"
else
    code=$(curl -sS -o "$tmp/dashboard.json" -w '%{http_code}' \
        -H "Authorization: Bearer $token" "$murl/api/v1/dashboard") ||
        fail "cannot reach $murl/api/v1/dashboard"
    [ "$code" = 200 ] || fail "GET /api/v1/dashboard with a bearer token answered $code:" \
        "$(head -c 300 "$tmp/dashboard.json")"
    dashboard=yes
fi

# ---- the minimal server, answering the bytes muster answered ----
set -- --health "$tmp/health.json" --threads "$server_threads"
[ -n "$dashboard" ] && set -- "$@" --dashboard "$tmp/dashboard.json"
: >"$tmp/minimal.out"
start_bg minimal "$minimal" "$@" >"$tmp/minimal.out" 2>"$tmp/minimal.log"
nurl=$(wait_url minimal_mhd "$tmp/minimal.out" "$(pid_of minimal)") ||
    fail "minimal_server did not start: $(cat "$tmp/minimal.log")"
curl -sS -o "$tmp/health.min" "$nurl/api/v1/health" || fail "cannot reach the minimal server"
cmp -s "$tmp/health.json" "$tmp/health.min" || fail "the minimal server answers other bytes"

# Run wrk on URL (with an optional header) and print "RPS P99_MS".
measure() {
    url=$1
    shift
    wrk -t"$wrk_threads" -c"$wrk_conns" -d1s "$@" "$url" >/dev/null 2>&1 ||
        fail "wrk failed on $url"
    wrk -t"$wrk_threads" -c"$wrk_conns" -d"${secs}s" --latency "$@" "$url" >"$tmp/wrk.out" 2>&1 ||
        { cat "$tmp/wrk.out" >&2; fail "wrk failed on $url"; }
    if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$tmp/wrk.out"; then
        cat "$tmp/wrk.out" >&2
        fail "errors while benchmarking $url"
    fi
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            return -1
        }
        $1 == "Requests/sec:" { rps = $2 }
        $1 == "99%" { p99 = ms($2) }
        END {
            if (rps == "" || p99 == "" || p99 < 0) exit 1
            printf "%.0f %.2f\n", rps, p99
        }' "$tmp/wrk.out" || { cat "$tmp/wrk.out" >&2; fail "cannot read the wrk output"; }
}

# The better of two "RPS P99" lines (by requests/s).
best() {
    printf '%s\n%s\n' "$1" "$2" | sort -n -r | head -n 1
}

# Measure PATH on both servers, in the order minimal, muster, muster,
# minimal (so a drift in machine speed hits both alike), keep the better run
# of each, and print the project's line for NAME and the baseline's figures.
# Extra arguments go to wrk.
compare() {
    name=$1
    path=$2
    shift 2
    b1=$(measure "$nurl$path" "$@")
    m1=$(measure "$murl$path" "$@")
    m2=$(measure "$murl$path" "$@")
    b2=$(measure "$nurl$path" "$@")
    echo "$(best "$m1" "$m2") $(best "$b1" "$b2")" | awk -v name="$name" '{
        ratio = $3 > 0 ? $1 / $3 : 0
        printf "bench: %s: %d req/s p99 %.2f ms (ratio %.2f vs minimal_mhd)\n", name, $1, $2, ratio
        printf "# %s: minimal_mhd %d req/s p99 %.2f ms\n", name, $3, $4
    }'
}

echo "# wrk -t$wrk_threads -c$wrk_conns -d${secs}s on 127.0.0.1, best of 2 runs each;" \
    "both servers with $server_threads threads (internal polling thread, epoll)"
compare http_health /api/v1/health

if [ -n "$dashboard" ]; then
    echo "# http_dashboard: $(wc -c <"$tmp/dashboard.json") bytes of JSON"
    compare http_dashboard /api/v1/dashboard -H "Authorization: Bearer $token"
else
    echo "bench: http_dashboard: skipped ($dashboard_skip)"
fi
