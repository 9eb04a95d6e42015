/* SPDX-License-Identifier: MIT */
/*
 * Plan use cases: load a plan file as a new version (parse, serialize the
 * model, store with its audit entry in one transaction), and read a stored
 * version back as JSON or as a rendered document.
 */
#include <muster/app.h>

#include <jansson.h>
#include <muster/date.h>
#include <muster/mem.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

enum mu_err mu_app_plan_load(struct mu_store *s, const struct mu_actor *actor, const char *src,
                             size_t len, struct mu_diags *diags, struct mu_plan_load_result *out,
                             struct mu_error *err)
{
    struct mu_plan *p = NULL;
    char *json = NULL;
    int version = 0, unchanged = 0;
    enum mu_err rc = mu_plan_parse(src, len, &p, diags, err);
    if (rc)
        return rc;
    json = mu_plan_to_json(p);
    if (!json) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory serializing plan '%s'", p->id);
        goto out;
    }
    /* The stored source is the text as given; it was checked to be UTF-8. */
    char *source = mu_strndup(src, len);
    if (!source) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    rc = mu_store_begin(s, err);
    if (!rc) {
        rc = mu_store_plan_put(s, actor, p->id, p->title, source, json, &version, &unchanged, err);
        if (!rc)
            rc = mu_store_commit(s, err);
        if (rc)
            mu_store_rollback(s);
    }
    mu_free(source);
    if (rc)
        goto out;
    snprintf(out->id, sizeof(out->id), "%s", p->id);
    out->version = version;
    out->unchanged = unchanged;
out:
    mu_free(json);
    mu_plan_free(p);
    return rc;
}

static json_t *time_json(int64_t ms)
{
    char buf[21];
    mu_time_format_utc(ms, buf);
    return json_string(buf);
}

enum mu_err mu_app_plan_show_json(struct mu_store *s, const char *id, int version, char **out,
                                  struct mu_error *err)
{
    struct mu_plan_record rec = {0};
    struct mu_plan_version_info *versions = NULL;
    size_t nversions = 0;
    json_t *doc = NULL, *model = NULL, *list = NULL;
    enum mu_err rc = mu_store_plan_get(s, id, version, &rec, err);
    if (!rc)
        rc = mu_store_plan_versions(s, id, &versions, &nversions, err);
    if (rc)
        goto out;

    json_error_t jerr;
    model = json_loads(rec.model_json, 0, &jerr);
    if (!model) {
        rc = mu_error_set(err, MU_EINTERNAL, "stored model of plan '%s' version %d is not JSON: %s",
                          id, rec.version, jerr.text);
        goto out;
    }
    list = json_array();
    for (size_t i = 0; list && i < nversions; i++)
        json_array_append_new(list, json_pack("{s:i,s:s,s:o,s:s,s:s}", "version",
                                              versions[i].version, "title", versions[i].title,
                                              "loaded_at", time_json(versions[i].loaded_at),
                                              "loaded_by", versions[i].loaded_by, "source_hash",
                                              versions[i].source_hash));
    doc = json_pack("{s:s,s:s,s:i,s:i,s:o,s:s,s:s,s:o,s:o}", "id", rec.id, "title", rec.title,
                    "version", rec.version, "latest_version", rec.latest_version, "loaded_at",
                    time_json(rec.loaded_at), "loaded_by", rec.loaded_by, "source_hash",
                    rec.source_hash, "versions", list, "plan", model);
    list = model = NULL; /* owned by doc now (or freed by json_pack on failure) */
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (!text) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        goto out;
    }
    /* jansson allocates with malloc; hand the caller memory that mu_free frees. */
    *out = mu_strdup(text);
    free(text);
    if (!*out)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
out:
    json_decref(doc);
    json_decref(model);
    json_decref(list);
    mu_plan_versions_free(versions, nversions);
    mu_plan_record_release(&rec);
    return rc;
}

enum mu_err mu_app_plan_render(struct mu_store *s, const char *id, int version,
                               enum mu_plan_format fmt, char **out, struct mu_error *err)
{
    struct mu_plan_record rec = {0};
    struct mu_plan *p = NULL;
    enum mu_err rc = mu_store_plan_get(s, id, version, &rec, err);
    if (rc)
        return rc;
    rc = mu_plan_parse(rec.source, strlen(rec.source), &p, NULL, err);
    if (rc) {
        /* A stored version passed the checks of the binary that loaded it. */
        mu_error_set(err, rc == MU_ENOMEM ? rc : MU_EINTERNAL,
                     "stored plan '%s' version %d no longer parses", id, rec.version);
        rc = err ? err->code : MU_EINTERNAL;
    } else {
        rc = mu_plan_render(p, fmt, out, err);
    }
    mu_plan_free(p);
    mu_plan_record_release(&rec);
    return rc;
}
