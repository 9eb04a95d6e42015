#!/bin/sh
# SPDX-License-Identifier: MIT
# Server-sent events at GET /api/v1/events: a signed-in client (curl -N with
# the session cookie of a form login) gets a text/event-stream, an `audit`
# event {"seq":N} within a few seconds of a plan being loaded through the
# CLI against the same database (N = the new audit head), and a `ping`
# every 15 s; without a session the route answers 401. With two clients
# connected, SIGTERM still stops the server promptly (exit 0) and ends
# both streams cleanly.
set -eu

TMP=$(mktemp -d)
PID=""
CPIDS=""
cleanup() {
    for p in $CPIDS; do kill "$p" 2>/dev/null || true; done
    if [ -n "$PID" ]; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "072-events: FAIL: $*" >&2
    for f in ev1 ev2; do
        [ -f "$TMP/$f" ] && { echo "--- $f:" >&2; cat "$TMP/$f" >&2; }
    done
    exit 1
}

now_ms() { date +%s%3N; }

DB="$TMP/x.db"
printf 'viewer-pass-12\n' | "$MUSTER" --db "$DB" user add watcher --role viewer --password-stdin \
    >/dev/null || fail "cannot add the user"

"$MUSTER" --db "$DB" serve --listen 127.0.0.1:0 --threads 2 >"$TMP/out" 2>"$TMP/err" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not start"
    kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start: $(cat "$TMP/err")"; }
    sleep 0.1
done
BASE=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[1-9][0-9]*\)/$|\1|p' "$TMP/out")

st=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/api/v1/events")
[ "$st" = 401 ] || fail "without a session: status $st, want 401"

st=$(curl -sS -c "$TMP/jar" -o /dev/null -w '%{http_code}' --data-urlencode username=watcher \
    --data-urlencode password=viewer-pass-12 "$BASE/login")
[ "$st" = 303 ] || fail "login: status $st"

# wait_for FILE PATTERN SECONDS
wait_for() {
    n=0
    until grep -q "$2" "$1" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -le $(($3 * 10)) ] || fail "no '$2' in $1 within $3 s"
        sleep 0.1
    done
}

t0=$(now_ms)
curl -sS -N -b "$TMP/jar" -D "$TMP/ev1.hdr" "$BASE/api/v1/events" >"$TMP/ev1" 2>"$TMP/ev1.err" &
C1=$!
curl -sS -N -b "$TMP/jar" "$BASE/api/v1/events" >"$TMP/ev2" 2>"$TMP/ev2.err" &
C2=$!
CPIDS="$C1 $C2"
wait_for "$TMP/ev1" '^: connected$' 5
wait_for "$TMP/ev2" '^: connected$' 5
grep -qi '^Content-Type: text/event-stream' "$TMP/ev1.hdr" || fail "stream: $(cat "$TMP/ev1.hdr")"
grep -qi '^Cache-Control: no-store' "$TMP/ev1.hdr" || fail "stream is cacheable"
grep -q '^retry: 5000$' "$TMP/ev1" || fail "stream: no retry line"

# The login itself was audited; let the hub see it (it polls once a second)
# before the change under test, and count the audit events so far.
sleep 1.5
before1=$(grep -c '^event: audit$' "$TMP/ev1" || true)
before2=$(grep -c '^event: audit$' "$TMP/ev2" || true)

# A change made by another process on the same database.
"$MUSTER" --db "$DB" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    fail "cannot load the plan"
t1=$(now_ms)
head=$("$MUSTER" --db "$DB" audit tail -n 1 | awk '{print $1}')
wait_for "$TMP/ev1" "^data: {\"seq\":$head}\$" 5
wait_for "$TMP/ev2" "^data: {\"seq\":$head}\$" 5
adt=$(($(now_ms) - t1))
[ "$adt" -lt 4000 ] || fail "the audit event took $adt ms"
[ "$(grep -c '^event: audit$' "$TMP/ev1")" -eq $((before1 + 1)) ] || fail "want one new audit event"
[ "$(grep -c '^event: audit$' "$TMP/ev2")" -eq $((before2 + 1)) ] || fail "want one new audit event"
grep -B1 "^data: {\"seq\":$head}\$" "$TMP/ev1" | head -n 1 | grep -qx 'event: audit' ||
    fail "the seq $head data line is not an audit event"

# A ping within 15 s (+ slack) of connecting.
left=$((16500 - ($(now_ms) - t0)))
[ "$left" -lt 0 ] && left=0
wait_for "$TMP/ev1" '^event: ping$' $((left / 1000 + 2))
grep -A1 '^event: ping$' "$TMP/ev1" | grep -qx 'data: {}' || fail "ping data"

# SIGTERM with both clients connected: a prompt, clean stop.
ts=$(now_ms)
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
dt=$(($(now_ms) - ts))
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
[ "$dt" -lt 5000 ] || fail "the server took $dt ms to stop with event clients connected"
for c in $C1 $C2; do
    rc=0
    wait "$c" || rc=$?
    [ "$rc" -eq 0 ] || fail "an event stream did not end cleanly (curl exit $rc)"
done
CPIDS=""
grep -q 'stopped' "$TMP/err" || fail "no 'stopped' log line"
echo "072-events: ok (audit event after $adt ms, stop in $dt ms)"
