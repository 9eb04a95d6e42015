# SPDX-License-Identifier: MIT
# The shared harness of the integration tests, sourced (not run: ctest runs
# only tests/integration/[0-9]*.sh) as
#
#   . "$MUSTER_SRCDIR/tests/integration/lib.sh"
#   t_init 040-serve
#
# It gives each test a temporary directory removed at exit, failure
# reporting (fatal or counted), a muster server on a kernel-chosen port that
# is killed at exit, curl requests whose body and headers are kept in files,
# accounts and sign-in, exact checks of a command's status and output, and a
# PostgreSQL schema of its own dropped at exit. Every function and variable
# it defines starts with t_ or T_; its helpers use _t_ names for their
# scratch variables, since POSIX sh has no local variables.
#
# Variables (set by t_init unless said otherwise; a test may change T_DB,
# T_ACTOR, T_IN, T_CHECK_SED and T_FAIL_FILES):
#   T_NAME        the test's name, the prefix of every message
#   T_TMP         the temporary directory
#   T_DB          the database for t_muster and t_start_server ($T_TMP/t.db)
#   T_ACTOR       MUSTER_ACTOR of t_muster ("tester")
#   T_OUT, T_ERR  the running server's stdout and stderr (files in T_TMP)
#   T_PID         the server's process id while it runs, else empty
#   T_BASE        set by t_start_server: "http://127.0.0.1:PORT" (no slash)
#   T_PORT        set by t_start_server: the port
#   T_BG          process ids the test started in the background, killed at exit
#   T_FAIL_FILES  files whose content t_fail and t_error print as well
#   T_IN          standard input of t_check (/dev/null)
#   T_ENGINE      1: t_start_server runs the timer engine (default: --no-engine)
#   T_CHECK_SED   a sed script t_check applies to stdout and stderr before
#                 comparing (empty: compared as they are)
#   T_JAR, T_SID, T_CSRF   set by t_login

# t_init NAME: start the test NAME: the temporary directory, the exit trap
# (server and background processes killed, schema dropped, directory
# removed) and the defaults above.
t_init() {
    : "${MUSTER:?MUSTER must name the muster binary}"
    : "${MUSTER_SRCDIR:?MUSTER_SRCDIR must name the source directory}"
    T_NAME=$1
    T_TMP=$(mktemp -d)
    T_DB="$T_TMP/t.db"
    T_ACTOR=tester
    T_OUT="$T_TMP/server.out"
    T_ERR="$T_TMP/server.err"
    T_PID=""
    T_BG=""
    T_SCHEMA=""
    T_FAILS=0
    T_FAIL_FILES=""
    T_IN=/dev/null
    T_CHECK_SED=""
    trap t_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

# t_cleanup: the exit trap (see t_init); not called by tests.
t_cleanup() {
    for _t_p in $T_BG $T_PID; do
        kill -KILL "$_t_p" 2>/dev/null || true
        wait "$_t_p" 2>/dev/null || true
    done
    if [ -n "$T_SCHEMA" ]; then
        psql -q "$MUSTER_TEST_PG_DSN" -c "DROP SCHEMA IF EXISTS $T_SCHEMA CASCADE" \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$T_TMP"
}

# _t_report MSG: print MSG as a failure of the test, with the last lines of
# the server's stderr and the files of T_FAIL_FILES.
_t_report() {
    echo "$T_NAME: FAIL: $*" >&2
    if [ -s "$T_ERR" ]; then
        echo "--- server stderr (last lines):" >&2
        tail -n 30 "$T_ERR" >&2
    fi
    for _t_f in $T_FAIL_FILES; do
        [ -f "$_t_f" ] && { echo "--- $_t_f:" >&2; cat "$_t_f" >&2; }
    done
    return 0
}

# t_fail MSG: report MSG and end the test with status 1 (inside $(...) it
# ends only that subshell).
t_fail() {
    _t_report "$@"
    exit 1
}

# t_error MSG: report MSG, count it and carry on; t_done then fails.
t_error() {
    _t_report "$@"
    T_FAILS=$((T_FAILS + 1))
}

# t_done [DETAIL]: end the test: status 1 and the count when t_error was
# called, else "NAME: ok" (and " DETAIL") and status 0.
t_done() {
    if [ "$T_FAILS" -ne 0 ]; then
        echo "$T_NAME: $T_FAILS failure(s)" >&2
        exit 1
    fi
    echo "$T_NAME: ok${1:+ $1}"
    exit 0
}

# t_muster ARGS...: run muster on T_DB as T_ACTOR.
t_muster() {
    MUSTER_ACTOR=$T_ACTOR "$MUSTER" --db "$T_DB" "$@"
}

# t_need_pg: fail unless MUSTER_TEST_PG_DSN is set (tests/with-pg.sh sets it;
# a test that needs PostgreSQL fails rather than skipping silently).
t_need_pg() {
    [ -n "${MUSTER_TEST_PG_DSN:-}" ] ||
        t_fail "MUSTER_TEST_PG_DSN is not set: run under tests/with-pg.sh (make test does)"
}

# t_pg_schema: create a schema of this test's own in MUSTER_TEST_PG_DSN and
# set T_DB to a DSN whose search_path is that schema; it is dropped at exit.
t_pg_schema() {
    t_need_pg
    T_SCHEMA=$(printf 'it_%s_%s' "$T_NAME" "$$" | tr -c 'a-zA-Z0-9_' '_' | tr 'A-Z' 'a-z')
    psql -q "$MUSTER_TEST_PG_DSN" -c "CREATE SCHEMA $T_SCHEMA" >/dev/null ||
        t_fail "cannot create schema $T_SCHEMA"
    case "$MUSTER_TEST_PG_DSN" in
        *\?*) T_DB="$MUSTER_TEST_PG_DSN&options=-csearch_path%3D$T_SCHEMA" ;;
        *) T_DB="$MUSTER_TEST_PG_DSN?options=-csearch_path%3D$T_SCHEMA" ;;
    esac
}

# t_start_server [SERVE-ARGS...]: start `muster --db T_DB serve --listen
# 127.0.0.1:0 SERVE-ARGS...` in the background, stdout in T_OUT and stderr
# in T_ERR (both emptied first), and wait up to 30 s for its start line
# "muster: listening on http(s)://127.0.0.1:PORT/". Sets T_PID, T_BASE and
# T_PORT; fails when the server exits or prints another line.
t_start_server() {
    : >"$T_OUT"
    : >"$T_ERR"
    # The timer engine runs only when a test asks for it (T_ENGINE=1): it acts
    # at wall-clock times (check-in reminders), which would make the audit
    # log of other tests depend on the hour they run at.
    _t_engine=--no-engine
    [ "${T_ENGINE:-0}" = 1 ] && _t_engine=
    # shellcheck disable=SC2086
    "$MUSTER" --db "$T_DB" serve --listen 127.0.0.1:0 $_t_engine "$@" >"$T_OUT" 2>"$T_ERR" &
    T_PID=$!
    _t_n=0
    until grep -q '^muster: listening on ' "$T_OUT"; do
        _t_n=$((_t_n + 1))
        [ "$_t_n" -le 300 ] || t_fail "server did not print its URL within 30 s"
        kill -0 "$T_PID" 2>/dev/null || { T_PID=""; t_fail "server exited at start"; }
        sleep 0.1
    done
    T_BASE=$(sed -n 's|^muster: listening on \(https\{0,1\}://127\.0\.0\.1:[1-9][0-9]*\)/$|\1|p' "$T_OUT")
    [ -n "$T_BASE" ] || t_fail "unexpected start line: $(cat "$T_OUT")"
    T_PORT=${T_BASE##*:}
}

# t_stop_server [SIGNAL]: send SIGNAL (TERM) to the server and expect it to
# exit with status 0 within 10 s (t_wait_server).
t_stop_server() {
    kill "-${1:-TERM}" "$T_PID"
    t_wait_server 10
}

# t_wait_server SECONDS: wait up to SECONDS for the server, already told to
# stop, to exit; fail unless it does, with status 0. Clears T_PID.
t_wait_server() {
    _t_n=0
    while kill -0 "$T_PID" 2>/dev/null; do
        _t_n=$((_t_n + 1))
        [ "$_t_n" -le $(($1 * 10)) ] || t_fail "server still running $1 s after it was told to stop"
        sleep 0.1
    done
    _t_rc=0
    wait "$T_PID" || _t_rc=$?
    T_PID=""
    [ "$_t_rc" -eq 0 ] || t_fail "server exited with $_t_rc, want 0"
}

# t_wait_log PATTERN: wait up to 5 s for a line matching the basic regular
# expression PATTERN in T_ERR; fail if none comes. The running server
# writes its access log from per-thread buffers, up to 100 ms late.
t_wait_log() {
    _t_n=0
    until grep -q -- "$1" "$T_ERR"; do
        _t_n=$((_t_n + 1))
        [ "$_t_n" -le 50 ] || { t_fail "no line matching '$1' in the server log within 5 s"; return; }
        sleep 0.1
    done
}

# t_password NAME: the password t_user gives NAME (and t_login uses).
t_password() {
    printf '%s-Secret-0001\n' "$1"
}

# t_user NAME ROLE [UNIT...]: add the account NAME with ROLE and UNITs to
# T_DB (t_muster user add), password $(t_password NAME).
t_user() {
    _t_user=$1 _t_role=$2
    shift 2
    _t_units=""
    for _t_u in "$@"; do _t_units="$_t_units --unit $_t_u"; done
    # shellcheck disable=SC2086
    t_password "$_t_user" | t_muster user add "$_t_user" --role "$_t_role" $_t_units \
        --password-stdin >/dev/null || t_fail "cannot add user '$_t_user'"
}

# t_login NAME: sign NAME in with POST /api/v1/session on the running server
# (password $(t_password NAME)). Sets T_JAR (a curl cookie jar holding the
# session, $T_TMP/NAME.jar), T_SID (the session id) and T_CSRF (its CSRF
# token); fails unless the answer is 200.
t_login() {
    T_JAR="$T_TMP/$1.jar"
    _t_st=$(curl -sS --max-time 20 -c "$T_JAR" -o "$T_TMP/$1.login" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' \
        --data-binary "{\"username\":\"$1\",\"password\":\"$(t_password "$1")\"}" \
        "$T_BASE/api/v1/session")
    [ "$_t_st" = 200 ] || t_fail "login of $1: status $_t_st: $(cat "$T_TMP/$1.login")"
    T_SID=$(awk '$6 == "muster_session" { print $7 }' "$T_JAR")
    T_CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$T_TMP/$1.login")
    [ -n "$T_SID" ] && [ -n "$T_CSRF" ] || t_fail "login of $1: no session or csrf token"
}

# t_req NAME CURL-ARGS...: one request with curl (20 s at most); body in
# $T_TMP/NAME.body, headers in $T_TMP/NAME.hdr; prints the status.
t_req() {
    _t_r=$1
    shift
    curl -sS --max-time 20 -o "$T_TMP/$_t_r.body" -D "$T_TMP/$_t_r.hdr" -w '%{http_code}' "$@"
}

# t_expect_status NAME WANT GOT: fail unless GOT = WANT (showing the body of
# the request NAME).
t_expect_status() {
    [ "$3" = "$2" ] || t_fail "$1: status $3, want $2; body: $(head -c 600 "$T_TMP/$1.body" 2>/dev/null)"
}

# t_expect_body NAME WANT: fail unless the body of the request NAME is WANT
# exactly.
t_expect_body() {
    printf '%s' "$2" >"$T_TMP/want"
    cmp -s "$T_TMP/want" "$T_TMP/$1.body" || t_fail "$1: body
  got:  $(cat "$T_TMP/$1.body")
  want: $2"
}

# t_header NAME HEADER: print the first HEADER of the request NAME (CR
# stripped; nothing when absent).
t_header() {
    grep -i "^$2:" "$T_TMP/$1.hdr" | head -n 1 | sed 's/^[^:]*:[ ]*//' | tr -d '\r'
}

# t_expect_header NAME HEADER WANT: fail unless HEADER of the request NAME
# is WANT.
t_expect_header() {
    _t_got=$(t_header "$1" "$2")
    [ "$_t_got" = "$3" ] || t_fail "$1: header $2 is '$_t_got', want '$3'"
}

# t_has NAME TEXT / t_hasnt NAME TEXT: fail unless (if) the body of the
# request NAME contains the fixed string TEXT.
t_has() {
    grep -qF -- "$2" "$T_TMP/$1.body" || t_fail "$1: body lacks: $2"
}
t_hasnt() {
    if grep -qF -- "$2" "$T_TMP/$1.body"; then t_fail "$1: body has: $2"; fi
}

# t_check NAME WANT_STATUS WANT_STDOUT WANT_STDERR CMD...: run CMD with
# stdin from T_IN, stdout in $T_TMP/out and stderr in $T_TMP/err; t_error
# for each of the status, stdout and stderr (after T_CHECK_SED) that
# differs from what is wanted.
t_check() {
    _t_name=$1 _t_want_rc=$2 _t_want_out=$3 _t_want_err=$4
    shift 4
    "$@" <"$T_IN" >"$T_TMP/out" 2>"$T_TMP/err"
    _t_rc=$?
    _t_out=$(sed "$T_CHECK_SED" "$T_TMP/out")
    _t_err=$(sed "$T_CHECK_SED" "$T_TMP/err")
    [ "$_t_rc" -eq "$_t_want_rc" ] ||
        t_error "$_t_name: exit status $_t_rc, want $_t_want_rc (stderr: $_t_err)"
    [ "$_t_out" = "$_t_want_out" ] || t_error "$_t_name: stdout
  got:  $_t_out
  want: $_t_want_out"
    [ "$_t_err" = "$_t_want_err" ] || t_error "$_t_name: stderr
  got:  $_t_err
  want: $_t_want_err"
}
