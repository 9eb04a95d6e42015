#!/bin/sh
# SPDX-License-Identifier: MIT
# The engine dies between a timer's claim and its commit: with
# MUSTER_TEST_CRASH_AFTER_CLAIM=1 `muster engine run` exits with 137 (as if
# killed with -9) right after claiming, inside the transaction. Nothing of
# the timer's effects may be left (no outbox row, no timeline entry, the
# timer still armed and claimable); the next run performs the effects
# exactly once; a further run finds nothing to do and adds nothing. Then
# the same at a wait timer in the middle of a chain, and with two engines
# racing for the same due timers (each effect still exactly once).
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 112-engine-crash
export MUSTER_DB="$T_TMP/m.db" MUSTER_DATADIR="$MUSTER_SRCDIR/data" MUSTER_ACTOR=clerk
M=$MUSTER
q() { sqlite3 "$MUSTER_DB" "$1"; }
counts() {
    printf '%s %s %s' "$(q "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:$1'")" \
        "$(q "SELECT COUNT(*) FROM incident_events WHERE incident_id = $1")" \
        "$(q "SELECT COUNT(*) FROM timers WHERE ref = 'incident:$1'")"
}

"$M" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
"$M" incident open --plan qingshan-no3-school --kind fire --level IV --place 3号宿舍楼 \
    --reported 2026-03-10T02:10 >/dev/null || t_fail "open"
t_check "before: opened only" 0 "0 1 1" "" counts 1

# ---- crash after the claim of the open timer
t_check "crash" 137 "" "muster: engine: crashing after the claim (MUSTER_TEST_CRASH_AFTER_CLAIM)" \
    env MUSTER_TEST_CRASH_AFTER_CLAIM=1 "$M" engine run --once --at 2026-03-10T02:10
t_check "after the crash: nothing happened" 0 "0 1 1" "" counts 1
t_check "the claim was rolled back" 0 "|0" "" \
    q "SELECT COALESCE(claimed_by, '') || '|' || attempts FROM timers"
t_check "rerun" 0 "engine: 1 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T02:10
after=$(counts 1)
t_check "rerun again: nothing more" 0 "engine: 0 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T02:10
t_check "effects exactly once" 0 "$after" "" counts 1
t_check "one message each, as many as timeline entries" 0 "" "" \
    q "SELECT incident_id, person, text FROM incident_events WHERE kind = 'notify.sent' GROUP BY incident_id, person, text HAVING COUNT(*) > 1"
t_check "outbox rows = notify.sent entries" 0 "$(q "SELECT COUNT(*) FROM incident_events WHERE kind = 'notify.sent'")" "" \
    q "SELECT COUNT(*) FROM outbox_messages"
t_check "policies applied once" 0 "2" "" \
    q "SELECT COUNT(*) FROM incident_events WHERE incident_id = 1 AND kind = 'policy'"

# ---- crash at a wait timer (02:15: the chain's step 2 times out)
before=$(counts 1)
t_check "crash at the wait" 137 "" "muster: engine: crashing after the claim (MUSTER_TEST_CRASH_AFTER_CLAIM)" \
    env MUSTER_TEST_CRASH_AFTER_CLAIM=1 "$M" engine run --once --at 2026-03-10T02:15
t_check "after the second crash: unchanged" 0 "$before" "" counts 1
t_check "rerun at 02:15" 0 "engine: 2 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T02:15
t_check "step 3 ran once" 0 "1" "" \
    q "SELECT COUNT(*) FROM incident_events WHERE incident_id = 1 AND kind = 'step' AND text LIKE '%第 3 步%'"
t_check "its message once" 0 "1" "" \
    q "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:1' AND person = 'zhou-jianguo' AND idem_key LIKE '%s3:%'"

# ---- two engines racing for the same due timers
for i in 2 3 4 5 6; do
    "$M" incident open --plan qingshan-no3-school --kind fire --level IV --place "楼$i" \
        --reported 2026-03-10T02:10 >/dev/null || t_fail "open $i"
done
"$M" engine run --once --at 2026-03-10T02:10 >"$T_TMP/a.out" 2>&1 &
a=$!
"$M" engine run --once --at 2026-03-10T02:10 >"$T_TMP/b.out" 2>&1 &
b=$!
wait $a || t_error "engine a failed: $(cat "$T_TMP/a.out")"
wait $b || t_error "engine b failed: $(cat "$T_TMP/b.out")"
fa=$(sed -n 's/^engine: \([0-9]*\) timers fired.*/\1/p' "$T_TMP/a.out")
fb=$(sed -n 's/^engine: \([0-9]*\) timers fired.*/\1/p' "$T_TMP/b.out")
[ $((fa + fb)) -eq 5 ] || t_error "the engines fired $fa + $fb timers, want 5 in all"
for i in 2 3 4 5 6; do
    t_check "incident $i: policies once" 0 "2" "" \
        q "SELECT COUNT(*) FROM incident_events WHERE incident_id = $i AND kind = 'policy'"
done
t_check "no duplicate message" 0 "" "" \
    q "SELECT incident_id, person, text FROM incident_events WHERE kind = 'notify.sent' GROUP BY incident_id, person, text HAVING COUNT(*) > 1"
t_check "outbox rows = notify.sent entries (all)" 0 "$(q "SELECT COUNT(*) FROM incident_events WHERE kind = 'notify.sent'")" "" \
    q "SELECT COUNT(*) FROM outbox_messages"
"$M" audit verify >/dev/null || t_error "audit chain broken"
t_done
