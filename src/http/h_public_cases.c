/* SPDX-License-Identifier: MIT */
/*
 * The complainant's routes, without login: GET
 * /api/v1/public/cases/challenge (a small sum against floods), POST
 * /api/v1/public/cases (submit a case online: rate limited per client
 * address, the challenge answered; the answer is the tracking code),
 * POST /api/v1/public/cases/lookup (status, notices and the reply, found by
 * tracking code plus the last four digits of the phone, sent in the body so
 * that they never reach an access log) and POST /api/v1/public/cases/rate
 * (1 to 5 after the reply). Lookups are rate limited too. A failed lookup
 * never says whether the code or the digits were wrong. Nothing here
 * identifies or follows a complainant: the address only counts requests,
 * and it is kept for an hour at most under a one-way key.
 */
#include "cases.h"

#include <muster/date.h>
#include <muster/mem.h>
#include <sodium.h>
#include <string.h>

#include "../util/banned.h"

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Each limit: its name in the throttle keys, and how many requests it lets through per window. */
static const struct {
    const char *what;
    int max;
    int64_t window_ms;
} LIMITS[] = {
    [MU_CASE_LIMIT_SUBMIT] = {"submit", MU_CASE_SUBMIT_MAX, MU_CASE_SUBMIT_WINDOW_MS},
    [MU_CASE_LIMIT_LOOKUP] = {"lookup", MU_CASE_LOOKUP_MAX, MU_CASE_LOOKUP_WINDOW_MS},
};

/* Count one request under limit @p which from the client: *wait > 0 when it must wait. */
static enum mu_err count_client(struct mu_http_req *req, struct mu_http_env *env,
                                struct mu_store *s, enum mu_case_limit which, int64_t *wait,
                                struct mu_error *err)
{
    char addr[64], key[160], hex[33];
    unsigned char h[16];
    mu_http_req_remote_addr(req, env, addr, sizeof(addr));
    /* Only a hash of the address is kept, and only to count. */
    crypto_generichash(h, sizeof(h), (const unsigned char *)addr, strlen(addr), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(key, sizeof(key), "case.%s:%s", LIMITS[which].what, hex);
    return mu_store_case_throttle(s, key, mu_http_now_ms(), LIMITS[which].max,
                                  LIMITS[which].window_ms, wait, err);
}

enum mu_err mu_http_case_public_open(struct mu_http_req *req, struct mu_http_env *env,
                                     struct mu_store *s, enum mu_case_limit which,
                                     int64_t *wait, struct mu_case_keyring *kr,
                                     struct mu_error *err)
{
    *wait = 0;
    if (!s)
        return mu_error_set(err, MU_ESTORE, "no database");
    enum mu_err rc = count_client(req, env, s, which, wait, err);
    if (rc == MU_OK && !*wait)
        rc = mu_http_case_keyring(s, kr, err);
    return rc;
}

enum mu_err mu_http_case_challenge(struct mu_http_env *env, char token[128], char question[32],
                                   struct mu_error *err)
{
    struct mu_case_keyring kr;
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc = mu_http_case_keyring(s, &kr, err);
    mu_http_store_release(env);
    if (rc == MU_OK) {
        rc = mu_case_challenge_make(&kr, mu_http_now_ms(), token, question, err);
        mu_case_keyring_wipe(&kr);
    }
    return rc;
}

/*
 * Begin a public API request under limit @p which on @p s (held by the
 * caller): 0 with the key ring in @p kr (wipe it after use), or the status
 * of the answer set: 429 with Retry-After when the client must wait, else
 * the error (a missing key file is a setup fault).
 */
static int open_request(struct mu_http_req *req, struct mu_http_resp *resp,
                        struct mu_http_env *env, struct mu_store *s, enum mu_case_limit which,
                        struct mu_case_keyring *kr)
{
    struct mu_error err = {0};
    int64_t wait = 0;
    enum mu_err rc = mu_http_case_public_open(req, env, s, which, &wait, kr, &err);
    if (rc == MU_ENOTFOUND)
        rc = err.code = MU_EINTERNAL; /* no key file: a setup fault */
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    if (wait > 0) {
        char secs[24];
        snprintf(secs, sizeof(secs), "%lld", (long long)((wait + 999) / 1000));
        mu_http_resp_error(resp, 429, NULL, "too many requests; try again in %s seconds", secs);
        mu_http_resp_header(resp, "Retry-After", secs);
        return 429;
    }
    return 0;
}

int h_public_cases_challenge(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_error err = {0};
    char token[128], question[32];
    enum mu_err rc = mu_http_case_challenge(ctx, token, question, &err);
    if (rc)
        return mu_http_resp_from_err(resp, rc == MU_ENOTFOUND ? MU_EINTERNAL : rc, &err, req->rid);
    return mu_http_resp_json(resp, 200,
                             json_pack("{s:s, s:s}", "challenge", token, "question", question));
}

int h_public_cases_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    json_t *ans = json_object_get(body, "answer");
    if (!json_is_integer(ans)) {
        json_decref(body);
        return mu_http_resp_error(resp, 400, "answer", "'answer' (the sum asked) is required");
    }
    int64_t now = mu_http_now_ms();
    struct mu_case_input in = {.channel = "online",
                               .subject = jstr(body, "subject"),
                               .description = jstr(body, "description"),
                               .category = jstr(body, "category"),
                               .place = jstr(body, "place"),
                               .name = jstr(body, "name"),
                               .phone = jstr(body, "phone"),
                               .address = jstr(body, "address"),
                               .id_number = jstr(body, "id_number"),
                               .received = mu_local_day(now, NULL)};
    struct mu_actor a = {.name = "public", .now_ms = now};
    struct mu_case_keyring kr;
    int64_t id = 0;
    char code[MU_CASE_CODE_LEN + 1];
    struct mu_case c;
    struct mu_store *s = mu_http_store_acquire(env);
    if ((st = open_request(req, resp, env, s, MU_CASE_LIMIT_SUBMIT, &kr)) == 0) {
        enum mu_err rc = mu_case_challenge_check(&kr, now, jstr(body, "challenge"),
                                                 (long)json_integer_value(ans), &err);
        if (rc == MU_OK)
            rc = mu_app_case_register(s, &a, &kr, env->calendar, &in, &id, code, &err);
        mu_case_keyring_wipe(&kr);
        if (rc == MU_OK)
            rc = mu_store_case_get(s, id, &c, &err);
        st = rc ? mu_http_resp_from_err(resp, rc, &err, req->rid) : 0;
    }
    mu_http_store_release(env);
    json_decref(body);
    if (st)
        return st;
    char due[11];
    mu_date_format(c.dl.accept, due);
    mu_case_release(&c);
    return mu_http_resp_json(resp, 201,
                             json_pack("{s:s, s:s, s:{s:s}}", "tracking_code", code, "state",
                                       "registered", "deadlines", "accept", due));
}

/* Read tracking_code and phone_last4 of a lookup body. */
static int lookup_args(json_t *body, const char **code, const char **last4,
                       struct mu_http_resp *resp)
{
    *code = jstr(body, "tracking_code");
    *last4 = jstr(body, "phone_last4");
    if (!*code || !*last4)
        return mu_http_resp_error(resp, 400, !*code ? "tracking_code" : "phone_last4",
                                  "'tracking_code' and 'phone_last4' are required");
    return 0;
}

/*
 * A complainant's follow-up, found by tracking code and the phone's last
 * four digits and counted against the lookup limit: the status of the case,
 * or with @p rate the rating of the reply (body member "rating").
 */
static int follow_up(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                     int rate)
{
    struct mu_error err = {0};
    struct mu_case_keyring kr;
    json_t *body = NULL;
    const char *code, *last4;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    json_t *r = json_object_get(body, "rating");
    if ((st = lookup_args(body, &code, &last4, resp)) == 0 && rate && !json_is_integer(r))
        st = mu_http_resp_error(resp, 400, "rating", "'rating' is a whole number 1 to 5");
    if (st) {
        json_decref(body);
        return st;
    }
    int rating =
        json_integer_value(r) < 1 || json_integer_value(r) > 5 ? 0 : (int)json_integer_value(r);
    struct mu_actor a = {.name = "public", .now_ms = mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(env);
    if ((st = open_request(req, resp, env, s, MU_CASE_LIMIT_LOOKUP, &kr)) == 0) {
        char *out = NULL;
        enum mu_err rc = rate ? mu_app_case_public_rate(s, &a, &kr, code, last4, rating, &err)
                              : mu_app_case_public_lookup(s, &kr, code, last4, &out, &err);
        mu_case_keyring_wipe(&kr);
        if (rate && rc == MU_OK)
            st = mu_http_resp_json(resp, 200, json_pack("{s:i}", "rating", rating));
        else
            st = mu_http_case_answer(req, resp, rc, &err, 200, out);
    }
    mu_http_store_release(env);
    json_decref(body);
    return st;
}

int h_public_cases_lookup(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return follow_up(req, resp, ctx, 0);
}

int h_public_cases_rate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return follow_up(req, resp, ctx, 1);
}
