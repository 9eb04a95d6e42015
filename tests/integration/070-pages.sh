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
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 070-pages
T_DB="$T_TMP/x.db"
PLAN_ID=qingshan-no3-school
TITLE=青山市第三中学校园突发事件应急预案
PW_BOSS=$(t_password boss)
PW_REP=$(t_password rep)

# req NAME JAR CURL-ARGS... -> status (t_req with the cookie jar $T_TMP/JAR)
req() {
    _name=$1 _jar=$2
    shift 2
    t_req "$_name" -b "$T_TMP/$_jar" -c "$T_TMP/$_jar" "$@"
}

count() { # NAME FIXED-STRING -> number of lines containing it
    grep -cF -- "$2" "$T_TMP/$1.body" || true
}

html_page() { # NAME: headers of every HTML page
    t_expect_header "$1" Content-Type "text/html; charset=utf-8"
    t_expect_header "$1" Content-Security-Policy \
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    t_expect_header "$1" X-Content-Type-Options nosniff
    t_expect_header "$1" Referrer-Policy same-origin
    t_expect_header "$1" Cache-Control no-store
    head -c 15 "$T_TMP/$1.body" | grep -q '^<!DOCTYPE html>' || t_fail "$1: does not start with the doctype"
    # No inline script or style anywhere (CSP would block them).
    if grep -Eq '<script>|<script [^>]*>[^<]|<style|style="|onclick=|onload=|onsubmit=' \
        "$T_TMP/$1.body"; then
        t_fail "$1: inline script or style"
    fi
}

csrf_of() { # NAME -> the csrf hidden field
    sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_TMP/$1.body" | head -n 1
}

# ---- data: a plan and accounts ----
"$MUSTER" --db "$T_DB" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the plan"
t_user boss admin
t_user rep reporter c7-1

t_start_server --threads 4
: >"$T_TMP/anon"

# ---- not signed in: redirects to the login page ----
for p in / /plans "/plans/$PLAN_ID" /admin/users; do
    st=$(req anon_get anon "$T_BASE$p")
    t_expect_status "anon $p" 303 "$st"
    t_expect_header anon_get Location "/login?next=$p"
done
st=$(req events_anon anon "$T_BASE/api/v1/events")
t_expect_status events_anon 401 "$st"

# ---- the login page ----
st=$(req login anon "$T_BASE/login?next=/plans")
t_expect_status login 200 "$st"
html_page login
t_has login '<html lang="zh-CN">'
t_has login '<form id="login" method="post" action="/login"'
t_has login '<input type="hidden" name="next" value="/plans">'
t_has login 'name="username"'
t_has login 'name="password" type="password"'
t_has login '<button type="submit" class="primary">登录</button>'
t_has login '<link rel="stylesheet" href="/static/style.css">'
t_has login '<script src="/static/app.js" defer></script>'
for bad in //evil.example /%5Cevil.example http://evil.example; do
    st=$(req login_bad anon "$T_BASE/login?next=$bad")
    t_expect_status "login next=$bad" 200 "$st"
    t_has login_bad '<input type="hidden" name="next" value="/">'
done

st=$(req login_wrong anon --data-urlencode username=boss --data-urlencode password=wrong-password \
    --data-urlencode next=/plans "$T_BASE/login")
t_expect_status login_wrong 401 "$st"
html_page login_wrong
t_has login_wrong '<p class="flash flash-error" role="alert">用户名或密码错误</p>'
t_has login_wrong 'value="boss"'
[ -z "$(t_header login_wrong Set-Cookie)" ] || t_fail "a failed login set a cookie"

# A good login with a foreign `next` goes to the dashboard.
st=$(req login_ok_evil evil --data-urlencode username=boss --data-urlencode \
    "password=$PW_BOSS" --data-urlencode next=//evil.example/x "$T_BASE/login")
t_expect_status login_ok_evil 303 "$st"
t_expect_header login_ok_evil Location /

st=$(req login_ok admin --data-urlencode username=boss --data-urlencode "password=$PW_BOSS" \
    --data-urlencode next=/plans "$T_BASE/login")
t_expect_status login_ok 303 "$st"
t_expect_header login_ok Location /plans
t_header login_ok Set-Cookie | grep -Eq '^muster_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+$' ||
    t_fail "login: session cookie: $(t_header login_ok Set-Cookie)"

# ---- the dashboard ----
st=$(req dash admin "$T_BASE/")
t_expect_status dash 200 "$st"
html_page dash
t_has dash '<h1>工作台</h1>'
t_has dash '<a data-nav="dashboard" href="/" aria-current="page">工作台</a>'
t_has dash '<a data-nav="plans" href="/plans">预案</a>'
t_has dash '<a data-nav="roster" href="/roster">值班</a>'
t_has dash '<a data-nav="checkins" href="/checkins/board">零报告</a>'
t_has dash '<a data-nav="cases" href="/cases">信访</a>'
t_has dash '<a data-nav="users" href="/admin/users">用户管理</a>'
t_has dash '<span class="who" data-user title="当前用户"><bdi>boss</bdi> <span class="role">管理员</span></span>'
t_has dash '<form id="lang" method="post" action="/lang"'
t_has dash '<button type="submit" name="lang" value="zh" aria-pressed="true">中文</button>'
t_has dash '<button type="submit" name="lang" value="en">English</button>'
t_has dash '<form id="logout" method="post" action="/logout">'
t_has dash '<div class="cards" data-cards>'
t_has dash "<a data-plan-id=\"$PLAN_ID\" href=\"/plans/$PLAN_ID\"><bdi>$TITLE</bdi></a>"
t_has dash 'data-live="plans"'
CSRF=$(csrf_of dash)
[ "$(printf '%s' "$CSRF" | wc -c)" -eq 43 ] || t_fail "dashboard: csrf field '$CSRF'"
[ "$(grep -c 'name="csrf" value="'"$CSRF"'"' "$T_TMP/dash.body")" -eq 2 ] ||
    t_fail "dashboard: the lang and logout forms do not both carry the csrf token"

# Today in Asia/Shanghai, with the status the calendar gives (checked twice
# around the request in case the date changes meanwhile).
day=$(sed -n 's|.*<time datetime="\([0-9-]*\)">.*|\1|p' "$T_TMP/dash.body")
d1=$(TZ=Asia/Shanghai date +%F)
[ "$day" = "$d1" ] || [ "$day" = "$(TZ=Asia/Shanghai date -d '1 minute ago' +%F)" ] ||
    t_fail "dashboard: today is '$day', want $d1"
kind=$("$MUSTER" calendar is-workday "$day")
case $kind in
workday) want='<span class="day-status day-workday">工作日</span>' ;;
weekend) want='<span class="day-status day-weekend">周末</span>' ;;
"workday (adjusted)") want='<span class="day-status day-adjusted">调休上班</span>' ;;
"holiday "*) want="<span class=\"day-status day-holiday\">节假日：${kind#holiday }</span>" ;;
*) t_fail "calendar is-workday said '$kind'" ;;
esac
t_has dash "$want"
t_has dash '<section class="today" data-today'

# ---- the plan list and one plan ----
st=$(req plans admin "$T_BASE/plans")
t_expect_status plans 200 "$st"
html_page plans
t_has plans '<a data-nav="plans" href="/plans" aria-current="page">预案</a>'
t_has plans "<a data-plan-id=\"$PLAN_ID\" href=\"/plans/$PLAN_ID\"><bdi>$TITLE</bdi></a>"
t_has plans '<td>第 1 版</td>'

st=$(req plan1 admin "$T_BASE/plans/$PLAN_ID")
t_expect_status plan1 200 "$st"
html_page plan1
t_has plan1 '<article class="plan">'
t_has plan1 "<h1>$TITLE</h1>"
t_has plan1 '<p class="org">青山市第三中学</p>'
t_has plan1 '<ol data-versions>'
t_has plan1 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\" aria-current=\"page\">第 1 版</a>"
t_has plan1 "<a class=\"button\" data-print href=\"/plans/$PLAN_ID/print\">"
t_hasnt plan1 'data-diff'
[ "$(count plan1 '<html')" -eq 1 ] || t_fail "plan page: the rendered plan is a nested document"
[ "$(count plan1 '<body')" -eq 1 ] || t_fail "plan page: more than one <body>"

# A changed version: one line changed, one added at the end.
sed -e 's/^## 二、组织机构与职责$/## 二、组织机构和职责/' \
    "$MUSTER_SRCDIR/examples/plans/school.md" >"$T_TMP/v2.md"
printf '5. 本预案由学校安全办公室负责解释。\n' >>"$T_TMP/v2.md"
"$MUSTER" --db "$T_DB" plan load "$T_TMP/v2.md" >/dev/null || t_fail "cannot load version 2"

st=$(req plan2 admin "$T_BASE/plans/$PLAN_ID")
t_expect_status plan2 200 "$st"
t_has plan2 "<a data-version=\"2\" href=\"/plans/$PLAN_ID?version=2\" aria-current=\"page\">第 2 版</a>"
t_has plan2 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\">第 1 版</a>"
t_has plan2 "<a class=\"button\" data-diff href=\"/plans/$PLAN_ID/diff?from=1&amp;to=2\">与上一版比较</a>"
t_has plan2 '二、组织机构和职责'
t_hasnt plan2 'plan.viewing_old'
st=$(req plan2v1 admin "$T_BASE/plans/$PLAN_ID?version=1")
t_expect_status plan2v1 200 "$st"
t_has plan2v1 '二、组织机构与职责'
t_has plan2v1 '您正在查看旧版本。'
t_has plan2v1 "<a data-version=\"1\" href=\"/plans/$PLAN_ID?version=1\" aria-current=\"page\">"
t_has plan2v1 "data-print href=\"/plans/$PLAN_ID/print?version=1\""
st=$(req plan_v9 admin "$T_BASE/plans/$PLAN_ID?version=9")
t_expect_status plan_v9 404 "$st"
html_page plan_v9
t_has plan_v9 'data-error="404"'
st=$(req plan_vx admin "$T_BASE/plans/$PLAN_ID?version=x")
t_expect_status plan_vx 400 "$st"
t_has plan_vx 'data-error="400"'
st=$(req plan_none admin "$T_BASE/plans/no-such-plan")
t_expect_status plan_none 404 "$st"
t_has plan_none '没有这个预案或版本'

# ---- the diff ----
st=$(req diff admin "$T_BASE/plans/$PLAN_ID/diff?from=1&to=2")
t_expect_status diff 200 "$st"
html_page diff
t_has diff '<table class="diff">'
t_has diff '<tr class="del"><td class="ln">652</td><td class="ln"></td><td class="sign">-</td><td class="text">## 二、组织机构与职责</td></tr>'
t_has diff '<tr class="add"><td class="ln"></td><td class="ln">652</td><td class="sign">+</td><td class="text">## 二、组织机构和职责</td></tr>'
t_has diff '<tr class="add"><td class="ln"></td><td class="ln">773</td><td class="sign">+</td><td class="text">5. 本预案由学校安全办公室负责解释。</td></tr>'
t_has diff '<tr class="same"><td class="ln">651</td><td class="ln">651</td><td class="sign"></td><td class="text"></td></tr>'
t_has diff '<tr class="skip"><td colspan="4">省略 648 行未改动的内容</td></tr>'
[ "$(count diff '<tr class="add">')" -eq 2 ] || t_fail "diff: want 2 added rows"
[ "$(count diff '<tr class="del">')" -eq 1 ] || t_fail "diff: want 1 removed row"
[ "$(count diff '<tr class="same">')" -eq 9 ] || t_fail "diff: want 9 context rows, got $(count diff '<tr class="same">')"
t_has diff '<span class="stat-add">增加行数: 2</span> <span class="stat-del">删除行数: 1</span>'
st=$(req diff_same admin "$T_BASE/plans/$PLAN_ID/diff?from=2&to=2")
t_expect_status diff_same 200 "$st"
t_has diff_same '两个版本内容相同。'
t_hasnt diff_same '<table class="diff">'
st=$(req diff_bad admin "$T_BASE/plans/$PLAN_ID/diff?from=1&to=7")
t_expect_status diff_bad 400 "$st"
t_has diff_bad '请选择两个已有的版本'
st=$(req diff_default admin "$T_BASE/plans/$PLAN_ID/diff")
t_expect_status diff_default 200 "$st"
[ "$(count diff_default '<tr class="add">')" -eq 2 ] || t_fail "diff without versions: not latest-1 to latest"

# ---- the printable page ----
st=$(req print admin "$T_BASE/plans/$PLAN_ID/print")
t_expect_status print 200 "$st"
html_page print
t_has print '<link rel="stylesheet" href="/static/print.css">'
t_has print "<title>$TITLE</title>"
t_has print "<h1>$TITLE</h1>"
t_has print '<button type="button" data-action="print">打印</button>'
t_hasnt print '<nav'
t_hasnt print '<header'

# ---- user administration ----
st=$(req users admin "$T_BASE/admin/users")
t_expect_status users 200 "$st"
html_page users
t_has users '<table class="list" data-users>'
t_has users '<tr data-user-row="boss">'
t_has users '<tr data-user-row="rep">'
t_has users '<td>c7-1</td>'
t_has users '<form id="user-add" method="post" action="/admin/users"'
t_has users '<a data-nav="users" href="/admin/users" aria-current="page">用户管理</a>'
t_has users '<form method="post" action="/admin/users/rep/disable" class="inline">'
# No disable button for oneself.
t_hasnt users 'action="/admin/users/boss/disable"'

st=$(req add_short admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=officer \
    -d units= -d password=short "$T_BASE/admin/users")
t_expect_status add_short 400 "$st"
html_page add_short
t_has add_short '<p class="flash flash-error" role="alert" data-field="password">密码太短：至少需要 10 个字符</p>'
t_has add_short 'value="newbie"'
t_has add_short '<option value="officer" selected>'
st=$(req add_rep admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=reporter \
    -d units= -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_rep 400 "$st"
t_has add_rep 'data-field="unit">填报员至少需要一个负责单位</p>'
st=$(req add_ok admin --data-urlencode "csrf=$CSRF" -d name=newbie -d role=reporter \
    --data-urlencode 'units=c7-2，c8-1 c9-1' -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_ok 303 "$st"
t_expect_header add_ok Location "/admin/users?added=newbie"
st=$(req add_dup admin --data-urlencode "csrf=$CSRF" -d name=NEWBIE -d role=viewer \
    -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_dup 400 "$st"
t_has add_dup 'data-field="name">已经有同名用户</p>'
st=$(req users2 admin "$T_BASE/admin/users?added=newbie")
t_has users2 '<p class="flash flash-ok" role="status">已添加用户 newbie</p>'
t_has users2 '<td>c7-2, c8-1, c9-1</td>'
"$MUSTER" --db "$T_DB" user list | grep -q '^newbie' || t_fail "the added user is not in 'muster user list'"

st=$(req nocsrf admin -d x=1 "$T_BASE/admin/users/newbie/disable")
t_expect_status nocsrf 403 "$st"
html_page nocsrf
t_has nocsrf 'data-error="403"'
st=$(req disable admin --data-urlencode "csrf=$CSRF" "$T_BASE/admin/users/newbie/disable")
t_expect_status disable 303 "$st"
t_expect_header disable Location "/admin/users?changed=newbie"
st=$(req users3 admin "$T_BASE/admin/users")
grep -A4 'data-user-row="newbie"' "$T_TMP/users3.body" | grep -qF '已停用' ||
    t_fail "users: newbie is not shown disabled"
t_has users3 'action="/admin/users/newbie/enable"'
st=$(req enable_none admin --data-urlencode "csrf=$CSRF" "$T_BASE/admin/users/ghost/enable")
t_expect_status enable_none 404 "$st"
t_has enable_none '没有这个用户'

# ---- a reporter: the frame, no plans, 403 pages ----
st=$(req rlogin rep --data-urlencode username=rep --data-urlencode "password=$PW_REP" "$T_BASE/login")
t_expect_status rlogin 303 "$st"
st=$(req rdash rep "$T_BASE/")
t_expect_status rdash 200 "$st"
t_has rdash '<h1>工作台</h1>'
t_has rdash '<span class="role">填报员</span>'
t_hasnt rdash 'data-nav="users"'
t_hasnt rdash 'data-plan-id'
for p in /admin/users /plans "/plans/$PLAN_ID"; do
    st=$(req rforbidden rep "$T_BASE$p")
    t_expect_status "reporter $p" 403 "$st"
    html_page rforbidden
    t_has rforbidden '<section class="error-page panel" data-error="403">'
    t_has rforbidden '<h1>没有权限</h1>'
    t_has rforbidden '<span class="who" data-user'
done
RCSRF=$(csrf_of rdash)
st=$(req radd rep --data-urlencode "csrf=$RCSRF" -d name=x -d role=admin -d password=long-enough-1 \
    "$T_BASE/admin/users")
t_expect_status "reporter add user" 403 "$st"
"$MUSTER" --db "$T_DB" user list | grep -q '^x ' && t_fail "a reporter added a user"

# ---- language: English and back, remembered per user ----
st=$(req lang_en admin --data-urlencode "csrf=$CSRF" -d lang=en -d next=/plans "$T_BASE/lang")
t_expect_status lang_en 303 "$st"
t_expect_header lang_en Location /plans
t_header lang_en Set-Cookie | grep -q '^lang=en; Path=/' || t_fail "lang: cookie: $(t_header lang_en Set-Cookie)"
st=$(req dash_en admin "$T_BASE/")
t_has dash_en '<html lang="en">'
t_has dash_en '<h1>Dashboard</h1>'
t_has dash_en '<a data-nav="plans" href="/plans">Plans</a>'
t_has dash_en '<a data-nav="cases" href="/cases">Cases</a>'
t_has dash_en '<button type="submit" name="lang" value="en" aria-pressed="true">English</button>'
# A new session of the same user, without the cookie, is in English too.
st=$(req login_en admin2 --data-urlencode username=boss --data-urlencode "password=$PW_BOSS" "$T_BASE/login")
t_expect_status login_en 303 "$st"
sed -i '/[[:space:]]lang[[:space:]]/d' "$T_TMP/admin2"
st=$(req dash_en2 admin2 "$T_BASE/")
t_has dash_en2 '<h1>Dashboard</h1>'
st=$(req plan_en admin "$T_BASE/plans/$PLAN_ID")
t_has plan_en 'Version 2'
st=$(req lang_nocsrf admin -d lang=zh "$T_BASE/lang")
t_expect_status lang_nocsrf 403 "$st"
st=$(req lang_bad admin --data-urlencode "csrf=$CSRF" -d lang=fr "$T_BASE/lang")
t_expect_status lang_bad 400 "$st"
t_has lang_bad 'Unsupported language'
st=$(req lang_zh admin --data-urlencode "csrf=$CSRF" -d lang=zh -d next=//evil.example "$T_BASE/lang")
t_expect_status lang_zh 303 "$st"
t_expect_header lang_zh Location /
st=$(req dash_zh admin "$T_BASE/")
t_has dash_zh '<h1>工作台</h1>'
# Anonymous: the cookie alone picks the login page's language.
st=$(req anon_lang anon -d lang=en "$T_BASE/lang")
t_expect_status anon_lang 303 "$st"
st=$(req login_en_page anon "$T_BASE/login")
t_has login_en_page '<html lang="en">'
t_has login_en_page '<button type="submit" class="primary">Log in</button>'

# ---- logout ----
st=$(req logout admin --data-urlencode "csrf=$CSRF" "$T_BASE/logout")
t_expect_status logout 303 "$st"
t_expect_header logout Location /login
t_header logout Set-Cookie | grep -q '^muster_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0' ||
    t_fail "logout: cookie not cleared: $(t_header logout Set-Cookie)"
st=$(req after_logout admin "$T_BASE/")
t_expect_status after_logout 303 "$st"
t_expect_header after_logout Location "/login?next=/"

# ---- static assets ----
for f in style.css app.js print.css favicon.svg; do
    st=$(req "static_$f" anon "$T_BASE/static/$f")
    t_expect_status "static $f" 200 "$st"
    t_expect_header "static_$f" Cache-Control "public, max-age=3600"
    cmp -s "$T_TMP/static_$f.body" "$MUSTER_SRCDIR/web/static/$f" || t_fail "static $f: not the file"
done
t_expect_header static_style.css Content-Type "text/css; charset=utf-8"
t_expect_header static_app.js Content-Type "text/javascript; charset=utf-8"
etag=$(t_header static_app.js ETag)
echo "$etag" | grep -Eq '^"[0-9a-f]{32}"$' || t_fail "static: ETag '$etag'"
st=$(req static_304 anon -H "If-None-Match: $etag" "$T_BASE/static/app.js")
t_expect_status static_304 304 "$st"
[ ! -s "$T_TMP/static_304.body" ] || t_fail "static: 304 with a body"
t_expect_header static_304 ETag "$etag"
st=$(req static_other anon -H 'If-None-Match: "nope"' "$T_BASE/static/app.js")
t_expect_status static_other 200 "$st"
st=$(req static_none anon "$T_BASE/static/nope.css")
t_expect_status static_none 404 "$st"

t_stop_server
t_done
