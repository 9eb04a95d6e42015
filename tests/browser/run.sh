#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the browser end-to-end tests (tests/browser/tests/*.test.mjs) against the
# muster binary of BUILD_DIR: install Chromium and Node when missing
# (tools/deps.sh --browser) and playwright-core from the lock file, make a
# temporary SQLite database with the example plans (the school plan loaded a
# second time, changed, so that it has two versions to diff), an admin and a
# reporter, start `muster serve` on a free loopback port, and run node's test
# runner. Screenshots go to BUILD_DIR/browser-screenshots/. The server, the
# test runner and the browser are stopped and the temporary directory removed
# whatever happens; the exit status is the test runner's.
#
#   tests/browser/run.sh BUILD_DIR
#
# MUSTER_CHROMIUM overrides /usr/bin/chromium.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: tests/browser/run.sh BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$1
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
bin=$build/muster
if [ ! -x "$bin" ]; then
    echo "browser tests: $bin is not built" >&2
    exit 1
fi

"$top/tools/deps.sh" --browser

# playwright-core, exactly as locked; skipped when already installed.
want=$(sed -n 's/^ *"playwright-core": "\([0-9][^"]*\)".*/\1/p' "$here/package.json" | head -n 1)
have=$(cd "$here" && node -p 'require("./node_modules/playwright-core/package.json").version' \
    2>/dev/null || true)
if [ -z "$want" ] || [ "$have" != "$want" ]; then
    log=$(mktemp "${TMPDIR:-/tmp}/muster-npm.XXXXXX")
    if [ -f "$here/package-lock.json" ]; then
        npmcmd=ci
    else
        npmcmd=install
    fi
    if ! (cd "$here" && npm "$npmcmd" --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        echo "browser tests: npm $npmcmd failed:" >&2
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/muster-browser.XXXXXX")

# Start CMD in the background as NAME: its pid is written to $tmp/NAME.pid
# by the child itself before CMD runs, so that the cleanup finds it even
# when a signal comes between the fork and the next line of this script.
start_bg() {
    : >"$tmp/$1.starting"
    pidfile=$tmp/$1.pid
    shift
    sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" &
}

# Kill PID (and wait for it) if it is still ours and alive.
stop_pid() {
    if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
        kill -TERM "$1" 2>/dev/null || true
        n=0
        while kill -0 "$1" 2>/dev/null && [ $n -lt 100 ]; do
            sleep 0.1
            n=$((n + 1))
        done
        kill -KILL "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

# The pid of what start_bg started as NAME; empty when nothing was started.
pid_of() {
    if [ -e "$tmp/$1.starting" ]; then
        n=0
        while [ ! -s "$tmp/$1.pid" ] && [ $n -lt 50 ]; do
            sleep 0.1
            n=$((n + 1))
        done
    fi
    cat "$tmp/$1.pid" 2>/dev/null || true
}

cleanup() {
    status=$?
    trap - EXIT INT TERM
    stop_pid "$(pid_of node)"
    # The browser normally closes with the test runner. If the runner died
    # first, kill the browser's process group (playwright starts it as a
    # group leader), after checking that the pid is still a chromium.
    if [ -f "$tmp/browser.pid" ]; then
        bpid=$(cat "$tmp/browser.pid")
        if [ -n "$bpid" ] && grep -q chrom "/proc/$bpid/cmdline" 2>/dev/null; then
            kill -KILL -- "-$bpid" 2>/dev/null || kill -KILL "$bpid" 2>/dev/null || true
        fi
    fi
    stop_pid "$(pid_of server)"
    if [ "$status" -ne 0 ] && [ -s "$tmp/serve.log" ]; then
        echo "browser tests: last lines of the server log:" >&2
        tail -n 20 "$tmp/serve.log" >&2
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "browser tests: $*" >&2
    exit 1
}

# ---- the database ----
db=$tmp/muster.db
"$bin" --db "$db" migrate >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "migrate failed"; }
ids=""
for f in "$top"/examples/plans/*.md; do
    out=$(MUSTER_ACTOR=e2e "$bin" --db "$db" plan load "$f" 2>&1) || {
        echo "$out" >&2
        fail "cannot load $f"
    }
    id=$(printf '%s\n' "$out" | sed -n "s/.*plan '\([^']*\)' loaded as version.*/\1/p")
    [ -n "$id" ] || fail "no plan id in '$out'"
    ids="$ids $id"
done

# Version 2 of the school plan: one line changed, one line added.
school=$top/examples/plans/school.md
old_line='4. 本预案自印发之日起施行。'
sed "s/^4\. 本预案自印发之日起施行。\$/4. 本预案自印发之日起施行，2024 年版同时废止。\\
5. 各年级组每月检查一次本年级的应急通讯录。/" "$school" >"$tmp/school-v2.md"
if cmp -s "$school" "$tmp/school-v2.md"; then
    fail "the line '$old_line' is no longer in examples/plans/school.md: update tests/browser/run.sh"
fi
out=$(MUSTER_ACTOR=e2e "$bin" --db "$db" plan load "$tmp/school-v2.md" 2>&1) || {
    echo "$out" >&2
    fail "cannot load the changed school plan"
}
diff_plan=$(printf '%s\n' "$out" | sed -n "s/.*plan '\([^']*\)' loaded as version 2.*/\1/p")
[ -n "$diff_plan" ] || fail "the changed school plan did not become version 2: $out"
title=$(sed -n 's/^title: *//p' "$school" | head -n 1)

admin_user="admin"
admin_pass=e2e-admin-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
reporter_user=teacher-c7-1
reporter_unit=c7-1
reporter_pass=e2e-reporter-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$admin_pass" |
    "$bin" --db "$db" user add "$admin_user" --role admin --password-stdin \
    >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "cannot add user $admin_user"; }
printf '%s\n' "$reporter_pass" |
    "$bin" --db "$db" user add "$reporter_user" --role reporter --unit "$reporter_unit" --password-stdin \
    >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "cannot add user $reporter_user"; }

today=$(TZ=Asia/Shanghai date +%F)
today_kind=$("$bin" calendar is-workday "$today") || fail "calendar is-workday $today failed"

# ---- the data of the duty, check-in, case and register scenarios ----
# e2e-school: the school plan under another id, its class check-in due at
# 00:00 and 23:59 every day (the school's own is due on working days only),
# so that any day has a slot already missed and one still open.
sed -e 's/^id: qingshan-no3-school$/id: e2e-school/' \
    -e 's/^title: .*/title: 端到端测试学校/' \
    -e 's/^    times: \["09:30", "14:30"\]$/    times: ["00:00", "23:59"]/' "$school" |
    awk '/^  - id: class-daily$/ { c = 1 }
         c && !d && /^    days: workdays$/ { sub(/workdays/, "everyday"); d = 1 }
         { print }' >"$tmp/e2e-school.md"
grep -q '^    times: \["00:00", "23:59"\]$' "$tmp/e2e-school.md" &&
    grep -q '^    days: everyday$' "$tmp/e2e-school.md" ||
    fail "cannot make the every-day check-in of examples/plans/school.md: update tests/browser/run.sh"
out=$(MUSTER_ACTOR=e2e "$bin" --db "$db" plan load "$tmp/e2e-school.md" 2>&1) || {
    echo "$out" >&2
    fail "cannot load the e2e school plan"
}
ids="$ids e2e-school"
checkin_schedule=e2e-school/class-daily

officer_user=officer-e2e
officer_pass=e2e-officer-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
phone_user=teacher-c7-2
phone_unit=c7-2
phone_pass=e2e-phone-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$officer_pass" |
    "$bin" --db "$db" user add "$officer_user" --role officer --password-stdin \
    >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "cannot add user $officer_user"; }
printf '%s\n' "$phone_pass" |
    "$bin" --db "$db" user add "$phone_user" --role reporter --unit "$phone_unit" --password-stdin \
    >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log" >&2; fail "cannot add user $phone_user"; }

# The phone reporter's 00:00 report, made at 00:05 (the CLI may back-date);
# the 23:59 one is the test's. Other units miss 00:00.
MUSTER_ACTOR=e2e "$bin" --db "$db" checkin submit --schedule "$checkin_schedule" \
    --unit "$phone_unit" --nil --at "${today}T00:05" >>"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log" >&2; fail "cannot submit the 00:00 check-in of $phone_unit"; }

# A published roster of the school from February 2026 (a month with the
# Spring Festival and make-up working days) to the end of this month, and
# from yesterday at least (the 24-hour shift on now may have begun then).
yesterday=$(TZ=Asia/Shanghai date -d "$today -1 day" +%F)
month_end=$(TZ=Asia/Shanghai date -d "$(printf '%s' "$today" | cut -c1-7)-01 +1 month -1 day" +%F)
# roster_gen FROM TO: generate and publish the school's roster.
roster_gen() {
    MUSTER_ACTOR=e2e "$bin" --db "$db" roster generate --plan qingshan-no3-school \
        --from "$1" --to "$2" --publish >>"$tmp/setup.log" 2>&1 ||
        { cat "$tmp/setup.log" >&2; fail "cannot generate the roster $1..$2"; }
}
if [ "$(expr "$yesterday" \> 2026-02-28)" = 1 ] || [ "$(expr "$month_end" \< 2026-02-01)" = 1 ]; then
    roster_gen 2026-02-01 2026-02-28
    roster_gen "$yesterday" "$month_end"
else
    roster_from=2026-02-01
    [ "$(expr "$yesterday" \< "$roster_from")" = 1 ] && roster_from=$yesterday
    roster_to=2026-02-28
    [ "$(expr "$month_end" \> "$roster_to")" = 1 ] && roster_to=$month_end
    roster_gen "$roster_from" "$roster_to"
fi

# Cases: the key file (<db>.key) and one case with a phone, to look up.
"$bin" --db "$db" key init >>"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log" >&2; fail "key init failed"; }
case_phone=13800004821
out=$(MUSTER_ACTOR=e2e "$bin" --db "$db" case register --subject '学府路路灯损坏，夜间无照明' \
    --channel visit --received "$today" --phone "$case_phone" --json 2>&1) || {
    echo "$out" >&2
    fail "cannot register a case"
}
case_code=$(printf '%s\n' "$out" | sed -n 's/^  "tracking_code": "\([A-Z0-9-]*\)",$/\1/p')
[ -n "$case_code" ] || fail "no tracking code in: $out"

# A resource below its minimum.
low_resource=应急照明手电筒
MUSTER_ACTOR=e2e "$bin" --db "$db" resource add --name "$low_resource" --quantity 2 \
    --unit-of-measure 个 --min 10 --category supply >>"$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log" >&2; fail "cannot add the resource $low_resource"; }

# ---- the server ----
: >"$tmp/serve.out"
start_bg server "$bin" --db "$db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.log"
url=""
n=0
while [ -z "$url" ]; do
    url=$(sed -n 's/^muster: listening on \(http:\/\/127\.0\.0\.1:[0-9]*\/\)$/\1/p' "$tmp/serve.out")
    [ -n "$url" ] && break
    [ -s "$tmp/server.pid" ] && ! kill -0 "$(pid_of server)" 2>/dev/null &&
        fail "muster serve exited: $(cat "$tmp/serve.log")"
    n=$((n + 1))
    [ $n -lt 150 ] || fail "muster serve did not print its address within 15 s"
    sleep 0.1
done

# ---- the tests ----
shots=$build/browser-screenshots
mkdir -p "$shots"
rm -f "$shots"/*.png
echo "browser tests: $url, chromium $(${MUSTER_CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null |
    sed 's/[^0-9.]*\([0-9][0-9.]*\).*/\1/'), screenshots in $shots"

# The tests read everything they need from the environment.
start_bg node env \
    MUSTER_URL="$url" \
    MUSTER_ADMIN_USER="$admin_user" MUSTER_ADMIN_PASS="$admin_pass" \
    MUSTER_REPORTER_USER="$reporter_user" MUSTER_REPORTER_PASS="$reporter_pass" \
    MUSTER_REPORTER_UNIT="$reporter_unit" \
    MUSTER_OFFICER_USER="$officer_user" MUSTER_OFFICER_PASS="$officer_pass" \
    MUSTER_PHONE_USER="$phone_user" MUSTER_PHONE_PASS="$phone_pass" MUSTER_PHONE_UNIT="$phone_unit" \
    MUSTER_CHECKIN_SCHEDULE="$checkin_schedule" \
    MUSTER_CASE_CODE="$case_code" MUSTER_CASE_LAST4="$(printf '%s' "$case_phone" | cut -c8-)" \
    MUSTER_LOW_RESOURCE="$low_resource" \
    MUSTER_PLAN_IDS="$ids" MUSTER_DIFF_PLAN="$diff_plan" MUSTER_DIFF_TITLE="$title" \
    MUSTER_DIFF_ADDED='2024 年版同时废止
各年级组每月检查一次本年级的应急通讯录' \
    MUSTER_DIFF_REMOVED='本预案自印发之日起施行。' \
    MUSTER_TODAY="$today" MUSTER_TODAY_KIND="$today_kind" \
    MUSTER_SCREENSHOTS="$shots" MUSTER_BROWSER_PID_FILE="$tmp/browser.pid" \
    TMPDIR="$tmp" \
    node --test --test-reporter=spec --test-concurrency=1 "$here"/tests/*.test.mjs
set +e
wait $!
rc=$?
set -e
exit "$rc"
