#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve on PostgreSQL: health reports "postgres", and SIGTERM stops
# it with exit 0. Needs MUSTER_TEST_PG_DSN (make test runs the suites under
# tests/with-pg.sh, which starts a private cluster); without it this test
# fails rather than skipping silently.
set -eu

TMP=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ]; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "043-serve-postgres: FAIL: $*" >&2
    [ -s "$TMP/err" ] && { echo "--- server stderr:" >&2; cat "$TMP/err" >&2; }
    exit 1
}

[ -n "${MUSTER_TEST_PG_DSN:-}" ] ||
    fail "MUSTER_TEST_PG_DSN is not set: run under tests/with-pg.sh (make test does)"

version=$("$MUSTER" version | sed -n 's/^muster //p')
: >"$TMP/out"
"$MUSTER" --db "$MUSTER_TEST_PG_DSN" serve --listen 127.0.0.1:0 >"$TMP/out" 2>"$TMP/err" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not start"
    kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start"; }
    sleep 0.1
done
BASE=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[1-9][0-9]*/\)$|\1|p' "$TMP/out")
[ -n "$BASE" ] || fail "unexpected start line: $(cat "$TMP/out")"

body=$(curl -sS --max-time 20 -w ' %{http_code}' "${BASE}api/v1/health")
want="{\"status\":\"ok\",\"version\":\"$version\",\"db\":\"postgres\"} 200"
[ "$body" = "$want" ] || fail "health: got '$body', want '$want'"
# The DSN (with its password) never reaches the log.
if grep -q 'postgres://' "$TMP/err"; then
    fail "the log contains the database DSN"
fi

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM, want 0"
echo "043-serve-postgres: ok"
