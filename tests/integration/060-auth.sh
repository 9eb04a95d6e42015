#!/bin/sh
# SPDX-License-Identifier: MIT
# Sign-in over HTTP: POST /api/v1/session (the exact body and cookie, wrong
# credentials, missing fields, throttling to 429 per account and per address
# with --trust-proxy, and per peer address without it), GET /api/v1/me, the
# CSRF rules for cookie requests (header, form field, missing, wrong, a
# foreign Origin), API tokens (no CSRF needed, revoked, malformed), a
# disabled user's session, token and login, logout, and that the server's
# log never holds a password, a cookie, a CSRF token or an API token.
set -eu
name=060-auth
TMP=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ]; then
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "$name: FAIL: $*" >&2
    if [ -s "$TMP/err" ]; then
        echo "--- server stderr (last lines):" >&2
        tail -n 20 "$TMP/err" >&2
    fi
    exit 1
}

DB="$TMP/t.db"
m() { MUSTER_ACTOR=tester "$MUSTER" --db "$DB" "$@"; }

# start [SERVE-ARGS...]: sets PID and BASE.
start() {
    : >"$TMP/out"
    : >"$TMP/err"
    "$MUSTER" --db "$DB" serve --listen 127.0.0.1:0 --threads 2 "$@" >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    n=0
    until grep -q '^muster: listening on ' "$TMP/out"; do
        n=$((n + 1))
        [ "$n" -le 300 ] || fail "server did not print its URL within 30 s"
        kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start"; }
        sleep 0.1
    done
    BASE=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[1-9][0-9]*/\)$|\1|p' "$TMP/out")
    [ -n "$BASE" ] || fail "unexpected start line: $(cat "$TMP/out")"
    ORIGIN=${BASE%/}
}

stop() {
    kill -TERM "$PID"
    rc=0
    wait "$PID" || rc=$?
    PID=""
    cat "$TMP/err" >>"$TMP/allerr"
    [ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
}

# req NAME CURL-ARGS...: body in $TMP/NAME.body, headers in $TMP/NAME.hdr; prints the status.
req() {
    rname=$1
    shift
    curl -sS --max-time 20 -o "$TMP/$rname.body" -D "$TMP/$rname.hdr" -w '%{http_code}' "$@"
}
expect_status() { # NAME WANT GOT
    [ "$3" = "$2" ] || fail "$1: status $3, want $2; body: $(cat "$TMP/$1.body")"
}
expect_body() { # NAME WANT
    printf '%s' "$2" >"$TMP/want"
    cmp -s "$TMP/want" "$TMP/$1.body" || fail "$1: body
  got:  $(cat "$TMP/$1.body")
  want: $2"
}
header() { # NAME HEADER -> value, CR stripped
    grep -i "^$2:" "$TMP/$1.hdr" | head -n 1 | sed 's/^[^:]*:[ ]*//' | tr -d '\r'
}
json_str() { # NAME KEY -> the first string value of "KEY" in the body
    sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$TMP/$1.body" | head -n 1
}

J='Content-Type: application/json'
# login NAME USER PASSWORD [CURL-ARGS...]: prints the status.
login() {
    lname=$1 luser=$2 lpw=$3
    shift 3
    req "$lname" -X POST -H "$J" "$@" \
        --data-binary "{\"username\":\"$luser\",\"password\":\"$lpw\"}" "${BASE}api/v1/session"
}
cookie_of() { # NAME -> the session id set by that response
    header "$1" Set-Cookie | sed -n 's/^muster_session=\([^;]*\);.*/\1/p'
}

PW_ALICE='alice-Secret-0001'
PW_OLGA='olga-Secret-0002'
PW_BOB='bob-Secret-0003'
PW_RITA='rita-Secret-0004'
printf '%s\n' "$PW_ALICE" | m user add alice --role admin --password-stdin >/dev/null
printf '%s\n' "$PW_OLGA" | m user add olga --role officer --password-stdin >/dev/null
printf '%s\n' "$PW_BOB" | m user add bob --role viewer --password-stdin >/dev/null
printf '%s\n' "$PW_RITA" | m user add rita --role reporter --unit north --unit east \
    --password-stdin >/dev/null

start --trust-proxy
# Each section signs in from its own client address (X-Forwarded-For is
# trusted here), so the per-address throttle of one does not touch another.
XF() { echo "X-Forwarded-For: 198.51.100.99, 127.0.0.$1"; }

# ---- sign in ----
st=$(login ok alice "$PW_ALICE" -H "$(XF 1)")
expect_status ok 200 "$st"
CSRF=$(json_str ok csrf)
echo "$CSRF" | grep -Eq '^[A-Za-z0-9_-]{43}$' || fail "login: csrf '$CSRF' is not 43 base64url characters"
expect_body ok "{\"user\":{\"name\":\"alice\",\"role\":\"admin\",\"units\":[],\"lang\":\"zh\"},\"csrf\":\"$CSRF\"}"
SID=$(cookie_of ok)
echo "$SID" | grep -Eq '^[A-Za-z0-9_-]{43}$' || fail "login: cookie value '$SID' is not 43 base64url characters"
[ "$(header ok Set-Cookie)" = "muster_session=$SID; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800" ] ||
    fail "login: Set-Cookie is '$(header ok Set-Cookie)'"
[ "$(grep -ci '^Set-Cookie:' "$TMP/ok.hdr")" -eq 1 ] || fail "login: more than one Set-Cookie"
CK="Cookie: muster_session=$SID"

# A second sign-in gets a new session id.
st=$(login ok2 alice "$PW_ALICE" -H "$(XF 1)")
expect_status ok2 200 "$st"
[ "$(cookie_of ok2)" != "$SID" ] || fail "a second login reused the session id"

st=$(login rita rita "$PW_RITA" -H "$(XF 1)")
expect_status rita 200 "$st"
expect_body rita "{\"user\":{\"name\":\"rita\",\"role\":\"reporter\",\"units\":[\"east\",\"north\"],\"lang\":\"zh\"},\"csrf\":\"$(json_str rita csrf)\"}"

st=$(login wrong alice 'not-the-password' -H "$(XF 2)")
expect_status wrong 401 "$st"
expect_body wrong '{"error":{"code":"unauthorized","message":"wrong user name or password"}}'
grep -qi '^Set-Cookie:' "$TMP/wrong.hdr" && fail "a failed login set a cookie"
st=$(login nouser nobody 'whatever-password' -H "$(XF 2)")
expect_status nouser 401 "$st"
expect_body nouser '{"error":{"code":"unauthorized","message":"wrong user name or password"}}'

st=$(req nofield -X POST -H "$J" -H "$(XF 2)" --data-binary '{"username":"alice"}' "${BASE}api/v1/session")
expect_status nofield 400 "$st"
expect_body nofield '{"error":{"code":"bad_request","message":"missing '"'"'password'"'"'","field":"password"}}'
st=$(req nouname -X POST -H "$J" -H "$(XF 2)" --data-binary '{"password":"x"}' "${BASE}api/v1/session")
expect_status nouname 400 "$st"
expect_body nouname '{"error":{"code":"bad_request","message":"missing '"'"'username'"'"'","field":"username"}}'
st=$(req numname -X POST -H "$J" -H "$(XF 2)" --data-binary '{"username":5,"password":"x"}' "${BASE}api/v1/session")
expect_status numname 400 "$st"
st=$(req formlogin -X POST -H "$(XF 2)" --data "username=alice&password=$PW_ALICE" "${BASE}api/v1/session")
expect_status formlogin 415 "$st"

# ---- who am I ----
st=$(req me -H "$CK" "${BASE}api/v1/me")
expect_status me 200 "$st"
expect_body me "{\"name\":\"alice\",\"role\":\"admin\",\"units\":[],\"lang\":\"zh\",\"via\":\"session\",\"csrf\":\"$CSRF\"}"
st=$(req nocred "${BASE}api/v1/me")
expect_status nocred 401 "$st"
expect_body nocred '{"error":{"code":"unauthorized","message":"authentication required: sign in or send an API token"}}'
[ "$(header nocred WWW-Authenticate)" = 'Bearer realm="muster"' ] || fail "401 without WWW-Authenticate"
st=$(req badsid -H "Cookie: muster_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "${BASE}api/v1/me")
expect_status badsid 401 "$st"
expect_body badsid '{"error":{"code":"unauthorized","message":"the session has ended or is not valid; sign in again"}}'

# ---- CSRF for cookie requests ----
LANG_EN='{"lang":"en"}'
st=$(req csrf_missing -X PUT -H "$CK" -H "$J" --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status csrf_missing 403 "$st"
expect_body csrf_missing '{"error":{"code":"forbidden","message":"csrf token missing or wrong","field":"X-CSRF-Token"}}'
st=$(req csrf_wrong -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $(json_str ok2 csrf)" \
    --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status csrf_wrong 403 "$st"
expect_body csrf_wrong '{"error":{"code":"forbidden","message":"csrf token missing or wrong","field":"X-CSRF-Token"}}'
st=$(req csrf_empty -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token;" --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status csrf_empty 403 "$st"
st=$(req me_after -H "$CK" "${BASE}api/v1/me")
grep -q '"lang":"zh"' "$TMP/me_after.body" || fail "a refused request changed the language"
st=$(req csrf_ok -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status csrf_ok 200 "$st"
expect_body csrf_ok '{"lang":"en"}'
st=$(req me_en -H "$CK" "${BASE}api/v1/me")
grep -q '"lang":"en"' "$TMP/me_en.body" || fail "the language was not stored: $(cat "$TMP/me_en.body")"
st=$(req badlang -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" --data-binary '{"lang":"fr"}' "${BASE}api/v1/me/lang")
expect_status badlang 400 "$st"
expect_body badlang '{"error":{"code":"bad_request","message":"'"'"'lang'"'"' must be \"zh\" or \"en\"","field":"lang"}}'

# Same origin passes, another origin is refused even with the right token.
st=$(req origin_ok -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: $ORIGIN" \
    --data-binary '{"lang":"zh"}' "${BASE}api/v1/me/lang")
expect_status origin_ok 200 "$st"
st=$(req origin_bad -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: http://evil.example" \
    --data-binary '{"lang":"zh"}' "${BASE}api/v1/me/lang")
expect_status origin_bad 403 "$st"
expect_body origin_bad '{"error":{"code":"forbidden","message":"cross-origin request refused: the Origin header does not name this server","field":"Origin"}}'
st=$(req origin_null -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: null" \
    --data-binary '{"lang":"zh"}' "${BASE}api/v1/me/lang")
expect_status origin_null 403 "$st"

# HTML form posts carry the token in the form field "csrf".
st=$(req form_missing -X POST -H "$CK" --data 'x=1' "${BASE}api/v1/users/bob/disable")
expect_status form_missing 403 "$st"
st=$(req form_wrong -X POST -H "$CK" --data "csrf=$(json_str ok2 csrf)" "${BASE}api/v1/users/bob/disable")
expect_status form_wrong 403 "$st"
st=$(req form_twice -X POST -H "$CK" --data "csrf=$CSRF&csrf=$CSRF" "${BASE}api/v1/users/bob/disable")
expect_status form_twice 403 "$st"
# The field only counts in a form body.
st=$(req form_json -X POST -H "$CK" -H "$J" --data "csrf=$CSRF" "${BASE}api/v1/users/bob/enable")
expect_status form_json 403 "$st"

# ---- API tokens: no CSRF, revocable ----
TOKEN=$(m token create --user olga 2>/dev/null)
echo "$TOKEN" | grep -Eq '^mst_[A-Za-z0-9_-]{43}$' || fail "token create printed '$TOKEN'"
TK="Authorization: Bearer $TOKEN"
st=$(req tok_me -H "$TK" "${BASE}api/v1/me")
expect_status tok_me 200 "$st"
expect_body tok_me '{"name":"olga","role":"officer","units":[],"lang":"zh","via":"token"}'
st=$(req tok_put -X PUT -H "$TK" -H "$J" --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status tok_put 200 "$st"
st=$(req tok_origin -X PUT -H "$TK" -H "$J" -H "Origin: http://evil.example" --data-binary "$LANG_EN" "${BASE}api/v1/me/lang")
expect_status tok_origin 200 "$st"
st=$(req tok_basic -H "Authorization: Basic b2xnYTp4" "${BASE}api/v1/me")
expect_status tok_basic 401 "$st"
expect_body tok_basic '{"error":{"code":"unauthorized","message":"the Authorization header must be '"'"'Bearer <token>'"'"'"}}'
# A bad token is not rescued by a good cookie.
st=$(req tok_bad -H "Authorization: Bearer mst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "$CK" "${BASE}api/v1/me")
expect_status tok_bad 401 "$st"
expect_body tok_bad '{"error":{"code":"unauthorized","message":"the API token is not valid (unknown, expired or revoked, or its user is disabled)"}}'
TID=$(m token list --user olga | awk 'NR == 2 { print $1 }')
m token revoke "$TID" >/dev/null 2>&1 || fail "token revoke $TID failed"
st=$(req tok_revoked -H "$TK" "${BASE}api/v1/me")
expect_status tok_revoked 401 "$st"

# ---- a disabled user: session, token and login refused ----
st=$(login bob bob "$PW_BOB" -H "$(XF 3)")
expect_status bob 200 "$st"
BOBCK="Cookie: muster_session=$(cookie_of bob)"
BOBTOKEN=$(m token create --user bob 2>/dev/null)
st=$(req bob_me -H "$BOBCK" "${BASE}api/v1/me")
expect_status bob_me 200 "$st"
st=$(req bob_tok -H "Authorization: Bearer $BOBTOKEN" "${BASE}api/v1/me")
expect_status bob_tok 200 "$st"
st=$(req disable -X POST -H "$CK" --data "csrf=$CSRF" "${BASE}api/v1/users/bob/disable")
expect_status disable 200 "$st"
grep -q '"disabled":true' "$TMP/disable.body" || fail "disable: $(cat "$TMP/disable.body")"
st=$(req bob_me2 -H "$BOBCK" "${BASE}api/v1/me")
expect_status bob_me2 401 "$st"
st=$(req bob_tok2 -H "Authorization: Bearer $BOBTOKEN" "${BASE}api/v1/me")
expect_status bob_tok2 401 "$st"
st=$(login bob_login bob "$PW_BOB" -H "$(XF 3)")
expect_status bob_login 401 "$st"
expect_body bob_login '{"error":{"code":"unauthorized","message":"user '"'"'bob'"'"' is disabled"}}'
st=$(req enable -X POST -H "$CK" -H "X-CSRF-Token: $CSRF" "${BASE}api/v1/users/bob/enable")
expect_status enable 200 "$st"
st=$(req bob_tok3 -H "Authorization: Bearer $BOBTOKEN" "${BASE}api/v1/me")
expect_status bob_tok3 200 "$st"

# ---- log out ----
st=$(req out_nocsrf -X DELETE -H "$CK" "${BASE}api/v1/session")
expect_status out_nocsrf 403 "$st"
st=$(req me_still -H "$CK" "${BASE}api/v1/me")
expect_status me_still 200 "$st"
st=$(req logout -X DELETE -H "$CK" -H "X-CSRF-Token: $CSRF" "${BASE}api/v1/session")
expect_status logout 204 "$st"
[ ! -s "$TMP/logout.body" ] || fail "logout: body '$(cat "$TMP/logout.body")'"
[ "$(header logout Set-Cookie)" = "muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" ] ||
    fail "logout: Set-Cookie is '$(header logout Set-Cookie)'"
st=$(req me_gone -H "$CK" "${BASE}api/v1/me")
expect_status me_gone 401 "$st"
# Logging out again, or without any cookie, is fine.
st=$(req logout2 -X DELETE -H "$CK" "${BASE}api/v1/session")
expect_status logout2 204 "$st"
st=$(req logout3 -X DELETE "${BASE}api/v1/session")
expect_status logout3 204 "$st"
# The other session of alice is still alive.
st=$(req me_ok2 -H "Cookie: muster_session=$(cookie_of ok2)" "${BASE}api/v1/me")
expect_status me_ok2 200 "$st"

# ---- throttling: 5 failures, then 429 even for the right password ----
for i in 1 2 3 4 5; do
    st=$(login thr$i olga "wrong-password-$i" -H "$(XF 4)")
    expect_status thr$i 401 "$st"
done
st=$(login thr6 olga 'wrong-password-6' -H "$(XF 4)")
expect_status thr6 429 "$st"
grep -q '"code":"too_many_requests","message":"too many failed logins; try again in [0-9]* minutes*"' "$TMP/thr6.body" ||
    fail "throttled: body $(cat "$TMP/thr6.body")"
st=$(login thr_right olga "$PW_OLGA" -H "$(XF 4)")
expect_status thr_right 429 "$st"
# Per account: another address does not help olga ...
st=$(login thr_acct olga "$PW_OLGA" -H "$(XF 5)")
expect_status thr_acct 429 "$st"
# ... and per address: another account from that address is held too.
st=$(login thr_addr alice "$PW_ALICE" -H "$(XF 4)")
expect_status thr_addr 429 "$st"
# Others are not affected.
st=$(login thr_other alice "$PW_ALICE" -H "$(XF 6)")
expect_status thr_other 200 "$st"
ALICE2=$(cookie_of thr_other)
ALICE2_CSRF=$(json_str thr_other csrf)

stop

# ---- without --trust-proxy the peer address counts, not X-Forwarded-For ----
start
for i in 1 2 3 4 5; do
    st=$(login p$i "nosuch$i" "wrong-password-$i" -H "X-Forwarded-For: 127.0.0.$((10 + i))")
    expect_status p$i 401 "$st"
done
st=$(login p6 rita "$PW_RITA" -H "X-Forwarded-For: 127.0.0.20")
expect_status p6 429 "$st"
stop

# ---- the log holds no secret ----
for secret in "$PW_ALICE" "$PW_OLGA" "$PW_BOB" "$PW_RITA" "$SID" "$CSRF" "$TOKEN" "$BOBTOKEN" \
    "$ALICE2" "$ALICE2_CSRF" wrong-password; do
    grep -qF -- "$secret" "$TMP/allerr" && fail "the server log contains a secret ('$secret')"
done
grep -q 'method=POST path=/api/v1/session status=429' "$TMP/allerr" || fail "no access-log line for the 429"
nlog=$(grep -c ' INFO http method=' "$TMP/allerr")
nreq=$(ls "$TMP"/*.hdr | wc -l)
[ "$nlog" -eq "$nreq" ] || fail "$nlog access-log lines for $nreq requests"

echo "$name: ok"
