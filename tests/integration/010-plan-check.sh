#!/bin/sh
# SPDX-License-Identifier: MIT
# muster plan check: every fixture in tests/data/plans with a .expected file
# gives exactly that stderr (FILE:LINE:COL: error: MESSAGE, sorted) and exit
# 1, or 0 when it only has warnings; the valid plan passes; several files are
# all checked; an oversize file and a missing file fail; no file is a usage
# error (exit 2).
set -u
: "${MUSTER:?MUSTER must name the muster binary}"
: "${MUSTER_SRCDIR:?MUSTER_SRCDIR must name the source tree}"
FIX="$MUSTER_SRCDIR/tests/data/plans"
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# run WANT_RC CMD...: run in the fixture dir (so FILE is relative), keep output.
run() {
    want=$1
    shift
    (cd "$FIX" && "$MUSTER" "$@") >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "muster $*: exit $rc, want $want (stderr: $(cat "$TMP/err"))"
}

# Each error fixture against its golden stderr.
n=0
for exp in "$FIX"/*.expected; do
    base=$(basename "$exp" .expected)
    want=1
    [ "$base" = warnings ] && want=0
    run $want plan check "$base.md"
    if ! cmp -s "$exp" "$TMP/err"; then
        fail "$base.md: stderr differs from $base.expected:"
        diff "$exp" "$TMP/err" >&2
    fi
    n=$((n + 1))
done
[ "$n" -ge 15 ] || fail "only $n golden files found in $FIX"

# The valid plan: exit 0, nothing on stderr, one ok line.
run 0 plan check valid.md
[ -s "$TMP/err" ] && fail "valid.md: unexpected stderr: $(cat "$TMP/err")"
[ "$(cat "$TMP/out")" = "valid.md: ok: plan 'test-school', 4 units, 5 people, 2 teams" ] ||
    fail "valid.md: stdout was: $(cat "$TMP/out")"

# Several files: all are checked, the result is 1 when any is invalid.
run 1 plan check no-leader.md valid.md version.md
cat "$FIX/no-leader.expected" "$FIX/version.expected" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/err" || fail "several files: stderr was: $(cat "$TMP/err")"
grep -q '^valid.md: ok' "$TMP/out" || fail "several files: valid.md not reported ok"

# Over the size limit.
head -c 1048577 /dev/zero | tr '\0' 'a' >"$TMP/big.md"
"$MUSTER" plan check "$TMP/big.md" >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "big.md: exit $rc, want 1"
[ "$(cat "$TMP/err")" = "$TMP/big.md:1:1: error: file is larger than 1 MiB" ] ||
    fail "big.md: stderr was: $(cat "$TMP/err")"

# A missing file.
run 1 plan check no-such-plan.md
grep -q "cannot open 'no-such-plan.md'" "$TMP/err" || fail "missing file: $(cat "$TMP/err")"

# Usage errors.
run 2 plan check
run 2 plan check --bogus valid.md
run 2 plan

if [ "$fails" -ne 0 ]; then
    echo "010-plan-check: $fails failure(s)" >&2
    exit 1
fi
echo "010-plan-check: ok"
