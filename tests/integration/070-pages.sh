#!/bin/sh
# SPDX-License-Identifier: MIT
# The web UI's pages through the real server, driven with curl and a cookie
# jar (no JavaScript, as a browser without it would): redirects to the login
# page, a failed and a good login (and where `next` may lead), the dashboard
# (today and its working-day status from the calendar, the plans, the empty
# cards container), the plan list, a plan page before and after a changed
# version is loaded, the diff rows, the printable page, user administration
# for an admin (add with a validation error, disable) and the 403 page for a
# reporter, the language switch to English and back (remembered per user),
# logout, static assets with ETag and 304, and the security headers on HTML.
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
    echo "070-pages: FAIL: $*" >&2
    if [ -s "$TMP/err" ]; then
        echo "--- server stderr (last lines):" >&2
        tail -n 20 "$TMP/err" >&2
    fi
    exit 1
}

DB="$TMP/x.db"
PLAN_ID=qingshan-no3-school
TITLE=青山市第三中学校园突发事件应急预案

start() {
    "$MUSTER" --db "$DB" serve --listen 127.0.0.1:0 --threads 4 >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    n=0
    until grep -q '^muster: listening on ' "$TMP/out"; do
        n=$((n + 1))
        [ "$n" -le 300 ] || fail "server did not print its URL within 30 s"
        kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start"; }
        sleep 0.1
    done
    BASE=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[1-9][0-9]*\)/$|\1|p' "$TMP/out")
    [ -n "$BASE" ] || fail "unexpected start line: $(cat "$TMP/out")"
}

# req NAME JAR CURL-ARGS... -> status; body in $TMP/NAME.body, headers in $TMP/NAME.hdr
req() {
    name=$1
    jar=$2
    shift 2
    curl -sS --max-time 20 -b "$TMP/$jar" -c "$TMP/$jar" -o "$TMP/$name.body" \
        -D "$TMP/$name.hdr" -w '%{http_code}' "$@"
}

expect_status() { # NAME WANT GOT
    [ "$3" = "$2" ] || fail "$1: status $3, want $2; body: $(head -c 600 "$TMP/$1.body")"
}

header() { # NAME HEADER
    grep -i "^$2:" "$TMP/$1.hdr" | head -n 1 | sed 's/^[^:]*:[ ]*//' | tr -d '\r'
}

expect_header() { # NAME HEADER WANT
    got=$(header "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: header $2 is '$got', want '$3'"
}

has() { # NAME FIXED-STRING
    grep -qF -- "$2" "$TMP/$1.body" || fail "$1: body lacks: $2"
}

hasnt() { # NAME FIXED-STRING
    if grep -qF -- "$2" "$TMP/$1.body"; then fail "$1: body has: $2"; fi
}

count() { # NAME FIXED-STRING -> number of lines containing it
    grep -cF -- "$2" "$TMP/$1.body" || true
}

html_page() { # NAME: headers of every HTML page
    expect_header "$1" Content-Type "text/html; charset=utf-8"
    expect_header "$1" Content-Security-Policy \
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    expect_header "$1" X-Content-Type-Options nosniff
    expect_header "$1" Referrer-Policy no-referrer
    expect_header "$1" Cache-Control no-store
    head -c 15 "$TMP/$1.body" | grep -q '^<!DOCTYPE html>' || fail "$1: does not start with the doctype"
    # No inline script or style anywhere (CSP would block them).
    if grep -Eq '<script>|<script [^>]*>[^<]|<style|style="|onclick=|onload=|onsubmit=' \
        "$TMP/$1.body"; then
        fail "$1: inline script or style"
    fi
}

csrf_of() { # NAME -> the csrf hidden field
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/$1.body" | head -n 1
}

# ---- data: a plan and accounts ----
"$MUSTER" --db "$DB" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    fail "cannot load the plan"
printf 'admin-pass-123\n' | "$MUSTER" --db "$DB" user add boss --role admin --password-stdin \
    >/dev/null || fail "cannot add the admin"
printf 'reporter-pass-1\n' | "$MUSTER" --db "$DB" user add rep --role reporter --unit c7-1 \
    --password-stdin >/dev/null || fail "cannot add the reporter"

start
: >"$TMP/anon"

# ---- not signed in: redirects to the login page ----
for p in / /plans "/plans/$PLAN_ID" /admin/users; do
    st=$(req anon_get anon "$BASE$p")
    expect_status "anon $p" 303 "$st"
    expect_header anon_get Location "/login?next=$p"
done
st=$(req events_anon anon "$BASE/api/v1/events")
expect_status events_anon 401 "$st"

# ---- the login page ----
st=$(req login anon "$BASE/login?next=/plans")
expect_status login 200 "$st"
html_page login
has login '<html lang="zh-CN">'
has login '<form id="login" method="post" action="/login"'
has login '<input type="hidden" name="next" value="/plans">'
has login 'name="username"'
has login 'name="password" type="password"'
has login '<button type="submit" class="primary">登录</button>'
has login '<link rel="stylesheet" href="/static/style.css">'
has login '<script src="/static/app.js" defer></script>'
for bad in //evil.example /%5Cevil.example http://evil.example; do
    st=$(req login_bad anon "$BASE/login?next=$bad")
    expect_status "login next=$bad" 200 "$st"
    has login_bad '<input type="hidden" name="next" value="/">'
done

st=$(req login_wrong anon --data-urlencode username=boss --data-urlencode password=wrong-password \
    --data-urlencode next=/plans "$BASE/login")
expect_status login_wrong 401 "$st"
html_page login_wrong
has login_wrong '<p class="flash flash-error" role="alert">用户名或密码错误</p>'
has login_wrong 'value="boss"'
[ -z "$(header login_wrong Set-Cookie)" ] || fail "a failed login set a cookie"

# A good login with a foreign `next` goes to the dashboard.
st=$(req login_ok_evil evil --data-urlencode username=boss --data-urlencode \
    password=admin-pass-123 --data-urlencode next=//evil.example/x "$BASE/login")
expect_status login_ok_evil 303 "$st"
expect_header login_ok_evil Location /

st=$(req login_ok admin --data-urlencode username=boss --data-urlencode password=admin-pass-123 \
    --data-urlencode next=/plans "$BASE/login")
expect_status login_ok 303 "$st"
expect_header login_ok Location /plans
header login_ok Set-Cookie | grep -Eq '^muster_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+$' ||
    fail "login: session cookie: $(header login_ok Set-Cookie)"

# ---- the dashboard ----
st=$(req dash admin "$BASE/")
expect_status dash 200 "$st"
html_page dash
has dash '<h1>工作台</h1>'
has dash '<a data-nav="dashboard" href="/" aria-current="page">工作台</a>'
has dash '<a data-nav="plans" href="/plans">预案</a>'
has dash '<a data-nav="users" href="/admin/users">用户管理</a>'
has dash '<span class="who" data-user title="当前用户"><bdi>boss</bdi> <span class="role">管理员</span></span>'
has dash '<form id="lang" method="post" action="/lang"'
has dash '<button type="submit" name="lang" value="zh" aria-pressed="true">中文</button>'
has dash '<button type="submit" name="lang" value="en">English</button>'
has dash '<form id="logout" method="post" action="/logout">'
has dash '<div class="cards" data-cards></div>'
has dash "<a data-plan-id=\"$PLAN_ID\" href=\"/plans/$PLAN_ID\"><bdi>$TITLE</bdi></a>"
has dash 'data-live="plans"'
CSRF=$(csrf_of dash)
[ "$(printf '%s' "$CSRF" | wc -c)" -eq 43 ] || fail "dashboard: csrf field '$CSRF'"
[ "$(grep -c 'name="csrf" value="'"$CSRF"'"' "$TMP/dash.body")" -eq 2 ] ||
    fail "dashboard: the lang and logout forms do not both carry the csrf token"

# Today in Asia/Shanghai, with the status the calendar gives (checked twice
# around the request in case the date changes meanwhile).
day=$(sed -n 's|.*<time datetime="\([0-9-]*\)">.*|\1|p' "$TMP/dash.body")
d1=$(TZ=Asia/Shanghai date +%F)
[ "$day" = "$d1" ] || [ "$day" = "$(TZ=Asia/Shanghai date -d '1 minute ago' +%F)" ] ||
    fail "dashboard: today is '$day', want $d1"
kind=$("$MUSTER" calendar is-workday "$day")
case $kind in
workday) want='<span class="day-status day-workday">工作日</span>' ;;
weekend) want='<span class="day-status day-weekend">周末</span>' ;;
"workday (adjusted)") want='<span class="day-status day-adjusted">调休上班</span>' ;;
"holiday "*) want="<span class=\"day-status day-holiday\">节假日：${kind#holiday }</span>" ;;
*) fail "calendar is-workday said '$kind'" ;;
esac
has dash "$want"
has dash '<section class="today" data-today'

# ---- the plan list and one plan ----
st=$(req plans admin "$BASE/plans")
expect_status plans 200 "$st"
html_page plans
has plans '<a data-nav="plans" href="/plans" aria-current="page">预案</a>'
has plans "<a data-plan-id=\"$PLAN_ID\" href=\"/plans/$PLAN_ID\"><bdi>$TITLE</bdi></a>"
has plans '<td>第 1 版</td>'

st=$(req plan1 admin "$BASE/plans/$PLAN_ID")
expect_status plan1 200 "$st"
html_page plan1
has plan1 '<article class="plan">'
has plan1 "<h1>$TITLE</h1>"
has plan1 '<p class="org">青山市第三中学</p>'
has plan1 '<ol data-versions>'
has plan1 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\" aria-current=\"page\">第 1 版</a>"
has plan1 "<a class=\"button\" data-print href=\"/plans/$PLAN_ID/print\">"
hasnt plan1 'data-diff'
[ "$(count plan1 '<html')" -eq 1 ] || fail "plan page: the rendered plan is a nested document"
[ "$(count plan1 '<body')" -eq 1 ] || fail "plan page: more than one <body>"

# A changed version: one line changed, one added at the end.
sed -e 's/^## 二、组织机构与职责$/## 二、组织机构和职责/' \
    "$MUSTER_SRCDIR/examples/plans/school.md" >"$TMP/v2.md"
printf '5. 本预案由学校安全办公室负责解释。\n' >>"$TMP/v2.md"
"$MUSTER" --db "$DB" plan load "$TMP/v2.md" >/dev/null || fail "cannot load version 2"

st=$(req plan2 admin "$BASE/plans/$PLAN_ID")
expect_status plan2 200 "$st"
has plan2 "<a data-version=\"2\" href=\"/plans/$PLAN_ID?version=2\" aria-current=\"page\">第 2 版</a>"
has plan2 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\">第 1 版</a>"
has plan2 "<a class=\"button\" data-diff href=\"/plans/$PLAN_ID/diff?from=1&amp;to=2\">与上一版比较</a>"
has plan2 '二、组织机构和职责'
hasnt plan2 'plan.viewing_old'
st=$(req plan2v1 admin "$BASE/plans/$PLAN_ID?version=1")
expect_status plan2v1 200 "$st"
has plan2v1 '二、组织机构与职责'
has plan2v1 '您正在查看旧版本。'
has plan2v1 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\" aria-current=\"page\">"
has plan2v1 "data-print href=\"/plans/$PLAN_ID/print?version=1\""
st=$(req plan_v9 admin "$BASE/plans/$PLAN_ID?version=9")
expect_status plan_v9 404 "$st"
html_page plan_v9
has plan_v9 'data-error="404"'
st=$(req plan_vx admin "$BASE/plans/$PLAN_ID?version=x")
expect_status plan_vx 400 "$st"
has plan_vx 'data-error="400"'
st=$(req plan_none admin "$BASE/plans/no-such-plan")
expect_status plan_none 404 "$st"
has plan_none '没有这个预案或版本'

# ---- the diff ----
st=$(req diff admin "$BASE/plans/$PLAN_ID/diff?from=1&to=2")
expect_status diff 200 "$st"
html_page diff
has diff '<table class="diff">'
has diff '<tr class="del"><td class="ln">652</td><td class="ln"></td><td class="sign">-</td><td class="text">## 二、组织机构与职责</td></tr>'
has diff '<tr class="add"><td class="ln"></td><td class="ln">652</td><td class="sign">+</td><td class="text">## 二、组织机构和职责</td></tr>'
has diff '<tr class="add"><td class="ln"></td><td class="ln">773</td><td class="sign">+</td><td class="text">5. 本预案由学校安全办公室负责解释。</td></tr>'
has diff '<tr class="same"><td class="ln">651</td><td class="ln">651</td><td class="sign"></td><td class="text"></td></tr>'
has diff '<tr class="skip"><td colspan="4">省略 648 行未改动的内容</td></tr>'
[ "$(count diff '<tr class="add">')" -eq 2 ] || fail "diff: want 2 added rows"
[ "$(count diff '<tr class="del">')" -eq 1 ] || fail "diff: want 1 removed row"
[ "$(count diff '<tr class="same">')" -eq 9 ] || fail "diff: want 9 context rows, got $(count diff '<tr class="same">')"
has diff '<span class="stat-add">增加行数: 2</span> <span class="stat-del">删除行数: 1</span>'
st=$(req diff_same admin "$BASE/plans/$PLAN_ID/diff?from=2&to=2")
expect_status diff_same 200 "$st"
has diff_same '两个版本内容相同。'
hasnt diff_same '<table class="diff">'
st=$(req diff_bad admin "$BASE/plans/$PLAN_ID/diff?from=1&to=7")
expect_status diff_bad 400 "$st"
has diff_bad '请选择两个已有的版本'
st=$(req diff_default admin "$BASE/plans/$PLAN_ID/diff")
expect_status diff_default 200 "$st"
[ "$(count diff_default '<tr class="add">')" -eq 2 ] || fail "diff without versions: not latest-1 to latest"

# ---- the printable page ----
st=$(req print admin "$BASE/plans/$PLAN_ID/print")
expect_status print 200 "$st"
html_page print
has print '<link rel="stylesheet" href="/static/print.css">'
has print "<title>$TITLE</title>"
has print "<h1>$TITLE</h1>"
has print '<button type="button" data-action="print">打印</button>'
hasnt print '<nav'
hasnt print '<header'

# ---- user administration ----
st=$(req users admin "$BASE/admin/users")
expect_status users 200 "$st"
html_page users
has users '<table class="list" data-users>'
has users '<tr data-user-row="boss">'
has users '<tr data-user-row="rep">'
has users '<td>c7-1</td>'
has users '<form id="user-add" method="post" action="/admin/users"'
has users '<a data-nav="users" href="/admin/users" aria-current="page">用户管理</a>'
has users '<form method="post" action="/admin/users/rep/disable" class="inline">'
# No disable button for oneself.
hasnt users 'action="/admin/users/boss/disable"'

st=$(req add_short admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=officer \
    -d units= -d password=short "$BASE/admin/users")
expect_status add_short 400 "$st"
html_page add_short
has add_short '<p class="flash flash-error" role="alert" data-field="password">密码太短：至少需要 10 个字符</p>'
has add_short 'value="newbie"'
has add_short '<option value="officer" selected>'
st=$(req add_rep admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=reporter \
    -d units= -d password=long-enough-1 "$BASE/admin/users")
expect_status add_rep 400 "$st"
has add_rep 'data-field="unit">填报员至少需要一个负责单位</p>'
st=$(req add_ok admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=reporter \
    --data-urlencode 'units=c7-2，c8-1 c9-1' -d password=long-enough-1 "$BASE/admin/users")
expect_status add_ok 303 "$st"
expect_header add_ok Location "/admin/users?added=newbie"
st=$(req add_dup admin --data-urlencode "csrf=$CSRF" -d name=NEWBIE -d role=viewer \
    -d password=long-enough-1 "$BASE/admin/users")
expect_status add_dup 400 "$st"
has add_dup 'data-field="name">已经有同名用户</p>'
st=$(req users2 admin "$BASE/admin/users?added=newbie")
has users2 '<p class="flash flash-ok" role="status">已添加用户 newbie</p>'
has users2 '<td>c7-2, c8-1, c9-1</td>'
"$MUSTER" --db "$DB" user list | grep -q '^newbie' || fail "the added user is not in 'muster user list'"

st=$(req nocsrf admin -d x=1 "$BASE/admin/users/newbie/disable")
expect_status nocsrf 403 "$st"
html_page nocsrf
has nocsrf 'data-error="403"'
st=$(req disable admin --data-urlencode "csrf=$CSRF" "$BASE/admin/users/newbie/disable")
expect_status disable 303 "$st"
expect_header disable Location "/admin/users?changed=newbie"
st=$(req users3 admin "$BASE/admin/users")
grep -A4 'data-user-row="newbie"' "$TMP/users3.body" | grep -qF '已停用' ||
    fail "users: newbie is not shown disabled"
has users3 'action="/admin/users/newbie/enable"'
st=$(req enable_none admin --data-urlencode "csrf=$CSRF" "$BASE/admin/users/ghost/enable")
expect_status enable_none 404 "$st"
has enable_none '没有这个用户'

# ---- a reporter: the frame, no plans, 403 pages ----
st=$(req rlogin rep --data-urlencode username=rep --data-urlencode password=reporter-pass-1 "$BASE/login")
expect_status rlogin 303 "$st"
st=$(req rdash rep "$BASE/")
expect_status rdash 200 "$st"
has rdash '<h1>工作台</h1>'
has rdash '<span class="role">填报员</span>'
hasnt rdash 'data-nav="users"'
hasnt rdash 'data-plan-id'
for p in /admin/users /plans "/plans/$PLAN_ID"; do
    st=$(req rforbidden rep "$BASE$p")
    expect_status "reporter $p" 403 "$st"
    html_page rforbidden
    has rforbidden '<section class="error-page panel" data-error="403">'
    has rforbidden '<h1>没有权限</h1>'
    has rforbidden '<span class="who" data-user'
done
RCSRF=$(csrf_of rdash)
st=$(req radd rep --data-urlencode "csrf=$RCSRF" -d name=x -d role=admin -d password=long-enough-1 \
    "$BASE/admin/users")
expect_status "reporter add user" 403 "$st"
"$MUSTER" --db "$DB" user list | grep -q '^x ' && fail "a reporter added a user"

# ---- language: English and back, remembered per user ----
st=$(req lang_en admin --data-urlencode "csrf=$CSRF" -d lang=en -d next=/plans "$BASE/lang")
expect_status lang_en 303 "$st"
expect_header lang_en Location /plans
header lang_en Set-Cookie | grep -q '^lang=en; Path=/' || fail "lang: cookie: $(header lang_en Set-Cookie)"
st=$(req dash_en admin "$BASE/")
has dash_en '<html lang="en">'
has dash_en '<h1>Dashboard</h1>'
has dash_en '<a data-nav="plans" href="/plans">Plans</a>'
has dash_en '<button type="submit" name="lang" value="en" aria-pressed="true">English</button>'
# A new session of the same user, without the cookie, is in English too.
st=$(req login_en admin2 --data-urlencode username=boss --data-urlencode password=admin-pass-123 "$BASE/login")
expect_status login_en 303 "$st"
sed -i '/[[:space:]]lang[[:space:]]/d' "$TMP/admin2"
st=$(req dash_en2 admin2 "$BASE/")
has dash_en2 '<h1>Dashboard</h1>'
st=$(req plan_en admin "$BASE/plans/$PLAN_ID")
has plan_en 'Version 2'
st=$(req lang_nocsrf admin -d lang=zh "$BASE/lang")
expect_status lang_nocsrf 403 "$st"
st=$(req lang_bad admin --data-urlencode "csrf=$CSRF" -d lang=fr "$BASE/lang")
expect_status lang_bad 400 "$st"
has lang_bad 'Unsupported language'
st=$(req lang_zh admin --data-urlencode "csrf=$CSRF" -d lang=zh -d next=//evil.example "$BASE/lang")
expect_status lang_zh 303 "$st"
expect_header lang_zh Location /
st=$(req dash_zh admin "$BASE/")
has dash_zh '<h1>工作台</h1>'
# Anonymous: the cookie alone picks the login page's language.
st=$(req anon_lang anon -d lang=en "$BASE/lang")
expect_status anon_lang 303 "$st"
st=$(req login_en_page anon "$BASE/login")
has login_en_page '<html lang="en">'
has login_en_page '<button type="submit" class="primary">Log in</button>'

# ---- logout ----
st=$(req logout admin --data-urlencode "csrf=$CSRF" "$BASE/logout")
expect_status logout 303 "$st"
expect_header logout Location /login
header logout Set-Cookie | grep -q '^muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0' ||
    fail "logout: cookie not cleared: $(header logout Set-Cookie)"
st=$(req after_logout admin "$BASE/")
expect_status after_logout 303 "$st"
expect_header after_logout Location "/login?next=/"

# ---- static assets ----
for f in style.css app.js print.css favicon.svg; do
    st=$(req "static_$f" anon "$BASE/static/$f")
    expect_status "static $f" 200 "$st"
    expect_header "static_$f" Cache-Control "public, max-age=3600"
    cmp -s "$TMP/static_$f.body" "$MUSTER_SRCDIR/web/static/$f" || fail "static $f: not the file"
done
expect_header static_style.css Content-Type "text/css; charset=utf-8"
expect_header static_app.js Content-Type "text/javascript; charset=utf-8"
etag=$(header static_app.js ETag)
echo "$etag" | grep -Eq '^"[0-9a-f]{32}"$' || fail "static: ETag '$etag'"
st=$(req static_304 anon -H "If-None-Match: $etag" "$BASE/static/app.js")
expect_status static_304 304 "$st"
[ ! -s "$TMP/static_304.body" ] || fail "static: 304 with a body"
expect_header static_304 ETag "$etag"
st=$(req static_other anon -H 'If-None-Match: "nope"' "$BASE/static/app.js")
expect_status static_other 200 "$st"
st=$(req static_none anon "$BASE/static/nope.css")
expect_status static_none 404 "$st"

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
echo "070-pages: ok"
