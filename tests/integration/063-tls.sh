#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve --tls-cert FILE --tls-key FILE: HTTPS with a self-signed
# certificate made here (curl --cacert trusts it), the https:// start line,
# the session cookie with Secure, plain HTTP refused on the TLS port; and
# the command line: one of the two options alone (exit 2), a file that
# cannot be read (exit 1 naming it), a key that is not a key (exit 1).
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 063-tls

command -v openssl >/dev/null 2>&1 || t_fail "openssl is not installed (tools/deps.sh installs it)"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >/dev/null 2>&1 || t_fail "openssl could not make a certificate"

m() { t_muster "$@"; }
t_user tina viewer

# ---- the command line ----
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || t_fail "--tls-cert alone: exit $rc, want 2"
grep -q -- "--tls-cert and --tls-key go together" "$T_TMP/e" || t_fail "--tls-cert alone: $(cat "$T_TMP/e")"
rc=0
m serve --listen 127.0.0.1:0 --tls-key "$T_TMP/key.pem" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || t_fail "--tls-key alone: exit $rc, want 2"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/nosuch.pem" --tls-key "$T_TMP/key.pem" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 1 ] || t_fail "missing certificate: exit $rc, want 1"
[ "$(cat "$T_TMP/e")" = "muster: cannot read TLS certificate '$T_TMP/nosuch.pem': No such file or directory" ] ||
    t_fail "missing certificate: $(cat "$T_TMP/e")"
grep -q listening "$T_TMP/o" && t_fail "missing certificate: the server started anyway"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 1 ] || t_fail "directory as key: exit $rc, want 1"
grep -qF "cannot read TLS key '$T_TMP'" "$T_TMP/e" || t_fail "directory as key: $(cat "$T_TMP/e")"
printf 'not a key\n' >"$T_TMP/bad.pem"
rc=0
m serve --listen 127.0.0.1:0 --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/bad.pem" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 1 ] || t_fail "bad key: exit $rc, want 1"
grep -q "cannot serve HTTPS" "$T_TMP/e" || t_fail "bad key: $(cat "$T_TMP/e")"
grep -q listening "$T_TMP/o" && t_fail "bad key: the server started anyway"

# ---- HTTPS ----
t_start_server --threads 2 --tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem"
case "$T_BASE" in https://*) ;; *) t_fail "unexpected start line: $(cat "$T_OUT")" ;; esac

c() { curl -sS --max-time 20 --cacert "$T_TMP/cert.pem" "$@"; }
st=$(c -o "$T_TMP/health" -w '%{http_code}' "$T_BASE/api/v1/health")
[ "$st" = 200 ] || t_fail "health over HTTPS: $st"
grep -q '^{"status":"ok",' "$T_TMP/health" || t_fail "health over HTTPS: $(cat "$T_TMP/health")"

# Without the certificate curl does not trust the server.
rc=0
curl -sS --max-time 20 -o /dev/null "$T_BASE/api/v1/health" 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || t_fail "curl trusted the self-signed certificate without --cacert"

# Plain HTTP on the TLS port gets no answer from muster.
plain=$(echo "$T_BASE" | sed 's|^https:|http:|')
st=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$plain/api/v1/health" 2>/dev/null || true)
[ "$st" != 200 ] || t_fail "plain HTTP was answered 200 on the TLS port"

# The session cookie is Secure.
st=$(c -o "$T_TMP/login" -D "$T_TMP/login.hdr" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"tina\",\"password\":\"$(t_password tina)\"}" "$T_BASE/api/v1/session")
[ "$st" = 200 ] || t_fail "login over HTTPS: $st $(cat "$T_TMP/login")"
ck=$(grep -i '^Set-Cookie:' "$T_TMP/login.hdr" | tr -d '\r' | sed 's/^[^:]*: *//')
echo "$ck" | grep -Eq '^muster_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=604800; Secure$' ||
    t_fail "cookie over HTTPS: '$ck'"
sid=$(echo "$ck" | sed 's/^muster_session=\([^;]*\);.*/\1/')
st=$(c -o "$T_TMP/me" -w '%{http_code}' -H "Cookie: muster_session=$sid" "$T_BASE/api/v1/me")
[ "$st" = 200 ] || t_fail "me over HTTPS: $st"
csrf=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$T_TMP/login")
st=$(c -o "$T_TMP/out2" -D "$T_TMP/out2.hdr" -w '%{http_code}' -X DELETE -H "Cookie: muster_session=$sid" \
    -H "X-CSRF-Token: $csrf" -H "Origin: $T_BASE" "$T_BASE/api/v1/session")
[ "$st" = 204 ] || t_fail "logout over HTTPS: $st $(cat "$T_TMP/out2")"
grep -qi '^Set-Cookie: muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure' "$T_TMP/out2.hdr" ||
    t_fail "logout cookie over HTTPS: $(grep -i '^Set-Cookie' "$T_TMP/out2.hdr")"

t_stop_server
t_done
