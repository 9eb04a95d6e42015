/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the pure incident rules (src/core/incident.c): the
 * lifecycle's allowed and refused transitions (the message names the
 * current state), state names, the check of kind, level and fields against
 * the plan (unknown ones named, bad numbers, repeats, the JSON made), the
 * numeric view of the fields, attachment types by magic bytes and the size
 * limit, and termination criteria by number or text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <muster/incident.h>
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
    "teams:\n"
    "  - {id: leading, name: 领导小组, leader: boss}\n"
    "levels:\n"
    "  - {id: I, name: 特别重大}\n"
    "  - {id: IV, name: 一般}\n"
    "incidents:\n"
    "  kinds:\n"
    "    - {id: fire, name: 火灾}\n"
    "    - {id: flood, name: 洪涝}\n"
    "  fields:\n"
    "    - {key: people, label: 人数, type: count}\n"
    "    - {key: water, label: 水位, type: number}\n"
    "    - {key: note, label: 情况, type: text}\n"
    "termination:\n"
    "  - 火已扑灭\n"
    "  - 人员全部清点\n"
    "  - 现场移交\n"
    "---\n";

static struct mu_plan *plan;

static int setup(void **state)
{
    (void)state;
    return mu_plan_parse(plan_src, strlen(plan_src), &plan, NULL, NULL) == MU_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mu_plan_free(plan);
    return 0;
}

static void test_transitions(void **state)
{
    (void)state;
    struct mu_error err = {0};
    const enum mu_incident_state R = MU_INCIDENT_REPORTED, A = MU_INCIDENT_ACKNOWLEDGED,
                                 S = MU_INCIDENT_RESPONDING, C = MU_INCIDENT_CONTAINED,
                                 X = MU_INCIDENT_CLOSED;
    /* The forward path, a false alarm, relapse and reopen. */
    assert_int_equal(mu_incident_transition_check(R, A, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(A, S, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(R, S, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(S, C, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(C, X, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(R, X, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(C, S, NULL), MU_OK);
    assert_int_equal(mu_incident_transition_check(X, S, NULL), MU_OK);
    /* Refused, naming the current state. */
    assert_int_equal(mu_incident_transition_check(X, C, &err), MU_ECONFLICT);
    assert_string_equal(err.msg,
                        "incident is 'closed'; it cannot become 'contained' (allowed: responding)");
    assert_int_equal(mu_incident_transition_check(S, X, &err), MU_ECONFLICT);
    assert_non_null(strstr(err.msg, "'responding'"));
    assert_int_equal(mu_incident_transition_check(R, C, NULL), MU_ECONFLICT);
    assert_int_equal(mu_incident_transition_check(A, R, NULL), MU_ECONFLICT);
    assert_int_equal(mu_incident_transition_check(S, S, NULL), MU_ECONFLICT);
    assert_int_equal(mu_incident_transition_check(X, X, NULL), MU_ECONFLICT);

    enum mu_incident_state st;
    assert_int_equal(mu_incident_state_parse("contained", &st, NULL), MU_OK);
    assert_int_equal(st, C);
    assert_int_equal(mu_incident_state_parse("done", &st, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "'done'"));
    assert_string_equal(mu_incident_state_name(A), "acknowledged");
    assert_string_equal(mu_incident_state_label(S), "处置中");
}

static void test_check(void **state)
{
    (void)state;
    struct mu_error err = {0};
    char *json = NULL;
    struct mu_incident_kv ok[] = {{"note", "三楼冒烟"}, {"people", "40"}, {"water", "28.75"}};
    assert_int_equal(mu_incident_check(plan, "fire", "IV", ok, 3, &json, &err), MU_OK);
    assert_string_equal(json, "{\"people\":40,\"water\":28.75,\"note\":\"三楼冒烟\"}");

    struct mu_esc_field *f = NULL;
    size_t n = 0;
    assert_int_equal(mu_incident_fields_numeric(plan, json, &f, &n, NULL), MU_OK);
    assert_int_equal(n, 2);
    assert_string_equal(f[0].key, "people");
    assert_true(f[0].value == 40);
    assert_true(f[1].value == 28.75);
    mu_free(f);
    mu_free(json);
    json = NULL;

    assert_int_equal(mu_incident_check(plan, "earthquake", "IV", NULL, 0, &json, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "unknown incident kind 'earthquake' in plan 't' (kinds: fire, flood)");
    assert_string_equal(err.field, "kind");
    assert_null(json);
    assert_int_equal(mu_incident_check(plan, "fire", "V", NULL, 0, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "unknown level 'V' in plan 't' (levels: I, IV)");
    assert_string_equal(err.field, "level");
    assert_int_equal(mu_incident_check(plan, "fire", NULL, NULL, 0, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "no level given (levels: I, IV)");
    struct mu_incident_kv unknown[] = {{"deaths", "1"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", unknown, 1, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg,
                        "unknown incident field 'deaths' in plan 't' (fields: people, water, note)");
    assert_string_equal(err.field, "fields");
    struct mu_incident_kv badcount[] = {{"people", "-1"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", badcount, 1, NULL, &err), MU_EINVAL);
    assert_non_null(strstr(err.msg, "'-1' is not a whole number"));
    struct mu_incident_kv frac[] = {{"people", "2.5"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", frac, 1, NULL, &err), MU_EINVAL);
    struct mu_incident_kv nan[] = {{"water", "nan"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", nan, 1, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "field 'water': 'nan' is not a number");
    struct mu_incident_kv twice[] = {{"people", "1"}, {"people", "2"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", twice, 2, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "field 'people' is given twice");
    struct mu_incident_kv ctl[] = {{"note", "a\x01"}};
    assert_int_equal(mu_incident_check(plan, "fire", "I", ctl, 1, NULL, &err), MU_EINVAL);
}

static void test_sniff(void **state)
{
    (void)state;
    struct mu_error err = {0};
    enum mu_attachment_type t;
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0};
    static const unsigned char elf[] = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
    const char pdf[] = "%PDF-1.7\n...";
    const char text[] = "现场照片说明：三楼东侧。\nline 2\n";
    assert_int_equal(mu_attachment_sniff("a.jpg", jpeg, sizeof(jpeg), &t, NULL), MU_OK);
    assert_int_equal(t, MU_ATTACH_JPEG);
    assert_int_equal(mu_attachment_sniff("a.png", png, sizeof(png), &t, NULL), MU_OK);
    assert_int_equal(t, MU_ATTACH_PNG);
    assert_int_equal(mu_attachment_sniff("a.pdf", pdf, strlen(pdf), &t, NULL), MU_OK);
    assert_int_equal(t, MU_ATTACH_PDF);
    assert_int_equal(mu_attachment_sniff("a.txt", text, strlen(text), &t, NULL), MU_OK);
    assert_int_equal(t, MU_ATTACH_TEXT);
    assert_string_equal(mu_attachment_mime(t), "text/plain; charset=utf-8");
    /* The name does not matter; the bytes do. */
    assert_int_equal(mu_attachment_sniff("photo.jpg", elf, sizeof(elf), &t, &err), MU_EINVAL);
    assert_string_equal(err.msg,
                        "file 'photo.jpg' is not an allowed type (JPEG, PNG, PDF or plain text)");
    assert_int_equal(mu_attachment_sniff("bad.txt", "ab\xff", 3, &t, NULL), MU_EINVAL);
    assert_int_equal(mu_attachment_sniff("cut.txt", "ab\xe4\xb8", 4, &t, NULL), MU_EINVAL);
    assert_int_equal(mu_attachment_sniff("nul.txt", "a\0b", 3, &t, NULL), MU_EINVAL);
    assert_int_equal(mu_attachment_sniff("empty", "", 0, &t, &err), MU_EINVAL);
    assert_string_equal(err.msg, "file 'empty' is empty");
    /* Over 10 MiB is refused before the bytes are looked at. */
    assert_int_equal(mu_attachment_sniff("big.jpg", jpeg, MU_INCIDENT_MAX_ATTACHMENT + 1, &t,
                                         &err),
                     MU_ELIMIT);
    assert_non_null(strstr(err.msg, "10 MiB"));
}

static void test_criteria(void **state)
{
    (void)state;
    struct mu_error err = {0};
    char *json = NULL;
    const char *given[] = {"3", "火已扑灭"};
    assert_int_equal(mu_incident_criteria(plan, given, 2, &json, NULL), MU_OK);
    assert_string_equal(json, "[\"火已扑灭\",\"现场移交\"]"); /* plan order */
    mu_free(json);
    assert_int_equal(mu_incident_criteria(plan, NULL, 0, &json, NULL), MU_OK);
    assert_string_equal(json, "[]");
    mu_free(json);
    const char *bad[] = {"4"};
    assert_int_equal(mu_incident_criteria(plan, bad, 1, &json, &err), MU_EINVAL);
    assert_string_equal(err.msg,
                        "'4' is not a termination criterion of plan 't' (give 1-3 or the text)");
    assert_null(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transitions),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_criteria),
    };
    return cmocka_run_group_tests_name("incident", tests, setup, teardown);
}
