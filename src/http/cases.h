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

/* pages (h_pages_cases.c): officers' pages and the public page */
int h_page_cases(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_cases_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_case(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_case_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_complaint_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/**
 * Count one public request of @p what ("submit", "lookup") from the client
 * (only a hash of its address is kept): *wait > 0 when it must wait.
 */
enum mu_err mu_http_case_throttle(struct mu_http_req *req, struct mu_http_env *env,
                                  struct mu_store *s, const char *what, int max, int64_t window,
                                  int64_t *wait, struct mu_error *err);

/**
 * Load the case key file of the server's database into @p kr (with the
 * store lock held by the caller). MU_ENOTFOUND when there is none.
 */
enum mu_err mu_http_case_keyring(struct mu_store *s, struct mu_case_keyring *kr,
                                 struct mu_error *err);

/** A JSON text made by the app layer (owned, mu_free) as the response body. */
int mu_http_case_json_text(struct mu_http_resp *resp, int status, char *text);

#endif
