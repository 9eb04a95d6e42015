#!/bin/sh
# SPDX-License-Identifier: MIT
# The complainant's identity: the key file (created 0600, never
# overwritten, required to register), the raw database files (the file, its
# -wal and -shm, kept alive by a second connection so the WAL is not folded
# away) searched byte for byte for the registered name, phone number,
# address and ID number, which are never there, nor in the audit log, the
# hand-over, the ledger or any error output; reveals only with a reason,
# each audited with who and why; the XLSX ledger with identity only when
# asked with a reason; key rotation (every value re-sealed under the new
# key, still readable, the old key no longer opens them); the purge of a
# closed case's personal data (matter, actions and outcome kept). With
# MUSTER_TEST_PG_DSN set the same search runs over a pg_dump.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 121-case-privacy
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
NAME="欧阳明珠" PHONE="13987654321" ADDR="青山区幸福路88号3栋" IDNO="420106199203154417"

# search FILE...: fail when any identity value appears in the bytes of a file.
search() {
    for f in "$@"; do
        [ -f "$f" ] || continue
        for v in "$NAME" "$PHONE" "$ADDR" "$IDNO"; do
            if grep -a -q -F -- "$v" "$f"; then t_error "'$v' found in $f"; fi
        done
    done
}

# ---- the key file
t_check "register without a key" 1 "" "muster: no key file '$T_DB.key': run muster key init" \
    t_muster case register --subject x --channel letter --received 2025-09-20 --phone "$PHONE"
t_muster key init >"$T_TMP/o" || t_fail "key init"
grep -q "^created key file $T_DB.key (key [0-9a-f]\{16\})" "$T_TMP/o" || t_error "key init: $(cat "$T_TMP/o")"
[ "$(stat -c %a "$T_DB.key")" = 600 ] || t_error "key file mode $(stat -c %a "$T_DB.key"), want 600"
cp "$T_DB.key" "$T_TMP/saved.key"
t_check "key init twice" 1 "" "muster: key file '$T_DB.key' already exists; it is not overwritten" \
    t_muster key init
cmp -s "$T_DB.key" "$T_TMP/saved.key" || t_error "key init overwrote the key file"
t_check "MUSTER_KEY_FILE" 0 "" "" sh -c \
    "MUSTER_KEY_FILE='$T_TMP/other.key' '$MUSTER' --db '$T_DB' key init >/dev/null && test -f '$T_TMP/other.key'"

# A second connection keeps the WAL file alive while muster writes.
t_muster migrate >/dev/null || t_fail "migrate"
mkfifo "$T_TMP/hold"
sqlite3 "$T_DB" <"$T_TMP/hold" >/dev/null 2>&1 &
T_BG="$T_BG $!"
exec 3>"$T_TMP/hold"
echo "SELECT count(*) FROM cases;" >&3

# ---- register and work the case
t_muster case register --subject "楼道堆放杂物" --channel visit --received 2025-09-20 \
    --name "$NAME" --phone "$PHONE" --address "$ADDR" --id-number "$IDNO" --unit property \
    >"$T_TMP/reg.out" 2>"$T_TMP/reg.err" || t_fail "register: $(cat "$T_TMP/reg.err")"
t_muster case register --subject "second" --channel phone --received 2025-09-21 \
    --phone 13500001234 >/dev/null || t_fail "register 2"
t_muster case accept 1 --on 2025-09-22 >>"$T_TMP/reg.out" 2>>"$T_TMP/reg.err"
t_muster case assign 1 --leader li-ming --unit property --on 2025-09-22 >>"$T_TMP/reg.out" 2>>"$T_TMP/reg.err"
t_muster case reply 1 --text "已清理" --on 2025-10-10 >>"$T_TMP/reg.out" 2>>"$T_TMP/reg.err"
t_muster case register --subject x --channel visit --received 2025-09-20 --name "$NAME" \
    --phone "12" --id-number "$IDNO" >>"$T_TMP/reg.out" 2>>"$T_TMP/reg.err" &&
    t_error "a phone without four digits was accepted"
[ -s "$T_DB-wal" ] || t_error "no WAL file to search: the test would prove nothing"
search "$T_DB" "$T_DB-wal" "$T_DB-shm" "$T_TMP/reg.out" "$T_TMP/reg.err"
n=$(sqlite3 "$T_DB" "SELECT count(*) FROM cases WHERE name_enc LIKE '________________:%' AND phone_enc IS NOT NULL AND address_enc IS NOT NULL AND id_number_enc IS NOT NULL AND lookup_hash IS NOT NULL")
[ "$n" = 1 ] || t_error "case 1 is not sealed as expected ($n)"

# ---- the views without identity
t_muster case show 1 --json >"$T_TMP/show.json" || t_error "show"
[ "$(jq -c '[.identity_on_file, has("complainant")]' "$T_TMP/show.json")" = '[true,false]' ] ||
    t_error "show: $(cat "$T_TMP/show.json")"
t_muster case list --json >"$T_TMP/list.json"
t_muster case handover 1 >"$T_TMP/handover.md"
t_muster case handover 1 --format html >"$T_TMP/handover.html"
t_muster case due --today 2025-12-31 --json >"$T_TMP/due.json"
t_muster case list --xlsx "$T_TMP/plain.xlsx" >/dev/null || t_error "xlsx"
unzip -o -q "$T_TMP/plain.xlsx" -d "$T_TMP/plain" || t_error "unzip"
search "$T_TMP/show.json" "$T_TMP/list.json" "$T_TMP/handover.md" "$T_TMP/handover.html" \
    "$T_TMP/due.json" $(find "$T_TMP/plain" -type f)
if grep -q "5678\|4321" "$T_TMP/handover.md"; then t_error "hand-over has phone digits"; fi

# ---- reveal: only with a reason, audited with who and why
t_check "reveal without reason" 2 "" \
    "muster: --reveal needs --reason: every reveal is audited with why" \
    t_muster case show 1 --reveal
T_ACTOR=officer-zhao
t_muster case show 1 --reveal --reason "回电核实地址" >"$T_TMP/rev.json" || t_error "reveal"
[ "$(jq -c .complainant "$T_TMP/rev.json")" = "{\"name\":\"$NAME\",\"phone\":\"$PHONE\",\"address\":\"$ADDR\",\"id_number\":\"$IDNO\"}" ] ||
    t_error "reveal: $(jq -c .complainant "$T_TMP/rev.json")"
t_muster audit tail -n 3 >"$T_TMP/audit"
grep -q "officer-zhao  case.reveal  case:1  identity revealed to officer-zhao: 回电核实地址" "$T_TMP/audit" ||
    t_error "the reveal is not audited: $(cat "$T_TMP/audit")"
t_muster case list --xlsx "$T_TMP/ident.xlsx" --with-identity --reason "年度核查" >/dev/null ||
    t_error "xlsx with identity"
unzip -p "$T_TMP/ident.xlsx" xl/sharedStrings.xml | grep -q "$IDNO" || t_error "the identity export lacks the ID number"
t_muster audit tail -n 3 | grep -q "case.export  cases  2 cases to XLSX with identity: 年度核查" ||
    t_error "identity export not audited"
t_check "identity export needs a reason" 2 "" \
    "muster: --with-identity goes with --xlsx FILE and --reason TEXT" \
    t_muster case list --xlsx "$T_TMP/x.xlsx" --with-identity
T_ACTOR=tester
t_muster audit tail -n 100000 >"$T_TMP/audit.all"
search "$T_TMP/audit.all"

# ---- key rotation
old_id=$(sed -n 's/^key \([0-9a-f]*\) .*/\1/p' "$T_DB.key")
t_muster key rotate >"$T_TMP/rot" 2>&1 || t_error "rotate: $(cat "$T_TMP/rot")"
new_id=$(sed -n 's/^key \([0-9a-f]*\) .*/\1/p' "$T_DB.key")
[ "$(cat "$T_TMP/rot")" = "rotated to key $new_id: 2 cases re-sealed" ] || t_error "rotate: $(cat "$T_TMP/rot")"
[ "$new_id" != "$old_id" ] && [ "$(grep -c '^key ' "$T_DB.key")" = 1 ] || t_error "key file after rotation"
[ "$(stat -c %a "$T_DB.key")" = 600 ] || t_error "rotated key file mode"
n=$(sqlite3 "$T_DB" "SELECT count(*) FROM cases WHERE substr(name_enc, 1, 16) = '$old_id' OR substr(phone_enc, 1, 16) = '$old_id'")
[ "$n" = 0 ] || t_error "$n values still sealed with the old key"
t_muster case show 1 --reveal --reason "rotation check" | jq -c .complainant >"$T_TMP/after"
[ "$(cat "$T_TMP/after")" = "{\"name\":\"$NAME\",\"phone\":\"$PHONE\",\"address\":\"$ADDR\",\"id_number\":\"$IDNO\"}" ] ||
    t_error "after rotation: $(cat "$T_TMP/after")"
t_check "old key no longer opens" 1 "" "muster: case 1: no key '$new_id' in the key file to open a value" \
    t_muster case show 1 --reveal --reason x --key-file "$T_TMP/saved.key"
t_muster audit tail -n 5 | grep -q "case.key_rotate  case-key  re-sealed 2 cases and 0 files with key $new_id" ||
    t_error "rotation not audited"

# ---- purge
t_muster case close 1 --on 2025-10-12 >/dev/null || t_error "close"
t_check "purge nothing yet" 0 "personal data removed from 0 closed cases" "" \
    t_muster case purge --closed-before 2025-10-12
t_check "purge" 0 "personal data removed from 1 closed case" "" \
    t_muster case purge --closed-before 2025-10-13
t_muster case show 1 --reveal --reason "after purge" >"$T_TMP/p.json" || t_error "show after purge"
[ "$(jq -c '[.complainant, .identity_on_file, .identity_purged, .subject, .state, [.actions[].kind]]' "$T_TMP/p.json")" = \
  '[{"name":null,"phone":null,"address":null,"id_number":null},false,true,"楼道堆放杂物","closed",["register","accept","assign","reply","close"]]' ] ||
    t_error "after purge: $(jq -c . "$T_TMP/p.json")"
n=$(sqlite3 "$T_DB" "SELECT count(*) FROM cases WHERE id = 1 AND name_enc IS NULL AND phone_enc IS NULL AND lookup_hash IS NULL")
[ "$n" = 1 ] || t_error "purged columns not empty"
t_muster audit tail -n 3 | grep -q "case.purge  case:1  personal data removed; matter, actions and outcome kept" ||
    t_error "purge not audited"

echo "SELECT count(*) FROM cases;" >&3
search "$T_DB" "$T_DB-wal" "$T_DB-shm"
exec 3>&-
t_muster audit verify >/dev/null || t_error "audit chain broken"

# ---- PostgreSQL: the same search over a dump
detail="(sqlite)"
if [ -n "${MUSTER_TEST_PG_DSN:-}" ]; then
    t_pg_schema
    export MUSTER_KEY_FILE="$T_TMP/pg.key"
    t_muster key init >/dev/null || t_fail "pg key init"
    t_muster case register --subject "pg" --channel visit --received 2025-09-20 --name "$NAME" \
        --phone "$PHONE" --address "$ADDR" --id-number "$IDNO" >/dev/null || t_fail "pg register"
    t_muster case show 1 --reveal --reason pg | jq -r .complainant.phone | grep -qx "$PHONE" ||
        t_error "pg reveal"
    t_muster key rotate >"$T_TMP/pgrot" 2>&1 || t_error "pg rotate: $(cat "$T_TMP/pgrot")"
    grep -q "^rotated to key [0-9a-f]\{16\}: 1 case re-sealed$" "$T_TMP/pgrot" || t_error "pg rotate: $(cat "$T_TMP/pgrot")"
    t_muster case show 1 --reveal --reason "pg rotation" | jq -r .complainant.id_number | grep -qx "$IDNO" ||
        t_error "pg reveal after rotation"
    pg_dump --schema="$T_SCHEMA" "$MUSTER_TEST_PG_DSN" >"$T_TMP/dump.sql" || t_error "pg_dump"
    grep -q "case.reveal" "$T_TMP/dump.sql" || t_error "the dump has no audit rows: it proves nothing"
    search "$T_TMP/dump.sql"
    detail="(sqlite, postgres)"
else
    echo "121-case-privacy: postgres part not run: MUSTER_TEST_PG_DSN is unset (run under tests/with-pg.sh)"
fi
t_done "$detail"
