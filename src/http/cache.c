/* SPDX-License-Identifier: MIT */
/*
 * What the server remembers between requests, and how it knows when to
 * forget: the data version and the per-thread caches keyed by it (see
 * http.h). Every audited change moves the audit head; changes made in this
 * process also move mu_store_local_changes() right after their commit, so
 * they are seen by the very next request, and the head itself is read at
 * most once per MU_HTTP_RECHECK_MS for changes made by other processes and
 * nodes. The caches are per worker thread, so a hit takes no lock; each
 * thread's are freed when it ends.
 */
#include "http.h"

#include <muster/account.h>
#include <muster/log.h>
#include <muster/mem.h>
#include <muster/store.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/banned.h"

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

uint64_t mu_http_data_version(struct mu_http_env *env, enum mu_change_scope scope)
{
    int64_t now = mono_ms();
    if (now - atomic_load(&env->dv_checked_ms) >= MU_HTTP_RECHECK_MS) {
        /* Serialized, so that a request that finds the reading old waits
         * for a new one instead of going on with the old. */
        pthread_mutex_lock(&env->dv_lock);
        if (now - atomic_load(&env->dv_checked_ms) >= MU_HTTP_RECHECK_MS) {
            struct mu_error err = {0};
            int64_t head = -1;
            int accounts = 1;
            struct mu_store *s = mu_http_store_acquire(env);
            enum mu_err rc = s ? mu_store_audit_head(s, &head, &err) : MU_ESTORE;
            /* Which scopes moved: entries after the last reading, up to this one. */
            if (rc == MU_OK && head != env->dv_head)
                rc = head > env->dv_head
                         ? mu_store_audit_scope_moved(s, MU_CHANGES_ACCOUNTS, env->dv_head, head,
                                                      &accounts, &err)
                         : MU_OK; /* a head gone back (a restored database): everything */
            mu_http_store_release(env);
            if (rc == MU_OK) {
                if (head != env->dv_head) {
                    env->dv_head = head;
                    atomic_fetch_add(&env->dv_moves[MU_CHANGES_ANY], 1);
                    if (accounts)
                        atomic_fetch_add(&env->dv_moves[MU_CHANGES_ACCOUNTS], 1);
                }
                atomic_store(&env->dv_checked_ms, now);
            } else {
                /* Trust nothing cached; look again on the next request. */
                atomic_fetch_add(&env->dv_moves[MU_CHANGES_ANY], 1);
                atomic_fetch_add(&env->dv_moves[MU_CHANGES_ACCOUNTS], 1);
                if (s)
                    mu_log(MU_LOG_WARN, "http", "cannot read the audit head: %s", err.msg);
            }
        }
        pthread_mutex_unlock(&env->dv_lock);
    }
    /* Both only grow, so their sum moves whenever either does. */
    return (uint64_t)atomic_load(&env->dv_moves[scope]) + mu_store_local_changes(scope);
}

/* ---- per-thread caches ---- */

struct thread_cache {
    struct mu_token_cache *tokens;
    struct {
        uint64_t version;
        char key[32];
        char *body; /* owned; NULL: nothing kept */
        size_t len;
    } resp[MU_HTTP_CACHE_SLOTS];
};

static pthread_key_t tc_key;
static pthread_once_t tc_once = PTHREAD_ONCE_INIT;
static int tc_key_ok;
static _Thread_local struct thread_cache *tc;

static void tc_free(void *p)
{
    struct thread_cache *c = p;
    mu_token_cache_free(c->tokens);
    for (size_t i = 0; i < MU_HTTP_CACHE_SLOTS; i++)
        mu_free(c->resp[i].body);
    mu_free(c);
}

static void tc_key_make(void)
{
    tc_key_ok = pthread_key_create(&tc_key, tc_free) == 0;
}

/* This thread's caches, made on first use; NULL without memory. */
static struct thread_cache *thread_cache(void)
{
    if (tc)
        return tc;
    pthread_once(&tc_once, tc_key_make);
    if (!tc_key_ok)
        return NULL;
    struct thread_cache *c = mu_calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->tokens = mu_token_cache_new();
    if (!c->tokens || pthread_setspecific(tc_key, c)) {
        tc_free(c);
        return NULL;
    }
    tc = c;
    return c;
}

struct mu_token_cache *mu_http_thread_tokens(void)
{
    struct thread_cache *c = thread_cache();
    return c ? c->tokens : NULL;
}

int mu_http_cache_get(enum mu_http_cache_slot slot, uint64_t version, const char *key,
                      struct mu_http_resp *resp)
{
    struct thread_cache *c = thread_cache();
    if (!c || !c->resp[slot].body || c->resp[slot].version != version ||
        strcmp(c->resp[slot].key, key) != 0)
        return 0;
    char *body = mu_malloc(c->resp[slot].len ? c->resp[slot].len : 1);
    if (!body)
        return 0;
    memcpy(body, c->resp[slot].body, c->resp[slot].len);
    mu_free(resp->body);
    resp->body = body;
    resp->body_len = c->resp[slot].len;
    return 1;
}

void mu_http_cache_put(enum mu_http_cache_slot slot, uint64_t version, const char *key,
                       const char *body, size_t len)
{
    struct thread_cache *c = thread_cache();
    if (!c || strlen(key) >= sizeof(c->resp[slot].key))
        return;
    char *copy = mu_malloc(len ? len : 1);
    if (!copy)
        return;
    memcpy(copy, body, len);
    mu_free(c->resp[slot].body);
    c->resp[slot].body = copy;
    c->resp[slot].len = len;
    c->resp[slot].version = version;
    snprintf(c->resp[slot].key, sizeof(c->resp[slot].key), "%s", key);
}
