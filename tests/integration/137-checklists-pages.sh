#!/bin/sh
# SPDX-License-Identifier: MIT
# The inspection checklist pages (issue 7) through curl with browser
# sessions: the link from /hazards, a checklist added through the form
# (303, then listed with its unit and items), a bad unit re-rendered with
# 400 naming the unit and storing nothing, an inspection round with one item
# failed (303, then shown on the checklist's page with the failed item), a
# bad inspector re-rendered with 400 naming "by", a missing checklist 404,
# and the roles: a viewer sees no forms and gets 403 on both posts. Stored
# text with <script> is shown escaped.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 137-checklists-pages

t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" \
    "$MUSTER_SRCDIR/examples/plans/township.md" >/dev/null || t_fail "plan load"
t_user boss admin
t_user view viewer
XSS='<script>alert(1)</script>'
t_start_server

t_login view
VJAR=$T_JAR VCSRF=$T_CSRF
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
    { t_muster hazard checklist list --json && t_muster audit tail -n 3; } \
        >"$T_TMP/snap.$1" 2>&1 || t_fail "snapshot $1"
}
same() { cmp -s "$T_TMP/snap.$1" "$T_TMP/snap.$2" || t_fail "$3 changed the checklists or the audit log"; }
NL='
'

# ---- the link from /hazards, the empty list
st=$(page hl "$BJAR" /hazards)
want hl 200 "$st"
t_has hl '<a class="button" href="/hazards/checklists" data-checklists-link>隐患排查检查表</a>'
st=$(page l0 "$BJAR" /hazards/checklists)
want l0 200 "$st"
t_has l0 '<p class="empty">还没有检查表。</p>'
t_has l0 '<form id="checklist-add" method="post" action="/hazards/checklists"'
t_has l0 'name="items"'

# ---- add through the form: 303 to the new checklist
st=$(post add "$BJAR" "$BCSRF" /hazards/checklists --data-urlencode 'name=实验楼月检' \
    --data-urlencode unit=c7-1 \
    --data-urlencode "items=灭火器压力正常${NL}  疏散通道畅通  ${NL}${NL}应急灯$XSS${NL}")
want add 303 "$st"
t_expect_header add Location '/hazards/checklists/1?ok=added'

st=$(page l1 "$BJAR" /hazards/checklists)
want l1 200 "$st"
t_has l1 '<table class="list" data-checklists>'
t_has l1 '<tr data-checklist-id="1">'
t_has l1 '<td><a href="/hazards/checklists/1">实验楼月检</a></td>'
t_has l1 '<td data-unit="c7-1">c7-1</td>'
t_has l1 '<ol class="reg-items"><li>灭火器压力正常</li><li>疏散通道畅通</li><li>应急灯&lt;script&gt;alert(1)&lt;/script&gt;</li></ol>'
t_has l1 '<td data-rounds="0">0</td>'
t_hasnt l1 "$XSS"

st=$(page c1 "$BJAR" '/hazards/checklists/1?ok=added')
want c1 200 "$st"
t_has c1 '<p class="flash flash-ok" role="status">已新建检查表</p>'
t_has c1 '<article class="panel reg-detail" data-checklist="1">'
t_has c1 '<li data-item="3">应急灯&lt;script&gt;alert(1)&lt;/script&gt;</li>'
t_hasnt c1 "$XSS"
t_has c1 '<p class="empty">还没有检查记录。</p>'
t_has c1 '<form id="inspect" method="post" action="/hazards/checklists/1/inspect"'
t_has c1 '<input type="checkbox" name="failed" value="2"> 2. 疏散通道畅通</label>'

# ---- a bad unit re-renders the list with 400 naming the unit; nothing stored
snap before_bad
st=$(post bad "$BJAR" "$BCSRF" /hazards/checklists --data-urlencode 'name=某检查' \
    --data-urlencode unit=c7-9 --data-urlencode 'items=一项')
want bad 400 "$st"
t_has bad '<p class="flash flash-error" role="alert" data-field="unit">未能保存：unit: no loaded plan has a unit &#39;c7-9&#39;</p>'
t_has bad '<input id="cl-unit" name="unit" type="text" autocomplete="off" value="c7-9" aria-invalid="true">'
t_has bad 'value="某检查"'
# no items at all names the textarea
st=$(post bad2 "$BJAR" "$BCSRF" /hazards/checklists --data-urlencode 'name=空' \
    --data-urlencode unit=c7-1 --data-urlencode "items=${NL}  ${NL}")
want bad2 400 "$st"
t_has bad2 'data-field="items"'
t_has bad2 '<textarea id="cl-items" name="items" rows="6" aria-invalid="true">'
snap after_bad
same before_bad after_bad "a bad checklist form"
st=$(page l2 "$BJAR" /hazards/checklists)
t_hasnt l2 'data-checklist-id="2"'

# ---- an inspection round with item 2 failed
st=$(post in "$BJAR" "$BCSRF" /hazards/checklists/1/inspect --data-urlencode by=li-na \
    --data-urlencode date=2026-03-02 --data-urlencode failed=2 --data-urlencode "note=通道堆物$XSS")
want in 303 "$st"
t_expect_header in Location '/hazards/checklists/1?ok=inspect'
st=$(page c2 "$BJAR" '/hazards/checklists/1?ok=inspect')
want c2 200 "$st"
t_has c2 '<p class="flash flash-ok" role="status">已记录检查</p>'
t_has c2 '<div class="reg-round" data-round="1" data-failed="1">'
t_has c2 '<p><strong>2026-03-02</strong> · li-na</p>'
t_has c2 '<li data-failed-item="2">2. 疏散通道畅通</li>'
t_has c2 '<p class="reg-note">通道堆物&lt;script&gt;alert(1)&lt;/script&gt;</p>'
t_hasnt c2 "$XSS"
t_hasnt c2 '还没有检查记录。'
# a round with nothing failed
st=$(post in2 "$BJAR" "$BCSRF" /hazards/checklists/1/inspect --data-urlencode by=li-na \
    --data-urlencode date=2026-03-09 --data-urlencode note=)
want in2 303 "$st"
st=$(page c3 "$BJAR" /hazards/checklists/1)
t_has c3 '<div class="reg-round" data-round="2" data-failed="0">'
t_has c3 '全部合格'
st=$(page l3 "$BJAR" /hazards/checklists)
t_has l3 '<td data-rounds="2">2</td>'

# a bad inspector re-renders with 400 naming "by", the ticks kept; nothing stored
snap before_in
st=$(post inb "$BJAR" "$BCSRF" /hazards/checklists/1/inspect --data-urlencode by=nobody \
    --data-urlencode date=2026-03-10 --data-urlencode failed=1 --data-urlencode failed=3)
want inb 400 "$st"
t_has inb 'data-field="by" data-form="inspect"'
t_has inb '<input id="ci-by" name="by" type="text" autocomplete="off" value="nobody" aria-invalid="true">'
t_has inb '<input type="checkbox" name="failed" value="3" checked>'
t_has inb '<input type="checkbox" name="failed" value="2"> 2.'
st=$(post inc "$BJAR" "$BCSRF" /hazards/checklists/1/inspect --data-urlencode by=li-na \
    --data-urlencode date=2026-02-30)
want inc 400 "$st"
t_has inc 'data-field="date"'
snap after_in
same before_in after_in "a bad inspection form"
st=$(page c4 "$BJAR" /hazards/checklists/1)
t_hasnt c4 'data-round="3"'

# missing checklists
st=$(page nf "$BJAR" /hazards/checklists/99)
want nf 404 "$st"
st=$(post nfp "$BJAR" "$BCSRF" /hazards/checklists/99/inspect --data-urlencode by=li-na \
    --data-urlencode date=2026-03-02)
want nfp 404 "$st"

# ---- a viewer reads but sees no forms and may not post
st=$(page vl "$VJAR" /hazards/checklists)
want vl 200 "$st"
t_has vl '<tr data-checklist-id="1">'
t_hasnt vl 'id="checklist-add"'
st=$(page vc "$VJAR" /hazards/checklists/1)
want vc 200 "$st"
t_has vc 'data-round="1"'
t_hasnt vc 'id="inspect"'
st=$(post vp "$VJAR" "$VCSRF" /hazards/checklists --data-urlencode name=x \
    --data-urlencode unit=c7-1 --data-urlencode items=y)
want vp 403 "$st"
st=$(post vp2 "$VJAR" "$VCSRF" /hazards/checklists/1/inspect --data-urlencode by=li-na \
    --data-urlencode date=2026-03-02)
want vp2 403 "$st"
st=$(page c5 "$BJAR" /hazards/checklists/1)
t_hasnt c5 'data-round="3"'

# ---- English
st=$(t_req lang -b "$BJAR" --data-urlencode "csrf=$BCSRF" --data-urlencode lang=en \
    --data-urlencode next=/hazards/checklists "$T_BASE/lang")
want lang 303 "$st"
st=$(page en "$BJAR" /hazards/checklists/1)
want en 200 "$st"
t_has en '<h2>Inspection rounds</h2>'
t_has en '<legend>Tick the items that failed</legend>'

t_done
