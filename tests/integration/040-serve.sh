#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve: the health route, the JSON error bodies for 404, 405, 413 and
# a bad query, the headers every response carries, the access log (one line
# per request, no query string), bad command lines, a database that cannot be
# opened, and a clean stop on SIGTERM and SIGINT that leaves the database
# reusable.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 040-serve
T_DB="$T_TMP/x.db"

# Every response, success or error, carries these.
expect_common_headers() { # NAME
    t_expect_header "$1" X-Content-Type-Options "nosniff"
    t_expect_header "$1" Referrer-Policy "same-origin"
    t_expect_header "$1" Content-Security-Policy \
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    t_expect_header "$1" Cache-Control "no-store"
    t_expect_header "$1" Content-Type "application/json"
    rid=$(t_header "$1" X-Request-Id)
    echo "$rid" | grep -Eq '^[0-9a-f]{16}$' || t_fail "$1: X-Request-Id '$rid' is not 16 hex digits"
}

version=$("$MUSTER" version | sed -n 's/^muster //p')
[ -n "$version" ] || t_fail "cannot read the version from 'muster version'"

# ---- command line ----
rc=0
"$MUSTER" --db "$T_TMP/x.db" serve --listen 127.0.0.1 >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || t_fail "--listen without port: exit $rc, want 2"
grep -q "invalid listen address '127.0.0.1'" "$T_TMP/e" || t_fail "--listen without port: $(cat "$T_TMP/e")"
for bad in 127.0.0.1:65536 127.0.0.1:-1 127.0.0.1:8x :8080 example.org:80 '[::1]' 1.2.3:80; do
    rc=0
    "$MUSTER" --db "$T_TMP/x.db" serve --listen "$bad" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
    [ "$rc" -eq 2 ] || t_fail "--listen '$bad': exit $rc, want 2"
    grep -qF "'$bad'" "$T_TMP/e" || t_fail "--listen '$bad': message does not name it: $(cat "$T_TMP/e")"
done
for bad in 0 257 x -1 ""; do
    rc=0
    "$MUSTER" --db "$T_TMP/x.db" serve --threads "$bad" >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
    [ "$rc" -eq 2 ] || t_fail "--threads '$bad': exit $rc, want 2"
done
rc=0
"$MUSTER" --db "$T_TMP/x.db" serve extra >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 2 ] || t_fail "stray argument: exit $rc, want 2"
[ ! -e "$T_TMP/x.db" ] || t_fail "a refused command line created the database"

# A database that cannot be opened: exit 1 naming it, nothing served.
rc=0
"$MUSTER" --db "$T_TMP/no/such/dir/x.db" serve --listen 127.0.0.1:0 >"$T_TMP/o" 2>"$T_TMP/e" || rc=$?
[ "$rc" -eq 1 ] || t_fail "unopenable database: exit $rc, want 1"
grep -q "no/such/dir/x.db" "$T_TMP/e" || t_fail "unopenable database: message: $(cat "$T_TMP/e")"
grep -q "listening" "$T_TMP/o" && t_fail "unopenable database: the server started anyway"

# ---- the server ----
t_start_server --threads 2

st=$(t_req health "$T_BASE/api/v1/health")
t_expect_status health 200 "$st"
t_expect_body health "{\"status\":\"ok\",\"version\":\"$version\",\"db\":\"sqlite\"}"
expect_common_headers health
health_rid=$(t_header health X-Request-Id)

st=$(t_req health2 "$T_BASE/api/v1/health?verbose=1")
t_expect_status health2 200 "$st"
[ "$(t_header health2 X-Request-Id)" != "$health_rid" ] || t_fail "two requests got the same request id"

st=$(t_req head -I "$T_BASE/api/v1/health")
t_expect_status head 200 "$st"
# With -I curl writes the headers as its output: anything more would be a body.
cmp -s "$T_TMP/head.body" "$T_TMP/head.hdr" || t_fail "HEAD returned a body"
t_expect_header head X-Content-Type-Options "nosniff"

st=$(t_req notfound "$T_BASE/api/v1/nope?token=s3cr3t-token")
t_expect_status notfound 404 "$st"
t_expect_body notfound '{"error":{"code":"not_found","message":"no such resource '"'"'/api/v1/nope'"'"'"}}'
expect_common_headers notfound

st=$(t_req slash "$T_BASE/api/v1/health/")
t_expect_status slash 404 "$st"
# The root is the dashboard: without a session, a redirect to the login page.
st=$(t_req root "$T_BASE/")
t_expect_status root 303 "$st"
t_expect_header root Location "/login?next=/"

st=$(t_req post -X POST "$T_BASE/api/v1/health")
t_expect_status post 405 "$st"
t_expect_body post '{"error":{"code":"method_not_allowed","message":"method POST is not allowed on '"'"'/api/v1/health'"'"' (allowed: GET, HEAD)"}}'
t_expect_header post Allow "GET, HEAD"
expect_common_headers post

st=$(t_req delete -X DELETE "$T_BASE/api/v1/health")
t_expect_status delete 405 "$st"
t_expect_header delete Allow "GET, HEAD"

# 413 from Content-Length alone: refused before the body is read, even on a
# route that takes no body.
dd if=/dev/zero bs=1024 count=2048 2>/dev/null | tr '\0' 'a' >"$T_TMP/big"
st=$(t_req big -X POST -H 'Content-Type: application/json' --data-binary @"$T_TMP/big" "$T_BASE/api/v1/health")
t_expect_status big 413 "$st"
t_expect_body big '{"error":{"code":"too_large","message":"request body larger than 1048576 bytes"}}'
expect_common_headers big

# A malformed query string is bad input naming the parameter.
st=$(t_req badq "$T_BASE/api/v1/health?x=%zz&token=s3cr3t-token")
t_expect_status badq 400 "$st"
t_expect_body badq '{"error":{"code":"bad_request","message":"query parameter '"'"'x'"'"' is not valid percent-encoded UTF-8","field":"x"}}'
expect_common_headers badq

# Headers beyond the connection memory limit are refused by the server.
big_header=$(head -c 40000 /dev/zero | tr '\0' 'h')
st=$(t_req bighdr -H "X-Big: $big_header" "$T_BASE/api/v1/health")
t_expect_status bighdr 431 "$st"

# The server still answers after all that.
st=$(t_req again "$T_BASE/api/v1/health")
t_expect_status again 200 "$st"

t_stop_server TERM

# ---- the access log ----
ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
grep -Eq "^$ts INFO http method=GET path=/api/v1/health status=200 dur_ms=[0-9]+\.[0-9]{2} rid=$health_rid\$" "$T_ERR" ||
    t_fail "no access-log line for the health request with rid $health_rid"
for want in "method=HEAD path=/api/v1/health status=200" "method=GET path=/api/v1/nope status=404" \
    "method=POST path=/api/v1/health status=405" "method=POST path=/api/v1/health status=413" \
    "method=GET path=/api/v1/health status=400"; do
    grep -q "INFO http $want dur_ms=" "$T_ERR" || t_fail "no access-log line with '$want'"
done
n=$(grep -c ' INFO http method=' "$T_ERR")
[ "$n" -eq 12 ] || t_fail "$n access-log lines, want 12 (one per request)"
if grep -q 's3cr3t\|verbose\|?' "$T_ERR"; then
    t_fail "the log contains a query string"
fi
if grep -q 'hhhhhhhh\|aaaaaaaa' "$T_ERR"; then
    t_fail "the log contains a header value or a body"
fi
grep -q 'SIGTERM received' "$T_ERR" || t_fail "no shutdown line in the log"

# ---- the database after a clean stop ----
[ ! -e "$T_TMP/x.db-wal" ] || [ ! -s "$T_TMP/x.db-wal" ] || t_fail "a non-empty x.db-wal was left behind"
t_start_server --threads 2
st=$(t_req reopen "$T_BASE/api/v1/health")
t_expect_status reopen 200 "$st"
t_stop_server INT
grep -q 'SIGINT received' "$T_ERR" || t_fail "no SIGINT shutdown line in the log"

t_done
