#!/bin/sh
# SPDX-License-Identifier: MIT
# The plans API with the example plans loaded (one of them twice, so it has
# two versions): the list and its pagination (every limit walks the same
# ids in order, bad limit and cursor are 400 naming them), one plan and one
# version of it (compared with `muster plan show --json`), the line diff of
# two versions, the 404s and 400s, the dashboard (today in UTC+8 with its
# working-day status from the calendar, the plans, no cards yet), and the
# user list's pagination.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 062-api-plans
T_ACTOR=loader
m() { t_muster "$@"; }
EX="$MUSTER_SRCDIR/examples/plans"

t_user admin1 admin
for u in carol dave erin frank; do
    t_user "$u" viewer
done
TOKEN=$(m token create --user admin1 2>/dev/null)
m plan load "$EX/school.md" "$EX/township.md" "$EX/housing-bureau.md" >/dev/null
cp "$EX/school.md" "$T_TMP/school.md"
printf '\n## 附：修订说明\n\n第二版。\n' >>"$T_TMP/school.md"
m plan load "$T_TMP/school.md" >/dev/null
m plan list | awk 'NR > 1 { print $1 }' >"$T_TMP/ids"
[ "$(wc -l <"$T_TMP/ids")" -eq 3 ] || t_fail "expected 3 plans loaded: $(cat "$T_TMP/ids")"
sort "$T_TMP/ids" | cmp -s - "$T_TMP/ids" || t_fail "plan list is not ordered by id"

t_start_server --threads 2

# get NAME PATH: prints the status; body in $T_TMP/NAME.
get() {
    curl -sS --max-time 20 -o "$T_TMP/$1" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$T_BASE$2"
}
expect() { # NAME WANT-STATUS GOT-STATUS [WANT-BODY]
    [ "$3" = "$2" ] || t_fail "$1: status $3, want $2; body: $(cat "$T_TMP/$1")"
    if [ $# -ge 4 ]; then
        [ "$(cat "$T_TMP/$1")" = "$4" ] || t_fail "$1: body
  got:  $(cat "$T_TMP/$1")
  want: $4"
    fi
}
next_cursor() { sed -n 's/.*"next_cursor":\(null\|"[^"]*"\)}$/\1/p' "$T_TMP/$1" | tr -d '"'; }
ids_of() { grep -o '"id":"[^"]*"' "$T_TMP/$1" | sed 's/"id":"\(.*\)"/\1/'; }

# ---- the list ----
st=$(get all /api/v1/plans)
expect all 200 "$st"
ids_of all | cmp -s - "$T_TMP/ids" || t_fail "list: ids $(ids_of all | tr '\n' ' ')"
[ "$(next_cursor all)" = null ] || t_fail "list: next_cursor $(next_cursor all), want null"
grep -q '{"id":"qingshan-no3-school","title":"[^"]*","version":2,"loaded_at":"[0-9-]*T[0-9:]*Z","loaded_by":"loader"}' "$T_TMP/all" ||
    t_fail "list: school item: $(cat "$T_TMP/all")"

for limit in 1 2 3 500; do
    : >"$T_TMP/walk"
    cursor=""
    pages=0
    while :; do
        q="limit=$limit"
        [ -z "$cursor" ] || q="$q&cursor=$cursor"
        st=$(get page "/api/v1/plans?$q")
        expect page 200 "$st"
        ids_of page >>"$T_TMP/walk"
        [ "$(ids_of page | wc -l)" -le "$limit" ] || t_fail "limit=$limit: page longer than the limit"
        pages=$((pages + 1))
        cursor=$(next_cursor page)
        [ "$cursor" != null ] || break
        [ "$pages" -le 5 ] || t_fail "limit=$limit: pagination does not end"
    done
    cmp -s "$T_TMP/walk" "$T_TMP/ids" || t_fail "limit=$limit: walked $(tr '\n' ' ' <"$T_TMP/walk")"
    want_pages=$(((3 + limit - 1) / limit))
    [ "$pages" -eq "$want_pages" ] || t_fail "limit=$limit: $pages pages, want $want_pages"
done

st=$(get lim0 "/api/v1/plans?limit=0")
expect lim0 400 "$st" '{"error":{"code":"bad_request","message":"'"'"'limit'"'"' must be a whole number from 1 to 500","field":"limit"}}'
st=$(get lim501 "/api/v1/plans?limit=501")
expect lim501 400 "$st"
st=$(get badcur "/api/v1/plans?cursor=a%2Fb")
expect badcur 400 "$st"
grep -q '"field":"cursor"' "$T_TMP/badcur" || t_fail "bad cursor: $(cat "$T_TMP/badcur")"

# ---- one plan, one version ----
m plan show qingshan-no3-school --json >"$T_TMP/cli2"
m plan show qingshan-no3-school --version 1 --json >"$T_TMP/cli1"
hash_of() { grep -o '"source_hash": *"[0-9a-f]*"' "$T_TMP/$1" | head -n 1 | sed 's/.*"\([0-9a-f]*\)"$/\1/'; }
st=$(get latest /api/v1/plans/qingshan-no3-school)
expect latest 200 "$st"
grep -q '^{"id":"qingshan-no3-school","title":"[^"]*","version":2,"latest_version":2,"loaded_at":"[^"]*","loaded_by":"loader","source_hash":"[0-9a-f]\{64\}","versions":\[{"version":1,.*},{"version":2,.*}\],"plan":{.*}}$' "$T_TMP/latest" ||
    t_fail "latest: $(head -c 400 "$T_TMP/latest")"
[ "$(hash_of latest)" = "$(hash_of cli2)" ] || t_fail "latest: source_hash differs from plan show"
st=$(get v1 /api/v1/plans/qingshan-no3-school/versions/1)
expect v1 200 "$st"
grep -q '^{"id":"qingshan-no3-school","title":"[^"]*","version":1,"latest_version":2,' "$T_TMP/v1" ||
    t_fail "version 1: $(head -c 300 "$T_TMP/v1")"
[ "$(hash_of v1)" = "$(hash_of cli1)" ] || t_fail "version 1: source_hash differs from plan show"
[ "$(hash_of v1)" != "$(hash_of latest)" ] || t_fail "versions 1 and 2 have the same hash"
st=$(get v2 /api/v1/plans/qingshan-no3-school/versions/2)
expect v2 200 "$st"
cmp -s "$T_TMP/v2" "$T_TMP/latest" || t_fail "versions/2 differs from the latest"

st=$(get nosuch /api/v1/plans/no-such-plan)
expect nosuch 404 "$st"
grep -q '"code":"not_found","message":"[^"]*'"'"'no-such-plan'"'"'' "$T_TMP/nosuch" || t_fail "404 message: $(cat "$T_TMP/nosuch")"
st=$(get v3 /api/v1/plans/qingshan-no3-school/versions/3)
expect v3 404 "$st"
for bad in 0 01 -1 x 1x 9999999999; do
    st=$(get vbad "/api/v1/plans/qingshan-no3-school/versions/$bad")
    expect vbad 400 "$st" '{"error":{"code":"bad_request","message":"'"'"'version'"'"' must be a whole number from 1 to 999999999","field":"version"}}'
done

# ---- the diff of two versions ----
nsrc=$(wc -l <"$EX/school.md")
st=$(get diff "/api/v1/plans/qingshan-no3-school/diff?from=1&to=2")
expect diff 200 "$st"
grep -q '^{"from":1,"to":2,"lines":\[{"op":" ","text":".*{"op":"+","text":"## 附：修订说明"},{"op":"+","text":""},{"op":"+","text":"第二版。"}\]}$' "$T_TMP/diff" ||
    t_fail "diff: $(head -c 200 "$T_TMP/diff") ... $(tail -c 200 "$T_TMP/diff")"
[ "$(grep -o '"op":"+"' "$T_TMP/diff" | wc -l)" -eq 4 ] || t_fail "diff: want 4 added lines"
[ "$(grep -o '"op":"-"' "$T_TMP/diff" | wc -l)" -eq 0 ] || t_fail "diff: want no removed lines"
[ "$(grep -o '"op":" "' "$T_TMP/diff" | wc -l)" -eq "$nsrc" ] || t_fail "diff: want $nsrc common lines"
st=$(get rdiff "/api/v1/plans/qingshan-no3-school/diff?from=2&to=1")
expect rdiff 200 "$st"
[ "$(grep -o '"op":"-"' "$T_TMP/rdiff" | wc -l)" -eq 4 ] || t_fail "reverse diff: want 4 removed lines"
[ "$(grep -o '"op":"+"' "$T_TMP/rdiff" | wc -l)" -eq 0 ] || t_fail "reverse diff: want no added lines"
st=$(get sdiff "/api/v1/plans/qingshan-no3-school/diff?from=2&to=2")
expect sdiff 200 "$st"
grep -q '"op":"[+-]"' "$T_TMP/sdiff" && t_fail "a version diffed with itself has changes"
st=$(get dnofrom "/api/v1/plans/qingshan-no3-school/diff?to=2")
expect dnofrom 400 "$st" '{"error":{"code":"bad_request","message":"missing query parameter '"'"'from'"'"'","field":"from"}}'
st=$(get dbadto "/api/v1/plans/qingshan-no3-school/diff?from=1&to=x")
expect dbadto 400 "$st" '{"error":{"code":"bad_request","message":"'"'"'to'"'"' must be a whole number from 1 to 999999999","field":"to"}}'
st=$(get dtwice "/api/v1/plans/qingshan-no3-school/diff?from=1&from=2&to=2")
expect dtwice 400 "$st"
st=$(get d404 "/api/v1/plans/qingshan-no3-school/diff?from=1&to=3")
expect d404 404 "$st"
st=$(get d404b "/api/v1/plans/no-such-plan/diff?from=1&to=2")
expect d404b 404 "$st"

# ---- the dashboard ----
day_before=$(date -u -d "@$(($(date +%s) + 8 * 3600))" +%F)
st=$(get dash /api/v1/dashboard)
day_after=$(date -u -d "@$(($(date +%s) + 8 * 3600))" +%F)
expect dash 200 "$st"
today=$(sed -n 's/^{"today":{"date":"\([0-9-]*\)".*/\1/p' "$T_TMP/dash")
[ "$today" = "$day_before" ] || [ "$today" = "$day_after" ] || t_fail "dashboard date '$today', want $day_before (UTC+8)"
case "$("$MUSTER" calendar is-workday "$today")" in
    workday) want_today="\"kind\":\"workday\",\"holiday\":null" ;;
    weekend) want_today="\"kind\":\"weekend\",\"holiday\":null" ;;
    "workday (adjusted)") want_today="\"kind\":\"adjusted\",\"holiday\":\"[^\"]*\"" ;;
    holiday\ *) want_today="\"kind\":\"holiday\",\"holiday\":\"$("$MUSTER" calendar is-workday "$today" | sed 's/^holiday //')\"" ;;
    *) t_fail "unexpected 'calendar is-workday' output" ;;
esac
grep -q "^{\"today\":{\"date\":\"$today\",$want_today},\"plans\":\[{\"id\":\"hewan-township-flood\",\"title\":\"[^\"]*\",\"version\":1},{\"id\":\"qinghe-housing-spring-festival\",\"title\":\"[^\"]*\",\"version\":1},{\"id\":\"qingshan-no3-school\",\"title\":\"[^\"]*\",\"version\":2}\],\"cards\":\[\]}\$" "$T_TMP/dash" ||
    t_fail "dashboard: $(cat "$T_TMP/dash")"

# ---- the user list pages the same way ----
: >"$T_TMP/uwalk"
cursor=""
pages=0
while :; do
    q="limit=2"
    [ -z "$cursor" ] || q="$q&cursor=$cursor"
    st=$(get upage "/api/v1/users?$q")
    expect upage 200 "$st"
    grep -o '"name":"[^"]*"' "$T_TMP/upage" | sed 's/"name":"\(.*\)"/\1/' >>"$T_TMP/uwalk"
    pages=$((pages + 1))
    cursor=$(next_cursor upage)
    [ "$cursor" != null ] || break
    [ "$pages" -le 5 ] || t_fail "users: pagination does not end"
done
[ "$pages" -eq 3 ] || t_fail "users: $pages pages of 2 for 5 users, want 3"
[ "$(sort "$T_TMP/uwalk" | tr '\n' ' ')" = "admin1 carol dave erin frank " ] ||
    t_fail "users: walked $(tr '\n' ' ' <"$T_TMP/uwalk")"
[ "$(sort -u "$T_TMP/uwalk" | wc -l)" -eq 5 ] || t_fail "users: a user appeared twice"
st=$(get ubad "/api/v1/users?cursor=zzzz")
expect ubad 400 "$st"
grep -q '"field":"cursor"' "$T_TMP/ubad" || t_fail "users: bad cursor: $(cat "$T_TMP/ubad")"

t_stop_server
t_done
