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
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 060-auth
m() { t_muster "$@"; }

# start [SERVE-ARGS...] / stop: the server, its log kept in $T_TMP/allerr.
start() { t_start_server --threads 2 "$@"; }
stop() {
    t_stop_server
    cat "$T_ERR" >>"$T_TMP/allerr"
}

json_str() { # NAME KEY -> the first string value of "KEY" in the body
    sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$T_TMP/$1.body" | head -n 1
}

J='Content-Type: application/json'
# login NAME USER PASSWORD [CURL-ARGS...]: prints the status.
login() {
    lname=$1 luser=$2 lpw=$3
    shift 3
    t_req "$lname" -X POST -H "$J" "$@" \
        --data-binary "{\"username\":\"$luser\",\"password\":\"$lpw\"}" "$T_BASE/api/v1/session"
}
cookie_of() { # NAME -> the session id set by that response
    t_header "$1" Set-Cookie | sed -n 's/^muster_session=\([^;]*\);.*/\1/p'
}

PW_ALICE=$(t_password alice)
PW_OLGA=$(t_password olga)
PW_BOB=$(t_password bob)
PW_RITA=$(t_password rita)
t_user alice admin
t_user olga officer
t_user bob viewer
t_user rita reporter north east

start --trust-proxy
# Each section signs in from its own client address (X-Forwarded-For is
# trusted here), so the per-address throttle of one does not touch another.
XF() { echo "X-Forwarded-For: 198.51.100.99, 127.0.0.$1"; }

# ---- sign in ----
st=$(login ok alice "$PW_ALICE" -H "$(XF 1)")
t_expect_status ok 200 "$st"
CSRF=$(json_str ok csrf)
echo "$CSRF" | grep -Eq '^[A-Za-z0-9_-]{43}$' || t_fail "login: csrf '$CSRF' is not 43 base64url characters"
t_expect_body ok "{\"user\":{\"name\":\"alice\",\"role\":\"admin\",\"units\":[],\"lang\":\"zh\"},\"csrf\":\"$CSRF\"}"
SID=$(cookie_of ok)
echo "$SID" | grep -Eq '^[A-Za-z0-9_-]{43}$' || t_fail "login: cookie value '$SID' is not 43 base64url characters"
[ "$(t_header ok Set-Cookie)" = "muster_session=$SID; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800" ] ||
    t_fail "login: Set-Cookie is '$(t_header ok Set-Cookie)'"
[ "$(grep -ci '^Set-Cookie:' "$T_TMP/ok.hdr")" -eq 1 ] || t_fail "login: more than one Set-Cookie"
CK="Cookie: muster_session=$SID"

# A second sign-in gets a new session id.
st=$(login ok2 alice "$PW_ALICE" -H "$(XF 1)")
t_expect_status ok2 200 "$st"
[ "$(cookie_of ok2)" != "$SID" ] || t_fail "a second login reused the session id"

st=$(login rita rita "$PW_RITA" -H "$(XF 1)")
t_expect_status rita 200 "$st"
t_expect_body rita "{\"user\":{\"name\":\"rita\",\"role\":\"reporter\",\"units\":[\"east\",\"north\"],\"lang\":\"zh\"},\"csrf\":\"$(json_str rita csrf)\"}"

st=$(login wrong alice 'not-the-password' -H "$(XF 2)")
t_expect_status wrong 401 "$st"
t_expect_body wrong '{"error":{"code":"unauthorized","message":"wrong user name or password"}}'
grep -qi '^Set-Cookie:' "$T_TMP/wrong.hdr" && t_fail "a failed login set a cookie"
st=$(login nouser nobody 'whatever-password' -H "$(XF 2)")
t_expect_status nouser 401 "$st"
t_expect_body nouser '{"error":{"code":"unauthorized","message":"wrong user name or password"}}'

st=$(t_req nofield -X POST -H "$J" -H "$(XF 2)" --data-binary '{"username":"alice"}' "$T_BASE/api/v1/session")
t_expect_status nofield 400 "$st"
t_expect_body nofield '{"error":{"code":"bad_request","message":"missing '"'"'password'"'"'","field":"password"}}'
st=$(t_req nouname -X POST -H "$J" -H "$(XF 2)" --data-binary '{"password":"x"}' "$T_BASE/api/v1/session")
t_expect_status nouname 400 "$st"
t_expect_body nouname '{"error":{"code":"bad_request","message":"missing '"'"'username'"'"'","field":"username"}}'
st=$(t_req numname -X POST -H "$J" -H "$(XF 2)" --data-binary '{"username":5,"password":"x"}' "$T_BASE/api/v1/session")
t_expect_status numname 400 "$st"
st=$(t_req formlogin -X POST -H "$(XF 2)" --data "username=alice&password=$PW_ALICE" "$T_BASE/api/v1/session")
t_expect_status formlogin 415 "$st"

# ---- who am I ----
st=$(t_req me -H "$CK" "$T_BASE/api/v1/me")
t_expect_status me 200 "$st"
t_expect_body me "{\"name\":\"alice\",\"role\":\"admin\",\"units\":[],\"lang\":\"zh\",\"via\":\"session\",\"csrf\":\"$CSRF\"}"
st=$(t_req nocred "$T_BASE/api/v1/me")
t_expect_status nocred 401 "$st"
t_expect_body nocred '{"error":{"code":"unauthorized","message":"authentication required: sign in or send an API token"}}'
[ "$(t_header nocred WWW-Authenticate)" = 'Bearer realm="muster"' ] || t_fail "401 without WWW-Authenticate"
st=$(t_req badsid -H "Cookie: muster_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$T_BASE/api/v1/me")
t_expect_status badsid 401 "$st"
t_expect_body badsid '{"error":{"code":"unauthorized","message":"the session has ended or is not valid; sign in again"}}'

# ---- CSRF for cookie requests ----
LANG_EN='{"lang":"en"}'
st=$(t_req csrf_missing -X PUT -H "$CK" -H "$J" --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status csrf_missing 403 "$st"
t_expect_body csrf_missing '{"error":{"code":"forbidden","message":"csrf token missing or wrong","field":"X-CSRF-Token"}}'
st=$(t_req csrf_wrong -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $(json_str ok2 csrf)" \
    --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status csrf_wrong 403 "$st"
t_expect_body csrf_wrong '{"error":{"code":"forbidden","message":"csrf token missing or wrong","field":"X-CSRF-Token"}}'
st=$(t_req csrf_empty -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token;" --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status csrf_empty 403 "$st"
st=$(t_req me_after -H "$CK" "$T_BASE/api/v1/me")
grep -q '"lang":"zh"' "$T_TMP/me_after.body" || t_fail "a refused request changed the language"
st=$(t_req csrf_ok -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status csrf_ok 200 "$st"
t_expect_body csrf_ok '{"lang":"en"}'
st=$(t_req me_en -H "$CK" "$T_BASE/api/v1/me")
grep -q '"lang":"en"' "$T_TMP/me_en.body" || t_fail "the language was not stored: $(cat "$T_TMP/me_en.body")"
st=$(t_req badlang -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" --data-binary '{"lang":"fr"}' "$T_BASE/api/v1/me/lang")
t_expect_status badlang 400 "$st"
t_expect_body badlang '{"error":{"code":"bad_request","message":"'"'"'lang'"'"' must be \"zh\" or \"en\"","field":"lang"}}'

# Same origin passes, another origin is refused even with the right token.
st=$(t_req origin_ok -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: $T_BASE" \
    --data-binary '{"lang":"zh"}' "$T_BASE/api/v1/me/lang")
t_expect_status origin_ok 200 "$st"
st=$(t_req origin_bad -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: http://evil.example" \
    --data-binary '{"lang":"zh"}' "$T_BASE/api/v1/me/lang")
t_expect_status origin_bad 403 "$st"
t_expect_body origin_bad '{"error":{"code":"forbidden","message":"cross-origin request refused: the Origin header does not name this server","field":"Origin"}}'
st=$(t_req origin_null -X PUT -H "$CK" -H "$J" -H "X-CSRF-Token: $CSRF" -H "Origin: null" \
    --data-binary '{"lang":"zh"}' "$T_BASE/api/v1/me/lang")
t_expect_status origin_null 403 "$st"

# HTML form posts carry the token in the form field "csrf".
st=$(t_req form_missing -X POST -H "$CK" --data 'x=1' "$T_BASE/api/v1/users/bob/disable")
t_expect_status form_missing 403 "$st"
st=$(t_req form_wrong -X POST -H "$CK" --data "csrf=$(json_str ok2 csrf)" "$T_BASE/api/v1/users/bob/disable")
t_expect_status form_wrong 403 "$st"
st=$(t_req form_twice -X POST -H "$CK" --data "csrf=$CSRF&csrf=$CSRF" "$T_BASE/api/v1/users/bob/disable")
t_expect_status form_twice 403 "$st"
# The field only counts in a form body.
st=$(t_req form_json -X POST -H "$CK" -H "$J" --data "csrf=$CSRF" "$T_BASE/api/v1/users/bob/enable")
t_expect_status form_json 403 "$st"

# ---- API tokens: no CSRF, revocable ----
TOKEN=$(m token create --user olga 2>/dev/null)
echo "$TOKEN" | grep -Eq '^mst_[A-Za-z0-9_-]{43}$' || t_fail "token create printed '$TOKEN'"
TK="Authorization: Bearer $TOKEN"
st=$(t_req tok_me -H "$TK" "$T_BASE/api/v1/me")
t_expect_status tok_me 200 "$st"
t_expect_body tok_me '{"name":"olga","role":"officer","units":[],"lang":"zh","via":"token"}'
st=$(t_req tok_put -X PUT -H "$TK" -H "$J" --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status tok_put 200 "$st"
st=$(t_req tok_origin -X PUT -H "$TK" -H "$J" -H "Origin: http://evil.example" --data-binary "$LANG_EN" "$T_BASE/api/v1/me/lang")
t_expect_status tok_origin 200 "$st"
st=$(t_req tok_basic -H "Authorization: Basic b2xnYTp4" "$T_BASE/api/v1/me")
t_expect_status tok_basic 401 "$st"
t_expect_body tok_basic '{"error":{"code":"unauthorized","message":"the Authorization header must be '"'"'Bearer <token>'"'"'"}}'
# A bad token is not rescued by a good cookie.
st=$(t_req tok_bad -H "Authorization: Bearer mst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" -H "$CK" "$T_BASE/api/v1/me")
t_expect_status tok_bad 401 "$st"
t_expect_body tok_bad '{"error":{"code":"unauthorized","message":"the API token is not valid (unknown, expired or revoked, or its user is disabled)"}}'
TID=$(m token list --user olga | awk 'NR == 2 { print $1 }')
m token revoke "$TID" >/dev/null 2>&1 || t_fail "token revoke $TID failed"
st=$(t_req tok_revoked -H "$TK" "$T_BASE/api/v1/me")
t_expect_status tok_revoked 401 "$st"

# ---- a disabled user: session, token and login refused ----
st=$(login bob bob "$PW_BOB" -H "$(XF 3)")
t_expect_status bob 200 "$st"
BOBCK="Cookie: muster_session=$(cookie_of bob)"
BOBTOKEN=$(m token create --user bob 2>/dev/null)
st=$(t_req bob_me -H "$BOBCK" "$T_BASE/api/v1/me")
t_expect_status bob_me 200 "$st"
st=$(t_req bob_tok -H "Authorization: Bearer $BOBTOKEN" "$T_BASE/api/v1/me")
t_expect_status bob_tok 200 "$st"
st=$(t_req disable -X POST -H "$CK" --data "csrf=$CSRF" "$T_BASE/api/v1/users/bob/disable")
t_expect_status disable 200 "$st"
grep -q '"disabled":true' "$T_TMP/disable.body" || t_fail "disable: $(cat "$T_TMP/disable.body")"
st=$(t_req bob_me2 -H "$BOBCK" "$T_BASE/api/v1/me")
t_expect_status bob_me2 401 "$st"
st=$(t_req bob_tok2 -H "Authorization: Bearer $BOBTOKEN" "$T_BASE/api/v1/me")
t_expect_status bob_tok2 401 "$st"
st=$(login bob_login bob "$PW_BOB" -H "$(XF 3)")
t_expect_status bob_login 401 "$st"
t_expect_body bob_login '{"error":{"code":"unauthorized","message":"user '"'"'bob'"'"' is disabled"}}'
st=$(t_req enable -X POST -H "$CK" -H "X-CSRF-Token: $CSRF" "$T_BASE/api/v1/users/bob/enable")
t_expect_status enable 200 "$st"
st=$(t_req bob_tok3 -H "Authorization: Bearer $BOBTOKEN" "$T_BASE/api/v1/me")
t_expect_status bob_tok3 200 "$st"

# ---- log out ----
st=$(t_req out_nocsrf -X DELETE -H "$CK" "$T_BASE/api/v1/session")
t_expect_status out_nocsrf 403 "$st"
st=$(t_req me_still -H "$CK" "$T_BASE/api/v1/me")
t_expect_status me_still 200 "$st"
st=$(t_req logout -X DELETE -H "$CK" -H "X-CSRF-Token: $CSRF" "$T_BASE/api/v1/session")
t_expect_status logout 204 "$st"
[ ! -s "$T_TMP/logout.body" ] || t_fail "logout: body '$(cat "$T_TMP/logout.body")'"
[ "$(t_header logout Set-Cookie)" = "muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" ] ||
    t_fail "logout: Set-Cookie is '$(t_header logout Set-Cookie)'"
st=$(t_req me_gone -H "$CK" "$T_BASE/api/v1/me")
t_expect_status me_gone 401 "$st"
# Logging out again, or without any cookie, is fine.
st=$(t_req logout2 -X DELETE -H "$CK" "$T_BASE/api/v1/session")
t_expect_status logout2 204 "$st"
st=$(t_req logout3 -X DELETE "$T_BASE/api/v1/session")
t_expect_status logout3 204 "$st"
# The other session of alice is still alive.
st=$(t_req me_ok2 -H "Cookie: muster_session=$(cookie_of ok2)" "$T_BASE/api/v1/me")
t_expect_status me_ok2 200 "$st"

# ---- throttling: 5 failures, then 429 even for the right password ----
for i in 1 2 3 4 5; do
    st=$(login thr$i olga "wrong-password-$i" -H "$(XF 4)")
    t_expect_status thr$i 401 "$st"
done
st=$(login thr6 olga 'wrong-password-6' -H "$(XF 4)")
t_expect_status thr6 429 "$st"
grep -q '"code":"too_many_requests","message":"too many failed logins; try again in [0-9]* minutes*"' "$T_TMP/thr6.body" ||
    t_fail "throttled: body $(cat "$T_TMP/thr6.body")"
st=$(login thr_right olga "$PW_OLGA" -H "$(XF 4)")
t_expect_status thr_right 429 "$st"
# Per account: another address does not help olga ...
st=$(login thr_acct olga "$PW_OLGA" -H "$(XF 5)")
t_expect_status thr_acct 429 "$st"
# ... and per address: another account from that address is held too.
st=$(login thr_addr alice "$PW_ALICE" -H "$(XF 4)")
t_expect_status thr_addr 429 "$st"
# Others are not affected.
st=$(login thr_other alice "$PW_ALICE" -H "$(XF 6)")
t_expect_status thr_other 200 "$st"
ALICE2=$(cookie_of thr_other)
ALICE2_CSRF=$(json_str thr_other csrf)

stop

# ---- without --trust-proxy the peer address counts, not X-Forwarded-For ----
start
for i in 1 2 3 4 5; do
    st=$(login p$i "nosuch$i" "wrong-password-$i" -H "X-Forwarded-For: 127.0.0.$((10 + i))")
    t_expect_status p$i 401 "$st"
done
st=$(login p6 rita "$PW_RITA" -H "X-Forwarded-For: 127.0.0.20")
t_expect_status p6 429 "$st"
stop

# ---- the log holds no secret ----
for secret in "$PW_ALICE" "$PW_OLGA" "$PW_BOB" "$PW_RITA" "$SID" "$CSRF" "$TOKEN" "$BOBTOKEN" \
    "$ALICE2" "$ALICE2_CSRF" wrong-password; do
    grep -qF -- "$secret" "$T_TMP/allerr" && t_fail "the server log contains a secret ('$secret')"
done
grep -q 'method=POST path=/api/v1/session status=429' "$T_TMP/allerr" || t_fail "no access-log line for the 429"
nlog=$(grep -c ' INFO http method=' "$T_TMP/allerr")
nreq=$(ls "$T_TMP"/*.hdr | wc -l)
[ "$nlog" -eq "$nreq" ] || t_fail "$nlog access-log lines for $nreq requests"

t_done
