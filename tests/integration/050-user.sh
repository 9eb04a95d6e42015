#!/bin/sh
# SPDX-License-Identifier: MIT
# muster user: add (role, units, password from standard input and its
# policy), duplicates in any letter case, unknown roles, passwd, disable and
# enable, list and list --json (times replaced by TIME), the audit entries,
# and that no password reaches the database file in clear.
set -u
: "${MUSTER:?MUSTER must name the muster binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
db="$tmp/u.db"
fails=0
MUSTER_ACTOR=tester
export MUSTER_ACTOR

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR CMD... (stdin from $tmp/in)
check() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 4
    "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g' "$tmp/out")
    err=$(cat "$tmp/err")
    [ "$rc" -eq "$want_rc" ] || fail "$name: exit status $rc, want $want_rc (stderr: $err)"
    [ "$out" = "$want_out" ] || fail "$name: stdout '$out', want '$want_out'"
    [ "$err" = "$want_err" ] || fail "$name: stderr '$err', want '$want_err'"
}

pw1='correct horse battery'
pw2='日出江花红胜火春来江水绿如蓝'
printf '%s\n' "$pw1" >"$tmp/in"
check "add admin" 0 "added user 'admin' with role admin" "" \
    "$MUSTER" --db "$db" user add admin --role admin --password-stdin
check "add reporter" 0 "added user 'Li.Wei' with role reporter" "" \
    "$MUSTER" --db "$db" user add Li.Wei --role reporter --unit town --unit school-1 \
    --password-stdin
check "duplicate" 1 "" "muster: user 'ADMIN' already exists" \
    "$MUSTER" --db "$db" user add ADMIN --role viewer --password-stdin
check "unknown role" 2 "" \
    "muster: unknown role 'boss' (expected admin, officer, leader, reporter or viewer)" \
    "$MUSTER" --db "$db" user add bo --role boss --password-stdin
check "reporter without unit" 2 "" "muster: role 'reporter' needs at least one --unit" \
    "$MUSTER" --db "$db" user add bo --role reporter --password-stdin
check "no --password-stdin" 2 "" \
    "muster: the password is read from standard input: give --password-stdin" \
    "$MUSTER" --db "$db" user add bo --role viewer
check "bad name" 1 "" \
    "muster: invalid user name 'li wei' (user names are 1 to 64 of the characters A-Z a-z 0-9 . _ @ -)" \
    "$MUSTER" --db "$db" user add "li wei" --role viewer --password-stdin
check "bad unit" 1 "" \
    "muster: invalid unit id 'Town' (unit ids use lowercase letters, digits, '-' and '_', start with a letter or digit, at most 64 characters)" \
    "$MUSTER" --db "$db" user add bo --role reporter --unit Town --password-stdin
check "add usage" 2 "" \
    "muster: usage: muster user add NAME --role ROLE [--unit UNIT]... --password-stdin" \
    "$MUSTER" --db "$db" user add --role viewer --password-stdin

# The password policy.
printf 'short pw\n' >"$tmp/in"
check "short password" 1 "" "muster: password is too short: use at least 10 characters" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
: >"$tmp/in"
check "empty stdin" 1 "" "muster: no password on standard input" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf '\n' >"$tmp/in"
check "empty line" 1 "" "muster: password is empty" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf 'abc\tdefghijkl\n' >"$tmp/in"
check "control character" 1 "" "muster: password contains a control character" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
head -c 1025 /dev/zero | tr '\0' 'p' >"$tmp/in"
check "1025 bytes" 1 "" "muster: password is longer than 1024 bytes" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
head -c 1024 /dev/zero | tr '\0' 'p' >"$tmp/in"
check "1024 bytes" 0 "added user 'bo' with role viewer" "" \
    "$MUSTER" --db "$db" user add bo --role viewer --password-stdin
printf '%s\r\n' "$pw2" >"$tmp/in"
check "CRLF line, Chinese" 0 "added user 'zhao@town' with role officer" "" \
    "$MUSTER" --db "$db" user add zhao@town --role officer --password-stdin

: >"$tmp/in"
check "list" 0 "NAME       ROLE      UNITS          STATUS    CREATED
admin      admin     -              active    TIME
bo         viewer    -              active    TIME
Li.Wei     reporter  school-1,town  active    TIME
zhao@town  officer   -              active    TIME" "" "$MUSTER" --db "$db" user list

check "disable" 0 "disabled user 'li.wei'" "" "$MUSTER" --db "$db" user disable li.wei
check "disable again" 0 "user 'Li.Wei' is already disabled" "" \
    "$MUSTER" --db "$db" user disable Li.Wei
check "disable unknown" 1 "" "muster: no user 'ghost'" "$MUSTER" --db "$db" user disable ghost
check "disable bo" 0 "disabled user 'bo'" "" "$MUSTER" --db "$db" user disable bo
check "list --json" 0 '[{"name":"admin","role":"admin","units":[],"disabled":false,"lang":"zh","created":"TIME"},{"name":"bo","role":"viewer","units":[],"disabled":true,"lang":"zh","created":"TIME"},{"name":"Li.Wei","role":"reporter","units":["school-1","town"],"disabled":true,"lang":"zh","created":"TIME"},{"name":"zhao@town","role":"officer","units":[],"disabled":false,"lang":"zh","created":"TIME"}]' "" \
    "$MUSTER" --db "$db" user list --json
check "enable" 0 "enabled user 'bo'" "" "$MUSTER" --db "$db" user enable bo
check "enable again" 0 "user 'bo' is already enabled" "" "$MUSTER" --db "$db" user enable bo

printf '%s\n' "$pw2" >"$tmp/in"
check "passwd" 0 "changed the password of user 'admin'" "" \
    "$MUSTER" --db "$db" user passwd admin --password-stdin
check "passwd unknown" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" user passwd ghost --password-stdin
printf 'tiny\n' >"$tmp/in"
check "passwd short" 1 "" "muster: password is too short: use at least 10 characters" \
    "$MUSTER" --db "$db" user passwd admin --password-stdin
: >"$tmp/in"
check "no subcommand" 2 "" "muster: usage: muster user add NAME --role ROLE [--unit UNIT]... --password-stdin
       muster user passwd NAME --password-stdin
       muster user disable NAME | muster user enable NAME
       muster user list [--json]" "$MUSTER" --db "$db" user
check "list usage" 2 "" "muster: usage: muster user list [--json]" \
    "$MUSTER" --db "$db" user list extra

# Every change is audited, by the actor, with no secret in it.
"$MUSTER" --db "$db" audit tail -n 100 | cut -d' ' -f5- >"$tmp/audit" || fail "audit tail failed"
cat >"$tmp/want" <<'END'
tester  user.add  user:admin  role admin
tester  user.add  user:Li.Wei  role reporter, units town, school-1
tester  user.add  user:bo  role viewer
tester  user.add  user:zhao@town  role officer
tester  user.disable  user:Li.Wei  disabled; 0 sessions ended
tester  user.disable  user:bo  disabled; 0 sessions ended
tester  user.enable  user:bo  enabled
tester  user.passwd  user:admin  password changed; 0 sessions ended
END
cmp -s "$tmp/audit" "$tmp/want" || fail "audit: $(diff "$tmp/want" "$tmp/audit")"
check "audit verify" 0 "audit log intact: 8 entries" "" "$MUSTER" --db "$db" audit verify

# No password in clear anywhere in the database files.
for f in "$db" "$db-wal"; do
    [ -f "$f" ] || continue
    if grep -qF "$pw1" "$f" || grep -qF "$pw2" "$f" || grep -qF pppppppppppppppp "$f"; then
        fail "a password is stored in clear in $f"
    fi
done
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")" = 4 ] ||
    fail "password hashes are not Argon2id"

if [ "$fails" -ne 0 ]; then
    echo "050-user: $fails failure(s)" >&2
    exit 1
fi
echo "050-user: ok"
