/* SPDX-License-Identifier: MIT */
/*
 * `muster config`: generic settings with validation for the keys muster
 * knows (include/muster/config.h). The table below is the one place that
 * knows a key: add a line to validate a new one. Secrets are stored so that
 * the audit log never quotes them, and shown masked.
 */
#include <muster/config.h>
#include <muster/mem.h>
#include <muster/notify.h>

#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

enum check { ANY, URL_HTTP, URL_SMTP, ADDRESS, SECRET, TEMPLATE, MS_TIMEOUT };

static const struct {
    struct mu_config_key k;
    enum check check;
} known[] = {
    {{"notify.webhook.url", "generic JSON webhook: POST {subject, body, ref, person, key}"},
     URL_HTTP},
    {{"notify.wecom.webhook", "WeCom group robot webhook URL (…/webhook/send?key=KEY)"}, URL_HTTP},
    {{"notify.dingtalk.webhook", "DingTalk robot webhook URL (…/robot/send?access_token=T)"},
     URL_HTTP},
    {{"notify.dingtalk.secret", "DingTalk robot signing secret (SEC…)"}, SECRET},
    {{"notify.feishu.webhook", "Feishu bot webhook URL (…/bot/v2/hook/TOKEN)"}, URL_HTTP},
    {{"notify.feishu.secret", "Feishu bot signing secret"}, SECRET},
    {{"notify.smtp.url", "SMTP server: smtp://host:port or smtps://host:port"}, URL_SMTP},
    {{"notify.smtp.from", "sender address: alerts@example.cn or Name <alerts@example.cn>"},
     ADDRESS},
    {{"notify.smtp.user", "SMTP login name (optional)"}, ANY},
    {{"notify.smtp.password", "SMTP password"}, SECRET},
    {{"notify.sms.url", "SMS gateway URL ({phone} and {text} are URL-encoded in it)"}, URL_HTTP},
    {{"notify.sms.template", "SMS gateway body: JSON when it starts with '{', else a form"},
     TEMPLATE},
    {{"notify.timeout_ms", "total time limit of one request in ms (100-15000, default 15000)"},
     MS_TIMEOUT},
};

#define NKNOWN (sizeof(known) / sizeof(known[0]))

const struct mu_config_key *mu_config_known_keys(void)
{
    static struct mu_config_key keys[NKNOWN + 1];
    for (size_t i = 0; i < NKNOWN; i++)
        keys[i] = known[i].k;
    keys[NKNOWN] = (struct mu_config_key){NULL, NULL};
    return keys;
}

int mu_config_key_is_secret(const char *key)
{
    return mu_notify_key_is_secret(key);
}

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static enum mu_err check_value(const char *key, enum check c, const char *v, struct mu_error *err)
{
    switch (c) {
    case ANY: return MU_OK;
    case URL_HTTP:
        if ((starts(v, "https://") || starts(v, "http://")) && !strpbrk(v, " \t\r\n") &&
            strlen(v) > 8)
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key, "setting '%s' must be an http:// or https:// url",
                              key);
    case URL_SMTP:
        if ((starts(v, "smtp://") || starts(v, "smtps://")) && !strpbrk(v, " \t\r\n"))
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key,
                              "setting '%s' must be an smtp:// or smtps:// url", key);
    case ADDRESS:
        if (strchr(v, '@') && !strpbrk(v, "\r\n"))
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key, "setting '%s' must be an e-mail address", key);
    case SECRET:
        if (*v && !strpbrk(v, "\r\n"))
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key, "setting '%s' must not be empty", key);
    case TEMPLATE:
        if (strstr(v, "{text}"))
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key, "setting '%s' must contain {text}", key);
    case MS_TIMEOUT: {
        char *end;
        long n = strtol(v, &end, 10);
        if (*v && !*end && n >= 100 && n <= 15000)
            return MU_OK;
        return mu_error_field(err, MU_EINVAL, key,
                              "setting '%s' must be milliseconds from 100 to 15000", key);
    }
    }
    return MU_OK;
}

enum mu_err mu_app_config_set(struct mu_store *s, const struct mu_actor *actor, const char *key,
                              const char *value, struct mu_error *err)
{
    enum mu_err rc;
    if (!key || !*key || strlen(key) > 200)
        return mu_error_field(err, MU_EINVAL, "key", "setting key must be 1 to 200 bytes");
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return mu_error_field(err, MU_EINVAL, "key",
                                  "setting key '%s' may only have a-z, 0-9, '.', '_' and '-'",
                                  key);
    if (!value)
        return mu_error_field(err, MU_EINVAL, "value", "setting '%s' has no value", key);
    for (size_t i = 0; i < NKNOWN; i++)
        if (strcmp(key, known[i].k.key) == 0 && (rc = check_value(key, known[i].check, value, err)))
            return rc;
    /* The audit log must not quote what listings mask (a robot URL's token). */
    char *shown = NULL;
    if ((rc = mu_config_display(key, value, &shown, err)))
        return rc;
    int hide = strcmp(shown, value) != 0;
    mu_free(shown);
    if (hide)
        return mu_store_setting_set_secret(s, actor, key, value, err);
    return mu_store_setting_set(s, actor, key, value, err);
}

enum mu_err mu_config_display(const char *key, const char *value, char **out,
                              struct mu_error *err)
{
    *out = NULL;
    if (mu_config_key_is_secret(key)) {
        *out = mu_strdup("********");
        return *out ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    return mu_notify_mask_dest(value, out, err);
}
