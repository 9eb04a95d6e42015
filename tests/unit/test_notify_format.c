/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pure notification rules (src/core/notify_format.c):
 * the DingTalk and Feishu signatures against the vectors of
 * shared/data/group-robots.md, the exact request bodies of every platform,
 * URL encoding, RFC 2047 subjects and the e-mail message, SMS templates,
 * UTF-8 safe truncation, the backoff schedule with fixed random values,
 * the classification of replies and error codes, rate windows and masking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <muster/mem.h>
#include <muster/notify.h>

static struct mu_outbox_msg msg(const char *subject, const char *body)
{
    struct mu_outbox_msg m = {0};
    m.key = "k1";
    m.channel = "wecom";
    m.dest = "";
    m.subject = (char *)subject;
    m.body = (char *)body;
    m.markdown = "";
    m.person = "";
    m.ref = "";
    m.mention = "";
    m.mention_mobile = "";
    m.last_error = "";
    return m;
}

static void test_dingtalk_vector(void **state)
{
    (void)state;
    char b64[64], enc[160];
    assert_int_equal(
        mu_notify_dingtalk_sign("SECtestsecret0123456789", 1700000000000LL, b64, enc, NULL),
        MU_OK);
    assert_string_equal(b64, "zrLWzK97t62y5CpqN8Ok9UIdPvX+jL1PNoW8nKT5a9k=");
    assert_string_equal(enc, "zrLWzK97t62y5CpqN8Ok9UIdPvX%2BjL1PNoW8nKT5a9k%3D");
    struct mu_error err = {0};
    assert_int_equal(mu_notify_dingtalk_sign("", 1, b64, enc, &err), MU_EINVAL);
}

static void test_feishu_vector(void **state)
{
    (void)state;
    char b64[64];
    assert_int_equal(mu_notify_feishu_sign("testsecret0123456789", 1700000000LL, b64, NULL), MU_OK);
    assert_string_equal(b64, "LdoES5/4RBBnLX70aU1OVYfzo6p+0m723NJ7oBZs1tw=");
}

static void test_dingtalk_url(void **state)
{
    (void)state;
    char *u = NULL;
    assert_int_equal(mu_notify_dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=T",
                                            "SECtestsecret0123456789", 1700000000000LL, &u, NULL),
                     MU_OK);
    assert_string_equal(u, "https://oapi.dingtalk.com/robot/send?access_token=T"
                           "&timestamp=1700000000000"
                           "&sign=zrLWzK97t62y5CpqN8Ok9UIdPvX%2BjL1PNoW8nKT5a9k%3D");
    mu_free(u);
    assert_int_equal(mu_notify_dingtalk_url("http://h/x", NULL, 5, &u, NULL), MU_OK);
    assert_string_equal(u, "http://h/x"); /* unsigned robot: URL unchanged */
    mu_free(u);
    assert_int_equal(mu_notify_dingtalk_url("http://h/x", "s", 5, &u, NULL), MU_OK);
    assert_non_null(strstr(u, "http://h/x?timestamp=5&sign="));
    mu_free(u);
}

static void test_url_encode(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(mu_notify_url_encode("a b+c/=~-._火", &s, NULL), MU_OK);
    assert_string_equal(s, "a%20b%2Bc%2F%3D~-._%E7%81%AB");
    mu_free(s);
    assert_int_equal(mu_notify_url_encode("", &s, NULL), MU_OK);
    assert_string_equal(s, "");
    mu_free(s);
}

static void test_utf8_prefix(void **state)
{
    (void)state;
    const char *s = "ab火警"; /* 2 + 3 + 3 bytes */
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 8), 8);
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 7), 5);
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 5), 5);
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 4), 2);
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 2), 2);
    assert_int_equal(mu_notify_utf8_prefix(s, 8, 0), 0);
}

static void test_body_webhook(void **state)
{
    (void)state;
    struct mu_outbox_msg m = msg("火警 \"3号楼\"", "line1\nline2");
    m.ref = "incident:42";
    char *b = NULL;
    assert_int_equal(mu_notify_body_webhook(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"subject\":\"火警 \\\"3号楼\\\"\",\"body\":\"line1\\nline2\","
                           "\"ref\":\"incident:42\",\"person\":null,\"key\":\"k1\"}");
    mu_free(b);
    m.person = "li-ming";
    assert_int_equal(mu_notify_body_webhook(&m, &b, NULL), MU_OK);
    assert_non_null(strstr(b, "\"person\":\"li-ming\""));
    mu_free(b);
}

static void test_body_wecom(void **state)
{
    (void)state;
    struct mu_outbox_msg m = msg("火警", "请到场");
    char *b = NULL;
    assert_int_equal(mu_notify_body_wecom(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n请到场\"}}");
    mu_free(b);
    m.mention = "LiMing";
    m.mention_mobile = "13800000001";
    assert_int_equal(mu_notify_body_wecom(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n请到场\","
                           "\"mentioned_list\":[\"LiMing\"],"
                           "\"mentioned_mobile_list\":[\"13800000001\"]}}");
    mu_free(b);
    m.markdown = "## 火警\n> 3号楼";
    assert_int_equal(mu_notify_body_wecom(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"## 火警\\n> "
                           "3号楼\"}}");
    mu_free(b);
}

/* Text over 2048 bytes is cut at a character boundary; markdown at 4096. */
static void test_body_wecom_truncation(void **state)
{
    (void)state;
    char big[6001];
    for (int i = 0; i < 2000; i++)
        memcpy(big + 3 * i, "火", 3); /* 6000 bytes */
    big[6000] = 0;
    struct mu_outbox_msg m = msg("s", big); /* "s\n" + body: 2 + 6000 bytes */
    char *b = NULL;
    assert_int_equal(mu_notify_body_wecom(&m, &b, NULL), MU_OK);
    /* 2 bytes + 682 characters = 2048 bytes exactly */
    char *want = malloc(4200);
    int n = snprintf(want, 4200, "{\"msgtype\":\"text\",\"text\":{\"content\":\"s\\n");
    for (int i = 0; i < 682; i++)
        memcpy(want + n + 3 * i, "火", 3);
    snprintf(want + n + 3 * 682, 4200 - (size_t)n - 3 * 682, "\"}}");
    assert_string_equal(b, want);
    mu_free(b);
    m.markdown = big;
    assert_int_equal(mu_notify_body_wecom(&m, &b, NULL), MU_OK);
    /* 4096 / 3 = 1365 characters = 4095 bytes */
    n = snprintf(want, 4200, "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"");
    assert_int_equal(strlen(b), (size_t)n + 1365 * 3 + 3);
    free(want);
    mu_free(b);
}

static void test_body_dingtalk(void **state)
{
    (void)state;
    struct mu_outbox_msg m = msg("火警", "请到场");
    char *b = NULL;
    assert_int_equal(mu_notify_body_dingtalk(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n请到场\"},"
                           "\"at\":{\"isAtAll\":false}}");
    mu_free(b);
    m.mention_mobile = "13800000001";
    m.mention = "ZhuLi";
    assert_int_equal(mu_notify_body_dingtalk(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n请到场 "
                           "@13800000001\"},\"at\":{\"atMobiles\":[\"13800000001\"],"
                           "\"atUserIds\":[\"ZhuLi\"],\"isAtAll\":false}}");
    mu_free(b);
    m.mention_mobile = "";
    m.mention = "";
    m.markdown = "#### 火警";
    assert_int_equal(mu_notify_body_dingtalk(&m, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"火警\","
                           "\"text\":\"#### 火警\"},\"at\":{\"isAtAll\":false}}");
    mu_free(b);
}

static void test_body_feishu(void **state)
{
    (void)state;
    struct mu_outbox_msg m = msg("火警", "请到场");
    char *b = NULL;
    assert_int_equal(mu_notify_body_feishu(&m, NULL, 1700000000LL, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msg_type\":\"text\",\"content\":{\"text\":\"火警\\n请到场\"}}");
    mu_free(b);
    m.mention = "ou_123";
    assert_int_equal(mu_notify_body_feishu(&m, "testsecret0123456789", 1700000000LL, &b, NULL),
                     MU_OK);
    assert_string_equal(b, "{\"timestamp\":\"1700000000\","
                           "\"sign\":\"LdoES5/4RBBnLX70aU1OVYfzo6p+0m723NJ7oBZs1tw=\","
                           "\"msg_type\":\"text\",\"content\":{\"text\":\"<at user_id=\\\"ou_123\\\">"
                           "</at> 火警\\n请到场\"}}");
    mu_free(b);
    m.mention = "";
    m.markdown = "**3号楼**";
    assert_int_equal(mu_notify_body_feishu(&m, NULL, 1, &b, NULL), MU_OK);
    assert_string_equal(b, "{\"msg_type\":\"interactive\",\"card\":{\"header\":{\"title\":"
                           "{\"tag\":\"plain_text\",\"content\":\"火警\"}},\"elements\":[{\"tag\":"
                           "\"markdown\",\"content\":\"**3号楼**\"}]}}");
    mu_free(b);
}

static void test_rfc2047(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(mu_notify_rfc2047("Fire drill at 10:00", &s, NULL), MU_OK);
    assert_string_equal(s, "Fire drill at 10:00");
    mu_free(s);
    assert_int_equal(mu_notify_rfc2047("火警：3号楼", &s, NULL), MU_OK);
    assert_string_equal(s, "=?UTF-8?B?54Gr6K2m77yaM+WPt+alvA==?=");
    mu_free(s);
    /* "=?" in ASCII must be encoded too, or it would read as an encoded word. */
    assert_int_equal(mu_notify_rfc2047("a =?b", &s, NULL), MU_OK);
    assert_string_equal(s, "=?UTF-8?B?YSA9P2I=?=");
    mu_free(s);
    /* 60 characters of 3 bytes: four words of 15 characters, none cut. */
    char big[181];
    for (int i = 0; i < 30; i++)
        memcpy(big + 6 * i, "应急", 6);
    big[180] = 0;
    assert_int_equal(mu_notify_rfc2047(big, &s, NULL), MU_OK);
    assert_string_equal(s, "=?UTF-8?B?5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU?=\r\n"
                           " =?UTF-8?B?5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl?=\r\n"
                           " =?UTF-8?B?5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU?=\r\n"
                           " =?UTF-8?B?5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl5bqU5oCl?=");
    for (char *p = s; *p;) { /* every line within 76 bytes */
        size_t n = strcspn(p, "\r");
        assert_true(n <= 76);
        p += n;
        while (*p == '\r' || *p == '\n')
            p++;
    }
    mu_free(s);
}

static void test_email_message(void **state)
{
    (void)state;
    struct mu_outbox_msg m = msg("火警", "第一行\n第二行");
    char *s = NULL;
    /* 2023-11-14T22:13:20Z = Wed 15 Nov 2023 06:13:20 +0800 */
    assert_int_equal(mu_notify_email_message("Muster <a@b.cn>", "x@y.cn", &m, 1700000000000LL, &s,
                                             NULL),
                     MU_OK);
    assert_non_null(strstr(s, "From: Muster <a@b.cn>\r\nTo: x@y.cn\r\n"
                              "Subject: =?UTF-8?B?54Gr6K2m?=\r\n"
                              "Date: Wed, 15 Nov 2023 06:13:20 +0800\r\n"));
    assert_non_null(strstr(s, "Content-Type: text/plain; charset=UTF-8\r\n"
                              "Content-Transfer-Encoding: base64\r\n\r\n"
                              "56ys5LiA6KGMDQrnrKzkuozooYw=\r\n"));
    mu_free(s);
    struct mu_error err = {0};
    assert_int_equal(mu_notify_email_message("a@b", "x@y\r\nBcc: z@w", &m, 0, &s, &err),
                     MU_EINVAL);
    assert_null(s);
}

static void test_template(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(mu_notify_template("{\"to\":\"{phone}\",\"text\":\"{text}\"}", 1,
                                        "13800000001", "a\"b\\c\nd\x01", &s, NULL),
                     MU_OK);
    assert_string_equal(s, "{\"to\":\"13800000001\",\"text\":\"a\\\"b\\\\c\\nd\\u0001\"}");
    mu_free(s);
    assert_int_equal(mu_notify_template("to={phone}&msg={text}&x={other}", 0, "+86 138",
                                        "火 &=", &s, NULL),
                     MU_OK);
    assert_string_equal(s, "to=%2B86%20138&msg=%E7%81%AB%20%26%3D&x={other}");
    mu_free(s);
}

static void test_backoff(void **state)
{
    (void)state;
    const int64_t want[] = {30000, 60000, 120000, 240000, 480000, 960000, 1800000, 1800000};
    for (int i = 0; i < 8; i++)
        assert_int_equal(mu_notify_backoff_ms(i + 1, 0), want[i]);
    assert_int_equal(mu_notify_backoff_ms(40, 0), 1800000);
    /* The jitter is at most a fifth: 30 s + 6 s * (2^31 / 2^32) = 33 s. */
    assert_int_equal(mu_notify_backoff_ms(1, 0x80000000u), 33000);
    assert_int_equal(mu_notify_backoff_ms(1, 0xFFFFFFFFu), 35999);
    assert_int_equal(mu_notify_backoff_ms(7, 0x80000000u), 1980000);
}

static struct mu_notify_outcome classify(const char *ch, int status, const char *body)
{
    struct mu_notify_outcome o;
    memset(&o, 0x55, sizeof(o));
    mu_notify_classify(ch, status, body, &o);
    return o;
}

static void test_classify(void **state)
{
    (void)state;
    struct mu_notify_outcome o;
    o = classify("wecom", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_OK);
    assert_string_equal(o.platform_code, "0");
    o = classify("wecom", 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    assert_string_equal(o.platform_code, "45009");
    assert_string_equal(o.error, "wecom error 45009: api freq out of limit");
    o = classify("dingtalk", 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    assert_string_equal(o.platform_code, "310000");
    o = classify("feishu", 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
    assert_int_equal(o.outcome, MU_OUTBOX_OK);
    o = classify("feishu", 200, "{\"code\":11232,\"msg\":\"frequency limited\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("feishu", 400, "{\"code\":19021,\"msg\":\"sign match fail\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    assert_int_equal(o.status, 400);
    o = classify("feishu", 200, "{\"code\":19022,\"msg\":\"ip not allowed\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    o = classify("feishu", 200, "{\"code\":19024,\"msg\":\"keyword\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    o = classify("wecom", 200, "{\"errcode\":-1,\"errmsg\":\"system busy\"}");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("wecom", 200, "not json");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("webhook", 200, "anything");
    assert_int_equal(o.outcome, MU_OUTBOX_OK);
    assert_string_equal(o.platform_code, "");
    o = classify("webhook", 204, NULL);
    assert_int_equal(o.outcome, MU_OUTBOX_OK);
    o = classify("webhook", 500, "");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    assert_string_equal(o.error, "http 500");
    o = classify("webhook", 503, "");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("sms", 429, "");
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    o = classify("sms", 404, "");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    o = classify("webhook", 400, "");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    o = classify("webhook", 301, "");
    assert_int_equal(o.outcome, MU_OUTBOX_PERMANENT);
    o = classify("webhook", 0, NULL);
    assert_int_equal(o.outcome, MU_OUTBOX_RETRY);
    assert_true(mu_notify_code_is_rate_limit(45009));
    assert_true(mu_notify_code_is_rate_limit(130101));
    assert_true(mu_notify_code_is_rate_limit(11232));
    assert_false(mu_notify_code_is_rate_limit(310000));
}

static void test_rate_limits(void **state)
{
    (void)state;
    struct mu_notify_rate r[2];
    assert_int_equal(mu_notify_rate_limits("wecom", r), 1);
    assert_int_equal(r[0].count, 20);
    assert_int_equal(r[0].window_ms, 60000);
    assert_int_equal(mu_notify_rate_limits("dingtalk", r), 1);
    assert_int_equal(r[0].count, 20);
    assert_int_equal(mu_notify_rate_limits("feishu", r), 2);
    assert_int_equal(r[0].count, 5);
    assert_int_equal(r[0].window_ms, 1000);
    assert_int_equal(r[1].count, 100);
    assert_int_equal(r[1].window_ms, 60000);
    assert_int_equal(mu_notify_rate_limits("email", r), 0);
}

static void mask_is(const char *in, const char *want)
{
    char *s = NULL;
    assert_int_equal(mu_notify_mask_dest(in, &s, NULL), MU_OK);
    assert_string_equal(s, want);
    mu_free(s);
}

static void test_mask(void **state)
{
    (void)state;
    mask_is("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
    mask_is("https://oapi.dingtalk.com/robot/send?access_token=T&x=1",
            "https://oapi.dingtalk.com/robot/send?access_token=***&x=***");
    mask_is("https://open.feishu.cn/open-apis/bot/v2/hook/0f1e-token",
            "https://open.feishu.cn/open-apis/bot/v2/hook/***");
    mask_is("smtp://user:pw@mail.example.cn:587", "smtp://***@mail.example.cn:587");
    mask_is("li@example.cn", "li@example.cn");
    mask_is("13800000001", "13800000001");
    assert_true(mu_notify_key_is_secret("notify.dingtalk.secret"));
    assert_true(mu_notify_key_is_secret("notify.smtp.password"));
    assert_false(mu_notify_key_is_secret("notify.smtp.user"));
    assert_false(mu_notify_key_is_secret("case.days"));
}

static void test_channels(void **state)
{
    (void)state;
    size_t n = 0;
    const struct mu_channel_ops *const *v = mu_notify_channels(&n);
    assert_int_equal(n, 7);
    const char *names[] = {"console", "webhook", "wecom", "dingtalk", "feishu", "email", "sms"};
    for (size_t i = 0; i < 7; i++) {
        assert_non_null(mu_notify_channel_find(v, n, names[i]));
        assert_true(mu_notify_channel_known(names[i]));
    }
    assert_null(mu_notify_channel_find(v, n, "phone"));
    assert_false(mu_notify_channel_known("phone"));
}

static void test_route(void **state)
{
    (void)state;
    struct mu_outbox_new v = {0};
    assert_int_equal(mu_outbox_route_channel("wecom", "LiMing", "138", &v, NULL), MU_OK);
    assert_string_equal(v.channel, "wecom");
    assert_string_equal(v.dest, "");
    assert_string_equal(v.mention, "LiMing");
    assert_string_equal(v.mention_mobile, "138");
    assert_int_equal(mu_outbox_route_channel("feishu", "https://x/hook/t", NULL, &v, NULL), MU_OK);
    assert_string_equal(v.dest, "https://x/hook/t");
    assert_null(v.mention);
    assert_int_equal(mu_outbox_route_channel("phone", "13800000001", NULL, &v, NULL), MU_OK);
    assert_string_equal(v.channel, "sms");
    assert_string_equal(v.dest, "13800000001");
    assert_int_equal(mu_outbox_route_channel("email", "a@b.cn", NULL, &v, NULL), MU_OK);
    assert_string_equal(v.channel, "email");
    struct mu_error err = {0};
    assert_int_equal(mu_outbox_route_channel("pigeon", "x", NULL, &v, &err), MU_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dingtalk_vector),  cmocka_unit_test(test_feishu_vector),
        cmocka_unit_test(test_dingtalk_url),     cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_utf8_prefix),      cmocka_unit_test(test_body_webhook),
        cmocka_unit_test(test_body_wecom),       cmocka_unit_test(test_body_wecom_truncation),
        cmocka_unit_test(test_body_dingtalk),    cmocka_unit_test(test_body_feishu),
        cmocka_unit_test(test_rfc2047),          cmocka_unit_test(test_email_message),
        cmocka_unit_test(test_template),         cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_classify),         cmocka_unit_test(test_rate_limits),
        cmocka_unit_test(test_mask),             cmocka_unit_test(test_channels),
        cmocka_unit_test(test_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
