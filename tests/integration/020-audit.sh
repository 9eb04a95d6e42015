#!/bin/sh
# SPDX-License-Identifier: MIT
# muster audit through the CLI: verify and tail on an empty log, tail's line
# format, -n, usage errors, and verify naming the first bad entry of a log
# whose rows were written behind muster's back. (The tampering cases on both
# engines are in tests/store/conformance.c.)
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 020-audit
db="$T_TMP/a.db"

usage="muster: usage: muster audit verify | muster audit tail [-n N]"
t_check "verify on a new database" 0 "audit log intact: 0 entries" "" \
    "$MUSTER" --db "$db" audit verify
t_check "tail on an empty log" 0 "" "" "$MUSTER" --db "$db" audit tail
t_check "no subcommand" 2 "" "$usage" "$MUSTER" --db "$db" audit
t_check "bad -n" 2 "" "muster: -n needs a count from 1 to 1000000, not 'x'" \
    "$MUSTER" --db "$db" audit tail -n x
t_check "-n with verify" 2 "" "$usage" "$MUSTER" --db "$db" audit verify -n 3

# Rows that muster did not write: tail shows them as stored, verify refuses.
zero=0000000000000000000000000000000000000000000000000000000000000000
sqlite3 "$db" "
INSERT INTO audit VALUES (1, 1700000000000, 'li.wei', 'plan.load', 'plan:school',
  'version 1: 学校应急预案', '$zero', 'aa');
INSERT INTO audit VALUES (2, 1700000061999, 'wang', 'setting.set', 'setting:tz',
  'two
lines', 'aa', 'bb');
UPDATE audit_head SET seq = 2, hash = 'bb';" || t_error "cannot write rows"

t_check "tail" 0 "1  2023-11-14T22:13:20Z  li.wei  plan.load  plan:school  version 1: 学校应急预案
2  2023-11-14T22:14:21Z  wang  setting.set  setting:tz  two?lines" "" \
    "$MUSTER" --db "$db" audit tail
t_check "tail -n 1" 0 "2  2023-11-14T22:14:21Z  wang  setting.set  setting:tz  two?lines" "" \
    "$MUSTER" --db "$db" audit tail -n 1
t_check "verify forged" 1 "" "muster: audit entry 1: hash mismatch (altered)" \
    "$MUSTER" --db "$db" audit verify
sqlite3 "$db" "DELETE FROM audit WHERE seq = 1" || t_error "cannot delete"
t_check "verify removed" 1 "" "muster: audit entry 1: missing (removed)" \
    "$MUSTER" --db "$db" audit verify

t_done
