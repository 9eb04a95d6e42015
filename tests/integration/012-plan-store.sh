#!/bin/sh
# SPDX-License-Identifier: MIT
# plan load / list / show against a database: versions, unchanged loads,
# refusal of an invalid plan with the same messages as `plan check` and the
# database left exactly as it was, and the audit entries of each load.
# Runs on SQLite; with ENGINE=postgres (013-plan-store-postgres.sh) on the
# private PostgreSQL cluster of tests/with-pg.sh, in a schema of its own.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init "${TEST_NAME:-012-plan-store}"
[ "${ENGINE:-sqlite}" != postgres ] || t_pg_schema
m() { t_muster "$@"; }
EX="$MUSTER_SRCDIR/examples/plans"

# First loads: one version each.
m plan load "$EX/school.md" "$EX/township.md" >"$T_TMP/out" || t_fail "loading the examples failed"
grep -q "school.md: plan 'qingshan-no3-school' loaded as version 1" "$T_TMP/out" || t_fail "school not loaded: $(cat "$T_TMP/out")"
grep -q "township.md: plan 'hewan-township-flood' loaded as version 1" "$T_TMP/out" || t_fail "township not loaded"

# The same file again stores nothing.
m plan load "$EX/school.md" >"$T_TMP/out"
[ "$(cat "$T_TMP/out")" = "$EX/school.md: plan 'qingshan-no3-school' unchanged (version 1)" ] ||
    t_fail "reload: $(cat "$T_TMP/out")"

# A changed file becomes version 2; version 1 stays readable.
cp "$EX/school.md" "$T_TMP/school.md"
printf '\n## 附：修订说明\n\n本版本增加了修订说明。\n' >>"$T_TMP/school.md"
m plan load "$T_TMP/school.md" >"$T_TMP/out"
[ "$(cat "$T_TMP/out")" = "$T_TMP/school.md: plan 'qingshan-no3-school' loaded as version 2" ] ||
    t_fail "changed load: $(cat "$T_TMP/out")"

m plan list >"$T_TMP/list"
grep -Eq '^qingshan-no3-school +2 ' "$T_TMP/list" || t_fail "list lacks school v2: $(cat "$T_TMP/list")"
grep -Eq '^hewan-township-flood +1 ' "$T_TMP/list" || t_fail "list lacks township v1"
[ "$(wc -l <"$T_TMP/list")" -eq 3 ] || t_fail "list should have a header and 2 rows"

m plan show qingshan-no3-school --json >"$T_TMP/v2.json"
grep -q '"version": 2,' "$T_TMP/v2.json" || t_fail "show latest is not version 2"
grep -q '"latest_version": 2,' "$T_TMP/v2.json" || t_fail "latest_version"
grep -q '"loaded_by": "tester"' "$T_TMP/v2.json" || t_fail "loaded_by"
m plan show qingshan-no3-school --version 1 --json >"$T_TMP/v1.json"
grep -q '"version": 1,' "$T_TMP/v1.json" || t_fail "show --version 1"
m plan show qingshan-no3-school --version 1 >"$T_TMP/v1.md"
m plan show qingshan-no3-school >"$T_TMP/v2.md"
grep -q '修订说明' "$T_TMP/v2.md" || t_fail "version 2 render lacks the new section"
if grep -q '修订说明' "$T_TMP/v1.md"; then t_fail "version 1 render shows version 2's text"; fi
m plan show qingshan-no3-school --format html >"$T_TMP/v2.html"
grep -q '<table' "$T_TMP/v2.html" || t_fail "html render has no table"

# Not found, bad arguments.
if m plan show no-such-plan 2>"$T_TMP/err"; then t_fail "show of a missing plan succeeded"; fi
grep -q "no-such-plan" "$T_TMP/err" || t_fail "missing plan error does not name it: $(cat "$T_TMP/err")"
if m plan show qingshan-no3-school --version 9 2>"$T_TMP/err"; then t_fail "show of a missing version succeeded"; fi
set +e
m plan show qingshan-no3-school --version x 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || t_fail "--version x should exit 2, got $rc"

# An invalid plan is refused with the check messages; nothing changes.
m plan list >"$T_TMP/before-list"
m audit tail -n 100 >"$T_TMP/before-audit"
sed 's/^    leader: zhang-san$/    leader: nobody-here/' "$MUSTER_SRCDIR/tests/data/plans/valid.md" >"$T_TMP/bad.md"
cmp -s "$T_TMP/bad.md" "$MUSTER_SRCDIR/tests/data/plans/valid.md" && t_fail "fixture edit did not apply"
set +e
"$MUSTER" plan check "$T_TMP/bad.md" 2>"$T_TMP/check.err" >/dev/null; crc=$?
m plan load "$T_TMP/bad.md" 2>"$T_TMP/load.err" >/dev/null; lrc=$?
set -e
[ "$crc" -eq 1 ] && [ "$lrc" -eq 1 ] || t_fail "invalid plan: check exit $crc, load exit $lrc (want 1, 1)"
grep -v '^muster: ' "$T_TMP/load.err" >"$T_TMP/load.diags"
cmp -s "$T_TMP/check.err" "$T_TMP/load.diags" || t_fail "load messages differ from check: $(cat "$T_TMP/load.err")"
grep -q "nothing was stored" "$T_TMP/load.err" || t_fail "load refusal does not say nothing was stored"
m plan list >"$T_TMP/after-list"
m audit tail -n 100 >"$T_TMP/after-audit"
cmp -s "$T_TMP/before-list" "$T_TMP/after-list" || t_fail "plan list changed after a refused load"
cmp -s "$T_TMP/before-audit" "$T_TMP/after-audit" || t_fail "audit log changed after a refused load"

# Each stored version has one audit entry, and the chain is intact.
[ "$(grep -c 'plan.load' "$T_TMP/after-audit")" -eq 3 ] || t_fail "want 3 plan.load audit entries: $(cat "$T_TMP/after-audit")"
m audit verify >"$T_TMP/verify" || t_fail "audit verify failed: $(cat "$T_TMP/verify")"
t_done
