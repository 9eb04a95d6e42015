#!/bin/sh
# SPDX-License-Identifier: MIT
# The server's caches of verified tokens and of the dashboard answer, and
# how they are kept fresh (src/http/cache.c): a token revoked or a user
# disabled by another process (the CLI) is refused on the next request,
# even right after many uses warmed every worker's cache; a user disabled
# through the server is refused at once and let in again at once when
# enabled; a language change shows on the next request; a plan loaded by
# the CLI shows on the next dashboard; a user's several units come back
# sorted; unknown tokens are refused every time.
set -eu
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 064-token-cache
m() { t_muster "$@"; }

t_user a_adm admin
t_user u_off officer
t_user u_view viewer
t_user u_rep reporter west east north
for u in a_adm u_off u_view u_rep; do
    m token create --user "$u" >"$T_TMP/token.$u" 2>/dev/null || t_fail "token create for $u failed"
done
m plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null

t_start_server --threads 2

# tok USER NAME ARGS...: the status of a request with USER's token.
tok() {
    _u=$1 _n=$2
    shift 2
    t_req "$_n" -H "Authorization: Bearer $(cat "$T_TMP/token.$_u")" "$@"
}

UNAUTH='{"error":{"code":"unauthorized","message":"the API token is not valid (unknown, expired or revoked, or its user is disabled)"}}'

# ---- revoked by the CLI: refused on the next request ----
for i in 1 2 3; do
    t_expect_status warm "$(tok u_off warm "$T_BASE/api/v1/dashboard")" 200
done
off_id=$(m token list --user u_off | awk '$0 ~ /u_off/ { print $1; exit }')
case $off_id in
'' | *[!0-9]*) t_fail "cannot find the id of u_off's token: $(m token list --user u_off)" ;;
esac
m token revoke "$off_id" >/dev/null 2>&1 || t_fail "token revoke $off_id failed"
for i in 1 2 3; do
    t_expect_status rev "$(tok u_off rev "$T_BASE/api/v1/dashboard")" 401
    [ "$(cat "$T_TMP/rev.body")" = "$UNAUTH" ] || t_fail "revoked token body: $(cat "$T_TMP/rev.body")"
done

# ---- disabled by the CLI: refused on the next request ----
for i in 1 2 3 4 5 6; do
    t_expect_status rep_warm "$(tok u_rep rep_warm "$T_BASE/api/v1/me")" 200
done
for i in 1 2 3 4; do
    t_expect_status dash "$(tok a_adm dash "$T_BASE/api/v1/dashboard")" 200
done
t_hasnt dash '"id":"hewan-township-flood"'
# An account change followed at once by another change: both are seen.
m user disable u_rep >/dev/null 2>&1 || t_fail "user disable u_rep failed"
m plan load "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load failed"
t_expect_status rep_dis "$(tok u_rep rep_dis "$T_BASE/api/v1/me")" 401
m user enable u_rep >/dev/null 2>&1 || t_fail "user enable u_rep failed"
t_expect_status rep_en "$(tok u_rep rep_en "$T_BASE/api/v1/me")" 200

# ---- the dashboard: the plan loaded by the CLI shows on the next request ----
t_expect_status dash2 "$(tok a_adm dash2 "$T_BASE/api/v1/dashboard")" 200
t_has dash2 '"id":"hewan-township-flood"'
t_expect_status dash3 "$(tok a_adm dash3 "$T_BASE/api/v1/dashboard")" 200
cmp -s "$T_TMP/dash2.body" "$T_TMP/dash3.body" || t_fail "the dashboard changed with nothing changed"

# ---- units, sorted ----
t_expect_status rep "$(tok u_rep rep "$T_BASE/api/v1/me")" 200
[ "$(cat "$T_TMP/rep.body")" = '{"name":"u_rep","role":"reporter","units":["east","north","west"],"lang":"zh","via":"token"}' ] ||
    t_fail "reporter's /api/v1/me: $(cat "$T_TMP/rep.body")"

# ---- disabled through this server: refused at once ----
for i in 1 2 3; do
    t_expect_status view "$(tok u_view view "$T_BASE/api/v1/dashboard")" 200
done
t_expect_status dis "$(tok a_adm dis -X POST "$T_BASE/api/v1/users/u_view/disable")" 200
t_expect_status view_dis "$(tok u_view view_dis "$T_BASE/api/v1/dashboard")" 401
[ "$(cat "$T_TMP/view_dis.body")" = "$UNAUTH" ] ||
    t_fail "disabled user's token body: $(cat "$T_TMP/view_dis.body")"
t_expect_status en "$(tok a_adm en -X POST "$T_BASE/api/v1/users/u_view/enable")" 200
t_expect_status view_en "$(tok u_view view_en "$T_BASE/api/v1/dashboard")" 200

# ---- the language changed through this server shows at once ----
t_expect_status me1 "$(tok a_adm me1 "$T_BASE/api/v1/me")" 200
grep -q '"lang":"en"' "$T_TMP/me1.body" && t_fail "a new user already has lang en: $(cat "$T_TMP/me1.body")"
t_expect_status lang "$(tok a_adm lang -X PUT -H 'Content-Type: application/json' \
    --data-binary '{"lang":"en"}' "$T_BASE/api/v1/me/lang")" 200
t_expect_status me2 "$(tok a_adm me2 "$T_BASE/api/v1/me")" 200
grep -q '"lang":"en"' "$T_TMP/me2.body" || t_fail "lang not changed at once: $(cat "$T_TMP/me2.body")"

# ---- an unknown token is refused every time (failures are not cached) ----
bad=mst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
for i in 1 2; do
    t_expect_status bad "$(t_req bad -H "Authorization: Bearer $bad" "$T_BASE/api/v1/dashboard")" 401
done

t_stop_server
t_done
