#!/bin/sh
# SPDX-License-Identifier: MIT
# muster user: add (role, units, password from standard input and its
# policy), duplicates in any letter case, unknown roles, passwd, disable and
# enable, list and list --json (times replaced by TIME), the audit entries,
# and that no password reaches the database file in clear.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 050-user
db="$T_TMP/u.db"
MUSTER_ACTOR=tester
export MUSTER_ACTOR
# t_check: standard input from $T_TMP/in, times shown as TIME.
T_IN="$T_TMP/in"
T_CHECK_SED='s/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g'

pw1='correct horse battery'
pw2='日出江花红胜火春来江水绿如蓝'
printf '%s\n' "$pw1" >"$T_TMP/in"
t_check "add admin" 0 "added user 'admin' with role admin" "" \
    "$MUSTER" --db "$db" user add admin --role admin --password-stdin
t_check "add reporter" 0 "added user 'Li.Wei' with role reporter" "" \
    "$MUSTER" --db "$db" user add Li.Wei --role reporter --unit town --unit school-1 \
    --password-stdin
t_check "duplicate" 1 "" "muster: user 'ADMIN' already exists" \
    "$MUSTER" --db "$db" user add ADMIN --role viewer --password-stdin
t_check "unknown role" 2 "" \
    "muster: unknown role 'boss' (expected admin, officer, leader, reporter or viewer)" \
    "$MUSTER" --db "$db" user add bo --role boss --password-stdin
t_check "reporter without unit" 2 "" "muster: role 'reporter' needs at least one --unit" \
    "$MUSTER" --db "$db" user add bo --role reporter --password-stdin
t_check "no --password-stdin" 2 "" \
    "muster: the password is read from standard input: give --password-stdin" \
    "$MUSTER" --db "$db" user add bo --role viewer
t_check "bad name" 1 "" \
    "muster: invalid user name 'li wei' (user names are 1 to 64 of the characters A-Z a-z 0-9 . _ @ -)" \
    "$MUSTER" --db "$db" user add "li wei" --role viewer --password-stdin
t_check "bad unit" 1 "" \
    "muster: invalid unit id 'Town' (unit ids use lowercase letters, digits, '-' and '_', start with a letter or digit, at most 64 characters)" \
    "$MUSTER" --db "$db" user add bo --role reporter --unit Town --password-stdin
t_check "add usage" 2 "" \
    "muster: usage: muster user add NAME --role ROLE [--unit UNIT]... --password-stdin" \
    "$MUSTER" --db "$db" user add --role viewer --password-stdin

# The password policy.
printf 'short pw\n' >"$T_TMP/in"
t_check "short password" 1 "" "muster: password is too short: use at least 10 characters" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
: >"$T_TMP/in"
t_check "empty stdin" 1 "" "muster: no password on standard input" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf '\n' >"$T_TMP/in"
t_check "empty line" 1 "" "muster: password is empty" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf 'abc\tdefghijkl\n' >"$T_TMP/in"
t_check "control character" 1 "" "muster: password contains a control character" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
head -c 1025 /dev/zero | tr '\0' 'p' >"$T_TMP/in"
t_check "1025 bytes" 1 "" "muster: password is longer than 1024 bytes" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
head -c 1024 /dev/zero | tr '\0' 'p' >"$T_TMP/in"
t_check "1024 bytes" 0 "added user 'bo' with role viewer" "" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf '%s\r\n' "$pw2" >"$T_TMP/in"
t_check "CRLF line, Chinese" 0 "added user 'zhao@town' with role officer" "" \
    "$MUSTER" --db "$db" user add zhao@town --role officer --password-stdin

: >"$T_TMP/in"
t_check "list" 0 "NAME       ROLE      UNITS          STATUS    CREATED
admin      admin     -              active    TIME
bo         viewer    -              active    TIME
Li.Wei     reporter  school-1,town  active    TIME
zhao@town  officer   -              active    TIME" "" "$MUSTER" --db "$db" user list

t_check "disable" 0 "disabled user 'li.wei'" "" "$MUSTER" --db "$db" user disable li.wei
t_check "disable again" 0 "user 'Li.Wei' is already disabled" "" \
    "$MUSTER" --db "$db" user disable Li.Wei
t_check "disable unknown" 1 "" "muster: no user 'ghost'" "$MUSTER" --db "$db" user disable ghost
t_check "disable bo" 0 "disabled user 'bo'" "" "$MUSTER" --db "$db" user disable bo
t_check "list --json" 0 '[{"name":"admin","role":"admin","units":[],"disabled":false,"lang":"zh","created":"TIME"},{"name":"bo","role":"viewer","units":[],"disabled":true,"lang":"zh","created":"TIME"},{"name":"Li.Wei","role":"reporter","units":["school-1","town"],"disabled":true,"lang":"zh","created":"TIME"},{"name":"zhao@town","role":"officer","units":[],"disabled":false,"lang":"zh","created":"TIME"}]' "" \
    "$MUSTER" --db "$db" user list --json
t_check "enable" 0 "enabled user 'bo'" "" "$MUSTER" --db "$db" user enable bo
t_check "enable again" 0 "user 'bo' is already enabled" "" "$MUSTER" --db "$db" user enable bo

printf '%s\n' "$pw2" >"$T_TMP/in"
t_check "passwd" 0 "changed the password of user 'admin'" "" \
    "$MUSTER" --db "$db" user passwd admin --password-stdin
t_check "passwd unknown" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" user passwd ghost --password-stdin
printf 'tiny\n' >"$T_TMP/in"
t_check "passwd short" 1 "" "muster: password is too short: use at least 10 characters" \
    "$MUSTER" --db "$db" user passwd admin --password-stdin
: >"$T_TMP/in"
t_check "no subcommand" 2 "" "muster: usage: muster user add NAME --role ROLE [--unit UNIT]... --password-stdin
       muster user passwd NAME --password-stdin
       muster user disable NAME | muster user enable NAME
       muster user list [--json]" "$MUSTER" --db "$db" user
t_check "list usage" 2 "" "muster: usage: muster user list [--json]" \
    "$MUSTER" --db "$db" user list extra

# Every change is audited, by the actor, with no secret in it.
"$MUSTER" --db "$db" audit tail -n 100 | cut -d' ' -f5- >"$T_TMP/audit" || t_error "audit tail failed"
cat >"$T_TMP/want" <<'END'
tester  user.add  user:admin  role admin
tester  user.add  user:Li.Wei  role reporter, units town, school-1
tester  user.add  user:bo  role viewer
tester  user.add  user:zhao@town  role officer
tester  user.disable  user:Li.Wei  disabled; 0 sessions ended
tester  user.disable  user:bo  disabled; 0 sessions ended
tester  user.enable  user:bo  enabled
tester  user.passwd  user:admin  password changed; 0 sessions ended
END
cmp -s "$T_TMP/audit" "$T_TMP/want" || t_error "audit: $(diff "$T_TMP/want" "$T_TMP/audit")"
t_check "audit verify" 0 "audit log intact: 8 entries" "" "$MUSTER" --db "$db" audit verify

# No password in clear anywhere in the database files.
for f in "$db" "$db-wal"; do
    [ -f "$f" ] || continue
    if grep -qF "$pw1" "$f" || grep -qF "$pw2" "$f" || grep -qF pppppppppppppppp "$f"; then
        t_error "a password is stored in clear in $f"
    fi
done
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" = 4 ] ||
    t_error "password hashes are not Argon2id"

t_done
