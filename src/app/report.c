/* SPDX-License-Identifier: MIT */
/*
 * The after-action report (书面报告) of an incident: a Markdown draft in
 * Chinese made from the incident's record (summary, chronology from the
 * timeline, each team's tasks, deadlines met and missed, resources,
 * follow-up work, attachments), immutable stored revisions (the draft as
 * finalized, or an officer's edited text), and the HTML rendering of either
 * as a printable page (md4c; raw HTML in an edited report is not passed
 * through).
 */
#include "app/incident_int.h"

#include <inttypes.h>
#include <md4c-html.h>
#include <muster/mem.h>
#include <muster/register.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

#define REPORT_MAX (16u * 1024 * 1024)

/* Text for a table cell: no '|' and no line breaks. */
static void cell(struct mu_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            mu_buf_adds(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            mu_buf_addc(b, ' ');
        else
            mu_buf_addc(b, *s);
    }
}

static const char *event_label(const char *kind)
{
    static const struct {
        const char *kind, *label;
    } t[] = {
        {"opened", "接报"},          {"policy", "适用升级策略"},  {"policy.none", "升级策略"},
        {"step", "逐级通知"},        {"step.empty", "通知空缺"},  {"step.timeout", "确认超时"},
        {"notify.sent", "发出通知"}, {"notify.delivered", "送达"}, {"notify.retry", "重试"},
        {"notify.failed", "发送失败"}, {"notify.lost", "发送中断"}, {"ack", "确认收到"},
        {"chain.stopped", "停止升级"}, {"chain.done", "通知完毕"}, {"chain.exhausted", "升级用尽"},
        {"deadline.met", "按时完成"}, {"deadline.missed", "超时"}, {"deadline.late", "超时后完成"},
        {"deadline.nobody", "无接收人"}, {"status", "状态变更"}, {"activated", "启动响应"},
        {"task.done", "任务完成"},   {"arrived", "到达现场"},     {"attachment", "附件"},
        {"note", "记录"},            {"call", "电话"},            {"decision", "决定"},
        {"closed", "终止响应"},      {"reopened", "重新打开"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].kind, kind) == 0)
            return t[i].label;
    return kind;
}

static void fields_line(struct mu_buf *b, const struct inc *c)
{
    int any = 0;
    for (size_t i = 0; i < c->plan->nfields; i++) {
        char pat[80];
        snprintf(pat, sizeof(pat), "\"%s\":", c->plan->fields[i].key);
        const char *at = strstr(c->row.fields_json, pat);
        if (!at)
            continue;
        at += strlen(pat);
        size_t len = strcspn(at, ",}");
        if (*at == '"') {
            const char *end = strchr(at + 1, '"');
            at++;
            len = end ? (size_t)(end - at) : len;
        }
        mu_buf_printf(b, "%s%s %.*s", any ? "，" : "", c->plan->fields[i].label, (int)len, at);
        any = 1;
    }
    if (any)
        mu_buf_adds(b, "。");
}

/*
 * 五、资源使用: every resource movement assigned to or returned from incident
 * @p id (name, quantity, unit of measure, which, by whom, when), per
 * resource in the register's order and oldest first, then what is still
 * out; "无。" when there are none.
 */
static enum mu_err resources_section(struct mu_store *s, int64_t id, struct mu_buf *b,
                                     struct mu_error *err)
{
    struct mu_resource *res = NULL;
    size_t nres = 0, rows = 0;
    struct mu_buf totals;
    char t[17];
    enum mu_err rc = mu_store_resource_list(s, &res, &nres, err);
    if (rc)
        return rc;
    mu_buf_init(&totals, REPORT_MAX);
    mu_buf_adds(b, "\n## 五、资源使用\n\n");
    for (size_t i = 0; i < nres && rc == MU_OK; i++) {
        struct mu_resource_movement *mv = NULL;
        size_t nmv = 0;
        int64_t out = 0, back = 0;
        if ((rc = mu_store_resource_movements(s, res[i].id, &mv, &nmv, err)))
            break;
        for (size_t k = 0; k < nmv; k++) {
            if (mv[k].incident != id ||
                (mv[k].kind != MU_MOVE_ASSIGN && mv[k].kind != MU_MOVE_RETURN))
                continue;
            int64_t q = mv[k].delta < 0 ? -mv[k].delta : mv[k].delta;
            if (!rows++)
                mu_buf_adds(b, "| 资源 | 数量 | 单位 | 调用/归还 | 经办人 | 时间 |\n"
                               "|---|---|---|---|---|---|\n");
            inc_hm(mv[k].at, t);
            mu_buf_adds(b, "| ");
            cell(b, res[i].name);
            mu_buf_printf(b, " | %" PRId64 " | ", q);
            cell(b, res[i].unit_of_measure);
            mu_buf_printf(b, " | %s | ", mv[k].kind == MU_MOVE_ASSIGN ? "调用" : "归还");
            cell(b, mv[k].actor);
            mu_buf_printf(b, " | %s |\n", t);
            if (mv[k].kind == MU_MOVE_ASSIGN)
                out += q;
            else
                back += q;
        }
        mu_resource_movements_free(mv, nmv);
        if (out || back)
            mu_buf_printf(&totals, "- %s：调用 %" PRId64 " %s，归还 %" PRId64 " %s，未归还 %" PRId64
                                   " %s\n",
                          res[i].name, out, res[i].unit_of_measure, back, res[i].unit_of_measure,
                          out - back, res[i].unit_of_measure);
    }
    if (rc == MU_OK && !rows)
        mu_buf_adds(b, "无。\n");
    else if (rc == MU_OK && totals.ptr)
        mu_buf_printf(b, "\n合计：\n\n%s", totals.ptr);
    mu_buf_release(&totals);
    mu_resources_free(res, nres);
    return rc;
}

enum mu_err mu_app_incident_report_draft(struct mu_store *s, int64_t id, char **out,
                                         struct mu_error *err)
{
    struct inc c;
    struct mu_incident_event *ev = NULL;
    struct mu_incident_deadline *dl = NULL;
    struct mu_incident_task *tasks = NULL;
    struct mu_incident_attachment *att = NULL;
    size_t nev = 0, ndl = 0, ntasks = 0, natt = 0;
    struct mu_buf b;
    char t1[17], t2[17];
    *out = NULL;
    enum mu_err rc = inc_load(s, id, 0, &c, err);
    if (rc)
        return rc;
    if ((rc = mu_store_incident_events(s, id, &ev, &nev, err)) ||
        (rc = mu_store_incident_deadlines(s, id, &dl, &ndl, err)) ||
        (rc = mu_store_incident_tasks(s, id, &tasks, &ntasks, err)) ||
        (rc = mu_store_incident_attachments(s, id, &att, &natt, err)))
        goto out;
    const struct mu_incident *r = &c.row;
    const struct mu_plan *plan = c.plan;
    const char *kind = inc_kind_name(plan, r->kind);
    mu_buf_init(&b, REPORT_MAX);

    mu_buf_printf(&b, "# 关于%s%s事件的书面报告\n\n", r->place, kind);
    mu_buf_printf(&b, "%s：事件编号 %" PRId64 "，依据《%s》（第 %d 版）处置。\n\n",
                  plan->org.name, r->id, plan->title, r->plan_version);

    mu_buf_adds(&b, "## 一、事件概况\n\n");
    inc_hm(r->occurred_at, t1);
    inc_hm(r->reported_at, t2);
    mu_buf_printf(&b, "%s，%s发生%s", t1, r->place, kind);
    if (*r->level)
        mu_buf_printf(&b, "（%s）", inc_level_name(plan, r->level));
    mu_buf_adds(&b, "。");
    fields_line(&b, &c);
    mu_buf_printf(&b, "%s 接报，报告人 %s。", t2, inc_person_name(plan, r->reporter));
    if (r->activated_at) {
        inc_hm(r->activated_at, t1);
        mu_buf_printf(&b, "%s，%s 宣布启动应急响应。", t1,
                      inc_person_name(plan, r->activated_by));
    }
    if (r->closed_at) {
        inc_hm(r->closed_at, t1);
        mu_buf_printf(&b, "%s 终止应急响应", t1);
        if (strcmp(r->criteria_json, "[]"))
            mu_buf_printf(&b, "，满足终止条件：%s", r->criteria_json);
        mu_buf_adds(&b, "。");
    } else {
        mu_buf_printf(&b, "目前事件状态：%s。", mu_incident_state_label(r->state));
    }
    mu_buf_adds(&b, "\n\n## 二、处置经过\n\n| 时间 | 事项 | 人员 | 渠道 | 内容 |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < nev; i++) {
        inc_hm(ev[i].at, t1);
        mu_buf_printf(&b, "| %s | %s | ", t1, event_label(ev[i].kind));
        cell(&b, *ev[i].person ? inc_person_name(plan, ev[i].person) : "");
        mu_buf_adds(&b, " | ");
        cell(&b, ev[i].channel);
        mu_buf_adds(&b, " | ");
        cell(&b, ev[i].text);
        mu_buf_adds(&b, " |\n");
    }

    mu_buf_adds(&b, "\n## 三、各工作组处置情况\n\n");
    if (!ntasks)
        mu_buf_adds(&b, "本事件未启动应急响应，没有工作组任务记录。\n");
    for (size_t i = 0; i < ntasks; i++) {
        if (i == 0 || strcmp(tasks[i].team, tasks[i - 1].team) != 0) {
            const struct mu_plan_team *t = mu_plan_team(plan, tasks[i].team);
            mu_buf_printf(&b, "%s### %s（组长：%s）\n\n", i ? "\n" : "", t ? t->name : tasks[i].team,
                          inc_person_name(plan, tasks[i].owner));
        }
        if (tasks[i].done_at) {
            inc_hm(tasks[i].done_at, t1);
            mu_buf_printf(&b, "- [x] %s（%s 完成，%s）\n", tasks[i].text, t1 + 11,
                          inc_person_name(plan, tasks[i].done_by));
        } else {
            mu_buf_printf(&b, "- [ ] %s（未记录完成）\n", tasks[i].text);
        }
    }

    size_t met = 0, missed = 0, late = 0, pending = 0;
    mu_buf_adds(&b, "\n## 四、报告与响应时限\n\n");
    if (!ndl)
        mu_buf_adds(&b, "预案没有为本事件设定时限。\n");
    else
        mu_buf_adds(&b, "| 时限 | 要求时间 | 完成时间 | 结果 |\n|---|---|---|---|\n");
    for (size_t i = 0; i < ndl; i++) {
        const char *verdict = "未判定";
        char lateby[64] = "";
        inc_hm(dl[i].due_at, t1);
        if (dl[i].met_at)
            inc_hm(dl[i].met_at, t2);
        else
            snprintf(t2, sizeof(t2), "—");
        if (dl[i].state == MU_DL_MET) {
            verdict = "按时";
            met++;
        } else if (dl[i].state == MU_DL_MISSED && dl[i].met_at) {
            snprintf(lateby, sizeof(lateby), "超时（迟 %" PRId64 " 分钟）",
                     (dl[i].met_at - dl[i].due_at + 59999) / 60000);
            verdict = lateby;
            late++;
        } else if (dl[i].state == MU_DL_MISSED) {
            verdict = "超时未完成";
            missed++;
        } else {
            pending++;
        }
        mu_buf_adds(&b, "| ");
        cell(&b, dl[i].name);
        mu_buf_printf(&b, " | %s | %s | %s |\n", t1, t2, verdict);
    }
    if (ndl)
        mu_buf_printf(&b, "\n共 %zu 项：按时 %zu 项，超时后完成 %zu 项，超时未完成 %zu 项，未判定 %zu 项。\n",
                      ndl, met, late, missed, pending);

    if ((rc = resources_section(s, id, &b, err))) {
        mu_buf_release(&b);
        goto out;
    }

    mu_buf_adds(&b, "\n## 六、后续工作\n\n");
    size_t follow = 0;
    for (size_t i = 0; i < ntasks; i++)
        if (!tasks[i].done_at) {
            const struct mu_plan_team *t = mu_plan_team(plan, tasks[i].team);
            mu_buf_printf(&b, "- 落实%s未完成任务：%s\n", t ? t->name : tasks[i].team,
                          tasks[i].text);
            follow++;
        }
    for (size_t i = 0; i < ndl; i++)
        if (dl[i].state == MU_DL_MISSED) {
            mu_buf_printf(&b, "- 查明“%s”超时原因，核对联系方式和值班安排，完善报告流程\n",
                          dl[i].name);
            follow++;
        }
    if (!follow)
        mu_buf_adds(&b, "无。\n");

    if (natt) {
        mu_buf_adds(&b, "\n## 七、附件\n\n");
        for (size_t i = 0; i < natt; i++)
            mu_buf_printf(&b, "%zu. %s（%" PRId64 " 字节，SHA-256 `%s`）\n", i + 1, att[i].name,
                          att[i].size, att[i].sha256);
    }
    if (!b.ptr) {
        rc = mu_error_set(err, MU_ELIMIT, "report of incident %" PRId64 " is too large", id);
        mu_buf_release(&b);
        goto out;
    }
    *out = mu_buf_detach(&b);
out:
    mu_incident_events_free(ev, nev);
    mu_incident_deadlines_free(dl, ndl);
    mu_incident_tasks_free(tasks, ntasks);
    mu_incident_attachments_free(att, natt);
    inc_release(&c);
    return rc;
}

enum mu_err mu_app_incident_report_finalize(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t id, int *revision, struct mu_error *err)
{
    char *draft = NULL;
    enum mu_err rc = mu_store_begin(s, err);
    if (rc)
        return rc;
    rc = mu_app_incident_report_draft(s, id, &draft, err);
    if (rc == MU_OK)
        rc = mu_store_incident_report_add(s, actor, id, draft, "draft", revision, err);
    if (rc == MU_OK)
        rc = mu_store_commit(s, err);
    else
        mu_store_rollback(s);
    mu_free(draft);
    return rc;
}

static int valid_utf8_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p >= 0xC2 && *p <= 0xDF) ? 1 : (*p >= 0xE0 && *p <= 0xEF) ? 2
                                                          : (*p >= 0xF0 && *p <= 0xF4) ? 3 : -1;
        if (n < 0 || (n == 0 && *p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t'))
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

enum mu_err mu_app_incident_report_edit(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const char *body, int *revision,
                                        struct mu_error *err)
{
    struct mu_incident row = {0};
    if (!body || !*body)
        return mu_error_field(err, MU_EINVAL, "report", "the edited report is empty");
    if (strlen(body) > MU_INCIDENT_MAX_REPORT)
        return mu_error_field(err, MU_ELIMIT, "report", "the edited report is over %u bytes",
                              MU_INCIDENT_MAX_REPORT);
    if (!valid_utf8_text(body))
        return mu_error_field(err, MU_EINVAL, "report",
                              "the edited report is not UTF-8 text (Markdown)");
    enum mu_err rc = mu_store_incident_get(s, id, 0, &row, err);
    mu_incident_release(&row);
    if (rc == MU_OK)
        rc = mu_store_incident_report_add(s, actor, id, body, "edit", revision, err);
    return rc;
}

static void md_out(const MD_CHAR *text, MD_SIZE size, void *ud)
{
    mu_buf_add(ud, text, size);
}

static const char page_css[] =
    "body{font-family:\"Songti SC\",\"SimSun\",serif;max-width:48em;margin:2em auto;"
    "line-height:1.7;color:#111}h1{text-align:center;font-size:1.6em}h2{font-size:1.2em;"
    "margin-top:1.6em}table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border:1px solid #888;padding:.2em .4em;vertical-align:top}"
    "@media print{body{margin:0}}";

enum mu_err mu_app_incident_report(struct mu_store *s, int64_t id, int revision,
                                   enum mu_report_format fmt, char **out, struct mu_error *err)
{
    struct mu_incident_report rep = {0};
    char *md = NULL;
    int found = 0;
    enum mu_err rc = MU_OK;
    *out = NULL;
    if (revision >= 0)
        rc = mu_store_incident_report_get(s, id, revision, &found, &rep, err);
    if (rc)
        return rc;
    if (revision > 0 && !found)
        return mu_error_set(err, MU_ENOTFOUND, "incident %" PRId64 " has no report revision %d",
                            id, revision);
    if (found) {
        md = rep.body_md;
        rep.body_md = NULL;
    } else if ((rc = mu_app_incident_report_draft(s, id, &md, err))) {
        return rc;
    }
    mu_incident_report_release(&rep);
    if (fmt == MU_REPORT_MD) {
        *out = md;
        return MU_OK;
    }
    struct mu_buf b;
    mu_buf_init(&b, REPORT_MAX * 2);
    mu_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>事件 %" PRId64 " 书面报告</title>\n<style>%s</style>\n</head>\n<body>\n",
                  id, page_css);
    if (md_html(md, (MD_SIZE)strlen(md), md_out, &b, MD_DIALECT_GITHUB | MD_FLAG_NOHTML, 0) != 0)
        rc = mu_error_set(err, MU_EINTERNAL, "cannot render the report of incident %" PRId64, id);
    mu_buf_adds(&b, "</body>\n</html>\n");
    mu_free(md);
    if (rc == MU_OK && !b.ptr)
        rc = mu_error_set(err, MU_ELIMIT, "report of incident %" PRId64 " is too large", id);
    if (rc == MU_OK)
        *out = mu_buf_detach(&b);
    mu_buf_release(&b);
    return rc;
}
