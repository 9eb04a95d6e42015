/* SPDX-License-Identifier: MIT */
/*
 * The preparedness registers (台账) in the server: the JSON API of hazards
 * (h_hazards.c), drills held (h_drills_held.c), resources (h_resources.c)
 * and contacts (h_contacts.c), their web pages (h_pages_registers.c, whose
 * page helpers h_pages_checklists.c also uses) and the helpers they share
 * (h_hazards.c). Every handler calls the use cases of
 * <muster/register.h>, which check the input field by field; the handlers
 * only move text between JSON or forms and those functions. See
 * docs/internals/registers.md and web.md ("Register pages").
 */
#ifndef MU_HTTP_REGISTERS_H
#define MU_HTTP_REGISTERS_H

#include <jansson.h>
#include <stdint.h>

#include <muster/register.h>
#include <muster/store.h>

#include "http.h"

/* ---- shared helpers (h_hazards.c) ---- */

/**
 * Route parameter @p name as a positive id into *id; 0, or 404 with the
 * response set ("no @p what 'x'", field "id").
 */
int mu_http_reg_id(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                   const char *what, int64_t *id);

/** A positive decimal id in @p s (at most 15 digits), else 0. */
int64_t mu_http_reg_parse_id(const char *s);

/**
 * Member @p key of @p obj as text for a use case: a string as it is, a whole
 * number in decimal (into @p buf), absent or null as NULL. Any other type
 * answers 400 naming the member. Returns 0 or that status; *out borrowed
 * from @p obj or @p buf.
 */
int mu_http_reg_text(struct mu_http_resp *resp, json_t *obj, const char *key, char buf[24],
                     const char **out);

/** 400 naming the first member of @p obj not in @p allowed (NULL-terminated); else 0. */
int mu_http_reg_only_keys(struct mu_http_resp *resp, json_t *obj, const char *const *allowed);

/**
 * The error response for a use case's error: as mu_http_resp_from_err(),
 * with the use case's field names turned into the API's member names
 * ("unit-of-measure" -> "unit_of_measure").
 */
int mu_http_reg_error(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                      struct mu_error *err);

/** The actor of a request: the signed-in user, now. */
struct mu_actor mu_http_reg_actor(const struct mu_http_req *req);

/** JSON text made by a use case (owned, freed here) as the compact body with @p status. */
int mu_http_reg_json_text(struct mu_http_resp *resp, int status, char *text);

/**
 * Answer one page of the JSON array in @p text (owned, freed here) with
 * duty.h's offset pagination; @p extra (may be NULL; reference taken) adds
 * members to the page object.
 */
int mu_http_reg_page(struct mu_http_req *req, struct mu_http_resp *resp, char *text,
                     json_t *extra);

/** Query flag @p name: absent or "0" 0, "1" 1, else 400 naming it. 0 or that status. */
int mu_http_reg_flag(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                     int *out);

/** Query parameter @p name as a whole number of days 0..3660 (default @p dflt); 0 or 400. */
int mu_http_reg_days(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                     int dflt, int32_t *out);

/** The ledgers the API exports as XLSX. */
enum mu_reg_ledger { MU_LEDGER_HAZARDS, MU_LEDGER_DRILLS, MU_LEDGER_RESOURCES, MU_LEDGER_CONTACTS };

/**
 * Answer the XLSX ledger @p which (overdue/alerts only with @p only, judged
 * at @p at with @p within days for resources) as a download.
 */
int mu_http_reg_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                     enum mu_reg_ledger which, int only, int64_t at, int32_t within);

/* ---- dashboard card (h_pages_registers.c) ---- */

struct mu_webpage;

/**
 * Add the registers card's data ("registers_card": overdue hazards, the
 * drills due this term, resource alerts) to the dashboard page, for roles
 * that may read organisation-wide data.
 */
void mu_web_card_registers(struct mu_webpage *pg);

/* ---- page helpers (h_pages_registers.c), shared with h_pages_checklists.c ---- */

/** Field @p name of @p q (may be NULL), or NULL; borrowed from @p q. */
const char *mu_web_reg_field(const struct mu_query *q, const char *name);

/** A form field for a use case: NULL when absent or empty (optional fields). */
const char *mu_web_reg_opt(const struct mu_query *q, const char *name);

/** Whether the page's principal may write. */
int mu_web_reg_can_write(const struct mu_webpage *pg);

/** The posted form as an object (without the CSRF token), or @p dflt (taken); owned. */
json_t *mu_web_reg_form_values(const struct mu_query *posted, json_t *dflt);

/** The use case's JSON text (owned, freed) as a value (owned); NULL when it does not parse. */
json_t *mu_web_reg_doc(char *text);

/** A form post's error: the message naming the field, shown above form @p form. */
void mu_web_reg_form_error(struct mu_webpage *pg, const char *form, const struct mu_error *err);

/**
 * The error page for a failed read: 404 for a missing record, else 500,
 * logged as "@p what page: message".
 */
int mu_web_reg_read_failed(struct mu_webpage *pg, const char *what, enum mu_err rc,
                           const struct mu_error *err);

/** The flash of a redirect back after a good post: ?ok=WORD, one of @p words (NULL-ended). */
void mu_web_reg_ok_flash(struct mu_webpage *pg, const char *prefix, const char *const *words);

/** Begin a register page titled by catalogue key @p title_key (nav, can_write set). */
void mu_web_reg_begin(struct mu_webpage *pg, struct mu_http_req *req, struct mu_http_resp *resp,
                      void *ctx, const char *title_key);

/** Parse a posted form into @p form (caller frees it); 0, or the 400/415 page. */
int mu_web_reg_read_form(struct mu_webpage *pg, struct mu_query *form);

/* ---- API handlers ---- */
int h_hazards_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_unit_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_rectify(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_verify(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_assign(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_notes(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazards_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_task_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_due(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_drills_held_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_adjust(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_assign(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_return(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_resources_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_contacts_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_contacts_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_contacts_delete(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_contacts_xlsx(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/* ---- page handlers (h_pages_registers.c) ---- */
int h_page_registers(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_hazards(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_hazards_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_hazard(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_hazard_action(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_drills_held(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_drills_held_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_drill_held(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_drill_task_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_drill_task_done(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_resources(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_resources_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_resources_adjust(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_contacts(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_contacts_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_contact_remove(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_contacts_sheet(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
