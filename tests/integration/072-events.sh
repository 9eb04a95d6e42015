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
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 072-events
T_DB="$T_TMP/x.db"
T_FAIL_FILES="$T_TMP/ev1 $T_TMP/ev2"

now_ms() { date +%s%3N; }

t_user watcher viewer

t_start_server --threads 2

st=$(curl -sS -o /dev/null -w '%{http_code}' "$T_BASE/api/v1/events")
[ "$st" = 401 ] || t_fail "without a session: status $st, want 401"

st=$(curl -sS -c "$T_TMP/jar" -o /dev/null -w '%{http_code}' --data-urlencode username=watcher \
    --data-urlencode "password=$(t_password watcher)" "$T_BASE/login")
[ "$st" = 303 ] || t_fail "login: status $st"

# wait_for FILE PATTERN SECONDS
wait_for() {
    n=0
    until grep -q "$2" "$1" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -le $(($3 * 10)) ] || t_fail "no '$2' in $1 within $3 s"
        sleep 0.1
    done
}

t0=$(now_ms)
curl -sS -N -b "$T_TMP/jar" -D "$T_TMP/ev1.hdr" "$T_BASE/api/v1/events" >"$T_TMP/ev1" 2>"$T_TMP/ev1.err" &
C1=$!
curl -sS -N -b "$T_TMP/jar" "$T_BASE/api/v1/events" >"$T_TMP/ev2" 2>"$T_TMP/ev2.err" &
C2=$!
T_BG="$C1 $C2"
wait_for "$T_TMP/ev1" '^: connected$' 5
wait_for "$T_TMP/ev2" '^: connected$' 5
grep -qi '^Content-Type: text/event-stream' "$T_TMP/ev1.hdr" || t_fail "stream: $(cat "$T_TMP/ev1.hdr")"
grep -qi '^Cache-Control: no-store' "$T_TMP/ev1.hdr" || t_fail "stream is cacheable"
grep -q '^retry: 5000$' "$T_TMP/ev1" || t_fail "stream: no retry line"

# The login itself was audited; let the hub see it (it polls once a second)
# before the change under test, and count the audit events so far.
sleep 1.5
before1=$(grep -c '^event: audit$' "$T_TMP/ev1" || true)
before2=$(grep -c '^event: audit$' "$T_TMP/ev2" || true)

# A change made by another process on the same database.
"$MUSTER" --db "$T_DB" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the plan"
t1=$(now_ms)
head=$("$MUSTER" --db "$T_DB" audit tail -n 1 | awk '{print $1}')
wait_for "$T_TMP/ev1" "^data: {\"seq\":$head}\$" 5
wait_for "$T_TMP/ev2" "^data: {\"seq\":$head}\$" 5
adt=$(($(now_ms) - t1))
[ "$adt" -lt 4000 ] || t_fail "the audit event took $adt ms"
[ "$(grep -c '^event: audit$' "$T_TMP/ev1")" -eq $((before1 + 1)) ] || t_fail "want one new audit event"
[ "$(grep -c '^event: audit$' "$T_TMP/ev2")" -eq $((before2 + 1)) ] || t_fail "want one new audit event"
grep -B1 "^data: {\"seq\":$head}\$" "$T_TMP/ev1" | head -n 1 | grep -qx 'event: audit' ||
    t_fail "the seq $head data line is not an audit event"

# A ping within 15 s (+ slack) of connecting.
left=$((16500 - ($(now_ms) - t0)))
[ "$left" -lt 0 ] && left=0
wait_for "$T_TMP/ev1" '^event: ping$' $((left / 1000 + 2))
grep -A1 '^event: ping$' "$T_TMP/ev1" | grep -qx 'data: {}' || t_fail "ping data"

# SIGTERM with both clients connected: a prompt, clean stop.
ts=$(now_ms)
t_stop_server
dt=$(($(now_ms) - ts))
[ "$dt" -lt 5000 ] || t_fail "the server took $dt ms to stop with event clients connected"
for c in $C1 $C2; do
    rc=0
    wait "$c" || rc=$?
    [ "$rc" -eq 0 ] || t_fail "an event stream did not end cleanly (curl exit $rc)"
done
T_BG=""
grep -q 'stopped' "$T_ERR" || t_fail "no 'stopped' log line"
t_done "(audit event after $adt ms, stop in $dt ms)"
