/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the template engine (src/util/tmpl.c): escaping of every
 * value (and of catalogue texts), dotted paths, sections over arrays,
 * objects and booleans, inverted sections, partials, missing values, the raw
 * form and its "_html" rule, invalid UTF-8 in values, syntax errors with
 * their line numbers, partial checks, limits and out of memory. Finally
 * every template of $MUSTER_SRCDIR/web/templates is parsed, the set is
 * checked, and every {{t:key}} is looked up in both real catalogues.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/i18n.h>
#include <muster/mem.h>
#include <muster/tmpl.h>

static const char *fake_text(void *ud, const char *key)
{
    (void)ud;
    if (strcmp(key, "greet") == 0)
        return "你好 <b>&";
    if (strcmp(key, "a.b-c_d") == 0)
        return "ok";
    return NULL;
}

/* Render @p src as template "t" (plus optional partial "p") with JSON @p data. */
static char *render2(const char *src, const char *partial, const char *data)
{
    struct mu_tmpl_set *set = mu_tmpl_set_new();
    struct mu_error err = {0};
    if (mu_tmpl_set_add(set, "t", src, strlen(src), &err))
        fail_msg("add: %s", err.msg);
    if (partial && mu_tmpl_set_add(set, "p", partial, strlen(partial), &err))
        fail_msg("add partial: %s", err.msg);
    json_error_t je;
    json_t *d = data ? json_loads(data, 0, &je) : NULL;
    if (data && !d)
        fail_msg("bad test JSON: %s", je.text);
    char *out = NULL;
    size_t len = 0;
    if (mu_tmpl_render(set, "t", d, fake_text, NULL, &out, &len, &err))
        fail_msg("render: %s", err.msg);
    assert_int_equal(len, strlen(out));
    json_decref(d);
    mu_tmpl_set_free(set);
    return out;
}

static void expect(const char *src, const char *data, const char *want)
{
    char *out = render2(src, NULL, data);
    assert_string_equal(out, want);
    mu_free(out);
}

static void test_escaping(void **state)
{
    (void)state;
    expect("<p>{{x}}</p>", "{\"x\":\"<script>alert(1)</script>\"}",
           "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect("<a title=\"{{x}}\">", "{\"x\":\"\\\"'&\"}", "<a title=\"&quot;&#39;&amp;\">");
    /* Odd Unicode passes through unchanged: RTL override, ZWJ, 4-byte emoji, CJK. */
    expect("{{x}}", "{\"x\":\"\\u202e\\u200d\\ud83d\\ude00中文\"}",
           "\xe2\x80\xae\xe2\x80\x8d\xf0\x9f\x98\x80中文");
    expect("{{t:greet}}|{{t \"greet\"}}|{{ t:a.b-c_d }}|{{t:nope}}", NULL,
           "你好 &lt;b&gt;&amp;|你好 &lt;b&gt;&amp;|ok|nope");
    /* Numbers and booleans; objects and arrays print nothing. */
    expect("{{i}} {{r}} {{y}} {{n}} {{o}} {{a}} {{z}}",
           "{\"i\":-42,\"r\":1.5,\"y\":true,\"n\":false,\"o\":{},\"a\":[1],\"z\":null}",
           "-42 1.5 true false   ");
    /* The raw form is not escaped; it is allowed for *_html names only. */
    expect("{{{plan_html}}}|{{plan_html}}", "{\"plan_html\":\"<h1>T &amp; x</h1>\"}",
           "<h1>T &amp; x</h1>|&lt;h1&gt;T &amp;amp; x&lt;/h1&gt;");
}

static void test_paths_and_missing(void **state)
{
    (void)state;
    expect("[{{a.b.c}}][{{a.b}}][{{a.x.c}}][{{missing}}][{{a.b.c.d}}]",
           "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "[deep][][][][]");
    expect("{{x}}", NULL, "");
    expect("no tags at all", NULL, "no tags at all");
    expect("{{! a comment }}x{{!}}", NULL, "x");
    expect("{ single } braces }}", NULL, "{ single } braces }}");
}

static void test_sections(void **state)
{
    (void)state;
    const char *list = "{\"items\":[{\"n\":\"a\"},{\"n\":\"<b>\"}],\"title\":\"T\","
                       "\"tags\":[\"x\",\"y\"],\"empty\":[],\"yes\":true,\"no\":false,"
                       "\"s\":\"\",\"obj\":{\"k\":\"v\"}}";
    /* Arrays iterate; outer names are visible inside. */
    expect("{{#items}}<li>{{n}}/{{title}}</li>{{/items}}", list,
           "<li>a/T</li><li>&lt;b&gt;/T</li>");
    expect("{{#tags}}[{{.}}]{{/tags}}", list, "[x][y]");
    /* Objects enter; true renders once; false, "", [] and missing skip. */
    expect("{{#obj}}{{k}}{{/obj}}{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#s}}S{{/s}}"
           "{{#empty}}E{{/empty}}{{#nothing}}M{{/nothing}}",
           list, "vY");
    /* Inverted sections are the opposite. */
    expect("{{^yes}}a{{/yes}}{{^no}}b{{/no}}{{^s}}c{{/s}}{{^empty}}d{{/empty}}"
           "{{^nothing}}e{{/nothing}}{{^items}}f{{/items}}",
           list, "bcde");
    /* Nested sections and the same name nested. */
    expect("{{#a}}{{#b}}{{x}}{{/b}}{{/a}}", "{\"a\":[{\"b\":[{\"x\":1},{\"x\":2}]},{\"b\":[]}]}",
           "12");
    expect("{{#a}}{{#a}}{{.}}{{/a}}{{/a}}", "{\"a\":{\"a\":[3,4]}}", "34");
}

static void test_partials(void **state)
{
    (void)state;
    char *out = render2("<main>{{> p}}</main>{{#list}}{{>p}}{{/list}}", "[{{name}}]",
                        "{\"name\":\"<x>\",\"list\":[{\"name\":\"1\"},{}]}");
    assert_string_equal(out, "<main>[&lt;x&gt;]</main>[1][&lt;x&gt;]");
    mu_free(out);

    struct mu_tmpl_set *set = mu_tmpl_set_new();
    struct mu_error err = {0};
    const char *a = "A{{> b}}", *b = "line\n{{>a}}";
    assert_int_equal(mu_tmpl_set_add(set, "a", a, strlen(a), &err), MU_OK);
    assert_int_equal(mu_tmpl_set_check(set, NULL, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "a:1: no template 'b' for the partial");
    char *o = NULL;
    assert_int_equal(mu_tmpl_render(set, "a", NULL, NULL, NULL, &o, NULL, &err), MU_ENOTFOUND);
    assert_null(o);
    assert_int_equal(mu_tmpl_set_add(set, "b", b, strlen(b), &err), MU_OK);
    assert_int_equal(mu_tmpl_set_check(set, NULL, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "b:2: partial 'a' includes itself");
    assert_int_equal(mu_tmpl_render(set, "a", NULL, NULL, NULL, &o, NULL, &err), MU_ELIMIT);
    assert_int_equal(mu_tmpl_render(set, "zz", NULL, NULL, NULL, &o, NULL, &err),
                     MU_ENOTFOUND);
    assert_string_equal(err.msg, "no template 'zz'");
    assert_int_equal(mu_tmpl_set_add(set, "a", "x", 1, &err), MU_EINVAL);
    assert_string_equal(err.msg, "template 'a' is added twice");
    assert_int_equal(mu_tmpl_set_add(set, "a.b", "x", 1, &err), MU_EINVAL);
    assert_int_equal(mu_tmpl_set_add(set, "", "x", 1, &err), MU_EINVAL);
    mu_tmpl_set_free(set);
    mu_tmpl_set_free(NULL);
}

static void syntax(const char *src, const char *msg)
{
    struct mu_tmpl_set *set = mu_tmpl_set_new();
    struct mu_error err = {0};
    assert_int_equal(mu_tmpl_set_add(set, "page", src, strlen(src), &err), MU_EINVAL);
    assert_string_equal(err.msg, msg);
    /* A failed add leaves the set unchanged. */
    char *o = NULL;
    assert_int_equal(mu_tmpl_render(set, "page", NULL, NULL, NULL, &o, NULL, NULL),
                     MU_ENOTFOUND);
    mu_tmpl_set_free(set);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    syntax("a\nb {{x", "page:2: unclosed tag '{{x'");
    syntax("{{{x_html}}", "page:1: unclosed tag '{{{x_html}}'");
    syntax("{{}}", "page:1: empty tag");
    syntax("{{a b}}", "page:1: bad name 'a b'");
    syntax("{{a..b}}", "page:1: bad name 'a..b'");
    syntax("{{<x>}}", "page:1: bad name '<x>'");
    syntax("x\n{{#a}}\n{{#b}}\n{{/a}}", "page:4: section 'b' (line 3) closed by 'a'");
    syntax("{{/a}}", "page:1: closing tag without a section: 'a'");
    syntax("\n\n{{#list}}never closed", "page:3: unclosed section 'list'");
    syntax("{{^x}}", "page:1: unclosed section 'x'");
    syntax("{{{body}}}", "page:1: raw output {{{...}}} is only for names ending in '_html', not "
                         "'body'");
    syntax("{{t 'k'}}", "page:1: expected {{t \"key\"}}, got 't 'k''");
    syntax("{{t:bad key}}", "page:1: bad catalogue key 'bad key'");
    syntax("{{> }}", "page:1: bad partial name ''");
    syntax("{{> a/b}}", "page:1: bad partial name 'a/b'");
    syntax("ok \xc3", "page: not valid UTF-8");
}

static void test_invalid_utf8_value(void **state)
{
    (void)state;
    struct mu_tmpl_set *set = mu_tmpl_set_new();
    assert_int_equal(mu_tmpl_set_add(set, "t", "[{{x}}]", 7, NULL), MU_OK);
    json_t *d = json_object();
    /* jansson refuses invalid UTF-8 in json_string(); build it unchecked. */
    json_object_set_new(d, "x", json_stringn_nocheck("a\xff<\xe4\xb8", 5));
    char *out = NULL;
    assert_int_equal(mu_tmpl_render(set, "t", d, NULL, NULL, &out, NULL, NULL), MU_OK);
    assert_string_equal(out, "[a\xef\xbf\xbd&lt;\xef\xbf\xbd\xef\xbf\xbd]");
    mu_free(out);
    json_decref(d);
    mu_tmpl_set_free(set);
}

static void test_depth_and_oom(void **state)
{
    (void)state;
    /* Sections nested deeper than the limit are refused at parse time. */
    char src[4096] = "";
    for (int i = 0; i <= MU_TMPL_DEPTH_MAX; i++)
        strcat(src, "{{#a}}");
    struct mu_tmpl_set *set = mu_tmpl_set_new();
    struct mu_error err = {0};
    assert_int_equal(mu_tmpl_set_add(set, "deep", src, strlen(src), &err), MU_EINVAL);
    assert_string_equal(err.msg, "deep:1: sections nested too deeply at 'a'");
    mu_tmpl_set_free(set);

    const char *t = "<ul>{{#l}}<li>{{n}}</li>{{/l}}</ul>{{> p}}";
    json_t *d = json_pack("{s:[{s:s},{s:s}]}", "l", "n", "a", "n", "b");
    for (long k = 1; k < 40; k++) {
        mu_mem_fail_after(k);
        struct mu_tmpl_set *s = mu_tmpl_set_new();
        enum mu_err rc = s ? mu_tmpl_set_add(s, "t", t, strlen(t), NULL) : MU_ENOMEM;
        if (!rc)
            rc = mu_tmpl_set_add(s, "p", "P", 1, NULL);
        char *out = NULL;
        if (!rc)
            rc = mu_tmpl_render(s, "t", d, NULL, NULL, &out, NULL, NULL);
        mu_mem_fail_after(0);
        assert_true(rc == MU_OK || rc == MU_ENOMEM);
        if (!rc)
            assert_string_equal(out, "<ul><li>a</li><li>b</li></ul>P");
        mu_free(out);
        mu_tmpl_set_free(s);
    }
    json_decref(d);
}

/* ---- the real templates and catalogues ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open '%s'", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static struct mu_i18n *catalogue(const char *src, const char *lang)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/web/i18n/%s.txt", src, lang);
    size_t len = 0;
    char *text = slurp(path, &len);
    struct mu_i18n *c = NULL;
    struct mu_error err = {0};
    if (mu_i18n_parse(path, text, len, &c, &err))
        fail_msg("%s", err.msg);
    free(text);
    return c;
}

static const char *cat_text(void *ud, const char *key)
{
    return mu_i18n_get(ud, key);
}

static void test_real_templates(void **state)
{
    (void)state;
    const char *src = getenv("MUSTER_SRCDIR");
    if (!src)
        src = ".";
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/web/templates", src);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open '%s'", dir);
    struct mu_tmpl_set *set = mu_tmpl_set_new();
    struct dirent *e;
    int count = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".html") != 0)
            continue;
        char path[8192], name[256];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(name, sizeof(name), "%.*s", (int)(n - 5), e->d_name);
        size_t len = 0;
        char *text = slurp(path, &len);
        struct mu_error err = {0};
        if (mu_tmpl_set_add(set, name, text, len, &err))
            fail_msg("%s", err.msg);
        free(text);
        count++;
    }
    closedir(d);
    assert_true(count >= 8);
    struct mu_i18n *zh = catalogue(src, "zh"), *en = catalogue(src, "en");
    struct mu_error err = {0};
    if (mu_tmpl_set_check(set, cat_text, zh, &err))
        fail_msg("zh: %s", err.msg);
    if (mu_tmpl_set_check(set, cat_text, en, &err))
        fail_msg("en: %s", err.msg);
    /* A page renders with no data at all: missing values are empty. */
    char *out = NULL;
    if (mu_tmpl_render(set, "login", NULL, cat_text, en, &out, NULL, &err))
        fail_msg("render login: %s", err.msg);
    assert_non_null(strstr(out, "<form id=\"login\" method=\"post\" action=\"/login\""));
    mu_free(out);
    mu_i18n_free(zh);
    mu_i18n_free(en);
    mu_tmpl_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_paths_and_missing),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_partials),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_invalid_utf8_value),
        cmocka_unit_test(test_depth_and_oom),
        cmocka_unit_test(test_real_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
