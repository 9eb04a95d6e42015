#!/bin/sh
# SPDX-License-Identifier: MIT
# Acknowledging an incident by the link in its message: the school plan, a
# fire opened at night through the CLI and the engine run once at the
# reported time; every message carries `确认收到：/ack/TOKEN` (with
# server.public_url in front when it is set) and only the token's hash is
# stored. Over HTTP: GET shows the incident and the person and records
# nothing; POST from another origin is refused; POST from the server's own
# origin records one acknowledgement by the link's person; a second POST
# records nothing; an unknown and an expired token get the same 404 page;
# the token never reaches the server's log; the audit chain stays intact.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 117-ack-link
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
P=qingshan-no3-school

t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "cannot load the plan"

# The last 02:10 in UTC+8 that has passed: at night, and less than 24 h ago,
# so the links (valid for 24 h from the engine's run) still work now.
now=$(date +%s)
day=$(date -u -d "@$((now + 8 * 3600))" +%Y-%m-%d)
at=$(date -d "$day 02:10 +0800" +%s) || t_fail "date -d is needed"
[ "$at" -le "$now" ] || { day=$(date -u -d "@$((at - 86400 + 8 * 3600))" +%Y-%m-%d); at=$((at - 86400)); }
R="${day}T02:10"

t_check "open" 0 "incident 1 opened: fire IV at 3号宿舍楼" "" \
    t_muster incident open --plan $P --kind fire --level IV --place 3号宿舍楼 --field people=40 \
    --reported "$R" --at "${day}T02:05" --reporter liu-gang
t_check "engine" 0 "engine: 1 timers fired, 0 deferred" "" t_muster engine run --once --at "$R"

# ---- the message: the link line after the command line; path only without server.public_url
body=$(sqlite3 "$T_DB" "SELECT body FROM outbox_messages WHERE idem_key = 'incident:1:c1s2:wang-zhiqiang'")
[ -n "$body" ] || t_fail "no step message to wang-zhiqiang"
line=$(printf '%s\n' "$body" | grep '^确认收到：/ack/')
tok=${line#确认收到：/ack/}
printf '%s' "$tok" | grep -Eq '^[A-Za-z0-9_-]{43}$' || t_fail "no token in the message: $body"
printf '%s\n' "$body" | tail -n 2 | head -n 1 | grep -qx '确认收到：muster incident ack 1 --by wang-zhiqiang' ||
    t_error "the command line is not right before the link: $body"
nmsg=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:1'")
ntok=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM ack_tokens WHERE incident_id = 1")
[ "$nmsg" = "$ntok" ] || t_error "$nmsg messages but $ntok tokens"
nlink=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:1' AND body LIKE '%确认收到：/ack/%'")
[ "$nlink" = "$nmsg" ] || t_error "$nlink of $nmsg messages carry a link"
sqlite3 "$T_DB" "SELECT token_hash FROM ack_tokens" | grep -q "$tok" && t_error "the token is stored in clear"
sqlite3 "$T_DB" "SELECT * FROM audit" >"$T_TMP/audit" || t_fail "cannot read the audit log"
grep -q "$tok" "$T_TMP/audit" && t_error "the token is in the audit log"
nexp=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM ack_tokens WHERE expires_at - created_at = 86400000 AND created_at = $at * 1000 AND used_at IS NULL")
[ "$nexp" = "$ntok" ] || t_error "tokens are not created at the run with 24 h to live"
naud=$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM audit WHERE action = 'ack_token.create' AND object = 'incident:1'")
[ "$naud" = "$ntok" ] || t_error "$naud ack_token.create entries for $ntok tokens"

# ---- a second incident with server.public_url set: its tokens will be expired
t_muster config set server.public_url https://muster.example.org/ >/dev/null || t_fail "config set"
t_muster incident open --plan $P --kind fire --level IV --place 食堂 --reported "$R" >/dev/null ||
    t_fail "open 2"
t_muster engine run --once --at "$R" >/dev/null || t_fail "engine 2"
body2=$(sqlite3 "$T_DB" "SELECT body FROM outbox_messages WHERE ref = 'incident:2' AND body LIKE '%/ack/%' ORDER BY id LIMIT 1")
line2=$(printf '%s\n' "$body2" | grep '^确认收到：https://muster.example.org/ack/')
tok2=${line2#确认收到：https://muster.example.org/ack/}
printf '%s' "$tok2" | grep -Eq '^[A-Za-z0-9_-]{43}$' || t_fail "no full link in the message: $body2"
sqlite3 "$T_DB" "UPDATE ack_tokens SET expires_at = $((now * 1000 - 1000)) WHERE incident_id = 2" ||
    t_fail "cannot expire the tokens"

t_muster incident show 1 --json >"$T_TMP/before.json" || t_fail "show"
[ "$(jq -r .state "$T_TMP/before.json")" = reported ] || t_fail "incident 1 is not 'reported'"

t_start_server
O="Origin: $T_BASE"

# ---- GET shows the incident and the person, records nothing
st=$(t_req get "$T_BASE/ack/$tok")
t_expect_status get 200 "$st"
grep -q 'data-ack="ask" data-ack-incident="1"' "$T_TMP/get.body" || t_error "GET: no [data-ack=ask]"
grep -q '<dd data-ack-place>3号宿舍楼</dd>' "$T_TMP/get.body" || t_error "GET: no place"
grep -q '<dd data-ack-kind>火灾' "$T_TMP/get.body" || t_error "GET: no kind"
grep -q "<dd data-ack-time>$day 02:05</dd>" "$T_TMP/get.body" || t_error "GET: no time"
grep -q '<dd data-ack-person="wang-zhiqiang">' "$T_TMP/get.body" || t_error "GET: no person"
grep -q '<form id="ack" method="post" class="stack">' "$T_TMP/get.body" || t_error "GET: no form"
grep -q "$tok" "$T_TMP/get.body" && t_error "GET: the page repeats the token"
st=$(t_req head -I "$T_BASE/ack/$tok")
t_expect_status head 200 "$st"
t_muster incident show 1 --json >"$T_TMP/after-get.json" || t_fail "show"
cmp -s "$T_TMP/before.json" "$T_TMP/after-get.json" || t_error "GET changed the incident"

# ---- POST from another origin: 403, nothing recorded
st=$(t_req foreign -X POST -H 'Origin: https://evil.example' "$T_BASE/ack/$tok")
t_expect_status foreign 403 "$st"
t_muster incident show 1 --json >"$T_TMP/after-foreign.json" || t_fail "show"
cmp -s "$T_TMP/before.json" "$T_TMP/after-foreign.json" || t_error "a foreign POST changed the incident"

# ---- POST: the acknowledgement, by the link's person
st=$(t_req post -X POST -H "$O" "$T_BASE/ack/$tok")
t_expect_status post 200 "$st"
grep -q 'data-ack="done" data-ack-incident="1"' "$T_TMP/post.body" || t_error "POST: no [data-ack=done]"
t_muster incident show 1 --json >"$T_TMP/s1.json" || t_fail "show"
t_check "one ack by wang-zhiqiang" 0 "wang-zhiqiang" "" \
    jq -r '.timeline[] | select(.event == "ack") | .person' "$T_TMP/s1.json"
t_check "acknowledged" 0 "acknowledged" "" jq -r .state "$T_TMP/s1.json"
[ "$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM ack_tokens WHERE used_at IS NOT NULL")" = 1 ] ||
    t_error "not exactly one token is marked used"
[ "$(sqlite3 "$T_DB" "SELECT actor FROM audit WHERE action = 'incident.ack'")" = ack-link ] ||
    t_error "the ack is not audited as ack-link"

# ---- again: already acknowledged, nothing more; GET says so too
st=$(t_req post2 -X POST -H "$O" "$T_BASE/ack/$tok")
t_expect_status post2 200 "$st"
grep -q 'data-ack="already"' "$T_TMP/post2.body" || t_error "second POST: no [data-ack=already]"
t_muster incident show 1 --json >"$T_TMP/s2.json" || t_fail "show"
cmp -s "$T_TMP/s1.json" "$T_TMP/s2.json" || t_error "the second POST changed the incident"
[ "$(sqlite3 "$T_DB" "SELECT COUNT(*) FROM audit WHERE action = 'incident.ack'")" = 1 ] ||
    t_error "a second incident.ack was audited"
st=$(t_req get2 "$T_BASE/ack/$tok")
t_expect_status get2 200 "$st"
grep -q 'data-ack="already"' "$T_TMP/get2.body" || t_error "GET after use: no [data-ack=already]"
grep -q '<form id="ack"' "$T_TMP/get2.body" && t_error "GET after use: still a form"

# ---- unknown, expired and malformed tokens: the same 404 page, GET and POST
unknown=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
for m in GET POST; do
    st=$(t_req unk -X $m -H "$O" "$T_BASE/ack/$unknown")
    t_expect_status unk 404 "$st"
    st=$(t_req exp -X $m -H "$O" "$T_BASE/ack/$tok2")
    t_expect_status exp 404 "$st"
    st=$(t_req bad -X $m -H "$O" "$T_BASE/ack/short")
    t_expect_status bad 404 "$st"
    cmp -s "$T_TMP/unk.body" "$T_TMP/exp.body" || t_error "$m: unknown and expired bodies differ"
    cmp -s "$T_TMP/unk.body" "$T_TMP/bad.body" || t_error "$m: unknown and malformed bodies differ"
    grep -q 'data-error="404"' "$T_TMP/unk.body" || t_error "$m: not the 404 page"
done
t_muster incident show 2 --json >"$T_TMP/s3.json" || t_fail "show 2"
[ "$(jq '[.timeline[] | select(.event == "ack")] | length' "$T_TMP/s3.json")" = 0 ] ||
    t_error "the expired token acknowledged"

t_stop_server
for f in "$T_OUT" "$T_ERR"; do
    grep -q "$tok" "$f" && t_error "the token is in the server log $f"
    grep -q "$tok2" "$f" && t_error "the expired token is in the server log $f"
done
grep -q 'path=/ack/\*\*\* status=200' "$T_ERR" "$T_OUT" || t_error "the access log has no /ack/*** line"
t_muster audit verify >"$T_TMP/verify" || t_error "audit verify: $(cat "$T_TMP/verify")"
grep -q '^audit log intact: ' "$T_TMP/verify" || t_error "audit verify: $(cat "$T_TMP/verify")"
t_done
