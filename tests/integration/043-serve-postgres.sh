#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve on PostgreSQL: health reports "postgres", and SIGTERM stops
# it with exit 0. Needs MUSTER_TEST_PG_DSN (make test runs the suites under
# tests/with-pg.sh, which starts a private cluster); without it this test
# fails rather than skipping silently.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 043-serve-postgres
t_need_pg
T_DB=$MUSTER_TEST_PG_DSN

version=$("$MUSTER" version | sed -n 's/^muster //p')
t_start_server

body=$(curl -sS --max-time 20 -w ' %{http_code}' "$T_BASE/api/v1/health")
want="{\"status\":\"ok\",\"version\":\"$version\",\"db\":\"postgres\"} 200"
[ "$body" = "$want" ] || t_fail "health: got '$body', want '$want'"
# The DSN (with its password) never reaches the log.
if grep -q 'postgres://' "$T_ERR"; then
    t_fail "the log contains the database DSN"
fi

t_stop_server
t_done
