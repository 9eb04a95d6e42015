/* SPDX-License-Identifier: MIT */
/*
 * Inside the channels (src/notify): the one HTTP POST helper every HTTP
 * channel uses (libcurl, fixed timeouts, bounded reply) and the e-mail
 * channel's ops. Not for code outside src/notify.
 */
#ifndef MU_NOTIFY_INT_H
#define MU_NOTIFY_INT_H

#include <muster/notify.h>

/**
 * POST @p body (@p content_type) to @p url with the timeouts of @p conf and
 * classify the reply for @p channel into @p out (mu_notify_classify). A
 * transport failure gives status 0: timeouts, refused or reset connections
 * and name lookups are retryable, a malformed URL or an unsupported scheme
 * is permanent ("bad address"). The URL is never put into out->error.
 */
void mu_notify_http_post(const char *channel, const struct mu_notify_conf *conf, const char *url,
                         const char *content_type, const char *body,
                         struct mu_notify_outcome *out);

/** Fill @p out as a permanent failure with message @p msg (no secrets). */
void mu_notify_fail(struct mu_notify_outcome *out, enum mu_outbox_outcome o, const char *msg);

/** Start libcurl once (thread-safe in libcurl >= 7.84). */
void mu_notify_curl_init(void);

extern const struct mu_channel_ops mu_channel_email;

#endif
