#!/bin/sh
# SPDX-License-Identifier: MIT
# Graceful stop of muster serve: a request already in flight when SIGTERM
# arrives (its request line sent, its headers still coming) is answered in
# full, with "Connection: close"; new connections are refused meanwhile; the
# server then exits 0 and the database opens again. The slow client is bash
# with /dev/tcp (bash is essential on Debian).
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 041-serve-drain
T_DB="$T_TMP/x.db"

wait_for() { # FILE SECONDS WHAT
    n=0
    until [ -e "$1" ]; do
        n=$((n + 1))
        [ "$n" -le $(($2 * 10)) ] || t_fail "timed out waiting for $3"
        sleep 0.1
    done
}

t_start_server --threads 2
PORT=$T_PORT

# The slow client: the request line now, the rest when told to.
bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /api/v1/health HTTP/1.1\r\n" >&3
    : >"$2/sent"
    while [ ! -e "$2/go" ]; do sleep 0.05; done
    printf "Host: test\r\n\r\n" >&3
    cat <&3 >"$2/response"
' slow "$PORT" "$T_TMP" &
CLIENT=$!
T_BG=$CLIENT
wait_for "$T_TMP/sent" 10 "the slow client to connect"
sleep 0.5 # let the server read the request line

kill -TERM "$T_PID"
sleep 0.5
kill -0 "$T_PID" 2>/dev/null || t_fail "server exited while a request was in flight"

# Meanwhile new connections are refused rather than left waiting.
rc=0
curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/api/v1/health" 2>"$T_TMP/curl.err" || rc=$?
[ "$rc" -eq 7 ] || t_fail "a new connection during the drain: curl exit $rc, want 7 (refused): $(cat "$T_TMP/curl.err")"

: >"$T_TMP/go"
n=0
while kill -0 "$CLIENT" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -le 100 ] || t_fail "the slow client got no complete response within 10 s"
    sleep 0.1
done
wait "$CLIENT" || t_fail "the slow client failed"
T_BG=""

tr -d '\r' <"$T_TMP/response" >"$T_TMP/resp"
head -n 1 "$T_TMP/resp" | grep -q '^HTTP/1.1 200 ' || t_fail "in-flight request: $(head -n 1 "$T_TMP/resp")"
grep -qi '^Connection: close$' "$T_TMP/resp" || t_fail "in-flight response lacks 'Connection: close'"
tail -n 1 "$T_TMP/resp" | grep -q '^{"status":"ok",' || t_fail "in-flight response body: $(tail -n 1 "$T_TMP/resp")"

t_wait_server 5
grep -q 'in flight after' "$T_ERR" && t_fail "the server cut off a request instead of draining"
grep -q 'method=GET path=/api/v1/health status=200' "$T_ERR" || t_fail "no access-log line for the drained request"

# The database opens again after the stop.
t_start_server
t_stop_server

t_done
