#!/bin/sh
# SPDX-License-Identifier: MIT
# muster serve: the health route, the JSON error bodies for 404, 405, 413 and
# a bad query, the headers every response carries, the access log (one line
# per request, no query string), bad command lines, a database that cannot be
# opened, and a clean stop on SIGTERM and SIGINT that leaves the database
# reusable.
set -eu

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
    echo "040-serve: FAIL: $*" >&2
    if [ -s "$TMP/err" ]; then
        echo "--- server stderr:" >&2
        cat "$TMP/err" >&2
    fi
    exit 1
}

# Start the server on a kernel-chosen port; sets PID and BASE.
start() {
    : >"$TMP/out"
    : >"$TMP/err"
    "$MUSTER" --db "$TMP/x.db" serve --listen 127.0.0.1:0 --threads 2 >"$TMP/out" 2>"$TMP/err" &
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
}

# Stop with signal $1 and expect exit 0 within 10 s.
stop() {
    kill "-$1" "$PID"
    n=0
    while kill -0 "$PID" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -le 100 ] || fail "server still running 10 s after SIG$1"
        sleep 0.1
    done
    rc=0
    wait "$PID" || rc=$?
    PID=""
    [ "$rc" -eq 0 ] || fail "server exited with $rc after SIG$1, want 0"
}

# req NAME CURL-ARGS...: body in $TMP/NAME.body, headers in $TMP/NAME.hdr; prints the status.
req() {
    name=$1
    shift
    curl -sS --max-time 20 -o "$TMP/$name.body" -D "$TMP/$name.hdr" -w '%{http_code}' "$@"
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

expect_header() { # NAME HEADER WANT
    got=$(header "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: header $2 is '$got', want '$3'"
}

# Every response, success or error, carries these.
expect_common_headers() { # NAME
    expect_header "$1" X-Content-Type-Options "nosniff"
    expect_header "$1" Referrer-Policy "no-referrer"
    expect_header "$1" Content-Security-Policy \
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    expect_header "$1" Cache-Control "no-store"
    expect_header "$1" Content-Type "application/json"
    rid=$(header "$1" X-Request-Id)
    echo "$rid" | grep -Eq '^[0-9a-f]{16}$' || fail "$1: X-Request-Id '$rid' is not 16 hex digits"
}

version=$("$MUSTER" version | sed -n 's/^muster //p')
[ -n "$version" ] || fail "cannot read the version from 'muster version'"

# ---- command line ----
rc=0
"$MUSTER" --db "$TMP/x.db" serve --listen 127.0.0.1 >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "--listen without port: exit $rc, want 2"
grep -q "invalid listen address '127.0.0.1'" "$TMP/e" || fail "--listen without port: $(cat "$TMP/e")"
for bad in 127.0.0.1:65536 127.0.0.1:-1 127.0.0.1:8x :8080 example.org:80 '[::1]' 1.2.3:80; do
    rc=0
    "$MUSTER" --db "$TMP/x.db" serve --listen "$bad" >"$TMP/o" 2>"$TMP/e" || rc=$?
    [ "$rc" -eq 2 ] || fail "--listen '$bad': exit $rc, want 2"
    grep -qF "'$bad'" "$TMP/e" || fail "--listen '$bad': message does not name it: $(cat "$TMP/e")"
done
for bad in 0 257 x -1 ""; do
    rc=0
    "$MUSTER" --db "$TMP/x.db" serve --threads "$bad" >"$TMP/o" 2>"$TMP/e" || rc=$?
    [ "$rc" -eq 2 ] || fail "--threads '$bad': exit $rc, want 2"
done
rc=0
"$MUSTER" --db "$TMP/x.db" serve extra >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 2 ] || fail "stray argument: exit $rc, want 2"
[ ! -e "$TMP/x.db" ] || fail "a refused command line created the database"

# A database that cannot be opened: exit 1 naming it, nothing served.
rc=0
"$MUSTER" --db "$TMP/no/such/dir/x.db" serve --listen 127.0.0.1:0 >"$TMP/o" 2>"$TMP/e" || rc=$?
[ "$rc" -eq 1 ] || fail "unopenable database: exit $rc, want 1"
grep -q "no/such/dir/x.db" "$TMP/e" || fail "unopenable database: message: $(cat "$TMP/e")"
grep -q "listening" "$TMP/o" && fail "unopenable database: the server started anyway"

# ---- the server ----
start

st=$(req health "${BASE}api/v1/health")
expect_status health 200 "$st"
expect_body health "{\"status\":\"ok\",\"version\":\"$version\",\"db\":\"sqlite\"}"
expect_common_headers health
health_rid=$(header health X-Request-Id)

st=$(req health2 "${BASE}api/v1/health?verbose=1")
expect_status health2 200 "$st"
[ "$(header health2 X-Request-Id)" != "$health_rid" ] || fail "two requests got the same request id"

st=$(req head -I "${BASE}api/v1/health")
expect_status head 200 "$st"
# With -I curl writes the headers as its output: anything more would be a body.
cmp -s "$TMP/head.body" "$TMP/head.hdr" || fail "HEAD returned a body"
expect_header head X-Content-Type-Options "nosniff"

st=$(req notfound "${BASE}api/v1/nope?token=s3cr3t-token")
expect_status notfound 404 "$st"
expect_body notfound '{"error":{"code":"not_found","message":"no such resource '"'"'/api/v1/nope'"'"'"}}'
expect_common_headers notfound

st=$(req slash "${BASE}api/v1/health/")
expect_status slash 404 "$st"
# The root is the dashboard: without a session, a redirect to the login page.
st=$(req root "${BASE}")
expect_status root 303 "$st"
expect_header root Location "/login?next=/"

st=$(req post -X POST "${BASE}api/v1/health")
expect_status post 405 "$st"
expect_body post '{"error":{"code":"method_not_allowed","message":"method POST is not allowed on '"'"'/api/v1/health'"'"' (allowed: GET, HEAD)"}}'
expect_header post Allow "GET, HEAD"
expect_common_headers post

st=$(req delete -X DELETE "${BASE}api/v1/health")
expect_status delete 405 "$st"
expect_header delete Allow "GET, HEAD"

# 413 from Content-Length alone: refused before the body is read, even on a
# route that takes no body.
dd if=/dev/zero bs=1024 count=2048 2>/dev/null | tr '\0' 'a' >"$TMP/big"
st=$(req big -X POST -H 'Content-Type: application/json' --data-binary @"$TMP/big" "${BASE}api/v1/health")
expect_status big 413 "$st"
expect_body big '{"error":{"code":"too_large","message":"request body larger than 1048576 bytes"}}'
expect_common_headers big

# A malformed query string is bad input naming the parameter.
st=$(req badq "${BASE}api/v1/health?x=%zz&token=s3cr3t-token")
expect_status badq 400 "$st"
expect_body badq '{"error":{"code":"bad_request","message":"query parameter '"'"'x'"'"' is not valid percent-encoded UTF-8","field":"x"}}'
expect_common_headers badq

# Headers beyond the connection memory limit are refused by the server.
big_header=$(head -c 40000 /dev/zero | tr '\0' 'h')
st=$(req bighdr -H "X-Big: $big_header" "${BASE}api/v1/health")
expect_status bighdr 431 "$st"

# The server still answers after all that.
st=$(req again "${BASE}api/v1/health")
expect_status again 200 "$st"

stop TERM

# ---- the access log ----
ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
grep -Eq "^$ts INFO http method=GET path=/api/v1/health status=200 dur_ms=[0-9]+\.[0-9]{2} rid=$health_rid\$" "$TMP/err" ||
    fail "no access-log line for the health request with rid $health_rid"
for want in "method=HEAD path=/api/v1/health status=200" "method=GET path=/api/v1/nope status=404" \
    "method=POST path=/api/v1/health status=405" "method=POST path=/api/v1/health status=413" \
    "method=GET path=/api/v1/health status=400"; do
    grep -q "INFO http $want dur_ms=" "$TMP/err" || fail "no access-log line with '$want'"
done
n=$(grep -c ' INFO http method=' "$TMP/err")
[ "$n" -eq 12 ] || fail "$n access-log lines, want 12 (one per request)"
if grep -q 's3cr3t\|verbose\|?' "$TMP/err"; then
    fail "the log contains a query string"
fi
if grep -q 'hhhhhhhh\|aaaaaaaa' "$TMP/err"; then
    fail "the log contains a header value or a body"
fi
grep -q 'SIGTERM received' "$TMP/err" || fail "no shutdown line in the log"

# ---- the database after a clean stop ----
[ ! -e "$TMP/x.db-wal" ] || [ ! -s "$TMP/x.db-wal" ] || fail "a non-empty x.db-wal was left behind"
start
st=$(req reopen "${BASE}api/v1/health")
expect_status reopen 200 "$st"
stop INT
grep -q 'SIGINT received' "$TMP/err" || fail "no SIGINT shutdown line in the log"

echo "040-serve: ok"
