/* SPDX-License-Identifier: MIT */
/*
 * The acknowledgement link pages (h_pages_ack.c, muster/ack.h): GET
 * /ack/{token} shows what the link acknowledges, POST /ack/{token} records
 * it. Both are public: the token is the credential.
 */
#ifndef MU_HTTP_ACK_H
#define MU_HTTP_ACK_H

#include "http.h"

int h_page_ack_get(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);
int h_page_ack_post(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
