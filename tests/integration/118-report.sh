#!/bin/sh
# SPDX-License-Identifier: MIT
# The written report (书面报告): its 五、资源使用 section from the resource
# movements of the incident (无 without any; a resource assigned, then part
# of it returned: one row per movement, by resource in the register's
# order (category, then id), and what is still out; another
# incident's movements left out), and the report page over curl: the draft
# with its status, an officer's edit stored as a new revision (its <script>
# escaped), finalize storing the draft, every later save a new revision
# with the old ones unchanged, ?revision=N, a form over 4096 bytes saved,
# an empty edit refused with 400, and a leader or a viewer refused (403,
# no form).
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 118-report

P=qingshan-no3-school
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
t_muster incident open --plan $P --kind fire --level IV --place 3号宿舍楼 \
    --at 2026-03-10T02:10 >/dev/null || t_fail "open 1"
t_muster incident open --plan $P --kind fire --level IV --place 食堂 \
    --at 2026-03-10T03:00 >/dev/null || t_fail "open 2"

# The section of a report, times replaced by TIME.
section() {
    t_muster incident report 1 --draft >"$T_TMP/draft.md" || t_fail "draft"
    sed -n '/^## 五、资源使用$/,/^## 六、/p' "$T_TMP/draft.md" |
        sed 's/20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]/TIME/'
}

want='## 五、资源使用

无。

## 六、后续工作'
[ "$(section)" = "$want" ] || t_error "without resources: $(section)"

t_muster resource add --name 干粉灭火器 --quantity 40 --unit-of-measure 具 \
    --category equipment >/dev/null || t_fail "resource add 1"
t_muster resource add --name 'A|B 水带' --quantity 10 --unit-of-measure 盘 >/dev/null ||
    t_fail "resource add 2"
t_muster resource assign 1 --incident 1 --quantity 2 >/dev/null || t_fail "assign 1"
t_muster resource assign 2 --incident 2 --quantity 5 >/dev/null || t_fail "assign 2 to 2"
# an adjustment is not a use for the incident
t_muster resource adjust 1 --by -1 --reason 损坏 >/dev/null || t_fail "adjust"

want='## 五、资源使用

| 资源 | 数量 | 单位 | 调用/归还 | 经办人 | 时间 |
|---|---|---|---|---|---|
| 干粉灭火器 | 2 | 具 | 调用 | tester | TIME |

合计：

- 干粉灭火器：调用 2 具，归还 0 具，未归还 2 具

## 六、后续工作'
[ "$(section)" = "$want" ] || t_error "one assignment: $(section)"

t_muster resource return 1 --incident 1 --quantity 1 >/dev/null || t_fail "return"
T_ACTOR=keeper t_muster resource assign 2 --incident 1 --quantity 3 >/dev/null ||
    t_fail "assign 2 to 1"
want='## 五、资源使用

| 资源 | 数量 | 单位 | 调用/归还 | 经办人 | 时间 |
|---|---|---|---|---|---|
| A\|B 水带 | 3 | 盘 | 调用 | keeper | TIME |
| 干粉灭火器 | 2 | 具 | 调用 | tester | TIME |
| 干粉灭火器 | 1 | 具 | 归还 | tester | TIME |

合计：

- A|B 水带：调用 3 盘，归还 0 盘，未归还 3 盘
- 干粉灭火器：调用 2 具，归还 1 具，未归还 1 具

## 六、后续工作'
[ "$(section)" = "$want" ] || t_error "after a return: $(section)"
t_muster incident report 1 --draft --format html >"$T_TMP/draft.html" || t_fail "html"
grep -qF '<td>A|B 水带</td>' "$T_TMP/draft.html" || t_error "html table lacks the escaped cell"

# ---- the page
t_user off officer
t_user lead leader
t_user view viewer
t_start_server
t_login view
VJAR=$T_JAR VCSRF=$T_CSRF
t_login lead
LJAR=$T_JAR LCSRF=$T_CSRF
t_login off

get() { t_req "$1" -b "$T_JAR" "$T_BASE$2"; }
post() {
    _n=$1 _p=$2
    shift 2
    t_req "$_n" -b "$T_JAR" --data-urlencode "csrf=$T_CSRF" "$@" "$T_BASE$_p"
}
revs() { sqlite3 "$T_DB" "SELECT group_concat(revision || ':' || source, ' ') FROM
    (SELECT revision, source FROM incident_reports WHERE incident_id = 1 ORDER BY revision)"; }

st=$(get g0 /incidents/1/report); t_expect_status g0 200 "$st"
t_has g0 '<p data-report-status="draft"><strong>草稿</strong>'
t_has g0 '<span data-revisions-none>尚无定稿版本</span>'
t_has g0 '<td>干粉灭火器</td>'
t_has g0 '<form id="report-edit" method="post" action="/incidents/1/report">'
t_has g0 "<input type=\"hidden\" name=\"csrf\" value=\"$T_CSRF\">"
t_has g0 '<textarea id="report-body" name="body" rows="24" cols="80" required># 关于3号宿舍楼火灾事件的书面报告'
t_has g0 '<form id="report-finalize" method="post" action="/incidents/1/report/finalize">'
t_has g0 '将当前自动生成的草稿定稿为第 1 版'

# finalize: revision 1 is the draft, shown as final
st=$(post f1 /incidents/1/report/finalize); t_expect_status f1 303 "$st"
t_expect_header f1 Location /incidents/1/report
[ "$(revs)" = "1:draft" ] || t_error "after finalize: $(revs)"
st=$(get g1 /incidents/1/report); t_expect_status g1 200 "$st"
t_has g1 '<p data-report-status="final" data-revision="1"><strong>版本 1 · 定稿（只读）</strong> · 按草稿定稿 · off ·'
t_has g1 '<li data-revision="1" data-source="draft"><strong aria-current="page"><a href="/incidents/1/report?revision=1">版本 1</a></strong>'
t_has g1 '第 1 版已定稿，不可更改；保存修改将另存为新版本'
t_has g1 '<td>干粉灭火器</td>'

# an edit: revision 2, the text escaped (md4c without raw HTML, and in the textarea)
st=$(post e2 /incidents/1/report --data-urlencode 'body=# 书面报告（修改稿）

经核实<script>alert(1)</script>，损失轻微。'); t_expect_status e2 303 "$st"
[ "$(revs)" = "1:draft 2:edit" ] || t_error "after edit: $(revs)"
st=$(get g2 /incidents/1/report); t_expect_status g2 200 "$st"
t_has g2 '<h1>书面报告（修改稿）</h1>'
t_has g2 '经核实&lt;script&gt;alert(1)&lt;/script&gt;，损失轻微。'
t_hasnt g2 '<script>alert(1)'
t_has g2 'data-report-status="final" data-revision="2"'
t_has g2 '<li data-revision="2" data-source="edit"><strong aria-current="page">'
t_has g2 '<li data-revision="1" data-source="draft"><a href="/incidents/1/report?revision=1">'
t_has g2 '第 2 版已定稿，不可更改；保存修改将另存为新版本'
# revision 1 is unchanged and still reachable
st=$(get g2a '/incidents/1/report?revision=1'); t_expect_status g2a 200 "$st"
t_has g2a 'data-report-status="final" data-revision="1"'
t_has g2a '<a href="/incidents/1/report" data-latest="2">最新：版本 2</a>'
t_has g2a '<td>干粉灭火器</td>'
st=$(get g2b '/incidents/1/report?revision=9'); t_expect_status g2b 404 "$st"
st=$(get g2c '/incidents/1/report?revision=x'); t_expect_status g2c 404 "$st"

# an edit after finalize makes revision 3; revision 2 stays as it was
st=$(post e3 /incidents/1/report --data-urlencode 'body=# 第三稿'); t_expect_status e3 303 "$st"
[ "$(revs)" = "1:draft 2:edit 3:edit" ] || t_error "after the second edit: $(revs)"
[ "$(t_muster incident report 1 --revision 2 | head -n 1)" = "# 书面报告（修改稿）" ] ||
    t_error "revision 2 changed"
[ "$(t_muster incident report 1)" = "# 第三稿" ] || t_error "latest is not revision 3"

# a report longer than the 4096 bytes of other forms
big=$(awk 'BEGIN { for (i = 0; i < 400; i++) printf "第%d行内容。\n", i }')
st=$(post e4 /incidents/1/report --data-urlencode "body=$big"); t_expect_status e4 303 "$st"
[ "$(t_muster incident report 1)" = "$big" ] || t_error "the long report differs"

# an empty edit is refused, stores nothing
st=$(post e5 /incidents/1/report --data-urlencode 'body='); t_expect_status e5 400 "$st"
t_has e5 'data-field="report"'
[ "$(revs)" = "1:draft 2:edit 3:edit 4:edit" ] || t_error "a refused edit stored: $(revs)"
st=$(post e6 /incidents/9/report --data-urlencode 'body=x'); t_expect_status e6 404 "$st"

# leaders and viewers read, without the forms, and may not post
for who in lead view; do
    if [ $who = lead ]; then J=$LJAR C=$LCSRF; else J=$VJAR C=$VCSRF; fi
    st=$(t_req r$who -b "$J" "$T_BASE/incidents/1/report"); t_expect_status r$who 200 "$st"
    t_hasnt r$who 'id="report-edit"'
    t_hasnt r$who 'id="report-finalize"'
    st=$(t_req p$who -b "$J" --data-urlencode "csrf=$C" --data-urlencode 'body=x' \
        "$T_BASE/incidents/1/report"); t_expect_status p$who 403 "$st"
    st=$(t_req q$who -b "$J" --data-urlencode "csrf=$C" \
        "$T_BASE/incidents/1/report/finalize"); t_expect_status q$who 403 "$st"
done
[ "$(revs)" = "1:draft 2:edit 3:edit 4:edit" ] || t_error "a refused post stored: $(revs)"
t_muster audit verify >/dev/null || t_error "audit chain broken"
t_done
