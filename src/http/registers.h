/* SPDX-License-Identifier: MIT */
/*
 * The preparedness registers (台账) in the server: the JSON API of hazards
 * (h_hazards.c), drills held (h_drills_held.c), resources (h_resources.c)
 * and contacts (h_contacts.c), their web pages (h_pages_registers.c and the
 * checklist pages of h_pages_checklists.c) and the helpers all of them
 * share (registers.c): reading ids, query flags and JSON bodies, answering
 * a use case's JSON, and the frame of a register page and of its form
 * posts. Every handler calls the use cases of <muster/register.h>, which
 * check the input field by field; the handlers only move text between JSON
 * or forms and those functions. See docs/internals/registers.md and web.md
 * ("Register pages").
 */
#ifndef MU_HTTP_REGISTERS_H
#define MU_HTTP_REGISTERS_H

#include <jansson.h>
#include <stdint.h>

#include <muster/register.h>
#include <muster/store.h>

#include "http.h"
#include "web.h"

/* ---- API helpers (registers.c) ---- */

/** 1 when @p v (may be NULL) is one of @p list (NULL-terminated); else 0. */
int mu_http_reg_in_list(const char *v, const char *const *list);

/**
 * Route parameter @p name as a positive id into *id; 0, or 404 with the
 * response set ("no @p what 'x'", field "id").
 */
int mu_http_reg_id(struct mu_http_req *req, struct mu_http_resp *resp, const char *name,
                   const char *what, int64_t *id);


/** Most members one mu_http_reg_body_read() reads as text. */
#define MU_HTTP_REG_MEMBERS_MAX 12

/** A member of a request body that a use case takes as text. */
struct mu_http_reg_member {
    const char *key;  /* its name; NULL ends a list of members */
    const char **out; /* OUT: its text, borrowed from the body; NULL when absent or null */
};

/** A JSON request body read for a use case (caller-allocated). */
struct mu_http_reg_body {
    json_t *obj;                           /* owned: mu_http_reg_body_release() */
    char num[MU_HTTP_REG_MEMBERS_MAX][24]; /* whole-number members in decimal */
};

/**
 * Read the JSON body of @p req into @p b: a member that is neither one of
 * @p m nor in @p also (NULL-terminated; may be NULL) answers 400 "unknown
 * member 'x'"; then each of @p m in order into *m[i].out: a string as it
 * is, a whole number in decimal, absent or null as NULL, any other type
 * 400 naming the member. The texts are borrowed from @p b until
 * mu_http_reg_body_release(). Returns 0, or the status of the error answer
 * set on @p resp. Release @p b in either case.
 */
int mu_http_reg_body_read(struct mu_http_reg_body *b, struct mu_http_req *req,
                          struct mu_http_resp *resp, const struct mu_http_reg_member *m,
                          const char *const *also);

/** Free what @p b owns: after mu_http_reg_body_read(), or when zero-initialized. */
void mu_http_reg_body_release(struct mu_http_reg_body *b);

/**
 * The error response for a use case's error: as mu_http_resp_from_err(),
 * with the use case's field names turned into the API's member names
 * ("unit-of-measure" -> "unit_of_measure").
 */
int mu_http_reg_error(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                      struct mu_error *err);

/** The actor of a request (of any route): the signed-in user, "api" without one; now. */
struct mu_actor mu_http_reg_actor(const struct mu_http_req *req);

/**
 * Answer a use case's result: its error when @p rc is set (mu_http_reg_error,
 * detail @p err), else the JSON @p text it made, compact, with @p status.
 * @p text (may be NULL) is owned and freed here.
 */
int mu_http_reg_json_text(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                          struct mu_error *err, int status, char *text);

/**
 * As mu_http_reg_json_text() for a list: one page of the JSON array in
 * @p text (owned, freed here) with duty.h's offset pagination.
 */
int mu_http_reg_page(struct mu_http_req *req, struct mu_http_resp *resp, enum mu_err rc,
                     struct mu_error *err, char *text);

/**
 * Writes record @p id as JSON into @p resp with @p status (store @p s held
 * by the caller), or the error of reading it; returns the status.
 */
typedef int mu_http_reg_show_fn(struct mu_http_req *req, struct mu_http_resp *resp,
                                struct mu_store *s, int64_t id, int status);

/**
 * Answer GET of one record: route parameter "id" (404 "no @p what 'x'"),
 * then @p show with status 200, or 500 without a database.
 */
int mu_http_reg_get(struct mu_http_req *req, struct mu_http_resp *resp, struct mu_http_env *env,
                    const char *what, mu_http_reg_show_fn *show);

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

/**
 * Add the registers card's data ("registers_card": overdue hazards, the
 * drills due this term, resource alerts) to the dashboard page, for roles
 * that may read organisation-wide data.
 */
void mu_web_card_registers(struct mu_webpage *pg);

/*
 * ---- page helpers (registers.c), for h_pages_registers.c and h_pages_checklists.c;
 * mu_web_reg_opt() and mu_web_reg_doc() serve any page (the case pages too) ----
 */

/** Field @p name of @p q (may be NULL), or NULL; borrowed from @p q. */
const char *mu_web_reg_field(const struct mu_query *q, const char *name);

/** A form field for a use case: NULL when absent, empty or given twice (optional fields). */
const char *mu_web_reg_opt(const struct mu_query *q, const char *name);

/** Whether the page's principal may write. */
int mu_web_reg_can_write(const struct mu_webpage *pg);

/** The posted form as an object (without the CSRF token), or @p dflt (taken); owned. */
json_t *mu_web_reg_form_values(const struct mu_query *posted, json_t *dflt);

/**
 * The JSON text a use case made (owned, freed here; may be NULL) as a value
 * (owned by the caller); NULL when there is none or it does not parse.
 */
json_t *mu_web_reg_doc(char *text);

/**
 * The document of a page: the JSON @p text a use case made (owned, freed
 * here) after it returned @p rc (detail @p err), as a value of @p type
 * (JSON_OBJECT, JSON_ARRAY) into *out (owned by the caller). Returns 0, or,
 * with *out NULL, the status of the error page made: that of
 * mu_web_reg_read_failed() for @p rc, 500 when @p text is not of @p type.
 */
int mu_web_reg_load(struct mu_webpage *pg, const char *what, enum mu_err rc,
                    const struct mu_error *err, char *text, json_type type, json_t **out);

/**
 * Render template @p name with @p status (mu_web_render); after a refused
 * post, with the use case's error @p ferr (may be NULL) naming the field,
 * shown above form @p which.
 */
int mu_web_reg_render(struct mu_webpage *pg, const char *name, int status, const char *which,
                      const struct mu_error *ferr);

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

/**
 * Split the textarea @p text in place into its lines, each cut of the
 * characters of @p blank at both ends (and of '\r' at the end), empty ones
 * skipped: at most @p cap pointers into @p text into @p out. Returns how many.
 */
size_t mu_web_reg_lines(char *text, const char *blank, const char **out, size_t cap);

/**
 * Build and render a register page with @p status: record @p id (0 on a
 * list page) and, after a refused post, form @p which echoing @p posted
 * with the error @p ferr above it (all three NULL otherwise). Everything
 * borrowed. Returns the status of the answer.
 */
typedef int mu_web_reg_render_fn(struct mu_webpage *pg, int64_t id, int status, const char *which,
                                 const struct mu_query *posted, const struct mu_error *ferr);

/** A register page: what its GET and the form posts that re-render it share. */
struct mu_web_reg_page {
    const char *prefix;           /* catalogue prefix: PREFIX.title, PREFIX.ok_WORD */
    const char *what;             /* names the page in the log ("register") */
    const char *const *oks;       /* the ?ok= words it flashes, NULL-ended; NULL: none */
    mu_web_reg_render_fn *render; /* builds and renders it */
    int by_id;                    /* 1: the page of the record of the path's {id} */
};

/**
 * Answer GET of @p page (static; borrowed): the ?ok= flash, then the page
 * with 200; with page->by_id the record of the path's {id}, 404 when that
 * is not a positive number.
 */
int mu_web_reg_get(const struct mu_web_reg_page *page, struct mu_http_req *req,
                   struct mu_http_resp *resp, void *ctx);

/** A form post of a register page being answered (caller-allocated). */
struct mu_web_reg_post {
    const struct mu_web_reg_page *page; /* re-rendered when refused; borrowed */
    struct mu_webpage pg;
    struct mu_query form;  /* the posted fields; empty until read */
    struct mu_error err;   /* OUT of the use case: what it refused, naming the field */
    struct mu_actor actor; /* who posts, at the time the form was read */
    int64_t id;            /* the path's {id}; 0 when absent or not a positive number */
};

/**
 * Begin answering a form post of @p page (borrowed, static): the page with
 * its title and nav, an empty form, p->id. Always end with
 * mu_web_reg_post_end().
 */
void mu_web_reg_post_begin(struct mu_web_reg_post *p, const struct mu_web_reg_page *page,
                           struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

/**
 * The 404 page unless @p found (the path names something to post to);
 * else read the posted form into p->form and set p->actor. Returns 0 to go
 * on, or the status of the 404, 400 or 415 page made.
 */
int mu_web_reg_post_read(struct mu_web_reg_post *p, int found);

/**
 * Re-render p->page after its use case refused the post: record @p id,
 * form @p which showing the posted fields and p->err, with @p status.
 */
int mu_web_reg_post_refused(struct mu_web_reg_post *p, int64_t id, int status, const char *which);

/**
 * Answer a post after its use case returned @p rc: 303 to the local path
 * printf'd from @p fmt when MU_OK, else the logged 500 page (refusals are
 * the caller's to re-render first). Returns the status.
 */
int mu_web_reg_post_done(struct mu_web_reg_post *p, enum mu_err rc, const char *fmt, ...)
    MU_PRINTF(3, 4);

/** Release what @p p holds and end its page; returns @p status. */
int mu_web_reg_post_end(struct mu_web_reg_post *p, int status);

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
