/* SPDX-License-Identifier: MIT */
/*
 * Hazard use cases (隐患排查整改): record a finding after checking every
 * field against the loaded plans, move it through rectification (by its
 * owner) and verification (by someone else), reassign it, add progress
 * notes, keep its deadline reminders in the notices table, list it (the
 * overdue ones stand out) as text, JSON or an XLSX ledger, and the
 * inspection checklists with their rounds. Rules: src/core/hazard.c.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notice.h>
#include <muster/register.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "app/register_int.h"

#include "util/banned.h"

#define REMINDER_KIND "hazard.reminder"

static void ref_of(int64_t id, char out[static 48])
{
    snprintf(out, 48, "hazard:%lld", (long long)id);
}

/* Record the deadline reminders of hazard @p id for @p owner (inside a transaction). */
static enum mu_err add_reminders(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 const char *owner, const char *place, int32_t due,
                                 struct mu_error *err)
{
    int64_t at[2];
    int before[2];
    char ref[48], ds[11], subj[2][MU_NOTICE_MAX_SUBJECT];
    struct mu_notice_new v[2];
    size_t n = mu_hazard_reminders(due, actor->now_ms, at, before);
    ref_of(id, ref);
    mu_date_format(due, ds);
    for (size_t i = 0; i < n; i++) {
        snprintf(subj[i], sizeof(subj[i]), "隐患 %lld 整改%s（%s）：%.200s", (long long)id,
                 before[i] ? "期限将至" : "今日到期", ds, place);
        v[i] = (struct mu_notice_new){.kind = REMINDER_KIND,
                                      .person = owner,
                                      .due_at = at[i],
                                      .subject = subj[i],
                                      .body = "",
                                      .ref = ref};
    }
    return mu_store_notice_add(s, actor, v, n, NULL, err);
}

static enum mu_err cancel_reminders(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                    struct mu_error *err)
{
    char ref[48];
    ref_of(id, ref);
    return mu_store_notice_cancel(s, actor, ref, REMINDER_KIND, NULL, err);
}

enum mu_err mu_app_hazard_add(struct mu_store *s, const struct mu_actor *actor,
                              const struct mu_hazard_input *in, int64_t *id, struct mu_error *err)
{
    struct reg_plans plans = {0};
    const struct mu_plan *plan = NULL;
    struct mu_hazard_new h = {0};
    int64_t new_id = 0;
    enum mu_err rc;
    if ((rc = reg_text("place", in->place, MU_REG_MAX_LINE, 1, err)) ||
        (rc = reg_text("description", in->description, MU_REG_MAX_TEXT, 1, err)) ||
        (rc = reg_text("unit", in->unit, MU_REG_MAX_ID, 1, err)) ||
        (rc = reg_text("owner", in->owner, MU_REG_MAX_ID, 1, err)) ||
        (rc = mu_hazard_severity_parse(in->severity, &h.severity, err)) ||
        (rc = reg_day("due", in->due, &h.due, err)))
        return rc;
    if ((rc = reg_plans_load(s, &plans, err)))
        return rc;
    rc = reg_plan_for_unit(&plans, in->plan, in->unit, &plan, err);
    if (rc == MU_OK)
        rc = reg_check_person(plan, "owner", in->owner, err);
    if (rc)
        goto out;
    h.plan_id = plan->id;
    h.place = in->place;
    h.description = in->description;
    h.unit = in->unit;
    h.owner = in->owner;
    if ((rc = mu_store_begin(s, err)))
        goto out;
    rc = mu_store_hazard_add(s, actor, &h, &new_id, err);
    if (rc == MU_OK)
        rc = add_reminders(s, actor, new_id, h.owner, h.place, h.due, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && id)
        *id = new_id;
out:
    reg_plans_release(&plans);
    return rc;
}

/* Begin, read hazard @p id into @p h; on error nothing is left open. */
static enum mu_err begin_get(struct mu_store *s, int64_t id, struct mu_hazard *h,
                             struct mu_error *err)
{
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_store_hazard_get(s, id, h, err);
    if (rc)
        mu_store_rollback(s);
    return rc;
}

static enum mu_err finish(struct mu_store *s, enum mu_err rc, struct mu_hazard *h,
                          struct reg_plans *plans, struct mu_error *err)
{
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    mu_hazard_release(h);
    if (plans)
        reg_plans_release(plans);
    return rc;
}

enum mu_err mu_app_hazard_rectify(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                  const char *by, const char *note, struct mu_error *err)
{
    struct mu_hazard h;
    enum mu_err rc;
    if ((rc = reg_text("by", by, MU_REG_MAX_ID, 1, err)) ||
        (rc = reg_text("note", note, MU_REG_MAX_TEXT, 0, err)))
        return rc;
    if ((rc = begin_get(s, id, &h, err)))
        return rc;
    rc = mu_hazard_check_rectify(&h, by, err);
    if (rc == MU_OK)
        rc = mu_store_hazard_set_state(s, actor, id, MU_HAZARD_RECTIFIED, by, note, err);
    if (rc == MU_OK)
        rc = cancel_reminders(s, actor, id, err);
    return finish(s, rc, &h, NULL, err);
}

enum mu_err mu_app_hazard_verify(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 const char *by, struct mu_error *err)
{
    struct mu_hazard h;
    struct reg_plans plans = {0};
    enum mu_err rc;
    if ((rc = reg_text("by", by, MU_REG_MAX_ID, 1, err)))
        return rc;
    if ((rc = reg_plans_load(s, &plans, err)))
        return rc;
    if ((rc = begin_get(s, id, &h, err))) {
        reg_plans_release(&plans);
        return rc;
    }
    rc = mu_hazard_check_verify(&h, by, err);
    const struct mu_plan *plan = reg_plan(&plans, h.plan_id);
    if (rc == MU_OK && !plan)
        rc = mu_error_field(err, MU_ENOTFOUND, "plan", "plan '%s' of hazard %lld is not loaded",
                            h.plan_id, (long long)id);
    if (rc == MU_OK)
        rc = reg_check_person(plan, "by", by, err);
    if (rc == MU_OK)
        rc = mu_store_hazard_set_state(s, actor, id, MU_HAZARD_VERIFIED, by, NULL, err);
    return finish(s, rc, &h, &plans, err);
}

enum mu_err mu_app_hazard_assign(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 const char *owner, const char *due, struct mu_error *err)
{
    struct mu_hazard h;
    struct reg_plans plans = {0};
    int32_t day = -1;
    enum mu_err rc;
    if ((rc = reg_text("owner", owner, MU_REG_MAX_ID, 1, err)) ||
        (due && (rc = reg_day("due", due, &day, err))))
        return rc;
    if ((rc = reg_plans_load(s, &plans, err)))
        return rc;
    if ((rc = begin_get(s, id, &h, err))) {
        reg_plans_release(&plans);
        return rc;
    }
    rc = mu_hazard_check_open(&h, "reassign", err);
    const struct mu_plan *plan = reg_plan(&plans, h.plan_id);
    if (rc == MU_OK && !plan)
        rc = mu_error_field(err, MU_ENOTFOUND, "plan", "plan '%s' of hazard %lld is not loaded",
                            h.plan_id, (long long)id);
    if (rc == MU_OK)
        rc = reg_check_person(plan, "owner", owner, err);
    if (rc == MU_OK)
        rc = mu_store_hazard_assign(s, actor, id, owner, day, err);
    if (rc == MU_OK)
        rc = cancel_reminders(s, actor, id, err);
    if (rc == MU_OK)
        rc = add_reminders(s, actor, id, owner, h.place, day >= 0 ? day : h.due, err);
    return finish(s, rc, &h, &plans, err);
}

enum mu_err mu_app_hazard_note(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                               const char *text, struct mu_error *err)
{
    struct mu_hazard h;
    enum mu_err rc;
    if ((rc = reg_text("text", text, MU_REG_MAX_TEXT, 1, err)))
        return rc;
    if ((rc = begin_get(s, id, &h, err)))
        return rc;
    rc = mu_hazard_check_open(&h, "add a note to", err);
    if (rc == MU_OK)
        rc = mu_store_hazard_note(s, actor, id, text, err);
    return finish(s, rc, &h, NULL, err);
}

/* ------------------------------------------------------------- output */

static json_t *hazard_json(const struct reg_plans *p, const struct mu_hazard *h, int32_t today)
{
    char due[11];
    mu_date_format(h->due, due);
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:o,s:o,s:o,s:o}", "id",
        (json_int_t)h->id, "plan", h->plan_id, "place", h->place, "description", h->description,
        "severity", mu_hazard_severity_name(h->severity), "unit", h->unit, "unit_name",
        reg_unit_name(p, h->plan_id, h->unit), "owner", h->owner, "owner_name",
        reg_person_name(p, h->plan_id, h->owner), "due", due, "state",
        mu_hazard_state_name(h->state), "overdue", mu_hazard_overdue(h, today), "found_at",
        reg_time_json(h->found_at), "found_by", h->found_by, "rectified_at",
        reg_time_json(h->rectified_at), "rectified_by",
        h->rectified_by[0] ? json_string(h->rectified_by) : json_null(), "verified_at",
        reg_time_json(h->verified_at), "verified_by",
        h->verified_by[0] ? json_string(h->verified_by) : json_null());
}

static enum mu_err hazard_line(struct mu_buf *b, const struct mu_hazard *h, int32_t today)
{
    char due[11];
    mu_date_format(h->due, due);
    return mu_buf_printf(b, "%lld %s %s due %s unit %s owner %s%s: %s: %s\n", (long long)h->id,
                         mu_hazard_state_name(h->state), mu_hazard_severity_name(h->severity), due,
                         h->unit, h->owner, mu_hazard_overdue(h, today) ? " OVERDUE" : "",
                         h->place, h->description);
}

enum mu_err mu_app_hazard_show(struct mu_store *s, int64_t id, int64_t at, enum mu_reg_format fmt,
                               char **out, struct mu_error *err)
{
    struct mu_hazard h;
    struct mu_hazard_event *ev = NULL;
    struct reg_plans plans = {0};
    size_t nev = 0;
    int32_t today = mu_local_day(at, NULL);
    enum mu_err rc = mu_store_hazard_get(s, id, &h, err);
    if (rc)
        return rc;
    rc = mu_store_hazard_events(s, id, &ev, &nev, err);
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    if (rc)
        goto out;
    if (fmt == MU_REG_JSON) {
        json_t *doc = hazard_json(&plans, &h, today), *hist = json_array();
        for (size_t i = 0; hist && i < nev; i++)
            json_array_append_new(hist, json_pack("{s:o,s:s,s:s,s:s,s:s}", "at",
                                                  reg_time_json(ev[i].at), "actor", ev[i].actor,
                                                  "action", ev[i].action, "person",
                                                  ev[i].person, "text", ev[i].text));
        if (doc && hist)
            json_object_set_new(doc, "history", hist);
        else
            json_decref(hist);
        rc = reg_take_json(doc, out, err);
        goto out;
    }
    struct mu_buf b;
    char due[11], t[17];
    mu_buf_init(&b, REG_OUT_MAX);
    mu_date_format(h.due, due);
    rc = mu_buf_printf(&b,
                       "hazard %lld: %s, severity %s, due %s%s\n"
                       "  plan: %s\n  place: %s\n  description: %s\n  unit: %s %s\n"
                       "  owner: %s %s\n",
                       (long long)h.id, mu_hazard_state_name(h.state),
                       mu_hazard_severity_name(h.severity), due,
                       mu_hazard_overdue(&h, today) ? ", OVERDUE" : "", h.plan_id, h.place,
                       h.description, h.unit, reg_unit_name(&plans, h.plan_id, h.unit), h.owner,
                       reg_person_name(&plans, h.plan_id, h.owner));
    if (rc == MU_OK && h.rectified_at) {
        reg_time_format(h.rectified_at, t);
        rc = mu_buf_printf(&b, "  rectified: %s by %s\n", t, h.rectified_by);
    }
    if (rc == MU_OK && h.verified_at) {
        reg_time_format(h.verified_at, t);
        rc = mu_buf_printf(&b, "  verified: %s by %s\n", t, h.verified_by);
    }
    if (rc == MU_OK)
        rc = mu_buf_adds(&b, "history:\n");
    for (size_t i = 0; rc == MU_OK && i < nev; i++) {
        reg_time_format(ev[i].at, t);
        rc = mu_buf_printf(&b, "  %s %s by %s%s%s%s%s\n", t, ev[i].action, ev[i].actor,
                           ev[i].person[0] ? " (" : "", ev[i].person,
                           ev[i].person[0] ? ")" : "", "");
        if (rc == MU_OK && ev[i].text[0] && strcmp(ev[i].action, "assign") != 0)
            rc = mu_buf_printf(&b, "    %s\n", ev[i].text);
    }
    rc = reg_take_buf(&b, rc, out, err);
out:
    reg_plans_release(&plans);
    mu_hazard_events_free(ev, nev);
    mu_hazard_release(&h);
    return rc;
}

static enum mu_err load_list(struct mu_store *s, int overdue_only, int32_t today,
                             struct mu_hazard **v, size_t *n, struct reg_plans *plans,
                             struct mu_error *err)
{
    enum mu_err rc = mu_store_hazard_list(s, overdue_only ? today : -1, v, n, err);
    if (rc == MU_OK && (rc = reg_plans_load(s, plans, err))) {
        mu_hazards_free(*v, *n);
        *v = NULL;
        *n = 0;
    }
    return rc;
}

enum mu_err mu_app_hazard_list(struct mu_store *s, int overdue_only, int64_t at,
                               enum mu_reg_format fmt, char **out, struct mu_error *err)
{
    struct mu_hazard *v = NULL;
    struct reg_plans plans = {0};
    size_t n = 0;
    int32_t today = mu_local_day(at, NULL);
    enum mu_err rc = load_list(s, overdue_only, today, &v, &n, &plans, err);
    if (rc)
        return rc;
    if (fmt == MU_REG_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            if (json_array_append_new(arr, hazard_json(&plans, &v[i], today))) {
                json_decref(arr);
                arr = NULL;
            }
        rc = reg_take_json(arr, out, err);
    } else {
        struct mu_buf b;
        mu_buf_init(&b, REG_OUT_MAX);
        if (n == 0)
            rc = mu_buf_adds(&b, overdue_only ? "no overdue hazards\n" : "no hazards\n");
        for (size_t i = 0; rc == MU_OK && i < n; i++)
            rc = hazard_line(&b, &v[i], today);
        rc = reg_take_buf(&b, rc, out, err);
    }
    reg_plans_release(&plans);
    mu_hazards_free(v, n);
    return rc;
}

enum mu_err mu_app_hazard_xlsx(struct mu_store *s, int overdue_only, int64_t at, const char *path,
                               struct mu_error *err)
{
    struct mu_hazard *v = NULL;
    struct reg_plans plans = {0};
    size_t n = 0;
    int32_t today = mu_local_day(at, NULL);
    char title[128], ds[11];
    enum mu_err rc = load_list(s, overdue_only, today, &v, &n, &plans, err);
    if (rc)
        return rc;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "隐患排查整改台账");
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *wrap = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_text_wrap(wrap);
    mu_date_format(today, ds);
    snprintf(title, sizeof(title), "隐患排查整改台账（截至 %s）", ds);
    worksheet_write_string(ws, 0, 0, title, bold);
    static const char *const head[] = {"序号",     "发现日期", "隐患地点", "隐患描述",
                                       "隐患等级", "责任单位", "整改责任人", "整改期限",
                                       "整改状态", "整改完成时间", "整改人", "验收人",
                                       "验收时间", "是否逾期"};
    for (lxw_col_t c = 0; c < 14; c++)
        worksheet_write_string(ws, 2, c, head[c], bold);
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, 1, 1, 12, NULL);
    worksheet_set_column(ws, 2, 3, 30, wrap);
    worksheet_set_column(ws, 4, 13, 14, NULL);
    for (size_t i = 0; i < n; i++) {
        const struct mu_hazard *h = &v[i];
        lxw_row_t r = (lxw_row_t)(3 + i);
        char found[17], rect[17], ver[17], due[11];
        reg_time_format(h->found_at, found);
        found[10] = '\0';
        reg_time_format(h->rectified_at, rect);
        reg_time_format(h->verified_at, ver);
        mu_date_format(h->due, due);
        worksheet_write_number(ws, r, 0, (double)h->id, NULL);
        worksheet_write_string(ws, r, 1, found, NULL);
        worksheet_write_string(ws, r, 2, h->place, wrap);
        worksheet_write_string(ws, r, 3, h->description, wrap);
        worksheet_write_string(ws, r, 4, mu_hazard_severity_label(h->severity), NULL);
        worksheet_write_string(ws, r, 5, reg_unit_name(&plans, h->plan_id, h->unit), NULL);
        worksheet_write_string(ws, r, 6, reg_person_name(&plans, h->plan_id, h->owner), NULL);
        worksheet_write_string(ws, r, 7, due, NULL);
        worksheet_write_string(ws, r, 8, mu_hazard_state_label(h->state), NULL);
        worksheet_write_string(ws, r, 9, rect, NULL);
        worksheet_write_string(ws, r, 10, reg_person_name(&plans, h->plan_id, h->rectified_by),
                               NULL);
        worksheet_write_string(ws, r, 11, reg_person_name(&plans, h->plan_id, h->verified_by),
                               NULL);
        worksheet_write_string(ws, r, 12, ver, NULL);
        worksheet_write_string(ws, r, 13, mu_hazard_overdue(h, today) ? "逾期" : "", NULL);
    }
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
out:
    reg_plans_release(&plans);
    mu_hazards_free(v, n);
    return rc;
}

/* ---------------------------------------------------------- checklists */

enum mu_err mu_app_checklist_add(struct mu_store *s, const struct mu_actor *actor,
                                 const char *plan_id, const char *name, const char *unit,
                                 const char *const *items, size_t nitems, int64_t *id,
                                 struct mu_error *err)
{
    struct reg_plans plans = {0};
    const struct mu_plan *plan = NULL;
    enum mu_err rc;
    if ((rc = reg_text("name", name, MU_REG_MAX_LINE, 1, err)) ||
        (rc = reg_text("unit", unit, MU_REG_MAX_ID, 1, err)))
        return rc;
    if (nitems == 0)
        return mu_error_field(err, MU_EINVAL, "item", "item: a checklist needs at least one item");
    for (size_t i = 0; i < nitems; i++)
        if ((rc = reg_text("item", items[i], MU_REG_MAX_LINE, 1, err)))
            return rc;
    if ((rc = reg_plans_load(s, &plans, err)))
        return rc;
    rc = reg_plan_for_unit(&plans, plan_id, unit, &plan, err);
    if (rc == MU_OK)
        rc = mu_store_checklist_add(s, actor, plan->id, unit, name, items, nitems, id, err);
    reg_plans_release(&plans);
    return rc;
}

enum mu_err mu_app_checklist_show(struct mu_store *s, int64_t id, enum mu_reg_format fmt,
                                  char **out, struct mu_error *err)
{
    struct mu_checklist *c = NULL;
    struct mu_round *r = NULL;
    size_t nc = 0, nr = 0;
    enum mu_err rc = mu_store_checklist_list(s, id, &c, &nc, err);
    if (rc == MU_OK)
        rc = mu_store_round_list(s, id, &r, &nr, err);
    if (rc)
        goto out;
    if (fmt == MU_REG_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < nc; i++) {
            json_t *items = json_array(), *rounds = json_array();
            for (size_t j = 0; items && j < c[i].nitems; j++)
                json_array_append_new(items, json_string(c[i].items[j]));
            for (size_t k = 0; rounds && k < nr; k++) {
                if (r[k].checklist_id != c[i].id)
                    continue;
                char ds[11];
                json_t *failed = json_array();
                for (size_t j = 0; failed && j < r[k].nitems; j++)
                    if (!r[k].passed[j])
                        json_array_append_new(failed, json_integer((json_int_t)j + 1));
                mu_date_format(r[k].day, ds);
                json_array_append_new(rounds, json_pack("{s:I,s:s,s:s,s:o,s:s}", "id",
                                                        (json_int_t)r[k].id, "date", ds, "by",
                                                        r[k].inspector, "failed", failed, "note",
                                                        r[k].note));
            }
            json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id",
                                                 (json_int_t)c[i].id, "plan", c[i].plan_id,
                                                 "unit", c[i].unit, "name", c[i].name, "items",
                                                 items, "rounds", rounds));
        }
        rc = reg_take_json(id ? json_incref(json_array_get(arr, 0)) : json_incref(arr), out,
                           err);
        json_decref(arr);
        goto out;
    }
    struct mu_buf b;
    mu_buf_init(&b, REG_OUT_MAX);
    if (nc == 0)
        rc = mu_buf_adds(&b, "no checklists\n");
    for (size_t i = 0; rc == MU_OK && i < nc; i++) {
        rc = mu_buf_printf(&b, "checklist %lld: %s (unit %s, plan %s)\n", (long long)c[i].id,
                           c[i].name, c[i].unit, c[i].plan_id);
        for (size_t j = 0; rc == MU_OK && j < c[i].nitems; j++)
            rc = mu_buf_printf(&b, "  %zu. %s\n", j + 1, c[i].items[j]);
        for (size_t k = 0; rc == MU_OK && k < nr; k++) {
            if (r[k].checklist_id != c[i].id)
                continue;
            char ds[11];
            mu_date_format(r[k].day, ds);
            rc = mu_buf_printf(&b, "  round %lld %s by %s: %zu passed, %zu failed",
                               (long long)r[k].id, ds, r[k].inspector, r[k].nitems - r[k].failed,
                               r[k].failed);
            for (size_t j = 0, first = 1; rc == MU_OK && j < r[k].nitems; j++)
                if (!r[k].passed[j]) {
                    rc = mu_buf_printf(&b, "%s%zu", first ? " (" : ",", j + 1);
                    first = 0;
                }
            if (rc == MU_OK && r[k].failed)
                rc = mu_buf_adds(&b, ")");
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "\n");
        }
    }
    rc = reg_take_buf(&b, rc, out, err);
out:
    mu_checklists_free(c, nc);
    mu_rounds_free(r, nr);
    return rc;
}

enum mu_err mu_app_hazard_inspect(struct mu_store *s, const struct mu_actor *actor,
                                  int64_t checklist_id, const char *by, const char *date,
                                  const char *failed, const char *note, int64_t *id,
                                  size_t *nfailed, struct mu_error *err)
{
    struct mu_checklist *c = NULL;
    struct reg_plans plans = {0};
    size_t nc = 0, bad = 0;
    int *passed = NULL;
    int32_t day = 0;
    enum mu_err rc;
    if ((rc = reg_text("by", by, MU_REG_MAX_ID, 1, err)) ||
        (rc = reg_text("note", note, MU_REG_MAX_TEXT, 0, err)) ||
        (rc = reg_day("date", date, &day, err)))
        return rc;
    if ((rc = mu_store_checklist_list(s, checklist_id, &c, &nc, err)))
        return rc;
    rc = reg_plans_load(s, &plans, err);
    const struct mu_plan *plan = rc ? NULL : reg_plan(&plans, c[0].plan_id);
    if (rc == MU_OK && !plan)
        rc = mu_error_field(err, MU_ENOTFOUND, "plan", "plan '%s' is not loaded", c[0].plan_id);
    if (rc == MU_OK)
        rc = reg_check_person(plan, "by", by, err);
    if (rc == MU_OK && !(passed = mu_calloc(c[0].nitems, sizeof(int))))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < c[0].nitems; i++)
        passed[i] = 1;
    for (const char *p = failed ? failed : ""; rc == MU_OK && *p;) {
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || (size_t)v > c[0].nitems || (*end && *end != ','))
            rc = mu_error_field(err, MU_EINVAL, "failed",
                                "failed: '%.60s' is not a list of item numbers 1..%zu", failed,
                                c[0].nitems);
        else {
            bad += passed[v - 1];
            passed[v - 1] = 0;
            p = *end ? end + 1 : end;
        }
    }
    if (rc == MU_OK)
        rc = mu_store_round_add(s, actor, checklist_id, day, by, passed, c[0].nitems, note, id,
                                err);
    if (rc == MU_OK && nfailed)
        *nfailed = bad;
    mu_free(passed);
    reg_plans_release(&plans);
    mu_checklists_free(c, nc);
    return rc;
}
