/* SPDX-License-Identifier: MIT */
/*
 * Outbox use cases (include/muster/outbox.h): enqueueing with the app's
 * checks, routing a plan person's channel, and delivering what is due:
 * claim under a lease (store), send outside any transaction through the
 * channels (src/notify) with the organization's settings, then record each
 * outcome with its retry time (exponential backoff with jitter from the
 * injected random source) and call the caller's attempt hook in the same
 * transaction. Also the JSON views of `muster notify list|show --json`,
 * with destinations masked.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notify.h>
#include <muster/outbox.h>

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* ---- routing ---- */

static int is_url(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
}

enum mu_err mu_outbox_route_channel(const char *type, const char *to, const char *phone,
                                    struct mu_outbox_new *v, struct mu_error *err)
{
    if (!type)
        return mu_error_field(err, MU_EINVAL, "type", "channel type is empty");
    v->dest = "";
    v->mention = NULL;
    v->mention_mobile = NULL;
    if (strcmp(type, "wecom") == 0 || strcmp(type, "dingtalk") == 0 ||
        strcmp(type, "feishu") == 0) {
        v->channel = strcmp(type, "wecom") == 0      ? "wecom"
                     : strcmp(type, "dingtalk") == 0 ? "dingtalk"
                                                     : "feishu";
        if (is_url(to)) {
            v->dest = to;
        } else {
            v->mention = to;
            v->mention_mobile = phone;
        }
        return MU_OK;
    }
    if (strcmp(type, "phone") == 0 || strcmp(type, "sms") == 0) {
        v->channel = "sms";
        v->dest = to && *to ? to : phone;
        return MU_OK;
    }
    static const char *const direct[] = {"email", "webhook", "console"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(type, direct[i]) == 0) {
            v->channel = direct[i];
            v->dest = to ? to : "";
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "type", "unknown channel type '%s'", type);
}

/* ---- configuration ---- */

enum conf_key {
    K_WEBHOOK, K_WECOM, K_DING, K_DING_SECRET, K_FEISHU, K_FEISHU_SECRET, K_SMTP_URL,
    K_SMTP_FROM, K_SMTP_USER, K_SMTP_PASSWORD, K_SMS_URL, K_SMS_TEMPLATE, K_TIMEOUT, K_COUNT
};

static const char *const conf_keys[K_COUNT] = {
    "notify.webhook.url",   "notify.wecom.webhook",   "notify.dingtalk.webhook",
    "notify.dingtalk.secret", "notify.feishu.webhook", "notify.feishu.secret",
    "notify.smtp.url",      "notify.smtp.from",       "notify.smtp.user",
    "notify.smtp.password", "notify.sms.url",         "notify.sms.template",
    "notify.timeout_ms",
};

struct conf {
    char *v[K_COUNT]; /* owned; NULL when not set */
    struct mu_notify_conf c;
};

static void conf_release(struct conf *c)
{
    for (int i = 0; i < K_COUNT; i++) {
        if (c->v[i])
            memset(c->v[i], 0, strlen(c->v[i])); /* secrets do not linger */
        mu_free(c->v[i]);
    }
    memset(c, 0, sizeof(*c));
}

static enum mu_err conf_load(struct mu_store *s, struct conf *c, struct mu_error *err)
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < K_COUNT; i++) {
        enum mu_err rc = mu_store_setting_get(s, conf_keys[i], &c->v[i], err);
        if (rc == MU_ENOTFOUND) {
            c->v[i] = NULL;
            mu_error_clear(err);
        } else if (rc) {
            conf_release(c);
            return rc;
        } else if (!*c->v[i]) {
            mu_free(c->v[i]);
            c->v[i] = NULL;
        }
    }
    c->c.webhook_url = c->v[K_WEBHOOK];
    c->c.wecom_webhook = c->v[K_WECOM];
    c->c.dingtalk_webhook = c->v[K_DING];
    c->c.dingtalk_secret = c->v[K_DING_SECRET];
    c->c.feishu_webhook = c->v[K_FEISHU];
    c->c.feishu_secret = c->v[K_FEISHU_SECRET];
    c->c.smtp_url = c->v[K_SMTP_URL];
    c->c.smtp_from = c->v[K_SMTP_FROM];
    c->c.smtp_user = c->v[K_SMTP_USER];
    c->c.smtp_password = c->v[K_SMTP_PASSWORD];
    c->c.sms_url = c->v[K_SMS_URL];
    c->c.sms_template = c->v[K_SMS_TEMPLATE];
    if (c->v[K_TIMEOUT]) {
        long t = strtol(c->v[K_TIMEOUT], NULL, 10);
        if (t >= 100 && t <= MU_NOTIFY_TOTAL_TIMEOUT_MS) {
            c->c.total_timeout_ms = t;
            c->c.connect_timeout_ms = t < MU_NOTIFY_CONNECT_TIMEOUT_MS ? t : 0;
        }
    }
    return MU_OK;
}

/* ---- enqueue ---- */

static enum mu_err need_setting(struct mu_store *s, const char *channel, const char *key,
                                const char *what, struct mu_error *err)
{
    char *v = NULL;
    enum mu_err rc = mu_store_setting_get(s, key, &v, err);
    int ok = rc == MU_OK && v && *v;
    mu_free(v);
    if (rc && rc != MU_ENOTFOUND)
        return rc;
    if (!ok)
        return mu_error_field(err, MU_EINVAL, "dest", "channel '%s' has no %s: set %s", channel,
                              what, key);
    mu_error_clear(err);
    return MU_OK;
}

enum mu_err mu_app_outbox_enqueue(struct mu_store *s, const struct mu_actor *actor,
                                  const struct mu_outbox_new *v, int64_t *id, int *existed,
                                  struct mu_error *err)
{
    enum mu_err rc;
    const char *ch = v->channel ? v->channel : "";
    int nodest = !v->dest || !*v->dest;
    if (!mu_notify_channel_known(ch))
        return mu_error_field(err, MU_EINVAL, "channel",
                              "unknown channel '%s' (console, webhook, wecom, dingtalk, feishu, "
                              "email, sms)",
                              ch);
    if (nodest && (strcmp(ch, "email") == 0 || strcmp(ch, "sms") == 0))
        return mu_error_field(err, MU_EINVAL, "dest", "channel '%s' needs a destination (--to)",
                              ch);
    if (!nodest && strcmp(ch, "email") != 0 && strcmp(ch, "sms") != 0 &&
        strcmp(ch, "console") != 0 && !is_url(v->dest))
        return mu_error_field(err, MU_EINVAL, "dest",
                              "channel '%s' needs an http:// or https:// url", ch);
    if (nodest) {
        rc = MU_OK;
        if (strcmp(ch, "webhook") == 0)
            rc = need_setting(s, ch, "notify.webhook.url", "url", err);
        else if (strcmp(ch, "wecom") == 0)
            rc = need_setting(s, ch, "notify.wecom.webhook", "webhook", err);
        else if (strcmp(ch, "dingtalk") == 0)
            rc = need_setting(s, ch, "notify.dingtalk.webhook", "webhook", err);
        else if (strcmp(ch, "feishu") == 0)
            rc = need_setting(s, ch, "notify.feishu.webhook", "webhook", err);
        if (rc)
            return rc;
    }
    return mu_store_outbox_enqueue(s, actor, v, id, existed, err);
}

/* ---- delivery ---- */

static enum mu_err call_hook(struct mu_store *s, const struct mu_outbox_transport *t,
                             const struct mu_actor *actor, const struct mu_outbox_msg *m,
                             enum mu_outbox_state state, size_t *hook_errors,
                             struct mu_error *err)
{
    struct mu_outbox_attempt *a = NULL;
    size_t n = 0;
    enum mu_err rc = mu_store_outbox_attempts(s, m->id, NULL, &a, &n, err);
    if (rc || n == 0) {
        mu_outbox_attempts_free(a, n);
        return rc;
    }
    /* The hook's work is a savepoint: its failure undoes only itself. */
    struct mu_error herr = {0};
    rc = mu_store_begin(s, err);
    if (rc == MU_OK) {
        enum mu_err hrc = t->on_attempt(t->hook_ctx, s, actor, m, &a[n - 1], state, &herr);
        if (hrc) {
            mu_store_rollback(s);
            (*hook_errors)++;
        } else {
            rc = mu_store_commit(s, err);
        }
    }
    mu_outbox_attempts_free(a, n);
    return rc;
}

enum mu_err mu_app_outbox_deliver(struct mu_store *s, const struct mu_outbox_transport *transport,
                                  int64_t now_ms, size_t max, struct mu_outbox_run *result,
                                  struct mu_error *err)
{
    static const struct mu_outbox_transport none = {0};
    const struct mu_outbox_transport *t = transport ? transport : &none;
    struct mu_outbox_run run = {0};
    struct mu_outbox_msg *msgs = NULL;
    struct conf conf;
    size_t n = 0, nch = t->nchannels;
    const struct mu_channel_ops *const *chs = t->channels;
    struct mu_actor actor = {t->actor ? t->actor : "notify", now_ms};
    enum mu_err rc;

    if (result)
        memset(result, 0, sizeof(*result));
    if (!chs)
        chs = mu_notify_channels(&nch);
    if ((rc = conf_load(s, &conf, err)))
        return rc;
    conf.c.console = t->console;
    conf.c.console_ctx = t->console_ctx;
    rc = mu_store_outbox_claim(s, &actor, max ? max : 100, t->lease_ms, &msgs, &n, &run.deferred,
                               err);
    if (rc)
        goto out;
    run.claimed = n;
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        struct mu_outbox_msg *m = &msgs[i];
        struct mu_notify_outcome oc = {0};
        const struct mu_channel_ops *ops = mu_notify_channel_find(chs, nch, m->channel);
        int64_t t0 = t->clock_ms ? t->clock_ms(t->clock_ctx) : 0;
        if (ops) {
            ops->send(t->channel_ctx, &conf.c, m, now_ms, &oc);
        } else {
            oc.outcome = MU_OUTBOX_PERMANENT;
            snprintf(oc.error, sizeof(oc.error), "no channel '%s' in this transport", m->channel);
        }
        int64_t t1 = t->clock_ms ? t->clock_ms(t->clock_ctx) : 0;
        struct mu_outbox_result r = {
            .outcome = oc.outcome,
            .attempt = m->attempts,
            .status = oc.status,
            .platform_code = oc.platform_code,
            .error = oc.error,
            .started_at = now_ms,
            .duration_ms = t1 - t0,
        };
        uint32_t rnd = t->random ? t->random(t->random_ctx) : 0;
        int64_t retry_at = now_ms + mu_notify_backoff_ms(m->attempts, rnd);
        enum mu_outbox_state state = MU_OUTBOX_PENDING;
        if ((rc = mu_store_begin(s, err)))
            break;
        rc = mu_store_outbox_record(s, &actor, m->id, &r, retry_at, &state, err);
        if (rc == MU_OK && t->on_attempt)
            rc = call_hook(s, t, &actor, m, state, &run.hook_errors, err);
        if (rc == MU_OK) {
            rc = mu_store_commit(s, err);
        } else {
            mu_store_rollback(s);
            if (rc == MU_ECONFLICT) { /* another node took it over after our lease */
                mu_error_clear(err);
                rc = MU_OK;
                continue;
            }
        }
        if (rc == MU_OK) {
            if (state == MU_OUTBOX_SENT)
                run.sent++;
            else if (state == MU_OUTBOX_PENDING)
                run.retried++;
            else
                run.failed++;
        }
    }
out:
    mu_outbox_msgs_free(msgs, n);
    conf_release(&conf);
    if (result)
        *result = run;
    return rc;
}

/* ---- JSON views ---- */

static json_t *time_or_null(int64_t ms)
{
    char buf[26];
    if (!ms)
        return json_null();
    mu_local_format(ms, buf);
    return json_string(buf);
}

static json_t *msg_json(const struct mu_outbox_msg *m, int with_body, struct mu_error *err)
{
    char *dest = NULL;
    if (mu_notify_mask_dest(m->dest, &dest, err))
        return NULL;
    json_t *o = json_object();
    int fail = !o;
    if (o) {
        fail |= json_object_set_new(o, "id", json_integer(m->id));
        fail |= json_object_set_new(o, "key", json_string(m->key));
        fail |= json_object_set_new(o, "channel", json_string(m->channel));
        fail |= json_object_set_new(o, "to", json_string(dest));
        fail |= json_object_set_new(o, "subject", json_string(m->subject));
        if (with_body) {
            fail |= json_object_set_new(o, "body", json_string(m->body));
            fail |= json_object_set_new(o, "markdown", json_string(m->markdown));
        }
        fail |= json_object_set_new(o, "person", *m->person ? json_string(m->person)
                                                             : json_null());
        fail |= json_object_set_new(o, "ref", json_string(m->ref));
        fail |= json_object_set_new(o, "state", json_string(mu_outbox_state_name(m->state)));
        fail |= json_object_set_new(o, "attempts", json_integer(m->attempts));
        fail |= json_object_set_new(o, "max_attempts", json_integer(m->max_attempts));
        fail |= json_object_set_new(o, "next_attempt_at", time_or_null(m->next_attempt_at));
        fail |= json_object_set_new(o, "last_error", json_string(m->last_error));
        fail |= json_object_set_new(o, "created_at", time_or_null(m->created_at));
        fail |= json_object_set_new(o, "sent_at", time_or_null(m->sent_at));
    }
    mu_free(dest);
    if (fail) {
        json_decref(o);
        mu_error_set(err, MU_ENOMEM, "out of memory");
        return NULL;
    }
    return o;
}

static enum mu_err dump(json_t *root, char **json, struct mu_error *err)
{
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    *json = mu_strdup(s);
    free(s);
    return *json ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory");
}

enum mu_err mu_app_outbox_list_json(struct mu_store *s, const struct mu_outbox_filter *f,
                                    char **json, struct mu_error *err)
{
    struct mu_outbox_msg *v = NULL;
    size_t n = 0;
    *json = NULL;
    enum mu_err rc = mu_store_outbox_list(s, f, &v, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    if (!a)
        rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        json_t *o = msg_json(&v[i], 0, err);
        if (!o || json_array_append_new(a, o))
            rc = MU_ENOMEM;
    }
    mu_outbox_msgs_free(v, n);
    if (rc) {
        json_decref(a);
        return rc;
    }
    return dump(a, json, err);
}

enum mu_err mu_app_outbox_show_json(struct mu_store *s, int64_t id, char **json,
                                    struct mu_error *err)
{
    struct mu_outbox_msg m = {0};
    struct mu_outbox_attempt *a = NULL;
    size_t n = 0;
    json_t *o = NULL, *hist = NULL;
    *json = NULL;
    enum mu_err rc = mu_store_outbox_get(s, id, &m, err);
    if (rc == MU_OK)
        rc = mu_store_outbox_attempts(s, id, NULL, &a, &n, err);
    if (rc == MU_OK && (!(o = msg_json(&m, 1, err)) || !(hist = json_array())))
        rc = MU_ENOMEM;
    for (size_t i = 0; i < n && rc == MU_OK; i++) {
        json_t *h = json_object();
        int fail = !h;
        if (h) {
            fail |= json_object_set_new(h, "attempt", json_integer(a[i].attempt));
            fail |= json_object_set_new(h, "at", time_or_null(a[i].at));
            fail |= json_object_set_new(h, "outcome",
                                        json_string(mu_outbox_outcome_name(a[i].outcome)));
            fail |= json_object_set_new(h, "status", json_integer(a[i].status));
            fail |= json_object_set_new(h, "platform_code",
                                        *a[i].platform_code ? json_string(a[i].platform_code)
                                                            : json_null());
            fail |= json_object_set_new(h, "error", json_string(a[i].error));
            fail |= json_object_set_new(h, "duration_ms", json_integer(a[i].duration_ms));
        }
        if (fail || json_array_append_new(hist, h))
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    if (rc == MU_OK) {
        if (json_object_set_new(o, "history", hist)) /* takes hist either way */
            rc = mu_error_set(err, MU_ENOMEM, "out of memory");
        hist = NULL;
    }
    mu_outbox_attempts_free(a, n);
    mu_outbox_msg_release(&m);
    if (rc) {
        json_decref(hist);
        json_decref(o);
        return rc;
    }
    return dump(o, json, err);
}
