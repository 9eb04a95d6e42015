/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of simulated drills: the scenario parser (every key, defaults,
 * and errors with their line and column), and whole replays on a small plan
 * through the real engine on a virtual clock: a step that wants 2 of 3
 * acknowledgements stops the chain when the second comes and escalates when
 * only one comes; a report deadline met and missed; assembly met by a
 * deputy; an empty duty slot escalating at once; the scenario checked
 * against the plan (unknown person, kind) with positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <muster/date.h>
#include <muster/drill.h>
#include <muster/mem.h>

static const char plan_src[] =
    "---\n"
    "muster: 1\n"
    "id: t\n"
    "title: 测试预案\n"
    "org: {name: 测试学校}\n"
    "units:\n"
    "  - {id: school, name: 学校, head: boss}\n"
    "people:\n"
    "  - {id: boss, name: 校长, channels: [{type: phone, to: \"1\"}]}\n"
    "  - {id: a, name: 甲, channels: [{type: sms, to: \"2\"}, {type: phone, to: \"2\"}]}\n"
    "  - {id: b, name: 乙}\n"
    "  - {id: c, name: 丙}\n"
    "  - {id: bureau, name: 上级值班室}\n"
    "teams:\n"
    "  - {id: t, name: 工作组, leader: a, deputies: [b], members: [c]}\n"
    "  - {id: top, name: 领导小组, leader: boss}\n"
    "incidents:\n"
    "  kinds:\n"
    "    - {id: fire, name: 火灾}\n"
    "  fields:\n"
    "    - {key: people, label: 人数, type: count}\n"
    "duty:\n"
    "  pattern: 24h\n"
    "  pools:\n"
    "    - {id: leaders, role: 带班领导, people: [boss]}\n"
    "escalation:\n"
    "  - id: p\n"
    "    name: 火灾\n"
    "    steps:\n"
    "      - {notify: team:t, ack_within: 5m, ack_count: 2, channel: phone}\n"
    "      - {notify: boss}\n"
    "    deadlines:\n"
    "      - {name: 报告上级, to: person:bureau, within: 10m}\n"
    "    assembly: {day: 15m, night: 30m, night_window: \"22:00-06:00\", teams: [t]}\n"
    "---\n";

static struct mu_scenario *parse_ok(const char *src)
{
    struct mu_scenario *sc = NULL;
    struct mu_diags d;
    mu_diags_init(&d);
    enum mu_err rc = mu_scenario_parse(src, strlen(src), &sc, &d, NULL);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "scenario:%d:%d: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
    mu_diags_release(&d);
    assert_int_equal(rc, MU_OK);
    return sc;
}

/* The first diagnostic as "LINE:COL: MSG". */
static void parse_bad(const char *src, const char *expect)
{
    struct mu_scenario *sc = NULL;
    struct mu_diags d;
    char got[400];
    mu_diags_init(&d);
    assert_int_equal(mu_scenario_parse(src, strlen(src), &sc, &d, NULL), MU_EINVAL);
    assert_null(sc);
    assert_true(d.n >= 1);
    mu_diags_sort(&d);
    snprintf(got, sizeof(got), "%d:%d: %s", d.v[0].line, d.v[0].col, d.v[0].msg);
    mu_diags_release(&d);
    assert_string_equal(got, expect);
}

static void test_parse(void **state)
{
    (void)state;
    struct mu_scenario *sc = parse_ok("start: 2026-03-10T10:00:00+08:00\n"
                                      "incident: {kind: fire, place: 教学楼, fields: {people: 3}}\n"
                                      "responses:\n"
                                      "  default: {ack_after: 1m, arrive_after: 10m}\n"
                                      "  c: {none: true}\n"
                                      "  b: {ack_after: 90s}\n"
                                      "duty: {带班领导: boss}\n"
                                      "activate: {by: a, after: 5m}\n"
                                      "until: 1h\n"
                                      "expect: met\n");
    assert_int_equal(sc->start, mu_local_ms(mu_date_from_ymd(2026, 3, 10), 600));
    assert_string_equal(sc->kind, "fire");
    assert_null(sc->level);
    assert_string_equal(sc->place, "教学楼");
    assert_int_equal(sc->nfields, 1);
    assert_string_equal(sc->fields[0].key, "people");
    assert_string_equal(sc->fields[0].value, "3");
    assert_int_equal(sc->until, 3600);
    assert_int_equal(sc->deflt.ack_after, 60);
    assert_int_equal(sc->deflt.arrive_after, 600);
    assert_true(mu_scenario_response_of(sc, "c")->none);
    assert_int_equal(mu_scenario_response_of(sc, "b")->ack_after, 90);
    assert_int_equal(mu_scenario_response_of(sc, "b")->arrive_after, -1);
    assert_int_equal(mu_scenario_response_of(sc, "zzz")->ack_after, 60); /* the default */
    assert_int_equal(sc->nduty, 1);
    assert_string_equal(sc->duty[0].role, "带班领导");
    assert_true(sc->has_activate);
    assert_int_equal(sc->activate_after, 300);
    assert_string_equal(sc->expect, "met");
    mu_scenario_free(sc);

    parse_bad("start: 2026-03-10T10:00\nincident: {kind: fire, place: x}\nuntil: soon\n",
              "3:8: until: 'soon' is not a duration (15m, 1h30m, 90s)");
    parse_bad("start: yesterday\nincident: {kind: fire, place: x}\nuntil: 1h\n",
              "1:8: start: 'yesterday' is not a date and time like 2026-02-16T02:10:00+08:00");
    parse_bad("start: 2026-03-10T10:00\nincident: {kind: fire, place: x}\nuntil: 1h\nspeed: 2\n",
              "4:1: unknown key 'speed' (keys: start, incident, responses, duty, activate, "
              "until, expect)");
    parse_bad("start: 2026-03-10T10:00\nincident: {kind: fire}\nuntil: 1h\n",
              "2:11: incident has no 'place'");
    parse_bad("start: 2026-03-10T10:00\nincident: {kind: fire, place: x}\n"
              "responses:\n  a: {ack_after: 1m, none: true}\nuntil: 1h\n",
              "4:3: response of 'a' gives none: true and a delay");
    parse_bad("start: 2026-03-10T10:00\nincident: {kind: fire, place: x}\n",
              "1:1: scenario has no 'until'");
    parse_bad("start: [\n", "2:1: yaml: did not find expected node content (while parsing a "
                             "flow node at 2:1)");
}

/* Run a drill of the test plan with @p responses; JSON out (json_decref). */
static json_t *drill(const char *start, const char *responses, size_t *missed)
{
    char src[2000];
    snprintf(src, sizeof(src),
             "start: %s\nincident: {kind: fire, place: 教学楼}\nresponses:\n%suntil: 1h\n", start,
             responses);
    struct mu_scenario *sc = parse_ok(src);
    struct mu_drill_result r;
    struct mu_error err = {0};
    enum mu_err rc = mu_app_drill_run(plan_src, strlen(plan_src), sc, NULL, NULL, NULL, &r, &err);
    if (rc)
        fail_msg("drill: %s", err.msg);
    json_t *j = json_loads(r.json, 0, NULL);
    assert_non_null(j);
    *missed = r.missed;
    mu_drill_result_release(&r);
    mu_scenario_free(sc);
    return j;
}

/* Whether the timeline has an event starting with @p prefix (and @p person). */
static int has_event(json_t *j, const char *prefix, const char *person)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(j, "timeline"), i, e)
    {
        const char *ev = json_string_value(json_object_get(e, "event"));
        const char *p = json_string_value(json_object_get(e, "person"));
        if (strncmp(ev, prefix, strlen(prefix)) == 0 &&
            (!person || (p && strcmp(p, person) == 0)))
            return 1;
    }
    return 0;
}

/* The verdict of deadline @p name: 1 met, 0 not; *late the late_by_s or -1. */
static int verdict(json_t *j, const char *name, long *late)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(j, "deadlines"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "name")), name) != 0)
            continue;
        json_t *l = json_object_get(d, "late_by_s");
        *late = json_is_integer(l) ? (long)json_integer_value(l) : -1;
        return json_is_true(json_object_get(d, "met"));
    }
    fail_msg("no deadline %s", name);
    return -1;
}

static void test_two_of_three_stops(void **state)
{
    (void)state;
    size_t missed = 0;
    long late = 0;
    json_t *j = drill("2026-03-10T10:00:00+08:00",
                      "  default: {ack_after: 2m, arrive_after: 10m}\n"
                      "  b: {ack_after: 4m, arrive_after: 10m}\n"
                      "  c: {none: true}\n",
                      &missed);
    assert_true(verdict(j, "火灾 第 1 步确认（2/3）", &late)); /* a at 2m, b at 4m */
    assert_int_equal(late, -1);
    assert_true(has_event(j, "chain.stopped", NULL));
    assert_false(has_event(j, "notify.sent 火灾 第 2 步", "boss")); /* never escalated */
    assert_true(verdict(j, "报告上级", &late));                      /* bureau acks at 2m */
    assert_true(verdict(j, "集合：工作组（日间 15 分钟）", &late)); /* a (leader) at 10m */
    assert_int_equal(missed, 0);
    /* The phone channel of the step is used when the person has one. */
    size_t i;
    json_t *e;
    int phone = 0;
    json_array_foreach(json_object_get(j, "timeline"), i, e)
    {
        const char *ev = json_string_value(json_object_get(e, "event"));
        const char *p = json_string_value(json_object_get(e, "person"));
        const char *ch = json_string_value(json_object_get(e, "channel"));
        if (strncmp(ev, "notify.sent 火灾 第 1 步", 29) == 0 && p && strcmp(p, "a") == 0)
            phone = ch && strcmp(ch, "phone") == 0;
    }
    assert_true(phone);
    json_decref(j);
}

static void test_one_of_three_escalates(void **state)
{
    (void)state;
    size_t missed = 0;
    long late = 0;
    json_t *j = drill("2026-03-10T23:00:00+08:00",
                      "  default: {none: true}\n"
                      "  a: {ack_after: 1m}\n"
                      "  bureau: {ack_after: 12m}\n"
                      "  b: {arrive_after: 20m}\n",
                      &missed);
    assert_false(verdict(j, "火灾 第 1 步确认（2/3）", &late));
    assert_int_equal(late, -1);
    assert_true(has_event(j, "step.timeout", NULL));
    assert_true(has_event(j, "notify.sent 火灾 第 2 步", "boss"));
    assert_true(has_event(j, "chain.done", NULL));
    /* Reported 2 minutes late: missed, then met late. */
    assert_false(verdict(j, "报告上级", &late));
    assert_int_equal(late, 120);
    /* Night: 30 minutes; the deputy's arrival at 20 minutes assembles the team. */
    assert_true(verdict(j, "集合：工作组（夜间 30 分钟）", &late));
    assert_int_equal(missed, 2);
    json_decref(j);
}

static void test_scenario_against_plan(void **state)
{
    (void)state;
    const char *src = "start: 2026-03-10T10:00\n"
                      "incident: {kind: flood, place: x}\n"
                      "responses:\n"
                      "  nobody: {none: true}\n"
                      "until: 1h\n";
    struct mu_scenario *sc = parse_ok(src);
    struct mu_drill_result r;
    struct mu_diags d;
    mu_diags_init(&d);
    assert_int_equal(mu_app_drill_run(plan_src, strlen(plan_src), sc, NULL, NULL, &d, &r, NULL),
                     MU_EINVAL);
    mu_diags_sort(&d);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.v[0].line, 2);
    assert_int_equal(d.v[0].col, 18);
    assert_string_equal(d.v[0].msg, "unknown incident kind 'flood' in plan 't' (kinds: fire)");
    assert_int_equal(d.v[1].line, 4);
    assert_string_equal(d.v[1].msg, "no person 'nobody' in plan 't'");
    mu_diags_release(&d);
    mu_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_two_of_three_stops),
        cmocka_unit_test(test_one_of_three_escalates),
        cmocka_unit_test(test_scenario_against_plan),
    };
    return cmocka_run_group_tests_name("drill", tests, NULL, NULL);
}
