#!/bin/sh
# SPDX-License-Identifier: MIT
# The register pages through curl with browser sessions: the nav entry and
# the overview, the hazard list (overdue rows highlighted, filters, the
# XLSX link, the add form), one hazard (history, rectify/verify/assign/
# note forms; a verify by the rectifier re-renders with 400 and the rule,
# storing nothing), drills held (term warnings, add form, tasks), resources
# (alerts highlighted, a bad adjustment re-rendered naming the field),
# contacts (national numbers, add and remove, the printable sheet), the
# dashboard card, English, and the roles: viewers see no forms and get 403
# on posts, reporters get 403, no session is sent to the login page.
# Stored text with <script> is shown escaped on every page it reaches.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 136-registers-pages

t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" \
    "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user view viewer
t_user rep reporter c7-1
day() { TZ=Asia/Shanghai date -d "$1 days" +%F; }
XSS='<script>alert(1)</script>'
# An overdue hazard, with <script> in its description.
t_muster hazard add --place '后厨<b>' --description "燃气软管$XSS" --severity high \
    --unit canteen --owner guo-fang --due "$(day -3)" >/dev/null || t_fail "hazard add"
t_muster resource add --name 干粉灭火器 --quantity 28 --unit-of-measure 具 --min 30 >/dev/null ||
    t_fail "resource add"
t_start_server

t_login view
VJAR=$T_JAR VCSRF=$T_CSRF
t_login rep
RJAR=$T_JAR
t_login boss
BJAR=$T_JAR BCSRF=$T_CSRF

page() { # NAME JAR PATH -> status
    t_req "$1" -b "$2" "$T_BASE$3"
}
post() { # NAME JAR CSRF PATH [--data-urlencode FIELD=VALUE]... -> status
    _n=$1 _j=$2 _c=$3 _p=$4
    shift 4
    t_req "$_n" -b "$_j" --data-urlencode "csrf=$_c" "$@" "$T_BASE$_p"
}
want() { t_expect_status "$1" "$2" "$3"; }
snap() {
    { t_muster hazard list --json && t_muster resource list --json && t_muster audit tail -n 3; } \
        >"$T_TMP/snap.$1" 2>&1 || t_fail "snapshot $1"
}
same() { cmp -s "$T_TMP/snap.$1" "$T_TMP/snap.$2" || t_fail "$3 changed the registers or the audit log"; }

# ---- nav, overview
st=$(page reg "$BJAR" /registers)
want reg 200 "$st"
t_has reg '<a data-nav="registers" href="/registers" aria-current="page">台账</a>'
t_has reg '<section class="panel" data-register="hazards">'
t_has reg 'data-count="overdue">已逾期 1</a>'
t_has reg '<section class="panel" data-register="drills">'
t_has reg 'data-register="resources"'
t_has reg 'data-register="contacts"'
t_has reg 'data-count="alerts">预警 1</a>'

# ---- hazards list
st=$(page hl "$BJAR" /hazards)
want hl 200 "$st"
t_has hl '<table class="list" data-hazards>'
t_has hl '<tr data-hazard-id="1" data-state="open" class="is-overdue" data-overdue>'
t_has hl '<td>燃气软管&lt;script&gt;alert(1)&lt;/script&gt;</td>'
t_has hl '后厨&lt;b&gt;'
t_hasnt hl "$XSS"
t_has hl '<form id="hazard-filter" method="get" action="/hazards"'
t_has hl '<form id="hazard-add" method="post" action="/hazards"'
t_has hl '<a class="button" href="/api/v1/hazards.xlsx" data-xlsx>'
st=$(page hlf "$BJAR" '/hazards?state=verified')
t_hasnt hlf 'data-hazard-id="1"'
t_has hlf '没有符合条件的隐患。'
st=$(page hlo "$BJAR" '/hazards?overdue=1&severity=high')
t_has hlo 'data-hazard-id="1"'
t_has hlo 'href="/api/v1/hazards.xlsx?overdue=1" data-xlsx'
st=$(page hlbad "$BJAR" '/hazards?state=lost')
want hlbad 400 "$st"

# add through the form: 303 to the new hazard, then its page
st=$(post ha "$BJAR" "$BCSRF" /hazards --data-urlencode 'place=实验楼三楼' \
    --data-urlencode "description=灭火器压力不足$XSS" --data-urlencode severity=medium \
    --data-urlencode unit=c7-1 --data-urlencode owner=li-na --data-urlencode due=2030-03-10)
want ha 303 "$st"
t_expect_header ha Location /hazards/2?ok=added
st=$(page h2 "$BJAR" '/hazards/2?ok=added')
want h2 200 "$st"
t_has h2 '<p class="flash flash-ok" role="status">已登记隐患</p>'
t_has h2 '<article class="panel reg-detail" data-hazard="2" data-state="open">'
t_has h2 '<dd data-field-value="description">灭火器压力不足&lt;script&gt;alert(1)&lt;/script&gt;</dd>'
t_hasnt h2 "$XSS"
t_has h2 '<ol class="reg-history" data-history>'
t_has h2 '<li data-event="add">'
t_has h2 '<form id="hazard-rectify" method="post" action="/hazards/2/rectify"'
t_has h2 '<form id="hazard-assign" method="post" action="/hazards/2/assign"'
t_has h2 '<form id="hazard-note" method="post" action="/hazards/2/notes"'
t_hasnt h2 'id="hazard-verify"'
# a bad add re-renders the list with 400, the field and the input
snap before_add
st=$(post hab "$BJAR" "$BCSRF" /hazards --data-urlencode 'place=某处' --data-urlencode description=y \
    --data-urlencode severity=low --data-urlencode unit=c7-9 --data-urlencode owner=li-na \
    --data-urlencode due=2030-03-10)
want hab 400 "$st"
t_has hab '<p class="flash flash-error" role="alert" data-field="unit">未能保存：unit: no loaded plan has a unit &#39;c7-9&#39;</p>'
t_has hab '<input id="hz-unit" name="unit" type="text" autocomplete="off" value="c7-9" aria-invalid="true">'
t_has hab 'value="某处"'
snap after_add
same before_add after_add "a bad hazard form"

# rectify, then a verify by the rectifier shows the rule and stores nothing
st=$(post hn "$BJAR" "$BCSRF" /hazards/2/notes --data-urlencode "text=进展$XSS")
want hn 303 "$st"
t_expect_header hn Location /hazards/2?ok=notes
st=$(post hr "$BJAR" "$BCSRF" /hazards/2/rectify --data-urlencode by=li-na --data-urlencode note=已更换)
want hr 303 "$st"
st=$(page h2r "$BJAR" /hazards/2)
t_has h2r 'data-state="rectified"'
t_has h2r '<li data-event="note">'
t_has h2r '<p>进展&lt;script&gt;alert(1)&lt;/script&gt;</p>'
t_has h2r '<form id="hazard-verify" method="post" action="/hazards/2/verify"'
t_hasnt h2r 'id="hazard-rectify"'
snap before_verify
st=$(post hv "$BJAR" "$BCSRF" /hazards/2/verify --data-urlencode by=li-na)
want hv 400 "$st"
t_has hv 'data-field="by" data-form="verify">未能保存：by: &#39;li-na&#39; rectified hazard 2 and cannot verify it (rule: verified by someone else than the person who rectified)</p>'
t_has hv '<input id="hv-by" name="by" type="text" autocomplete="off" value="li-na" aria-invalid="true">'
snap after_verify
same before_verify after_verify "a verify by the rectifier"
st=$(post hv2 "$BJAR" "$BCSRF" /hazards/2/verify --data-urlencode by=wang-zhiqiang)
want hv2 303 "$st"
st=$(page h2v "$BJAR" /hazards/2)
t_has h2v 'data-state="verified"'
t_hasnt h2v 'id="hazard-assign"'
t_has h2v 'data-verified-by="wang-zhiqiang"'
st=$(post hv3 "$BJAR" "$BCSRF" /hazards/2/verify --data-urlencode by=wang-zhiqiang)
want hv3 409 "$st"
st=$(post hx "$BJAR" "$BCSRF" /hazards/2/explode --data-urlencode by=x)
want hx 404 "$st"
st=$(page h404 "$BJAR" /hazards/99)
want h404 404 "$st"
t_has h404 'data-error="404"'

# ---- drills held
st=$(page dl "$BJAR" /drills-held)
want dl 200 "$st"
t_has dl '<section class="panel" data-term>'
t_has dl 'data-term-unset'
t_has dl '<form id="drill-add" method="post" action="/drills-held"'
t_has dl 'href="/api/v1/drills-held.xlsx" data-xlsx'
t_muster drill-record terms "$(day -30)..$(day 5)" >/dev/null
t_muster drill-record require earthquake 1 >/dev/null
st=$(post da "$BJAR" "$BCSRF" /drills-held --data-urlencode plan=qingshan-no3-school \
    --data-urlencode "date=$(day -2)" --data-urlencode kind=fire-evacuation \
    --data-urlencode "scenario=实验室起火$XSS" --data-urlencode participants=1260 \
    --data-urlencode duration=40m --data-urlencode evacuation=3m45s \
    --data-urlencode "findings=楼梯口拥堵
广播声音小")
want da 303 "$st"
t_expect_header da Location /drills-held/1?ok=added
st=$(post dab "$BJAR" "$BCSRF" /drills-held --data-urlencode plan=qingshan-no3-school \
    --data-urlencode "date=$(day -2)" --data-urlencode kind=fire-evacuation --data-urlencode scenario=x \
    --data-urlencode participants=-5 --data-urlencode duration=40m)
want dab 400 "$st"
t_has dab 'data-field="participants">未能保存：participants: &#39;-5&#39; is negative</p>'
st=$(page dl2 "$BJAR" /drills-held)
t_has dl2 '<li data-due-kind="earthquake" class="is-warn" data-warn>'
t_has dl2 '<tr data-drill-id="1" data-kind="fire-evacuation">'
t_has dl2 '实验室起火&lt;script&gt;'
t_hasnt dl2 "$XSS"
st=$(page d1 "$BJAR" /drills-held/1)
want d1 200 "$st"
t_has d1 '<article class="panel reg-detail" data-drill="1">'
t_has d1 '<li data-finding="2">广播声音小</li>'
t_has d1 '<form id="drill-task-add" method="post" action="/drills-held/1/tasks"'
st=$(post dt "$BJAR" "$BCSRF" /drills-held/1/tasks --data-urlencode finding=1 \
    --data-urlencode owner=he-jun --data-urlencode due=2030-04-01)
want dt 303 "$st"
st=$(post dtb "$BJAR" "$BCSRF" /drills-held/1/tasks --data-urlencode finding=1 \
    --data-urlencode owner=nobody --data-urlencode due=2030-04-01)
want dtb 400 "$st"
t_has dtb 'data-field="owner" data-form="task"'
st=$(page d1t "$BJAR" /drills-held/1)
t_has d1t '<tr data-task-id="1">'
t_has d1t '<form method="post" action="/drills-held/tasks/1/done" class="inline task-done">'
st=$(post dd "$BJAR" "$BCSRF" /drills-held/tasks/1/done --data-urlencode by=he-jun --data-urlencode drill=1)
want dd 303 "$st"
t_expect_header dd Location /drills-held/1?ok=done
st=$(page d1d "$BJAR" /drills-held/1)
t_has d1d '<tr data-task-id="1" data-done class="is-done">'

# ---- resources
st=$(page rl "$BJAR" /resources)
want rl 200 "$st"
t_has rl '<tr data-resource-id="1" class="has-alert" data-alerts="low-stock ">'
t_has rl '<span class="reg-tag" data-alert="low-stock">库存不足</span>'
t_has rl '<form id="resource-add" method="post" action="/resources"'
t_has rl '<form id="resource-adjust" method="post" action="/resources/adjust"'
t_has rl 'href="/api/v1/resources.xlsx" data-xlsx'
snap before_res
st=$(post rab "$BJAR" "$BCSRF" /resources/adjust --data-urlencode resource=1 --data-urlencode by=-30 \
    --data-urlencode reason=盘点)
want rab 400 "$st"
t_has rab 'data-field="by" data-form="adjust"'
st=$(post rneg "$BJAR" "$BCSRF" /resources --data-urlencode name=沙袋 --data-urlencode quantity=-3 \
    --data-urlencode unit_of_measure=条)
want rneg 400 "$st"
t_has rneg 'data-field="quantity" data-form="add">未能保存：quantity: &#39;-3&#39; is negative</p>'
t_has rneg '<input id="rs-quantity" name="quantity" type="text" inputmode="numeric" value="-3" aria-invalid="true">'
snap after_res
same before_res after_res "bad resource forms"
st=$(post radj "$BJAR" "$BCSRF" /resources/adjust --data-urlencode resource=1 --data-urlencode by=5 \
    --data-urlencode reason=采购)
want radj 303 "$st"
t_expect_header radj Location /resources?ok=adjust
st=$(post radd "$BJAR" "$BCSRF" /resources --data-urlencode "name=沙袋$XSS" --data-urlencode quantity=2000 \
    --data-urlencode unit_of_measure=条 --data-urlencode category=supply)
want radd 303 "$st"
st=$(page rl2 "$BJAR" '/resources?ok=added')
t_has rl2 '<tr data-resource-id="1">'
t_has rl2 '沙袋&lt;script&gt;'
t_hasnt rl2 "$XSS"
st=$(page rla "$BJAR" '/resources?alerts=1')
t_hasnt rla 'data-resource-id='

# ---- contacts
st=$(page cl "$BJAR" /contacts)
want cl 200 "$st"
t_has cl '<ul class="reg-national" data-national>'
t_has cl '<li data-phone="119">'
t_has cl '<a class="button" href="/contacts/sheet" data-sheet>'
t_has cl 'href="/api/v1/contacts.xlsx" data-xlsx'
t_has cl '<table class="list" data-staff>'
t_has cl '<form id="contact-add" method="post" action="/contacts"'
st=$(post ca "$BJAR" "$BCSRF" /contacts --data-urlencode "name=医院$XSS" --data-urlencode phone=0571-80002120 \
    --data-urlencode category=hospital)
want ca 303 "$st"
st=$(post cab "$BJAR" "$BCSRF" /contacts --data-urlencode name=x --data-urlencode phone=abc)
want cab 400 "$st"
t_has cab 'data-field="phone"'
st=$(page cl2 "$BJAR" /contacts)
t_has cl2 '<tr data-contact-id="1" data-category="hospital">'
t_has cl2 '医院&lt;script&gt;'
t_hasnt cl2 "$XSS"
t_has cl2 '<form method="post" action="/contacts/1/remove" class="inline contact-remove">'
st=$(page cs "$BJAR" /contacts/sheet)
want cs 200 "$st"
t_has cs '<link rel="stylesheet" href="/static/contact-sheet.css">'
t_hasnt cs "$XSS"
st=$(page css "$BJAR" /static/contact-sheet.css)
want css 200 "$st"
t_has css '@page{size:A4'
st=$(post cr "$BJAR" "$BCSRF" /contacts/1/remove)
want cr 303 "$st"
st=$(page cl3 "$BJAR" /contacts)
t_hasnt cl3 'data-contact-id="1"'

# ---- the dashboard card
st=$(page dash "$BJAR" /)
want dash 200 "$st"
t_has dash '<section class="panel card" data-card="registers" data-live="registers">'
t_has dash '<li data-hazard-id="1"><a href="/hazards/1">后厨&lt;b&gt;</a>'
t_has dash '<li data-due-kind="earthquake" class="is-warn" data-warn>'
t_has dash '<p class="empty">没有物资预警</p>' # the stock was brought back above its minimum
t_hasnt dash "$XSS"

# ---- English
st=$(t_req lang -b "$BJAR" --data-urlencode "csrf=$BCSRF" --data-urlencode lang=en \
    --data-urlencode next=/hazards "$T_BASE/lang")
want lang 303 "$st"
st=$(page hen "$BJAR" /hazards)
t_has hen '<html lang="en">'
t_has hen '<h1>Hazards</h1>'
t_has hen '>Registers</a>'

# ---- roles
st=$(page vh "$VJAR" /hazards)
want vh 200 "$st"
t_has vh 'data-hazards'
t_hasnt vh 'id="hazard-add"'
st=$(page vh1 "$VJAR" /hazards/1)
t_hasnt vh1 'id="hazard-rectify"'
st=$(page vc "$VJAR" /contacts)
t_hasnt vc 'contact-remove'
st=$(post vp "$VJAR" "$VCSRF" /hazards --data-urlencode place=x)
want vp 403 "$st"
t_has vp 'data-error="403"'
st=$(post vp2 "$VJAR" "$VCSRF" /resources/adjust --data-urlencode resource=1)
want vp2 403 "$st"
st=$(page vdash "$VJAR" /)
t_has vdash 'data-card="registers"'
for p in /registers /hazards /drills-held /resources /contacts /contacts/sheet; do
    st=$(page rp "$RJAR" "$p")
    want rp 403 "$st"
done
st=$(page rdash "$RJAR" /)
want rdash 200 "$st"
t_hasnt rdash 'data-card="registers"'
st=$(t_req anon "$T_BASE/hazards")
want anon 303 "$st"
t_expect_header anon Location /login?next=/hazards
# A form post without the CSRF token is refused.
st=$(t_req nocsrf -b "$BJAR" --data-urlencode place=x "$T_BASE/hazards")
want nocsrf 403 "$st"

t_stop_server
t_done
