#!/bin/sh
# SPDX-License-Identifier: MIT
# Daily check-ins through the CLI on the school example plan (schedule
# qingshan-no3-school/class-daily: 12 classes, 09:30 and 14:30 on working
# days, 10 minutes grace): nil and count reports, a resubmission before the
# deadline, late reports, the board (JSON compared exactly, text), bad input
# (each error names the field, exits 1, and stores nothing: the board and
# the audit log are unchanged), usage errors (exit 2), reporter limits of a
# user account, tick (reminders and the summary, idempotent), summary and
# statistics (table, JSON, XLSX).
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 090-checkin
T_DB="$T_TMP/m.db"
T_ACTOR=clerk
export MUSTER_DB="$T_DB" MUSTER_DATADIR="$MUSTER_SRCDIR/data" MUSTER_ACTOR=clerk
S=qingshan-no3-school/class-daily

submit() {
    "$MUSTER" checkin submit --schedule "$S" "$@"
}

"$MUSTER" plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null ||
    t_fail "cannot load the school plan"

# ---- submissions (2026-03-02 is a Monday, a working day)
t_check "nil" 0 "submission 1: $S c7-1, slot 2026-03-02T09:30, on time" "" \
    submit --unit c7-1 --nil --at 2026-03-02T09:05
t_check "counts, bare schedule id, --by person" 0 \
    "submission 2: $S c7-2, slot 2026-03-02T09:30, on time" "" \
    "$MUSTER" checkin submit --schedule class-daily --unit c7-2 --field sick_absent=2 \
    --field sick_fever=1 --text "两人感冒" --at 2026-03-02T09:20 --by zhang-min
t_check "resubmission before the deadline" 0 \
    "submission 3: $S c7-2, slot 2026-03-02T09:30, on time, replaces the earlier report" "" \
    submit --unit c7-2 --field sick_absent=3 --at 2026-03-02T09:38
t_check "exactly at due time + grace" 0 "submission 4: $S c8-1, slot 2026-03-02T09:30, on time" "" \
    submit --unit c8-1 --nil --at 2026-03-02T09:40:00
t_check "one second after: the next slot" 0 \
    "submission 5: $S c8-2, slot 2026-03-02T14:30, on time" "" \
    submit --unit c8-2 --nil --at 2026-03-02T09:40:01
t_check "late for a named slot" 0 "submission 6: $S c7-3, slot 2026-03-02T09:30, late" "" \
    submit --unit c7-3 --nil --at 2026-03-02T09:45 --slot 09:30
t_check "after the last slot: late" 0 "submission 7: $S c7-4, slot 2026-03-02T14:30, late" "" \
    submit --unit c7-4 --field suspected=0 --at 2026-03-02T15:00
t_check "late after an on-time report: kept" 0 \
    "submission 8: $S c7-2, slot 2026-03-02T09:30, late, kept (an earlier report counts)" "" \
    submit --unit c7-2 --nil --at 2026-03-02T11:00 --slot 09:30
t_check "UTC time" 0 "submission 9: $S c9-1, slot 2026-03-02T14:30, on time" "" \
    submit --unit c9-1 --nil --at 2026-03-02T05:00:00Z

# ---- the board at 10:00, exactly (one JSON object per line via jq)
cat >"$T_TMP/want_board" <<'EOF'
{"unit":"c7-1","unit_name":"七年级1班","slot":"09:30","status":"on_time","submitted_at":"2026-03-02T09:05:00+08:00","nil":true,"reporter_id":"li-na","reporter":"李娜","phone":"138-0000-0131"}
{"unit":"c7-1","unit_name":"七年级1班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"li-na","reporter":"李娜","phone":"138-0000-0131"}
{"unit":"c7-2","unit_name":"七年级2班","slot":"09:30","status":"on_time","submitted_at":"2026-03-02T09:38:00+08:00","nil":false,"reporter_id":"zhang-min","reporter":"张敏","phone":"138-0000-0132"}
{"unit":"c7-2","unit_name":"七年级2班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"zhang-min","reporter":"张敏","phone":"138-0000-0132"}
{"unit":"c7-3","unit_name":"七年级3班","slot":"09:30","status":"late","submitted_at":"2026-03-02T09:45:00+08:00","nil":true,"reporter_id":"wu-hao","reporter":"吴昊","phone":"138-0000-0133"}
{"unit":"c7-3","unit_name":"七年级3班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"wu-hao","reporter":"吴昊","phone":"138-0000-0133"}
{"unit":"c7-4","unit_name":"七年级4班","slot":"09:30","status":"missing","submitted_at":null,"nil":null,"reporter_id":"zheng-jie","reporter":"郑洁","phone":"138-0000-0134"}
{"unit":"c7-4","unit_name":"七年级4班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"zheng-jie","reporter":"郑洁","phone":"138-0000-0134"}
{"unit":"c8-1","unit_name":"八年级1班","slot":"09:30","status":"on_time","submitted_at":"2026-03-02T09:40:00+08:00","nil":true,"reporter_id":"feng-tao","reporter":"冯涛","phone":"138-0000-0135"}
{"unit":"c8-1","unit_name":"八年级1班","slot":"14:30","status":"not_due","submitted_at":null,"nil":null,"reporter_id":"feng-tao","reporter":"冯涛","phone":"138-0000-0135"}
{"unit":"c8-2","unit_name":"八年级2班","slot":"09:30","status":"missing","submitted_at":null,"nil":null,"reporter_id":"xu-ting","reporter":"许婷","phone":"138-0000-0136"}
{"unit":"c8-2","unit_name":"八年级2班","slot":"14:30","status":"on_time","submitted_at":"2026-03-02T09:40:01+08:00","nil":true,"reporter_id":"xu-ting","reporter":"许婷","phone":"138-0000-0136"}
EOF
"$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T10:00 --json \
    >"$T_TMP/board.json" || t_error "board --json failed"
jq -e 'length == 24 and all(.[]; has("unit") and has("slot") and has("status") and has("submitted_at") and has("nil"))' \
    "$T_TMP/board.json" >/dev/null || t_error "board JSON: not 24 cells with the required keys"
jq -c '.[]' "$T_TMP/board.json" | head -12 >"$T_TMP/got_board"
cmp -s "$T_TMP/got_board" "$T_TMP/want_board" || t_error "board JSON differs:
$(diff "$T_TMP/want_board" "$T_TMP/got_board")"
# Every other cell at 10:00: 09:30 missing, 14:30 not due (c9-1 reports at 13:00).
[ "$(jq -c '[.[12:][] | [.unit, .slot, .status]]' "$T_TMP/board.json")" = \
    '[["c8-3","09:30","missing"],["c8-3","14:30","not_due"],["c8-4","09:30","missing"],["c8-4","14:30","not_due"],["c9-1","09:30","missing"],["c9-1","14:30","not_due"],["c9-2","09:30","missing"],["c9-2","14:30","not_due"],["c9-3","09:30","missing"],["c9-3","14:30","not_due"],["c9-4","09:30","missing"],["c9-4","14:30","not_due"]]' ] ||
    t_error "board JSON rest: $(jq -c '[.[12:][] | [.unit, .slot, .status]]' "$T_TMP/board.json")"

# Within the grace period nothing is missing yet; before anything, all not due.
[ "$("$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T09:35 --json |
    jq -r '[.[] | select(.slot == "09:30") | .status] | unique | join(",")')" = "not_due,on_time" ] ||
    t_error "board at 09:35 should have no missing cells"
[ "$("$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T08:00 --json |
    jq -r '[.[].status] | unique | join(",")')" = "not_due" ] || t_error "board at 08:00"

# Text board: header and the first rows.
"$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T10:00 >"$T_TMP/board.txt" ||
    t_error "board text failed"
cat >"$T_TMP/want_text" <<'EOF'
qingshan-no3-school/class-daily 班级每日零报告  2026-03-02  as of 2026-03-02T10:00:00+08:00
UNIT  NAME       SLOT   STATUS   SUBMITTED         NIL  REPORTER  PHONE
c7-1  七年级1班  09:30  on_time  2026-03-02T09:05  yes  李娜      138-0000-0131
c7-1  七年级1班  14:30  not_due  -                 -    李娜      138-0000-0131
EOF
head -4 "$T_TMP/board.txt" | cmp -s - "$T_TMP/want_text" || t_error "board text:
$(head -4 "$T_TMP/board.txt")"
[ "$(tail -1 "$T_TMP/board.txt")" = "on_time 4, late 1, missing 8, not_due 11" ] ||
    t_error "board text totals: $(tail -1 "$T_TMP/board.txt")"
t_check "holiday board" 0 "qingshan-no3-school/class-daily 班级每日零报告  2026-02-17  as of 2026-02-17T10:00:00+08:00
no report is due on 2026-02-17 (not a working day)" "" \
    "$MUSTER" checkin board --schedule "$S" --date 2026-02-17 --at 2026-02-17T10:00

# ---- bad input: the error names the field, exit 1, nothing stored
"$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T23:00 --json >"$T_TMP/before"
audit_before=$("$MUSTER" audit verify)
bad() {
    name=$1 msg=$2
    shift 2
    t_check "$name" 1 "" "muster: $msg" submit "$@"
}
bad "unknown unit" "no unit 'c10-1' in plan 'qingshan-no3-school'" \
    --unit c10-1 --nil --at 2026-03-02T09:05
bad "unit not in the schedule" "unit 'g7' does not report to check-in '$S'" \
    --unit g7 --nil --at 2026-03-02T09:05
t_check "unknown schedule" 1 "" \
    "muster: no schedule 'qingshan-no3-school/weekly': plan 'qingshan-no3-school' has no check-in 'weekly'" \
    "$MUSTER" checkin submit --schedule qingshan-no3-school/weekly --unit c7-1 --nil
t_check "unknown plan" 1 "" "muster: no schedule 'nope/daily': no plan 'nope'" \
    "$MUSTER" checkin submit --schedule nope/daily --unit c7-1 --nil
bad "field not in the form" \
    "field 'temp' is not in the form of check-in 'class-daily' (fields: sick_absent, sick_fever, suspected, note)" \
    --unit c7-1 --field temp=1 --at 2026-03-02T09:05
bad "negative count" "field 'sick_absent': -1 is negative" \
    --unit c7-1 --field sick_absent=-1 --at 2026-03-02T09:05
bad "not a number" "field 'sick_fever': 'two' is not a whole number" \
    --unit c7-1 --field sick_absent=1 --field sick_fever=two --at 2026-03-02T09:05
bad "text over the limit" "field 'note': 201 characters, more than 200" \
    --unit c7-1 --nil --text "$(printf '%0201d' 0)" --at 2026-03-02T09:05
bad "not a time" \
    "--at: '2026-03-02T25:00' is not a date and time: use YYYY-MM-DDTHH:MM (UTC+8), optionally with :SS and Z or +HH:MM" \
    --unit c7-1 --nil --at 2026-03-02T25:00
bad "holiday" "check-in 'class-daily' has no report due on 2026-02-17 (not a working day)" \
    --unit c7-1 --nil --at 2026-02-17T09:00
bad "slot not a due time" "slot 10:00 is not a due time of check-in 'class-daily' (09:30, 14:30)" \
    --unit c7-1 --nil --slot 10:00 --at 2026-03-02T09:05
bad "slot not a time" "slot '9h' is not HH:MM or YYYY-MM-DDTHH:MM" \
    --unit c7-1 --nil --slot 9h --at 2026-03-02T09:05
bad "unknown submitter" "'nobody' is neither a person of plan 'qingshan-no3-school' nor a user" \
    --unit c7-1 --nil --by nobody --at 2026-03-02T09:05
usage_submit="muster: usage: muster checkin submit --schedule ID --unit ID (--nil | --field KEY=VALUE...) [--text TEXT] [--at TIME] [--slot HH:MM] [--by PERSON|USER]"
t_check "nil and fields" 2 "" "muster: checkin submit: give --nil or --field, not both
$usage_submit" submit --unit c7-1 --nil --field sick_absent=1
t_check "neither nil nor fields" 2 "" "$usage_submit" submit --unit c7-1
t_check "no unit" 2 "" "$usage_submit" submit --nil
t_check "field without =" 2 "" "muster: --field 'sick_absent' is not KEY=VALUE" \
    submit --unit c7-1 --field sick_absent
t_check "unknown option" 2 "" "muster: unknown option '--units'" submit --units c7-1 --nil
"$MUSTER" checkin board --schedule "$S" --date 2026-03-02 --at 2026-03-02T23:00 --json >"$T_TMP/after"
cmp -s "$T_TMP/before" "$T_TMP/after" || t_error "bad input changed the board"
[ "$("$MUSTER" audit verify)" = "$audit_before" ] ||
    t_error "bad input changed the audit log: $("$MUSTER" audit verify), was $audit_before"
[ "$(sqlite3 "$MUSTER_DB" 'SELECT COUNT(*) FROM checkin_submissions')" = 9 ] ||
    t_error "submissions stored: $(sqlite3 "$MUSTER_DB" 'SELECT COUNT(*) FROM checkin_submissions')"
"$MUSTER" audit tail -n 1 | grep -q "  clerk  checkin.submit  checkin:$S/c9-1  slot 2026-03-02T14:30, on time, nil report, by clerk\$" ||
    t_error "audit tail: $("$MUSTER" audit tail -n 1)"

# ---- reporters are limited to their units
t_user li.na reporter c7-1
t_check "reporter, own unit" 0 "submission 10: $S c7-1, slot 2026-03-03T09:30, on time" "" \
    submit --unit c7-1 --nil --by li.na --at 2026-03-03T09:00
t_check "reporter, another unit" 1 "" "muster: user 'li.na' is not allowed to report for unit 'c7-2'" \
    submit --unit c7-2 --nil --by li.na --at 2026-03-03T09:00

# ---- tick: reminders at each due time, the summary at 16:00; idempotent
t_check "tick" 0 "reminders 20, summaries 1, notices 25" "" \
    "$MUSTER" checkin tick --at 2026-03-02T16:05
t_check "tick again" 0 "reminders 0, summaries 0, notices 0" "" \
    "$MUSTER" checkin tick --at 2026-03-02T16:05
[ "$(sqlite3 "$MUSTER_DB" "SELECT person || ' ' || subject FROM notices WHERE ref = 'checkin:$S:c7-3:2026-03-02T09:30'")" = \
    "wu-hao 班级每日零报告：七年级3班 09:30 的报告尚未提交（09:40 前有效）" ] ||
    t_error "reminder of c7-3: $(sqlite3 "$MUSTER_DB" "SELECT * FROM notices WHERE ref LIKE '%c7-3%'")"
[ "$(sqlite3 "$MUSTER_DB" "SELECT COUNT(*) FROM notices WHERE kind = 'checkin.reminder' AND ref LIKE '%:c7-1:%'")" = 1 ] ||
    t_error "c7-1 reported at 09:05 and should have one reminder (14:30) only"
[ "$(sqlite3 "$MUSTER_DB" "SELECT COUNT(*) FROM checkin_summaries")" = 1 ] || t_error "no summary kept"

cat >"$T_TMP/want_summary" <<'EOF'
summary of qingshan-no3-school/class-daily 班级每日零报告 for 2026-03-02 as of 2026-03-02T16:00:00+08:00 (recorded)
reports: 7 of 24 due (on time 5, late 2), missing 17, not due 0
nil reports: 5
因病缺勤人数 (sick_absent): 3 in 1 report
因病缺勤学生中发热人数 (sick_fever): 0 in 0 reports
疑似传染病病例数 (suspected): 0 in 1 report
late: c7-3 七年级3班 09:30 at 2026-03-02T09:45:00+08:00
late: c7-4 七年级4班 14:30 at 2026-03-02T15:00:00+08:00
missing: c7-1 七年级1班 14:30 (李娜 138-0000-0131)
missing: c7-2 七年级2班 14:30 (张敏 138-0000-0132)
missing: c7-3 七年级3班 14:30 (吴昊 138-0000-0133)
missing: c7-4 七年级4班 09:30 (郑洁 138-0000-0134)
missing: c8-1 八年级1班 14:30 (冯涛 138-0000-0135)
missing: c8-2 八年级2班 09:30 (许婷 138-0000-0136)
missing: c8-3 八年级3班 09:30 (邓超 138-0000-0137)
missing: c8-3 八年级3班 14:30 (邓超 138-0000-0137)
missing: c8-4 八年级4班 09:30 (曹雪 138-0000-0138)
missing: c8-4 八年级4班 14:30 (曹雪 138-0000-0138)
missing: c9-1 九年级1班 09:30 (彭宇 138-0000-0139)
missing: c9-2 九年级2班 09:30 (韩梅 138-0000-0140)
missing: c9-2 九年级2班 14:30 (韩梅 138-0000-0140)
missing: c9-3 九年级3班 09:30 (蒋斌 138-0000-0141)
missing: c9-3 九年级3班 14:30 (蒋斌 138-0000-0141)
missing: c9-4 九年级4班 09:30 (沈佳 138-0000-0142)
missing: c9-4 九年级4班 14:30 (沈佳 138-0000-0142)
to: team:office, leader:medical
EOF
"$MUSTER" checkin summary --schedule "$S" --date 2026-03-02 >"$T_TMP/summary" || t_error "summary failed"
cmp -s "$T_TMP/summary" "$T_TMP/want_summary" || t_error "summary differs:
$(diff "$T_TMP/want_summary" "$T_TMP/summary")"
[ "$("$MUSTER" checkin summary --schedule "$S" --date 2026-03-02 --json |
    jq -c '[.recorded, .units, .due, .counts, .reports, .nil_reports, (.fields | map([.key, .total]))]')" = \
    '[true,12,24,{"on_time":5,"late":2,"missing":17,"not_due":0},7,5,[["sick_absent",3],["sick_fever",0],["suspected",0]]]' ] ||
    t_error "summary JSON: $("$MUSTER" checkin summary --schedule "$S" --date 2026-03-02 --json)"
# A report made after the summary does not change the summary as kept.
submit --unit c9-4 --nil --slot 2026-03-02T14:30 --at 2026-03-02T18:00 >/dev/null || t_error "late c9-4"
"$MUSTER" checkin summary --schedule "$S" --date 2026-03-02 | cmp -s - "$T_TMP/want_summary" ||
    t_error "the kept summary changed"

# ---- statistics over two days, as of the end of 2026-03-03
cat >"$T_TMP/want_stats" <<'EOF'
qingshan-no3-school/class-daily 班级每日零报告  2026-03-02 to 2026-03-03  as of 2026-03-03T23:00:00+08:00
UNIT   NAME       DUE  ON_TIME  LATE  MISSING  RATE
c7-1   七年级1班  4    2        0     2        50.0%
c7-2   七年级2班  4    1        0     3        25.0%
c7-3   七年级3班  4    0        1     3        0.0%
c7-4   七年级4班  4    0        1     3        0.0%
c8-1   八年级1班  4    1        0     3        25.0%
c8-2   八年级2班  4    1        0     3        25.0%
c8-3   八年级3班  4    0        0     4        0.0%
c8-4   八年级4班  4    0        0     4        0.0%
c9-1   九年级1班  4    1        0     3        25.0%
c9-2   九年级2班  4    0        0     4        0.0%
c9-3   九年级3班  4    0        0     4        0.0%
c9-4   九年级4班  4    0        1     3        0.0%
total             48   6        3     39       12.5%
EOF
"$MUSTER" checkin stats --schedule "$S" --from 2026-03-02 --to 2026-03-03 \
    --at 2026-03-03T23:00 >"$T_TMP/stats" || t_error "stats failed"
cmp -s "$T_TMP/stats" "$T_TMP/want_stats" || t_error "stats differ:
$(diff "$T_TMP/want_stats" "$T_TMP/stats")"
[ "$("$MUSTER" checkin stats --schedule "$S" --from 2026-03-02 --to 2026-03-03 \
    --at 2026-03-03T23:00 --json | jq -c '[.units[0], .total]')" = \
    '[{"unit":"c7-1","unit_name":"七年级1班","due":4,"on_time":2,"late":0,"missing":2,"rate":0.5},{"due":48,"on_time":6,"late":3,"missing":39,"rate":0.125}]' ] ||
    t_error "stats JSON"
t_check "stats xlsx" 0 "wrote $T_TMP/s.xlsx" "" "$MUSTER" checkin stats --schedule "$S" \
    --from 2026-03-02 --to 2026-03-03 --at 2026-03-03T23:00 --xlsx "$T_TMP/s.xlsx"
[ "$(head -c 2 "$T_TMP/s.xlsx")" = "PK" ] || t_error "the XLSX file is not a zip"
t_check "stats period backwards" 1 "" "muster: the period ends before it begins" \
    "$MUSTER" checkin stats --schedule "$S" --from 2026-03-03 --to 2026-03-02
t_check "stats bad date" 1 "" "muster: --from: '2026-13-01' is not a valid date between 1900 and 2199" \
    "$MUSTER" checkin stats --schedule "$S" --from 2026-13-01 --to 2026-03-02

"$MUSTER" audit verify >/dev/null || t_error "audit chain broken"
t_done
