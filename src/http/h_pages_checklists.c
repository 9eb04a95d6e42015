/* SPDX-License-Identifier: MIT */
/*
 * The inspection checklist pages of the hazard register (issue 7): GET
 * /hazards/checklists lists every checklist with its unit and items and,
 * for writers, the add form (items one per line); GET
 * /hazards/checklists/{id} shows one checklist, its past inspection rounds
 * and the form that records a round (a checkbox per item marked failed).
 * The pages read mu_app_checklist_show()'s JSON and the forms call
 * mu_app_checklist_add() and mu_app_hazard_inspect(), which check every
 * field; a good post answers 303 back to the checklist, a refused one
 * re-renders the page with status 400 and the message naming the field.
 * Values reach the templates as plain text: the template engine escapes
 * them. Same patterns as h_pages_registers.c.
 */
#include "checklists.h"
#include "registers.h"
#include "web.h"

#include <muster/account.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

/* ---------------------------------------------------------------- helpers */

/* The page helpers and the frame of GETs and posts are registers.c's (registers.h). */

static const char *const ok_words[] = {"added", "inspect", NULL};

/* The items of a checklist (array of strings) as [{n, text}]. */
static json_t *numbered(json_t *items)
{
    json_t *a = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it)
        json_array_append_new(a, json_pack("{s:I, s:O}", "n", (json_int_t)i + 1, "text", it));
    return a;
}

/* ---------------------------------------------------------------- the list */

static int checklists_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                           const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *all, *c;
    (void)id;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_checklist_show(s, 0, MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    int st = mu_web_reg_load(pg, "checklist", rc, &err, text, JSON_ARRAY, &all);
    if (st)
        return st;
    size_t i;
    json_array_foreach(all, i, c) {
        json_object_set_new(c, "item_list", numbered(json_object_get(c, "items")));
        json_object_set_new(c, "nrounds",
                            json_integer((json_int_t)json_array_size(json_object_get(c, "rounds"))));
    }
    mu_web_set(pg, "has_checklists", json_boolean(json_array_size(all) > 0));
    mu_web_set(pg, "checklists", all);
    mu_web_set(pg, "f_add", mu_web_reg_form_values(posted, NULL));
    return mu_web_reg_render(pg, "checklist_list", status, which, ferr);
}

static const struct mu_web_reg_page checklists_pg = {"checklist", "checklist", ok_words,
                                                     checklists_page, 0};

int h_page_checklists(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&checklists_pg, req, resp, ctx);
}

/*
 * Split @p text (the textarea, one item per line) into *items pointing into
 * @p text, which is changed: line ends cut, blank lines skipped, spaces and
 * tabs around each item trimmed. *items owned (mu_free); 0, or -1 out of
 * memory.
 */
static int split_items(char *text, const char ***items, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    const char **v = mu_malloc(cap * sizeof(*v));
    if (!v)
        return -1;
    *n = mu_web_reg_lines(text, " \t", v, cap);
    *items = v;
    return 0;
}

int h_page_checklists_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    char *text = NULL;
    const char **items = NULL;
    size_t nitems = 0;
    int64_t id = 0;
    int st;
    mu_web_reg_post_begin(&p, &checklists_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, 1)))
        goto out;
    const char *raw = mu_web_reg_field(&p.form, "items");
    text = mu_strdup(raw ? raw : "");
    if (!text || split_items(text, &items, &nitems)) {
        st = mu_web_reg_read_failed(&p.pg, "checklist", MU_ENOMEM, &p.err);
        goto out;
    }
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc =
        s ? mu_app_checklist_add(s, &p.actor, mu_web_reg_opt(&p.form, "plan"),
                                 mu_web_reg_field(&p.form, "name"),
                                 mu_web_reg_field(&p.form, "unit"), items, nitems, &id, &p.err)
          : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    /* the use case names one "item"; the form has the "items" textarea */
    if (strcmp(p.err.field, "item") == 0)
        snprintf(p.err.field, sizeof(p.err.field), "items");
    if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
        st = mu_web_reg_post_refused(&p, 0, 400, "add");
    else
        st = mu_web_reg_post_done(&p, rc, "/hazards/checklists/%lld?ok=added", (long long)id);
out:
    mu_free(items);
    mu_free(text);
    return mu_web_reg_post_end(&p, st);
}

/* ---------------------------------------------------------------- one checklist */

/* Is item @p n ticked as failed in the posted form? */
static int ticked(const struct mu_query *posted, json_int_t n)
{
    char want[24];
    snprintf(want, sizeof(want), "%lld", (long long)n);
    for (size_t i = 0; posted && i < posted->n; i++)
        if (strcmp(posted->v[i].name, "failed") == 0 && strcmp(posted->v[i].value, want) == 0)
            return 1;
    return 0;
}

static int checklist_page(struct mu_webpage *pg, int64_t id, int status, const char *which,
                          const struct mu_query *posted, const struct mu_error *ferr)
{
    struct mu_error err = {0};
    char *text = NULL;
    json_t *c, *it, *r, *f;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_checklist_show(s, id, MU_REG_JSON, &text, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    int st = mu_web_reg_load(pg, "checklist", rc, &err, text, JSON_OBJECT, &c);
    if (st)
        return st;
    json_t *items = json_object_get(c, "items");
    json_t *list = numbered(items);
    size_t i, k;
    json_array_foreach(list, i, it)
        json_object_set_new(it, "checked",
                            json_boolean(ticked(posted, json_integer_value(json_object_get(it, "n")))));
    json_object_set_new(c, "item_list", list);
    json_array_foreach(json_object_get(c, "rounds"), i, r) {
        json_t *fl = json_array();
        json_array_foreach(json_object_get(r, "failed"), k, f) {
            json_int_t n = json_integer_value(f);
            json_t *t = n >= 1 ? json_array_get(items, (size_t)n - 1) : NULL;
            json_array_append_new(fl, json_pack("{s:I, s:s}", "n", n, "text",
                                                json_string_value(t) ? json_string_value(t) : ""));
        }
        json_object_set_new(r, "has_failed", json_boolean(json_array_size(fl) > 0));
        json_object_set_new(r, "nfailed", json_integer((json_int_t)json_array_size(fl)));
        json_object_set_new(r, "failed_items", fl);
    }
    mu_web_set(pg, "has_rounds", json_boolean(json_array_size(json_object_get(c, "rounds")) > 0));
    mu_web_set(pg, "checklist", c);
    char today[11];
    mu_date_format(mu_web_today(), today);
    mu_web_set(pg, "f_inspect", mu_web_reg_form_values(posted, json_pack("{s:s}", "date", today)));
    return mu_web_reg_render(pg, "checklist", status, which, ferr);
}

static const struct mu_web_reg_page checklist_pg = {"checklist", "checklist", ok_words,
                                                    checklist_page, 1};

int h_page_checklist(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return mu_web_reg_get(&checklist_pg, req, resp, ctx);
}

/* The ticked "failed" checkboxes joined with commas ("2,5"); owned, NULL out of memory. */
static char *failed_list(const struct mu_query *form)
{
    size_t len = 1;
    for (size_t i = 0; i < form->n; i++)
        if (strcmp(form->v[i].name, "failed") == 0)
            len += strlen(form->v[i].value) + 1;
    char *out = mu_malloc(len), *p = out;
    if (!out)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < form->n; i++) {
        if (strcmp(form->v[i].name, "failed") != 0)
            continue;
        size_t l = strlen(form->v[i].value);
        if (p != out)
            *p++ = ',';
        memcpy(p, form->v[i].value, l + 1);
        p += l;
    }
    return out;
}

int h_page_checklist_inspect(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_web_reg_post p;
    char *failed = NULL;
    int st;
    mu_web_reg_post_begin(&p, &checklist_pg, req, resp, ctx);
    if ((st = mu_web_reg_post_read(&p, p.id > 0)))
        goto out;
    if (!(failed = failed_list(&p.form))) {
        st = mu_web_reg_read_failed(&p.pg, "checklist", MU_ENOMEM, &p.err);
        goto out;
    }
    const struct mu_query *f = &p.form;
    struct mu_store *s = mu_http_store_acquire(p.pg.env);
    enum mu_err rc =
        s ? mu_app_hazard_inspect(
                s, &p.actor, p.id, mu_web_reg_field(f, "by"), mu_web_reg_field(f, "date"), failed,
                mu_web_reg_opt(f, "note") ? mu_web_reg_field(f, "note") : "", NULL, NULL, &p.err)
          : mu_error_set(&p.err, MU_ESTORE, "no database");
    mu_http_store_release(p.pg.env);
    if (rc == MU_ENOTFOUND && strcmp(p.err.field, "checklist") == 0)
        st = mu_web_error(&p.pg, 404, NULL);
    else if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
        st = mu_web_reg_post_refused(&p, p.id, 400, "inspect");
    else
        st = mu_web_reg_post_done(&p, rc, "/hazards/checklists/%lld?ok=inspect", (long long)p.id);
out:
    mu_free(failed);
    return mu_web_reg_post_end(&p, st);
}
