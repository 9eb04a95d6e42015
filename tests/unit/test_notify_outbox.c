/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the delivery loop (src/app/outbox.c) with fake channels on
 * a SQLite file: the outcome of each send becomes the message's state, the
 * retry time follows the backoff with the injected random value, the
 * attempt hook sees every attempt in the recording transaction (and its
 * failure undoes only its own work), a channel missing from the transport
 * fails the message, and enqueue checks the organization's robot settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <muster/mem.h>
#include <muster/notify.h>
#include <muster/outbox.h>
#include <muster/store.h>

#define T0 1771179000000LL

struct fake {
    enum mu_outbox_outcome next[8]; /* outcomes to give, in order */
    int n, sent;
};

static void fake_send(void *ctx, const struct mu_notify_conf *conf, const struct mu_outbox_msg *m,
                      int64_t now_ms, struct mu_notify_outcome *out)
{
    struct fake *f = ctx;
    (void)conf;
    (void)m;
    (void)now_ms;
    memset(out, 0, sizeof(*out));
    out->outcome = f->sent < f->n ? f->next[f->sent] : MU_OUTBOX_OK;
    out->status = out->outcome == MU_OUTBOX_OK ? 200 : 500;
    snprintf(out->error, sizeof(out->error), "%s", out->outcome == MU_OUTBOX_OK ? "" : "http 500");
    f->sent++;
}

static const struct mu_channel_ops fake_webhook = {"webhook", fake_send};
static const struct mu_channel_ops *const fake_channels[] = {&fake_webhook};

struct hook_log {
    int calls;
    int fail;
    enum mu_outbox_state last_state;
    int last_attempt;
};

static enum mu_err hook(void *ctx, struct mu_store *s, const struct mu_actor *actor,
                        const struct mu_outbox_msg *m, const struct mu_outbox_attempt *a,
                        enum mu_outbox_state state, struct mu_error *err)
{
    struct hook_log *h = ctx;
    h->calls++;
    h->last_state = state;
    h->last_attempt = a->attempt;
    assert_int_equal(a->message_id, m->id);
    /* work done in the recording transaction, undone when the hook fails */
    enum mu_err rc = mu_store_audit_append(s, actor, "test.hook", "", "hook ran", err);
    if (rc == MU_OK && h->fail)
        return mu_error_set(err, MU_EINTERNAL, "hook failed on purpose");
    return rc;
}

static uint32_t half(void *ctx)
{
    (void)ctx;
    return 0x80000000u;
}

struct fixture {
    char path[64];
    struct mu_store *s;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct mu_error err = {0};
    snprintf(f->path, sizeof(f->path), "/tmp/mu_outbox_unit_%ld.db", (long)getpid());
    unlink(f->path);
    if (mu_store_open(f->path, &f->s, &err))
        fail_msg("open: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char wal[80];
    mu_store_close(f->s);
    unlink(f->path);
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", f->path);
    unlink(wal);
    free(f);
    return 0;
}

static int64_t enqueue(struct mu_store *s, const char *key, const char *channel, int max)
{
    struct mu_error err = {0};
    struct mu_actor a = {"engine", T0};
    struct mu_outbox_new v = {.key = key, .channel = channel, .dest = "https://h/x",
                              .subject = "s", .ref = "incident:1", .max_attempts = max};
    int64_t id = 0;
    if (mu_store_outbox_enqueue(s, &a, &v, &id, NULL, &err))
        fail_msg("enqueue: %s", err.msg);
    return id;
}

static void test_deliver_retry_then_sent(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct fake fk = {.next = {MU_OUTBOX_RETRY, MU_OUTBOX_OK}, .n = 2};
    struct hook_log h = {0};
    struct mu_outbox_transport t = {.channels = fake_channels, .nchannels = 1, .channel_ctx = &fk,
                                    .random = half, .on_attempt = hook, .hook_ctx = &h};
    struct mu_outbox_run r;
    int64_t id = enqueue(f->s, "a", "webhook", 0);
    assert_int_equal(mu_app_outbox_deliver(f->s, &t, T0, 10, &r, &err), MU_OK);
    assert_int_equal(r.claimed, 1);
    assert_int_equal(r.retried, 1);
    assert_int_equal(h.calls, 1);
    assert_int_equal(h.last_state, MU_OUTBOX_PENDING);
    struct mu_outbox_msg m = {0};
    assert_int_equal(mu_store_outbox_get(f->s, id, &m, &err), MU_OK);
    assert_int_equal(m.next_attempt_at, T0 + 33000); /* 30 s + half of 6 s */
    assert_string_equal(m.last_error, "http 500");
    mu_outbox_msg_release(&m);
    assert_int_equal(mu_app_outbox_deliver(f->s, &t, T0 + 32999, 10, &r, &err), MU_OK);
    assert_int_equal(r.claimed, 0);
    assert_int_equal(mu_app_outbox_deliver(f->s, &t, T0 + 33000, 10, &r, &err), MU_OK);
    assert_int_equal(r.sent, 1);
    assert_int_equal(h.calls, 2);
    assert_int_equal(h.last_attempt, 2);
    assert_int_equal(h.last_state, MU_OUTBOX_SENT);
    struct mu_audit_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(mu_store_audit_tail(f->s, 1, &e, &n, &err), MU_OK);
    assert_string_equal(e[0].action, "test.hook");
    mu_audit_entries_free(e, n);
}

static void test_deliver_hook_failure_keeps_attempt(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct fake fk = {.next = {MU_OUTBOX_PERMANENT}, .n = 1};
    struct hook_log h = {.fail = 1};
    struct mu_outbox_transport t = {.channels = fake_channels, .nchannels = 1, .channel_ctx = &fk,
                                    .on_attempt = hook, .hook_ctx = &h};
    struct mu_outbox_run r;
    int64_t id = enqueue(f->s, "b", "webhook", 0);
    assert_int_equal(mu_app_outbox_deliver(f->s, &t, T0, 10, &r, &err), MU_OK);
    assert_int_equal(r.failed, 1);
    assert_int_equal(r.hook_errors, 1);
    struct mu_outbox_attempt *a = NULL;
    size_t n = 0;
    assert_int_equal(mu_store_outbox_attempts(f->s, id, NULL, &a, &n, &err), MU_OK);
    assert_int_equal(n, 1);
    assert_int_equal(a[0].outcome, MU_OUTBOX_PERMANENT);
    mu_outbox_attempts_free(a, n);
    struct mu_audit_entry *e = NULL;
    assert_int_equal(mu_store_audit_tail(f->s, 1, &e, &n, &err), MU_OK);
    assert_string_equal(e[0].action, "outbox.failed"); /* the hook's entry was undone */
    mu_audit_entries_free(e, n);
    assert_int_equal(mu_store_audit_verify(f->s, NULL, &err), MU_OK);
}

static void test_deliver_missing_channel(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct fake fk = {0};
    struct mu_outbox_transport t = {.channels = fake_channels, .nchannels = 1, .channel_ctx = &fk};
    struct mu_outbox_run r;
    int64_t id = enqueue(f->s, "c", "sms", 0);
    assert_int_equal(mu_app_outbox_deliver(f->s, &t, T0, 10, &r, &err), MU_OK);
    assert_int_equal(r.failed, 1);
    assert_int_equal(fk.sent, 0);
    struct mu_outbox_msg m = {0};
    assert_int_equal(mu_store_outbox_get(f->s, id, &m, &err), MU_OK);
    assert_string_equal(m.last_error, "no channel 'sms' in this transport");
    mu_outbox_msg_release(&m);
}

static void test_enqueue_checks(void **state)
{
    struct fixture *f = *state;
    struct mu_error err = {0};
    struct mu_actor a = {"cli", T0};
    struct mu_outbox_new v = {.key = "d", .channel = "wecom", .subject = "s"};
    assert_int_equal(mu_app_outbox_enqueue(f->s, &a, &v, NULL, NULL, &err), MU_EINVAL);
    assert_string_equal(err.msg, "channel 'wecom' has no webhook: set notify.wecom.webhook");
    assert_int_equal(mu_store_setting_set(f->s, &a, "notify.wecom.webhook", "https://h/w", &err),
                     MU_OK);
    assert_int_equal(mu_app_outbox_enqueue(f->s, &a, &v, NULL, NULL, &err), MU_OK);
    v.key = "e";
    v.channel = "email";
    assert_int_equal(mu_app_outbox_enqueue(f->s, &a, &v, NULL, NULL, &err), MU_EINVAL);
    v.channel = "webhook";
    v.dest = "ftp://x";
    assert_int_equal(mu_app_outbox_enqueue(f->s, &a, &v, NULL, NULL, &err), MU_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deliver_retry_then_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deliver_hook_failure_keeps_attempt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deliver_missing_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enqueue_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
