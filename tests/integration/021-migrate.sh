#!/bin/sh
# SPDX-License-Identifier: MIT
# muster migrate on a fresh SQLite file, twice (the second says up to date);
# then a database from a newer muster (schema_version 999) is refused by
# migrate and by audit verify, with the file left byte for byte as it was.
set -u
: "${MUSTER:?MUSTER must name the muster binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
db="$tmp/m.db"
fails=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR CMD...
check() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
    [ "$rc" -eq "$want_rc" ] || fail "$name: exit status $rc, want $want_rc (stderr: $err)"
    [ "$out" = "$want_out" ] || fail "$name: stdout '$out', want '$want_out'"
    [ "$err" = "$want_err" ] || fail "$name: stderr '$err', want '$want_err'"
}

# The binary's schema version is the number of migration files it embeds.
latest=$(ls "$MUSTER_SRCDIR"/src/store/sql/sqlite/[0-9]*.sql | wc -l | tr -d ' ')
want_versions=$(for f in $(ls "$MUSTER_SRCDIR"/src/store/sql/sqlite/[0-9]*.sql | sort); do
    b=$(basename "$f" .sql); echo "$(echo "$b" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')|$b"; done)

check "first migrate" 0 "schema version 0 -> $latest" "" "$MUSTER" --db "$db" migrate
check "second migrate" 0 "schema version $latest (up to date)" "" "$MUSTER" --db "$db" migrate
check "sqlite: prefix" 0 "schema version $latest (up to date)" "" "$MUSTER" --db "sqlite:$db" migrate
check "MUSTER_DB" 0 "schema version $latest (up to date)" "" env MUSTER_DB="$db" "$MUSTER" migrate
check "migrate usage" 2 "" "muster: usage: muster [--db DSN] migrate" \
    "$MUSTER" --db "$db" migrate extra
check "empty log" 0 "audit log intact: 0 entries" "" "$MUSTER" --db "$db" audit verify

[ "$(sqlite3 "$db" 'PRAGMA journal_mode')" = "wal" ] || fail "journal mode is not wal"
[ "$(sqlite3 "$db" 'SELECT version, name FROM schema_version ORDER BY version')" = "$want_versions" ] ||
    fail "schema_version: $(sqlite3 "$db" 'SELECT * FROM schema_version')"

# A database from the future.
sqlite3 "$db" "INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', 0)" ||
    fail "cannot bump schema_version"
before=$(sha256sum <"$db")
newer="muster: database schema version 999 is newer than this muster supports ($latest); upgrade muster"
check "newer: migrate" 1 "" "$newer" "$MUSTER" --db "$db" migrate
check "newer: audit verify" 1 "" "$newer" "$MUSTER" --db "$db" audit verify
check "newer: audit tail" 1 "" "$newer" "$MUSTER" --db "$db" audit tail
after=$(sha256sum <"$db")
[ "$before" = "$after" ] || fail "the newer database was changed"
[ "$(sqlite3 "$db" 'SELECT MAX(version) FROM schema_version')" = "999" ] ||
    fail "schema_version changed"

# Not a database at all.
printf 'not a database, just text\n' >"$tmp/junk.db"
"$MUSTER" --db "$tmp/junk.db" migrate >/dev/null 2>"$tmp/err" && fail "junk file accepted"
grep -q "^muster: cannot open database '$tmp/junk.db': file is not a database\$" "$tmp/err" ||
    fail "junk file: stderr '$(cat "$tmp/err")'"
[ "$(cat "$tmp/junk.db")" = "not a database, just text" ] || fail "junk file was changed"

if [ "$fails" -ne 0 ]; then
    echo "021-migrate: $fails failure(s)" >&2
    exit 1
fi
echo "021-migrate: ok"
