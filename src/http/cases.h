/* SPDX-License-Identifier: MIT */
/*
 * The case routes (信访事项): the officers' API (h_cases.c) and the public,
 * login-free routes a complainant uses (h_public_cases.c), and the helpers
 * they share. See docs/internals/cases.md.
 */
#ifndef MU_HTTP_CASES_H
#define MU_HTTP_CASES_H

#include <muster/case.h>

#include "http.h"

/* officers (h_cases.c) */
int h_cases_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_due(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_stats(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_handover(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_notice(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_cases_action(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* the complainant, without login (h_public_cases.c) */
int h_public_cases_challenge(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_public_cases_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_public_cases_lookup(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_public_cases_rate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* The limits of the public routes (per client address). */
#define MU_CASE_SUBMIT_MAX 5                     /* submissions */
#define MU_CASE_SUBMIT_WINDOW_MS (3600 * 1000LL) /* per hour */
#define MU_CASE_LOOKUP_MAX 30                    /* lookups and ratings */
#define MU_CASE_LOOKUP_WINDOW_MS (900 * 1000LL)  /* per 15 minutes */

/** Which limit a public request counts against. */
enum mu_case_limit {
    MU_CASE_LIMIT_SUBMIT, /* MU_CASE_SUBMIT_MAX per MU_CASE_SUBMIT_WINDOW_MS */
    MU_CASE_LIMIT_LOOKUP, /* MU_CASE_LOOKUP_MAX per MU_CASE_LOOKUP_WINDOW_MS */
};

/* pages (h_pages_cases.c): officers' pages and the public page */
int h_page_cases(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_cases_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_case(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_case_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/**
 * Begin a public request on store @p s (held by the caller; NULL when there
 * is no database: MU_ESTORE): count it against limit @p which for the
 * client (only a hash of its address is kept); *wait > 0 when the client
 * must wait that many milliseconds, and nothing more is done; else load the
 * case key ring into @p kr. When this returns MU_OK with *wait 0, wipe
 * @p kr after use. Errors: the store's, and mu_http_case_keyring()'s.
 */
enum mu_err mu_http_case_public_open(struct mu_http_req *req, struct mu_http_env *env,
                                     struct mu_store *s, enum mu_case_limit which,
                                     int64_t *wait, struct mu_case_keyring *kr,
                                     struct mu_error *err);

/**
 * A fresh flood challenge: its token and the question it asks, made with
 * the key ring of the server's database (store acquired and released here).
 * Errors: MU_ESTORE without a database, MU_ENOTFOUND without a key file.
 */
enum mu_err mu_http_case_challenge(struct mu_http_env *env, char token[128], char question[32],
                                   struct mu_error *err);

/**
 * Load the case key file of the server's database into @p kr (with the
 * store lock held by the caller; @p s NULL when there is no database:
 * MU_ESTORE). MU_ENOTFOUND when there is none.
 */
enum mu_err mu_http_case_keyring(struct mu_store *s, struct mu_case_keyring *kr,
                                 struct mu_error *err);

/**
 * Register case @p in as @p a on @p s (held by the caller; NULL when there
 * is no database) with the key ring of the server's database; its id into
 * *id. Errors: those of mu_http_case_keyring() and mu_app_case_register().
 */
enum mu_err mu_http_case_register(struct mu_http_env *env, struct mu_store *s,
                                  const struct mu_actor *a, const struct mu_case_input *in,
                                  int64_t *id, struct mu_error *err);


/** A JSON text made by the app layer (owned, mu_free) as the response body. */
int mu_http_case_json_text(struct mu_http_resp *resp, int status, char *text);

/**
 * Answer a use case's result: its error when @p rc is set (detail @p err),
 * else the JSON @p text it made with @p status. @p text (may be NULL) is
 * owned and freed here. Returns the status.
 */
int mu_http_case_answer(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                        const struct mu_error *err, int status, char *text);

#endif
