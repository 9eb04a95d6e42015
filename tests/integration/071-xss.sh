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
    echo "071-xss: FAIL: $*" >&2
    exit 1
}

DB="$TMP/x.db"
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
    -e "s|{id: liushu, name: 柳树村,|{id: liushu, name: \"U $YS\",|" "$src" >"$TMP/xss.md"
printf '\n%s\n\n<img src=x onerror=alert(1)>\n\nB %s\n' "$RAW" "\"' $ODD" >>"$TMP/xss.md"
grep -q '^title: "T <script>' "$TMP/xss.md" || fail "test setup: title not replaced"
grep -q '^  name: "O <script>' "$TMP/xss.md" || fail "test setup: org name not replaced"
grep -q 'name: "U <script>' "$TMP/xss.md" || fail "test setup: unit name not replaced"

"$MUSTER" --db "$DB" plan load "$src" >/dev/null || fail "cannot load the clean plan"
"$MUSTER" --db "$DB" plan load "$TMP/xss.md" >/dev/null || fail "cannot load the hostile plan"
printf 'admin-pass-123\n' | "$MUSTER" --db "$DB" user add boss --role admin --password-stdin \
    >/dev/null || fail "cannot add the admin"

"$MUSTER" --db "$DB" serve --listen 127.0.0.1:0 --threads 4 >"$TMP/out" 2>"$TMP/err" &
PID=$!
n=0
until grep -q '^muster: listening on ' "$TMP/out"; do
    n=$((n + 1))
    [ "$n" -le 300 ] || fail "server did not start"
    kill -0 "$PID" 2>/dev/null || { PID=""; fail "server exited at start: $(cat "$TMP/err")"; }
    sleep 0.1
done
BASE=$(sed -n 's|^muster: listening on \(http://127\.0\.0\.1:[1-9][0-9]*\)/$|\1|p' "$TMP/out")

req() { # NAME CURL-ARGS... -> status; body in $TMP/NAME.body
    name=$1
    shift
    curl -sS --max-time 20 -b "$TMP/jar" -c "$TMP/jar" -o "$TMP/$name.body" \
        -D "$TMP/$name.hdr" -w '%{http_code}' "$@"
}

expect_status() { # NAME WANT GOT
    [ "$3" = "$2" ] || fail "$1: status $3, want $2"
}

# The checks every page gets: no raw markup of the payloads, and the only
# script element is the external one.
clean() { # NAME
    f="$TMP/$1.body"
    if grep -qF -- "$RAW" "$f"; then fail "$1: raw <script> in the page"; fi
    if grep -qF -- '<img src=x' "$f"; then fail "$1: raw <img onerror> in the page"; fi
    if grep -qiF -- 'onerror=' "$f" && ! grep -qF -- '&lt;img src=x onerror=alert(1)&gt;' "$f"; then
        fail "$1: an onerror attribute"
    fi
    scripts=$(grep -o '<script[^>]*>' "$f" | sort -u)
    [ -z "$scripts" ] || [ "$scripts" = '<script src="/static/app.js" defer></script>' ] ||
        [ "$scripts" = '<script src="/static/app.js" defer>' ] || fail "$1: script elements: $scripts"
    grep -qiF 'Content-Security-Policy: default-src '"'"'self'"'" "$TMP/$1.hdr" ||
        fail "$1: no CSP header"
}

has() { # NAME FIXED-STRING
    grep -qF -- "$2" "$TMP/$1.body" || fail "$1: body lacks: $2"
}

# Escaped, with the Unicode intact, as the plan renderer and the templates write it.
T_ESC="T $ESC &quot;&#39; $ODD"

# ---- login: user name echoed after a failure; next parameter ----
st=$(req login_fail --data-urlencode "username=$PAY" --data-urlencode password=whatever-123 \
    "$BASE/login")
expect_status login_fail 401 "$st"
clean login_fail
has login_fail "value=\"$PAY_ESC\""

st=$(req login_next -G --data-urlencode "next=/\"><script>alert(1)</script>" "$BASE/login")
expect_status login_next 200 "$st"
clean login_next
has login_next "<input type=\"hidden\" name=\"next\" value=\"/&quot;&gt;$ESC\">"
# A next with a line break never reaches the Location header.
st=$(req login_crlf --data-urlencode username=boss --data-urlencode password=admin-pass-123 \
    --data-urlencode "next=/x
Set-Cookie: evil=1" "$BASE/login")
expect_status login_crlf 303 "$st"
grep -qi '^Set-Cookie: evil' "$TMP/login_crlf.hdr" && fail "header injection through next"
[ "$(grep -i '^Location:' "$TMP/login_crlf.hdr" | tr -d '\r')" = "Location: /" ] ||
    fail "login with a bad next: $(grep -i '^Location:' "$TMP/login_crlf.hdr")"

st=$(req login --data-urlencode username=boss --data-urlencode password=admin-pass-123 \
    --data-urlencode "next=/\"'<x>" "$BASE/login")
expect_status login 303 "$st"

# ---- plan texts on every plan page ----
st=$(req dash "$BASE/")
expect_status dash 200 "$st"
clean dash
has dash "<bdi>$T_ESC</bdi>"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/dash.body" | head -n 1)
[ -n "$CSRF" ] || fail "no csrf token on the dashboard"

st=$(req plans "$BASE/plans")
expect_status plans 200 "$st"
clean plans
has plans "<bdi>$T_ESC</bdi>"

st=$(req plan "$BASE/plans/$PLAN_ID")
expect_status plan 200 "$st"
clean plan
has plan "<title>$T_ESC · muster</title>"
has plan "<h1>$T_ESC</h1>"
has plan "<p class=\"org\">O $ESC &quot;&#39; $ODD</p>"
has plan "U $ESC &quot;&#39; $ODD"
has plan "<p>$ESC</p>"
has plan '<p>&lt;img src=x onerror=alert(1)&gt;</p>'

st=$(req print "$BASE/plans/$PLAN_ID/print")
expect_status print 200 "$st"
clean print
has print "<title>$T_ESC</title>"
has print "<h1>$T_ESC</h1>"

st=$(req plan_v1 "$BASE/plans/$PLAN_ID?version=1")
expect_status plan_v1 200 "$st"
clean plan_v1

st=$(req diff "$BASE/plans/$PLAN_ID/diff?from=1&to=2")
expect_status diff 200 "$st"
clean diff
has diff "<h1>版本比较：$T_ESC</h1>"
# The source lines themselves, as added rows (the YAML escapes stay text).
has diff "<td class=\"text\">title: &quot;T $ESC \\&quot;&#39; \\u202E\\u200D \\U0001F600 中文&quot;</td></tr>"
has diff "<td class=\"sign\">+</td><td class=\"text\">$ESC</td></tr>"
has diff "<td class=\"sign\">+</td><td class=\"text\">B &quot;&#39; $ODD</td></tr>"

# ---- the user-add form echoes name and units after an error ----
st=$(req add_name --data-urlencode "csrf=$CSRF" --data-urlencode "name=$PAY" -d role=officer \
    --data-urlencode "units=$PAY" -d password=long-enough-1 "$BASE/admin/users")
expect_status add_name 400 "$st"
clean add_name
has add_name "id=\"ua-name\" name=\"name\" type=\"text\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" value=\"$PAY_ESC\" aria-invalid=\"true\">"
has add_name "value=\"$PAY_ESC\">"
st=$(req add_units --data-urlencode "csrf=$CSRF" -d name=okname -d role=officer \
    --data-urlencode "units=c7-1 $PAY" -d password=long-enough-1 "$BASE/admin/users")
expect_status add_units 400 "$st"
clean add_units
has add_units "name=\"units\" type=\"text\" autocomplete=\"off\" value=\"c7-1 $PAY_ESC\" aria-invalid=\"true\">"
has add_units 'data-field="unit"'
st=$(req add_role --data-urlencode "csrf=$CSRF" -d name=okname --data-urlencode "role=$PAY" \
    -d password=long-enough-1 "$BASE/admin/users")
expect_status add_role 400 "$st"
clean add_role
"$MUSTER" --db "$DB" user list | grep -q okname && fail "a user was added from a bad form"
# Invalid UTF-8 in a form is refused as a whole.
st=$(req add_utf8 --data-urlencode "csrf=$CSRF" -d 'name=a%FFb' -d role=officer \
    -d password=long-enough-1 "$BASE/admin/users")
expect_status add_utf8 400 "$st"
clean add_utf8

# ---- the language form and the query string of a page ----
st=$(req lang --data-urlencode "csrf=$CSRF" --data-urlencode "lang=$PAY" "$BASE/lang")
expect_status lang 400 "$st"
clean lang
if grep -qF -- "$ODD" "$TMP/lang.body"; then fail "lang: the bad value is echoed"; fi
st=$(req query -G --data-urlencode "q=$PAY" "$BASE/plans")
expect_status query 200 "$st"
clean query
has query '<input type="hidden" name="next" value="/plans?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27%20%E2%80%AE%E2%80%8D%20%F0%9F%98%80%20%E4%B8%AD%E6%96%87">'
st=$(req path404 "$BASE/plans/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
expect_status path404 404 "$st"
clean path404

kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[ "$rc" -eq 0 ] || fail "server exited with $rc after SIGTERM"
echo "071-xss: ok"
