/* SPDX-License-Identifier: MIT */
/*
 * The incident routes: the JSON API (h_incidents.c) and the web pages
 * (h_pages_incidents.c), plus the two dashboard cards the incident pages
 * provide (open incidents with their running clocks, and cases due). The
 * work is done by the app layer through muster/incident.h and muster/case.h;
 * nothing here re-implements a rule. See docs/internals/web.md.
 */
#ifndef MU_HTTP_INCIDENTS_H
#define MU_HTTP_INCIDENTS_H

#include <muster/incident.h>

#include "http.h"

/* ---- API (h_incidents.c) ---- */
int h_incidents_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_ack(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_note(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_status(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_activate(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_arrive(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_close(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_reopen(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_incidents_report(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/**
 * One step on incident @p id (or on task @p id for "task_done") as the
 * pages and the API both do it: @p op is "ack", "note", "status",
 * "activate", "arrive", "close", "reopen" or "task_done"; the arguments are
 * read from @p get(@p src, NAME) (a JSON body or a form): by, person, text,
 * kind, state, at (ISO local time; absent: now) and, for close, the
 * criteria in @p criteria (borrowed, @p ncrit of them). *incident gets the
 * incident the step was on. MU_EINVAL naming the field, MU_ECONFLICT for a
 * refused transition, MU_ENOTFOUND, or the store's errors.
 */
typedef const char *mu_http_inc_get_fn(void *src, const char *name);
enum mu_err mu_http_incident_step(struct mu_store *s, const struct mu_actor *actor, const char *op,
                                  int64_t id, mu_http_inc_get_fn *get, void *src,
                                  const char *const *criteria, size_t ncrit, int64_t *incident,
                                  struct mu_error *err);


/* ---- pages (h_pages_incidents.c) ---- */
int h_page_incidents(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_new(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_new_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_step(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* ---- the written report pages (h_pages_report.c) ---- */
int h_page_incident_report(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_report_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_incident_report_finalize(struct mu_http_req *req, struct mu_http_resp *resp,
                                    void *ctx);

/* ---- dashboard cards (h_pages_incidents.c) ---- */
struct mu_webpage;

/** Add the open incidents card ("incident_card": running clocks) to the dashboard. */
void mu_web_card_incidents(struct mu_webpage *pg);
/** Add the cases-due card ("cases_due_card": overdue and due within 3 days). */
void mu_web_card_cases_due(struct mu_webpage *pg);

#endif
