#!/bin/sh
# SPDX-License-Identifier: MIT
# 012-plan-store.sh on PostgreSQL (needs MUSTER_TEST_PG_DSN from tests/with-pg.sh).
ENGINE=postgres TEST_NAME=013-plan-store-postgres exec sh "$MUSTER_SRCDIR/tests/integration/012-plan-store.sh"
