/* SPDX-License-Identifier: MIT */
/*
 * The written report (书面报告) pages of an incident: GET
 * /incidents/{id}/report[?revision=N] shows the latest stored revision (or
 * revision N, or the generated draft while none is stored) as a printable
 * page with its status (draft, or revision N final and read-only) and the
 * list of revisions; officers and admins (MU_ACTION_MANAGE) also get the
 * edit form (a textarea with the shown text's Markdown) posting to POST
 * /incidents/{id}/report, which stores the text as the next revision
 * (mu_app_incident_report_edit), and the finalize button posting to POST
 * /incidents/{id}/report/finalize, which stores the current draft as the
 * next revision (mu_app_incident_report_finalize). Stored revisions are
 * never changed: a change makes a new one. The edit form is parsed here,
 * not with mu_http_req_form(), whose 4096-byte limit is far below a report.
 */
#include "incidents.h"
#include "web.h"

#include <muster/account.h>
#include <muster/incident.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/banned.h"

#define REVISIONS_MAX 1000 /* revisions listed on the page */

static int64_t page_id(struct mu_http_req *req)
{
    return mu_route_id(mu_http_req_param(req, "id"));
}

static int can_edit(const struct mu_http_req *req)
{
    return req->principal && mu_role_can(req->principal->role, MU_ACTION_MANAGE) == MU_GRANT_ALL;
}

static int read_failed(struct mu_webpage *pg, enum mu_err rc, const struct mu_error *err)
{
    if (rc == MU_ENOTFOUND)
        return mu_web_error(pg, 404, "incident.error.not_found");
    mu_log(MU_LOG_ERROR, "http", "rid=%s report page: %s", pg->req->rid, err->msg);
    return mu_web_error(pg, 500, NULL);
}

/* The body inside the app's self-contained page (its inline <style> is
 * refused by the Content-Security-Policy; print.css styles it). Owned. */
static char *html_body(const char *html)
{
    const char *b = strstr(html, "<body>"), *e = b ? strstr(b, "</body>") : NULL;
    return b && e ? mu_strndup(b + 6, (size_t)(e - b - 6)) : mu_strdup(html);
}

/* Revisions 1..@p latest as [{revision, source, source_label, by, at, current}]. */
static json_t *revision_list(struct mu_webpage *pg, struct mu_store *s, int64_t id, int latest,
                             int shown)
{
    json_t *list = json_array();
    for (int r = latest; r >= 1 && r > latest - REVISIONS_MAX; r--) {
        struct mu_incident_report rep = {0};
        int found = 0;
        char at[17];
        if (mu_store_incident_report_get(s, id, r, &found, &rep, NULL) != MU_OK || !found) {
            mu_incident_report_release(&rep);
            continue;
        }
        char key[64];
        snprintf(key, sizeof(key), "report.source.%s", rep.source);
        mu_web_time(rep.created_at, at);
        json_array_append_new(
            list, json_pack("{s:i, s:s, s:s, s:s, s:s, s:b}", "revision", r, "source", rep.source,
                            "source_label", mu_web_t(pg, key), "by", rep.created_by, "at", at,
                            "current", r == shown));
        mu_incident_report_release(&rep);
    }
    return list;
}

/*
 * Render the report page of incident @p id with @p status: revision
 * @p revision (0: the latest stored, or the draft), @p text (may be NULL:
 * the shown text) in the edit form and @p form_error (taken; may be NULL).
 */
static int report_page(struct mu_webpage *pg, int status, int64_t id, int revision,
                       const char *text, json_t *form_error)
{
    struct mu_error err = {0};
    struct mu_incident_report latest = {0}, shown = {0};
    char *html = NULL, *md = NULL, *body = NULL;
    int found = 0, sfound = 0, st;
    json_t *revs = NULL;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_store_incident_report_get(s, id, 0, &found, &latest, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (rc == MU_OK && revision > 0)
        rc = mu_store_incident_report_get(s, id, revision, &sfound, &shown, &err);
    if (rc == MU_OK && revision > 0 && !sfound)
        rc = mu_error_set(&err, MU_ENOTFOUND, "no report revision %d", revision);
    if (rc == MU_OK && revision == 0 && found)
        revision = latest.revision;
    if (rc == MU_OK)
        rc = mu_app_incident_report(s, id, revision, MU_REPORT_HTML, &html, &err);
    if (rc == MU_OK && can_edit(pg->req) && !text)
        rc = mu_app_incident_report(s, id, revision, MU_REPORT_MD, &md, &err);
    if (rc == MU_OK)
        revs = revision_list(pg, s, id, found ? latest.revision : 0, revision);
    mu_http_store_release(pg->env);
    if (rc) {
        st = read_failed(pg, rc, &err);
        goto out;
    }
    body = html_body(html);
    const struct mu_incident_report *cur = sfound ? &shown : found ? &latest : NULL;
    char title[160], at[17] = "";
    snprintf(title, sizeof(title), "%s %lld", mu_web_t(pg, "incident.report"), (long long)id);
    mu_web_set(pg, "title", json_string(title));
    mu_web_set(pg, "id", json_integer(id));
    mu_web_set(pg, "report_html", body ? json_string(body) : NULL);
    mu_web_set(pg, "has_revisions", json_boolean(json_array_size(revs) > 0));
    mu_web_set(pg, "revisions", revs);
    revs = NULL;
    int next = (found ? latest.revision : 0) + 1;
    mu_web_set(pg, "next_revision", json_integer(next));
    if (cur) {
        char key[64];
        snprintf(key, sizeof(key), "report.source.%s", cur->source);
        mu_web_time(cur->created_at, at);
        mu_web_set(pg, "final",
                   json_pack("{s:i, s:s, s:s, s:s, s:b, s:i}", "revision", cur->revision, "by",
                             cur->created_by, "at", at, "source_label", mu_web_t(pg, key),
                             "older", cur->revision < latest.revision, "latest",
                             latest.revision));
        char r[24];
        snprintf(r, sizeof(r), "%d", cur->revision);
        mu_web_set(pg, "edit_note", mu_web_fmt(pg, "report.edit.new_revision", "n", r));
    }
    {
        char n[24];
        snprintf(n, sizeof(n), "%d", next);
        mu_web_set(pg, "finalize_note", mu_web_fmt(pg, "report.finalize.note", "n", n));
    }
    if (can_edit(pg->req)) {
        mu_web_set(pg, "can_edit", json_true());
        mu_web_set(pg, "markdown", json_string(text ? text : md ? md : ""));
    }
    if (form_error) {
        mu_web_set(pg, "form_error", form_error);
        form_error = NULL;
    }
    st = mu_web_render(pg, "incident_report", status);
out:
    json_decref(form_error);
    json_decref(revs);
    mu_incident_report_release(&latest);
    mu_incident_report_release(&shown);
    mu_free(html);
    mu_free(md);
    mu_free(body);
    return st;
}

int h_page_incident_report(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    const char *rv = NULL;
    char *end = NULL;
    long rev = 0;
    if (mu_query_get(&req->query, "revision", &rv, NULL) == MU_OK && rv) {
        rev = strtol(rv, &end, 10);
        if (end == rv || *end || rev < 1 || rev > 1000000)
            rev = -1;
    }
    if (!id || rev < 0)
        st = mu_web_error(&pg, 404, !id ? "incident.error.not_found" : "report.error.revision");
    else
        st = report_page(&pg, 200, id, (int)rev, NULL, NULL);
    mu_web_end(&pg);
    return st;
}

/*
 * The decoded value of field @p name of the urlencoded body of @p req into
 * *out (owned; NULL when absent). MU_EINVAL for another media type or a
 * bad encoding, MU_ENOMEM.
 */
static enum mu_err body_field(const struct mu_http_req *req, const char *name, char **out)
{
    const char *ct = mu_http_req_header(req, "Content-Type");
    size_t nlen = strlen(name);
    *out = NULL;
    if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
        (ct[33] && ct[33] != ';' && ct[33] != ' '))
        return MU_EINVAL;
    const char *p = req->body ? req->body : "", *end = p + (req->body ? req->body_len : 0);
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t len = (size_t)(stop - v), got = 0;
            mu_free(*out);
            if (!(*out = mu_malloc(len + 1)))
                return MU_ENOMEM;
            if (mu_pct_decode(v, len, 1, *out, &got) != MU_OK) {
                mu_free(*out);
                *out = NULL;
                return MU_EINVAL;
            }
        }
        p = stop + 1;
    }
    return MU_OK;
}

static int redirect_report(struct mu_http_resp *resp, int64_t id)
{
    char loc[64];
    snprintf(loc, sizeof(loc), "/incidents/%lld/report", (long long)id);
    return mu_web_redirect(resp, loc);
}

/* The answer to a refused edit or finalize: 400/404/409 with the message. */
static int refused(struct mu_webpage *pg, enum mu_err rc, const struct mu_error *err, int64_t id,
                   const char *text)
{
    if (rc != MU_EINVAL && rc != MU_ELIMIT && rc != MU_ECONFLICT)
        return read_failed(pg, rc, err);
    json_t *fe = json_pack("{s:s, s:o}", "field", err->field[0] ? err->field : "report", "text",
                           mu_web_fmt(pg, "report.error.form", "detail", err->msg));
    return report_page(pg, rc == MU_ECONFLICT ? 409 : 400, id, 0, text, fe);
}

int h_page_incident_report_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    char *text = NULL;
    int st, rev = 0;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    enum mu_err rc;
    if (!id) {
        st = mu_web_error(&pg, 404, "incident.error.not_found");
        goto out;
    }
    if ((rc = body_field(req, "body", &text))) {
        st = rc == MU_ENOMEM ? mu_web_error(&pg, 500, NULL) : mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    struct mu_actor a = {req->principal->name, mu_http_now_ms()};
    struct mu_store *s = mu_http_store_acquire(pg.env);
    rc = s ? mu_app_incident_report_edit(s, &a, id, text ? text : "", &rev, &err)
           : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg.env);
    st = rc == MU_OK ? redirect_report(resp, id) : refused(&pg, rc, &err, id, text ? text : "");
out:
    mu_free(text);
    mu_web_end(&pg);
    return st;
}

int h_page_incident_report_finalize(struct mu_http_req *req, struct mu_http_resp *resp,
                                    void *ctx)
{
    struct mu_webpage pg;
    struct mu_error err = {0};
    int st, rev = 0;
    mu_web_begin(&pg, req, resp, ctx);
    int64_t id = page_id(req);
    if (!id) {
        st = mu_web_error(&pg, 404, "incident.error.not_found");
    } else {
        struct mu_actor a = {req->principal->name, mu_http_now_ms()};
        struct mu_store *s = mu_http_store_acquire(pg.env);
        enum mu_err rc = s ? mu_app_incident_report_finalize(s, &a, id, &rev, &err)
                           : mu_error_set(&err, MU_ESTORE, "no database");
        mu_http_store_release(pg.env);
        st = rc == MU_OK ? redirect_report(resp, id) : refused(&pg, rc, &err, id, NULL);
    }
    mu_web_end(&pg);
    return st;
}
