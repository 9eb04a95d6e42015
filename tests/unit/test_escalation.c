/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the escalation rules (src/core/escalation.c): time windows
 * (inside, edges, across midnight, whole day), field conditions and
 * thresholds, which policies apply to an incident, conditions that can never
 * match, target resolution with a fake roster (person, team, leader, role,
 * duty, nobody), the chain's next move after a step and after a wait (k of
 * n acknowledgements, nobody reached, last step), the deadlines a policy
 * sets and the assembly limit by day and by night.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <muster/date.h>
#include <muster/escalation.h>
#include <muster/mem.h>
#include <muster/plan.h>

static const char plan_src[] =
    "---\n"
    "muster: 1\n"
    "id: t\n"
    "title: 测试预案\n"
    "org: {name: 测试学校}\n"
    "units:\n"
    "  - {id: school, name: 学校, head: boss}\n"
    "people:\n"
    "  - {id: boss, name: 校长}\n"
    "  - {id: vice, name: 副校长}\n"
    "  - {id: nurse, name: 校医}\n"
    "  - {id: cook, name: 厨师}\n"
    "  - {id: guard, name: 保安}\n"
    "  - {id: bureau, name: 教育局值班室}\n"
    "teams:\n"
    "  - {id: leading, name: 领导小组, leader: boss, deputies: [vice], members: [nurse, vice]}\n"
    "  - {id: medical, name: 医疗组, leader: nurse, members: [cook]}\n"
    "levels:\n"
    "  - {id: I, name: 特别重大}\n"
    "  - {id: IV, name: 一般}\n"
    "incidents:\n"
    "  kinds:\n"
    "    - {id: fire, name: 火灾}\n"
    "    - {id: food, name: 食物中毒}\n"
    "  fields:\n"
    "    - {key: people, label: 人数, type: count}\n"
    "    - {key: level_m, label: 水位, type: number}\n"
    "duty:\n"
    "  pattern: 24h\n"
    "  pools:\n"
    "    - {id: leaders, role: 带班领导, people: [boss, vice]}\n"
    "    - {id: staff, role: 值班人员, people: [guard, cook]}\n"
    "escalation:\n"
    "  - id: fire\n"
    "    name: 火灾\n"
    "    when: {kind: [fire]}\n"
    "    steps:\n"
    "      - {notify: duty, ack_within: 5m}\n"
    "      - {notify: [person:vice, leader:medical], ack_within: 5m, ack_count: 2}\n"
    "      - {notify: team:leading}\n"
    "    deadlines:\n"
    "      - {name: 报告教育局, to: person:bureau, within: 1h}\n"
    "    assembly: {day: 15m, night: 30m, night_window: \"22:00-06:00\", teams: [leading, "
    "medical]}\n"
    "  - id: food-big\n"
    "    when: {kind: [food], people: \">= 5\"}\n"
    "    steps:\n"
    "      - {notify: role:带班领导}\n"
    "  - id: night\n"
    "    when: {time: \"22:00-06:00\"}\n"
    "    steps:\n"
    "      - {notify: vice}\n"
    "  - id: major\n"
    "    when: {level: [I]}\n"
    "    steps:\n"
    "      - {notify: boss}\n"
    "  - id: never\n"
    "    when: {people: \">= 15\", level_m: \">= 1\"}\n"
    "    steps:\n"
    "      - {notify: boss}\n"
    "---\n";

static struct mu_plan *plan;

static int setup(void **state)
{
    (void)state;
    struct mu_diags d;
    mu_diags_init(&d);
    enum mu_err rc = mu_plan_parse(plan_src, strlen(plan_src), &plan, &d, NULL);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "plan:%d:%d: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
    mu_diags_release(&d);
    return rc == MU_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mu_plan_free(plan);
    return 0;
}

static int64_t at(int y, int mo, int d, int h, int mi)
{
    return mu_local_ms(mu_date_from_ymd(y, mo, d), h * 60 + mi);
}

static const struct mu_plan_policy *policy(const char *id)
{
    for (size_t i = 0; i < plan->npolicies; i++)
        if (strcmp(plan->policies[i].id, id) == 0)
            return &plan->policies[i];
    fail_msg("no policy %s", id);
    return NULL;
}

static void test_windows(void **state)
{
    (void)state;
    struct mu_plan_window night = {22 * 60, 6 * 60, {0, 0}};
    struct mu_plan_window noon = {11 * 60 + 30, 13 * 60, {0, 0}};
    struct mu_plan_window none = {8 * 60, 8 * 60, {0, 0}};
    assert_true(mu_esc_window_contains(&night, 22 * 60));     /* start included */
    assert_true(mu_esc_window_contains(&night, 23 * 60 + 59));
    assert_true(mu_esc_window_contains(&night, 0));
    assert_true(mu_esc_window_contains(&night, 5 * 60 + 59));
    assert_false(mu_esc_window_contains(&night, 6 * 60));     /* end excluded */
    assert_false(mu_esc_window_contains(&night, 12 * 60));
    assert_false(mu_esc_window_contains(&night, 21 * 60 + 59));
    assert_true(mu_esc_window_contains(&noon, 12 * 60));
    assert_false(mu_esc_window_contains(&noon, 13 * 60));
    assert_false(mu_esc_window_contains(&noon, 11 * 60 + 29));
    assert_false(mu_esc_window_contains(&none, 3 * 60)); /* empty, as plan check says */
    assert_false(mu_esc_window_contains(&none, 8 * 60));
}

static void test_conditions_and_policies(void **state)
{
    (void)state;
    struct mu_esc_field f4 = {"people", 4}, f5 = {"people", 5};
    struct mu_esc_incident fire_day = {"fire", "IV", at(2026, 3, 10, 10, 0), NULL, 0};
    struct mu_esc_incident fire_night = {"fire", "IV", at(2026, 3, 10, 23, 30), NULL, 0};
    struct mu_esc_incident food4 = {"food", "IV", at(2026, 3, 10, 12, 0), &f4, 1};
    struct mu_esc_incident food5 = {"food", "I", at(2026, 3, 10, 12, 0), &f5, 1};
    struct mu_esc_incident food_nofield = {"food", "IV", at(2026, 3, 10, 12, 0), NULL, 0};

    const struct mu_plan_policy *big = policy("food-big");
    assert_false(mu_esc_cond_holds(&big->conds[0], &food4)); /* 4 >= 5 is false */
    assert_true(mu_esc_cond_holds(&big->conds[0], &food5));  /* threshold itself holds */
    assert_false(mu_esc_cond_holds(&big->conds[0], &food_nofield)); /* unknown: no */

    size_t *v = NULL, n = 0;
    assert_int_equal(mu_esc_applicable(plan, &fire_day, &v, &n, NULL), MU_OK);
    assert_int_equal(n, 1);
    assert_string_equal(plan->policies[v[0]].id, "fire");
    mu_free(v);
    assert_int_equal(mu_esc_applicable(plan, &fire_night, &v, &n, NULL), MU_OK);
    assert_int_equal(n, 2); /* fire + night, plan order */
    assert_string_equal(plan->policies[v[0]].id, "fire");
    assert_string_equal(plan->policies[v[1]].id, "night");
    mu_free(v);
    assert_int_equal(mu_esc_applicable(plan, &food4, &v, &n, NULL), MU_OK);
    assert_int_equal(n, 0);
    assert_null(v);
    assert_int_equal(mu_esc_applicable(plan, &food5, &v, &n, NULL), MU_OK);
    assert_int_equal(n, 2); /* food-big, major (level I) */
    assert_string_equal(plan->policies[v[0]].id, "food-big");
    assert_string_equal(plan->policies[v[1]].id, "major");
    mu_free(v);
    /* 05:59 is still night, 06:00 is not. */
    struct mu_esc_incident early = {"food", "IV", at(2026, 3, 10, 5, 59), NULL, 0};
    struct mu_esc_incident six = {"food", "IV", at(2026, 3, 10, 6, 0), NULL, 0};
    assert_true(mu_esc_policy_applies(policy("night"), &early));
    assert_false(mu_esc_policy_applies(policy("night"), &six));
}

static void test_never_matches(void **state)
{
    (void)state;
    char why[300];
    assert_false(mu_esc_policy_never_matches(plan, policy("never"), NULL, why, sizeof(why)));
    assert_false(mu_esc_policy_never_matches(plan, policy("food-big"), NULL, why, sizeof(why)));

    /* Hand-made contradictions on the plan's fields. */
    struct mu_plan_cond c[2] = {
        {.field = {"people", {0, 0}}, .op = MU_OP_GE, .value = 15, .text = ">= 15"},
        {.field = {"people", {0, 0}}, .op = MU_OP_LT, .value = 5, .text = "< 5"},
    };
    struct mu_plan_policy p = {.id = "x", .conds = c, .nconds = 2};
    assert_true(mu_esc_policy_never_matches(plan, &p, NULL, why, sizeof(why)));
    assert_non_null(strstr(why, "people"));
    assert_non_null(strstr(why, ">= 15"));
    /* A count is never negative. */
    struct mu_plan_cond neg = {.field = {"people", {0, 0}}, .op = MU_OP_LT, .value = 0,
                               .text = "< 0"};
    p.conds = &neg;
    p.nconds = 1;
    assert_true(mu_esc_policy_never_matches(plan, &p, NULL, why, sizeof(why)));
    /* A count is a whole number: > 2 and < 3 has none. */
    struct mu_plan_cond between[2] = {
        {.field = {"people", {0, 0}}, .op = MU_OP_GT, .value = 2, .text = "> 2"},
        {.field = {"people", {0, 0}}, .op = MU_OP_LT, .value = 3, .text = "< 3"},
    };
    p.conds = between;
    p.nconds = 2;
    assert_true(mu_esc_policy_never_matches(plan, &p, NULL, why, sizeof(why)));
    /* ... but a number may be 2.5. */
    between[0].field.s = between[1].field.s = "level_m";
    assert_false(mu_esc_policy_never_matches(plan, &p, NULL, why, sizeof(why)));
    /* == 3 and != 3. */
    struct mu_plan_cond eqne[2] = {
        {.field = {"people", {0, 0}}, .op = MU_OP_EQ, .value = 3, .text = "== 3"},
        {.field = {"people", {0, 0}}, .op = MU_OP_NE, .value = 3, .text = "!= 3"},
    };
    p.conds = eqne;
    assert_true(mu_esc_policy_never_matches(plan, &p, NULL, why, sizeof(why)));
}

/* A fake roster: boss is 带班领导 by day, vice by night; guard is staff. */
static int roster_calls;

static enum mu_err fake_roster(void *ctx, int64_t when, const struct mu_esc_duty **out,
                               size_t *n, struct mu_error *err)
{
    (void)ctx;
    (void)err;
    static const struct mu_esc_duty day[] = {{"boss", "带班领导"}, {"guard", "值班人员"}};
    static const struct mu_esc_duty night[] = {{"vice", "带班领导"}, {"guard", "值班人员"}};
    roster_calls++;
    int m = mu_local_minutes(when);
    *out = m >= 8 * 60 && m < 20 * 60 ? day : night;
    *n = 2;
    return MU_OK;
}

static enum mu_err empty_roster(void *ctx, int64_t when, const struct mu_esc_duty **out,
                                size_t *n, struct mu_error *err)
{
    (void)ctx;
    (void)when;
    (void)err;
    *out = NULL;
    *n = 0;
    return MU_OK;
}

static void resolve_one(const char *text_kind, enum mu_plan_target_kind k, const char *ref,
                        const struct mu_esc_roster *ro, int64_t when, const char *expect)
{
    struct mu_plan_target t = {.kind = k, .ref = ref, .text = text_kind};
    struct mu_esc_people p = {0};
    char got[200] = "";
    assert_int_equal(mu_esc_resolve(plan, &t, ro, when, &p, NULL), MU_OK);
    for (size_t i = 0; i < p.n; i++) {
        strcat(got, i ? "," : "");
        strcat(got, p.v[i]);
    }
    assert_string_equal(got, expect);
    mu_esc_people_release(&p);
}

static void test_resolve(void **state)
{
    (void)state;
    struct mu_esc_roster ro = {fake_roster, NULL}, empty = {empty_roster, NULL};
    int64_t noon = at(2026, 3, 10, 12, 0), night = at(2026, 3, 10, 23, 0);
    roster_calls = 0;
    resolve_one("person:vice", MU_TARGET_PERSON, "vice", &ro, noon, "vice");
    /* team: leader, deputies, members, each once (vice is deputy and member). */
    resolve_one("team:leading", MU_TARGET_TEAM, "leading", &ro, noon, "boss,vice,nurse");
    resolve_one("leader:medical", MU_TARGET_LEADER, "medical", &ro, noon, "nurse");
    assert_int_equal(roster_calls, 0); /* the roster is asked only for role: and duty */
    resolve_one("role:带班领导", MU_TARGET_ROLE, "带班领导", &ro, noon, "boss");
    resolve_one("role:带班领导", MU_TARGET_ROLE, "带班领导", &ro, night, "vice");
    resolve_one("duty", MU_TARGET_DUTY, "", &ro, night, "vice,guard");
    assert_int_equal(roster_calls, 3);
    resolve_one("duty", MU_TARGET_DUTY, "", &empty, night, "");
    resolve_one("duty", MU_TARGET_DUTY, "", NULL, night, "");
    resolve_one("role:不存在", MU_TARGET_ROLE, "不存在", &ro, noon, "");
    resolve_one("team:none", MU_TARGET_TEAM, "none", &ro, noon, "");
}

static void test_chain(void **state)
{
    (void)state;
    const struct mu_plan_policy *p = policy("fire");
    int64_t t0 = at(2026, 3, 10, 2, 10), timeout = 0, need = 0;
    /* Step 1 (duty, 5m, 1 of n). */
    assert_int_equal(mu_esc_after_step(p, 0, 2, 0, t0, &timeout, &need), MU_ESC_WAIT);
    assert_int_equal(timeout, t0 + 5 * 60000);
    assert_int_equal(need, 1);
    assert_int_equal(mu_esc_after_step(p, 0, 0, 0, t0, &timeout, NULL), MU_ESC_ESCALATE);
    assert_int_equal(mu_esc_after_step(p, 0, 2, 1, t0, &timeout, NULL), MU_ESC_STOP);
    assert_int_equal(mu_esc_after_timeout(p, 0, 0), MU_ESC_ESCALATE);
    assert_int_equal(mu_esc_after_timeout(p, 0, 1), MU_ESC_STOP);
    /* Step 2 wants 2 of 2: one is not enough. */
    assert_int_equal(mu_esc_after_step(p, 1, 2, 1, t0, &timeout, &need), MU_ESC_WAIT);
    assert_int_equal(need, 2);
    assert_int_equal(mu_esc_after_timeout(p, 1, 1), MU_ESC_ESCALATE);
    assert_int_equal(mu_esc_after_timeout(p, 1, 2), MU_ESC_STOP);
    /* Step 3 is the last, without a wait. */
    assert_int_equal(mu_esc_after_step(p, 2, 3, 0, t0, &timeout, NULL), MU_ESC_DONE);
    assert_int_equal(mu_esc_after_step(p, 2, 0, 0, t0, &timeout, NULL), MU_ESC_EXHAUSTED);
    /* The last step of a chain that waits and gets nothing is exhausted. */
    struct mu_plan_step last = {.ack_within = 60, .ack_count = 1};
    struct mu_plan_policy one = {.id = "one", .steps = &last, .nsteps = 1};
    assert_int_equal(mu_esc_after_timeout(&one, 0, 0), MU_ESC_EXHAUSTED);
    assert_string_equal(mu_esc_next_name(MU_ESC_WAIT), "wait");
    char name[200];
    mu_esc_ack_name(p, 1, 2, 2, name, sizeof(name));
    assert_string_equal(name, "火灾 第 2 步确认（2/2）");
}

static void test_deadlines_day_night(void **state)
{
    (void)state;
    size_t pi = (size_t)(policy("fire") - plan->policies);
    struct mu_esc_deadline *v = NULL;
    size_t n = 0;
    int64_t day = at(2026, 3, 10, 10, 0), night = at(2026, 3, 10, 23, 0);
    assert_int_equal(mu_esc_policy_deadlines(plan, pi, day, &v, &n, NULL), MU_OK);
    assert_int_equal(n, 3); /* report + two teams */
    assert_int_equal(v[0].kind, MU_DEADLINE_REPORT);
    assert_int_equal(v[0].due_at, day + 3600000);
    assert_string_equal(v[0].name, "报告教育局");
    assert_string_equal(v[0].to->ref, "bureau");
    assert_int_equal(v[1].kind, MU_DEADLINE_ASSEMBLY);
    assert_int_equal(v[1].due_at, day + 15 * 60000);
    assert_false(v[1].night);
    assert_string_equal(v[1].team, "leading");
    assert_string_equal(v[1].name, "集合：领导小组（日间 15 分钟）");
    mu_free(v);
    assert_int_equal(mu_esc_policy_deadlines(plan, pi, night, &v, &n, NULL), MU_OK);
    assert_int_equal(v[2].due_at, night + 30 * 60000);
    assert_true(v[2].night);
    assert_string_equal(v[2].name, "集合：医疗组（夜间 30 分钟）");
    mu_free(v);
    /* Window edges and a missing limit. */
    struct mu_plan_assembly a = {.present = 1, .day = 900, .night = 1800, .has_night_window = 1,
                                 .night_window = {22 * 60, 6 * 60, {0, 0}}};
    int is_night = -1;
    assert_int_equal(mu_esc_assembly_within(&a, 21 * 60 + 59, &is_night), 900);
    assert_false(is_night);
    assert_int_equal(mu_esc_assembly_within(&a, 22 * 60, &is_night), 1800);
    assert_true(is_night);
    assert_int_equal(mu_esc_assembly_within(&a, 6 * 60, &is_night), 900);
    a.night = -1;
    assert_int_equal(mu_esc_assembly_within(&a, 23 * 60, NULL), 900);
    a.has_night_window = 0;
    a.night = 1800;
    assert_int_equal(mu_esc_assembly_within(&a, 23 * 60, NULL), 900); /* no window: day */
    /* Who assembles a team: its leader or a deputy. */
    const struct mu_plan_team *lead = mu_plan_team(plan, "leading");
    assert_true(mu_esc_team_in_charge(lead, "boss"));
    assert_true(mu_esc_team_in_charge(lead, "vice"));
    assert_false(mu_esc_team_in_charge(lead, "nurse"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_conditions_and_policies),
        cmocka_unit_test(test_never_matches),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_deadlines_day_night),
    };
    return cmocka_run_group_tests_name("escalation", tests, setup, teardown);
}
