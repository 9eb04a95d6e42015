/* SPDX-License-Identifier: MIT */
/*
 * The one route table of the server and its lookup. Adding a route means one
 * line here, a handler in h_<resource>.c and its entry in docs/openapi.yaml
 * (tests/integration/042-openapi-routes.sh fails otherwise). The table is
 * small, so lookup is a linear scan; each pattern match is allocation-free.
 */
#include "router.h"
#include "ack.h"
#include "attachments.h"
#include "cases.h"
#include "checklists.h"
#include "duty.h"
#include "incidents.h"
#include "registers.h"
#include "web.h"

#include <pthread.h>
#include <string.h>

#include "../util/banned.h"

static const struct mu_http_route routes[] = {
    {"GET", "/api/v1/health", h_health_get, MU_ROUTE_PUBLIC, MU_ACTION_READ},
    /* auth and the JSON API (auth.c decides who may call; see auth-http.md) */
    {"POST", "/api/v1/session", h_session_post, MU_ROUTE_PUBLIC | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"DELETE", "/api/v1/session", h_session_delete, MU_ROUTE_PUBLIC, MU_ACTION_READ},
    {"GET", "/api/v1/me", h_me_get, MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"PUT", "/api/v1/me/lang", h_me_lang_put, MU_ROUTE_ANY_USER | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"GET", "/api/v1/users", h_users_list, 0, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users", h_users_post, MU_ROUTE_JSON_BODY, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users/{name}/disable", h_users_disable, 0, MU_ACTION_ADMIN},
    {"POST", "/api/v1/users/{name}/enable", h_users_enable, 0, MU_ACTION_ADMIN},
    {"GET", "/api/v1/plans", h_plans_list, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}", h_plans_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}/versions/{version}", h_plans_version_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/plans/{id}/diff", h_plans_diff_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/dashboard", h_dashboard_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/events", h_events_get, MU_ROUTE_ANY_USER, MU_ACTION_READ},
    /* duty roster and check-ins (h_roster.c, h_checkins.c, h_feeds.c; duty.h) */
    {"GET", "/api/v1/roster", h_roster_list, 0, MU_ACTION_READ},
    {"GET", "/api/v1/roster/now", h_roster_now, 0, MU_ACTION_READ},
    {"GET", "/api/v1/roster/gaps", h_roster_gaps, 0, MU_ACTION_READ},
    {"GET", "/api/v1/roster.xlsx", h_roster_xlsx, 0, MU_ACTION_READ},
    {"POST", "/api/v1/roster/generate", h_roster_generate, MU_ROUTE_JSON_BODY,
     MU_HTTP_ROSTER_EDIT},
    {"POST", "/api/v1/roster/shifts/{id}/override", h_roster_override, MU_ROUTE_JSON_BODY,
     MU_HTTP_ROSTER_EDIT},
    {"GET", "/api/v1/roster/swaps", h_roster_swaps_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/roster/swaps", h_roster_swap_post, MU_ROUTE_ANY_USER | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"POST", "/api/v1/roster/swaps/{id}/approve", h_roster_swap_approve, 0, MU_HTTP_ROSTER_EDIT},
    {"POST", "/api/v1/roster/swaps/{id}/reject", h_roster_swap_reject, 0, MU_HTTP_ROSTER_EDIT},
    {"GET", "/feeds/roster/{file}", h_feed_roster, MU_ROUTE_PUBLIC, MU_ACTION_READ},
    {"POST", "/api/v1/checkins/{unit}", h_checkins_post, MU_ROUTE_JSON_BODY, MU_ACTION_UNIT_WRITE},
    {"GET", "/api/v1/checkins/board", h_checkins_board, MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"GET", "/api/v1/checkins/summary", h_checkins_summary, 0, MU_ACTION_READ},
    {"GET", "/api/v1/checkins/stats", h_checkins_stats, 0, MU_ACTION_READ},
    /* cases (信访事项): officers (h_cases.c) and complainants without login (h_public_cases.c) */
    {"GET", "/api/v1/cases", h_cases_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/cases", h_cases_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/cases/due", h_cases_due, 0, MU_ACTION_READ},
    {"GET", "/api/v1/cases/stats", h_cases_stats, 0, MU_ACTION_READ},
    {"GET", "/api/v1/cases/{id}", h_cases_get, 0, MU_ACTION_READ},
    {"GET", "/api/v1/cases/{id}/handover", h_cases_handover, 0, MU_ACTION_READ},
    {"GET", "/api/v1/cases/{id}/notices/{kind}", h_cases_notice, 0, MU_ACTION_READ},
    /* case files (h_attachments.c): officers and admins only; before {action}, which would match */
    {"POST", "/api/v1/cases/{id}/attachments", h_case_attachments_post, 0, MU_ACTION_MANAGE},
    {"GET", "/api/v1/cases/{id}/attachments", h_case_attachments_list, 0, MU_ACTION_MANAGE},
    {"GET", "/api/v1/cases/{id}/attachments/{att}", h_case_attachment_get, 0, MU_ACTION_MANAGE},
    {"POST", "/api/v1/cases/{id}/{action}", h_cases_action, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/public/cases/challenge", h_public_cases_challenge, MU_ROUTE_PUBLIC,
     MU_ACTION_READ},
    {"POST", "/api/v1/public/cases", h_public_cases_post, MU_ROUTE_PUBLIC | MU_ROUTE_JSON_BODY,
     MU_ACTION_READ},
    {"POST", "/api/v1/public/cases/lookup", h_public_cases_lookup,
     MU_ROUTE_PUBLIC | MU_ROUTE_JSON_BODY, MU_ACTION_READ},
    {"POST", "/api/v1/public/cases/rate", h_public_cases_rate,
     MU_ROUTE_PUBLIC | MU_ROUTE_JSON_BODY, MU_ACTION_READ},
    /* the web UI (h_pages_*.c, static.c; docs/internals/web.md) */
    {"GET", "/", h_page_dashboard, MU_ROUTE_HTML | MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"GET", "/login", h_page_login_get, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/login", h_page_login_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/logout", h_page_logout_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/lang", h_page_lang_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans", h_page_plans, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}", h_page_plan, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}/diff", h_page_plan_diff, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/plans/{id}/print", h_page_plan_print, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/admin/users", h_page_users, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users", h_page_users_add, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users/{name}/disable", h_page_user_disable, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    {"POST", "/admin/users/{name}/enable", h_page_user_enable, MU_ROUTE_HTML, MU_ACTION_ADMIN},
    /* roster and check-in pages (h_pages_roster.c, h_pages_checkins.c; duty.h) */
    {"GET", "/roster", h_page_roster, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/roster/shifts/{id}/override", h_page_roster_override, MU_ROUTE_HTML,
     MU_HTTP_ROSTER_EDIT},
    {"POST", "/roster/swaps", h_page_roster_swap, MU_ROUTE_HTML | MU_ROUTE_ANY_USER,
     MU_ACTION_READ},
    {"POST", "/roster/swaps/{id}/decide", h_page_roster_swap_decide, MU_ROUTE_HTML,
     MU_HTTP_ROSTER_EDIT},
    {"GET", "/checkin", h_page_checkin, MU_ROUTE_HTML | MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"POST", "/checkin", h_page_checkin_post, MU_ROUTE_HTML | MU_ROUTE_ANY_USER, MU_ACTION_READ},
    {"GET", "/checkins/board", h_page_checkins_board, MU_ROUTE_HTML | MU_ROUTE_ANY_USER,
     MU_ACTION_READ},
    {"GET", "/checkins/stats", h_page_checkins_stats, MU_ROUTE_HTML, MU_ACTION_READ},
    /* case pages (h_pages_cases.c): officers, and the public page without login */
    {"GET", "/cases", h_page_cases, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/cases", h_page_cases_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/cases/{id}", h_page_case, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/cases/{id}", h_page_case_step, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/complaint", h_page_complaint, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/complaint", h_page_complaint_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML,
     MU_ACTION_READ},
    {"POST", "/complaint/status", h_page_complaint_status, MU_ROUTE_PUBLIC | MU_ROUTE_HTML,
     MU_ACTION_READ},
    /* preparedness registers: API (h_hazards.c, h_drills_held.c, h_resources.c, h_contacts.c)
     * and pages (h_pages_registers.c); registers.h, docs/internals/registers.md */
    {"GET", "/api/v1/hazards", h_hazards_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/hazards", h_hazards_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"POST", "/api/v1/units/{unit}/hazards", h_hazards_unit_post, MU_ROUTE_JSON_BODY,
     MU_ACTION_UNIT_WRITE},
    {"GET", "/api/v1/hazards.xlsx", h_hazards_xlsx, 0, MU_ACTION_READ},
    {"GET", "/api/v1/hazards/{id}", h_hazards_get, 0, MU_ACTION_READ},
    {"POST", "/api/v1/hazards/{id}/photos", h_hazard_photos_post, 0, MU_ACTION_WRITE},
    {"GET", "/api/v1/hazards/{id}/photos", h_hazard_photos_list, 0, MU_ACTION_READ},
    {"GET", "/api/v1/hazards/{id}/photos/{att}", h_hazard_photo_get, 0, MU_ACTION_READ},
    {"POST", "/api/v1/hazards/{id}/rectify", h_hazards_rectify, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/hazards/{id}/verify", h_hazards_verify, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/hazards/{id}/assign", h_hazards_assign, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/hazards/{id}/notes", h_hazards_notes, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/drills-held", h_drills_held_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/drills-held", h_drills_held_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/drills-held.xlsx", h_drills_held_xlsx, 0, MU_ACTION_READ},
    {"GET", "/api/v1/drills-held/due", h_drills_held_due, 0, MU_ACTION_READ},
    {"GET", "/api/v1/drills-held/{id}", h_drills_held_get, 0, MU_ACTION_READ},
    {"POST", "/api/v1/drills-held/{id}/tasks", h_drills_held_task_post, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/drills-held/tasks/{id}/done", h_drills_held_task_done, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"GET", "/api/v1/resources", h_resources_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/resources", h_resources_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/resources.xlsx", h_resources_xlsx, 0, MU_ACTION_READ},
    {"GET", "/api/v1/resources/{id}", h_resources_get, 0, MU_ACTION_READ},
    {"POST", "/api/v1/resources/{id}/adjust", h_resources_adjust, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/resources/{id}/assign", h_resources_assign, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/resources/{id}/return", h_resources_return, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"GET", "/api/v1/contacts", h_contacts_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/contacts", h_contacts_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/contacts.xlsx", h_contacts_xlsx, 0, MU_ACTION_READ},
    {"DELETE", "/api/v1/contacts/{id}", h_contacts_delete, 0, MU_ACTION_WRITE},
    {"GET", "/registers", h_page_registers, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/hazards", h_page_hazards, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/hazards", h_page_hazards_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    /* inspection checklists (h_pages_checklists.c); before /hazards/{id}, which would match */
    {"GET", "/hazards/checklists", h_page_checklists, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/hazards/checklists", h_page_checklists_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/hazards/checklists/{id}", h_page_checklist, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/hazards/checklists/{id}/inspect", h_page_checklist_inspect, MU_ROUTE_HTML,
     MU_ACTION_WRITE},
    {"GET", "/hazards/{id}", h_page_hazard, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/hazards/{id}/{action}", h_page_hazard_action, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/drills-held", h_page_drills_held, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/drills-held", h_page_drills_held_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/drills-held/{id}", h_page_drill_held, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/drills-held/{id}/tasks", h_page_drill_task_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"POST", "/drills-held/tasks/{id}/done", h_page_drill_task_done, MU_ROUTE_HTML,
     MU_ACTION_WRITE},
    {"GET", "/resources", h_page_resources, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/resources", h_page_resources_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"POST", "/resources/adjust", h_page_resources_adjust, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/contacts", h_page_contacts, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/contacts", h_page_contacts_add, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/contacts/sheet", h_page_contacts_sheet, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/contacts/{id}/remove", h_page_contact_remove, MU_ROUTE_HTML, MU_ACTION_WRITE},
    /* incidents: API (h_incidents.c) and pages (h_pages_incidents.c); incidents.h */
    {"GET", "/api/v1/incidents", h_incidents_list, 0, MU_ACTION_READ},
    {"POST", "/api/v1/incidents", h_incidents_post, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"GET", "/api/v1/incidents/{id}", h_incidents_get, 0, MU_ACTION_READ},
    {"POST", "/api/v1/incidents/{id}/ack", h_incidents_ack, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/note", h_incidents_note, MU_ROUTE_JSON_BODY, MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/status", h_incidents_status, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/activate", h_incidents_activate, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/arrive", h_incidents_arrive, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/close", h_incidents_close, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/{id}/reopen", h_incidents_reopen, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"POST", "/api/v1/incidents/tasks/{id}/done", h_incidents_task_done, MU_ROUTE_JSON_BODY,
     MU_ACTION_WRITE},
    {"GET", "/api/v1/incidents/{id}/report", h_incidents_report, 0, MU_ACTION_READ},
    {"GET", "/incidents", h_page_incidents, MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/incidents/new", h_page_incident_new, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"POST", "/incidents/new", h_page_incident_new_post, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"GET", "/incidents/{id}", h_page_incident, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/incidents/{id}", h_page_incident_step, MU_ROUTE_HTML, MU_ACTION_WRITE},
    {"POST", "/incidents/tasks/{id}/done", h_page_incident_task_done, MU_ROUTE_HTML,
     MU_ACTION_WRITE},
    {"GET", "/incidents/{id}/report", h_page_incident_report, MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/incidents/{id}/report", h_page_incident_report_post, MU_ROUTE_HTML,
     MU_ACTION_MANAGE},
    {"POST", "/incidents/{id}/report/finalize", h_page_incident_report_finalize, MU_ROUTE_HTML,
     MU_ACTION_MANAGE},
    /* acknowledgement links in incident messages (h_pages_ack.c; the token is the credential) */
    {"GET", "/ack/{token}", h_page_ack_get, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"POST", "/ack/{token}", h_page_ack_post, MU_ROUTE_PUBLIC | MU_ROUTE_HTML, MU_ACTION_READ},
    {"GET", "/static/{file}", h_static_get, MU_ROUTE_PUBLIC, MU_ACTION_READ},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

enum mu_err mu_http_routes_check(struct mu_error *err)
{
    for (size_t i = 0; i < NROUTES; i++) {
        enum mu_err rc = mu_route_pattern_check(routes[i].pattern, err);
        if (rc)
            return rc;
        if (!routes[i].handler || !routes[i].method || strcmp(routes[i].method, "HEAD") == 0)
            return mu_error_set(err, MU_EINVAL, "route '%s %s' is malformed", routes[i].method,
                                routes[i].pattern);
        for (size_t k = 0; k < i; k++)
            if (strcmp(routes[k].method, routes[i].method) == 0 &&
                strcmp(routes[k].pattern, routes[i].pattern) == 0)
                return mu_error_set(err, MU_EINVAL, "route '%s %s' is registered twice",
                                    routes[i].method, routes[i].pattern);
    }
    return MU_OK;
}

/* Append @p m to the Allow list unless it is there already. */
static void allow_add(char *allow, size_t allowsz, const char *m)
{
    size_t len = strlen(allow), mlen = strlen(m);
    for (const char *p = allow; (p = strstr(p, m)) != NULL; p += mlen)
        if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
            return;
    snprintf(allow + len, allowsz - len, "%s%s", len ? ", " : "", m);
}

/*
 * The literal start of each pattern: its bytes before the first '{' (all
 * of it when it has none). Parameters are whole segments, so a path can
 * match only if it starts with that (equals it, without parameters): one
 * memcmp rules out most routes before the segment walk.
 */
static size_t lit_len[NROUTES];
static unsigned char has_param[NROUTES];
static pthread_once_t lit_once = PTHREAD_ONCE_INIT;

static void lit_init(void)
{
    for (size_t i = 0; i < NROUTES; i++) {
        const char *brace = strchr(routes[i].pattern, '{');
        lit_len[i] = brace ? (size_t)(brace - routes[i].pattern) : strlen(routes[i].pattern);
        has_param[i] = brace != NULL;
    }
}

enum mu_http_lookup mu_http_route_find(const char *method, const char *path, size_t len,
                                       const struct mu_http_route **out,
                                       struct mu_route_params *params, char *allow,
                                       size_t allowsz)
{
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
    int path_known = 0;
    if (allowsz)
        allow[0] = '\0';
    pthread_once(&lit_once, lit_init);
    for (size_t i = 0; i < NROUTES; i++) {
        if ((has_param[i] ? len < lit_len[i] : len != lit_len[i]) ||
            memcmp(routes[i].pattern, path, lit_len[i]) != 0 ||
            !mu_route_match(routes[i].pattern, path, len, params))
            continue;
        if (strcmp(routes[i].method, want) == 0) {
            *out = &routes[i];
            return MU_HTTP_FOUND;
        }
        path_known = 1;
        if (allowsz) {
            allow_add(allow, allowsz, routes[i].method);
            if (strcmp(routes[i].method, "GET") == 0)
                allow_add(allow, allowsz, "HEAD");
        }
    }
    /* The scan matched again with other routes; params are only valid on FOUND. */
    return path_known ? MU_HTTP_NO_METHOD : MU_HTTP_NO_PATH;
}

const struct mu_http_route *mu_http_routes_table(size_t *n)
{
    *n = NROUTES;
    return routes;
}

void mu_http_routes_print(FILE *f)
{
    for (size_t i = 0; i < NROUTES; i++)
        fprintf(f, "%s %s\n", routes[i].method, routes[i].pattern);
}
