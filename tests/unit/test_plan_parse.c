/* SPDX-License-Identifier: MIT */
/*
 * Plan parsing: the valid fixture gives the expected model; each error
 * fixture under tests/data/plans gives its diagnostic at the exact position;
 * size limit, UTF-8, front matter, aliases, the diagnostics list, and
 * allocation failure at every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <muster/mem.h>
#include <muster/plan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("MUSTER_SRCDIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/data/plans/%s", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture %s", path);
    char *buf = mu_malloc(MU_PLAN_MAX_BYTES + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, MU_PLAN_MAX_BYTES + 1, f);
    fclose(f);
    return buf;
}

/* Parse a string; returns rc, fills diags (caller releases). */
static enum mu_err parse_str(const char *s, struct mu_plan **p, struct mu_diags *d)
{
    mu_diags_init(d);
    return mu_plan_parse(s, strlen(s), p, d, NULL);
}

static const struct mu_diag *find_diag(const struct mu_diags *d, int line, int col,
                                       const char *substr)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, substr))
            return &d->v[i];
    return NULL;
}

static void dump(const struct mu_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %d:%d: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
}

/* ---- the valid plan ---------------------------------------------------- */

static void test_valid_model(void **state)
{
    (void)state;
    size_t len;
    char *src = read_fixture("valid.md", &len);
    struct mu_diags d;
    struct mu_plan *p = NULL;
    struct mu_error err = {0};
    mu_diags_init(&d);
    enum mu_err rc = mu_plan_parse(src, len, &p, &d, &err);
    if (rc)
        dump(&d);
    assert_int_equal(rc, MU_OK);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(d.nwarnings, 0);
    assert_non_null(p);

    assert_int_equal(p->version, 1);
    assert_string_equal(p->id, "test-school");
    assert_string_equal(p->org.name, "第一测试中学");
    assert_string_equal(p->org.timezone, "Asia/Shanghai");
    assert_string_equal(p->org.higher_authority, "测试区教育局");

    /* Units flattened in document order with parent links. */
    assert_int_equal(p->nunits, 4);
    assert_string_equal(p->units[2].id, "class-7-1");
    assert_int_equal(p->units[2].parent, 1);
    assert_int_equal(p->units[2].depth, 2);
    assert_int_equal(p->units[3].parent, 0);
    assert_null(p->units[2].head.s);
    assert_int_equal(p->units[0].id_pos.line, 12);
    assert_int_equal(p->units[0].id_pos.col, 9);

    assert_int_equal(p->npeople, 5);
    assert_int_equal(p->people[0].nchannels, 2);
    assert_int_equal(p->people[0].channels[1].type, MU_CHANNEL_WECOM);
    assert_string_equal(p->people[0].channels[1].to, "zhangsan");

    const struct mu_plan_team *t = mu_plan_team(p, "evac");
    assert_non_null(t);
    assert_string_equal(t->leader.s, "li-si");
    assert_int_equal(t->members.n, 1);
    assert_int_equal(t->duties.n, 1); /* a single string is a one-item text list */
    assert_int_equal(t->areas.n, 2);

    assert_int_equal(p->nlevels, 2);
    assert_int_equal(p->levels[0].lead.kind, MU_TARGET_LEADER);
    assert_string_equal(p->levels[0].lead.ref, "leading");
    assert_int_equal(p->nkinds, 2);
    assert_int_equal(p->nfields, 3);
    assert_int_equal(p->fields[2].type, MU_FIELD_TEXT);

    assert_true(p->duty.present);
    assert_int_equal(p->duty.pattern, MU_DUTY_DAY_NIGHT);
    assert_int_equal(p->duty.start, 8 * 60);
    assert_int_equal(p->duty.night_start, 18 * 60);
    assert_int_equal(p->duty.reminder_before, 7200);
    assert_int_equal(p->duty.npools, 2);
    assert_int_equal(p->duty.nunavailable, 1);
    assert_true(p->duty.unavailable[0].to - p->duty.unavailable[0].from == 7);

    assert_int_equal(p->ncheckins, 1);
    const struct mu_plan_checkin *c = &p->checkins[0];
    assert_int_equal(c->ntimes, 2);
    assert_int_equal(c->times[0].minutes, 9 * 60 + 30);
    assert_int_equal(c->days, MU_DAYS_WORKDAYS);
    assert_int_equal(c->grace, 600);
    assert_int_equal(c->fields[1].max, 200);
    assert_true(c->has_summary);
    assert_int_equal(c->summary_at, 16 * 60);

    assert_int_equal(p->npolicies, 1);
    const struct mu_plan_policy *e = &p->policies[0];
    assert_int_equal(e->nconds, 1);
    assert_string_equal(e->conds[0].field.s, "people");
    assert_int_equal(e->conds[0].op, MU_OP_GE);
    assert_true(e->conds[0].value == 15.0);
    assert_int_equal(e->nsteps, 3);
    assert_int_equal(e->steps[0].notify.n, 2);
    assert_int_equal(e->steps[0].ack_within, 300);
    assert_int_equal(e->steps[1].ack_count, 2);
    assert_int_equal(e->steps[1].notify.v[0].kind, MU_TARGET_ROLE);
    assert_int_equal(e->steps[2].ack_within, -1);
    assert_int_equal(e->steps[2].notify.v[0].kind, MU_TARGET_DUTY);
    assert_int_equal(e->ndeadlines, 2);
    assert_int_equal(e->deadlines[1].within, 3600);
    assert_true(e->assembly.present);
    assert_int_equal(e->assembly.night, 1800);
    assert_int_equal(e->assembly.night_window.start, 22 * 60);
    assert_int_equal(e->assembly.night_window.end, 6 * 60);

    assert_int_equal(p->nprocedures, 1);
    assert_int_equal(p->procedures[0].tasks.n, 2);
    assert_int_equal(p->termination.n, 2);

    assert_int_equal(p->body_line, 146);
    assert_true(strncmp(p->body, "# 一、总则\n", strlen("# 一、总则\n")) == 0);

    struct mu_plan_overview s;
    mu_plan_summarize(p, &s);
    assert_int_equal(s.teams, 2);
    assert_int_equal(s.people, 5);
    assert_string_equal(s.title, "第一测试中学突发事件应急预案");

    mu_plan_free(p);
    mu_diags_release(&d);
    mu_free(src);
}

/* ---- one fixture per listed error ---------------------------------------- */

struct expect {
    const char *fixture;
    int line, col;
    enum mu_diag_severity sev;
    const char *msg; /* substring */
};

static const struct expect expects[] = {
    {"yaml-syntax.md", 14, 1, MU_DIAG_ERROR, "yaml: did not find expected ',' or ']'"},
    {"unknown-key.md", 14, 5, MU_DIAG_ERROR,
     "unknown key 'leeder' in team 'evac' (did you mean 'leader'?)"},
    {"missing-field.md", 10, 5, MU_DIAG_ERROR, "person 'p2': missing required key 'name'"},
    {"wrong-type.md", 6, 3, MU_DIAG_ERROR, "'org' must be a mapping, not a list"},
    {"wrong-type.md", 14, 14, MU_DIAG_ERROR, "'termination' must be a list, not a mapping"},
    {"undefined-ref.md", 14, 13, MU_DIAG_ERROR,
     "team 'evac': leader 'wang-wu' is not a defined person"},
    {"undefined-ref.md", 15, 19, MU_DIAG_ERROR, "member 'p3' is not a defined person"},
    {"undefined-ref.md", 16, 13, MU_DIAG_ERROR, "area 'u9' is not a defined unit"},
    {"undefined-ref.md", 20, 11, MU_DIAG_ERROR,
     "team 'evak' is not a defined team (did you mean 'evac'?)"},
    {"undefined-ref.md", 21, 13, MU_DIAG_ERROR, "kind 'flood' is not a defined incident kind"},
    {"duplicate-id.md", 11, 10, MU_DIAG_ERROR, "duplicate person id 'p1' (first defined at 9:10)"},
    {"no-leader.md", 12, 5, MU_DIAG_ERROR, "team 'evac' has no leader"},
    {"no-leader.md", 17, 5, MU_DIAG_ERROR, "team 'med' has no leader"},
    {"bad-time.md", 17, 22, MU_DIAG_ERROR,
     "checkin 'daily': times: '25:00' is not a time of day"},
    {"bad-time.md", 18, 19, MU_DIAG_ERROR, "at: '4pm' is not a time of day"},
    {"bad-time.md", 21, 10, MU_DIAG_ERROR, "duty: start: '8:00' is not a time of day"},
    {"bad-duration.md", 17, 21, MU_DIAG_ERROR,
     "escalation 'fire', step 1: ack_within: '15 minutes' is not a duration"},
    {"bad-duration.md", 18, 33, MU_DIAG_ERROR, "night: '半小时' is not a duration"},
    {"bad-id.md", 10, 10, MU_DIAG_ERROR, "person id 'Li Ming' is not valid"},
    {"step-nobody.md", 18, 9, MU_DIAG_ERROR, "escalation 'fire', step 2 notifies nobody"},
    {"step-nobody.md", 19, 9, MU_DIAG_ERROR, "escalation 'fire', step 3 notifies nobody"},
    {"bad-condition.md", 21, 7, MU_DIAG_ERROR,
     "condition on 'peple', which is not an incident field (did you mean 'people'?)"},
    {"bad-condition.md", 22, 15, MU_DIAG_ERROR,
     "condition 'people: about 15' is not a comparison"},
    {"duty-pools.md", 14, 12, MU_DIAG_ERROR, "pattern 'day-night' needs 'night_start'"},
    {"duty-pools.md", 18, 15, MU_DIAG_ERROR, "duty pool 'leaders' has no people"},
    {"version.md", 2, 9, MU_DIAG_ERROR, "unsupported plan version '2'"},
    {"no-front-matter.md", 1, 1, MU_DIAG_ERROR, "missing front matter"},
    {"unterminated.md", 1, 1, MU_DIAG_ERROR, "front matter is not closed"},
    {"not-utf8.md", 10, 21, MU_DIAG_ERROR, "input is not valid UTF-8 (byte 0xff)"},
};

static void test_error_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
        const struct expect *x = &expects[i];
        size_t len;
        char *src = read_fixture(x->fixture, &len);
        struct mu_diags d;
        struct mu_plan *p = (struct mu_plan *)&d; /* must be reset to NULL */
        struct mu_error err = {0};
        mu_diags_init(&d);
        enum mu_err rc = mu_plan_parse(src, len, &p, &d, &err);
        const struct mu_diag *g = find_diag(&d, x->line, x->col, x->msg);
        if (!g || rc != MU_EINVAL) {
            fprintf(stderr, "%s: want %d:%d %s, got rc %d:\n", x->fixture, x->line, x->col,
                    x->msg, rc);
            dump(&d);
        }
        assert_int_equal(rc, MU_EINVAL);
        assert_null(p);
        assert_non_null(g);
        assert_int_equal(g->severity, x->sev);
        assert_non_null(strstr(err.msg, "error"));
        mu_diags_release(&d);
        mu_free(src);
    }
}

/* Warnings do not make a plan invalid. */
static void test_warnings(void **state)
{
    (void)state;
    size_t len;
    char *src = read_fixture("warnings.md", &len);
    struct mu_diags d;
    struct mu_plan *p = NULL;
    mu_diags_init(&d);
    assert_int_equal(mu_plan_parse(src, len, &p, &d, NULL), MU_OK);
    assert_non_null(p);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(d.nwarnings, 2);
    const struct mu_diag *g = find_diag(&d, 16, 15, "team 't1': 'p2' is listed twice (also at 15:16)");
    assert_non_null(g);
    assert_int_equal(g->severity, MU_DIAG_WARNING);
    assert_non_null(find_diag(&d, 19, 18, "can never match"));
    mu_plan_free(p);
    mu_diags_release(&d);
    mu_free(src);
}

/* All problems come out in one run, not only the first. */
static void test_all_problems(void **state)
{
    (void)state;
    size_t len;
    char *src = read_fixture("undefined-ref.md", &len);
    struct mu_diags d;
    struct mu_plan *p = NULL;
    mu_diags_init(&d);
    assert_int_equal(mu_plan_parse(src, len, &p, &d, NULL), MU_EINVAL);
    assert_int_equal(d.nerrors, 5);
    mu_diags_sort(&d);
    for (size_t i = 1; i < d.n; i++)
        assert_true(d.v[i - 1].line < d.v[i].line ||
                    (d.v[i - 1].line == d.v[i].line && d.v[i - 1].col <= d.v[i].col));
    mu_diags_release(&d);
    mu_free(src);
}

/* ---- raw input checks ---------------------------------------------------- */

static void test_oversize(void **state)
{
    (void)state;
    size_t n = MU_PLAN_MAX_BYTES + 1;
    char *big = mu_malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    memcpy(big, "---\n", 4);
    struct mu_diags d;
    struct mu_plan *p = NULL;
    mu_diags_init(&d);
    assert_int_equal(mu_plan_parse(big, n, &p, &d, NULL), MU_EINVAL);
    assert_null(p);
    assert_int_equal(d.n, 1);
    assert_non_null(find_diag(&d, 1, 1, "file is larger than 1 MiB"));
    mu_diags_release(&d);
    /* Exactly at the limit is not refused for its size. */
    mu_diags_init(&d);
    assert_int_equal(mu_plan_parse(big, n - 1, &p, &d, NULL), MU_EINVAL);
    assert_null(find_diag(&d, 1, 1, "larger"));
    mu_diags_release(&d);
    mu_free(big);
}

static void test_utf8_cases(void **state)
{
    (void)state;
    static const struct {
        const char *src;
        int line, col;
    } cases[] = {
        {"---\nid: \xc0\xaf\n", 2, 5},          /* overlong '/' */
        {"---\nid: ab\xed\xa0\x80\n", 2, 7},    /* surrogate */
        {"---\n\xe4\xb8\xad\xe6\x96\n", 2, 2},  /* truncated sequence */
        {"---\n\xf4\x90\x80\x80\n", 2, 1},      /* past U+10FFFF */
        {"\xff---\n", 1, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mu_diags d;
        struct mu_plan *p = NULL;
        assert_int_equal(parse_str(cases[i].src, &p, &d), MU_EINVAL);
        if (!find_diag(&d, cases[i].line, cases[i].col, "not valid UTF-8"))
            dump(&d);
        assert_non_null(find_diag(&d, cases[i].line, cases[i].col, "not valid UTF-8"));
        mu_diags_release(&d);
    }
}

static void test_front_matter_edges(void **state)
{
    (void)state;
    struct mu_diags d;
    struct mu_plan *p = NULL;

    assert_int_equal(parse_str("---\n---\nbody\n", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 2, 1, "the front matter is empty"));
    mu_diags_release(&d);

    assert_int_equal(parse_str("---\n- a\n- b\n---\n", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 2, 1, "front matter: each item must be a mapping, not a list"));
    mu_diags_release(&d);

    assert_int_equal(parse_str("", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 1, 1, "missing front matter"));
    mu_diags_release(&d);

    /* CRLF line endings and a byte-order mark are accepted. */
    assert_int_equal(parse_str("\xef\xbb\xbf---\r\nmuster: 1\r\nid: x\r\n---\r\n", &p, &d),
                     MU_EINVAL);
    assert_non_null(find_diag(&d, 2, 1, "missing required key 'title'"));
    assert_null(find_diag(&d, 1, 1, "front matter"));
    mu_diags_release(&d);

    /* Aliases are refused at their position. */
    assert_int_equal(parse_str("---\nid: &a x\ntitle: *a\n---\n", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 3, 8, "yaml aliases ('*a') are not supported"));
    mu_diags_release(&d);

    /* Duplicate keys in one mapping. */
    assert_int_equal(parse_str("---\nid: x\nid: y\n---\n", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 3, 1, "duplicate key 'id' (first at 2:1)"));
    mu_diags_release(&d);

    /* A misspelt `when` key that cannot be a field comparison. */
    assert_int_equal(parse_str("---\nmuster: 1\nid: x\ntitle: t\norg: {name: o}\nunits: []\n"
                               "people: [{id: p, name: P}]\nteams: [{id: t, name: T, leader: p}]\n"
                               "escalation:\n  - id: e\n    when: {kinds: [fire]}\n"
                               "    steps: [{notify: p}]\n---\n",
                               &p, &d),
                     MU_EINVAL);
    assert_non_null(find_diag(&d, 11, 12, "unknown key 'kinds' in escalation 'e' when (did you mean 'kind'?)"));
    assert_int_equal(d.nerrors, 1);
    mu_diags_release(&d);

    /* Unknown top-level key with a suggestion. */
    assert_int_equal(parse_str("---\ntems: []\n---\n", &p, &d), MU_EINVAL);
    assert_non_null(find_diag(&d, 2, 1, "unknown key 'tems' at the top level (did you mean 'teams'?)"));
    mu_diags_release(&d);
}

/* ---- the diagnostics list ------------------------------------------------ */

static void test_diags_sort_and_cap(void **state)
{
    (void)state;
    struct mu_diags d;
    mu_diags_init(&d);
    assert_int_equal(mu_diags_add(&d, MU_DIAG_ERROR, 5, 2, "b %d", 1), MU_OK);
    assert_int_equal(mu_diags_add(&d, MU_DIAG_WARNING, 3, 9, "a"), MU_OK);
    assert_int_equal(mu_diags_add(&d, MU_DIAG_ERROR, 5, 2, "c"), MU_OK);
    assert_int_equal(mu_diags_add(&d, MU_DIAG_ERROR, 5, 1, "d"), MU_OK);
    mu_diags_sort(&d);
    assert_string_equal(d.v[0].msg, "a");
    assert_string_equal(d.v[1].msg, "d");
    assert_string_equal(d.v[2].msg, "b 1");
    assert_string_equal(d.v[3].msg, "c"); /* same position: insertion order */
    assert_int_equal(d.nerrors, 3);
    assert_int_equal(d.nwarnings, 1);
    for (int i = 0; i < MU_DIAGS_MAX + 5; i++)
        mu_diags_add(&d, MU_DIAG_ERROR, 1, 1, "x");
    assert_int_equal(d.n, MU_DIAGS_MAX);
    assert_int_equal(d.dropped, 9);
    mu_diags_release(&d);
    assert_int_equal(d.n, 0);
}

/* Every allocation may fail: the parser returns MU_ENOMEM and leaks nothing. */
static void test_alloc_failures(void **state)
{
    (void)state;
    size_t len;
    char *src = read_fixture("valid.md", &len);
    int ok_seen = 0;
    for (long n = 1; n < 2000 && !ok_seen; n++) {
        struct mu_diags d;
        struct mu_plan *p = NULL;
        mu_diags_init(&d);
        mu_mem_fail_after(n);
        enum mu_err rc = mu_plan_parse(src, len, &p, &d, NULL);
        mu_mem_fail_after(0);
        assert_true(rc == MU_OK || rc == MU_ENOMEM);
        if (rc == MU_OK) {
            ok_seen = 1;
            assert_non_null(p);
        } else {
            assert_null(p);
        }
        mu_plan_free(p);
        mu_diags_release(&d);
    }
    assert_true(ok_seen);
    mu_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_model),
        cmocka_unit_test(test_error_fixtures),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_all_problems),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_utf8_cases),
        cmocka_unit_test(test_front_matter_edges),
        cmocka_unit_test(test_diags_sort_and_cap),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
