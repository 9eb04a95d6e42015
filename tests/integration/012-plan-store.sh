#!/bin/sh
# SPDX-License-Identifier: MIT
# plan load / list / show against a database: versions, unchanged loads,
# refusal of an invalid plan with the same messages as `plan check` and the
# database left exactly as it was, and the audit entries of each load.
# Runs on SQLite; with ENGINE=postgres (013-plan-store-postgres.sh) on the
# private PostgreSQL cluster of tests/with-pg.sh, in a schema of its own.
set -eu
name=${TEST_NAME:-012-plan-store}
TMP=$(mktemp -d)
SCHEMA=""
cleanup() {
    if [ -n "$SCHEMA" ]; then
        psql -q "$MUSTER_TEST_PG_DSN" -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "$name: FAIL: $*" >&2; exit 1; }

if [ "${ENGINE:-sqlite}" = postgres ]; then
    [ -n "${MUSTER_TEST_PG_DSN:-}" ] ||
        fail "MUSTER_TEST_PG_DSN is not set: run under tests/with-pg.sh (make test does)"
    SCHEMA="it_plan_$$"
    psql -q "$MUSTER_TEST_PG_DSN" -c "CREATE SCHEMA $SCHEMA" >/dev/null
    case "$MUSTER_TEST_PG_DSN" in
        *\?*) DB="$MUSTER_TEST_PG_DSN&options=-csearch_path%3D$SCHEMA" ;;
        *) DB="$MUSTER_TEST_PG_DSN?options=-csearch_path%3D$SCHEMA" ;;
    esac
else
    DB="$TMP/t.db"
fi
m() { MUSTER_ACTOR=tester "$MUSTER" --db "$DB" "$@"; }
EX="$MUSTER_SRCDIR/examples/plans"

# First loads: one version each.
m plan load "$EX/school.md" "$EX/township.md" >"$TMP/out" || fail "loading the examples failed"
grep -q "school.md: plan 'qingshan-no3-school' loaded as version 1" "$TMP/out" || fail "school not loaded: $(cat "$TMP/out")"
grep -q "township.md: plan 'hewan-township-flood' loaded as version 1" "$TMP/out" || fail "township not loaded"

# The same file again stores nothing.
m plan load "$EX/school.md" >"$TMP/out"
[ "$(cat "$TMP/out")" = "$EX/school.md: plan 'qingshan-no3-school' unchanged (version 1)" ] ||
    fail "reload: $(cat "$TMP/out")"

# A changed file becomes version 2; version 1 stays readable.
cp "$EX/school.md" "$TMP/school.md"
printf '\n## 附：修订说明\n\n本版本增加了修订说明。\n' >>"$TMP/school.md"
m plan load "$TMP/school.md" >"$TMP/out"
[ "$(cat "$TMP/out")" = "$TMP/school.md: plan 'qingshan-no3-school' loaded as version 2" ] ||
    fail "changed load: $(cat "$TMP/out")"

m plan list >"$TMP/list"
grep -Eq '^qingshan-no3-school +2 ' "$TMP/list" || fail "list lacks school v2: $(cat "$TMP/list")"
grep -Eq '^hewan-township-flood +1 ' "$TMP/list" || fail "list lacks township v1"
[ "$(wc -l <"$TMP/list")" -eq 3 ] || fail "list should have a header and 2 rows"

m plan show qingshan-no3-school --json >"$TMP/v2.json"
grep -q '"version": 2,' "$TMP/v2.json" || fail "show latest is not version 2"
grep -q '"latest_version": 2,' "$TMP/v2.json" || fail "latest_version"
grep -q '"loaded_by": "tester"' "$TMP/v2.json" || fail "loaded_by"
m plan show qingshan-no3-school --version 1 --json >"$TMP/v1.json"
grep -q '"version": 1,' "$TMP/v1.json" || fail "show --version 1"
m plan show qingshan-no3-school --version 1 >"$TMP/v1.md"
m plan show qingshan-no3-school >"$TMP/v2.md"
grep -q '修订说明' "$TMP/v2.md" || fail "version 2 render lacks the new section"
if grep -q '修订说明' "$TMP/v1.md"; then fail "version 1 render shows version 2's text"; fi
m plan show qingshan-no3-school --format html >"$TMP/v2.html"
grep -q '<table' "$TMP/v2.html" || fail "html render has no table"

# Not found, bad arguments.
if m plan show no-such-plan 2>"$TMP/err"; then fail "show of a missing plan succeeded"; fi
grep -q "no-such-plan" "$TMP/err" || fail "missing plan error does not name it: $(cat "$TMP/err")"
if m plan show qingshan-no3-school --version 9 2>"$TMP/err"; then fail "show of a missing version succeeded"; fi
set +e
m plan show qingshan-no3-school --version x 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--version x should exit 2, got $rc"

# An invalid plan is refused with the check messages; nothing changes.
m plan list >"$TMP/before-list"
m audit tail -n 100 >"$TMP/before-audit"
sed 's/^    leader: zhang-san$/    leader: nobody-here/' "$MUSTER_SRCDIR/tests/data/plans/valid.md" >"$TMP/bad.md"
cmp -s "$TMP/bad.md" "$MUSTER_SRCDIR/tests/data/plans/valid.md" && fail "fixture edit did not apply"
set +e
"$MUSTER" plan check "$TMP/bad.md" 2>"$TMP/check.err" >/dev/null; crc=$?
m plan load "$TMP/bad.md" 2>"$TMP/load.err" >/dev/null; lrc=$?
set -e
[ "$crc" -eq 1 ] && [ "$lrc" -eq 1 ] || fail "invalid plan: check exit $crc, load exit $lrc (want 1, 1)"
grep -v '^muster: ' "$TMP/load.err" >"$TMP/load.diags"
cmp -s "$TMP/check.err" "$TMP/load.diags" || fail "load messages differ from check: $(cat "$TMP/load.err")"
grep -q "nothing was stored" "$TMP/load.err" || fail "load refusal does not say nothing was stored"
m plan list >"$TMP/after-list"
m audit tail -n 100 >"$TMP/after-audit"
cmp -s "$TMP/before-list" "$TMP/after-list" || fail "plan list changed after a refused load"
cmp -s "$TMP/before-audit" "$TMP/after-audit" || fail "audit log changed after a refused load"

# Each stored version has one audit entry, and the chain is intact.
[ "$(grep -c 'plan.load' "$TMP/after-audit")" -eq 3 ] || fail "want 3 plan.load audit entries: $(cat "$TMP/after-audit")"
m audit verify >"$TMP/verify" || fail "audit verify failed: $(cat "$TMP/verify")"
echo "$name: ok"
