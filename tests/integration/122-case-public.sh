#!/bin/sh
# SPDX-License-Identifier: MIT
# Cases over HTTP: officers register and work a case through the API (a
# refused step is 409 naming the state and changes nothing), reveal is for
# admins and officers only, with a reason, and audited; the hand-over has no
# identity. The complainant, without login: the flood challenge, an online
# submission (wrong answers refused, then rate limited per address with
# 429) through the API and the public page, the status lookup by tracking code and the phone's last four digits
# (any mismatch is the same 404), the rating after the reply. Neither the
# tracking code nor the phone ever reaches the server's log.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 122-case-public
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
PHONE=13612345678

t_muster key init >/dev/null || t_fail "key init"
t_user admin1 admin
t_user officer1 officer
t_user viewer1 viewer
OFF=$(t_muster token create --user officer1 2>/dev/null)
VIEW=$(t_muster token create --user viewer1 2>/dev/null)
[ -n "$OFF" ] && [ -n "$VIEW" ] || t_fail "cannot create tokens"
t_start_server

# api NAME TOKEN METHOD PATH [JSON]: prints the status; body in $T_TMP/NAME.body
api() {
    if [ $# -ge 5 ]; then
        t_req "$1" -H "Authorization: Bearer $2" -X "$3" -H 'Content-Type: application/json' \
            --data-binary "$5" "$T_BASE$4"
    else
        t_req "$1" -H "Authorization: Bearer $2" -X "$3" "$T_BASE$4"
    fi
}
pub() { # NAME METHOD PATH [JSON]
    if [ $# -ge 4 ]; then
        t_req "$1" -X "$2" -H 'Content-Type: application/json' --data-binary "$4" "$T_BASE$3"
    else
        t_req "$1" -X "$2" "$T_BASE$3"
    fi
}
jqb() { jq -c "$2" "$T_TMP/$1.body"; }
expect_jq() { # NAME FILTER WANT
    got=$(jqb "$1" "$2")
    [ "$got" = "$3" ] || t_error "$1: $2 is $got, want $3"
}

# ---- officers
st=$(api reg "$OFF" POST /api/v1/cases \
    "{\"subject\":\"噪音\",\"channel\":\"hotline\",\"received\":\"2025-09-20\",\"name\":\"钱七\",\"phone\":\"$PHONE\",\"units\":[\"env\"]}")
t_expect_status reg 201 "$st"
expect_jq reg '[.id, .state, .deadlines, .identity_on_file, has("complainant")]' \
    '[1,"registered",{"accept":"2025-10-09"},true,false]'
code=$(jq -r .tracking_code "$T_TMP/reg.body")
st=$(api viewer-reg "$VIEW" POST /api/v1/cases '{"subject":"x","channel":"letter","phone":"13800000000"}')
t_expect_status viewer-reg 403 "$st"
st=$(api bad-reg "$OFF" POST /api/v1/cases '{"subject":"x","channel":"letter"}')
t_expect_status bad-reg 400 "$st"
expect_jq bad-reg '.error.message' '"a way to reply is required: a phone number or an address"'

st=$(api early-reply "$OFF" POST /api/v1/cases/1/reply '{"text":"x","on":"2025-09-22"}')
t_expect_status early-reply 409 "$st"
expect_jq early-reply '.error.message' '"case 1: cannot reply: the case is '"'"'registered'"'"' (accept it first)"'
st=$(api accept "$OFF" POST /api/v1/cases/1/accept '{"on":"2025-09-25"}')
t_expect_status accept 200 "$st"
expect_jq accept '[.state, .deadlines.handle]' '["accepted","2025-11-24"]'
st=$(api assign "$OFF" POST /api/v1/cases/1/assign '{"leader":"li-ming","units":["env","police"],"on":"2025-09-26"}')
t_expect_status assign 200 "$st"
expect_jq assign '[.leader, .handling_units]' '["li-ming",["env","police"]]'
st=$(api extend "$OFF" POST /api/v1/cases/1/extend '{"days":30,"reason":"需要检测","on":"2025-10-20"}')
t_expect_status extend 200 "$st"
st=$(api extend2 "$OFF" POST /api/v1/cases/1/extend '{"days":3,"reason":"again","on":"2025-10-21"}')
t_expect_status extend2 409 "$st"
st=$(api nope "$OFF" POST /api/v1/cases/1/teleport '{}')
t_expect_status nope 404 "$st"
st=$(api get "$VIEW" GET /api/v1/cases/1)
t_expect_status get 200 "$st"
expect_jq get '[.state, .deadlines.handle, .extend_days, [.actions[].kind]]' \
    '["accepted","2025-12-24",30,["register","accept","assign","extend"]]'
st=$(api due "$VIEW" GET '/api/v1/cases/due?within=3650d')
t_expect_status due 200 "$st"
expect_jq due 'map([.id, .due_kind, .due])' '[[1,"handle","2025-12-24"]]'
st=$(api list "$VIEW" GET '/api/v1/cases?unit=env&state=accepted')
t_expect_status list 200 "$st"
expect_jq list 'map(.id)' '[1]'
st=$(api stats "$VIEW" GET /api/v1/cases/stats)
t_expect_status stats 200 "$st"
expect_jq stats '.by_channel' '{"hotline":1}'
st=$(api handover "$VIEW" GET '/api/v1/cases/1/handover?format=md')
t_expect_status handover 200 "$st"
t_has handover "承办单位 Handling units: env,police"
t_hasnt handover "钱七"
t_hasnt handover "$PHONE"

# reveal: officers only, with a reason, audited
st=$(api rv-viewer "$VIEW" POST /api/v1/cases/1/reveal '{"reason":"curious"}')
t_expect_status rv-viewer 403 "$st"
st=$(api rv-noreason "$OFF" POST /api/v1/cases/1/reveal '{}')
t_expect_status rv-noreason 400 "$st"
st=$(api rv "$OFF" POST /api/v1/cases/1/reveal '{"reason":"电话回访"}')
t_expect_status rv 200 "$st"
expect_jq rv '.complainant' "{\"name\":\"钱七\",\"phone\":\"$PHONE\",\"address\":null,\"id_number\":null}"
t_muster audit tail -n 20 | grep -q "officer1  case.reveal  case:1  identity revealed to officer1: 电话回访" ||
    t_error "reveal over HTTP not audited"
t_muster audit tail -n 100 | grep -q "curious" && t_error "a refused reveal was audited as one"
st=$(api notice "$OFF" GET '/api/v1/cases/1/notices/extend?format=md')
t_expect_status notice 200 "$st"
t_has notice "钱七："
st=$(api notice-v "$VIEW" GET '/api/v1/cases/1/notices/extend?format=md')
t_expect_status notice-v 200 "$st"
t_has notice-v "信访人："
t_hasnt notice-v "钱七"

# ---- the complainant: lookup, rating
last4=$(echo "$PHONE" | cut -c8-)
st=$(pub look POST /api/v1/public/cases/lookup "{\"tracking_code\":\"$code\",\"phone_last4\":\"$last4\"}")
t_expect_status look 200 "$st"
expect_jq look '[.state, .deadlines.handle, [.notices[].kind]]' '["accepted","2025-12-24",["accept","extend"]]'
t_hasnt look "li-ming"
t_hasnt look "钱七"
lower=$(echo "$code" | tr 'A-Z' 'a-z' | tr -d '-')
st=$(pub look-lower POST /api/v1/public/cases/lookup "{\"tracking_code\":\"$lower\",\"phone_last4\":\"$last4\"}")
t_expect_status look-lower 200 "$st"
st=$(pub look-bad POST /api/v1/public/cases/lookup "{\"tracking_code\":\"$code\",\"phone_last4\":\"0000\"}")
t_expect_status look-bad 404 "$st"
st=$(pub look-bad2 POST /api/v1/public/cases/lookup "{\"tracking_code\":\"2345-6789-ABCD\",\"phone_last4\":\"$last4\"}")
t_expect_status look-bad2 404 "$st"
[ "$(jqb look-bad .error.message)" = "$(jqb look-bad2 .error.message)" ] ||
    t_error "a failed lookup tells which part was wrong"
st=$(pub rate-early POST /api/v1/public/cases/rate "{\"tracking_code\":\"$code\",\"phone_last4\":\"$last4\",\"rating\":4}")
t_expect_status rate-early 409 "$st"
st=$(api reply "$OFF" POST /api/v1/cases/1/reply '{"text":"已整改","outcome":"partly","on":"2025-11-30"}')
t_expect_status reply 200 "$st"
st=$(pub rate-bad POST /api/v1/public/cases/rate "{\"tracking_code\":\"$code\",\"phone_last4\":\"$last4\",\"rating\":6}")
t_expect_status rate-bad 400 "$st"
st=$(pub rate POST /api/v1/public/cases/rate "{\"tracking_code\":\"$code\",\"phone_last4\":\"$last4\",\"rating\":4}")
t_expect_status rate 200 "$st"
st=$(pub look2 POST /api/v1/public/cases/lookup "{\"tracking_code\":\"$code\",\"phone_last4\":\"$last4\"}")
expect_jq look2 '[.state, .rating, (.notices | map(select(.kind == "reply")) | .[0].text)]' '["replied",4,"已整改"]'

# ---- pages: officers (session and CSRF) and the public page
t_login officer1
st=$(t_req p-list -b "$T_JAR" "$T_BASE/cases")
t_expect_status p-list 200 "$st"
t_has p-list 'data-case-row="1"'
t_has p-list 'id="case-register"'
t_hasnt p-list "钱七"
st=$(t_req p-case -b "$T_JAR" "$T_BASE/cases/1")
t_expect_status p-case 200 "$st"
t_has p-case "data-tracking-code>$code<"
t_has p-case 'data-deadline="review_request"'
t_hasnt p-case "钱七"
t_hasnt p-case "$PHONE"
st=$(t_req p-step-bad -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" --data "action=accept&on=2025-12-02" "$T_BASE/cases/1")
t_expect_status p-step-bad 409 "$st"
t_has p-step-bad "cannot accept: the case is &#39;replied&#39;"
st=$(t_req p-step -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" --data "action=close&on=2025-12-02" "$T_BASE/cases/1")
t_expect_status p-step 303 "$st"
t_expect_header p-step Location "/cases/1"
st=$(t_req p-nocsrf -b "$T_JAR" --data "action=review&on=2025-12-03" "$T_BASE/cases/1")
t_expect_status p-nocsrf 403 "$st"
st=$(t_req p-reg -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" --data-urlencode "subject=井盖缺失" \
    --data "channel=visit&received=2025-10-01&units=roads,water" --data-urlencode "phone=13311112222" "$T_BASE/cases")
t_expect_status p-reg 303 "$st"
t_expect_header p-reg Location "/cases/2"
st=$(t_req p-reg-bad -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" --data-urlencode "subject=x" \
    --data "channel=visit&received=2025-10-01" --data-urlencode "name=周九" "$T_BASE/cases")
t_expect_status p-reg-bad 400 "$st"
t_has p-reg-bad 'data-field="phone"'
t_hasnt p-reg-bad "周九"
st=$(t_req p-anon "$T_BASE/cases")
t_expect_status p-anon 303 "$st"
st=$(t_req p-pub "$T_BASE/complaint")
t_expect_status p-pub 200 "$st"
t_has p-pub 'id="complaint"'
ptoken=$(sed -n 's/.*name="challenge" value="\([^"]*\)".*/\1/p' "$T_TMP/p-pub.body")
panswer=$(sed -n 's/.*<label for="pc-answer">[^<]* \([0-9]*\) + \([0-9]*\) = ?<\/label>.*/\1 \2/p' "$T_TMP/p-pub.body" | awk '{ print $1 + $2 }')
[ -n "$ptoken" ] && [ -n "$panswer" ] || t_fail "public page: no challenge"
st=$(t_req p-sub --data-urlencode "subject=夜间施工" --data-urlencode "phone=13922223333" \
    --data "challenge=$ptoken&answer=$panswer" "$T_BASE/complaint")
t_expect_status p-sub 201 "$st"
pcode=$(sed -n 's/.*data-tracking-code>\([^<]*\)<.*/\1/p' "$T_TMP/p-sub.body")
echo "$pcode" | grep -Eq '^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$' || t_error "page receipt code '$pcode'"
st=$(t_req p-sub-origin -H "Origin: http://evil.example" --data "subject=x&phone=13922223333&challenge=$ptoken&answer=$panswer" "$T_BASE/complaint")
t_expect_status p-sub-origin 403 "$st"
st=$(t_req p-status --data "tracking_code=$pcode&phone_last4=3333" "$T_BASE/complaint/status")
t_expect_status p-status 200 "$st"
t_has p-status 'data-state="registered"'
st=$(t_req p-status-bad --data "tracking_code=$pcode&phone_last4=1234" "$T_BASE/complaint/status")
t_expect_status p-status-bad 404 "$st"

# ---- online submission
st=$(pub ch GET /api/v1/public/cases/challenge)
t_expect_status ch 200 "$st"
token=$(jq -r .challenge "$T_TMP/ch.body")
answer=$(jq -r .question "$T_TMP/ch.body" | awk '{ print $1 + $3 }')
st=$(pub sub-wrong POST /api/v1/public/cases "{\"subject\":\"占道经营\",\"phone\":\"13500009999\",\"challenge\":\"$token\",\"answer\":$((answer + 1))}")
t_expect_status sub-wrong 400 "$st"
expect_jq sub-wrong '.error.field' '"answer"'
st=$(pub sub-forged POST /api/v1/public/cases "{\"subject\":\"x\",\"phone\":\"13500009999\",\"challenge\":\"AAAA$token\",\"answer\":$answer}")
t_expect_status sub-forged 400 "$st"
st=$(pub sub POST /api/v1/public/cases "{\"subject\":\"占道经营\",\"phone\":\"13500009999\",\"name\":\"孙八\",\"challenge\":\"$token\",\"answer\":$answer}")
t_expect_status sub 201 "$st"
code2=$(jq -r .tracking_code "$T_TMP/sub.body")
echo "$code2" | grep -Eq '^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$' || t_error "submission code '$code2'"
st=$(pub look3 POST /api/v1/public/cases/lookup "{\"tracking_code\":\"$code2\",\"phone_last4\":\"9999\"}")
t_expect_status look3 200 "$st"
expect_jq look3 '.state' '"registered"'
st=$(api get2 "$OFF" GET /api/v1/cases/4)
expect_jq get2 '[.channel, .identity_on_file]' '["online",true]'
# Five submissions an hour per address: three more count, the next is refused.
for i in 1 2 3; do
    pub "flood$i" POST /api/v1/public/cases "{\"subject\":\"x\",\"phone\":\"13500009999\",\"challenge\":\"$token\",\"answer\":$answer}" >/dev/null
done
st=$(pub flood POST /api/v1/public/cases "{\"subject\":\"x\",\"phone\":\"13500009999\",\"challenge\":\"$token\",\"answer\":$answer}")
t_expect_status flood 429 "$st"
[ -n "$(t_header flood Retry-After)" ] || t_error "429 without Retry-After"

# ---- nothing personal in the server's log
for v in "$PHONE" "13500009999" "13922223333" "钱七" "孙八" "$code" "$code2" "$pcode"; do
    if grep -q -F -- "$v" "$T_ERR" "$T_OUT"; then t_error "'$v' is in the server log"; fi
done
t_stop_server
t_done
