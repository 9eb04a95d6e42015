#!/bin/sh
# SPDX-License-Identifier: MIT
# Incidents through the CLI on the school example plan: bad input (unknown
# kind, field, value; nothing stored), open at night, the engine run at
# chosen instants (`engine run --once --at`), acknowledgements (a second one
# changes nothing), refused transitions naming the current state,
# activation (only by a team leader or deputy; tasks from the procedures),
# deadlines met and missed, task done, arrival, a call note, attachments
# (checksum equal to sha256sum; a forbidden type and an oversized file
# refused, nothing stored), close with termination criteria, reopen, the
# after-action report (draft, finalize, edit, revisions, HTML) and the
# audit chain intact at the end.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 110-incident
export MUSTER_DB="$T_TMP/m.db" MUSTER_DATADIR="$MUSTER_SRCDIR/data" MUSTER_ACTOR=clerk
P=qingshan-no3-school
M=$MUSTER

"$M" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "cannot load the plan"

# ---- bad input: clear errors, nothing stored
t_check "unknown kind" 1 "" \
    "muster: unknown incident kind 'quake' in plan '$P' (kinds: fire, food-poisoning, intruder, earthquake, epidemic-cluster)" \
    "$M" incident open --plan $P --kind quake --level IV --place x
t_check "unknown field" 1 "" \
    "muster: unknown incident field 'deaths' in plan '$P' (fields: people, injured, hospitalized, situation)" \
    "$M" incident open --plan $P --kind fire --level IV --place x --field deaths=1
t_check "bad count" 1 "" "muster: field 'people': 'abc' is not a whole number from 0 to 1000000000" \
    "$M" incident open --plan $P --kind fire --level IV --place x --field people=abc
t_check "unknown level" 1 "" "muster: unknown level 'V' in plan '$P' (levels: I, II, III, IV)" \
    "$M" incident open --plan $P --kind fire --level V --place x
t_check "no place: usage" 2 "" "muster: usage: muster incident open --plan ID --kind K [--level L] --place TEXT [--at TIME] [--reported TIME] [--field KEY=VALUE]... [--reporter NAME] [--json]" \
    "$M" incident open --plan $P --kind fire --level IV
t_check "nothing stored" 0 "[]" "" "$M" incident list --json
t_check "no timers armed" 0 "timers: 0
next due: none" "" "$M" engine status

# ---- open at night; the engine applies the policies at 02:10
t_check "open" 0 "incident 1 opened: fire IV at 3号宿舍楼" "" \
    "$M" incident open --plan $P --kind fire --level IV --place 3号宿舍楼 --field people=40 \
    --reported 2026-03-10T02:10 --at 2026-03-10T02:05 --reporter liu-gang
t_check "timer armed" 0 "timers: 1
next due: 2026-03-10T02:10:00+08:00" "" "$M" engine status
t_check "engine at 02:09: nothing due" 0 "engine: 0 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T02:09
t_check "engine at 02:10" 0 "engine: 1 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T02:10
# No roster is published: `duty` reaches nobody and the chain goes on at once.
"$M" incident show 1 --json >"$T_TMP/show.json" || t_fail "show"
t_check "empty duty step escalates" 0 "step.empty 火灾报告与响应 第 1 步：duty 无人可通知（值班空缺或无人员），立即升级
step 火灾报告与响应 第 2 步：通知 person:wang-zhiqiang（1 人）
step 夜间突发事件：分管安全副校长同时知悉 第 1 步：通知 person:wang-zhiqiang（1 人）" "" \
    jq -r '.timeline[] | select(.event | startswith("step")) | "\(.event) \(.text)"' "$T_TMP/show.json"
t_check "one message each to the chain's people" 0 "wang-zhiqiang phone 火灾报告与响应 第 2 步
wang-zhiqiang phone 夜间突发事件：分管安全副校长同时知悉 第 1 步" "" \
    jq -r '.timeline[] | select(.event == "notify.sent" and (.text | contains("步"))) | "\(.person) \(.channel) \(.text)"' "$T_TMP/show.json"
n=$(jq '[.timeline[] | select(.event == "notify.sent")] | length' "$T_TMP/show.json")
o=$(sqlite3 "$MUSTER_DB" "SELECT COUNT(*) FROM outbox_messages WHERE ref = 'incident:1'")
[ "$n" = "$o" ] || t_error "notify.sent entries ($n) and outbox rows ($o) differ"

# ---- acknowledgements
t_check "unknown person" 1 "" "muster: no person 'nobody' in plan '$P'" \
    "$M" incident ack 1 --by nobody
t_check "ack" 0 "incident 1: acknowledged by wang-zhiqiang" "" \
    "$M" incident ack 1 --by wang-zhiqiang --at 2026-03-10T02:12
t_check "ack again" 0 "incident 1: wang-zhiqiang had already acknowledged" "" \
    "$M" incident ack 1 --by wang-zhiqiang --at 2026-03-10T02:13
t_check "refused transition" 1 "" \
    "muster: incident is 'acknowledged'; it cannot become 'contained' (allowed: responding, closed)" \
    "$M" incident status 1 contained
t_check "activation needs a leader" 1 "" \
    "muster: 'luo-ping' cannot activate the response: only a team leader or deputy of plan '$P' can" \
    "$M" incident activate 1 --by luo-ping
t_check "activate" 0 "incident 1: response activated by zhou-jianguo, 25 tasks" "" \
    "$M" incident activate 1 --by zhou-jianguo --at 2026-03-10T02:20
t_check "activate twice" 1 "" "muster: incident 1 was already activated by 'zhou-jianguo'" \
    "$M" incident activate 1 --by zhou-jianguo
t_check "task done" 0 "task 2: done by zhou-jianguo" "" \
    "$M" incident task done 2 --by zhou-jianguo --at 2026-03-10T02:30
t_check "task done twice" 1 "" "muster: task 2 is already done" \
    "$M" incident task done 2 --by zhou-jianguo
t_check "arrive" 0 "incident 1: he-jun arrived" "" \
    "$M" incident arrive 1 --person he-jun --at 2026-03-10T02:35
t_check "call" 0 "incident 1: call recorded" "" \
    "$M" incident note 1 --kind call --text "已拨打119报警" --by liu-gang --at 2026-03-10T02:11
t_check "engine at 03:30" 0 "engine: 12 timers fired, 0 deferred" "" \
    "$M" engine run --once --at 2026-03-10T03:30
t_check "nothing left" 0 "timers: 0
next due: none" "" "$M" engine status
"$M" incident show 1 --json >"$T_TMP/show.json" || t_fail "show"
t_check "deadlines" 0 "met ack 火灾报告与响应 第 2 步确认（1/1）
missed report 班主任报告年级组
met ack 夜间突发事件：分管安全副校长同时知悉 第 1 步确认（1/1）
met report 报告学校应急工作领导小组
missed assembly 集合：学校突发事件应急工作领导小组（夜间 30 分钟）
missed assembly 集合：领导小组办公室（夜间 30 分钟）
met assembly 集合：疏散引导组（夜间 30 分钟）
missed assembly 集合：医疗救护组（夜间 30 分钟）
missed assembly 集合：通讯联络组（夜间 30 分钟）
missed assembly 集合：后勤保障组（夜间 30 分钟）
missed assembly 集合：安全保卫组（夜间 30 分钟）
missed report 报告市教育局" "" \
    jq -r '.deadlines[] | "\(.state) \(.kind) \(.name)"' "$T_TMP/show.json"
t_check "missed at the due time" 0 "2026-03-10T02:15:00+08:00 班主任报告年级组" "" \
    jq -r 'first(.timeline[] | select(.event == "deadline.missed")) | "\(.at) \(.text)"' \
    "$T_TMP/show.json"
t_check "state and chains" 0 'responding [{"policy":"fire","step":2,"state":"stopped"},{"policy":"night","step":1,"state":"stopped"}]' "" \
    sh -c "jq -jr '.state, \" \"' '$T_TMP/show.json'; jq -c '.chains' '$T_TMP/show.json'"
t_check "task owner is the team leader" 0 "leading zhou-jianguo 2026-03-10T02:30:00+08:00" "" \
    jq -r '.tasks[1] | "\(.team) \(.owner) \(.done_at)"' "$T_TMP/show.json"

# ---- attachments
printf '现场情况说明\n' >"$T_TMP/note.txt"
sum=$(sha256sum "$T_TMP/note.txt" | cut -d' ' -f1)
t_check "attach text" 0 "incident 1: attachment 1 'note.txt', 19 bytes, sha256 $sum" "" \
    "$M" incident attach 1 "$T_TMP/note.txt"
printf '\177ELF\002\001\001' >"$T_TMP/photo.jpg"
t_check "forbidden type" 1 "" \
    "muster: file 'photo.jpg' is not an allowed type (JPEG, PNG, PDF or plain text)" \
    "$M" incident attach 1 "$T_TMP/photo.jpg"
head -c 10485761 /dev/zero | tr '\0' a >"$T_TMP/big.txt"
t_check "over the limit" 1 "" \
    "muster: file 'big.txt' is 10485761 bytes, more than the limit of 10485760 bytes (10 MiB)" \
    "$M" incident attach 1 "$T_TMP/big.txt"
t_check "one attachment stored" 0 "1 $sum" "" \
    sqlite3 "$MUSTER_DB" "SELECT COUNT(*) || ' ' || MIN(sha256) FROM incident_attachments"

# ---- close, reopen
t_check "contained" 0 "incident 1: contained" "" \
    "$M" incident status 1 contained --at 2026-03-10T03:40
t_check "unknown criterion" 1 "" \
    "muster: '9' is not a termination criterion of plan '$P' (give 1-4 or the text)" \
    "$M" incident close 1 --criteria 9
t_check "close" 0 "incident 1: closed, 2 termination criteria met" "" \
    "$M" incident close 1 --criteria 1 \
    --criteria "火灾、地震：火情已扑灭或震情趋于平稳，校舍经检查无复燃、倒塌等次生灾害危险" \
    --at 2026-03-10T04:00
t_check "closed: refused" 1 "" "muster: incident is 'closed'; it cannot become 'contained' (allowed: responding)" \
    "$M" incident status 1 contained
t_check "list open: none" 0 "[]" "" "$M" incident list --open --json
t_check "reopen" 0 "incident 1: responding" "" "$M" incident reopen 1 --at 2026-03-10T05:00
t_check "reopen an open incident" 1 "" "muster: incident 1 is 'responding', not closed; nothing to reopen" \
    "$M" incident reopen 1

# ---- the after-action report
"$M" incident report 1 >"$T_TMP/draft.md" || t_fail "report"
for h in "# 关于3号宿舍楼火灾事件的书面报告" "## 一、事件概况" "## 二、处置经过" "## 三、各工作组处置情况" \
    "## 四、报告与响应时限" "## 五、资源使用" "## 六、后续工作" "## 七、附件" \
    "| 2026-03-10 02:11 | 电话 | 刘刚 |  | 已拨打119报警 |" \
    "共 12 项：按时 4 项，超时后完成 0 项，超时未完成 8 项，未判定 0 项。" \
    "- [x] 赶赴现场设立临时指挥部，明确各工作组任务分工（02:30 完成，周建国）" \
    "- 查明“报告市教育局”超时原因，核对联系方式和值班安排，完善报告流程"; do
    grep -qF -- "$h" "$T_TMP/draft.md" || t_error "report lacks: $h"
done
t_check "finalize" 0 "incident 1: report revision 1 stored" "" "$M" incident report 1 --finalize
printf '# 书面报告（修改稿）\n\n经核实……\n' >"$T_TMP/edit.md"
t_check "edit" 0 "incident 1: report revision 2 stored" "" "$M" incident report 1 --edit "$T_TMP/edit.md"
t_check "latest revision" 0 "# 书面报告（修改稿）

经核实……" "" "$M" incident report 1
"$M" incident report 1 --revision 1 >"$T_TMP/rev1.md" || t_fail "revision 1"
cmp -s "$T_TMP/rev1.md" "$T_TMP/draft.md" || t_error "revision 1 differs from the draft it finalized"
t_check "no revision 3" 1 "" "muster: incident 1 has no report revision 3" "$M" incident report 1 --revision 3
"$M" incident report 1 --format html --revision 2 >"$T_TMP/r.html" || t_fail "html"
grep -qF "<h1>书面报告（修改稿）</h1>" "$T_TMP/r.html" || t_error "html report lacks its title"
t_check "revisions are immutable" 0 "2" "" \
    sqlite3 "$MUSTER_DB" "SELECT COUNT(*) FROM incident_reports WHERE incident_id = 1"

# ---- every change audited, the chain intact
a=$(sqlite3 "$MUSTER_DB" "SELECT COUNT(*) FROM audit WHERE object = 'incident:1'" 2>/dev/null ||
    echo 0)
[ "$a" -gt 100 ] || t_error "only $a audit entries on incident:1"
"$M" audit verify >/dev/null || t_error "audit chain broken"
t_done
