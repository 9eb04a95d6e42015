#!/bin/sh
# SPDX-License-Identifier: MIT
# muster token: create prints the token once on stdout (and where it went on
# stderr), list shows everything but the token, revoke, their errors, the
# audit entries, and that the token is nowhere in the database files.
# Verification (expired, revoked, disabled user's token refused) has no CLI;
# it is tested on both engines in tests/store/conformance.c.
set -u
: "${MUSTER:?MUSTER must name the muster binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
db="$tmp/t.db"
fails=0
MUSTER_ACTOR=tester
export MUSTER_ACTOR
stamp='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR CMD... (times shown as TIME)
check() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 4
    "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(sed "s/$stamp/TIME/g" "$tmp/out")
    err=$(sed "s/$stamp/TIME/g" "$tmp/err")
    [ "$rc" -eq "$want_rc" ] || fail "$name: exit status $rc, want $want_rc (stderr: $err)"
    [ "$out" = "$want_out" ] || fail "$name: stdout '$out', want '$want_out'"
    [ "$err" = "$want_err" ] || fail "$name: stderr '$err', want '$want_err'"
}

echo 'correct horse battery' | "$MUSTER" --db "$db" user add feed --role reporter --unit town \
    --password-stdin >/dev/null || fail "cannot add user feed"

# create: the token alone on stdout.
"$MUSTER" --db "$db" token create --user FEED --name ci >"$tmp/tok" 2>"$tmp/err" ||
    fail "token create failed: $(cat "$tmp/err")"
tok=$(cat "$tmp/tok")
[ "$(wc -l <"$tmp/tok")" -eq 1 ] || fail "create printed more than one line: $tok"
echo "$tok" | grep -Eq '^mst_[A-Za-z0-9_-]{43}$' || fail "token format: '$tok'"
err=$(sed "s/$stamp/TIME/g" "$tmp/err")
[ "$err" = "muster: token 1 for user 'FEED', expires TIME; store it now: it is not shown again" ] ||
    fail "create stderr: '$err'"
# 90 days by default.
exp=$(sqlite3 "$db" "SELECT (expires_at - created_at) / 86400000 FROM api_tokens WHERE id = 1")
[ "$exp" = 90 ] || fail "default expiry is $exp days, want 90"

tok2=$("$MUSTER" --db "$db" token create --user feed --expires never 2>/dev/null) ||
    fail "token create --expires never failed"
[ "$tok2" != "$tok" ] || fail "two tokens are equal"
check "create 12h" 0 "" "" sh -c '"$0" --db "$1" token create --user feed --expires 12h >/dev/null 2>&1' \
    "$MUSTER" "$db"
exp=$(sqlite3 "$db" "SELECT expires_at - created_at FROM api_tokens WHERE id = 3")
[ "$exp" = 43200000 ] || fail "12h expiry is $exp ms"

check "bad expiry" 2 "" \
    "muster: --expires needs a duration such as 90d, 12h or 2w, or 'never', not 'soon'" \
    "$MUSTER" --db "$db" token create --user feed --expires soon
check "unknown user" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" token create --user ghost
check "no --user" 2 "" \
    "muster: usage: muster token create --user NAME [--expires 90d|never] [--name LABEL]" \
    "$MUSTER" --db "$db" token create

# list: never the token.
check "list" 0 "ID    USER  NAME  CREATED               EXPIRES               LAST USED             STATUS
1     feed  ci    TIME  TIME  never                 active
2     feed  -     TIME  never                 never                 active
3     feed  -     TIME  TIME  never                 active" "" \
    "$MUSTER" --db "$db" token list
grep -qF "${tok#mst_}" "$tmp/out" && fail "list shows the token"

check "revoke" 0 "revoked token 2" "" "$MUSTER" --db "$db" token revoke 2
check "revoke again" 0 "token 2 was already revoked" "" "$MUSTER" --db "$db" token revoke 2
check "revoke unknown" 1 "" "muster: no token 99" "$MUSTER" --db "$db" token revoke 99
check "revoke bad id" 2 "" "muster: a token id is a number from 'muster token list', not 'x'" \
    "$MUSTER" --db "$db" token revoke x
check "list --user" 0 "ID    USER  NAME  CREATED               EXPIRES               LAST USED             STATUS
1     feed  ci    TIME  TIME  never                 active
2     feed  -     TIME  never                 never                 revoked
3     feed  -     TIME  TIME  never                 active" "" \
    "$MUSTER" --db "$db" token list --user feed
check "list unknown user" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" token list --user ghost
check "no subcommand" 2 "" "muster: usage: muster token create --user NAME [--expires 90d|never] [--name LABEL]
       muster token list [--user NAME]
       muster token revoke ID" "$MUSTER" --db "$db" token

"$MUSTER" --db "$db" audit tail -n 100 | cut -d' ' -f5- | sed "s/$stamp/TIME/g" >"$tmp/audit" ||
    fail "audit tail failed"
cat >"$tmp/want" <<'END'
tester  user.add  user:feed  role reporter, units town
tester  token.create  token:1  for user feed, name 'ci', expires TIME
tester  token.create  token:2  for user feed, name '', expires never
tester  token.create  token:3  for user feed, name '', expires TIME
tester  token.revoke  token:2  of user feed
END
cmp -s "$tmp/audit" "$tmp/want" || fail "audit: $(diff "$tmp/want" "$tmp/audit")"

# The tokens are in no database file, only their hashes.
for f in "$db" "$db-wal"; do
    [ -f "$f" ] || continue
    if grep -qF "${tok#mst_}" "$f" || grep -qF "${tok2#mst_}" "$f"; then
        fail "a token is stored in clear in $f"
    fi
done

if [ "$fails" -ne 0 ]; then
    echo "051-token: $fails failure(s)" >&2
    exit 1
fi
echo "051-token: ok"
