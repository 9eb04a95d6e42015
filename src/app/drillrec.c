/* SPDX-License-Identifier: MIT */
/*
 * Drill register use cases (演练台账): record a drill held (checked against
 * the loaded plan; a simulated drill's JSON may be attached), turn its
 * findings into follow-up tasks with owners, deadlines and reminders, keep
 * the terms and required frequencies as settings (drill.terms,
 * drill.require.KIND), say what is due in the current term, and show the
 * history as text, JSON or an XLSX ledger. Rules: src/core/drillrec.c.
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

#define TASK_KIND "drill.task"

enum mu_err mu_app_drill_add(struct mu_store *s, const struct mu_actor *actor,
                             const struct mu_drill_input *in, int64_t *id, struct mu_error *err)
{
    struct reg_plans plans = {0};
    const struct mu_plan *plan = NULL;
    struct mu_drill_new d = {.evacuation_s = -1};
    struct mu_error e = {0};
    enum mu_err rc;
    if ((rc = reg_day("date", in->date, &d.day, err)) || (rc = mu_drill_kind_check(in->kind, err)) ||
        (rc = reg_text("scenario", in->scenario, MU_REG_MAX_TEXT, 1, err)) ||
        (rc = mu_quantity_parse("participants", in->participants, 0, &d.participants, err)))
        return rc;
    if (!in->duration || mu_duration_parse(in->duration, strlen(in->duration), &d.duration_s, &e))
        return mu_error_field(err, MU_EINVAL, "duration", "duration: %s",
                              in->duration ? e.msg : "is empty");
    if (in->evacuation &&
        mu_duration_parse(in->evacuation, strlen(in->evacuation), &d.evacuation_s, &e))
        return mu_error_field(err, MU_EINVAL, "evacuation", "evacuation: %s", e.msg);
    if (in->nfindings > MU_REG_MAX_ITEMS)
        return mu_error_field(err, MU_EINVAL, "finding", "finding: more than %d findings",
                              MU_REG_MAX_ITEMS);
    for (size_t i = 0; i < in->nfindings; i++)
        if ((rc = reg_text("finding", in->findings[i], MU_REG_MAX_TEXT, 1, err)))
            return rc;
    if (in->simulation_json) {
        if (strlen(in->simulation_json) > MU_REG_MAX_SIM)
            return mu_error_field(err, MU_EINVAL, "simulation",
                                  "simulation: larger than %d bytes", MU_REG_MAX_SIM);
        json_error_t je;
        json_t *doc = json_loads(in->simulation_json, JSON_REJECT_DUPLICATES, &je);
        int ok = json_is_object(doc);
        json_decref(doc);
        if (!ok)
            return mu_error_field(err, MU_EINVAL, "simulation",
                                  "simulation: not a JSON object (%s at line %d)",
                                  doc ? "not an object" : je.text, je.line);
    }
    if ((rc = reg_plans_load(s, &plans, err)))
        return rc;
    rc = reg_plan_for_unit(&plans, in->plan, NULL, &plan, err);
    if (rc == MU_OK) {
        d.plan_id = plan->id;
        d.kind = in->kind;
        d.scenario = in->scenario;
        d.findings = in->findings;
        d.nfindings = in->nfindings;
        d.simulation_json = in->simulation_json;
        rc = mu_store_drill_add(s, actor, &d, id, err);
    }
    reg_plans_release(&plans);
    return rc;
}

static json_t *drill_json(const struct mu_drill *d, const struct mu_drill_task *t, size_t nt)
{
    char day[11];
    json_t *findings = json_array(), *tasks = json_array();
    mu_date_format(d->day, day);
    for (size_t i = 0; findings && i < d->nfindings; i++)
        json_array_append_new(findings, json_string(d->findings[i]));
    for (size_t i = 0; tasks && i < nt; i++) {
        char due[11];
        if (t[i].drill_id != d->id)
            continue;
        mu_date_format(t[i].due, due);
        json_array_append_new(tasks, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o}", "id",
                                               (json_int_t)t[i].id, "text", t[i].text, "owner",
                                               t[i].owner, "due", due, "done_at",
                                               reg_time_json(t[i].done_at), "done_by",
                                               t[i].done_by[0] ? json_string(t[i].done_by)
                                                               : json_null()));
    }
    json_t *sim = d->simulation_json && d->simulation_json[0]
                      ? json_loads(d->simulation_json, 0, NULL)
                      : NULL;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)d->id,
                     "plan", d->plan_id, "date", day, "kind", d->kind, "kind_name",
                     mu_drill_kind_label(d->kind), "scenario", d->scenario, "participants",
                     (json_int_t)d->participants, "duration_s", (json_int_t)d->duration_s,
                     "evacuation_s",
                     d->evacuation_s >= 0 ? json_integer(d->evacuation_s) : json_null(),
                     "findings", findings, "tasks", tasks, "simulation",
                     sim ? sim : json_null());
}

static enum mu_err drill_text(struct mu_buf *b, const struct mu_drill *d,
                              const struct mu_drill_task *t, size_t nt, int full)
{
    char day[11], dur[32], evac[32] = "-";
    size_t open = 0, all = 0;
    mu_date_format(d->day, day);
    reg_duration_format(d->duration_s, dur);
    if (d->evacuation_s >= 0)
        reg_duration_format(d->evacuation_s, evac);
    for (size_t i = 0; i < nt; i++)
        if (t[i].drill_id == d->id) {
            all++;
            open += t[i].done_at == 0;
        }
    if (!full)
        return mu_buf_printf(b,
                             "%lld %s %s (%s) plan %s: %s; %lld people, %s, evacuation %s, "
                             "%zu findings, %zu tasks open of %zu\n",
                             (long long)d->id, day, d->kind, mu_drill_kind_label(d->kind),
                             d->plan_id, d->scenario, (long long)d->participants, dur, evac,
                             d->nfindings, open, all);
    enum mu_err rc = mu_buf_printf(b,
                                   "drill %lld: %s %s (%s)\n  plan: %s\n  scenario: %s\n"
                                   "  participants: %lld\n  duration: %s\n  evacuation: %s\n"
                                   "  simulation: %s\nfindings:\n",
                                   (long long)d->id, day, d->kind, mu_drill_kind_label(d->kind),
                                   d->plan_id, d->scenario, (long long)d->participants, dur, evac,
                                   d->simulation_json && d->simulation_json[0] ? "attached"
                                                                               : "none");
    for (size_t i = 0; rc == MU_OK && i < d->nfindings; i++)
        rc = mu_buf_printf(b, "  %zu. %s\n", i + 1, d->findings[i]);
    if (rc == MU_OK)
        rc = mu_buf_adds(b, "tasks:\n");
    for (size_t i = 0; rc == MU_OK && i < nt; i++) {
        char due[11];
        if (t[i].drill_id != d->id)
            continue;
        mu_date_format(t[i].due, due);
        rc = mu_buf_printf(b, "  task %lld: %s, owner %s, due %s%s%s\n", (long long)t[i].id,
                           t[i].text, t[i].owner, due, t[i].done_at ? ", done by " : ", open",
                           t[i].done_at ? t[i].done_by : "");
    }
    return rc;
}

enum mu_err mu_app_drill_show(struct mu_store *s, int64_t id, enum mu_reg_format fmt, char **out,
                              struct mu_error *err)
{
    struct mu_drill d;
    struct mu_drill_task *t = NULL;
    size_t nt = 0;
    enum mu_err rc = mu_store_drill_get(s, id, &d, err);
    if (rc)
        return rc;
    rc = mu_store_drill_tasks(s, id, &t, &nt, err);
    if (rc == MU_OK && fmt == MU_REG_JSON) {
        rc = reg_take_json(drill_json(&d, t, nt), out, err);
    } else if (rc == MU_OK) {
        struct mu_buf b;
        mu_buf_init(&b, REG_OUT_MAX);
        rc = reg_take_buf(&b, drill_text(&b, &d, t, nt, 1), out, err);
    }
    mu_drill_tasks_free(t, nt);
    mu_drill_release(&d);
    return rc;
}

enum mu_err mu_app_drill_list(struct mu_store *s, const char *plan, enum mu_reg_format fmt,
                              char **out, struct mu_error *err)
{
    struct mu_drill *v = NULL;
    struct mu_drill_task *t = NULL;
    size_t n = 0, nt = 0;
    enum mu_err rc = mu_store_drill_list(s, plan, &v, &n, err);
    if (rc == MU_OK)
        rc = mu_store_drill_tasks(s, 0, &t, &nt, err);
    if (rc == MU_OK && fmt == MU_REG_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, drill_json(&v[i], t, nt));
        rc = reg_take_json(arr, out, err);
    } else if (rc == MU_OK) {
        struct mu_buf b;
        mu_buf_init(&b, REG_OUT_MAX);
        if (n == 0)
            rc = mu_buf_adds(&b, "no drills recorded\n");
        for (size_t i = 0; rc == MU_OK && i < n; i++)
            rc = drill_text(&b, &v[i], t, nt, 0);
        rc = reg_take_buf(&b, rc, out, err);
    }
    mu_drill_tasks_free(t, nt);
    mu_drills_free(v, n);
    return rc;
}

enum mu_err mu_app_drill_xlsx(struct mu_store *s, const char *path, struct mu_error *err)
{
    struct mu_drill *v = NULL;
    struct mu_drill_task *t = NULL;
    struct reg_plans plans = {0};
    size_t n = 0, nt = 0;
    enum mu_err rc = mu_store_drill_list(s, NULL, &v, &n, err);
    if (rc == MU_OK)
        rc = mu_store_drill_tasks(s, 0, &t, &nt, err);
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    if (rc)
        goto out;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "应急演练台账");
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *wrap = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_text_wrap(wrap);
    worksheet_write_string(ws, 0, 0, "应急演练台账", bold);
    static const char *const head[] = {"序号",     "演练日期", "演练类型", "演练预案",
                                       "演练情景", "参演人数", "演练时长", "疏散用时",
                                       "发现问题", "整改任务", "模拟推演"};
    for (lxw_col_t c = 0; c < 11; c++)
        worksheet_write_string(ws, 2, c, head[c], bold);
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, 1, 3, 14, NULL);
    worksheet_set_column(ws, 4, 4, 30, wrap);
    worksheet_set_column(ws, 5, 7, 10, NULL);
    worksheet_set_column(ws, 8, 9, 40, wrap);
    for (size_t i = 0; i < n; i++) {
        const struct mu_drill *d = &v[i];
        lxw_row_t r = (lxw_row_t)(3 + i);
        char day[11], dur[32], evac[32] = "";
        struct mu_buf f, tk;
        mu_date_format(d->day, day);
        reg_duration_format(d->duration_s, dur);
        if (d->evacuation_s >= 0)
            reg_duration_format(d->evacuation_s, evac);
        mu_buf_init(&f, 1u << 20);
        mu_buf_init(&tk, 1u << 20);
        for (size_t j = 0; j < d->nfindings; j++)
            (void)mu_buf_printf(&f, "%s%zu. %s", j ? "\n" : "", j + 1, d->findings[j]);
        for (size_t j = 0, k = 0; j < nt; j++) {
            char due[11];
            if (t[j].drill_id != d->id)
                continue;
            mu_date_format(t[j].due, due);
            (void)mu_buf_printf(&tk, "%s%s（%s，%s前%s）", k++ ? "\n" : "", t[j].text,
                                reg_person_name(&plans, d->plan_id, t[j].owner), due,
                                t[j].done_at ? "，已完成" : "");
        }
        const struct mu_plan *pl = reg_plan(&plans, d->plan_id);
        worksheet_write_number(ws, r, 0, (double)d->id, NULL);
        worksheet_write_string(ws, r, 1, day, NULL);
        worksheet_write_string(ws, r, 2, mu_drill_kind_label(d->kind), NULL);
        worksheet_write_string(ws, r, 3, pl ? pl->title : d->plan_id, NULL);
        worksheet_write_string(ws, r, 4, d->scenario, wrap);
        worksheet_write_number(ws, r, 5, (double)d->participants, NULL);
        worksheet_write_string(ws, r, 6, dur, NULL);
        worksheet_write_string(ws, r, 7, evac, NULL);
        worksheet_write_string(ws, r, 8, f.ptr ? f.ptr : "", wrap);
        worksheet_write_string(ws, r, 9, tk.ptr ? tk.ptr : "", wrap);
        worksheet_write_string(ws, r, 10, d->simulation_json && d->simulation_json[0] ? "有" : "",
                               NULL);
        mu_buf_release(&f);
        mu_buf_release(&tk);
    }
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
out:
    reg_plans_release(&plans);
    mu_drill_tasks_free(t, nt);
    mu_drills_free(v, n);
    return rc;
}

enum mu_err mu_app_drill_task_add(struct mu_store *s, const struct mu_actor *actor,
                                  int64_t drill_id, int finding, const char *text,
                                  const char *owner, const char *due, int64_t *id,
                                  struct mu_error *err)
{
    struct mu_drill d;
    struct reg_plans plans = {0};
    int32_t day = 0;
    int64_t new_id = 0;
    enum mu_err rc;
    if ((rc = reg_text("text", text, MU_REG_MAX_TEXT, 0, err)) ||
        (rc = reg_text("owner", owner, MU_REG_MAX_ID, 1, err)) ||
        (rc = reg_day("due", due, &day, err)))
        return rc;
    if ((rc = mu_store_drill_get(s, drill_id, &d, err)))
        return rc;
    if (finding < 0 || (size_t)finding > d.nfindings)
        rc = mu_error_field(err, MU_EINVAL, "finding", "finding: drill %lld has %zu findings",
                            (long long)drill_id, d.nfindings);
    else if (!finding && (!text || !*text))
        rc = mu_error_field(err, MU_EINVAL, "text", "text: give the task's text or a finding");
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    const struct mu_plan *plan = rc ? NULL : reg_plan(&plans, d.plan_id);
    if (rc == MU_OK && !plan)
        rc = mu_error_field(err, MU_ENOTFOUND, "plan", "plan '%s' is not loaded", d.plan_id);
    if (rc == MU_OK)
        rc = reg_check_person(plan, "owner", owner, err);
    /* Only read the finding once its number has been checked. */
    const char *what = rc ? "" : text && *text ? text : finding ? d.findings[finding - 1] : "";
    if (rc == MU_OK)
        rc = mu_store_begin(s, err);
    if (rc == MU_OK) {
        rc = mu_store_drill_task_add(s, actor, drill_id, what, owner, day, &new_id, err);
        char ref[48], subj[MU_NOTICE_MAX_SUBJECT];
        snprintf(ref, sizeof(ref), "drill-task:%lld", (long long)new_id);
        snprintf(subj, sizeof(subj), "演练整改任务今日到期：%.300s", what);
        struct mu_notice_new nv = {.kind = TASK_KIND,
                                   .person = owner,
                                   .due_at = mu_local_ms(day, MU_HAZARD_REMIND_AT),
                                   .subject = subj,
                                   .body = "",
                                   .ref = ref};
        if (rc == MU_OK && nv.due_at >= actor->now_ms)
            rc = mu_store_notice_add(s, actor, &nv, 1, NULL, err);
        if (rc == MU_OK)
            rc = mu_store_commit(s, err);
        else
            mu_store_rollback(s);
    }
    if (rc == MU_OK && id)
        *id = new_id;
    reg_plans_release(&plans);
    mu_drill_release(&d);
    return rc;
}

enum mu_err mu_app_drill_task_done(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                   const char *by, struct mu_error *err)
{
    char ref[48];
    enum mu_err rc;
    if ((rc = reg_text("by", by, MU_REG_MAX_ID, 1, err)))
        return rc;
    snprintf(ref, sizeof(ref), "drill-task:%lld", (long long)id);
    if ((rc = mu_store_begin(s, err)))
        return rc;
    rc = mu_store_drill_task_done(s, actor, id, by, err);
    if (rc == MU_OK)
        rc = mu_store_notice_cancel(s, actor, ref, TASK_KIND, NULL, err);
    if (rc == MU_OK)
        return mu_store_commit(s, err);
    mu_store_rollback(s);
    return rc;
}

enum mu_err mu_app_drill_terms_set(struct mu_store *s, const struct mu_actor *actor,
                                   const char *spec, struct mu_error *err)
{
    struct mu_drill_term t[MU_DRILL_MAX_TERMS];
    size_t n = 0;
    enum mu_err rc = mu_drill_terms_parse(spec, t, MU_DRILL_MAX_TERMS, &n, err);
    if (rc == MU_OK)
        rc = mu_store_setting_set(s, actor, "drill.terms", spec, err);
    return rc;
}

enum mu_err mu_app_drill_require_set(struct mu_store *s, const struct mu_actor *actor,
                                     const char *kind, const char *count, struct mu_error *err)
{
    int64_t n = 0;
    char key[128];
    enum mu_err rc;
    if ((rc = mu_drill_kind_check(kind, err)) ||
        (rc = mu_quantity_parse("count", count, 0, &n, err)))
        return rc;
    if (n > 1000)
        return mu_error_field(err, MU_EINVAL, "count", "count: %lld drills per term is too many",
                              (long long)n);
    snprintf(key, sizeof(key), "drill.require.%s", kind);
    char value[24];
    snprintf(value, sizeof(value), "%lld", (long long)n);
    return mu_store_setting_set(s, actor, key, value, err);
}

enum mu_err mu_app_drill_due(struct mu_store *s, int64_t at, int32_t within_days,
                             enum mu_reg_format fmt, char **out, size_t *warnings,
                             struct mu_error *err)
{
    struct mu_drill_term terms[MU_DRILL_MAX_TERMS];
    struct mu_drill_requirement *req = NULL;
    struct mu_drill_held *held = NULL;
    struct mu_drill_due *due = NULL;
    struct mu_drill *v = NULL;
    char *spec = NULL, **kinds = NULL, **values = NULL;
    size_t nterms = 0, nreq = 0, nk = 0, n = 0, nd = 0, warn = 0;
    int32_t today = mu_local_day(at, NULL);
    char ds[11];
    mu_date_format(today, ds);
    enum mu_err rc = mu_store_setting_get(s, "drill.terms", &spec, err);
    if (rc == MU_ENOTFOUND)
        rc = mu_error_field(err, MU_ENOTFOUND, "drill.terms",
                            "drill.terms is not set (muster drill-record terms "
                            "FROM..TO[,FROM..TO...])");
    if (rc == MU_OK)
        rc = mu_drill_terms_parse(spec, terms, MU_DRILL_MAX_TERMS, &nterms, err);
    if (rc == MU_OK)
        rc = mu_store_drill_requirements(s, &kinds, &values, &nk, err);
    if (rc == MU_OK)
        rc = mu_store_drill_list(s, NULL, &v, &n, err);
    if (rc == MU_OK && ((nk && !(req = mu_calloc(nk, sizeof(*req)))) ||
                        (n && !(held = mu_calloc(n, sizeof(*held)))) ||
                        (nk && !(due = mu_calloc(nk, sizeof(*due))))))
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; rc == MU_OK && i < nk; i++) {
        int64_t c = 0;
        if (mu_quantity_parse("count", values[i], 0, &c, NULL) || c == 0)
            continue; /* 0 (or a hand-edited bad value) asks for nothing */
        req[nreq].kind = kinds[i];
        req[nreq++].count = c;
    }
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        held[i].kind = v[i].kind;
        held[i].day = v[i].day;
    }
    if (rc == MU_OK)
        nd = mu_drill_due_check(terms, nterms, req, nreq, held, n, today, within_days, due);
    for (size_t i = 0; i < nd; i++)
        warn += due[i].warn != 0;
    if (rc == MU_OK && fmt == MU_REG_JSON) {
        json_t *lines = json_array();
        for (size_t i = 0; lines && i < nd; i++)
            json_array_append_new(lines, json_pack("{s:s,s:s,s:I,s:I,s:b}", "kind", due[i].kind,
                                                   "kind_name", mu_drill_kind_label(due[i].kind),
                                                   "required", (json_int_t)due[i].required,
                                                   "held", (json_int_t)due[i].held, "warn",
                                                   due[i].warn));
        json_t *term = json_null();
        for (size_t i = 0; i < nterms; i++)
            if (terms[i].from <= today && today <= terms[i].to) {
                char a[11], b[11];
                mu_date_format(terms[i].from, a);
                mu_date_format(terms[i].to, b);
                term = json_pack("{s:s,s:s,s:i}", "from", a, "to", b, "days_left",
                                 (int)(terms[i].to - today));
            }
        rc = reg_take_json(json_pack("{s:s,s:o,s:o,s:I}", "date", ds, "term", term, "due", lines,
                                     "warnings", (json_int_t)warn),
                           out, err);
    } else if (rc == MU_OK) {
        struct mu_buf b;
        mu_buf_init(&b, REG_OUT_MAX);
        const struct mu_drill_term *cur = NULL;
        for (size_t i = 0; i < nterms; i++)
            if (terms[i].from <= today && today <= terms[i].to)
                cur = &terms[i];
        if (!cur) {
            rc = mu_buf_printf(&b, "no term contains %s\n", ds);
        } else {
            char a[11], z[11];
            mu_date_format(cur->from, a);
            mu_date_format(cur->to, z);
            rc = mu_buf_printf(&b, "term %s..%s, %d days left\n", a, z, (int)(cur->to - today));
            if (rc == MU_OK && nreq == 0)
                rc = mu_buf_adds(&b, "no drills are required (muster drill-record require KIND "
                                     "N)\n");
        }
        for (size_t i = 0; rc == MU_OK && i < nd; i++) {
            rc = mu_buf_printf(&b, "%s %s: %lld of %lld held", due[i].kind,
                               mu_drill_kind_label(due[i].kind), (long long)due[i].held,
                               (long long)due[i].required);
            if (rc == MU_OK && due[i].warn)
                rc = mu_buf_printf(&b, ", WARNING: the term ends in %d days without it",
                                   (int)due[i].days_left);
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "\n");
        }
        rc = reg_take_buf(&b, rc, out, err);
    }
    if (rc == MU_OK && warnings)
        *warnings = warn;
    for (size_t i = 0; i < nk; i++) {
        mu_free(kinds[i]);
        mu_free(values[i]);
    }
    mu_free(kinds);
    mu_free(values);
    mu_free(req);
    mu_free(held);
    mu_free(due);
    mu_drills_free(v, n);
    mu_free(spec);
    return rc;
}
