/* SPDX-License-Identifier: MIT */
/*
 * The real notification channels (include/muster/notify.h): console, the
 * generic JSON webhook, the WeCom, DingTalk and Feishu group robots and the
 * SMS gateway, all but console over one libcurl POST helper with fixed
 * connect and total timeouts and a bounded reply buffer; e-mail is in
 * email.c. Bodies, signatures and reply classification come from the pure
 * rules in src/core/notify_format.c. Nothing here logs a body or a secret:
 * errors name the channel and the status only.
 */
#include "notify/notify_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include <muster/log.h>
#include <muster/mem.h>

#include "util/buf.h"

#include "util/banned.h"

void mu_notify_curl_init(void)
{
    static int done;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = 1;
    }
}

void mu_notify_fail(struct mu_notify_outcome *out, enum mu_outbox_outcome o, const char *msg)
{
    out->outcome = o;
    out->status = 0;
    out->platform_code[0] = 0;
    snprintf(out->error, sizeof(out->error), "%s", msg);
}

static size_t on_reply(char *data, size_t size, size_t nmemb, void *ctx)
{
    struct mu_buf *b = ctx;
    size_t n = size * nmemb;
    /* Keep what fits; the rest is read and dropped so the transfer completes. */
    if (b->len < b->max)
        mu_buf_add(b, data, n < b->max - b->len ? n : b->max - b->len);
    return n;
}

static long timeout_of(long v, long dflt)
{
    return v > 0 ? v : dflt;
}

void mu_notify_http_post(const char *channel, const struct mu_notify_conf *conf, const char *url,
                         const char *content_type, const char *body,
                         struct mu_notify_outcome *out)
{
    struct mu_buf reply;
    struct curl_slist *hdrs = NULL, *h;
    char ct[128];
    CURL *c;
    CURLcode cc;
    long status = 0;

    memset(out, 0, sizeof(*out));
    mu_notify_curl_init();
    c = curl_easy_init();
    snprintf(ct, sizeof(ct), "Content-Type: %s", content_type);
    h = curl_slist_append(NULL, ct);
    if (h)
        hdrs = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    if (!c || !hdrs) {
        curl_slist_free_all(h && !hdrs ? h : hdrs);
        curl_easy_cleanup(c);
        mu_notify_fail(out, MU_OUTBOX_RETRY, "out of memory");
        return;
    }
    mu_buf_init(&reply, MU_NOTIFY_MAX_RESPONSE);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "muster/" MUSTER_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_of(conf->connect_timeout_ms, MU_NOTIFY_CONNECT_TIMEOUT_MS));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     timeout_of(conf->total_timeout_ms, MU_NOTIFY_TOTAL_TIMEOUT_MS));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_reply);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
    cc = curl_easy_perform(c);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        mu_notify_classify(channel, (int)status, reply.ptr, out);
    } else if (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "bad address: the url is not valid");
    } else {
        char msg[200];
        snprintf(msg, sizeof(msg), "%s", curl_easy_strerror(cc));
        mu_notify_fail(out, MU_OUTBOX_RETRY, msg);
    }
    mu_buf_release(&reply);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
}

static const char *pick(const char *dest, const char *setting)
{
    return dest && *dest ? dest : setting;
}

static int missing(struct mu_notify_outcome *out, const char *what, const char *key)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "%s is not configured: set %s", what, key);
    mu_notify_fail(out, MU_OUTBOX_PERMANENT, msg);
    return 1;
}

/* ---- console ---- */

static void console_send(void *ctx, const struct mu_notify_conf *conf,
                         const struct mu_outbox_msg *m, int64_t now_ms,
                         struct mu_notify_outcome *out)
{
    (void)ctx;
    (void)now_ms;
    memset(out, 0, sizeof(*out));
    if (conf->console)
        conf->console(conf->console_ctx, m->dest, m->subject, m->body, m->ref);
    else
        mu_log(MU_LOG_INFO, "notify.console", "to=%s ref=%s subject=%s body=%s", m->dest,
               m->ref, m->subject, m->body);
    out->outcome = MU_OUTBOX_OK;
}

static const struct mu_channel_ops channel_console = {"console", console_send};

/* ---- webhook and robots ---- */

static void post_json(const char *channel, const struct mu_notify_conf *conf, const char *url,
                      enum mu_err rc, char *body, const struct mu_error *e,
                      struct mu_notify_outcome *out)
{
    if (rc)
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, e->msg);
    else
        mu_notify_http_post(channel, conf, url, "application/json; charset=utf-8", body, out);
    mu_free(body);
}

static void webhook_send(void *ctx, const struct mu_notify_conf *conf,
                         const struct mu_outbox_msg *m, int64_t now_ms,
                         struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *body = NULL;
    const char *url = pick(m->dest, conf->webhook_url);
    (void)ctx;
    (void)now_ms;
    if (!url && missing(out, "webhook url", "notify.webhook.url"))
        return;
    enum mu_err rc = mu_notify_body_webhook(m, &body, &e);
    post_json("webhook", conf, url, rc, body, &e, out);
}

static const struct mu_channel_ops channel_webhook = {"webhook", webhook_send};

static void wecom_send(void *ctx, const struct mu_notify_conf *conf, const struct mu_outbox_msg *m,
                       int64_t now_ms, struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *body = NULL;
    const char *url = pick(m->dest, conf->wecom_webhook);
    (void)ctx;
    (void)now_ms;
    if (!url && missing(out, "wecom robot", "notify.wecom.webhook"))
        return;
    enum mu_err rc = mu_notify_body_wecom(m, &body, &e);
    post_json("wecom", conf, url, rc, body, &e, out);
}

static const struct mu_channel_ops channel_wecom = {"wecom", wecom_send};

static void dingtalk_send(void *ctx, const struct mu_notify_conf *conf,
                          const struct mu_outbox_msg *m, int64_t now_ms,
                          struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *body = NULL, *url = NULL;
    const char *hook = pick(m->dest, conf->dingtalk_webhook);
    (void)ctx;
    if (!hook && missing(out, "dingtalk robot", "notify.dingtalk.webhook"))
        return;
    enum mu_err rc = mu_notify_dingtalk_url(hook, conf->dingtalk_secret, now_ms, &url, &e);
    if (rc == MU_OK)
        rc = mu_notify_body_dingtalk(m, &body, &e);
    post_json("dingtalk", conf, url, rc, body, &e, out);
    mu_free(url);
}

static const struct mu_channel_ops channel_dingtalk = {"dingtalk", dingtalk_send};

static void feishu_send(void *ctx, const struct mu_notify_conf *conf,
                        const struct mu_outbox_msg *m, int64_t now_ms,
                        struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *body = NULL;
    const char *url = pick(m->dest, conf->feishu_webhook);
    (void)ctx;
    if (!url && missing(out, "feishu robot", "notify.feishu.webhook"))
        return;
    /* Seconds, rounded down, as Feishu wants them. */
    int64_t ts = now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000;
    enum mu_err rc = mu_notify_body_feishu(m, conf->feishu_secret, ts, &body, &e);
    post_json("feishu", conf, url, rc, body, &e, out);
}

static const struct mu_channel_ops channel_feishu = {"feishu", feishu_send};

/* ---- SMS gateway ---- */

static int json_template(const char *t)
{
    while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
        t++;
    return *t == '{' || *t == '[';
}

static int phone_ok(const char *p)
{
    size_t digits = 0;
    for (const char *c = p; *c; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (!strchr("+- ()", *c))
            return 0;
    }
    return digits >= 3 && digits <= 20;
}

static void sms_send(void *ctx, const struct mu_notify_conf *conf, const struct mu_outbox_msg *m,
                     int64_t now_ms, struct mu_notify_outcome *out)
{
    struct mu_error e = {0};
    char *text = NULL, *url = NULL, *body = NULL;
    enum mu_err rc;
    (void)ctx;
    (void)now_ms;
    if (!conf->sms_url && missing(out, "sms gateway", "notify.sms.url"))
        return;
    if (!conf->sms_template && missing(out, "sms template", "notify.sms.template"))
        return;
    if (!phone_ok(m->dest)) {
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, "bad address: not a phone number");
        return;
    }
    int json = json_template(conf->sms_template);
    rc = mu_notify_text(m, &text, &e);
    if (rc == MU_OK) /* placeholders in the URL are URL-encoded */
        rc = mu_notify_template(conf->sms_url, 0, m->dest, text, &url, &e);
    if (rc == MU_OK)
        rc = mu_notify_template(conf->sms_template, json, m->dest, text, &body, &e);
    if (rc)
        mu_notify_fail(out, MU_OUTBOX_PERMANENT, e.msg);
    else
        mu_notify_http_post("sms", conf, url,
                            json ? "application/json; charset=utf-8"
                                 : "application/x-www-form-urlencoded",
                            body, out);
    mu_free(text);
    mu_free(url);
    mu_free(body);
}

static const struct mu_channel_ops channel_sms = {"sms", sms_send};

/* ---- the table ---- */

static const struct mu_channel_ops *const all_channels[] = {
    &channel_console, &channel_webhook, &channel_wecom, &channel_dingtalk,
    &channel_feishu,  &mu_channel_email, &channel_sms,
};

const struct mu_channel_ops *const *mu_notify_channels(size_t *n)
{
    *n = sizeof(all_channels) / sizeof(all_channels[0]);
    return all_channels;
}

const struct mu_channel_ops *mu_notify_channel_find(const struct mu_channel_ops *const *v,
                                                    size_t n, const char *name)
{
    for (size_t i = 0; v && name && i < n; i++)
        if (v[i] && strcmp(v[i]->name, name) == 0)
            return v[i];
    return NULL;
}
