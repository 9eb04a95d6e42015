#!/bin/sh
# SPDX-License-Identifier: MIT
# muster token: create prints the token once on stdout (and where it went on
# stderr), list shows everything but the token, revoke, their errors, the
# audit entries, and that the token is nowhere in the database files.
# Verification (expired, revoked, disabled user's token refused) has no CLI;
# it is tested on both engines in tests/store/conformance.c.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 051-token
db=$T_DB
MUSTER_ACTOR=tester
export MUSTER_ACTOR
stamp='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'
# t_check shows times as TIME.
T_CHECK_SED="s/$stamp/TIME/g"

t_user feed reporter town

# create: the token alone on stdout.
"$MUSTER" --db "$db" token create --user FEED --name ci >"$T_TMP/tok" 2>"$T_TMP/err" ||
    t_error "token create failed: $(cat "$T_TMP/err")"
tok=$(cat "$T_TMP/tok")
[ "$(wc -l <"$T_TMP/tok")" -eq 1 ] || t_error "create printed more than one line: $tok"
echo "$tok" | grep -Eq '^mst_[A-Za-z0-9_-]{43}$' || t_error "token format: '$tok'"
err=$(sed "s/$stamp/TIME/g" "$T_TMP/err")
[ "$err" = "muster: token 1 for user 'FEED', expires TIME; store it now: it is not shown again" ] ||
    t_error "create stderr: '$err'"
# 90 days by default.
exp=$(sqlite3 "$db" "SELECT (expires_at - created_at) / 86400000 FROM api_tokens WHERE id = 1")
[ "$exp" = 90 ] || t_error "default expiry is $exp days, want 90"

tok2=$("$MUSTER" --db "$db" token create --user feed --expires never 2>/dev/null) ||
    t_error "token create --expires never failed"
[ "$tok2" != "$tok" ] || t_error "two tokens are equal"
t_check "create 12h" 0 "" "" sh -c '"$0" --db "$1" token create --user feed --expires 12h >/dev/null 2>&1' \
    "$MUSTER" "$db"
exp=$(sqlite3 "$db" "SELECT expires_at - created_at FROM api_tokens WHERE id = 3")
[ "$exp" = 43200000 ] || t_error "12h expiry is $exp ms"

t_check "bad expiry" 2 "" \
    "muster: --expires needs a duration such as 90d, 12h or 2w, or 'never', not 'soon'" \
    "$MUSTER" --db "$db" token create --user feed --expires soon
t_check "unknown user" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" token create --user ghost
t_check "no --user" 2 "" \
    "muster: usage: muster token create --user NAME [--expires 90d|never] [--name LABEL]" \
    "$MUSTER" --db "$db" token create

# list: never the token.
t_check "list" 0 "ID    USER  NAME  CREATED               EXPIRES               LAST USED             STATUS
1     feed  ci    TIME  TIME  never                 active
2     feed  -     TIME  never                 never                 active
3     feed  -     TIME  TIME  never                 active" "" \
    "$MUSTER" --db "$db" token list
grep -qF "${tok#mst_}" "$T_TMP/out" && t_error "list shows the token"

t_check "revoke" 0 "revoked token 2" "" "$MUSTER" --db "$db" token revoke 2
t_check "revoke again" 0 "token 2 was already revoked" "" "$MUSTER" --db "$db" token revoke 2
t_check "revoke unknown" 1 "" "muster: no token 99" "$MUSTER" --db "$db" token revoke 99
t_check "revoke bad id" 2 "" "muster: a token id is a number from 'muster token list', not 'x'" \
    "$MUSTER" --db "$db" token revoke x
t_check "list --user" 0 "ID    USER  NAME  CREATED               EXPIRES               LAST USED             STATUS
1     feed  ci    TIME  TIME  never                 active
2     feed  -     TIME  never                 never                 revoked
3     feed  -     TIME  TIME  never                 active" "" \
    "$MUSTER" --db "$db" token list --user feed
t_check "list unknown user" 1 "" "muster: no user 'ghost'" \
    "$MUSTER" --db "$db" token list --user ghost
t_check "no subcommand" 2 "" "muster: usage: muster token create --user NAME [--expires 90d|never] [--name LABEL]
       muster token list [--user NAME]
       muster token revoke ID" "$MUSTER" --db "$db" token

"$MUSTER" --db "$db" audit tail -n 100 | cut -d' ' -f5- | sed "s/$stamp/TIME/g" >"$T_TMP/audit" ||
    t_error "audit tail failed"
cat >"$T_TMP/want" <<'END'
tester  user.add  user:feed  role reporter, units town
tester  token.create  token:1  for user feed, name 'ci', expires TIME
tester  token.create  token:2  for user feed, name '', expires never
tester  token.create  token:3  for user feed, name '', expires TIME
tester  token.revoke  token:2  of user feed
END
cmp -s "$T_TMP/audit" "$T_TMP/want" || t_error "audit: $(diff "$T_TMP/want" "$T_TMP/audit")"

# The tokens are in no database file, only their hashes.
for f in "$db" "$db-wal"; do
    [ -f "$f" ] || continue
    if grep -qF "${tok#mst_}" "$f" || grep -qF "${tok2#mst_}" "$f"; then
        t_error "a token is stored in clear in $f"
    fi
done

t_done
