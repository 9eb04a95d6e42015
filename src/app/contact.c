/* SPDX-License-Identifier: MIT */
/*
 * Contacts use cases (应急通讯录): the stored external numbers (hospital,
 * duty phones, the higher authority), the national emergency numbers that
 * are always listed (110, 119, 120, 122: constants, not stored), the staff
 * of every loaded plan with their team roles, and the printable one-page
 * A4 phone list in large type (HTML) and the XLSX ledger.
 */
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "app/register_int.h"

#include "util/banned.h"

static const struct {
    const char *phone, *name;
} national[] = {
    {"110", "报警"},
    {"119", "火警"},
    {"120", "急救"},
    {"122", "交通事故报警"},
};
#define NNATIONAL (sizeof(national) / sizeof(national[0]))

static const char *const cat_names[] = {"emergency", "hospital", "duty", "authority", "other"};
static const char *const cat_labels[] = {"急救报警", "医院", "值班电话", "上级部门", "其他"};

static const char *cat_label(const char *c)
{
    for (size_t i = 0; i < 5; i++)
        if (strcmp(c, cat_names[i]) == 0)
            return cat_labels[i];
    return c;
}

static enum mu_err check_phone(const char *phone, struct mu_error *err)
{
    size_t digits = 0, len = phone ? strlen(phone) : 0;
    if (!len)
        return mu_error_field(err, MU_EINVAL, "phone", "phone is empty");
    for (size_t i = 0; i < len; i++) {
        char c = phone[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (!strchr("+-() ", c))
            return mu_error_field(err, MU_EINVAL, "phone",
                                  "phone: '%.40s' may hold only digits, spaces and + - ( )",
                                  phone);
    }
    if (digits < 3 || len > 32)
        return mu_error_field(err, MU_EINVAL, "phone",
                              "phone: '%.40s' is not a phone number (3 to 32 characters)", phone);
    return MU_OK;
}

enum mu_err mu_app_contact_add(struct mu_store *s, const struct mu_actor *actor, const char *name,
                               const char *phone, const char *category, const char *note,
                               int64_t *id, struct mu_error *err)
{
    enum mu_err rc;
    int known = !category;
    for (size_t i = 0; category && i < 5; i++)
        known |= strcmp(category, cat_names[i]) == 0;
    if ((rc = reg_text("name", name, MU_REG_MAX_LINE, 1, err)) ||
        (rc = check_phone(phone, err)) || (rc = reg_text("note", note, MU_REG_MAX_TEXT, 0, err)))
        return rc;
    if (!known)
        return mu_error_field(err, MU_EINVAL, "category",
                              "category '%.40s' is not one of emergency, hospital, duty, "
                              "authority, other",
                              category);
    return mu_store_contact_add(s, actor, name, phone, category ? category : "other", note, id,
                                err);
}

enum mu_err mu_app_contact_remove(struct mu_store *s, const struct mu_actor *actor, int64_t id,
                                  struct mu_error *err)
{
    return mu_store_contact_remove(s, actor, id, err);
}

/* The team roles of person @p id in @p p, "领导小组组长、疏散组成员", into @p b. */
static enum mu_err roles_of(const struct mu_plan *p, const char *id, struct mu_buf *b,
                            json_t *arr)
{
    enum mu_err rc = MU_OK;
    for (size_t t = 0; rc == MU_OK && t < p->nteams; t++) {
        const struct mu_plan_team *tm = &p->teams[t];
        const char *role = NULL;
        if (tm->leader.s && strcmp(tm->leader.s, id) == 0)
            role = "组长";
        for (size_t i = 0; !role && i < tm->deputies.n; i++)
            if (strcmp(tm->deputies.v[i].s, id) == 0)
                role = "副组长";
        for (size_t i = 0; !role && i < tm->members.n; i++)
            if (strcmp(tm->members.v[i].s, id) == 0)
                role = "成员";
        if (!role)
            continue;
        if (b)
            rc = mu_buf_printf(b, "%s%s%s", b->len ? "、" : "", tm->name, role);
        if (arr)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "team", tm->id, "team_name",
                                                 tm->name, "role", role));
    }
    return rc;
}

/* 1 when @p id leads or deputizes a team of @p p. */
static int is_leader(const struct mu_plan *p, const char *id)
{
    for (size_t t = 0; t < p->nteams; t++) {
        if (p->teams[t].leader.s && strcmp(p->teams[t].leader.s, id) == 0)
            return 1;
        for (size_t i = 0; i < p->teams[t].deputies.n; i++)
            if (strcmp(p->teams[t].deputies.v[i].s, id) == 0)
                return 1;
    }
    return 0;
}

static const char *unit_name(const struct mu_plan *p, const struct mu_plan_person *x)
{
    const struct mu_plan_unit *u = x->unit.s ? mu_plan_unit(p, x->unit.s) : NULL;
    return u ? u->name : "";
}

enum mu_err mu_app_contact_list(struct mu_store *s, enum mu_reg_format fmt, char **out,
                                struct mu_error *err)
{
    struct mu_contact *c = NULL;
    struct reg_plans plans = {0};
    size_t n = 0;
    enum mu_err rc = mu_store_contact_list(s, &c, &n, err);
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    if (rc)
        goto out;
    if (fmt == MU_REG_JSON) {
        json_t *nat = json_array(), *stored = json_array(), *staff = json_array();
        for (size_t i = 0; nat && i < NNATIONAL; i++)
            json_array_append_new(nat, json_pack("{s:s,s:s}", "phone", national[i].phone, "name",
                                                 national[i].name));
        for (size_t i = 0; stored && i < n; i++)
            json_array_append_new(stored, json_pack("{s:I,s:s,s:s,s:s,s:s}", "id",
                                                    (json_int_t)c[i].id, "name", c[i].name,
                                                    "phone", c[i].phone, "category",
                                                    c[i].category, "note", c[i].note));
        for (size_t p = 0; staff && p < plans.n; p++) {
            const struct mu_plan *pl = plans.v[p];
            for (size_t i = 0; i < pl->npeople; i++) {
                const struct mu_plan_person *x = &pl->people[i];
                json_t *roles = json_array();
                roles_of(pl, x->id, NULL, roles);
                json_array_append_new(
                    staff, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:o}", "plan", pl->id, "id",
                                     x->id, "name", x->name,
                                     "title", x->title ? json_string(x->title) : json_null(),
                                     "phone", x->phone ? json_string(x->phone) : json_null(),
                                     "unit", x->unit.s ? json_string(x->unit.s) : json_null(),
                                     "unit_name", unit_name(pl, x), "roles", roles));
            }
        }
        rc = reg_take_json(json_pack("{s:o,s:o,s:o}", "national", nat, "contacts", stored,
                                     "staff", staff),
                           out, err);
        goto out;
    }
    struct mu_buf b, r;
    mu_buf_init(&b, REG_OUT_MAX);
    rc = mu_buf_adds(&b, "national emergency numbers:\n");
    for (size_t i = 0; rc == MU_OK && i < NNATIONAL; i++)
        rc = mu_buf_printf(&b, "  %s %s\n", national[i].phone, national[i].name);
    if (rc == MU_OK)
        rc = mu_buf_adds(&b, n ? "stored numbers:\n" : "stored numbers: none\n");
    for (size_t i = 0; rc == MU_OK && i < n; i++)
        rc = mu_buf_printf(&b, "  %lld %s %s %s%s%s\n", (long long)c[i].id, c[i].category,
                           c[i].name, c[i].phone, c[i].note[0] ? " — " : "", c[i].note);
    for (size_t p = 0; rc == MU_OK && p < plans.n; p++) {
        const struct mu_plan *pl = plans.v[p];
        rc = mu_buf_printf(&b, "staff of %s (%s)%s%s:\n", pl->id, pl->org.name,
                           pl->org.phone ? ", office " : "", pl->org.phone ? pl->org.phone : "");
        for (size_t i = 0; rc == MU_OK && i < pl->npeople; i++) {
            const struct mu_plan_person *x = &pl->people[i];
            mu_buf_init(&r, 64 * 1024);
            rc = roles_of(pl, x->id, &r, NULL);
            if (rc == MU_OK)
                rc = mu_buf_printf(&b, "  %s %s, %s, %s, %s%s%s\n", x->id, x->name,
                                   x->title ? x->title : "-", x->phone ? x->phone : "-",
                                   unit_name(pl, x)[0] ? unit_name(pl, x) : "-",
                                   r.len ? ": " : "", r.len ? r.ptr : "");
            mu_buf_release(&r);
        }
    }
    rc = reg_take_buf(&b, rc, out, err);
out:
    reg_plans_release(&plans);
    mu_contacts_free(c, n);
    return rc;
}

static enum mu_err html(struct mu_buf *b, const char *s)
{
    return mu_buf_add_html(b, s ? s : "", s ? strlen(s) : 0);
}

enum mu_err mu_app_contact_sheet_html(struct mu_store *s, char **out, struct mu_error *err)
{
    struct mu_contact *c = NULL;
    struct reg_plans plans = {0};
    size_t n = 0;
    struct mu_buf b;
    enum mu_err rc = mu_store_contact_list(s, &c, &n, err);
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    if (rc)
        goto out;
    mu_buf_init(&b, REG_OUT_MAX);
    rc = mu_buf_adds(
        &b,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>应急联系电话</title>\n<style>\n"
        "@page{size:A4;margin:12mm}\n"
        "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
        "sans-serif;font-size:16pt;margin:0;color:#000}\n"
        "h1{font-size:26pt;text-align:center;margin:0 0 6mm}\n"
        "h2{font-size:18pt;margin:5mm 0 2mm;border-bottom:2px solid #000}\n"
        "table{width:100%;border-collapse:collapse}\n"
        "td{padding:1.2mm 2mm;border-bottom:1px solid #999;vertical-align:top}\n"
        "td.num{font-size:20pt;font-weight:bold;white-space:nowrap;text-align:right}\n"
        ".national td.num{font-size:28pt;color:#b00}\n"
        ".page{page-break-after:avoid;page-break-inside:avoid}\n"
        "</style>\n</head>\n<body>\n<div class=\"page\">\n<h1>应急联系电话</h1>\n"
        "<table class=\"national\">\n");
    for (size_t i = 0; rc == MU_OK && i < NNATIONAL; i++)
        rc = mu_buf_printf(&b, "<tr><td>%s</td><td class=\"num\">%s</td></tr>\n",
                           national[i].name, national[i].phone);
    if (rc == MU_OK)
        rc = mu_buf_adds(&b, "</table>\n");
    if (rc == MU_OK && n)
        rc = mu_buf_adds(&b, "<h2>常用电话</h2>\n<table>\n");
    for (size_t i = 0; rc == MU_OK && i < n; i++) {
        rc = mu_buf_adds(&b, "<tr><td>");
        if (rc == MU_OK)
            rc = html(&b, c[i].name);
        if (rc == MU_OK)
            rc = mu_buf_printf(&b, "<br><small>%s</small></td><td class=\"num\">",
                               cat_label(c[i].category));
        if (rc == MU_OK)
            rc = html(&b, c[i].phone);
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "</td></tr>\n");
    }
    if (rc == MU_OK && n)
        rc = mu_buf_adds(&b, "</table>\n");
    for (size_t p = 0; rc == MU_OK && p < plans.n; p++) {
        const struct mu_plan *pl = plans.v[p];
        rc = mu_buf_adds(&b, "<h2>");
        if (rc == MU_OK)
            rc = html(&b, pl->org.name);
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "</h2>\n<table>\n");
        if (rc == MU_OK && pl->org.phone) {
            rc = mu_buf_adds(&b, "<tr><td>办公室</td><td class=\"num\">");
            if (rc == MU_OK)
                rc = html(&b, pl->org.phone);
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "</td></tr>\n");
        }
        for (size_t i = 0; rc == MU_OK && i < pl->npeople; i++) {
            const struct mu_plan_person *x = &pl->people[i];
            struct mu_buf r;
            if (!x->phone || !is_leader(pl, x->id))
                continue;
            mu_buf_init(&r, 64 * 1024);
            rc = roles_of(pl, x->id, &r, NULL);
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "<tr><td>");
            if (rc == MU_OK)
                rc = html(&b, x->name);
            if (rc == MU_OK && x->title) {
                rc = mu_buf_adds(&b, " ");
                if (rc == MU_OK)
                    rc = html(&b, x->title);
            }
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "<br><small>");
            if (rc == MU_OK)
                rc = html(&b, r.ptr);
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "</small></td><td class=\"num\">");
            if (rc == MU_OK)
                rc = html(&b, x->phone);
            if (rc == MU_OK)
                rc = mu_buf_adds(&b, "</td></tr>\n");
            mu_buf_release(&r);
        }
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "</table>\n");
    }
    if (rc == MU_OK)
        rc = mu_buf_adds(&b, "</div>\n</body>\n</html>\n");
    rc = reg_take_buf(&b, rc, out, err);
out:
    reg_plans_release(&plans);
    mu_contacts_free(c, n);
    return rc;
}

enum mu_err mu_app_contact_xlsx(struct mu_store *s, const char *path, struct mu_error *err)
{
    struct mu_contact *c = NULL;
    struct reg_plans plans = {0};
    size_t n = 0;
    enum mu_err rc = mu_store_contact_list(s, &c, &n, err);
    if (rc == MU_OK)
        rc = reg_plans_load(s, &plans, err);
    if (rc)
        goto out;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        rc = mu_error_set(err, MU_EIO, "cannot create '%s'", path);
        goto out;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "应急通讯录");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_write_string(ws, 0, 0, "应急通讯录", bold);
    static const char *const head[] = {"序号", "类别", "单位/部门", "姓名/名称",
                                       "职务", "联系电话", "应急职责", "备注"};
    for (lxw_col_t col = 0; col < 8; col++)
        worksheet_write_string(ws, 2, col, head[col], bold);
    worksheet_set_column(ws, 0, 1, 10, NULL);
    worksheet_set_column(ws, 2, 4, 20, NULL);
    worksheet_set_column(ws, 5, 5, 18, NULL);
    worksheet_set_column(ws, 6, 7, 36, NULL);
    lxw_row_t row = 3;
    unsigned seq = 1;
    for (size_t i = 0; i < NNATIONAL; i++, row++) {
        worksheet_write_number(ws, row, 0, seq++, NULL);
        worksheet_write_string(ws, row, 1, "急救报警", NULL);
        worksheet_write_string(ws, row, 3, national[i].name, NULL);
        worksheet_write_string(ws, row, 5, national[i].phone, NULL);
    }
    for (size_t i = 0; i < n; i++, row++) {
        worksheet_write_number(ws, row, 0, seq++, NULL);
        worksheet_write_string(ws, row, 1, cat_label(c[i].category), NULL);
        worksheet_write_string(ws, row, 3, c[i].name, NULL);
        worksheet_write_string(ws, row, 5, c[i].phone, NULL);
        worksheet_write_string(ws, row, 7, c[i].note, NULL);
    }
    for (size_t p = 0; p < plans.n; p++) {
        const struct mu_plan *pl = plans.v[p];
        for (size_t i = 0; i < pl->npeople; i++, row++) {
            const struct mu_plan_person *x = &pl->people[i];
            struct mu_buf r;
            mu_buf_init(&r, 64 * 1024);
            (void)roles_of(pl, x->id, &r, NULL);
            worksheet_write_number(ws, row, 0, seq++, NULL);
            worksheet_write_string(ws, row, 1, "工作人员", NULL);
            worksheet_write_string(ws, row, 2, unit_name(pl, x), NULL);
            worksheet_write_string(ws, row, 3, x->name, NULL);
            worksheet_write_string(ws, row, 4, x->title ? x->title : "", NULL);
            worksheet_write_string(ws, row, 5, x->phone ? x->phone : "", NULL);
            worksheet_write_string(ws, row, 6, r.ptr ? r.ptr : "", NULL);
            mu_buf_release(&r);
        }
    }
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = mu_error_set(err, MU_EIO, "cannot write '%s': %s", path, lxw_strerror(xe));
out:
    reg_plans_release(&plans);
    mu_contacts_free(c, n);
    return rc;
}
