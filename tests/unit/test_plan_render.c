/* SPDX-License-Identifier: MIT */
/*
 * Plan renderers and JSON: the Markdown and HTML documents of the valid
 * fixture hold the team tables, escalation in words and the body, with every
 * value escaped; the JSON is complete and byte-for-byte stable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <muster/mem.h>
#include <muster/plan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mu_plan *load_valid(void)
{
    const char *dir = getenv("MUSTER_SRCDIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/data/plans/valid.md", dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[MU_PLAN_MAX_BYTES];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    struct mu_plan *p = NULL;
    assert_int_equal(mu_plan_parse(buf, len, &p, NULL, NULL), MU_OK);
    return p;
}

static void test_markdown(void **state)
{
    (void)state;
    struct mu_plan *p = load_valid();
    char *md = NULL;
    assert_int_equal(mu_plan_render(p, MU_PLAN_MD, &md, NULL), MU_OK);
    static const char *const want[] = {
        "# 第一测试中学突发事件应急预案\n",
        "## 组织机构\n",
        "| 　　七年级一班 | 七年级 |  |  |\n",
        "### 应急工作领导小组\n",
        "| 组内职务 | 姓名 | 职务 | 联系电话 |\n",
        "| 组长 | 张三 | 校长 | 13800000001 |\n",
        "| 副组长 | 李四 | 副校长 | 13800000002 |\n",
        "| 成员 | 赵六\\<script\\>alert(1)\\</script\\> | 保卫干事 | 13800000004 |\n",
        "责任区域：七年级、七年级一班。",
        "| I | 特别重大 | 造成3人以上死亡 | 应急工作领导小组组长（张三） |",
        "实行白班、夜班两班制，白班08:00起，夜班18:00起。",
        "## 值班安排\n",
        "- 报告时间：工作日09:30、15:00（宽限10分钟）\n",
        "## 报告与响应\n",
        "启动条件：事件类型为火灾；涉及人数不少于15。",
        "1. 通过短信通知张三（校长）、应急工作领导小组全体成员，5分钟内确认，否则进入下一步。\n",
        "2. 通知当班带班领导，10分钟内须有2人确认，否则进入下一步。\n",
        "3. 通知当班值班人员。\n",
        "| 报告区教育局 | 王五（办公室主任） | 1小时内 |",
        "集合：白天15分钟内、夜间（22:00至次日06:00）30分钟内到达现场；参加：疏散引导组。",
        "### 疏散引导组（适用：火灾）\n",
        "## 应急终止\n",
        "---\n\n# 一、总则\n\n学校是人员密集场所",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (!strstr(md, want[i]))
            fail_msg("markdown lacks: %s", want[i]);
    }
    /* Sections in order: organization before duty before escalation before the body. */
    assert_true(strstr(md, "## 组织机构") < strstr(md, "## 值班安排"));
    assert_true(strstr(md, "## 值班安排") < strstr(md, "## 报告与响应"));
    assert_true(strstr(md, "## 报告与响应") < strstr(md, "# 一、总则"));
    mu_free(md);
    mu_plan_free(p);
}

static void test_html(void **state)
{
    (void)state;
    struct mu_plan *p = load_valid();
    char *html = NULL;
    assert_int_equal(mu_plan_render(p, MU_PLAN_HTML, &html, NULL), MU_OK);
    static const char *const want[] = {
        "<!DOCTYPE html>",
        "<meta charset=\"utf-8\">",
        "@page{size:A4",
        "\"FangSong\",\"STFangsong\",\"Noto Serif CJK SC\",\"Songti SC\",serif",
        "text-indent:2em",
        "<h1>第一测试中学突发事件应急预案</h1>",
        "<table>",
        "<tr><td>组长</td><td>张三</td><td>校长</td><td>13800000001</td></tr>",
        "<td>赵六&lt;script&gt;alert(1)&lt;/script&gt;</td>",
        "<li>通过短信通知张三（校长）、应急工作领导小组全体成员，5分钟内确认，否则进入下一步。</li>",
        "<h1>一、总则</h1>",
        "<p>以人为本，预防为主。</p>",
        "</html>\n",
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!strstr(html, want[i]))
            fail_msg("html lacks: %s", want[i]);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    mu_free(html);
    mu_plan_free(p);
}

/* Raw HTML in the Markdown body is shown as text, never passed through. */
static void test_html_body_raw_html(void **state)
{
    (void)state;
    static const char src[] = "---\nmuster: 1\nid: x\ntitle: \"A & B\"\norg: {name: o}\n"
                              "units: []\npeople: [{id: p, name: P}]\n"
                              "teams: [{id: t, name: T, leader: p}]\n---\n"
                              "<script>alert(1)</script>\n\ntext <b onclick=x>b</b>\n";
    struct mu_plan *p = NULL;
    assert_int_equal(mu_plan_parse(src, strlen(src), &p, NULL, NULL), MU_OK);
    char *html = NULL;
    assert_int_equal(mu_plan_render(p, MU_PLAN_HTML, &html, NULL), MU_OK);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<b "));
    assert_non_null(strstr(html, "<title>A &amp; B</title>"));
    mu_free(html);
    mu_plan_free(p);
}

/*
 * A soft line break between two CJK characters would show as a space inside
 * Chinese text, so it is dropped; between Latin words and inside code
 * blocks it stays.
 */
static void test_html_cjk_line_breaks(void **state)
{
    (void)state;
    static const char src[] = "---\nmuster: 1\nid: x\ntitle: t\norg: {name: o}\n"
                              "units: []\npeople: [{id: p, name: P}]\n"
                              "teams: [{id: t, name: T, leader: p}]\n---\n"
                              "第一行\n第二行。\nEnglish line\nnext line\n\n"
                              "```\n代码一\n代码二\n```\n";
    struct mu_plan *p = NULL;
    assert_int_equal(mu_plan_parse(src, strlen(src), &p, NULL, NULL), MU_OK);
    char *html = NULL;
    assert_int_equal(mu_plan_render(p, MU_PLAN_HTML, &html, NULL), MU_OK);
    assert_non_null(strstr(html, "<p>第一行第二行。\nEnglish line\nnext line</p>"));
    assert_non_null(strstr(html, "代码一\n代码二"));
    mu_free(html);
    mu_plan_free(p);
}

static void test_json(void **state)
{
    (void)state;
    struct mu_plan *p = load_valid();
    char *a = mu_plan_to_json(p);
    char *b = mu_plan_to_json(p);
    assert_non_null(a);
    assert_string_equal(a, b);
    json_error_t e;
    json_t *j = json_loads(a, 0, &e);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "muster")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "test-school");
    static const char *const sections[] = {"org",  "units",    "people",     "teams",
                                           "levels", "incidents", "duty",     "checkins",
                                           "escalation", "procedures", "termination", "body"};
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        if (!json_object_get(j, sections[i]))
            fail_msg("json lacks %s", sections[i]);
    json_t *units = json_object_get(j, "units");
    assert_int_equal(json_array_size(units), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(units, 2), "parent")),
                        "grade-7");
    json_t *step0 = json_array_get(
        json_object_get(json_array_get(json_object_get(j, "escalation"), 0), "steps"), 0);
    assert_int_equal(json_integer_value(json_object_get(step0, "ack_within")), 300);
    json_t *when = json_object_get(json_array_get(json_object_get(j, "escalation"), 0), "when");
    assert_string_equal(json_string_value(json_object_get(when, "people")), ">= 15");
    json_t *duty = json_object_get(j, "duty");
    assert_string_equal(json_string_value(json_object_get(duty, "night_start")), "18:00");
    json_decref(j);
    mu_free(a);
    mu_free(b);
    mu_plan_free(p);
}

static void test_render_alloc_failures(void **state)
{
    (void)state;
    struct mu_plan *p = load_valid();
    int ok_seen = 0;
    for (long n = 1; n < 200 && !ok_seen; n++) {
        char *out = NULL;
        mu_mem_fail_after(n);
        enum mu_err rc = mu_plan_render(p, MU_PLAN_HTML, &out, NULL);
        mu_mem_fail_after(0);
        assert_true(rc == MU_OK || rc == MU_ENOMEM);
        ok_seen = rc == MU_OK;
        assert_true(ok_seen == (out != NULL));
        mu_free(out);
    }
    assert_true(ok_seen);
    mu_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_html_body_raw_html),
        cmocka_unit_test(test_html_cjk_line_breaks),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_render_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
