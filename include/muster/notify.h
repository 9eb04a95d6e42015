/* SPDX-License-Identifier: MIT */
/*
 * Notification channels and the pure rules behind them. A channel is one
 * struct mu_channel_ops (name + send); the real ones live in src/notify
 * (console, webhook, wecom, dingtalk, feishu, email, sms) and send with
 * libcurl under fixed timeouts. The pure part (src/core/notify_format.c)
 * builds each platform's request body, signs DingTalk and Feishu requests,
 * URL-encodes, encodes e-mail subjects (RFC 2047), truncates at UTF-8
 * boundaries, computes the retry backoff, classifies platform replies and
 * knows each robot's rate limits. None of it does I/O.
 *
 * The organization's channel settings (keys "notify.*" in the settings
 * table) are read by the app layer into struct mu_notify_conf before each
 * delivery run; secrets never leave that struct except into a request.
 */
#ifndef MUSTER_NOTIFY_H
#define MUSTER_NOTIFY_H

#include "err.h"
#include "outbox.h"
#include <stddef.h>
#include <stdint.h>

/* Request limits of every channel. */
#define MU_NOTIFY_CONNECT_TIMEOUT_MS 5000
#define MU_NOTIFY_TOTAL_TIMEOUT_MS 15000
#define MU_NOTIFY_MAX_RESPONSE 65536 /* bytes of a reply body kept for classification */

/* Platform size limits (bytes of UTF-8). */
#define MU_NOTIFY_WECOM_TEXT_MAX 2048
#define MU_NOTIFY_WECOM_MARKDOWN_MAX 4096
#define MU_NOTIFY_FEISHU_BODY_MAX 20000

/** Writes one console message (the console channel's destination). */
typedef void mu_notify_console_fn(void *ctx, const char *label, const char *subject,
                                  const char *body, const char *ref);

/**
 * The organization's channel configuration; every string borrowed, NULL
 * when not set. Keys: notify.webhook.url, notify.wecom.webhook,
 * notify.dingtalk.webhook, notify.dingtalk.secret, notify.feishu.webhook,
 * notify.feishu.secret, notify.smtp.url, notify.smtp.from, notify.smtp.user,
 * notify.smtp.password, notify.sms.url, notify.sms.template.
 */
struct mu_notify_conf {
    const char *webhook_url;
    const char *wecom_webhook;
    const char *dingtalk_webhook, *dingtalk_secret;
    const char *feishu_webhook, *feishu_secret;
    const char *smtp_url, *smtp_from, *smtp_user, *smtp_password;
    const char *sms_url, *sms_template; /* template starting with '{': JSON, else a form */
    long connect_timeout_ms;            /* 0: MU_NOTIFY_CONNECT_TIMEOUT_MS */
    long total_timeout_ms;              /* 0: MU_NOTIFY_TOTAL_TIMEOUT_MS */
    mu_notify_console_fn *console;      /* NULL: one mu_log() line, INFO "notify.console" */
    void *console_ctx;
};

/** What one send did; filled by the channel. */
struct mu_notify_outcome {
    enum mu_outbox_outcome outcome; /* MU_OUTBOX_OK, _RETRY or _PERMANENT */
    int status;                     /* HTTP status or SMTP reply code; 0 when none */
    char platform_code[32];         /* errcode / code from the reply; "" when none */
    char error[256];                /* short text without secrets; "" on success */
};

/**
 * A channel. send() delivers @p m (borrowed; its channel names this ops)
 * with configuration @p conf at virtual time @p now_ms (used for signature
 * timestamps) and always fills @p out. It must not block longer than the
 * configured total timeout. @p ctx is the transport's channel_ctx.
 */
struct mu_channel_ops {
    const char *name; /* the channel kind: "wecom" */
    void (*send)(void *ctx, const struct mu_notify_conf *conf, const struct mu_outbox_msg *m,
                 int64_t now_ms, struct mu_notify_outcome *out);
};

/** The real channels (static table of @p *n entries). */
MU_API const struct mu_channel_ops *const *mu_notify_channels(size_t *n);

/** The channel named @p name in @p v (n entries), or NULL. */
MU_API const struct mu_channel_ops *mu_notify_channel_find(const struct mu_channel_ops *const *v,
                                                           size_t n, const char *name);

/** 1 when @p name is a channel kind the outbox accepts. */
MU_API int mu_notify_channel_known(const char *name);

/* ---- pure helpers (src/core/notify_format.c) ---- */

/**
 * Percent-encode @p s for a URL query value (RFC 3986 unreserved characters
 * kept: A-Z a-z 0-9 - . _ ~; everything else %XX, upper case). *out owned by
 * the caller (mu_free).
 */
MU_API enum mu_err mu_notify_url_encode(const char *s, char **out, struct mu_error *err);

/**
 * DingTalk signature: Base64(HMAC-SHA256(key = secret,
 * msg = "<timestamp_ms>\n<secret>")) into @p b64 (45 bytes at least) and
 * its URL encoding into @p urlenc (at least 3 * 44 + 1 bytes).
 */
MU_API enum mu_err mu_notify_dingtalk_sign(const char *secret, int64_t timestamp_ms,
                                           char b64[64], char urlenc[160],
                                           struct mu_error *err);

/** Feishu signature: Base64(HMAC-SHA256(key = "<timestamp_s>\n<secret>", msg = "")). */
MU_API enum mu_err mu_notify_feishu_sign(const char *secret, int64_t timestamp_s, char b64[64],
                                         struct mu_error *err);

/**
 * The longest prefix of @p s (@p len bytes) of at most @p max bytes that
 * does not cut a UTF-8 sequence.
 */
MU_API size_t mu_notify_utf8_prefix(const char *s, size_t len, size_t max);

/** The text a message carries: subject, and body on the next line when not empty. */
MU_API enum mu_err mu_notify_text(const struct mu_outbox_msg *m, char **out,
                                  struct mu_error *err);

/**
 * Request bodies (compact JSON, keys in the documented order; *out owned by
 * the caller, mu_free):
 *  - webhook: {"subject":S,"body":B,"ref":R,"person":P|null,"key":K}
 *  - wecom: markdown when m->markdown is not empty (≤ 4096 bytes), else text
 *    (≤ 2048 bytes) with "mentioned_list" / "mentioned_mobile_list" when
 *    m->mention / m->mention_mobile are set
 *  - dingtalk: markdown {"title","text"} or text with " @MOBILE" appended
 *    and "at":{"atMobiles":[…],"atUserIds":[…],"isAtAll":false}
 *  - feishu: {"timestamp":"S","sign":"…",} (when @p feishu_secret is set)
 *    then "msg_type":"text","content":{"text":…} with <at user_id="…"></at>
 *    for a mention, or an "interactive" card with a markdown element.
 */
MU_API enum mu_err mu_notify_body_webhook(const struct mu_outbox_msg *m, char **out,
                                          struct mu_error *err);
MU_API enum mu_err mu_notify_body_wecom(const struct mu_outbox_msg *m, char **out,
                                        struct mu_error *err);
MU_API enum mu_err mu_notify_body_dingtalk(const struct mu_outbox_msg *m, char **out,
                                           struct mu_error *err);
MU_API enum mu_err mu_notify_body_feishu(const struct mu_outbox_msg *m, const char *feishu_secret,
                                         int64_t timestamp_s, char **out, struct mu_error *err);

/**
 * The DingTalk URL to post to: @p webhook, with "&timestamp=T&sign=S"
 * appended when @p secret is set ('?' when the URL has no query yet).
 */
MU_API enum mu_err mu_notify_dingtalk_url(const char *webhook, const char *secret,
                                          int64_t timestamp_ms, char **out, struct mu_error *err);

/**
 * An e-mail subject as an RFC 2047 encoded word sequence: ASCII printable
 * text without "=?" is returned as is, anything else as
 * "=?UTF-8?B?…?=" words (split at UTF-8 boundaries, each word at most 75
 * bytes, joined by "\r\n "). *out owned by the caller.
 */
MU_API enum mu_err mu_notify_rfc2047(const char *subject, char **out, struct mu_error *err);

/**
 * The whole e-mail message (headers CRLF, blank line, body with CRLF line
 * ends and leading dots left alone: libcurl dot-stuffs): From, To, Subject
 * (RFC 2047), Date (@p now_ms, RFC 5322 in +0800), Message-ID
 * <KEY-HASH@muster>, MIME-Version, Content-Type text/plain; charset=UTF-8,
 * Content-Transfer-Encoding 8bit. *out owned by the caller.
 */
MU_API enum mu_err mu_notify_email_message(const char *from, const char *to,
                                           const struct mu_outbox_msg *m, int64_t now_ms,
                                           char **out, struct mu_error *err);

/**
 * Fill an SMS gateway template: {phone} and {text} are replaced by the
 * values, JSON-escaped (without quotes; the template supplies them) when
 * @p json, URL-encoded otherwise. *out owned by the caller.
 */
MU_API enum mu_err mu_notify_template(const char *tmpl, int json, const char *phone,
                                      const char *text, char **out, struct mu_error *err);

/**
 * Backoff after failed attempt number @p attempt (1-based): 30 s doubled per
 * attempt (30 s, 1 m, 2 m, 4 m …), at most 30 min, plus a jitter of up to a
 * fifth of that taken from @p rnd (a uniform 32-bit value; 0 gives none).
 */
MU_API int64_t mu_notify_backoff_ms(int attempt, uint32_t rnd);

/**
 * Classify a reply of channel @p channel: HTTP @p status (0: no reply,
 * transport failure) and body @p body (may be NULL). Fills @p out's
 * outcome, status and platform_code (from "errcode" or "code" for the
 * robots; the webhook and sms channels look only at the status), and a
 * short error text. Rules: 2xx with errcode/code 0 (or absent for
 * webhook/sms) → OK; 429, 5xx, no reply, codes 45009 / 130101 / 11232 /
 * -1 (busy) → RETRY; other 4xx, 310000, 19021, 19022, 19024 and any other
 * non-zero code → PERMANENT.
 */
MU_API void mu_notify_classify(const char *channel, int status, const char *body,
                               struct mu_notify_outcome *out);

/** Is platform code @p code (decimal) a rate-limit code (45009, 130101, 11232)? */
MU_API int mu_notify_code_is_rate_limit(long code);

/** One rate window of a robot: at most @p count sends in @p window_ms. */
struct mu_notify_rate {
    int count;
    int64_t window_ms;
};

/**
 * The rate windows of channel @p channel into @p out (up to 2); returns how
 * many (0: unlimited). wecom 20/60 s; dingtalk 20/60 s; feishu 5/1 s and
 * 100/60 s.
 */
MU_API size_t mu_notify_rate_limits(const char *channel, struct mu_notify_rate out[2]);

/**
 * @p dest with any secret hidden, for listings: a URL keeps scheme, host
 * and path start but its query values and the last path segment of robot
 * hooks become "***"; other destinations are kept. *out owned by the caller.
 */
MU_API enum mu_err mu_notify_mask_dest(const char *dest, char **out, struct mu_error *err);

/** 1 when settings key @p key holds a secret (ends in .secret, .password, .token or .key). */
MU_API int mu_notify_key_is_secret(const char *key);

#endif
