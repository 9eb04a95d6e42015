/* SPDX-License-Identifier: MIT */
/*
 * The inspection checklist pages of the hazard register (issue 7): the list
 * of checklists with the add form and one checklist with its rounds and the
 * inspection form (h_pages_checklists.c). The handlers call the use cases of
 * <muster/register.h> (mu_app_checklist_add, mu_app_checklist_show,
 * mu_app_hazard_inspect), which check every field.
 */
#ifndef MU_HTTP_CHECKLISTS_H
#define MU_HTTP_CHECKLISTS_H

#include "http.h"

/* GET /hazards/checklists: the checklists and, for writers, the add form. */
int h_page_checklists(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
/* POST /hazards/checklists: add a checklist (items one per line); 303 or 400. */
int h_page_checklists_add(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
/* GET /hazards/checklists/{id}: one checklist, its rounds, the inspection form. */
int h_page_checklist(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
/* POST /hazards/checklists/{id}/inspect: record a round; 303, 400 or 404. */
int h_page_checklist_inspect(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
