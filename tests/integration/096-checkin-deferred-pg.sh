#!/bin/sh
# SPDX-License-Identifier: MIT
# A check-in waiting for its group commit holds no worker thread: on
# PostgreSQL, with the server on ONE worker thread and the check-in table
# locked by another session for five seconds, 30 concurrent submissions all
# wait at once, with a check-in posted by the web form, while the health
# check still answers at once; when the lock goes, they are all stored,
# most in one shared commit (the server's group-commit line at exit names
# the largest group), and the form gets its redirect. Needs
# MUSTER_TEST_PG_DSN (tests/with-pg.sh); fails without it.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 096-checkin-deferred-pg
t_pg_schema

S=qingshan-no3-school/class-daily
F=hewan-township-flood/flood-daily
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" \
    "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load"
t_user boss admin
TOK=$(t_muster token create --user boss 2>/dev/null) || t_fail "token create"
MUSTER_DATADIR="$MUSTER_SRCDIR/data"
export MUSTER_DATADIR
t_start_server --threads 1
t_login boss

# One submission first, so that the committer has read the plans.
st=$(t_req first -X POST -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
    --data-binary "{\"schedule\":\"$S\",\"nil\":true,\"at\":\"2026-03-02T09:00\"}" \
    "$T_BASE/api/v1/checkins/c7-1")
t_expect_status first 201 "$st"

# Another session holds the check-in table for five seconds.
psql -q "$T_DB" -c "BEGIN; LOCK TABLE checkin_submissions IN EXCLUSIVE MODE;
    SELECT pg_sleep(5); COMMIT;" >"$T_TMP/lock.out" 2>&1 &
LOCKER=$!
n=0
until psql -qtA "$T_DB" -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'checkin_submissions' AND l.mode = 'ExclusiveLock' AND l.granted" |
    grep -q '^1$'; do
    n=$((n + 1))
    [ $n -le 100 ] || t_fail "the other session did not take the lock"
    sleep 0.05
done

pids=""
i=0
for u in c7-2 c7-3 c7-4 c8-1 c8-2 c8-3 c8-4 c9-1 c9-2 c9-3; do
    for at in 09:01 09:02 14:01; do
        i=$((i + 1))
        curl -sS --max-time 30 -o "$T_TMP/par$i.body" -w '%{http_code}\n' \
            -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
            --data-binary "{\"schedule\":\"$S\",\"nil\":true,\"at\":\"2026-03-02T$at\"}" \
            "$T_BASE/api/v1/checkins/$u" >"$T_TMP/par$i.st" &
        pids="$pids $!"
    done
done
curl -sS --max-time 30 -b "$T_JAR" -o "$T_TMP/form.body" -D "$T_TMP/form.hdr" -w '%{http_code}' \
    --data-urlencode "csrf=$T_CSRF" --data-urlencode "schedule=$F" \
    --data-urlencode unit=hewan-sq --data-urlencode nil=1 "$T_BASE/checkin" >"$T_TMP/form.st" &
pids="$pids $!"
# While they wait for the lock, the one worker thread still serves.
sleep 0.3
kill -0 "$LOCKER" 2>/dev/null || t_fail "the lock ended before the health check"
st=$(curl -sS --max-time 1 -o "$T_TMP/health.body" -w '%{http_code}' "$T_BASE/api/v1/health") ||
    t_fail "the health check waited behind the submissions"
t_expect_status health 200 "$st"
waiting=$(cat "$T_TMP"/par*.st "$T_TMP/form.st" 2>/dev/null | grep -c . || true)
[ "$waiting" = 0 ] || t_fail "$waiting submission(s) answered while the table was locked"

for p in $pids; do wait "$p"; done
wait "$LOCKER" || t_fail "the locking session failed: $(cat "$T_TMP/lock.out")"
n201=$(cat "$T_TMP"/par*.st | grep -c '^201$' || true)
[ "$n201" = 30 ] || t_fail "concurrent submissions: $n201 of 30 answered 201"
[ "$(cat "$T_TMP/form.st")" = 303 ] || t_fail "form post: status $(cat "$T_TMP/form.st")"
case $(t_header form Location) in
/checkin\?schedule=$F\&unit=hewan-sq\&ok=*) ;;
*) t_fail "form post: Location '$(t_header form Location)'" ;;
esac
stored=$(psql -qtA "$T_DB" -c "SELECT count(*) FROM checkin_submissions")
[ "$stored" = 32 ] || t_fail "$stored submissions stored, want 32"

t_stop_server
line=$(grep 'check-in group commit:' "$T_ERR" || true)
largest=$(echo "$line" | sed -n 's/.*(largest \([0-9]*\)).*/\1/p')
[ -n "$largest" ] || t_fail "no group-commit line in the server log: $(tail -n 5 "$T_ERR")"
[ "$largest" -ge 10 ] || t_fail "the largest group was $largest; want most of the 30 waiting together"
t_done
