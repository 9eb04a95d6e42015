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

enum mu_err mu_http_case_throttle(struct mu_http_req *req, struct mu_http_env *env,
                                  struct mu_store *s, const char *what, int max, int64_t window,
                                  int64_t *wait, struct mu_error *err)
{
    char addr[64], key[160], hex[33];
    unsigned char h[16];
    mu_http_req_remote_addr(req, env, addr, sizeof(addr));
    /* Only a hash of the address is kept, and only to count. */
    crypto_generichash(h, sizeof(h), (const unsigned char *)addr, strlen(addr), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(key, sizeof(key), "case.%s:%s", what, hex);
    return mu_store_case_throttle(s, key, mu_http_now_ms(), max, window, wait, err);
}

/* Count one request of @p what from the client; 0, or the 429/5xx already set. */
static int throttle(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                    struct mu_store *s, const char *what, int max, int64_t window)
{
    struct mu_error err = {0};
    int64_t wait = 0;
    enum mu_err rc = mu_http_case_throttle(req, env, s, what, max, window, &wait, &err);
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
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    struct mu_case_keyring kr;
    char token[128], question[32];
    struct mu_store *s = mu_http_store_acquire(env);
    enum mu_err rc =
        s ? mu_http_case_keyring(s, &kr, &err) : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(env);
    if (rc == MU_OK) {
        rc = mu_case_challenge_make(&kr, mu_http_now_ms(), token, question, &err);
        mu_case_keyring_wipe(&kr);
    }
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
    enum mu_err rc = MU_OK;
    if (!s) {
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    } else if ((st = throttle(req, resp, env, s, "submit", MU_CASE_SUBMIT_MAX,
                              MU_CASE_SUBMIT_WINDOW_MS))) {
        mu_http_store_release(env);
        json_decref(body);
        return st;
    } else {
        rc = mu_http_case_keyring(s, &kr, &err);
        if (rc == MU_ENOTFOUND)
            rc = err.code = MU_EINTERNAL; /* no key file: a setup fault */
        if (rc == MU_OK) {
            rc = mu_case_challenge_check(&kr, now, jstr(body, "challenge"),
                                         (long)json_integer_value(ans), &err);
            if (rc == MU_OK)
                rc = mu_app_case_register(s, &a, &kr, env->calendar, &in, &id, code, &err);
            mu_case_keyring_wipe(&kr);
        }
        if (rc == MU_OK)
            rc = mu_store_case_get(s, id, &c, &err);
    }
    mu_http_store_release(env);
    json_decref(body);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
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

int h_public_cases_lookup(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    const char *code, *last4;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    if ((st = lookup_args(body, &code, &last4, resp))) {
        json_decref(body);
        return st;
    }
    struct mu_case_keyring kr;
    char *out = NULL;
    enum mu_err rc = MU_OK;
    struct mu_store *s = mu_http_store_acquire(env);
    if (!s) {
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    } else if ((st = throttle(req, resp, env, s, "lookup", MU_CASE_LOOKUP_MAX,
                              MU_CASE_LOOKUP_WINDOW_MS))) {
        mu_http_store_release(env);
        json_decref(body);
        return st;
    } else if ((rc = mu_http_case_keyring(s, &kr, &err)) == MU_OK) {
        rc = mu_app_case_public_lookup(s, &kr, code, last4, &out, &err);
        mu_case_keyring_wipe(&kr);
    } else if (rc == MU_ENOTFOUND) {
        rc = err.code = MU_EINTERNAL; /* no key file: a setup fault */
    }
    mu_http_store_release(env);
    json_decref(body);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return mu_http_case_json_text(resp, 200, out);
}

int h_public_cases_rate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_http_env *env = ctx;
    struct mu_error err = {0};
    json_t *body = NULL;
    const char *code, *last4;
    int st;
    if ((st = mu_http_req_json(req, resp, &body)))
        return st;
    json_t *r = json_object_get(body, "rating");
    if ((st = lookup_args(body, &code, &last4, resp)) ||
        (!json_is_integer(r) &&
         (st = mu_http_resp_error(resp, 400, "rating", "'rating' is a whole number 1 to 5")))) {
        json_decref(body);
        return st;
    }
    int rating =
        json_integer_value(r) < 1 || json_integer_value(r) > 5 ? 0 : (int)json_integer_value(r);
    struct mu_actor a = {.name = "public", .now_ms = mu_http_now_ms()};
    struct mu_case_keyring kr;
    enum mu_err rc = MU_OK;
    struct mu_store *s = mu_http_store_acquire(env);
    if (!s) {
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    } else if ((st = throttle(req, resp, env, s, "lookup", MU_CASE_LOOKUP_MAX,
                              MU_CASE_LOOKUP_WINDOW_MS))) {
        mu_http_store_release(env);
        json_decref(body);
        return st;
    } else if ((rc = mu_http_case_keyring(s, &kr, &err)) == MU_OK) {
        rc = mu_app_case_public_rate(s, &a, &kr, code, last4, rating, &err);
        mu_case_keyring_wipe(&kr);
    } else if (rc == MU_ENOTFOUND) {
        rc = err.code = MU_EINTERNAL; /* no key file: a setup fault */
    }
    mu_http_store_release(env);
    json_decref(body);
    if (rc)
        return mu_http_resp_from_err(resp, rc, &err, req->rid);
    return mu_http_resp_json(resp, 200, json_pack("{s:i}", "rating", rating));
}
