#!/bin/sh
# SPDX-License-Identifier: MIT
# Hostile text through every field that reaches a page: `<script>`, an
# <img onerror>, both quotes, and odd Unicode (RTL override U+202E, zero
# width joiner, a 4-byte emoji, CJK). It arrives through a loaded plan file
# (title, organisation name, a unit name, the Markdown body; also diffed
# against the previous version), the user-add form (name and units echoed
# after a validation error), the login form (user name echoed), the `next`
# parameter, the language form and the query string of any page. Each page
# must contain the text only escaped (and the Unicode intact), never the
# raw markup; the only <script> element is the external app.js.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 071-xss
T_DB="$T_TMP/x.db"
PLAN_ID=hewan-township-flood
RAW='<script>alert(1)</script>'
ESC='&lt;script&gt;alert(1)&lt;/script&gt;'
# U+202E RIGHT-TO-LEFT OVERRIDE, U+200D ZERO WIDTH JOINER, U+1F600, CJK.
ODD=$(printf '\342\200\256\342\200\215 \360\237\230\200 \344\270\255\346\226\207')
# The payload as typed into forms, and as it must come back in HTML.
PAY="$RAW\"' $ODD"
PAY_ESC="$ESC&quot;&#39; $ODD"

# ---- a plan whose texts carry the payload (YAML double-quoted strings) ----
src="$MUSTER_SRCDIR/examples/plans/township.md"
Y='<script>alert(1)</script> \"'"'"' \u202E\u200D \U0001F600 中文'
YS=$(printf '%s' "$Y" | sed 's/\\/\\\\/g') # for a sed replacement
sed -e "s|^title: 河湾镇汛期突发事件应急预案\$|title: \"T $YS\"|" \
    -e "0,/^  name: 河湾镇人民政府\$/s||  name: \"O $YS\"|" \
    -e "s|{id: liushu, name: 柳树村,|{id: liushu, name: \"U $YS\",|" "$src" >"$T_TMP/xss.md"
printf '\n%s\n\n<img src=x onerror=alert(1)>\n\nB %s\n' "$RAW" "\"' $ODD" >>"$T_TMP/xss.md"
grep -q '^title: "T <script>' "$T_TMP/xss.md" || t_fail "test setup: title not replaced"
grep -q '^  name: "O <script>' "$T_TMP/xss.md" || t_fail "test setup: org name not replaced"
grep -q 'name: "U <script>' "$T_TMP/xss.md" || t_fail "test setup: unit name not replaced"

"$MUSTER" --db "$T_DB" plan load "$src" >/dev/null || t_fail "cannot load the clean plan"
"$MUSTER" --db "$T_DB" plan load "$T_TMP/xss.md" >/dev/null || t_fail "cannot load the hostile plan"
t_user boss admin
PW_BOSS=$(t_password boss)

t_start_server --threads 4

# req NAME CURL-ARGS... -> status (t_req with the cookie jar $T_TMP/jar)
req() {
    _name=$1
    shift
    t_req "$_name" -b "$T_TMP/jar" -c "$T_TMP/jar" "$@"
}

# The checks every page gets: no raw markup of the payloads, and the only
# script element is the external one.
clean() { # NAME
    f="$T_TMP/$1.body"
    if grep -qF -- "$RAW" "$f"; then t_fail "$1: raw <script> in the page"; fi
    if grep -qF -- '<img src=x' "$f"; then t_fail "$1: raw <img onerror> in the page"; fi
    if grep -qiF -- 'onerror=' "$f" && ! grep -qF -- '&lt;img src=x onerror=alert(1)&gt;' "$f"; then
        t_fail "$1: an onerror attribute"
    fi
    scripts=$(grep -o '<script[^>]*>' "$f" | sort -u)
    [ -z "$scripts" ] || [ "$scripts" = '<script src="/static/app.js" defer></script>' ] ||
        [ "$scripts" = '<script src="/static/app.js" defer>' ] || t_fail "$1: script elements: $scripts"
    grep -qiF 'Content-Security-Policy: default-src '"'"'self'"'" "$T_TMP/$1.hdr" ||
        t_fail "$1: no CSP header"
}

# Escaped, with the Unicode intact, as the plan renderer and the templates write it.
T_ESC="T $ESC &quot;&#39; $ODD"

# ---- login: user name echoed after a failure; next parameter ----
st=$(req login_fail --data-urlencode "username=$PAY" --data-urlencode password=whatever-123 \
    "$T_BASE/login")
t_expect_status login_fail 401 "$st"
clean login_fail
t_has login_fail "value=\"$PAY_ESC\""

st=$(req login_next -G --data-urlencode "next=/\"><script>alert(1)</script>" "$T_BASE/login")
t_expect_status login_next 200 "$st"
clean login_next
t_has login_next "<input type=\"hidden\" name=\"next\" value=\"/&quot;&gt;$ESC\">"
# A next with a line break never reaches the Location header.
st=$(req login_crlf --data-urlencode username=boss --data-urlencode "password=$PW_BOSS" \
    --data-urlencode "next=/x
Set-Cookie: evil=1" "$T_BASE/login")
t_expect_status login_crlf 303 "$st"
grep -qi '^Set-Cookie: evil' "$T_TMP/login_crlf.hdr" && t_fail "header injection through next"
[ "$(grep -i '^Location:' "$T_TMP/login_crlf.hdr" | tr -d '\r')" = "Location: /" ] ||
    t_fail "login with a bad next: $(grep -i '^Location:' "$T_TMP/login_crlf.hdr")"

st=$(req login --data-urlencode username=boss --data-urlencode "password=$PW_BOSS" \
    --data-urlencode "next=/\"'<x>" "$T_BASE/login")
t_expect_status login 303 "$st"

# ---- plan texts on every plan page ----
st=$(req dash "$T_BASE/")
t_expect_status dash 200 "$st"
clean dash
t_has dash "<bdi>$T_ESC</bdi>"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T_TMP/dash.body" | head -n 1)
[ -n "$CSRF" ] || t_fail "no csrf token on the dashboard"

st=$(req plans "$T_BASE/plans")
t_expect_status plans 200 "$st"
clean plans
t_has plans "<bdi>$T_ESC</bdi>"

st=$(req plan "$T_BASE/plans/$PLAN_ID")
t_expect_status plan 200 "$st"
clean plan
t_has plan "<title>$T_ESC · muster</title>"
t_has plan "<h1>$T_ESC</h1>"
t_has plan "<p class=\"org\">O $ESC &quot;&#39; $ODD</p>"
t_has plan "U $ESC &quot;&#39; $ODD"
t_has plan "<p>$ESC</p>"
t_has plan '<p>&lt;img src=x onerror=alert(1)&gt;</p>'

st=$(req print "$T_BASE/plans/$PLAN_ID/print")
t_expect_status print 200 "$st"
clean print
t_has print "<title>$T_ESC</title>"
t_has print "<h1>$T_ESC</h1>"

st=$(req plan_v1 "$T_BASE/plans/$PLAN_ID?version=1")
t_expect_status plan_v1 200 "$st"
clean plan_v1

st=$(req diff "$T_BASE/plans/$PLAN_ID/diff?from=1&to=2")
t_expect_status diff 200 "$st"
clean diff
t_has diff "<h1>版本比较：$T_ESC</h1>"
# The source lines themselves, as added rows (the YAML escapes stay text).
t_has diff "<td class=\"text\">title: &quot;T $ESC \\&quot;&#39; \\u202E\\u200D \\U0001F600 中文&quot;</td></tr>"
t_has diff "<td class=\"sign\">+</td><td class=\"text\">$ESC</td></tr>"
t_has diff "<td class=\"sign\">+</td><td class=\"text\">B &quot;&#39; $ODD</td></tr>"

# ---- the user-add form echoes name and units after an error ----
st=$(req add_name --data-urlencode "csrf=$CSRF" --data-urlencode "name=$PAY" -d role=officer \
    --data-urlencode "units=$PAY" -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_name 400 "$st"
clean add_name
t_has add_name "id=\"ua-name\" name=\"name\" type=\"text\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" value=\"$PAY_ESC\" aria-invalid=\"true\">"
t_has add_name "value=\"$PAY_ESC\">"
st=$(req add_units --data-urlencode "csrf=$CSRF" -d name=okname -d role=officer \
    --data-urlencode "units=c7-1 $PAY" -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_units 400 "$st"
clean add_units
t_has add_units "name=\"units\" type=\"text\" autocomplete=\"off\" value=\"c7-1 $PAY_ESC\" aria-invalid=\"true\">"
t_has add_units 'data-field="unit"'
st=$(req add_role --data-urlencode "csrf=$CSRF" -d name=okname --data-urlencode "role=$PAY" \
    -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_role 400 "$st"
clean add_role
"$MUSTER" --db "$T_DB" user list | grep -q okname && t_fail "a user was added from a bad form"
# Invalid UTF-8 in a form is refused as a whole.
st=$(req add_utf8 --data-urlencode "csrf=$CSRF" -d 'name=a%FFb' -d role=officer \
    -d password=long-enough-1 "$T_BASE/admin/users")
t_expect_status add_utf8 400 "$st"
clean add_utf8

# ---- the language form and the query string of a page ----
st=$(req lang --data-urlencode "csrf=$CSRF" --data-urlencode "lang=$PAY" "$T_BASE/lang")
t_expect_status lang 400 "$st"
clean lang
if grep -qF -- "$ODD" "$T_TMP/lang.body"; then t_fail "lang: the bad value is echoed"; fi
st=$(req query -G --data-urlencode "q=$PAY" "$T_BASE/plans")
t_expect_status query 200 "$st"
clean query
t_has query '<input type="hidden" name="next" value="/plans?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27%20%E2%80%AE%E2%80%8D%20%F0%9F%98%80%20%E4%B8%AD%E6%96%87">'
st=$(req path404 "$T_BASE/plans/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
t_expect_status path404 404 "$st"
clean path404

t_stop_server
t_done
