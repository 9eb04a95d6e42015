/* SPDX-License-Identifier: MIT */
/*
 * The attachment routes (h_attachments.c): files of a case (officers and
 * admins only; the content sealed with the case key; every download audited
 * with a reason) and photos of a hazard finding. The body of an upload is
 * the raw file; the server's body limit (1 MiB) applies, the CLI takes up
 * to 10 MiB. See docs/internals/attachments.md.
 */
#ifndef MU_HTTP_ATTACHMENTS_H
#define MU_HTTP_ATTACHMENTS_H

#include "http.h"

int h_case_attachments_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_case_attachments_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_case_attachment_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazard_photos_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazard_photos_list(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_hazard_photo_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
