#!/bin/sh
# SPDX-License-Identifier: MIT
# muster migrate on a fresh SQLite file, twice (the second says up to date);
# then a database from a newer muster (schema_version 999) is refused by
# migrate and by audit verify, with the file left byte for byte as it was.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 021-migrate
db="$T_TMP/m.db"

# The binary's schema version is the number of migration files it embeds.
latest=$(ls "$MUSTER_SRCDIR"/src/store/sql/sqlite/[0-9]*.sql | wc -l | tr -d ' ')
want_versions=$(for f in $(ls "$MUSTER_SRCDIR"/src/store/sql/sqlite/[0-9]*.sql | sort); do
    b=$(basename "$f" .sql); echo "$(echo "$b" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')|$b"; done)

t_check "first migrate" 0 "schema version 0 -> $latest" "" "$MUSTER" --db "$db" migrate
t_check "second migrate" 0 "schema version $latest (up to date)" "" "$MUSTER" --db "$db" migrate
t_check "sqlite: prefix" 0 "schema version $latest (up to date)" "" "$MUSTER" --db "sqlite:$db" migrate
t_check "MUSTER_DB" 0 "schema version $latest (up to date)" "" env MUSTER_DB="$db" "$MUSTER" migrate
t_check "migrate usage" 2 "" "muster: usage: muster [--db DSN] migrate" \
    "$MUSTER" --db "$db" migrate extra
t_check "empty log" 0 "audit log intact: 0 entries" "" "$MUSTER" --db "$db" audit verify

[ "$(sqlite3 "$db" 'PRAGMA journal_mode')" = "wal" ] || t_error "journal mode is not wal"
[ "$(sqlite3 "$db" 'SELECT version, name FROM schema_version ORDER BY version')" = "$want_versions" ] ||
    t_error "schema_version: $(sqlite3 "$db" 'SELECT * FROM schema_version')"

# A database from the future.
sqlite3 "$db" "INSERT INTO schema_version (version, name, applied_at) VALUES (999, '0999_future', 0)" ||
    t_error "cannot bump schema_version"
before=$(sha256sum <"$db")
newer="muster: database schema version 999 is newer than this muster supports ($latest); upgrade muster"
t_check "newer: migrate" 1 "" "$newer" "$MUSTER" --db "$db" migrate
t_check "newer: audit verify" 1 "" "$newer" "$MUSTER" --db "$db" audit verify
t_check "newer: audit tail" 1 "" "$newer" "$MUSTER" --db "$db" audit tail
after=$(sha256sum <"$db")
[ "$before" = "$after" ] || t_error "the newer database was changed"
[ "$(sqlite3 "$db" 'SELECT MAX(version) FROM schema_version')" = "999" ] ||
    t_error "schema_version changed"

# Not a database at all.
printf 'not a database, just text\n' >"$T_TMP/junk.db"
"$MUSTER" --db "$T_TMP/junk.db" migrate >/dev/null 2>"$T_TMP/err" && t_error "junk file accepted"
grep -q "^muster: cannot open database '$T_TMP/junk.db': file is not a database\$" "$T_TMP/err" ||
    t_error "junk file: stderr '$(cat "$T_TMP/err")'"
[ "$(cat "$T_TMP/junk.db")" = "not a database, just text" ] || t_error "junk file was changed"

t_done
