/* SPDX-License-Identifier: MIT */
/*
 * The pure rules of accounts: role names, the permission table (which role
 * may do what class of route, and which only for its own units), the rules
 * for user names, unit ids, passwords and languages, and the arithmetic of
 * sessions and login throttling. Also the encodings and hashes of secrets
 * (libsodium's base64 and BLAKE2b, which are pure functions). The clock and
 * random bytes come from the caller.
 */
#include "core/account.h"

#include <sodium.h>
#include <string.h>

#include <muster/mem.h>

#include "core/plan_model.h"
#include "util/banned.h"

const char mu_account_dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$uTHNnP7lvtoM/xigW1XE8w$"
                                     "UyPhfR66n7Yv8jsqWpcB6aLvohorygQ+u06dAKZwhOk";

/* clang-format off */
static const char *const role_names[] = {
    [MU_ROLE_NONE] = "none",         [MU_ROLE_ADMIN] = "admin",
    [MU_ROLE_OFFICER] = "officer",   [MU_ROLE_LEADER] = "leader",
    [MU_ROLE_REPORTER] = "reporter", [MU_ROLE_VIEWER] = "viewer",
};
/* clang-format on */
#define NROLES (sizeof(role_names) / sizeof(role_names[0]))

/*
 * The permission table. Rows are roles, columns actions in the order of
 * enum mu_action: read, write, admin, unit read, unit write. A reporter
 * sees and reports only for their own units and nothing organisation-wide;
 * a viewer reads everything and changes nothing.
 */
/* clang-format off */
#define N MU_GRANT_NONE
#define A MU_GRANT_ALL
#define O MU_GRANT_OWN_UNITS
static const unsigned char grants[NROLES][MU_ACTION_MANAGE + 1] = {
    /*                     read write admin unit_r unit_w manage */
    [MU_ROLE_NONE]     = {N,   N,    N,    N,     N,     N},
    [MU_ROLE_ADMIN]    = {A,   A,    A,    A,     A,     A},
    [MU_ROLE_OFFICER]  = {A,   A,    N,    A,     A,     A},
    [MU_ROLE_LEADER]   = {A,   A,    N,    A,     A,     N},
    [MU_ROLE_REPORTER] = {N,   N,    N,    O,     O,     N},
    [MU_ROLE_VIEWER]   = {A,   N,    N,    A,     N,     N},
};
#undef N
#undef A
#undef O
/* clang-format on */

int mu_role_parse(const char *s, enum mu_role *out)
{
    if (!s)
        return 0;
    for (size_t i = 1; i < NROLES; i++) {
        if (strcmp(s, role_names[i]) == 0) {
            *out = (enum mu_role)i;
            return 1;
        }
    }
    return 0;
}

const char *mu_role_name(enum mu_role role)
{
    if ((unsigned)role >= NROLES)
        return "none";
    return role_names[role];
}

enum mu_grant mu_role_can(enum mu_role role, enum mu_action action)
{
    if ((unsigned)role >= NROLES || (unsigned)action > MU_ACTION_MANAGE)
        return MU_GRANT_NONE;
    return (enum mu_grant)grants[role][action];
}

static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
}

enum mu_err mu_username_check(const char *name, struct mu_error *err)
{
    static const char rule[] = "user names are 1 to 64 of the characters A-Z a-z 0-9 . _ @ -";
    if (!name || !*name)
        return mu_error_field(err, MU_EINVAL, "name", "user name is empty (%s)", rule);
    size_t len = strlen(name);
    int ok = len <= MU_USERNAME_MAX;
    for (size_t i = 0; ok && i < len; i++)
        ok = name_char((unsigned char)name[i]);
    if (!ok)
        return mu_error_field(err, MU_EINVAL, "name", "invalid user name '%.64s%s' (%s)", name,
                              len > 64 ? "..." : "", rule);
    return MU_OK;
}

enum mu_err mu_unit_check(const char *unit, struct mu_error *err)
{
    if (!unit || !mu_plan_id_valid(unit, strlen(unit), 0))
        return mu_error_field(err, MU_EINVAL, "unit",
                              "invalid unit id '%.64s' (unit ids use lowercase letters, digits, "
                              "'-' and '_', start with a letter or digit, at most 64 characters)",
                              unit ? unit : "");
    return MU_OK;
}

/*
 * Decode one UTF-8 sequence at @p s (@p n bytes left) into *cp; returns its
 * length, or 0 when it is not well-formed (overlong, surrogate, > U+10FFFF,
 * truncated).
 */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t len;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

enum mu_err mu_password_check(const char *pw, size_t len, struct mu_error *err)
{
    const unsigned char *p = (const unsigned char *)pw;
    size_t chars = 0;
    if (!pw || len == 0)
        return mu_error_field(err, MU_EINVAL, "password", "password is empty");
    if (len > MU_PASSWORD_MAX_BYTES)
        return mu_error_field(err, MU_EINVAL, "password", "password is longer than %d bytes",
                              MU_PASSWORD_MAX_BYTES);
    for (size_t i = 0; i < len; chars++) {
        unsigned long cp = 0;
        size_t k = utf8_next(p + i, len - i, &cp);
        if (k == 0)
            return mu_error_field(err, MU_EINVAL, "password", "password is not valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return mu_error_field(err, MU_EINVAL, "password",
                                  "password contains a control character");
        i += k;
    }
    if (chars < MU_PASSWORD_MIN_CHARS)
        return mu_error_field(err, MU_EINVAL, "password",
                              "password is too short: use at least %d characters",
                              MU_PASSWORD_MIN_CHARS);
    return MU_OK;
}

int mu_lang_valid(const char *lang)
{
    return lang && (strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0);
}

void mu_username_key(const char *name, char out[MU_USERNAME_MAX + 1])
{
    size_t i = 0;
    for (; name[i] && i < MU_USERNAME_MAX; i++) {
        char c = name[i];
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[i] = '\0';
}

void mu_auth_secret_encode(const unsigned char raw[MU_AUTH_RAW_BYTES],
                           char out[MU_AUTH_SECRET_LEN + 1])
{
    sodium_bin2base64(out, MU_AUTH_SECRET_LEN + 1, raw, MU_AUTH_RAW_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int b64url_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

int mu_auth_secret_valid(const char *s)
{
    if (!s)
        return 0;
    size_t i = 0;
    for (; i < MU_AUTH_SECRET_LEN; i++)
        if (!b64url_char((unsigned char)s[i]))
            return 0;
    return s[i] == '\0';
}

int mu_token_format_valid(const char *s)
{
    size_t plen = sizeof(MU_TOKEN_PREFIX) - 1;
    return s && strncmp(s, MU_TOKEN_PREFIX, plen) == 0 && mu_auth_secret_valid(s + plen);
}

static const char *const secret_keys[] = {
    [MU_SECRET_SESSION] = "muster-session-id-v1",
    [MU_SECRET_TOKEN] = "muster-api-token-v1",
    [MU_SECRET_THROTTLE] = "muster-login-throttle-v1",
};

void mu_secret_hash(enum mu_secret_kind kind, const char *s, size_t len,
                    char out[MU_AUTH_HASH_HEX + 1])
{
    unsigned char h[32];
    const char *key = secret_keys[kind];
    crypto_generichash(h, sizeof(h), (const unsigned char *)s, len, (const unsigned char *)key,
                       strlen(key));
    sodium_bin2hex(out, MU_AUTH_HASH_HEX + 1, h, sizeof(h));
}

void mu_csrf_derive(const char *session_id, char out[MU_AUTH_SECRET_LEN + 1])
{
    static const char key[] = "muster-csrf-from-session-v1";
    unsigned char h[MU_AUTH_RAW_BYTES];
    crypto_generichash(h, sizeof(h), (const unsigned char *)session_id, strlen(session_id),
                       (const unsigned char *)key, sizeof(key) - 1);
    mu_auth_secret_encode(h, out);
}

enum mu_session_state mu_session_state(int64_t last_seen, int64_t expires_at, int64_t now)
{
    if (now >= expires_at)
        return MU_SESSION_EXPIRED;
    if (now - last_seen >= MU_SESSION_IDLE_MS)
        return MU_SESSION_IDLE;
    return MU_SESSION_VALID;
}

int64_t mu_session_deadline(int64_t last_seen, int64_t expires_at)
{
    int64_t idle_end = last_seen + MU_SESSION_IDLE_MS;
    return idle_end < expires_at ? idle_end : expires_at;
}

int64_t mu_throttle_wait(int64_t window_start, int64_t failures, int64_t now)
{
    int64_t end = window_start + MU_LOGIN_WINDOW_MS;
    if (failures < MU_LOGIN_MAX_FAILURES || now >= end)
        return 0;
    return end - now;
}

int64_t mu_throttle_minutes(int64_t ms)
{
    int64_t m = (ms + 59999) / 60000;
    return m < 1 ? 1 : m;
}

void mu_principal_release(struct mu_principal *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nunits; i++)
        mu_free(p->units[i]);
    mu_free(p->units);
    memset(p, 0, sizeof(*p));
}

enum mu_err mu_principal_copy(struct mu_principal *to, const struct mu_principal *from,
                              struct mu_error *err)
{
    *to = *from;
    to->units = NULL;
    to->nunits = 0;
    if (from->nunits) {
        to->units = mu_calloc(from->nunits, sizeof(*to->units));
        if (!to->units)
            goto oom;
        for (size_t i = 0; i < from->nunits; i++) {
            if (!(to->units[i] = mu_strdup(from->units[i]))) {
                to->nunits = i;
                goto oom;
            }
        }
        to->nunits = from->nunits;
    }
    return MU_OK;
oom:
    mu_principal_release(to);
    return mu_error_set(err, MU_ENOMEM, "out of memory copying the caller");
}

int mu_principal_can(const struct mu_principal *p, enum mu_action action, const char *unit)
{
    if (!p || p->via == MU_AUTH_NONE)
        return 0;
    switch (mu_role_can(p->role, action)) {
    case MU_GRANT_ALL:
        return 1;
    case MU_GRANT_OWN_UNITS:
        if (!unit)
            return 0;
        for (size_t i = 0; i < p->nunits; i++)
            if (strcmp(p->units[i], unit) == 0)
                return 1;
        return 0;
    case MU_GRANT_NONE:
        break;
    }
    return 0;
}

int mu_auth_csrf_check(const struct mu_principal *p, const char *header_value)
{
    if (!p || p->via != MU_AUTH_SESSION || !header_value)
        return 0;
    if (strlen(p->csrf) != MU_AUTH_SECRET_LEN || strlen(header_value) != MU_AUTH_SECRET_LEN)
        return 0;
    return sodium_memcmp(p->csrf, header_value, MU_AUTH_SECRET_LEN) == 0;
}
