/* SPDX-License-Identifier: MIT */
/*
 * A plan as one readable document, in Markdown or in self-contained printable
 * HTML (A4, 公文-like: centred title, FangSong body, bordered tables): basic
 * facts, units, teams with their members and duties, levels, incident kinds,
 * duty, check-ins, escalation in words, procedures, termination, then the
 * Markdown body as written (md4c-html for HTML, raw HTML in it disabled).
 *
 * A small writer hides the format: lit() appends generated labels (trusted,
 * Chinese with full-width punctuation, never spaces between CJK), val()
 * appends a plan value escaped for the format. Pure: model in, string out.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/plan.h>
#include <md4c-html.h>
#include <stdio.h>
#include <string.h>

#include "core/plan_model.h"
#include "util/buf.h"
#include "util/banned.h"

#define RENDER_MAX (64u * 1024 * 1024)

struct w {
    struct mu_buf b;
    enum mu_plan_format f;
    enum mu_err rc;        /* sticky */
    const struct mu_plan *p;
    int item;              /* number of the next ordered-list item (Markdown) */
    int ordered;
    /* md4c output filter: a soft line break between two CJK characters is
     * dropped, because browsers show it as a space inside Chinese text. */
    int nl_pending;        /* a lone "\n" chunk waits for the next chunk */
    int last_cjk;          /* the last character written was CJK */
    int in_pre;            /* inside <pre>: line breaks are kept */
};

static void raw(struct w *w, const char *s, size_t n)
{
    if (!w->rc)
        w->rc = mu_buf_add(&w->b, s, n);
}

/* Generated text: labels and punctuation. */
static void lit(struct w *w, const char *s)
{
    raw(w, s, strlen(s));
}

static void litf(struct w *w, const char *fmt, ...) MU_PRINTF(2, 3);
static void litf(struct w *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!w->rc)
        w->rc = mu_buf_vprintf(&w->b, fmt, ap);
    va_end(ap);
}

static int ascii_word(unsigned char c)
{
    return c < 0x80 && c != ' ' && c != '\n' && c != '\r' && c != '\t';
}

/*
 * A value from the plan, on one line: a line break becomes a space between
 * two ASCII words and disappears between CJK text; surrounding blanks go.
 * Escaped for HTML, or backslash-escaped for Markdown inline text.
 */
static void val(struct w *w, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    while (n && (*s == '\n' || *s == ' ')) {
        s++;
        n--;
    }
    for (size_t i = 0; i < n && !w->rc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r')
            continue;
        if (c == '\n') {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\n' || s[j] == '\r'))
                j++;
            if (i > 0 && j < n && ascii_word((unsigned char)s[i - 1]) &&
                ascii_word((unsigned char)s[j]))
                lit(w, " ");
            i = j - 1;
            continue;
        }
        if (w->f == MU_PLAN_HTML) {
            w->rc = mu_buf_add_html(&w->b, s + i, 1);
        } else {
            if (strchr("\\`*_[]<>|#!", c))
                lit(w, "\\");
            raw(w, s + i, 1);
        }
    }
}

/* ---- blocks ---------------------------------------------------------- */

static void heading(struct w *w, int level, const char *text)
{
    if (w->f == MU_PLAN_HTML) {
        litf(w, "<h%d>", level);
        lit(w, text);
        litf(w, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            lit(w, "#");
        lit(w, " ");
        lit(w, text);
        lit(w, "\n\n");
    }
}

/* A heading whose text is a plan value, with an optional generated suffix. */
static void heading_val(struct w *w, int level, const char *v, const char *suffix)
{
    if (w->f == MU_PLAN_HTML) {
        litf(w, "<h%d>", level);
        val(w, v);
        lit(w, suffix);
        litf(w, "</h%d>\n", level);
    } else {
        for (int i = 0; i < level; i++)
            lit(w, "#");
        lit(w, " ");
        val(w, v);
        lit(w, suffix);
        lit(w, "\n\n");
    }
}

static void p_begin(struct w *w)
{
    if (w->f == MU_PLAN_HTML)
        lit(w, "<p>");
}

static void p_end(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "</p>\n" : "\n\n");
}

static void table_begin(struct w *w, const char *const *heads, size_t n)
{
    if (w->f == MU_PLAN_HTML) {
        lit(w, "<table>\n<thead><tr>");
        for (size_t i = 0; i < n; i++) {
            lit(w, "<th>");
            lit(w, heads[i]);
            lit(w, "</th>");
        }
        lit(w, "</tr></thead>\n<tbody>\n");
    } else {
        for (size_t i = 0; i < n; i++) {
            lit(w, "| ");
            lit(w, heads[i]);
            lit(w, " ");
        }
        lit(w, "|\n");
        for (size_t i = 0; i < n; i++)
            lit(w, "|---");
        lit(w, "|\n");
    }
}

static void row_begin(struct w *w)
{
    if (w->f == MU_PLAN_HTML)
        lit(w, "<tr>");
}

static void cell_begin(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "<td>" : "| ");
}

static void cell_end(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "</td>" : " ");
}

static void row_end(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "</tr>\n" : "|\n");
}

static void table_end(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "</tbody>\n</table>\n" : "\n");
}

/* One cell holding a value; "" when NULL. */
static void cell(struct w *w, const char *v)
{
    cell_begin(w);
    val(w, v);
    cell_end(w);
}

static void cell_lit(struct w *w, const char *s)
{
    cell_begin(w);
    lit(w, s);
    cell_end(w);
}

static void list_begin(struct w *w, int ordered)
{
    w->ordered = ordered;
    w->item = 1;
    if (w->f == MU_PLAN_HTML)
        lit(w, ordered ? "<ol>\n" : "<ul>\n");
}

static void li_begin(struct w *w)
{
    if (w->f == MU_PLAN_HTML)
        lit(w, "<li>");
    else if (w->ordered)
        litf(w, "%d. ", w->item++);
    else
        lit(w, "- ");
}

static void li_end(struct w *w)
{
    lit(w, w->f == MU_PLAN_HTML ? "</li>\n" : "\n");
}

static void list_end(struct w *w)
{
    if (w->f == MU_PLAN_HTML)
        lit(w, w->ordered ? "</ol>\n" : "</ul>\n");
    else
        lit(w, "\n");
}

static void text_list(struct w *w, const struct mu_plan_strs *s)
{
    list_begin(w, 1);
    for (size_t i = 0; i < s->n; i++) {
        li_begin(w);
        val(w, s->v[i].s);
        li_end(w);
    }
    list_end(w);
}

/* ---- words ----------------------------------------------------------- */

static void clock(struct w *w, int minutes)
{
    litf(w, "%02d:%02d", minutes / 60, minutes % 60);
}

static void window(struct w *w, const struct mu_plan_window *win)
{
    clock(w, win->start);
    lit(w, win->end <= win->start ? "至次日" : "至");
    clock(w, win->end);
}

static void duration(struct w *w, int64_t s)
{
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = {{7 * 86400, "周"}, {86400, "天"}, {3600, "小时"}, {60, "分钟"}, {1, "秒"}};
    if (s <= 0) {
        lit(w, "0分钟");
        return;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (s >= units[i].secs) {
            litf(w, "%lld%s", (long long)(s / units[i].secs), units[i].unit);
            s %= units[i].secs;
        }
    }
}

static void person_words(struct w *w, const char *id, int with_title)
{
    const struct mu_plan_person *pe = mu_plan_person(w->p, id);
    if (!pe) {
        val(w, id);
        return;
    }
    val(w, pe->name);
    if (with_title && pe->title) {
        lit(w, "（");
        val(w, pe->title);
        lit(w, "）");
    }
}

static void team_name(struct w *w, const char *id)
{
    const struct mu_plan_team *t = mu_plan_team(w->p, id);
    val(w, t ? t->name : id);
}

static void target(struct w *w, const struct mu_plan_target *t)
{
    switch (t->kind) {
    case MU_TARGET_PERSON: person_words(w, t->ref, 1); break;
    case MU_TARGET_TEAM:
        team_name(w, t->ref);
        lit(w, "全体成员");
        break;
    case MU_TARGET_LEADER: {
        const struct mu_plan_team *tm = mu_plan_team(w->p, t->ref);
        team_name(w, t->ref);
        lit(w, "组长");
        if (tm && tm->leader.s) {
            lit(w, "（");
            person_words(w, tm->leader.s, 0);
            lit(w, "）");
        }
        break;
    }
    case MU_TARGET_ROLE:
        lit(w, "当班");
        val(w, t->ref);
        break;
    case MU_TARGET_DUTY: lit(w, "当班值班人员"); break;
    }
}

static void targets(struct w *w, const struct mu_plan_targets *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            lit(w, "、");
        target(w, &t->v[i]);
    }
}

static void unit_names(struct w *w, const struct mu_plan_strs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct mu_plan_unit *u = mu_plan_unit(w->p, s->v[i].s);
        if (i)
            lit(w, "、");
        val(w, u ? u->name : s->v[i].s);
    }
}

static void kind_names(struct w *w, const struct mu_plan_strs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *name = s->v[i].s;
        for (size_t k = 0; k < w->p->nkinds; k++)
            if (strcmp(w->p->kinds[k].id, s->v[i].s) == 0)
                name = w->p->kinds[k].name;
        if (i)
            lit(w, "、");
        val(w, name);
    }
}

static const char *field_type_name(enum mu_field_type t)
{
    return t == MU_FIELD_COUNT ? "计数" : t == MU_FIELD_NUMBER ? "数值" : "文字";
}

static const char *field_label(const struct mu_plan *p, const char *key)
{
    for (size_t i = 0; i < p->nfields; i++)
        if (strcmp(p->fields[i].key, key) == 0)
            return p->fields[i].label;
    return key;
}

static const char *op_words(enum mu_cond_op op)
{
    switch (op) {
    case MU_OP_GE: return "不少于";
    case MU_OP_GT: return "多于";
    case MU_OP_LE: return "不超过";
    case MU_OP_LT: return "少于";
    case MU_OP_EQ: return "等于";
    case MU_OP_NE: return "不等于";
    }
    return "";
}

/* ---- sections -------------------------------------------------------- */

static void row2(struct w *w, const char *label, const char *v)
{
    if (!v)
        return;
    row_begin(w);
    cell_lit(w, label);
    cell(w, v);
    row_end(w);
}

static void sec_basic(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"项目", "内容"};
    heading(w, 2, "基本信息");
    table_begin(w, h, 2);
    row2(w, "单位名称", p->org.name);
    row2(w, "值班电话", p->org.phone);
    row2(w, "地址", p->org.address);
    row2(w, "上级主管部门", p->org.higher_authority);
    row2(w, "时区", p->org.timezone);
    row2(w, "预案编号", p->id);
    table_end(w);
}

static void sec_units(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"单位", "上级单位", "负责人", "联系电话"};
    if (!p->nunits)
        return;
    heading(w, 2, "组织机构");
    table_begin(w, h, 4);
    for (size_t i = 0; i < p->nunits; i++) {
        const struct mu_plan_unit *u = &p->units[i];
        const struct mu_plan_person *head = u->head.s ? mu_plan_person(p, u->head.s) : NULL;
        row_begin(w);
        cell_begin(w);
        for (int d = 0; d < u->depth; d++)
            lit(w, "\xe3\x80\x80"); /* U+3000 ideographic space: shows the tree */
        val(w, u->name);
        cell_end(w);
        cell(w, u->parent >= 0 ? p->units[u->parent].name : NULL);
        cell_begin(w);
        if (head)
            person_words(w, head->id, 1);
        cell_end(w);
        cell(w, head ? head->phone : NULL);
        row_end(w);
    }
    table_end(w);
}

static void member_row(struct w *w, const char *role, const char *id)
{
    const struct mu_plan_person *pe = mu_plan_person(w->p, id);
    row_begin(w);
    cell_lit(w, role);
    cell(w, pe ? pe->name : id);
    cell(w, pe ? pe->title : NULL);
    cell(w, pe ? pe->phone : NULL);
    row_end(w);
}

static void sec_teams(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"组内职务", "姓名", "职务", "联系电话"};
    heading(w, 2, "应急组织与职责");
    for (size_t i = 0; i < p->nteams; i++) {
        const struct mu_plan_team *t = &p->teams[i];
        heading_val(w, 3, t->name, "");
        table_begin(w, h, 4);
        member_row(w, "组长", t->leader.s);
        for (size_t k = 0; k < t->deputies.n; k++)
            member_row(w, "副组长", t->deputies.v[k].s);
        for (size_t k = 0; k < t->members.n; k++)
            member_row(w, "成员", t->members.v[k].s);
        table_end(w);
        if (t->duties.n) {
            p_begin(w);
            lit(w, "职责：");
            p_end(w);
            text_list(w, &t->duties);
        }
        if (t->areas.n) {
            p_begin(w);
            lit(w, "责任区域：");
            unit_names(w, &t->areas);
            lit(w, "。");
            p_end(w);
        }
    }
}

static void sec_levels(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"级别", "名称", "说明", "指挥"};
    if (!p->nlevels)
        return;
    heading(w, 2, "响应分级");
    table_begin(w, h, 4);
    for (size_t i = 0; i < p->nlevels; i++) {
        const struct mu_plan_level *l = &p->levels[i];
        row_begin(w);
        cell(w, l->id);
        cell(w, l->name);
        cell(w, l->description);
        cell_begin(w);
        if (l->has_lead)
            target(w, &l->lead);
        cell_end(w);
        row_end(w);
    }
    table_end(w);
}

static void sec_incidents(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"字段", "名称", "类型"};
    if (!p->nkinds)
        return;
    heading(w, 2, "事件类型");
    p_begin(w);
    lit(w, "本预案适用的事件类型：");
    for (size_t i = 0; i < p->nkinds; i++) {
        if (i)
            lit(w, "、");
        val(w, p->kinds[i].name);
    }
    lit(w, "。");
    p_end(w);
    if (!p->nfields)
        return;
    p_begin(w);
    lit(w, "接报时登记：");
    p_end(w);
    table_begin(w, h, 3);
    for (size_t i = 0; i < p->nfields; i++) {
        row_begin(w);
        cell(w, p->fields[i].key);
        cell(w, p->fields[i].label);
        cell_lit(w, field_type_name(p->fields[i].type));
        row_end(w);
    }
    table_end(w);
}

static void sec_duty(struct w *w)
{
    const struct mu_plan_duty *d = &w->p->duty;
    static const char *const h[] = {"岗位", "值班人员", "每班人数"};
    static const char *const hu[] = {"人员", "开始日期", "结束日期", "事由"};
    if (!d->present)
        return;
    heading(w, 2, "值班安排");
    p_begin(w);
    if (d->pattern == MU_DUTY_24H) {
        lit(w, "实行24小时值班，每日");
        clock(w, d->start);
        lit(w, "交接班。");
    } else {
        lit(w, "实行白班、夜班两班制，白班");
        clock(w, d->start);
        lit(w, "起，夜班");
        clock(w, d->night_start);
        lit(w, "起。");
    }
    lit(w, "值班前");
    duration(w, d->reminder_before);
    lit(w, "提醒当班人员");
    lit(w, d->no_consecutive_nights ? "，不安排连续夜班。" : "。");
    p_end(w);
    table_begin(w, h, 3);
    for (size_t i = 0; i < d->npools; i++) {
        const struct mu_plan_pool *pool = &d->pools[i];
        row_begin(w);
        cell(w, pool->role);
        cell_begin(w);
        for (size_t k = 0; k < pool->people.n; k++) {
            if (k)
                lit(w, "、");
            person_words(w, pool->people.v[k].s, 0);
        }
        cell_end(w);
        cell_begin(w);
        litf(w, "%lld", (long long)pool->per_shift);
        cell_end(w);
        row_end(w);
    }
    table_end(w);
    if (!d->nunavailable)
        return;
    p_begin(w);
    lit(w, "不能值班：");
    p_end(w);
    table_begin(w, hu, 4);
    for (size_t i = 0; i < d->nunavailable; i++) {
        const struct mu_plan_unavailable *u = &d->unavailable[i];
        char from[11], to[11];
        mu_date_format(u->from, from);
        mu_date_format(u->to, to);
        row_begin(w);
        cell_begin(w);
        person_words(w, u->person.s, 0);
        cell_end(w);
        cell_lit(w, from);
        cell_lit(w, to);
        cell(w, u->reason);
        row_end(w);
    }
    table_end(w);
}

static void sec_checkins(struct w *w)
{
    const struct mu_plan *p = w->p;
    if (!p->ncheckins)
        return;
    heading(w, 2, "定时报告");
    for (size_t i = 0; i < p->ncheckins; i++) {
        const struct mu_plan_checkin *c = &p->checkins[i];
        heading_val(w, 3, c->name, "");
        list_begin(w, 0);
        li_begin(w);
        lit(w, "报告单位：");
        if (c->all_units)
            lit(w, "全部单位");
        else
            unit_names(w, &c->units);
        li_end(w);
        li_begin(w);
        lit(w, "报告时间：");
        lit(w, c->days == MU_DAYS_WORKDAYS ? "工作日" : "每天");
        for (size_t k = 0; k < c->ntimes; k++) {
            if (k)
                lit(w, "、");
            clock(w, c->times[k].minutes);
        }
        if (c->grace > 0) {
            lit(w, "（宽限");
            duration(w, c->grace);
            lit(w, "）");
        }
        li_end(w);
        if (c->nfields) {
            li_begin(w);
            lit(w, "报告内容：");
            for (size_t k = 0; k < c->nfields; k++) {
                if (k)
                    lit(w, "、");
                val(w, c->fields[k].label);
                lit(w, "（");
                lit(w, field_type_name(c->fields[k].type));
                if (c->fields[k].max)
                    litf(w, "，不超过%lld字", (long long)c->fields[k].max);
                lit(w, "）");
            }
            lit(w, "；无事项也须报告（零报告）");
            li_end(w);
        }
        if (c->nreporters) {
            li_begin(w);
            lit(w, "报告人：");
            for (size_t k = 0; k < c->nreporters; k++) {
                const struct mu_plan_unit *u = mu_plan_unit(p, c->reporters[k].unit.s);
                if (k)
                    lit(w, "；");
                val(w, u ? u->name : c->reporters[k].unit.s);
                lit(w, "：");
                person_words(w, c->reporters[k].person.s, 0);
            }
            li_end(w);
        }
        if (c->has_summary) {
            li_begin(w);
            lit(w, "汇总：");
            clock(w, c->summary_at);
            lit(w, "汇总后报送");
            targets(w, &c->summary_to);
            li_end(w);
        }
        list_end(w);
    }
}

static void conditions(struct w *w, const struct mu_plan_policy *e)
{
    int n = 0;
    p_begin(w);
    lit(w, "启动条件：");
    if (e->kinds.n) {
        lit(w, "事件类型为");
        kind_names(w, &e->kinds);
        n++;
    }
    if (e->levels.n) {
        lit(w, n++ ? "；响应级别为" : "响应级别为");
        for (size_t i = 0; i < e->levels.n; i++) {
            if (i)
                lit(w, "、");
            val(w, e->levels.v[i].s);
            lit(w, "级");
        }
    }
    if (e->has_time) {
        lit(w, n++ ? "；时段为" : "时段为");
        window(w, &e->time);
    }
    for (size_t i = 0; i < e->nconds; i++) {
        const struct mu_plan_cond *c = &e->conds[i];
        char num[40];
        snprintf(num, sizeof(num), "%.15g", c->value);
        if (n++)
            lit(w, "；");
        val(w, field_label(w->p, c->field.s));
        lit(w, op_words(c->op));
        lit(w, num);
    }
    lit(w, n ? "。" : "所有事件。");
    p_end(w);
}

/* Known channel types in Chinese; anything else as written. */
static void channel_words(struct w *w, const char *ch)
{
    static const char *const names[][2] = {
        {"sms", "短信"},       {"phone", "电话"},  {"email", "电子邮件"}, {"wecom", "企业微信"},
        {"dingtalk", "钉钉"}, {"feishu", "飞书"}, {"webhook", "Webhook"}, {"console", "控制台"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(ch, names[i][0]) == 0) {
            lit(w, names[i][1]);
            return;
        }
    }
    val(w, ch);
}

static void steps(struct w *w, const struct mu_plan_policy *e)
{
    p_begin(w);
    lit(w, "处置步骤：");
    p_end(w);
    list_begin(w, 1);
    for (size_t i = 0; i < e->nsteps; i++) {
        const struct mu_plan_step *s = &e->steps[i];
        li_begin(w);
        if (s->channel) {
            lit(w, "通过");
            channel_words(w, s->channel);
        }
        lit(w, "通知");
        targets(w, &s->notify);
        if (s->ack_within >= 0) {
            lit(w, "，");
            duration(w, s->ack_within);
            lit(w, "内");
            if (s->ack_count > 1)
                litf(w, "须有%lld人", (long long)s->ack_count);
            lit(w, "确认");
            if (i + 1 < e->nsteps)
                lit(w, "，否则进入下一步");
        }
        lit(w, "。");
        li_end(w);
    }
    list_end(w);
}

static void sec_escalation(struct w *w)
{
    const struct mu_plan *p = w->p;
    static const char *const h[] = {"环节", "报告对象", "时限"};
    if (!p->npolicies)
        return;
    heading(w, 2, "报告与响应");
    for (size_t i = 0; i < p->npolicies; i++) {
        const struct mu_plan_policy *e = &p->policies[i];
        heading_val(w, 3, e->name ? e->name : e->id, "");
        conditions(w, e);
        steps(w, e);
        if (e->ndeadlines) {
            p_begin(w);
            lit(w, "报告时限（自接报起计）：");
            p_end(w);
            table_begin(w, h, 3);
            for (size_t k = 0; k < e->ndeadlines; k++) {
                row_begin(w);
                cell(w, e->deadlines[k].name);
                cell_begin(w);
                target(w, &e->deadlines[k].to);
                cell_end(w);
                cell_begin(w);
                duration(w, e->deadlines[k].within);
                lit(w, "内");
                cell_end(w);
                row_end(w);
            }
            table_end(w);
        }
        const struct mu_plan_assembly *as = &e->assembly;
        if (as->present) {
            p_begin(w);
            lit(w, "集合：");
            int n = 0;
            if (as->day >= 0) {
                lit(w, "白天");
                duration(w, as->day);
                lit(w, "内");
                n++;
            }
            if (as->night >= 0) {
                lit(w, n++ ? "、夜间" : "夜间");
                if (as->has_night_window) {
                    lit(w, "（");
                    window(w, &as->night_window);
                    lit(w, "）");
                }
                duration(w, as->night);
                lit(w, "内");
            }
            lit(w, n ? "到达现场" : "接到通知后立即到达现场");
            if (as->teams.n) {
                lit(w, "；参加：");
                for (size_t k = 0; k < as->teams.n; k++) {
                    if (k)
                        lit(w, "、");
                    team_name(w, as->teams.v[k].s);
                }
            }
            lit(w, "。");
            p_end(w);
        }
    }
}

static void sec_procedures(struct w *w)
{
    const struct mu_plan *p = w->p;
    if (!p->nprocedures)
        return;
    heading(w, 2, "处置程序");
    for (size_t i = 0; i < p->nprocedures; i++) {
        const struct mu_plan_procedure *pr = &p->procedures[i];
        const struct mu_plan_team *t = mu_plan_team(p, pr->team.s);
        if (w->f == MU_PLAN_HTML)
            lit(w, "<h3>");
        else
            lit(w, "### ");
        val(w, t ? t->name : pr->team.s);
        lit(w, "（适用：");
        if (pr->kinds.n)
            kind_names(w, &pr->kinds);
        else
            lit(w, "所有事件");
        lit(w, "）");
        lit(w, w->f == MU_PLAN_HTML ? "</h3>\n" : "\n\n");
        text_list(w, &pr->tasks);
    }
}

static void sec_termination(struct w *w)
{
    if (!w->p->termination.n)
        return;
    heading(w, 2, "应急终止");
    p_begin(w);
    lit(w, "符合下列条件之一的，经批准后终止应急响应：");
    p_end(w);
    text_list(w, &w->p->termination);
}

/* ---- documents ------------------------------------------------------- */

static const char css[] =
    "@page{size:A4;margin:37mm 26mm 35mm 28mm}\n"
    "body{font-family:\"FangSong\",\"STFangsong\",\"Noto Serif CJK SC\",\"Songti SC\",serif;"
    "font-size:16pt;line-height:1.8;color:#000;background:#fff;max-width:156mm;margin:0 auto}\n"
    "h1{font-size:22pt;text-align:center;font-weight:bold;margin:0.5em 0 0.3em}\n"
    "h2{font-size:16pt;font-weight:bold;margin:1em 0 0.3em;page-break-after:avoid}\n"
    "h3{font-size:16pt;font-weight:bold;margin:0.8em 0 0.2em;page-break-after:avoid}\n"
    "h4,h5,h6{font-size:16pt;font-weight:bold}\n"
    "p{text-indent:2em;margin:0.2em 0}\n"
    ".org{text-align:center;text-indent:0;margin-bottom:1em}\n"
    "table{border-collapse:collapse;width:100%;margin:0.4em 0 0.8em;font-size:12pt}\n"
    "th,td{border:1px solid #000;padding:2pt 6pt;vertical-align:top;text-align:left}\n"
    "th{text-align:center;font-weight:bold}\n"
    "tr{page-break-inside:avoid}\n"
    "td p,li p{text-indent:0}\n"
    "hr{border:0;border-top:1px solid #000;margin:1.5em 0}\n"
    "@media screen{body{margin:2em auto;padding:0 1em}}\n";

/* 1 when code point @p c is a CJK ideograph, kana, or full-width punctuation. */
static int cjk(unsigned c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FA1F);
}

/* The code point starting at @p s (valid UTF-8, @p n > 0 bytes). */
static unsigned utf8_at(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80 || n < 2)
        return s[0];
    if ((s[0] & 0xE0) == 0xC0)
        return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if ((s[0] & 0xF0) == 0xE0 && n >= 3)
        return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    if (n >= 4)
        return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 |
               (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    return s[0];
}

/* The last code point of @p s (@p n > 0 bytes of valid UTF-8). */
static unsigned utf8_last(const unsigned char *s, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && (s[i] & 0xC0) == 0x80)
        i--;
    return utf8_at(s + i, n - i);
}

/* 1 when @p n bytes at @p s contain the NUL-terminated @p needle. */
static int contains(const unsigned char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return 1;
    return 0;
}

static void md_out(const MD_CHAR *text, MD_SIZE n, void *ud)
{
    struct w *w = ud;
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0)
        return;
    if (n == 1 && s[0] == '\n' && !w->in_pre) {
        if (w->nl_pending)
            raw(w, "\n", 1);
        w->nl_pending = 1;
        return;
    }
    if (w->nl_pending) {
        w->nl_pending = 0;
        if (!(w->last_cjk && cjk(utf8_at(s, n))))
            raw(w, "\n", 1);
    }
    if (contains(s, n, "<pre"))
        w->in_pre = 1;
    if (contains(s, n, "</pre>"))
        w->in_pre = 0;
    raw(w, text, n);
    w->last_cjk = cjk(utf8_last(s, n));
}

static void render_doc(struct w *w)
{
    const struct mu_plan *p = w->p;
    if (w->f == MU_PLAN_HTML) {
        lit(w, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">\n<title>");
        val(w, p->title);
        lit(w, "</title>\n<style>\n");
        lit(w, css);
        lit(w, "</style>\n</head>\n<body>\n<h1>");
        val(w, p->title);
        lit(w, "</h1>\n<p class=\"org\">");
        val(w, p->org.name);
        lit(w, "</p>\n");
    } else {
        lit(w, "# ");
        val(w, p->title);
        lit(w, "\n\n");
        val(w, p->org.name);
        lit(w, "\n\n");
    }
    sec_basic(w);
    sec_units(w);
    sec_teams(w);
    sec_levels(w);
    sec_incidents(w);
    sec_duty(w);
    sec_checkins(w);
    sec_escalation(w);
    sec_procedures(w);
    sec_termination(w);
    if (w->f == MU_PLAN_HTML) {
        lit(w, "<hr>\n<div class=\"body\">\n");
        if (!w->rc && p->body_len &&
            md_html(p->body, (MD_SIZE)p->body_len, md_out, w, MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
                    0) != 0 &&
            !w->rc)
            w->rc = MU_EINTERNAL;
        if (w->nl_pending)
            raw(w, "\n", 1);
        lit(w, "</div>\n</body>\n</html>\n");
    } else if (p->body_len) {
        lit(w, "---\n\n");
        raw(w, p->body, p->body_len);
        if (p->body[p->body_len - 1] != '\n')
            lit(w, "\n");
    }
}

enum mu_err mu_plan_render(const struct mu_plan *p, enum mu_plan_format fmt, char **out,
                           struct mu_error *err)
{
    struct w w = {0};
    mu_buf_init(&w.b, RENDER_MAX);
    w.f = fmt;
    w.p = p;
    *out = NULL;
    render_doc(&w);
    if (w.rc) {
        mu_buf_release(&w.b);
        return mu_error_set(err, w.rc, "cannot render plan '%s': %s", p->id, mu_strerror(w.rc));
    }
    *out = mu_buf_detach(&w.b);
    if (!*out)
        return mu_error_set(err, MU_ENOMEM, "cannot render plan '%s': out of memory", p->id);
    return MU_OK;
}
