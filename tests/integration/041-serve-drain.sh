#!/bin/sh
# SPDX-License-Identifier: MIT
# Graceful stop of muster serve: a request already in flight when SIGTERM
# arrives (its request line sent, its headers still coming) is answered in
# full, with "Connection: close"; new connections are refused meanwhile; the
# server then exits 0 and the database opens again. The slow client is bash
# with /dev/tcp (bash is essential on Debian).
set -eu

TMP=$(mktemp -d)
PID=""
CLIENT=""
cleanup() {
    for p in $CLIENT $PID; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "041-serve-drain: FAIL: $*" >&2
    [ -s "$TMP/err" ] && { echo "--- server stderr:" >&2; cat "$TMP/err" >&2; }
    exit 1
}

wait_for() { # FILE SECONDS WHAT
    n=0
    until [ -e "$1" ]; do
        n=$((n + 1))
        [ "$n" -le $(($2 * 10)) ] || fail "timed out waiting for $3"
        sleep 0.1
    done
}

: >"$TMP/out"
"$MUSTER" --db "$TMP/x.db" serve --listen 127.0.0.1:0 --threads 2 >"$TMP/out" 2>"$TMP/err" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not start"
    kill -0 "$PID" 2>/dev/null || fail "server exited at start"
    sleep 0.1
done
PORT=$(sed -n 's|^muster: listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/out")
[ -n "$PORT" ] || fail "unexpected start line: $(cat "$TMP/out")"

# The slow client: the request line now, the rest when told to.
bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /api/v1/health HTTP/1.1\r\n" >&3
    : >"$2/sent"
    while [ ! -e "$2/go" ]; do sleep 0.05; done
    printf "Host: test\r\n\r\n" >&3
    cat <&3 >"$2/response"
' slow "$PORT" "$TMP" &
CLIENT=$!
wait_for "$TMP/sent" 10 "the slow client to connect"
sleep 0.5 # let the server read the request line

kill -TERM "$PID"
sleep 0.5
kill -0 "$PID" 2>/dev/null || fail "server exited while a request was in flight"

# Meanwhile new connections are refused rather than left waiting.
rc=0
curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" 2>"$TMP/curl.err" || rc=$?
[ "$rc" -eq 7 ] || fail "a new connection during the drain: curl exit $rc, want 7 (refused): $(cat "$TMP/curl.err")"

: >"$TMP/go"
n=0
while kill -0 "$CLIENT" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -le 100 ] || fail "the slow client got no complete response within 10 s"
    sleep 0.1
done
wait "$CLIENT" || fail "the slow client failed"
CLIENT=""

tr -d '\r' <"$TMP/response" >"$TMP/resp"
head -n 1 "$TMP/resp" | grep -q '^HTTP/1.1 200 ' || fail "in-flight request: $(head -n 1 "$TMP/resp")"
grep -qi '^Connection: close$' "$TMP/resp" || fail "in-flight response lacks 'Connection: close'"
tail -n 1 "$TMP/resp" | grep -q '^{"status":"ok",' || fail "in-flight response body: $(tail -n 1 "$TMP/resp")"

n=0
while kill -0 "$PID" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -le 50 ] || fail "server still running 5 s after the last request finished"
    sleep 0.1
done
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "server exited with $rc, want 0"
grep -q 'in flight after' "$TMP/err" && fail "the server cut off a request instead of draining"
grep -q 'method=GET path=/api/v1/health status=200' "$TMP/err" || fail "no access-log line for the drained request"

# The database opens again after the stop.
: >"$TMP/out2"
"$MUSTER" --db "$TMP/x.db" serve --listen 127.0.0.1:0 >"$TMP/out2" 2>"$TMP/err2" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out2"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not start again on the same database: $(cat "$TMP/err2")"
    sleep 0.1
done
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "second server exited with $rc"

echo "041-serve-drain: ok"
