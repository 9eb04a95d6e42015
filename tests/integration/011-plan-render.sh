#!/bin/sh
# SPDX-License-Identifier: MIT
# muster plan render: the valid fixture as Markdown (default) and HTML. Checks
# the team table rows, escalation in words, the body, escaping of a <script>
# in a person's name, that the HTML has tables and no script, and that an
# invalid plan or an unknown format are refused.
set -u
: "${MUSTER:?MUSTER must name the muster binary}"
: "${MUSTER_SRCDIR:?MUSTER_SRCDIR must name the source tree}"
FIX="$MUSTER_SRCDIR/tests/data/plans"
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0

fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() {
    grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks: $2"
}

"$MUSTER" plan render "$FIX/valid.md" >"$TMP/plan.md" 2>"$TMP/err" || fail "render md failed: $(cat "$TMP/err")"
[ -s "$TMP/err" ] && fail "render md: stderr: $(cat "$TMP/err")"
"$MUSTER" plan render "$FIX/valid.md" --format md >"$TMP/plan2.md" 2>/dev/null || fail "render --format md failed"
cmp -s "$TMP/plan.md" "$TMP/plan2.md" || fail "md is the default format"
has "$TMP/plan.md" "# 第一测试中学突发事件应急预案"
has "$TMP/plan.md" "| 组长 | 张三 | 校长 | 13800000001 |"
has "$TMP/plan.md" "| 副组长 | 李四 | 副校长 | 13800000002 |"
has "$TMP/plan.md" "| 成员 | 钱七 | 班主任 | 13800000005 |"
has "$TMP/plan.md" '| 成员 | 赵六\<script\>alert(1)\</script\> | 保卫干事 | 13800000004 |'
has "$TMP/plan.md" "## 值班安排"
has "$TMP/plan.md" "1. 通过短信通知张三（校长）、应急工作领导小组全体成员，5分钟内确认，否则进入下一步。"
has "$TMP/plan.md" "# 一、总则"

"$MUSTER" plan render "$FIX/valid.md" --format html >"$TMP/plan.html" 2>"$TMP/err" || fail "render html failed: $(cat "$TMP/err")"
has "$TMP/plan.html" "<!DOCTYPE html>"
has "$TMP/plan.html" "<table"
has "$TMP/plan.html" "<tr><td>组长</td><td>张三</td><td>校长</td><td>13800000001</td></tr>"
has "$TMP/plan.html" "赵六&lt;script&gt;alert(1)&lt;/script&gt;"
has "$TMP/plan.html" "<h2>组织机构</h2>"
has "$TMP/plan.html" "<h2>报告与响应</h2>"
has "$TMP/plan.html" "<h1>一、总则</h1>"
if grep -qi "<script" "$TMP/plan.html"; then
    fail "html contains a <script tag"
fi
if grep -qiE "<link|src=\"http" "$TMP/plan.html"; then
    fail "html is not self-contained"
fi

# An invalid plan: no document, the check messages, exit 1.
(cd "$FIX" && "$MUSTER" plan render no-leader.md) >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "invalid plan: exit $rc, want 1"
[ -s "$TMP/out" ] && fail "invalid plan: something was rendered"
cmp -s "$FIX/no-leader.expected" "$TMP/err" || fail "invalid plan: stderr was: $(cat "$TMP/err")"

# Usage errors.
"$MUSTER" plan render "$FIX/valid.md" --format pdf >/dev/null 2>&1
[ $? -eq 2 ] || fail "--format pdf: want exit 2"
"$MUSTER" plan render >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file: want exit 2"

if [ "$fails" -ne 0 ]; then
    echo "011-plan-render: $fails failure(s)" >&2
    exit 1
fi
echo "011-plan-render: ok"
