/* SPDX-License-Identifier: MIT */
/*
 * The pure rules of notification delivery (include/muster/notify.h): request
 * bodies of each platform, DingTalk and Feishu signatures (HMAC-SHA256 from
 * libsodium, Base64), URL encoding, RFC 2047 subjects and the e-mail message,
 * SMS gateway templates, UTF-8 safe truncation, the retry backoff, the
 * classification of platform replies, the robots' rate limits and the
 * masking of destinations for listings. No I/O: times arrive as arguments.
 */
#include <muster/date.h>
#include <muster/mem.h>
#include <muster/notify.h>

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

#define TEXT_MAX (1u << 20) /* bound of every built string */

static const char *known_channels[] = {"console", "webhook", "wecom", "dingtalk",
                                       "feishu",  "email",   "sms"};

int mu_notify_channel_known(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof(known_channels) / sizeof(known_channels[0]); i++)
        if (strcmp(name, known_channels[i]) == 0)
            return 1;
    return 0;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static enum mu_err url_encode_buf(struct mu_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    enum mu_err rc = MU_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p && rc == MU_OK; p++) {
        if (unreserved(*p)) {
            rc = mu_buf_addc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            rc = mu_buf_add(b, e, 3);
        }
    }
    return rc;
}

static enum mu_err finish(struct mu_buf *b, enum mu_err rc, char **out, struct mu_error *err)
{
    if (rc == MU_OK) {
        *out = mu_buf_detach(b);
        if (!*out)
            rc = MU_ENOMEM;
    }
    mu_buf_release(b);
    if (rc == MU_ENOMEM)
        return mu_error_set(err, rc, "out of memory");
    if (rc == MU_ELIMIT)
        return mu_error_set(err, rc, "notification text is too long");
    return rc;
}

enum mu_err mu_notify_url_encode(const char *s, char **out, struct mu_error *err)
{
    struct mu_buf b;
    *out = NULL;
    mu_buf_init(&b, TEXT_MAX);
    return finish(&b, url_encode_buf(&b, s ? s : ""), out, err);
}

static enum mu_err hmac_b64(const unsigned char *key, size_t keylen, const unsigned char *msg,
                            size_t msglen, char b64[64], struct mu_error *err)
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    if (crypto_auth_hmacsha256_init(&st, key, keylen) != 0 ||
        crypto_auth_hmacsha256_update(&st, msg, msglen) != 0 ||
        crypto_auth_hmacsha256_final(&st, mac) != 0)
        return mu_error_set(err, MU_EINTERNAL, "hmac-sha256 failed");
    sodium_bin2base64(b64, 64, mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(&st, sizeof(st));
    return MU_OK;
}

enum mu_err mu_notify_dingtalk_sign(const char *secret, int64_t timestamp_ms, char b64[64],
                                    char urlenc[160], struct mu_error *err)
{
    enum mu_err rc;
    struct mu_buf msg;
    if (!secret || !*secret)
        return mu_error_field(err, MU_EINVAL, "notify.dingtalk.secret", "dingtalk secret is empty");
    mu_buf_init(&msg, 4096);
    rc = mu_buf_printf(&msg, "%" PRId64 "\n%s", timestamp_ms, secret);
    if (rc == MU_OK)
        rc = hmac_b64((const unsigned char *)secret, strlen(secret),
                      (const unsigned char *)msg.ptr, msg.len, b64, err);
    if (msg.ptr)
        sodium_memzero(msg.ptr, msg.len);
    mu_buf_release(&msg);
    if (rc == MU_ELIMIT)
        return mu_error_set(err, rc, "dingtalk secret is too long");
    if (rc)
        return rc;
    struct mu_buf u;
    mu_buf_init(&u, 159);
    rc = url_encode_buf(&u, b64);
    if (rc == MU_OK)
        snprintf(urlenc, 160, "%s", u.ptr ? u.ptr : "");
    mu_buf_release(&u);
    return rc ? mu_error_set(err, rc, "cannot encode the dingtalk signature") : MU_OK;
}

enum mu_err mu_notify_feishu_sign(const char *secret, int64_t timestamp_s, char b64[64],
                                  struct mu_error *err)
{
    enum mu_err rc;
    struct mu_buf key;
    if (!secret || !*secret)
        return mu_error_field(err, MU_EINVAL, "notify.feishu.secret", "feishu secret is empty");
    mu_buf_init(&key, 4096);
    rc = mu_buf_printf(&key, "%" PRId64 "\n%s", timestamp_s, secret);
    if (rc == MU_OK)
        rc = hmac_b64((const unsigned char *)key.ptr, key.len, (const unsigned char *)"", 0, b64,
                      err);
    else
        rc = mu_error_set(err, rc, "feishu secret is too long");
    if (key.ptr)
        sodium_memzero(key.ptr, key.len);
    mu_buf_release(&key);
    return rc;
}

size_t mu_notify_utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    /* Back up over continuation bytes to the start of the cut sequence. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static enum mu_err add_text(struct mu_buf *b, const struct mu_outbox_msg *m)
{
    enum mu_err rc = mu_buf_adds(b, m->subject ? m->subject : "");
    if (rc == MU_OK && m->body && *m->body) {
        rc = mu_buf_addc(b, '\n');
        if (rc == MU_OK)
            rc = mu_buf_adds(b, m->body);
    }
    return rc;
}

enum mu_err mu_notify_text(const struct mu_outbox_msg *m, char **out, struct mu_error *err)
{
    struct mu_buf b;
    *out = NULL;
    mu_buf_init(&b, TEXT_MAX);
    return finish(&b, add_text(&b, m), out, err);
}

/* ---- JSON bodies (jansson keeps insertion order with JSON_PRESERVE_ORDER) ---- */

static int set_str(json_t *o, const char *k, const char *v)
{
    return json_object_set_new(o, k, json_string(v ? v : ""));
}

static int set_strn(json_t *o, const char *k, const char *v, size_t n)
{
    return json_object_set_new(o, k, json_stringn(v, n));
}

static json_t *str_array(const char *v)
{
    json_t *a = json_array();
    if (a && json_array_append_new(a, json_string(v)) != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static enum mu_err dump(json_t *root, int fail, char **out, struct mu_error *err)
{
    *out = NULL;
    if (!root || fail) {
        json_decref(root);
        return mu_error_set(err, MU_ENOMEM, "out of memory");
    }
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return mu_error_set(err, MU_EINVAL, "message text is not valid UTF-8");
    *out = mu_strdup(s);
    free(s);
    return *out ? MU_OK : mu_error_set(err, MU_ENOMEM, "out of memory");
}

static int has(const char *s)
{
    return s && *s;
}

/* Strings jansson refuses (not UTF-8) make json_string() NULL: count those as failures. */
enum mu_err mu_notify_body_webhook(const struct mu_outbox_msg *m, char **out, struct mu_error *err)
{
    json_t *o = json_object();
    int fail = !o;
    if (o) {
        fail |= set_str(o, "subject", m->subject);
        fail |= set_str(o, "body", m->body);
        fail |= set_str(o, "ref", m->ref);
        fail |= json_object_set_new(o, "person",
                                    has(m->person) ? json_string(m->person) : json_null());
        fail |= set_str(o, "key", m->key);
    }
    return dump(o, fail, out, err);
}

enum mu_err mu_notify_body_wecom(const struct mu_outbox_msg *m, char **out, struct mu_error *err)
{
    json_t *o = json_object(), *in = json_object();
    int fail = !o || !in;
    char *text = NULL;
    enum mu_err rc;
    if (fail) {
        json_decref(in);
        return dump(o, 1, out, err);
    }
    if (has(m->markdown)) {
        size_t n = mu_notify_utf8_prefix(m->markdown, strlen(m->markdown),
                                         MU_NOTIFY_WECOM_MARKDOWN_MAX);
        fail |= set_str(o, "msgtype", "markdown");
        fail |= set_strn(in, "content", m->markdown, n);
        fail |= json_object_set_new(o, "markdown", in);
    } else {
        if ((rc = mu_notify_text(m, &text, err))) {
            json_decref(in);
            json_decref(o);
            return rc;
        }
        size_t n = mu_notify_utf8_prefix(text, strlen(text), MU_NOTIFY_WECOM_TEXT_MAX);
        fail |= set_str(o, "msgtype", "text");
        fail |= set_strn(in, "content", text, n);
        if (has(m->mention))
            fail |= json_object_set_new(in, "mentioned_list", str_array(m->mention));
        if (has(m->mention_mobile))
            fail |= json_object_set_new(in, "mentioned_mobile_list",
                                        str_array(m->mention_mobile));
        fail |= json_object_set_new(o, "text", in);
        mu_free(text);
    }
    return dump(o, fail, out, err);
}

enum mu_err mu_notify_body_dingtalk(const struct mu_outbox_msg *m, char **out,
                                    struct mu_error *err)
{
    json_t *o = json_object(), *in = json_object(), *at = json_object();
    int fail = !o || !in || !at;
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    mu_buf_init(&b, TEXT_MAX);
    if (fail)
        goto out;
    if (has(m->markdown)) {
        fail |= set_str(o, "msgtype", "markdown");
        fail |= set_str(in, "title", m->subject);
        fail |= set_str(in, "text", m->markdown);
        fail |= json_object_set_new(o, "markdown", in);
    } else {
        rc = add_text(&b, m);
        if (rc == MU_OK && has(m->mention_mobile))
            rc = mu_buf_printf(&b, " @%s", m->mention_mobile);
        if (rc)
            goto out;
        fail |= set_str(o, "msgtype", "text");
        fail |= set_str(in, "content", b.ptr);
        fail |= json_object_set_new(o, "text", in);
    }
    in = NULL;
    if (has(m->mention_mobile))
        fail |= json_object_set_new(at, "atMobiles", str_array(m->mention_mobile));
    if (has(m->mention))
        fail |= json_object_set_new(at, "atUserIds", str_array(m->mention));
    fail |= json_object_set_new(at, "isAtAll", json_false());
    fail |= json_object_set_new(o, "at", at);
    at = NULL;
out:
    mu_buf_release(&b);
    json_decref(in);
    json_decref(at);
    if (rc) {
        json_decref(o);
        return mu_error_set(err, rc, "notification text is too long");
    }
    return dump(o, fail, out, err);
}

enum mu_err mu_notify_body_feishu(const struct mu_outbox_msg *m, const char *feishu_secret,
                                  int64_t timestamp_s, char **out, struct mu_error *err)
{
    json_t *o = json_object();
    int fail = !o;
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    mu_buf_init(&b, TEXT_MAX);
    if (fail)
        goto out;
    if (has(feishu_secret)) {
        char ts[32], sig[64];
        snprintf(ts, sizeof(ts), "%" PRId64, timestamp_s);
        if ((rc = mu_notify_feishu_sign(feishu_secret, timestamp_s, sig, err)))
            goto out;
        fail |= set_str(o, "timestamp", ts);
        fail |= set_str(o, "sign", sig);
    }
    /* Keep well under the 20 KB body limit whatever the escaping adds. */
    const size_t cap = MU_NOTIFY_FEISHU_BODY_MAX / 2;
    if (has(m->markdown)) {
        size_t n = mu_notify_utf8_prefix(m->markdown, strlen(m->markdown), cap);
        json_t *card = json_object(), *hdr = json_object(), *title = json_object();
        json_t *els = json_array(), *el = json_object();
        fail |= !card || !hdr || !title || !els || !el;
        fail |= set_str(o, "msg_type", "interactive");
        fail |= set_str(title, "tag", "plain_text");
        fail |= set_str(title, "content", m->subject);
        fail |= json_object_set_new(hdr, "title", title);
        fail |= json_object_set_new(card, "header", hdr);
        fail |= set_str(el, "tag", "markdown");
        fail |= set_strn(el, "content", m->markdown, n);
        fail |= json_array_append_new(els, el);
        fail |= json_object_set_new(card, "elements", els);
        fail |= json_object_set_new(o, "card", card);
    } else {
        if (has(m->mention))
            rc = mu_buf_printf(&b, "<at user_id=\"%s\"></at> ", m->mention);
        if (rc == MU_OK)
            rc = add_text(&b, m);
        if (rc) {
            rc = mu_error_set(err, rc, "notification text is too long");
            goto out;
        }
        size_t n = mu_notify_utf8_prefix(b.ptr, b.len, cap);
        json_t *content = json_object();
        fail |= !content;
        fail |= set_str(o, "msg_type", "text");
        fail |= set_strn(content, "text", b.ptr, n);
        fail |= json_object_set_new(o, "content", content);
    }
out:
    mu_buf_release(&b);
    if (rc) {
        json_decref(o);
        return rc;
    }
    return dump(o, fail, out, err);
}

enum mu_err mu_notify_dingtalk_url(const char *webhook, const char *secret, int64_t timestamp_ms,
                                   char **out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    *out = NULL;
    if (!has(webhook))
        return mu_error_field(err, MU_EINVAL, "notify.dingtalk.webhook",
                              "dingtalk webhook is empty");
    mu_buf_init(&b, TEXT_MAX);
    rc = mu_buf_adds(&b, webhook);
    if (rc == MU_OK && has(secret)) {
        char b64[64], enc[160];
        if ((rc = mu_notify_dingtalk_sign(secret, timestamp_ms, b64, enc, err))) {
            mu_buf_release(&b);
            return rc;
        }
        rc = mu_buf_printf(&b, "%ctimestamp=%" PRId64 "&sign=%s",
                           strchr(webhook, '?') ? '&' : '?', timestamp_ms, enc);
    }
    return finish(&b, rc, out, err);
}

/* ---- e-mail ---- */

static int plain_header(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return 0;
    return strstr(s, "=?") == NULL && strlen(s) <= 900;
}

enum mu_err mu_notify_rfc2047(const char *subject, char **out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    const char *s = subject ? subject : "";
    size_t len = strlen(s), pos = 0;
    *out = NULL;
    mu_buf_init(&b, TEXT_MAX);
    if (plain_header(s))
        return finish(&b, mu_buf_adds(&b, s), out, err);
    /* 75 bytes per word: 12 of framing leave 63, i.e. 15 Base64 quads = 45 bytes. */
    while (pos < len && rc == MU_OK) {
        size_t n = mu_notify_utf8_prefix(s + pos, len - pos, 45);
        if (n == 0) /* not UTF-8: take the bytes anyway rather than loop */
            n = len - pos < 45 ? len - pos : 45;
        char word[64];
        sodium_bin2base64(word, sizeof(word), (const unsigned char *)s + pos, n,
                          sodium_base64_VARIANT_ORIGINAL);
        rc = mu_buf_printf(&b, "%s=?UTF-8?B?%s?=", pos ? "\r\n " : "", word);
        pos += n;
    }
    return finish(&b, rc, out, err);
}

static const char *const wdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int header_safe(const char *s)
{
    return s && *s && !strpbrk(s, "\r\n");
}

enum mu_err mu_notify_email_message(const char *from, const char *to,
                                    const struct mu_outbox_msg *m, int64_t now_ms, char **out,
                                    struct mu_error *err)
{
    enum mu_err rc;
    struct mu_buf b;
    char *subj = NULL, *b64 = NULL;
    *out = NULL;
    if (!header_safe(from))
        return mu_error_field(err, MU_EINVAL, "notify.smtp.from", "e-mail sender is not valid");
    if (!header_safe(to))
        return mu_error_field(err, MU_EINVAL, "dest", "e-mail address is not valid");
    if ((rc = mu_notify_rfc2047(m->subject, &subj, err)))
        return rc;
    int minutes = 0, y, mo, d;
    int32_t day = mu_local_day(now_ms, &minutes);
    mu_date_to_ymd(day, &y, &mo, &d);
    int sec = (int)((now_ms / 1000 % 60 + 60) % 60);
    unsigned char h[8];
    crypto_generichash(h, sizeof(h), (const unsigned char *)(m->key ? m->key : ""),
                       m->key ? strlen(m->key) : 0, NULL, 0);
    char hex[17];
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));

    /* The body: CRLF line ends, then Base64 in 76-character lines. */
    struct mu_buf body;
    mu_buf_init(&body, TEXT_MAX);
    rc = MU_OK;
    for (const char *p = m->body ? m->body : ""; *p && rc == MU_OK; p++) {
        if (*p == '\n' && (p == m->body || p[-1] != '\r'))
            rc = mu_buf_addc(&body, '\r');
        if (rc == MU_OK)
            rc = mu_buf_addc(&body, *p);
    }
    if (rc == MU_OK) {
        size_t blen = sodium_base64_encoded_len(body.len, sodium_base64_VARIANT_ORIGINAL);
        b64 = mu_malloc(blen);
        if (!b64)
            rc = MU_ENOMEM;
        else
            sodium_bin2base64(b64, blen, (const unsigned char *)(body.ptr ? body.ptr : ""),
                              body.len, sodium_base64_VARIANT_ORIGINAL);
    }
    mu_buf_release(&body);

    mu_buf_init(&b, TEXT_MAX * 2);
    if (rc == MU_OK)
        rc = mu_buf_printf(&b,
                           "From: %s\r\nTo: %s\r\nSubject: %s\r\n"
                           "Date: %s, %02d %s %04d %02d:%02d:%02d +0800\r\n"
                           "Message-ID: <muster.%s@muster.invalid>\r\n"
                           "MIME-Version: 1.0\r\n"
                           "Content-Type: text/plain; charset=UTF-8\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\n",
                           from, to, subj, wdays[mu_date_weekday(day) - 1], d, months[mo - 1], y,
                           minutes / 60, minutes % 60, sec, hex);
    for (size_t i = 0, n = b64 ? strlen(b64) : 0; rc == MU_OK && i < n; i += 76) {
        rc = mu_buf_add(&b, b64 + i, n - i < 76 ? n - i : 76);
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "\r\n");
    }
    mu_free(subj);
    mu_free(b64);
    return finish(&b, rc, out, err);
}

/* ---- templates ---- */

static enum mu_err json_escape_buf(struct mu_buf *b, const char *s)
{
    enum mu_err rc = MU_OK;
    for (const unsigned char *p = (const unsigned char *)s; *p && rc == MU_OK; p++) {
        switch (*p) {
        case '"': rc = mu_buf_adds(b, "\\\""); break;
        case '\\': rc = mu_buf_adds(b, "\\\\"); break;
        case '\n': rc = mu_buf_adds(b, "\\n"); break;
        case '\r': rc = mu_buf_adds(b, "\\r"); break;
        case '\t': rc = mu_buf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20)
                rc = mu_buf_printf(b, "\\u%04x", *p);
            else
                rc = mu_buf_addc(b, (char)*p);
        }
    }
    return rc;
}

enum mu_err mu_notify_template(const char *tmpl, int json, const char *phone, const char *text,
                               char **out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    *out = NULL;
    if (!has(tmpl))
        return mu_error_field(err, MU_EINVAL, "notify.sms.template", "sms template is empty");
    mu_buf_init(&b, TEXT_MAX);
    for (const char *p = tmpl; *p && rc == MU_OK;) {
        const char *v = NULL;
        size_t skip = 0;
        if (strncmp(p, "{phone}", 7) == 0)
            v = phone, skip = 7;
        else if (strncmp(p, "{text}", 6) == 0)
            v = text, skip = 6;
        if (skip) {
            rc = json ? json_escape_buf(&b, v ? v : "") : url_encode_buf(&b, v ? v : "");
            p += skip;
        } else {
            rc = mu_buf_addc(&b, *p++);
        }
    }
    return finish(&b, rc, out, err);
}

/* ---- backoff, classification, rate limits ---- */

int64_t mu_notify_backoff_ms(int attempt, uint32_t rnd)
{
    const int64_t base = 30000, cap = 30 * 60000;
    int64_t d = base;
    for (int i = 1; i < attempt && d < cap; i++)
        d *= 2;
    if (d > cap)
        d = cap;
    int64_t jitter = (int64_t)(((uint64_t)(d / 5) * rnd) >> 32);
    return d + jitter;
}

int mu_notify_code_is_rate_limit(long code)
{
    return code == 45009 || code == 130101 || code == 11232;
}

static int permanent_code(long code)
{
    return code == 310000 || code == 19021 || code == 19022 || code == 19024;
}

static void outcome_set(struct mu_notify_outcome *out, enum mu_outbox_outcome o,
                        const char *fmt, ...) MU_PRINTF(3, 4);

static void outcome_set(struct mu_notify_outcome *out, enum mu_outbox_outcome o,
                        const char *fmt, ...)
{
    va_list ap;
    out->outcome = o;
    va_start(ap, fmt);
    vsnprintf(out->error, sizeof(out->error), fmt, ap);
    va_end(ap);
}

/* The platform code of a robot reply: 1 and *code when found. */
static int reply_code(const char *body, long *code, char msg[120])
{
    json_error_t je;
    json_t *root, *c, *m = NULL;
    msg[0] = 0;
    if (!body || !*body)
        return 0;
    root = json_loads(body, JSON_DISABLE_EOF_CHECK, &je);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return 0;
    }
    c = json_object_get(root, "errcode");
    m = json_object_get(root, "errmsg");
    if (!c) {
        c = json_object_get(root, "code");
        m = json_object_get(root, "msg");
    }
    if (!c) {
        c = json_object_get(root, "StatusCode");
        m = json_object_get(root, "StatusMessage");
    }
    int found = 0;
    if (json_is_integer(c)) {
        *code = (long)json_integer_value(c);
        found = 1;
    } else if (json_is_string(c)) {
        char *end;
        *code = strtol(json_string_value(c), &end, 10);
        found = *end == 0 && end != json_string_value(c);
    }
    if (found && json_is_string(m)) {
        const char *t = json_string_value(m);
        size_t n = mu_notify_utf8_prefix(t, strlen(t), 119);
        memcpy(msg, t, n);
        msg[n] = 0;
    }
    json_decref(root);
    return found;
}

void mu_notify_classify(const char *channel, int status, const char *body,
                        struct mu_notify_outcome *out)
{
    int robot = channel && (strcmp(channel, "wecom") == 0 || strcmp(channel, "dingtalk") == 0 ||
                            strcmp(channel, "feishu") == 0);
    long code = 0;
    char msg[120];
    out->status = status;
    out->platform_code[0] = 0;
    out->error[0] = 0;
    if (status <= 0) {
        outcome_set(out, MU_OUTBOX_RETRY, "no reply");
        return;
    }
    int found = robot && reply_code(body, &code, msg);
    if (found)
        snprintf(out->platform_code, sizeof(out->platform_code), "%ld", code);
    if (found && code != 0) {
        if (mu_notify_code_is_rate_limit(code) || code == -1)
            outcome_set(out, MU_OUTBOX_RETRY, "%s error %ld: %s", channel, code, msg);
        else
            outcome_set(out, MU_OUTBOX_PERMANENT, "%s error %ld: %s%s", channel, code, msg,
                        permanent_code(code) ? " (signature, keyword or ip rule)" : "");
        return;
    }
    if (status == 429 || status >= 500) {
        outcome_set(out, MU_OUTBOX_RETRY, "http %d", status);
        return;
    }
    if (status < 200 || status >= 300) {
        outcome_set(out, MU_OUTBOX_PERMANENT, "http %d", status);
        return;
    }
    if (robot && !found) {
        outcome_set(out, MU_OUTBOX_RETRY, "%s reply without an error code", channel);
        return;
    }
    out->outcome = MU_OUTBOX_OK;
}

size_t mu_notify_rate_limits(const char *channel, struct mu_notify_rate out[2])
{
    if (!channel)
        return 0;
    if (strcmp(channel, "wecom") == 0 || strcmp(channel, "dingtalk") == 0) {
        out[0] = (struct mu_notify_rate){20, 60000};
        return 1;
    }
    if (strcmp(channel, "feishu") == 0) {
        out[0] = (struct mu_notify_rate){5, 1000};
        out[1] = (struct mu_notify_rate){100, 60000};
        return 2;
    }
    return 0;
}

/* ---- masking ---- */

enum mu_err mu_notify_mask_dest(const char *dest, char **out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_buf b;
    const char *s = dest ? dest : "";
    const char *scheme = strstr(s, "://");
    *out = NULL;
    mu_buf_init(&b, TEXT_MAX);
    if (!scheme)
        return finish(&b, mu_buf_adds(&b, s), out, err);
    const char *auth = scheme + 3;
    const char *path = auth + strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', (size_t)(path - auth));
    rc = mu_buf_add(&b, s, (size_t)(auth - s));
    if (rc == MU_OK && at) {
        rc = mu_buf_adds(&b, "***@");
        auth = at + 1;
    }
    if (rc == MU_OK)
        rc = mu_buf_add(&b, auth, (size_t)(path - auth));
    /* The path, with the segment after "/hook/" (Feishu's token) hidden. */
    const char *q = path + strcspn(path, "?#");
    const char *hook = NULL;
    for (const char *p = path; p + 6 <= q; p++)
        if (strncmp(p, "/hook/", 6) == 0)
            hook = p + 6;
    if (rc == MU_OK && hook) {
        const char *end = hook + strcspn(hook, "/?#");
        rc = mu_buf_add(&b, path, (size_t)(hook - path));
        if (rc == MU_OK)
            rc = mu_buf_adds(&b, "***");
        if (rc == MU_OK)
            rc = mu_buf_add(&b, end, (size_t)(q - end));
    } else if (rc == MU_OK) {
        rc = mu_buf_add(&b, path, (size_t)(q - path));
    }
    /* Query: keep names, hide values. */
    if (rc == MU_OK && *q == '?') {
        const char *p = q + 1;
        rc = mu_buf_addc(&b, '?');
        while (rc == MU_OK && *p && *p != '#') {
            size_t n = strcspn(p, "=&#");
            rc = mu_buf_add(&b, p, n);
            p += n;
            if (rc == MU_OK && *p == '=') {
                rc = mu_buf_adds(&b, "=***");
                p += 1 + strcspn(p + 1, "&#");
            }
            if (rc == MU_OK && *p == '&') {
                rc = mu_buf_addc(&b, '&');
                p++;
            }
        }
    }
    return finish(&b, rc, out, err);
}

int mu_notify_key_is_secret(const char *key)
{
    static const char *const ends[] = {".secret", ".password", ".token", ".key"};
    size_t n = key ? strlen(key) : 0;
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        size_t e = strlen(ends[i]);
        if (n >= e && strcmp(key + n - e, ends[i]) == 0)
            return 1;
    }
    return 0;
}
