/* SPDX-License-Identifier: MIT */
/*
 * The pure rules of accounts (src/core/account.c): role names, the whole
 * permission table and unit scoping, the rules for user names, unit ids,
 * passwords and languages, the encodings and hashes of secrets, the CSRF
 * check, session expiry and the login throttle window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <muster/mem.h>

#include "core/account.h"

static void test_role_names(void **state)
{
    (void)state;
    static const char *const names[] = {"admin", "officer", "leader", "reporter", "viewer"};
    for (size_t i = 0; i < 5; i++) {
        enum mu_role r = MU_ROLE_NONE;
        assert_true(mu_role_parse(names[i], &r));
        assert_int_equal(r, MU_ROLE_ADMIN + (int)i);
        assert_string_equal(mu_role_name(r), names[i]);
    }
    enum mu_role r = MU_ROLE_VIEWER;
    assert_false(mu_role_parse("Admin", &r)); /* exact, lowercase */
    assert_false(mu_role_parse("none", &r));  /* not a role one can give */
    assert_false(mu_role_parse("", &r));
    assert_false(mu_role_parse(NULL, &r));
    assert_int_equal(r, MU_ROLE_VIEWER); /* untouched on failure */
    assert_string_equal(mu_role_name(MU_ROLE_NONE), "none");
    assert_string_equal(mu_role_name((enum mu_role)99), "none");
}

static void test_permission_table(void **state)
{
    (void)state;
    enum { N = MU_GRANT_NONE, A = MU_GRANT_ALL, O = MU_GRANT_OWN_UNITS };
    /* read, write, admin, unit read, unit write, manage */
    /* clang-format off */
    static const int want[6][6] = {
        [MU_ROLE_NONE] = {N, N, N, N, N, N},     [MU_ROLE_ADMIN] = {A, A, A, A, A, A},
        [MU_ROLE_OFFICER] = {A, A, N, A, A, A},  [MU_ROLE_LEADER] = {A, A, N, A, A, N},
        [MU_ROLE_REPORTER] = {N, N, N, O, O, N}, [MU_ROLE_VIEWER] = {A, N, N, A, N, N},
    };
    /* clang-format on */
    for (int r = 0; r < 6; r++)
        for (int a = 0; a < 6; a++)
            if ((int)mu_role_can((enum mu_role)r, (enum mu_action)a) != want[r][a])
                fail_msg("role %s action %d: got %d, want %d", mu_role_name((enum mu_role)r), a,
                         (int)mu_role_can((enum mu_role)r, (enum mu_action)a), want[r][a]);
    assert_int_equal(mu_role_can((enum mu_role)42, MU_ACTION_READ), MU_GRANT_NONE);
    assert_int_equal(mu_role_can(MU_ROLE_ADMIN, (enum mu_action)42), MU_GRANT_NONE);
}

static void test_principal_units(void **state)
{
    (void)state;
    char *units[] = {"school-1", "town"};
    struct mu_principal rep = {
        .role = MU_ROLE_REPORTER, .units = units, .nunits = 2, .via = MU_AUTH_SESSION};
    assert_true(mu_principal_can(&rep, MU_ACTION_UNIT_WRITE, "school-1"));
    assert_true(mu_principal_can(&rep, MU_ACTION_UNIT_READ, "town"));
    assert_false(mu_principal_can(&rep, MU_ACTION_UNIT_READ, "school-2"));
    assert_false(mu_principal_can(&rep, MU_ACTION_UNIT_READ, "school")); /* no prefix match */
    assert_false(mu_principal_can(&rep, MU_ACTION_UNIT_READ, NULL));
    assert_false(mu_principal_can(&rep, MU_ACTION_READ, NULL));
    assert_false(mu_principal_can(&rep, MU_ACTION_ADMIN, NULL));

    struct mu_principal off = {.role = MU_ROLE_OFFICER, .via = MU_AUTH_TOKEN};
    assert_true(mu_principal_can(&off, MU_ACTION_UNIT_WRITE, "anything"));
    assert_true(mu_principal_can(&off, MU_ACTION_UNIT_READ, NULL));
    assert_false(mu_principal_can(&off, MU_ACTION_ADMIN, NULL));

    struct mu_principal view = {.role = MU_ROLE_VIEWER, .via = MU_AUTH_SESSION};
    assert_true(mu_principal_can(&view, MU_ACTION_UNIT_READ, "town"));
    assert_false(mu_principal_can(&view, MU_ACTION_UNIT_WRITE, "town"));

    /* Not authenticated: nothing, whatever the role says. */
    struct mu_principal zero = {0};
    struct mu_principal unauth = {.role = MU_ROLE_ADMIN};
    assert_false(mu_principal_can(&zero, MU_ACTION_READ, NULL));
    assert_false(mu_principal_can(&unauth, MU_ACTION_READ, NULL));
    assert_false(mu_principal_can(NULL, MU_ACTION_READ, NULL));
}

static void test_username(void **state)
{
    (void)state;
    struct mu_error err = {0};
    char long_name[80];
    assert_int_equal(mu_username_check("li.wei", NULL), MU_OK);
    assert_int_equal(mu_username_check("Li_Wei-2@school.cn", NULL), MU_OK);
    assert_int_equal(mu_username_check("a", NULL), MU_OK);
    memset(long_name, 'x', 64);
    long_name[64] = '\0';
    assert_int_equal(mu_username_check(long_name, NULL), MU_OK);
    long_name[64] = 'x';
    long_name[65] = '\0';
    assert_int_equal(mu_username_check(long_name, &err), MU_EINVAL);
    assert_int_equal(mu_username_check("", &err), MU_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(mu_username_check(NULL, NULL), MU_EINVAL);
    assert_int_equal(mu_username_check("li wei", &err), MU_EINVAL);
    assert_string_equal(err.msg, "invalid user name 'li wei' (user names are 1 to 64 of the "
                                 "characters A-Z a-z 0-9 . _ @ -)");
    assert_int_equal(mu_username_check("李伟", NULL), MU_EINVAL);
    assert_int_equal(mu_username_check("a/b", NULL), MU_EINVAL);
    assert_int_equal(mu_username_check("a'b", NULL), MU_EINVAL);

    char key[MU_USERNAME_MAX + 1];
    mu_username_key("Li.WEI@X", key);
    assert_string_equal(key, "li.wei@x");
}

static void test_unit_and_lang(void **state)
{
    (void)state;
    struct mu_error err = {0};
    assert_int_equal(mu_unit_check("school-1", NULL), MU_OK);
    assert_int_equal(mu_unit_check("town_office", NULL), MU_OK);
    assert_int_equal(mu_unit_check("School", &err), MU_EINVAL);
    assert_string_equal(err.field, "unit");
    assert_non_null(strstr(err.msg, "invalid unit id 'School'"));
    assert_int_equal(mu_unit_check("-x", NULL), MU_EINVAL);
    assert_int_equal(mu_unit_check("", NULL), MU_EINVAL);
    assert_int_equal(mu_unit_check(NULL, NULL), MU_EINVAL);

    assert_true(mu_lang_valid("zh"));
    assert_true(mu_lang_valid("en"));
    assert_false(mu_lang_valid("EN"));
    assert_false(mu_lang_valid("fr"));
    assert_false(mu_lang_valid(""));
    assert_false(mu_lang_valid(NULL));
}

static enum mu_err pw(const char *s, struct mu_error *err)
{
    return mu_password_check(s, strlen(s), err);
}

static void test_password_policy(void **state)
{
    (void)state;
    struct mu_error err = {0};
    assert_int_equal(pw("123456789", &err), MU_EINVAL);
    assert_string_equal(err.msg, "password is too short: use at least 10 characters");
    assert_string_equal(err.field, "password");
    assert_int_equal(pw("1234567890", NULL), MU_OK);
    assert_int_equal(pw("correct horse battery staple", NULL), MU_OK);
    /* Characters, not bytes: nine Chinese characters are 27 bytes but too short. */
    assert_int_equal(pw("应急预案值班表零报告", NULL), MU_OK);   /* 10 characters */
    assert_int_equal(pw("应急预案值班表零报", &err), MU_EINVAL); /* 9 */
    assert_int_equal(pw("", &err), MU_EINVAL);
    assert_string_equal(err.msg, "password is empty");

    char big[MU_PASSWORD_MAX_BYTES + 2];
    memset(big, 'p', sizeof(big));
    assert_int_equal(mu_password_check(big, MU_PASSWORD_MAX_BYTES, NULL), MU_OK);
    assert_int_equal(mu_password_check(big, MU_PASSWORD_MAX_BYTES + 1, &err), MU_EINVAL);
    assert_string_equal(err.msg, "password is longer than 1024 bytes");

    assert_int_equal(pw("abcdefghij\xff", &err), MU_EINVAL);
    assert_string_equal(err.msg, "password is not valid UTF-8");
    assert_int_equal(pw("abcdefghij\xc0\xaf", NULL), MU_EINVAL);     /* overlong '/' */
    assert_int_equal(pw("abcdefghij\xed\xa0\x80", NULL), MU_EINVAL); /* a surrogate */
    assert_int_equal(pw("abcdefghij\xe5\xba", NULL), MU_EINVAL);     /* truncated */
    assert_int_equal(pw("abcdefghij\r", &err), MU_EINVAL);
    assert_string_equal(err.msg, "password contains a control character");
    assert_int_equal(pw("abc\tdefghij", NULL), MU_EINVAL);
    assert_int_equal(pw("abcdefghij\x7f", NULL), MU_EINVAL);
    assert_int_equal(mu_password_check("abcde\0fghijk", 12, NULL), MU_EINVAL); /* a NUL */
    /* The message never echoes the password. */
    assert_int_equal(pw("hunter2", &err), MU_EINVAL);
    assert_null(strstr(err.msg, "hunter2"));
}

static void test_secrets(void **state)
{
    (void)state;
    unsigned char raw[MU_AUTH_RAW_BYTES];
    char a[MU_AUTH_SECRET_LEN + 1], b[MU_AUTH_SECRET_LEN + 1];
    memset(raw, 0xff, sizeof(raw));
    mu_auth_secret_encode(raw, a);
    assert_int_equal(strlen(a), MU_AUTH_SECRET_LEN);
    assert_string_equal(a, "__________________________________________8");
    assert_true(mu_auth_secret_valid(a));
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)i;
    mu_auth_secret_encode(raw, b);
    assert_string_equal(b, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
    assert_true(mu_auth_secret_valid(b));
    assert_false(mu_auth_secret_valid("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh"));   /* 42 */
    assert_false(mu_auth_secret_valid("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A")); /* 44 */
    assert_false(mu_auth_secret_valid("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH+8"));  /* '+' */
    assert_false(mu_auth_secret_valid(""));
    assert_false(mu_auth_secret_valid(NULL));

    char tok[MU_TOKEN_LEN + 1];
    snprintf(tok, sizeof(tok), "mst_%s", b);
    assert_true(mu_token_format_valid(tok));
    assert_false(mu_token_format_valid(b));
    assert_false(mu_token_format_valid("mst_"));
    tok[0] = 'M';
    assert_false(mu_token_format_valid(tok));
    assert_false(mu_token_format_valid(NULL));

    /* Hashes: 64 hex characters, stable, and different per kind of secret. */
    char h1[MU_AUTH_HASH_HEX + 1], h2[MU_AUTH_HASH_HEX + 1], h3[MU_AUTH_HASH_HEX + 1];
    mu_secret_hash(MU_SECRET_SESSION, b, strlen(b), h1);
    mu_secret_hash(MU_SECRET_SESSION, b, strlen(b), h2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), MU_AUTH_HASH_HEX);
    assert_int_equal(strspn(h1, "0123456789abcdef"), MU_AUTH_HASH_HEX);
    mu_secret_hash(MU_SECRET_TOKEN, b, strlen(b), h3);
    assert_string_not_equal(h1, h3);
    mu_secret_hash(MU_SECRET_SESSION, a, strlen(a), h3);
    assert_string_not_equal(h1, h3);

    /* The CSRF token: stable per session, a valid secret, neither the id nor its hash. */
    char c1[MU_AUTH_SECRET_LEN + 1], c2[MU_AUTH_SECRET_LEN + 1], c3[MU_AUTH_SECRET_LEN + 1];
    mu_csrf_derive(b, c1);
    mu_csrf_derive(b, c2);
    mu_csrf_derive(a, c3);
    assert_string_equal(c1, c2);
    assert_string_not_equal(c1, c3);
    assert_string_not_equal(c1, b);
    assert_true(mu_auth_secret_valid(c1));
}

static void test_csrf_check(void **state)
{
    (void)state;
    struct mu_principal p = {.role = MU_ROLE_OFFICER, .via = MU_AUTH_SESSION};
    snprintf(p.csrf, sizeof(p.csrf), "%s", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
    assert_true(mu_auth_csrf_check(&p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));
    assert_false(mu_auth_csrf_check(&p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9"));
    assert_false(mu_auth_csrf_check(&p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh"));
    assert_false(mu_auth_csrf_check(&p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8x"));
    assert_false(mu_auth_csrf_check(&p, ""));
    assert_false(mu_auth_csrf_check(&p, NULL));
    /* A token principal has no CSRF token, and an empty header never matches it. */
    struct mu_principal t = {.role = MU_ROLE_OFFICER, .via = MU_AUTH_TOKEN};
    assert_false(mu_auth_csrf_check(&t, ""));
    p.via = MU_AUTH_TOKEN;
    assert_false(mu_auth_csrf_check(&p, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));
}

static void test_session_expiry(void **state)
{
    (void)state;
    const int64_t t0 = 1700000000000, h = 3600 * 1000;
    const int64_t end = t0 + MU_SESSION_ABSOLUTE_MS;
    assert_int_equal(MU_SESSION_IDLE_MS, 12 * h);
    assert_int_equal(MU_SESSION_ABSOLUTE_MS, 7 * 24 * h);
    assert_int_equal(mu_session_state(t0, end, t0), MU_SESSION_VALID);
    assert_int_equal(mu_session_state(t0, end, t0 + 12 * h - 1), MU_SESSION_VALID);
    assert_int_equal(mu_session_state(t0, end, t0 + 12 * h), MU_SESSION_IDLE);
    /* Active all week: valid until the absolute end, not a moment longer. */
    assert_int_equal(mu_session_state(end - h, end, end - 1), MU_SESSION_VALID);
    assert_int_equal(mu_session_state(end - h, end, end), MU_SESSION_EXPIRED);
    assert_true(mu_session_deadline(t0, end) == t0 + 12 * h);
    assert_true(mu_session_deadline(end - h, end) == end);
}

static void test_throttle_window(void **state)
{
    (void)state;
    const int64_t t0 = 1700000000000, min = 60 * 1000;
    assert_int_equal(MU_LOGIN_MAX_FAILURES, 5);
    assert_true(MU_LOGIN_WINDOW_MS == 15 * min);
    assert_true(mu_throttle_wait(t0, 4, t0 + min) == 0);
    assert_true(mu_throttle_wait(t0, 5, t0 + min) == 14 * min);
    assert_true(mu_throttle_wait(t0, 9, t0) == 15 * min);
    assert_true(mu_throttle_wait(t0, 5, t0 + 15 * min - 1) == 1);
    assert_true(mu_throttle_wait(t0, 5, t0 + 15 * min) == 0);
    assert_true(mu_throttle_minutes(14 * min) == 14);
    assert_true(mu_throttle_minutes(14 * min + 1) == 15);
    assert_true(mu_throttle_minutes(1) == 1);
    assert_true(mu_throttle_minutes(0) == 1);
}

static void test_dummy_hash_matches_cost(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    /* Same algorithm and parameters as real hashes, or unknown users would be faster. */
    assert_int_equal(strncmp(mu_account_dummy_hash, "$argon2id$", 10), 0);
    assert_int_equal(crypto_pwhash_str_needs_rehash(mu_account_dummy_hash, MU_PWHASH_OPSLIMIT,
                                                    MU_PWHASH_MEMLIMIT),
                     0);
    assert_true(MU_PWHASH_OPSLIMIT == crypto_pwhash_OPSLIMIT_INTERACTIVE);
    assert_true(MU_PWHASH_MEMLIMIT == crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_permission_table),
        cmocka_unit_test(test_principal_units),
        cmocka_unit_test(test_username),
        cmocka_unit_test(test_unit_and_lang),
        cmocka_unit_test(test_password_policy),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_csrf_check),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_throttle_window),
        cmocka_unit_test(test_dummy_hash_matches_cost),
    };
    return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
