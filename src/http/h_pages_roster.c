/* SPDX-License-Identifier: MIT */
/*
 * The roster pages (docs/internals/web.md, "Roster and check-in pages"):
 * the month view (GET /roster?month=YYYY-MM[&plan][&shift]) as a calendar
 * grid with each day's shifts, holidays and make-up working days marked;
 * the forms for one chosen shift (override: roster editors, see
 * MU_HTTP_ROSTER_EDIT in duty.h; swap request: everyone) and the pending
 * swap requests with approve/reject
 * (POST /roster/shifts/{id}/override, /roster/swaps, /roster/swaps/{id}/
 * decide; 303 back to the month, or the month again with 400 and the
 * message). Also the dashboard's "on duty now" card.
 */
#include "duty.h"
#include "web.h"

#include <muster/account.h>
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/roster.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

static const char *field(const struct mu_query *q, const char *name)
{
    const char *v = NULL;
    if (mu_query_get(q, name, &v, NULL))
        return NULL;
    return v;
}

/* "YYYY-MM" into the first day of that month; 0 or -1. */
static int parse_month(const char *s, int32_t *first)
{
    char d[11];
    if (!s || strlen(s) != 7)
        return -1;
    snprintf(d, sizeof(d), "%s-01", s);
    return mu_date_parse(d, 10, first, NULL) == MU_OK ? 0 : -1;
}

static void month_str(int32_t first, char out[static 8])
{
    char d[11];
    mu_date_format(first, d);
    memcpy(out, d, 7);
    out[7] = '\0';
}

/*
 * The month's heading from the catalogue's "roster.month": {year} and {m}
 * become numbers, {month} the month's name ("month.N"), so Chinese reads
 * "2026年2月" and English "February 2026". A new JSON string (NULL when out
 * of memory); an over-long text is cut.
 */
static json_t *month_label(const struct mu_webpage *pg, int32_t first)
{
    int y, m, d;
    char year[16], num[4], key[16], out[160];
    mu_date_to_ymd(first, &y, &m, &d);
    snprintf(year, sizeof(year), "%d", y);
    snprintf(num, sizeof(num), "%d", m);
    snprintf(key, sizeof(key), "month.%d", m);
    const char *name = mu_web_t(pg, key);
    const struct {
        const char *pat, *val;
    } sub[] = {{"{year}", year}, {"{m}", num}, {"{month}", name}};
    size_t len = 0;
    const char *t = mu_web_t(pg, "roster.month");
    while (*t && len + 1 < sizeof(out)) {
        const char *val = NULL;
        size_t plen = 0;
        for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]) && !val; i++)
            if (strncmp(t, sub[i].pat, strlen(sub[i].pat)) == 0) {
                val = sub[i].val;
                plen = strlen(sub[i].pat);
            }
        if (val) {
            int w = snprintf(out + len, sizeof(out) - len, "%s", val);
            len += w > 0 ? (size_t)w : 0;
            if (len >= sizeof(out))
                len = sizeof(out) - 1;
            t += plen;
        } else {
            out[len++] = *t++;
        }
    }
    if (*t) { /* cut: drop the last, perhaps partial, UTF-8 sequence */
        while (len > 0 && ((unsigned char)out[len - 1] & 0xC0) == 0x80)
            len--;
        if (len > 0 && (unsigned char)out[len - 1] >= 0xC0)
            len--;
    }
    out[len] = '\0';
    return json_string(out);
}

static int32_t month_add(int32_t first, int delta)
{
    int y, m, d;
    mu_date_to_ymd(first, &y, &m, &d);
    m += delta;
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    return mu_date_from_ymd(y, m, 1);
}

static void hhmm(int64_t ms, char out[static 6])
{
    int minutes = 0;
    mu_local_day(ms, &minutes);
    snprintf(out, 6, "%02u:%02u", (unsigned)minutes / 60 % 100, (unsigned)minutes % 60);
}

/* What a bad form post re-renders with. */
struct form_err {
    const char *field, *key;
};

static json_t *plan_people(struct mu_store *s, const char *plan_id, const char *pool)
{
    struct mu_plan_record rec;
    struct mu_plan *plan = NULL;
    memset(&rec, 0, sizeof(rec));
    json_t *a = json_array();
    if (!a || mu_store_plan_get(s, plan_id, 0, &rec, NULL) ||
        mu_plan_parse(rec.source, strlen(rec.source), &plan, NULL, NULL))
        goto out;
    const struct mu_plan_pool *pl = NULL;
    for (size_t i = 0; i < plan->duty.npools; i++)
        if (strcmp(plan->duty.pools[i].id, pool) == 0)
            pl = &plan->duty.pools[i];
    if (pl) {
        for (size_t i = 0; i < pl->people.n; i++) {
            const struct mu_plan_person *p = mu_plan_person(plan, pl->people.v[i].s);
            json_array_append_new(a, json_pack("{s:s, s:s}", "id", pl->people.v[i].s, "name",
                                               p ? p->name : pl->people.v[i].s));
        }
    } else {
        for (size_t i = 0; i < plan->npeople; i++)
            json_array_append_new(a, json_pack("{s:s, s:s}", "id", plan->people[i].id, "name",
                                               plan->people[i].name));
    }
out:
    mu_plan_free(plan);
    mu_plan_record_release(&rec);
    return a;
}

static const char *name_of(const struct mu_roster_entry *v, size_t n, const char *person)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].shift.person, person) == 0)
            return v[i].name;
    return person;
}

static int roster_page(struct mu_webpage *pg, int32_t first, const char *plan, int64_t shift,
                       int status, const struct form_err *fe)
{
    struct mu_error err = {0};
    struct mu_roster_entry *v = NULL;
    struct mu_swap *sw = NULL;
    struct mu_plan_summary *plans = NULL;
    size_t n = 0, nsw = 0, nplans = 0;
    int32_t next = month_add(first, 1), last = next - 1, today = mu_web_today();
    int can_edit = mu_http_roster_editor(pg->req);
    char mstr[8], pstr[8], nstr[8], from[11], to[11];
    json_t *people = NULL;
    month_str(first, mstr);
    month_str(month_add(first, -1), pstr);
    month_str(next, nstr);
    mu_date_format(first, from);
    mu_date_format(last, to);
    if (plan && !*plan)
        plan = NULL;

    struct mu_shift_filter f = {.plan_id = plan, .from_ms = mu_local_ms(first, 0),
                                .to_ms = mu_local_ms(next, 0), .by_start = 1};
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_roster_entries(s, &f, &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    if (!rc)
        rc = mu_store_swap_list(s, f.from_ms, f.to_ms, &sw, &nsw, &err);
    if (!rc)
        rc = mu_store_plan_list(s, &plans, &nplans, &err);
    const struct mu_roster_entry *sel = NULL;
    for (size_t i = 0; !rc && shift && i < n; i++)
        if (v[i].shift.id == shift)
            sel = &v[i];
    if (!rc && sel)
        people = plan_people(s, sel->shift.plan_id, sel->shift.pool);
    mu_http_store_release(pg->env);
    if (rc) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s cannot show the roster: %s", pg->req->rid, err.msg);
        return mu_web_error(pg, 500, NULL);
    }

    mu_web_set(pg, "page_title", json_string(mu_web_t(pg, "roster.title")));
    mu_web_set(pg, "month_label", month_label(pg, first));
    mu_web_set(pg, "month", json_string(mstr));
    mu_web_set(pg, "prev", json_string(pstr));
    mu_web_set(pg, "next", json_string(nstr));
    mu_web_set(pg, "from", json_string(from));
    mu_web_set(pg, "to", json_string(to));
    if (plan)
        mu_web_set(pg, "plan", json_string(plan));
    mu_web_set(pg, "can_edit", json_boolean(can_edit));

    json_t *opts = json_array();
    for (size_t i = 0; opts && i < nplans; i++)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "id", plans[i].id, "title",
                                              plans[i].title,
                                              "selected", plan && strcmp(plan, plans[i].id) == 0));
    mu_web_set(pg, "has_plans", json_boolean(nplans > 0));
    mu_web_set(pg, "plan_opts", opts);

    json_t *wd = json_array();
    for (int i = 1; wd && i <= 7; i++) {
        char key[16];
        snprintf(key, sizeof(key), "weekday.%d", i);
        json_array_append_new(wd, json_string(mu_web_t(pg, key)));
    }
    mu_web_set(pg, "weekdays", wd);

    /* The grid: weeks from Monday; each day its kind, mark and shifts. */
    json_t *weeks = json_array(), *week = NULL;
    int lead = mu_date_weekday(first) - 1;
    size_t k = 0;
    for (int32_t day = first - lead; weeks && (day < next || week); day++) {
        if (!week)
            week = json_array();
        json_t *cell;
        if (day < first || day >= next) {
            cell = json_pack("{s:b}", "blank", 1);
        } else {
            const char *hname = NULL;
            enum mu_day_kind kind = pg->env->calendar
                                        ? mu_calendar_day(pg->env->calendar, day, &hname)
                                        : (mu_date_weekday(day) >= 6 ? MU_DAY_WEEKEND
                                                                     : MU_DAY_WORKDAY);
            const char *kn = kind == MU_DAY_HOLIDAY    ? "holiday"
                             : kind == MU_DAY_ADJUSTED ? "adjusted"
                             : kind == MU_DAY_WEEKEND  ? "weekend"
                                                       : "workday";
            json_t *mark = kind == MU_DAY_HOLIDAY ? mu_web_fmt(pg, "day.holiday", "name",
                                                               hname ? hname : "")
                           : kind == MU_DAY_ADJUSTED ? json_string(mu_web_t(pg, "day.adjusted"))
                                                     : json_null();
            char date[11], wkey[24];
            mu_date_format(day, date);
            snprintf(wkey, sizeof(wkey), "weekday.short.%d", mu_date_weekday(day));
            json_t *shifts = json_array();
            int64_t t0 = -1;
            int several = 0;
            size_t k0 = k;
            while (k < n && mu_local_day(v[k].shift.start_ms, NULL) < day)
                k++;
            k0 = k;
            while (k < n && mu_local_day(v[k].shift.start_ms, NULL) == day) {
                if (t0 >= 0 && v[k].shift.start_ms != t0)
                    several = 1;
                t0 = v[k].shift.start_ms;
                k++;
            }
            for (size_t i = k0; shifts && i < k; i++) {
                char t[6];
                hhmm(v[i].shift.start_ms, t);
                json_array_append_new(
                    shifts, json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:s, s:s?}", "id",
                                      (json_int_t)v[i].shift.id, "role", v[i].shift.role, "name",
                                      v[i].name, "time", several ? t : "", "draft",
                                      !v[i].shift.published, "changed",
                                      v[i].shift.source != MU_SHIFT_GENERATED, "month", mstr,
                                      "plan", plan));
            }
            cell = json_pack("{s:b, s:s, s:i, s:s, s:s, s:o, s:b, s:b, s:o}", "blank", 0, "date",
                             date, "dnum", day - first + 1, "wd", mu_web_t(pg, wkey), "kind", kn,
                             "mark", mark ? mark : json_null(), "today", day == today,
                             "has_shifts", k > k0, "shifts", shifts ? shifts : json_array());
        }
        json_array_append_new(week, cell);
        if (json_array_size(week) == 7) {
            json_array_append_new(weeks, json_pack("{s:o}", "days", week));
            week = NULL;
        }
    }
    if (week)
        json_array_append_new(weeks, json_pack("{s:o}", "days", week));
    mu_web_set(pg, "weeks", weeks);

    if (sel) {
        char date[11], t[6];
        mu_date_format(mu_local_day(sel->shift.start_ms, NULL), date);
        hhmm(sel->shift.start_ms, t);
        mu_web_set(pg, "sel",
                    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
                              (json_int_t)sel->shift.id, "date", date, "time", t, "role",
                              sel->shift.role, "name", sel->name, "phone", sel->phone, "people",
                              people ? people : json_array()));
        people = NULL;
    }
    json_decref(people);

    json_t *swaps = json_array();
    size_t npending = 0;
    for (size_t i = 0; swaps && i < nsw; i++) {
        if (sw[i].state != MU_SWAP_PENDING)
            continue;
        char lbl[80] = "";
        for (size_t j = 0; j < n; j++)
            if (v[j].shift.id == sw[i].shift_id) {
                char date[11], t[6];
                mu_date_format(mu_local_day(v[j].shift.start_ms, NULL), date);
                hhmm(v[j].shift.start_ms, t);
                snprintf(lbl, sizeof(lbl), "%s %s %s", date, t, v[j].shift.role);
            }
        if (!lbl[0])
            snprintf(lbl, sizeof(lbl), "#%lld", (long long)sw[i].shift_id);
        npending++;
        json_array_append_new(swaps,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id",
                                        (json_int_t)sw[i].id, "shift_label", lbl, "from",
                                        name_of(v, n, sw[i].from_person), "to",
                                        name_of(v, n, sw[i].to_person), "reason",
                                        sw[i].reason ? sw[i].reason : "", "csrf",
                                        pg->req->principal->csrf, "can_edit", can_edit, "month",
                                        mstr));
    }
    mu_web_set(pg, "has_swaps", json_boolean(npending > 0));
    mu_web_set(pg, "swaps", swaps);
    if (fe && fe->field)
        mu_web_set(pg, "form_error", json_pack("{s:s, s:s}", "field", fe->field, "text",
                                                mu_web_t(pg, fe->key)));
    const char *ok = field(&pg->req->query, "ok");
    if (ok && (strcmp(ok, "override") == 0 || strcmp(ok, "swap") == 0 ||
               strcmp(ok, "approve") == 0 || strcmp(ok, "reject") == 0)) {
        char key[32];
        snprintf(key, sizeof(key), "roster.ok.%s", ok);
        mu_web_flash(pg, "ok", json_string(mu_web_t(pg, key)));
    }

    mu_roster_entries_free(v, n);
    mu_swaps_free(sw, nsw);
    mu_plan_summaries_free(plans, nplans);
    return mu_web_render(pg, "roster_month", status);
}

int h_page_roster(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    struct mu_webpage pg;
    int32_t first;
    int st;
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "nav_roster", json_true());
    const char *month = field(&req->query, "month"), *shift = field(&req->query, "shift");
    if (month) {
        if (parse_month(month, &first)) {
            st = mu_web_error(&pg, 400, "roster.bad_month");
            goto out;
        }
    } else {
        int y, m, d;
        mu_date_to_ymd(mu_web_today(), &y, &m, &d);
        first = mu_date_from_ymd(y, m, 1);
    }
    st = roster_page(&pg, first, field(&req->query, "plan"), mu_route_id(shift),
                     200, NULL);
out:
    mu_web_end(&pg);
    return st;
}

/* The month a form returns to (its "month" field, else this month). */
static int32_t form_month(const struct mu_query *form)
{
    int32_t first;
    if (parse_month(field(form, "month"), &first) == 0)
        return first;
    int y, m, d;
    mu_date_to_ymd(mu_web_today(), &y, &m, &d);
    return mu_date_from_ymd(y, m, 1);
}

enum change { CH_OVERRIDE, CH_SWAP, CH_DECIDE };

static int roster_change(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                         enum change what)
{
    struct mu_webpage pg;
    struct mu_query form;
    struct mu_error err = {0};
    struct mu_shift sh;
    int st;
    memset(&sh, 0, sizeof(sh));
    mu_query_init(&form);
    mu_web_begin(&pg, req, resp, ctx);
    mu_web_set(&pg, "nav_roster", json_true());
    if (what != CH_SWAP && !mu_http_roster_editor(req)) {
        st = mu_web_error(&pg, 403, "roster.editors_only");
        goto out;
    }
    if (mu_http_req_form(req, &form, &err)) {
        st = mu_web_error(&pg, 400, "form.invalid");
        goto out;
    }
    int32_t first = form_month(&form);
    struct mu_actor actor = {req->principal->name, mu_http_now_ms()};
    const char *ok = "override";
    int64_t shift = 0, swap_id = 0;
    struct form_err fe = {0};
    enum mu_err rc = MU_OK;
    struct mu_store *s = mu_http_store_acquire(pg.env);
    if (!s) {
        rc = mu_error_set(&err, MU_ESTORE, "no database");
    } else if (what == CH_OVERRIDE) {
        shift = mu_route_id(mu_http_req_param(req, "id"));
        const char *person = field(&form, "person"), *reason = field(&form, "reason");
        if (!person || !*person) {
            fe = (struct form_err){"person", "roster.error.person"};
        } else {
            rc = mu_app_roster_override(s, &actor, shift, person, reason, &err);
            if (rc == MU_EINVAL || rc == MU_ENOTFOUND)
                fe = (struct form_err){"person", rc == MU_ENOTFOUND ? "roster.error.shift"
                                                                     : "roster.error.person"};
        }
    } else if (what == CH_SWAP) {
        ok = "swap";
        shift = mu_route_id(field(&form, "shift"));
        const char *with = field(&form, "with"), *reason = field(&form, "reason");
        rc = mu_store_shift_get(s, shift, &sh, &err);
        if (rc == MU_ENOTFOUND)
            fe = (struct form_err){"shift", "roster.error.shift"};
        else if (!rc && (!with || !*with))
            fe = (struct form_err){"with", "roster.error.person"};
        else if (!rc) {
            int64_t id = 0;
            rc = mu_app_roster_swap_request(s, &actor, shift, with, sh.person,
                                            reason ? reason : "", &id, &err);
            if (rc == MU_ECONFLICT)
                fe = (struct form_err){"shift", "roster.error.pending"};
            else if (rc == MU_EINVAL)
                fe = (struct form_err){"with", "roster.error.person"};
        }
    } else {
        swap_id = mu_route_id(mu_http_req_param(req, "id"));
        const char *dec = field(&form, "decision");
        int approve = dec && strcmp(dec, "approve") == 0;
        ok = approve ? "approve" : "reject";
        if (!dec || (!approve && strcmp(dec, "reject") != 0)) {
            fe = (struct form_err){"decision", "form.invalid"};
        } else {
            rc = mu_app_roster_swap_decide(s, &actor, swap_id, approve, &err);
            if (rc == MU_ECONFLICT || rc == MU_ENOTFOUND || rc == MU_EINVAL)
                fe = (struct form_err){"decision", "roster.error.decided"};
        }
    }
    mu_http_store_release(pg.env);
    if (rc && !fe.field) {
        mu_log(MU_LOG_ERROR, "http", "rid=%s roster change failed: %s", req->rid, err.msg);
        st = mu_web_error(&pg, 500, NULL);
        goto out;
    }
    if (fe.field) {
        st = roster_page(&pg, first, NULL, what == CH_DECIDE ? 0 : shift,
                         rc == MU_ECONFLICT ? 409 : 400, &fe);
        goto out;
    }
    char mstr[8], loc[96];
    month_str(first, mstr);
    snprintf(loc, sizeof(loc), "/roster?month=%s&ok=%s", mstr, ok);
    st = mu_web_redirect(resp, loc);
out:
    mu_shift_release(&sh);
    mu_query_release(&form);
    mu_web_end(&pg);
    return st;
}

int h_page_roster_override(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return roster_change(req, resp, ctx, CH_OVERRIDE);
}

int h_page_roster_swap(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return roster_change(req, resp, ctx, CH_SWAP);
}

int h_page_roster_swap_decide(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx)
{
    return roster_change(req, resp, ctx, CH_DECIDE);
}

void mu_web_card_duty(struct mu_webpage *pg)
{
    struct mu_error err = {0};
    struct mu_roster_entry *v = NULL;
    size_t n = 0;
    struct mu_store *s = mu_http_store_acquire(pg->env);
    enum mu_err rc = s ? mu_app_roster_now(s, mu_http_now_ms(), &v, &n, &err)
                       : mu_error_set(&err, MU_ESTORE, "no database");
    mu_http_store_release(pg->env);
    if (rc) {
        mu_log(MU_LOG_WARN, "http", "rid=%s duty card: %s", pg->req->rid, err.msg);
        n = 0;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "person", v[i].shift.person,
                                               "role", v[i].shift.role, "name", v[i].name, "phone",
                                               v[i].phone));
    mu_roster_entries_free(v, n);
    mu_web_set(pg, "duty_card", json_pack("{s:b, s:o}", "has", n > 0, "items",
                                           items ? items : json_array()));
}
