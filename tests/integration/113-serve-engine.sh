#!/bin/sh
# SPDX-License-Identifier: MIT
# `muster serve` runs the timer engine: an incident opened from another
# process (the CLI) is escalated by the server's engine within its
# --engine-interval, without `muster engine run`; `--no-engine` turns it off.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 113-serve-engine
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
P=qingshan-no3-school
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "cannot load the plan"

# fired COUNT: the number of escalation steps on incident 1's timeline.
steps() {
    t_muster incident show 1 --json | jq '[.timeline[] | select(.event | startswith("step"))] | length'
}

# With the engine off, nothing fires.
t_start_server --no-engine
t_muster incident open --plan $P --kind fire --level IV --place 3号宿舍楼 --field people=40 \
    >/dev/null || t_fail "open"
sleep 2
[ "$(steps)" = 0 ] || t_fail "a step fired although the engine was off"
t_stop_server

# With the engine on, the due timer fires within the interval.
T_ENGINE=1 t_start_server --engine-interval 1s
n=0
while [ "$(steps)" = 0 ]; do
    n=$((n + 1))
    [ "$n" -le 100 ] || t_fail "the server's engine did not escalate within 10 s"
    sleep 0.1
done
o=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:1'")
[ "$o" -ge 1 ] || t_fail "no message was queued for the incident"
t_stop_server
t_muster audit verify >/dev/null || t_fail "audit chain broken"

# A bad interval is a usage error.
set +e
"$MUSTER" --db "$T_DB" serve --listen 127.0.0.1:0 --engine-interval 0s >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || t_fail "--engine-interval 0s: exit $rc, want 2"
t_done
