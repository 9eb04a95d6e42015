#!/bin/sh
# SPDX-License-Identifier: MIT
# Cases (信访事项) through the CLI: registration with a tracking code, the
# whole workflow across the 2025 National Day and the 2026 Spring Festival
# with its deadlines (calendar days, then working days after `muster config
# set case.days workdays` and `muster case recompute`), every refused step
# (an exact message naming the state; the case and the audit log
# unchanged), assignment, supervision and meeting notes, the one extension,
# review windows, rejection, matters, the due list, the ledger, statistics,
# the hand-over and the notices (the built-in templates equal the editable
# copies in docs/case-notices).
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 120-case
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"
C='[23456789ABCDEFGHJKMNPQRSTUVWXYZ]\{4\}'
T_CHECK_SED="s/$C-$C-$C/CODE/g"

t_muster key init >/dev/null || t_fail "key init"

# jq view of a case: its state and deadlines.
view() {
    t_muster case show "$1" --json | jq -c '{state, deadlines, due, due_kind}'
}
audit_count() {
    t_muster audit tail -n 100000 | wc -l | tr -d ' '
}

# ---- registration
t_check "register" 0 "case 1 registered, tracking code CODE" "" \
    t_muster case register --subject "路灯不亮" --channel letter --received 2025-09-20 \
    --description "小区东门路灯坏了两周" --category infrastructure --place "东门" \
    --unit roads --unit lights --name "王五" --phone 13912345678
t_check "view registered" 0 \
    '{"state":"registered","deadlines":{"accept":"2025-10-09"},"due":"2025-10-09","due_kind":"accept"}' \
    "" view 1
code=$(t_muster case show 1 --json | jq -r .tracking_code)
echo "$code" | grep -Eq '^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$' ||
    t_error "tracking code '$code' is not XXXX-XXXX-XXXX from the alphabet"
t_check "register json" 0 '[2,"visit",[],true,false]' "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case register --subject s --channel visit \
        --received 2025-09-20 --address '某街1号' --json | jq -c '[.id, .channel, .units, (.tracking_code | test(\"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}\$\")), has(\"complainant\")]'"

# bad registrations store nothing
n0=$(audit_count)
t_check "no way to reply" 1 "" \
    "muster: a way to reply is required: a phone number or an address" \
    t_muster case register --subject x --channel letter --received 2025-09-20 --name 赵六
t_check "bad channel" 1 "" \
    "muster: channel 'email' is not one of letter, visit, phone, online, hotline, transfer" \
    t_muster case register --subject x --channel email --received 2025-09-20 --phone 13800000000
t_check "bad date" 1 "" "muster: --received: '2025-02-30' is not a valid date between 1900 and 2199" \
    t_muster case register --subject x --channel letter --received 2025-02-30 --phone 13800000000
t_check "missing subject" 2 "" "muster: usage: muster case register --subject TEXT --channel CHANNEL --received DATE [--description TEXT] [--category C] [--place P] [--unit U]... [--name NAME] [--phone PHONE] [--address A] [--id-number ID] [--matter CASE] [--json]" \
    t_muster case register --channel letter --received 2025-09-20 --phone 13800000000
[ "$(audit_count)" = "$n0" ] || t_error "refused registrations appended to the audit log"

# ---- refused steps before acceptance: exact messages, nothing changes
before=$(t_muster case show 1 --json)
n0=$(audit_count)
t_check "reply before acceptance" 1 "" \
    "muster: case 1: cannot reply: the case is 'registered' (accept it first)" \
    t_muster case reply 1 --text "已修复" --on 2025-09-22
t_check "extend before acceptance" 1 "" \
    "muster: case 1: cannot extend: the case is 'registered' (only an accepted case can be extended)" \
    t_muster case extend 1 --days 10 --reason x --on 2025-09-22
t_check "review before a reply" 1 "" \
    "muster: case 1: cannot review: the case is 'registered' (review follows a written reply)" \
    t_muster case review 1 --on 2025-09-22
t_check "close before a reply" 1 "" \
    "muster: case 1: cannot close: the case is 'registered' (a case closes after its reply or rejection)" \
    t_muster case close 1 --on 2025-09-22
t_check "accept before receipt" 1 "" \
    "muster: case 1: date 2025-09-19 is before the last step on 2025-09-20" \
    t_muster case accept 1 --on 2025-09-19
t_check "no such case" 1 "" "muster: case 99: no case 99" t_muster case accept 99 --on 2025-09-22
[ "$(t_muster case show 1 --json)" = "$before" ] || t_error "a refused step changed the case"
[ "$(audit_count)" = "$n0" ] || t_error "a refused step appended to the audit log"

# ---- accept, assign, notes, one extension
t_check "accept" 0 "case 1: accepted, handle due 2025-11-24" "" \
    t_muster case accept 1 --on 2025-09-25
t_check "accept twice" 1 "" \
    "muster: case 1: cannot accept: the case is 'accepted' (only a registered case can be accepted)" \
    t_muster case accept 1 --on 2025-09-26
t_check "reject after acceptance" 1 "" \
    "muster: case 1: cannot reject: the case is 'accepted' (only a registered case can be rejected)" \
    t_muster case reject 1 --reason x --body y --on 2025-09-26
t_check "assign" 0 "case 1: accepted, handle due 2025-11-24" "" \
    t_muster case assign 1 --leader li-ming --unit roads --unit street-office --on 2025-09-26
t_check "supervision note" 0 "case 1: accepted, handle due 2025-11-24" "" \
    t_muster case note 1 --text "督办：请于本周内到现场" --on 2025-10-10
t_check "meeting decision" 0 "case 1: accepted, handle due 2025-11-24" "" \
    t_muster case note 1 --kind meeting --text "集体研究：由路灯所更换灯具" --on 2025-10-15
t_check "bad note kind" 1 "" "muster: case 1: note kind 'gossip' is not supervision or meeting" \
    t_muster case note 1 --kind gossip --text x --on 2025-10-15
t_check "extension too long" 1 "" "muster: case 1: an extension is 1 to 30 days, not 31" \
    t_muster case extend 1 --days 31 --reason "需要现场勘查" --on 2025-11-01
t_check "extension without reason" 2 "" \
    "muster: --days '' is not a number of days" t_muster case extend 1 --days "" --on 2025-11-01
t_check "extend" 0 "case 1: accepted, handle due 2025-12-24" "" \
    t_muster case extend 1 --days 30 --reason "需要现场勘查" --on 2025-11-01
before=$(t_muster case show 1 --json)
t_check "second extension" 1 "" \
    "muster: case 1: cannot extend: the case is 'accepted' (it was already extended once)" \
    t_muster case extend 1 --days 5 --reason again --on 2025-11-02
[ "$(t_muster case show 1 --json)" = "$before" ] || t_error "the second extension changed the case"
t_check "show assigned" 0 '["li-ming",["roads","street-office"],30]' "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case show 1 --json | jq -c '[.leader, .handling_units, .extend_days]'"

# ---- the due list
t_check "due in 3 days" 0 "case 2  accept due 2025-10-09 (overdue by 73 days)  s
case 1  handle due 2025-12-24 (in 3 days)  路灯不亮" "" \
    t_muster case due --within 3d --today 2025-12-21
t_check "not yet due" 0 "case 2  accept due 2025-10-09 (overdue by 72 days)  s" "" \
    t_muster case due --within 3d --today 2025-12-20
t_check "due json" 0 '[[2,"accept","2025-10-09",true,-78],[1,"handle","2025-12-24",true,-2]]' "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case due --within 0d --today 2025-12-26 --json | jq -c 'map([.id, .due_kind, .due, .overdue, .days_left])'"
t_check "due bad within" 2 "" "muster: --within: 'soon' is not a duration (expected e.g. 90s, 15m, 2h, 1h30m, 3d)" \
    t_muster case due --within soon

# ---- reply, review windows, re-review, close
t_check "reply bad outcome" 1 "" \
    "muster: case 1: outcome 'maybe' is not one of supported, partly, not_supported, explained" \
    t_muster case reply 1 --text "已修复" --outcome maybe --on 2025-12-01
t_check "reply" 0 "case 1: replied" "" \
    t_muster case reply 1 --text "已更换灯具，恢复照明。" --outcome supported --on 2025-12-01
t_check "view replied" 0 \
    '{"state":"replied","deadlines":{"accept":"2025-10-09","handle":"2025-12-24","review_request":"2025-12-31"},"due":null,"due_kind":null}' \
    "" view 1
t_check "review too late" 1 "" \
    "muster: case 1: cannot review: the time to ask for it ended on 2025-12-31" \
    t_muster case review 1 --on 2026-01-05
t_check "review" 0 "case 1: review_requested, review due 2026-01-20" "" \
    t_muster case review 1 --on 2025-12-21
t_check "close during review" 1 "" \
    "muster: case 1: cannot close: the case is 'review_requested' (a case closes after its reply or rejection)" \
    t_muster case close 1 --on 2025-12-22
t_check "review answered" 0 "case 1: reviewed" "" \
    t_muster case reply 1 --text "复查意见：维持原答复。" --on 2026-01-20
t_check "view reviewed (Spring Festival)" 0 \
    '{"state":"reviewed","deadlines":{"accept":"2025-10-09","handle":"2025-12-24","review_request":"2026-02-24"},"due":null,"due_kind":null}' \
    "" view 1
t_check "re-review" 0 "case 1: rereview_requested, review due 2026-03-26" "" \
    t_muster case review 1 --on 2026-02-24
t_check "re-review answered" 0 "case 1: rereviewed" "" \
    t_muster case reply 1 --text "复核意见：维持。" --on 2026-03-10
t_check "no third review" 1 "" \
    "muster: case 1: cannot review: the case is 'rereviewed' (review follows a written reply)" \
    t_muster case review 1 --on 2026-03-11
t_check "close" 0 "case 1: closed" "" t_muster case close 1 --on 2026-03-12
t_check "close twice" 1 "" \
    "muster: case 1: cannot close: the case is 'closed' (it is already closed)" \
    t_muster case close 1 --on 2026-03-13
t_check "note on closed" 1 "" \
    "muster: case 1: cannot note: the case is 'closed' (notes are kept while the case is open)" \
    t_muster case note 1 --text x --on 2026-03-13
t_check "actions" 0 "register accept assign supervision meeting extend reply review review_reply review review_reply close" "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case show 1 --json | jq -r '[.actions[].kind] | join(\" \")'"

# ---- working days: the setting, recompute, a new case, rejection
t_muster config set case.days workdays >/dev/null || t_fail "config set case.days"
t_check "recompute" 0 "deadlines changed in 1 open case" "" t_muster case recompute
t_check "view 2 in working days" 0 \
    '{"state":"registered","deadlines":{"accept":"2025-10-16"},"due":"2025-10-16","due_kind":"accept"}' \
    "" view 2
t_check "recompute again" 0 "deadlines changed in 0 open cases" "" t_muster case recompute
t_check "register in working days" 0 "case 3 registered, tracking code CODE" "" \
    t_muster case register --subject "噪音扰民" --channel online --received 2026-02-10 \
    --phone 13700001111 --category environment --unit roads
t_check "view 3" 0 \
    '{"state":"registered","deadlines":{"accept":"2026-03-09"},"due":"2026-03-09","due_kind":"accept"}' \
    "" view 3
t_check "reject without body" 1 "" \
    "muster: case 3: the body the complainant may turn to is required" \
    t_muster case reject 3 --reason "属于诉讼事项" --on 2026-02-12
t_check "reject" 0 "case 3: rejected" "" \
    t_muster case reject 3 --reason "属于诉讼事项" --body "区人民法院" --on 2026-02-12
t_check "accept after rejection" 1 "" \
    "muster: case 3: cannot accept: the case is 'rejected' (only a registered case can be accepted)" \
    t_muster case accept 3 --on 2026-02-13
t_muster config set case.days calendar >/dev/null || t_fail "config set case.days calendar"
t_muster config set case.limit.accept 5 >/dev/null || t_fail "config set case.limit.accept"
t_check "register with a shorter limit" 0 "case 4 registered, tracking code CODE" "" \
    t_muster case register --subject "同一事项" --channel phone --received 2026-02-01 \
    --phone 13600002222 --matter 2
t_check "view 4 (limit 5, Spring Festival)" 0 \
    '{"state":"registered","deadlines":{"accept":"2026-02-06"},"due":"2026-02-06","due_kind":"accept"}' \
    "" view 4
t_check "matter" 0 "2 2 2" "" \
    sh -c "for i in 2 4; do MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case show \$i --json | jq -r .matter; done | tr '\n' ' '; echo 2"
t_check "bad limit setting" 1 "" \
    "muster: setting 'case.limit.handle' is 'x', not a number of days from 1 to 3650" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' config set case.limit.handle x >/dev/null 2>&1; MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case accept 4 --on 2026-02-02"
t_muster config set case.limit.handle 60 >/dev/null 2>&1

# ---- ledger and statistics
t_check "list closed" 0 "ID     CODE           STATE              RECEIVED   DUE        FOR    CHANNEL   SUBJECT
1      CODE closed             2025-09-20 -          -      letter    路灯不亮" "" \
    t_muster case list --state closed
t_check "list by unit" 0 "1 3" "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case list --unit roads --json | jq -r 'map(.id) | join(\" \")'"
t_check "list by channel and category" 0 "3" "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case list --channel online --category environment --json | jq -r 'map(.id) | join(\" \")'"
t_check "list bad state" 1 "" \
    "muster: unknown case state 'open' (registered, accepted, rejected, replied, review_requested, reviewed, rereview_requested, rereviewed, closed)" \
    t_muster case list --state open
t_check "stats" 0 '{"cases":4,"by_channel":{"letter":1,"visit":1,"online":1,"phone":1},"by_state":{"closed":1,"registered":2,"rejected":1},"by_outcome":{"supported":1,"(none)":3},"on_time":{"decided":2,"decided_on_time":2,"replied":1,"replied_on_time":1,"rate":1}}' "" \
    sh -c "MUSTER_ACTOR=tester '$MUSTER' --db '$T_DB' case stats --json | jq -c '{cases, by_channel, by_state, by_outcome, on_time}'"
t_muster case list --xlsx "$T_TMP/ledger.xlsx" >"$T_TMP/o" || t_error "xlsx export"
unzip -p "$T_TMP/ledger.xlsx" xl/sharedStrings.xml >"$T_TMP/strings.xml" 2>/dev/null ||
    t_error "the export is not an XLSX file"
grep -q "路灯不亮" "$T_TMP/strings.xml" || t_error "the ledger lacks the subject"
grep -q "王五\|13912345678" "$T_TMP/strings.xml" && t_error "the ledger carries identity"

# ---- hand-over and notices
t_muster case handover 1 >"$T_TMP/handover.md" || t_error "handover"
grep -qx -- "- 承办单位 Handling units: roads,street-office" "$T_TMP/handover.md" ||
    t_error "handover lacks the handling units: $(cat "$T_TMP/handover.md")"
if grep -q "王五\|13912345678\|5678\|$code" "$T_TMP/handover.md"; then
    t_error "the hand-over carries the complainant's identity or code"
fi
t_muster case handover 1 --format html | grep -q "<th>包案领导 Leader</th><td>li-ming</td>" ||
    t_error "html hand-over"
for k in accept extend reply; do
    t_muster case notice 1 --kind $k >"$T_TMP/n1" || t_error "notice $k"
    t_muster case notice 1 --kind $k --templates "$MUSTER_SRCDIR/docs/case-notices" >"$T_TMP/n2" ||
        t_error "notice $k from docs"
    cmp -s "$T_TMP/n1" "$T_TMP/n2" || t_error "notice $k: docs/case-notices/$k.md differs from the built-in text"
done
t_muster case notice 3 --kind reject --templates "$MUSTER_SRCDIR/docs/case-notices" >"$T_TMP/n2"
t_muster case notice 3 --kind reject >"$T_TMP/n1"
cmp -s "$T_TMP/n1" "$T_TMP/n2" || t_error "notice reject: docs differ from the built-in text"
grep -qx "理由：属于诉讼事项" "$T_TMP/n1" || t_error "reject notice lacks the reason: $(cat "$T_TMP/n1")"
grep -qx "您可以向 区人民法院 提出。" "$T_TMP/n1" || t_error "reject notice lacks the body"
t_muster case notice 1 --kind extend | grep -qx "您于 2025-09-20 提出的信访事项（路灯不亮），因 需要现场勘查，办理期限延长 30 日，至 2025-12-24。" ||
    t_error "extend notice"
t_muster case notice 1 --kind accept | grep -qx "王五：" || t_error "accept notice is not addressed to the complainant"
t_check "notice that does not fit" 1 "" "muster: case 3: no accept notice: the case is 'rejected'" \
    t_muster case notice 3 --kind accept
t_check "notice bad kind" 1 "" \
    "muster: notice kind 'thanks' is not accept, reject, extend or reply" \
    t_muster case notice 1 --kind thanks
mkdir "$T_TMP/tpl"
printf '{{nope}}\n' >"$T_TMP/tpl/reply.md"
t_check "notice bad placeholder" 1 "" \
    "muster: case 1: notice template 'reply': unknown placeholder '{{nope}}'" \
    t_muster case notice 1 --kind reply --templates "$T_TMP/tpl"

# ---- reminders recorded as due notices
n=$(sqlite3 "$T_DB" "SELECT count(*) FROM notices WHERE ref = 'case:4' AND kind = 'case.due' AND cancelled_at IS NULL")
[ "$n" = 2 ] || t_error "case 4 has $n pending reminders, want 2"
n=$(sqlite3 "$T_DB" "SELECT count(*) FROM notices WHERE ref = 'case:1' AND cancelled_at IS NULL")
[ "$n" = 0 ] || t_error "closed case 1 still has $n pending reminders"

t_muster audit verify >/dev/null || t_error "audit chain broken"
t_done
