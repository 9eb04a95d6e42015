/* SPDX-License-Identifier: MIT */
/*
 * The e-mail channel: one message per recipient over SMTP with libcurl
 * (smtp:// or smtps:// from notify.smtp.url, STARTTLS when offered, login
 * when notify.smtp.user is set), the message built by
 * mu_notify_email_message(). SMTP 4xx replies and transport failures are
 * retryable; 5xx replies, a refused login and bad addresses are permanent.
 */
#include "notify/notify_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include <muster/mem.h>

#include "util/banned.h"

struct reader {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t nmemb, void *ctx)
{
    struct reader *r = ctx;
    size_t n = size * nmemb;
    if (n > r->left)
        n = r->left;
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

/* A bare address: local@domain, no spaces, brackets, quotes, commas or line breaks. */
static int address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    if (!at || at == a || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (const char *c = a; *c; c++)
        if ((unsigned char)*c <= ' ' || strchr("<>()[]\\,;:\"", *c))
            return 0;
    return strlen(a) <= 254;
}

/* The address inside "Name <addr>", or the whole text. */
static int envelope_from(const char *from, char out[300])
{
    const char *lt = strrchr(from, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt && gt > lt + 1 && (size_t)(gt - lt - 1) < 299) {
        memcpy(out, lt + 1, (size_t)(gt - lt - 1));
        out[gt - lt - 1] = 0;
    } else {
        snprintf(out, 300, "%s", from);
    }
    return address_ok(out);
}

static void email_send(void *ctx, const struct mu_notify_conf *conf,
                       const struct mu_outbox_msg *m, int64_t now_ms,
                       struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *msg = NULL;
    char from[300], env_from[310], rcpt[300];
    struct curl_slist *to = NULL;
    CURL *c = NULL;
    CURLcode cc;
    long code = 0;
    (void)ctx;

    memset(out, 0, sizeof(*out));
    if (!conf->smtp_url || !*conf->smtp_url) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "smtp server is not configured: set notify.smtp.url");
        return;
    }
    if (!conf->smtp_from || !envelope_from(conf->smtp_from, from)) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT,
                       "smtp sender is not configured: set notify.smtp.from");
        return;
    }
    if (!address_ok(m->dest)) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "bad address: not an e-mail address");
        return;
    }
    if (mu_notify_email_message(conf->smtp_from, m->dest, m, now_ms, &msg, &e)) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, e.msg);
        return;
    }
    snprintf(env_from, sizeof(env_from), "<%s>", from);
    snprintf(rcpt, sizeof(rcpt), "<%s>", m->dest);
    mu_notify_curl_init();
    c = curl_easy_init();
    to = curl_slist_append(NULL, rcpt);
    if (!c || !to) {
        mu_notify_fail(out, MU_OUTBOX_RETRY, "out of memory");
        goto out;
    }
    struct reader rd = {msg, strlen(msg)};
    curl_easy_setopt(c, CURLOPT_URL, conf->smtp_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, env_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rd.left);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (conf->smtp_user && *conf->smtp_user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, conf->smtp_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, conf->smtp_password ? conf->smtp_password : "");
    }
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     conf->connect_timeout_ms > 0 ? conf->connect_timeout_ms
                                                  : (long)MU_NOTIFY_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     conf->total_timeout_ms > 0 ? conf->total_timeout_ms
                                                : (long)MU_NOTIFY_TOTAL_TIMEOUT_MS);
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    out->status = (int)code;
    if (cc == CURLE_OK) {
        out->outcome = MU_OUTBOX_OK;
    } else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "bad address: the smtp url is not valid");
    } else if (cc == CURLE_LOGIN_DENIED) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "smtp login refused");
        out->status = (int)code;
    } else {
        int perm = code >= 500 && code < 600;
        snprintf(out->error, sizeof(out->error), "smtp %ld: %s", code, curl_easy_strerror(cc));
        out->outcome = perm ? MU_OUTBOX_PERMANENT : MU_OUTBOX_RETRY;
    }
out:
    curl_slist_free_all(to);
    curl_easy_cleanup(c);
    mu_free(msg);
}

const struct mu_channel_ops mu_channel_email = {"email", email_send};
