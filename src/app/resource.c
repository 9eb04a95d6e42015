/* SPDX-License-Identifier: MIT */
/*
 * Resource register use cases (应急物资保障): add a resource after checking
 * every field (quantities whole and non-negative, the custodian a person of
 * a loaded plan, dates real dates), move its stock (adjust with a reason,
 * assign to an incident, return from it) checked against the rules inside
 * one transaction, and list it with low-stock and expiry alerts as text,
 * JSON or an XLSX ledger. Rules: src/core/resource.c.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "app/register_int.h"

#include "util/banned.h"

enum mu_err mu_app_resource_add(struct mu_store *s, const struct mu_actor *actor,
                                const struct mu_resource_input *in, int64_t *id,
                                struct mu_error *err)
{
    struct mu_resource_new r = {.expires = -1};
    struct reg_plans plans = {0};
    enum mu_err rc;
    if ((rc = reg_text("name", in->name, MU_REG_MAX_LINE, 1, err)) ||
        (rc = mu_quantity_parse("quantity", in->quantity, 0, &r.quantity, err)) ||
        (rc = reg_text("unit-of-measure", in->unit_of_measure, MU_REG_MAX_ID, 1, err)) ||
        (rc = reg_text("location", in->location, MU_REG_MAX_LINE, 0, err)) ||
        (rc = reg_text("custodian", in->custodian, MU_REG_MAX_ID, 0, err)) ||
        (in->category && (rc = mu_resource_category_parse(in->category, &r.category, err))) ||
        (in->status && (rc = mu_resource_status_parse(in->status, &r.status, err))) ||
        (in->expires && (rc = reg_day("expires", in->expires, &r.expires, err))) ||
        (in->min && (rc = mu_quantity_parse("min", in->min, 0, &r.min, err))))
        return rc;
    if (!in->category)
        r.category = MU_RESOURCE_SUPPLY;
    r.name = in->name;
    r.unit_of_measure = in->unit_of_measure;
    r.location = in->location;
    r.custodian = in->custodian;
    if ((in->custodian && *in->custodian) || (in->plan && *in->plan)) {
        const struct mu_plan *plan = NULL;
        if ((rc = reg_plans_load(s, &plans, err)))
            return rc;
        if (in->plan && *in->plan) {
            rc = reg_plan_for_unit(&plans, in->plan, NULL, &plan, err);
            if (rc == MU_OK && in->custodian && *in->custodian)
                rc = reg_check_person(plan, "custodian", in->custodian, err);
        } else {
            for (size_t i = 0; i < plans.n && !plan; i++)
                if (mu_plan_person(plans.v[i], in->custodian))
                    plan = plans.v[i];
            if (!plan)
                rc = mu_error_field(err, MU_EINVAL, "custodian",
                                    "custodian: no loaded plan has a person '%.100s'",
                                    in->custodian);
        }
        if (rc == MU_OK)
            r.plan_id = plan->id;
    }
    if (rc == MU_OK)
        rc = mu_store_resource_add(s, actor, &r, id, err);
    reg_plans_release(&plans);
    return rc;
}

enum mu_err mu_app_resource_move(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                 enum mu_resource_move_kind kind, const char *amount,
                                 int64_t incident, const char *reason, int64_t *after,
                                 struct mu_error *err)
{
    struct mu_resource r;
    int64_t n = 0, outstanding = 0, next = 0;
    int exists = 0;
    enum mu_err rc;
    if (kind == MU_MOVE_ADJUST) {
        if ((rc = mu_quantity_parse("by", amount, 1, &n, err)) ||
            (rc = reg_text("reason", reason, MU_REG_MAX_TEXT, 1, err)))
            return rc;
        incident = 0;
    } else if (kind == MU_MOVE_ASSIGN || kind == MU_MOVE_RETURN) {
        if ((rc = mu_quantity_parse("quantity", amount, 0, &n, err)) ||
            (rc = reg_text("reason", reason, MU_REG_MAX_TEXT, 0, err)))
            return rc;
        if (incident <= 0)
            return mu_error_field(err, MU_EINVAL, "incident",
                                  "incident: %lld is not an incident id", (long long)incident);
    } else {
        return mu_error_set(err, MU_EINVAL, "not a movement");
    }
    if ((rc = mu_store_begin(s, err)))
        return rc;
    rc = mu_store_resource_get(s, id, &r, err);
    if (rc) {
        mu_store_rollback(s);
        return rc;
    }
    if (incident && (rc = mu_store_incident_exists(s, incident, &exists, err)) == MU_OK &&
        exists == 0)
        rc = mu_error_field(err, MU_ENOTFOUND, "incident", "incident: no incident %lld",
                            (long long)incident);
    if (rc == MU_OK && kind == MU_MOVE_ASSIGN && r.status != MU_RESOURCE_AVAILABLE)
        rc = mu_error_field(err, MU_ECONFLICT, "status", "resource %lld is %s, not available",
                            (long long)id, mu_resource_status_name(r.status));
    if (rc == MU_OK && kind == MU_MOVE_RETURN)
        rc = mu_store_resource_outstanding(s, id, incident, &outstanding, err);
    if (rc == MU_OK)
        rc = mu_resource_move(r.quantity, kind, n, outstanding, &next, err);
    if (rc == MU_OK)
        rc = mu_store_resource_move(s, actor, id, kind, next - r.quantity, next, incident, reason,
                                    err);
    mu_resource_release(&r);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    if (rc == MU_OK && after)
        *after = next;
    return rc;
}

static void alert_names(unsigned a, char out[static 48])
{
    snprintf(out, 48, "%s%s%s%s", a & MU_ALERT_LOW ? "low-stock" : "",
             (a & MU_ALERT_LOW) && (a & (MU_ALERT_EXPIRED | MU_ALERT_EXPIRING)) ? "," : "",
             a & MU_ALERT_EXPIRED ? "expired" : "", a & MU_ALERT_EXPIRING ? "expiring" : "");
}

static json_t *resource_json(const struct mu_resource *r, unsigned alerts)
{
    char exp[11];
    json_t *a = json_array();
    reg_day_format(r->expires, exp);
    if (alerts & MU_ALERT_LOW)
        json_array_append_new(a, json_string("low-stock"));
    if (alerts & MU_ALERT_EXPIRED)
        json_array_append_new(a, json_string("expired"));
    if (alerts & MU_ALERT_EXPIRING)
        json_array_append_new(a, json_string("expiring"));
    return json_pack("{s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "id",
                     (json_int_t)r->id, "name", r->name, "category",
                     mu_resource_category_name(r->category), "quantity", (json_int_t)r->quantity,
                     "unit_of_measure", r->unit_of_measure, "min", (json_int_t)r->min,
                     "assigned", (json_int_t)r->assigned, "location", r->location, "custodian",
                     r->custodian, "plan", r->plan_id, "status",
                     mu_resource_status_name(r->status), "expires",
                     exp[0] ? json_string(exp) : json_null(), "alerts", a);
}

/* One line per resource, without its alerts. */
static enum mu_err resource_line(struct mu_buf *b, const struct mu_resource *r)
{
    char exp[11];
    reg_day_format(r->expires, exp);
    return mu_buf_printf(b, "%lld %s %s: %lld %s (min %lld, out %lld), %s%s%s%s%s%s%s\n",
                         (long long)r->id, mu_resource_category_name(r->category), r->name,
                         (long long)r->quantity, r->unit_of_measure, (long long)r->min,
                         (long long)r->assigned, mu_resource_status_name(r->status),
                         r->location[0] ? ", at " : "", r->location,
                         r->custodian[0] ? ", custodian " : "", r->custodian,
                         exp[0] ? ", expires " : "", exp);
}

enum mu_err mu_app_resource_show(struct mu_store *s, int64_t id, int64_t at, int32_t within_days,
                                 enum mu_reg_format fmt, char **out, struct mu_error *err)
{
    struct mu_resource r;
    struct mu_resource_movement *m = NULL;
    size_t nm = 0;
    int32_t today = mu_local_day(at, NULL);
    enum mu_err rc = mu_store_resource_get(s, id, &r, err);
    if (rc)
        return rc;
    unsigned alerts = mu_resource_alerts(r.status, r.quantity, r.min, r.expires, today,
                                         within_days);
    rc = mu_store_resource_movements(s, id, &m, &nm, err);
    if (rc == MU_OK && fmt == MU_REG_JSON) {
        json_t *doc = resource_json(&r, alerts), *arr = json_array();
        for (size_t i = 0; arr && i < nm; i++)
            json_array_append_new(
                arr, json_pack("{s:I,s:s,s:I,s:I,s:o,s:s,s:s,s:o}", "id", (json_int_t)m[i].id,
                               "kind", mu_resource_move_name(m[i].kind), "delta",
                               (json_int_t)m[i].delta, "after", (json_int_t)m[i].after,
                               "incident", m[i].incident ? json_integer(m[i].incident)
                                                         : json_null(),
                               "reason", m[i].reason, "actor", m[i].actor, "at",
                               reg_time_json(m[i].at)));
        if (doc && arr)
            json_object_set_new(doc, "movements", arr);
        else
            json_decref(arr);
        rc = reg_take_json(doc, out, err);
    } else if (rc == MU_OK) {
        struct mu_buf b;
        char al[48];
        mu_buf_init(&b, REG_OUT_MAX);
        rc = resource_line(&b, &r);
        alert_names(alerts, al);
        if (rc == MU_OK && alerts)
            rc = mu_buf_printf(&b, "alerts: %s\n", al);
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "movements:\n");
        for (size_t i = 0; rc == MU_OK && i < nm; i++) {
            char t[17], inc[40] = "";
            reg_time_format(m[i].at, t);
            if (m[i].incident)
                snprintf(inc, sizeof(inc), " incident %lld", (long long)m[i].incident);
            rc = mu_buf_printf(&b, "  %s %s %+lld -> %lld%s by %s%s%s\n", t,
                               mu_resource_move_name(m[i].kind), (long long)m[i].delta,
                               (long long)m[i].after, inc, m[i].actor,
                               m[i].reason[0] ? ": " : "", m[i].reason);
        }
        rc = reg_take_buf(&b, rc, out, err);
    }
    mu_resource_movements_free(m, nm);
    mu_resource_release(&r);
    return rc;
}

/* The resources, with their alerts, that a list shows. */
static enum mu_err collect(struct mu_store *s, int alerts_only, int32_t today, int32_t within,
                           struct mu_resource **v, unsigned **alerts, size_t *n,
                           struct mu_error *err)
{
    size_t m = 0;
    enum mu_err rc = mu_store_resource_list(s, v, n, err);
    if (rc)
        return rc;
    *alerts = mu_calloc(*n ? *n : 1, sizeof(unsigned));
    if (!*alerts) {
        mu_resources_free(*v, *n);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < *n; i++) {
        struct mu_resource *r = &(*v)[i];
        unsigned a = mu_resource_alerts(r->status, r->quantity, r->min, r->expires, today, within);
        if (alerts_only && !a) {
            mu_resource_release(r);
            continue;
        }
        (*alerts)[m] = a;
        (*v)[m++] = *r;
    }
    *n = m;
    return MU_OK;
}

enum mu_err mu_app_resource_list(struct mu_store *s, int alerts_only, int64_t at,
                                 int32_t within_days, enum mu_reg_format fmt, char **out,
                                 struct mu_error *err)
{
    struct mu_resource *v = NULL;
    unsigned *alerts = NULL;
    size_t n = 0;
    enum mu_err rc = collect(s, alerts_only, mu_local_day(at, NULL), within_days, &v, &alerts, &n,
                             err);
    if (rc)
        return rc;
    if (fmt == MU_REG_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, resource_json(&v[i], alerts[i]));
        rc = reg_take_json(arr, out, err);
    } else {
        struct mu_buf b;
        mu_buf_init(&b, REG_OUT_MAX);
        if (n == 0)
            rc = mu_buf_adds(&b, alerts_only ? "no alerts\n" : "no resources\n");
        for (size_t i = 0; rc == MU_OK && i < n; i++) {
            char al[48];
            rc = resource_line(&b, &v[i]);
            alert_names(alerts[i], al);
            if (rc == MU_OK && alerts[i]) {
                b.len--; /* replace the newline: the alerts end the line */
                b.ptr[b.len] = '\0';
                rc = mu_buf_printf(&b, ", ALERT %s\n", al);
            }
        }
        rc = reg_take_buf(&b, rc, out, err);
    }
    mu_free(alerts);
    mu_resources_free(v, n);
    return rc;
}

enum mu_err mu_app_resource_xlsx(struct mu_store *s, int alerts_only, int64_t at,
                                 int32_t within_days, const char *path, struct mu_error *err)
{
    struct mu_resource *v = NULL;
    struct reg_plans plans = {0};
    unsigned *alerts = NULL;
    size_t n = 0;
    int32_t today = mu_local_day(at, NULL);
    char title[128], ds[11];
    enum mu_err rc = collect(s, alerts_only, today, within_days, &v, &alerts, &n, err);
    if (rc)
        return rc;
    if ((rc = reg_plans_load(s, &plans, err)))
        goto out;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "应急物资台账");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    mu_date_format(today, ds);
    snprintf(title, sizeof(title), "应急物资装备台账（截至 %s）", ds);
    worksheet_write_string(ws, 0, 0, title, bold);
    static const char *const head[] = {"序号", "类别", "名称", "数量", "计量单位",
                                       "最低库存", "调用在外", "存放地点", "保管人", "状态",
                                       "有效期至", "预警"};
    for (lxw_col_t c = 0; c < 12; c++)
        worksheet_write_string(ws, 2, c, head[c], bold);
    worksheet_set_column(ws, 0, 1, 8, NULL);
    worksheet_set_column(ws, 2, 2, 24, NULL);
    worksheet_set_column(ws, 3, 6, 10, NULL);
    worksheet_set_column(ws, 7, 7, 24, NULL);
    worksheet_set_column(ws, 8, 11, 12, NULL);
    for (size_t i = 0; i < n; i++) {
        const struct mu_resource *r = &v[i];
        lxw_row_t row = (lxw_row_t)(3 + i);
        char exp[11], al[64] = "";
        reg_day_format(r->expires, exp);
        snprintf(al, sizeof(al), "%s%s%s", alerts[i] & MU_ALERT_LOW ? "库存不足 " : "",
                 alerts[i] & MU_ALERT_EXPIRED ? "已过期" : "",
                 alerts[i] & MU_ALERT_EXPIRING ? "即将过期" : "");
        worksheet_write_number(ws, row, 0, (double)r->id, NULL);
        worksheet_write_string(ws, row, 1, mu_resource_category_label(r->category), NULL);
        worksheet_write_string(ws, row, 2, r->name, NULL);
        worksheet_write_number(ws, row, 3, (double)r->quantity, NULL);
        worksheet_write_string(ws, row, 4, r->unit_of_measure, NULL);
        worksheet_write_number(ws, row, 5, (double)r->min, NULL);
        worksheet_write_number(ws, row, 6, (double)r->assigned, NULL);
        worksheet_write_string(ws, row, 7, r->location, NULL);
        worksheet_write_string(ws, row, 8, reg_person_name(&plans, r->plan_id, r->custodian),
                               NULL);
        worksheet_write_string(ws, row, 9, mu_resource_status_label(r->status), NULL);
        worksheet_write_string(ws, row, 10, exp, NULL);
        worksheet_write_string(ws, row, 11, al, NULL);
    }
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
out:
    reg_plans_release(&plans);
    mu_free(alerts);
    mu_resources_free(v, n);
    return rc;
}
