#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve --tls-cert FILE --tls-key FILE: HTTPS with a self-signed
# certificate made here (curl --cacert trusts it), the https:// start line,
# the session cookie with Secure, plain HTTP refused on the TLS port; and
# the command line: one of the two options alone (exit 2), a file that
# cannot be read (exit 1 naming it), a key that is not a key (exit 1).
set -eu
name=063-tls
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
    [ ! -s "$TMP/err" ] || { echo "--- server stderr:" >&2; tail -n 20 "$TMP/err" >&2; }
    exit 1
}

command -v openssl >/dev/null 2>&1 || fail "openssl is not installed (tools/deps.sh installs it)"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"

DB="$TMP/t.db"
m() { MUSTER_ACTOR=tester "$MUSTER" --db "$DB" "$@"; }
printf 'tls-Secret-001\n' | m user add tina --role viewer --password-stdin >/dev/null

# ---- the command line ----
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$TMP/cert.pem" >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--tls-cert alone: exit $rc, want 2"
grep -q -- "--tls-cert and --tls-key go together" "$TMP/e" || fail "--tls-cert alone: $(cat "$TMP/e")"
rc=0
m serve --listen 127.0.0.1:0 --tls-key "$TMP/key.pem" >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--tls-key alone: exit $rc, want 2"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$TMP/nosuch.pem" --tls-key "$TMP/key.pem" >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || fail "missing certificate: exit $rc, want 1"
[ "$(cat "$TMP/e")" = "muster: cannot read TLS certificate '$TMP/nosuch.pem': No such file or directory" ] ||
    fail "missing certificate: $(cat "$TMP/e")"
grep -q listening "$TMP/o" && fail "missing certificate: the server started anyway"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$TMP/cert.pem" --tls-key "$TMP" >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || fail "directory as key: exit $rc, want 1"
grep -qF "cannot read TLS key '$TMP'" "$TMP/e" || fail "directory as key: $(cat "$TMP/e")"
printf 'not a key\n' >"$TMP/bad.pem"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$TMP/cert.pem" --tls-key "$TMP/bad.pem" >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || fail "bad key: exit $rc, want 1"
grep -q "cannot serve HTTPS" "$TMP/e" || fail "bad key: $(cat "$TMP/e")"
grep -q listening "$TMP/o" && fail "bad key: the server started anyway"

# ---- HTTPS ----
"$MUSTER" --db "$DB" serve --listen 127.0.0.1:0 --threads 2 --tls-cert "$TMP/cert.pem" \
    --tls-key "$TMP/key.pem" >"$TMP/out" 2>"$TMP/err" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not print its URL within 30 s"
    kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start"; }
    sleep 0.1
done
BASE=$(sed -n 's|^muster: listening on \(https://127\.0\.0\.1:[1-9][0-9]*/\)$|\1|p' "$TMP/out")
[ -n "$BASE" ] || fail "unexpected start line: $(cat "$TMP/out")"

c() { curl -sS --max-time 20 --cacert "$TMP/cert.pem" "$@"; }
st=$(c -o "$TMP/health" -w '%{http_code}' "${BASE}api/v1/health")
[ "$st" = 200 ] || fail "health over HTTPS: $st"
grep -q '^{"status":"ok",' "$TMP/health" || fail "health over HTTPS: $(cat "$TMP/health")"

# Without the certificate curl does not trust the server.
rc=0
curl -sS --max-time 20 -o /dev/null "${BASE}api/v1/health" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "curl trusted the self-signed certificate without --cacert"

# Plain HTTP on the TLS port gets no answer from muster.
plain=$(echo "$BASE" | sed 's|^https:|http:|')
st=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "${plain}api/v1/health" 2>/dev/null || true)
[ "$st" != 200 ] || fail "plain HTTP was answered 200 on the TLS port"

# The session cookie is Secure.
st=$(c -o "$TMP/login" -D "$TMP/login.hdr" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{"username":"tina","password":"tls-Secret-001"}' "${BASE}api/v1/session")
[ "$st" = 200 ] || fail "login over HTTPS: $st $(cat "$TMP/login")"
ck=$(grep -i '^Set-Cookie:' "$TMP/login.hdr" | tr -d '\r' | sed 's/^[^:]*: *//')
echo "$ck" | grep -Eq '^muster_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800; Secure$' ||
    fail "cookie over HTTPS: '$ck'"
sid=$(echo "$ck" | sed 's/^muster_session=\([^;]*\);.*/\1/')
st=$(c -o "$TMP/me" -w '%{http_code}' -H "Cookie: muster_session=$sid" "${BASE}api/v1/me")
[ "$st" = 200 ] || fail "me over HTTPS: $st"
csrf=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$TMP/login")
st=$(c -o "$TMP/out2" -D "$TMP/out2.hdr" -w '%{http_code}' -X DELETE -H "Cookie: muster_session=$sid" \
    -H "X-CSRF-Token: $csrf" -H "Origin: ${BASE%/}" "${BASE}api/v1/session")
[ "$st" = 204 ] || fail "logout over HTTPS: $st $(cat "$TMP/out2")"
grep -qi '^Set-Cookie: muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure' "$TMP/out2.hdr" ||
    fail "logout cookie over HTTPS: $(grep -i '^Set-Cookie' "$TMP/out2.hdr")"

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
echo "$name: ok"
