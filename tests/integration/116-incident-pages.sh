#!/bin/sh
# SPDX-License-Identifier: MIT
# The incident pages over curl (selectors documented in docs/internals/web.md):
# the nav link, /incidents/new with the plan's kinds, levels and numeric
# fields, the form round trip (open -> 303 -> the page shows it -> ack ->
# the timeline shows it), a refused step re-rendered with 409 naming the
# state, a note holding <script> escaped, tasks with done buttons after
# activation, /incidents listing open ones first, the printable report, the
# dashboard cards, and a viewer without the write forms (403 on a post).
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 116-incident-pages

P=qingshan-no3-school
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
t_user lead leader
t_user view viewer
t_start_server
t_login view
VJAR=$T_JAR VCSRF=$T_CSRF
t_login lead

get() { t_req "$1" -b "$T_JAR" "$T_BASE$2"; }
post() {
    _n=$1 _p=$2
    shift 2
    t_req "$_n" -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" "$@" "$T_BASE$_p"
}

st=$(get d0 /); t_expect_status d0 200 "$st"
t_has d0 '<a data-nav="incidents" href="/incidents">事件</a>'
t_has d0 'data-card="incidents"'
t_has d0 '没有进行中的事件'
t_has d0 'data-card="cases-due"'

st=$(get n0 /incidents/new); t_expect_status n0 200 "$st"
t_has n0 '<form id="incident-open" method="post" action="/incidents/new"'
t_has n0 '<input type="hidden" name="plan" value="qingshan-no3-school">'
t_has n0 '<option value="fire">火灾</option>'
t_has n0 '<option value="IV">'
t_has n0 'name="f.people" type="number"'
t_hasnt n0 'name="f.situation"'

# a refused open re-renders the form, naming the field, and stores nothing
st=$(post o0 /incidents/new --data-urlencode plan=$P --data-urlencode kind=fire \
    --data-urlencode level=IV --data-urlencode place= --data-urlencode f.people=40)
t_expect_status o0 400 "$st"
t_has o0 'data-field="place"'
[ "$(t_muster incident list --json)" = "[]" ] || t_fail "a refused open stored an incident"

st=$(post o1 /incidents/new --data-urlencode plan=$P --data-urlencode kind=fire \
    --data-urlencode level=IV --data-urlencode place=3号宿舍楼 --data-urlencode f.people=40 \
    --data-urlencode at=2026-03-10T02:10)
t_expect_status o1 303 "$st"
t_expect_header o1 Location /incidents/1
st=$(get p1 /incidents/1); t_expect_status p1 200 "$st"
t_has p1 'data-incident="1"'
t_has p1 '<span class="state" data-state="reported">已报告</span>'
t_has p1 'data-live="incident-timeline"'
t_has p1 '<li data-event="opened" data-seq="1">'
t_has p1 '<form id="incident-ack" method="post" action="/incidents/1"'
t_has p1 '<option value="wang-zhiqiang">'
t_has p1 '<form id="incident-arrive"'

st=$(post a1 /incidents/1 --data-urlencode action=ack --data-urlencode by=wang-zhiqiang)
t_expect_status a1 303 "$st"
st=$(get p2 /incidents/1); t_expect_status p2 200 "$st"
t_has p2 'data-state="acknowledged"'
t_has p2 '<li data-event="ack" data-seq="2">'
t_has p2 '<span class="who">wang-zhiqiang</span>'

st=$(post s1 /incidents/1 --data-urlencode action=status --data-urlencode state=contained)
t_expect_status s1 409 "$st"
t_has s1 'data-field="state"'
t_has s1 "incident is &#39;acknowledged&#39;"

st=$(post x1 /incidents/1 --data-urlencode action=note --data-urlencode 'text=<script>alert(1)</script>')
t_expect_status x1 303 "$st"
st=$(get p3 /incidents/1)
t_hasnt p3 '<script>alert(1)</script>'
t_has p3 '&lt;script&gt;alert(1)&lt;/script&gt;'

st=$(post ac /incidents/1 --data-urlencode action=activate --data-urlencode by=zhou-jianguo)
t_expect_status ac 303 "$st"
st=$(get p4 /incidents/1)
t_has p4 '<div class="team" data-team="leading">'
t_has p4 '<li data-task="1">'
t_has p4 'action="/incidents/tasks/1/done"'
st=$(post td /incidents/tasks/1/done); t_expect_status td 303 "$st"
t_expect_header td Location /incidents/1
st=$(get p5 /incidents/1)
t_has p5 '<li data-task="1" class="is-done" data-done>'
st=$(post td2 /incidents/tasks/1/done); t_expect_status td2 409 "$st"

# a second, closed incident is listed after the open one
t_muster incident open --plan $P --kind intruder --level IV --place 校门 >/dev/null
t_muster incident close 2 >/dev/null || t_fail "close 2"
st=$(get l1 /incidents); t_expect_status l1 200 "$st"
t_has l1 'data-incident-row="1" class="is-open"'
rows=$(grep -o 'data-incident-row="[0-9]*"' "$T_TMP/l1.body" | tr -d '\n')
[ "$rows" = 'data-incident-row="1"data-incident-row="2"' ] || t_fail "list order: $rows"

st=$(get r1 /incidents/1/report); t_expect_status r1 200 "$st"
t_has r1 '<link rel="stylesheet" href="/static/print.css">'
t_has r1 '一、事件概况'
t_hasnt r1 '<style>'
t_hasnt r1 '<script>alert(1)</script>'

st=$(get d1 /); t_has d1 '<li data-incident-id="1">'

# a viewer reads but has no forms and cannot post
T_JAR=$VJAR T_CSRF=$VCSRF
st=$(get v1 /incidents/1); t_expect_status v1 200 "$st"
t_hasnt v1 'id="incident-ack"'
t_hasnt v1 'action="/incidents/tasks/'
st=$(post v2 /incidents/1 --data-urlencode action=ack --data-urlencode by=wang-zhiqiang)
t_expect_status v2 403 "$st"
st=$(get v3 /incidents/new); t_expect_status v3 403 "$st"
st=$(get v4 /incidents/99); t_expect_status v4 404 "$st"

t_done
