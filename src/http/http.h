/* SPDX-License-Identifier: MIT */
/*
 * The HTTP layer's own types: one request, one response, the handler
 * signature, the route flags a later auth layer checks, the limits, and the
 * server-wide environment handlers receive as ctx. Only server.c knows the
 * HTTP library underneath; everything declared here is independent of it.
 */
#ifndef MU_HTTP_HTTP_H
#define MU_HTTP_HTTP_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <muster/err.h>
#include <muster/query.h>
#include <muster/route.h>
#include <muster/store.h>

/* ---- limits (documented in docs/internals/http.md) ---- */
#define MU_HTTP_BODY_MAX (1024 * 1024)   /* request body bytes; over it: 413 */
#define MU_HTTP_CONN_MEMORY (32 * 1024)  /* per connection: request line + headers must fit */
#define MU_HTTP_TIMEOUT_S 30             /* idle connection timeout, seconds */
#define MU_HTTP_CONN_LIMIT 1024          /* open connections at once */
#define MU_HTTP_DRAIN_MS 10000           /* at shutdown, wait this long for in-flight requests */
#define MU_HTTP_MAX_RESP_HEADERS 8       /* extra headers a handler may add */

/** Flags of a route (enum mu_route_flags, in the `flags` field of the table). */
enum mu_route_flags {
    /* Served without a session or token (the caller is still identified
     * when they send one). Every other route needs one: 401 without, then
     * the role check of the route's action (403), see auth.c. */
    MU_ROUTE_PUBLIC = 1 << 0,
    /* The route takes a JSON body: a body with another Content-Type is
     * refused with 415 before it is read. */
    MU_ROUTE_JSON_BODY = 1 << 1,
    /* The route answers HTML for browsers: a request without a session is
     * redirected to /login?next=PATH (303) instead of a 401 JSON error. */
    MU_ROUTE_HTML = 1 << 2,
    /* Any signed-in user may use the route whatever their role (their own
     * profile, language, logout); the route's action is not checked. */
    MU_ROUTE_ANY_USER = 1 << 3,
};

struct mu_store;
struct mu_http_resp;
struct mu_principal;
struct mu_calendar;

/**
 * What every handler receives as ctx: the server-wide state. Handlers take
 * a store connection with mu_http_store_acquire() and give it back promptly
 * with mu_http_store_release(): a connection of the pool (one per worker
 * thread, see docs/internals/http.md), or, without a pool, the single
 * `store` under store_lock.
 */
struct mu_http_env {
    /* A connection of its own for the check-in batcher, which guards it
     * with store_lock; also what handlers share when there is no pool.
     * Borrowed from the caller of the server; may be NULL. */
    struct mu_store *store;
    pthread_mutex_t store_lock;
    const char *db_engine;     /* "sqlite" | "postgres"; static */
    /* A second connection for the slow account work (Argon2id in login and
     * user creation, ~50 ms each), so that it does not hold a handler
     * connection. Borrowed; may be NULL, and then a handler connection is used. */
    struct mu_store *auth_store;
    pthread_mutex_t auth_lock;
    const struct mu_calendar *calendar; /* working days, loaded at start; borrowed; may be NULL */
    int tls;                   /* 1: served over HTTPS (cookies get Secure) */
    int trust_proxy;           /* 1: the client address is the last X-Forwarded-For hop */
    /* The pool of handler connections (mu_http_pool_open); npool 0: none.
     * pool holds all of them (owned); pool_busy[i] is 1 while pool[i] is
     * taken (compare-and-swap, no lock); a thread finding none free waits
     * on pool_cond under pool_lock, counted in pool_waiters. */
    struct mu_store **pool;
    atomic_int *pool_busy;
    size_t npool;
    atomic_int pool_waiters;
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_cond;
    /* The data version (cache.c): when the audit head was last read
     * (CLOCK_MONOTONIC ms; 0: never), what it was, and how often it was seen
     * to move. Reads of the head are serialized by dv_lock (init it). */
    pthread_mutex_t dv_lock;
    atomic_int_fast64_t dv_checked_ms;
    int64_t dv_head;                    /* under dv_lock */
    atomic_uint_fast64_t dv_moves[2];   /* by enum mu_change_scope */
};

/**
 * How long a reading of the audit head stays current: a change made by
 * another process (the CLI, another node) is seen by every request that
 * starts this long after its commit. Changes made through this process are
 * seen at once.
 */
#define MU_HTTP_RECHECK_MS 1

/**
 * A number that changes whenever audited data of @p scope (any, or
 * accounts only) may have
 * changed, in this process or any other: keys of the caches below. Take it before reading
 * the store, so that what is read is at least as new as the number says.
 * Reads the audit head at most once per MU_HTTP_RECHECK_MS; when that
 * fails, the number moves (nothing cached is trusted). Call it without a
 * store connection held: it may take one.
 */
uint64_t mu_http_data_version(struct mu_http_env *env, enum mu_change_scope scope);

/** This thread's API token cache (cache.c), or NULL without memory. */
struct mu_token_cache *mu_http_thread_tokens(void);

/** The responses kept per thread by mu_http_cache_get/put. */
enum mu_http_cache_slot {
    MU_HTTP_CACHE_DASHBOARD, /* GET /api/v1/dashboard, keyed by the date */
    MU_HTTP_CACHE_HEALTH,    /* GET /api/v1/health: constant, version 0 */
    MU_HTTP_CACHE_SLOTS
};

/**
 * A copy of the body this thread last kept in @p slot, into resp->body and
 * resp->body_len, when it was kept under @p version and @p key (a short
 * string: the other inputs of the answer, such as the date): 1. Otherwise,
 * or without memory, 0 and @p resp is untouched. Only for answers that are
 * a function of audited data, the key and nothing else (not the caller).
 */
int mu_http_cache_get(enum mu_http_cache_slot slot, uint64_t version, const char *key,
                      struct mu_http_resp *resp);

/** Keep a copy of @p body (@p len bytes) in @p slot under @p version and @p key. */
void mu_http_cache_put(enum mu_http_cache_slot slot, uint64_t version, const char *key,
                       const char *body, size_t len);

/**
 * Open the pool of handler connections: @p n connections to @p dsn (0: one
 * per worker thread, as mu_http_server_start picks by default), each
 * migrated like every store. Call before the server starts. On error
 * nothing stays open. Errors: those of mu_store_open, MU_ENOMEM.
 */
enum mu_err mu_http_pool_open(struct mu_http_env *env, const char *dsn, unsigned n,
                              struct mu_error *err);

/** Close the pool's connections (after the server stopped); no pool is fine. */
void mu_http_pool_close(struct mu_http_env *env);

/**
 * A store connection for this thread until mu_http_store_release() on the
 * same thread: a free pool connection (waiting for one when all are in
 * use), or without a pool the single store under store_lock. NULL when
 * there is no database (still release).
 */
struct mu_store *mu_http_store_acquire(struct mu_http_env *env);
/** Give back the connection this thread acquired last. */
void mu_http_store_release(struct mu_http_env *env);

/**
 * Lock and return the store for slow account work (env->auth_store, or the
 * main store when there is none); give it back with mu_http_auth_store_release().
 */
struct mu_store *mu_http_auth_store_acquire(struct mu_http_env *env);
void mu_http_auth_store_release(struct mu_http_env *env);

/** One request as handlers see it. All pointers are borrowed for the call. */
struct mu_http_req {
    const char *method;      /* "GET", "POST", ...; HEAD is routed as GET */
    const char *path;        /* the raw path as sent, without the query; NUL-terminated */
    const char *rid;         /* request id: 16 lowercase hex characters */
    struct mu_query query;   /* the parsed query string */
    size_t nparams;          /* decoded {name} captures of the route pattern */
    struct {
        const char *name;    /* in the pattern; not NUL-terminated */
        size_t name_len;
        char *value;         /* decoded, NUL-terminated, valid UTF-8 */
    } params[MU_ROUTE_MAX_PARAMS];
    const char *body;        /* NULL when the request had none */
    size_t body_len;
    unsigned route_flags;    /* the matched route's flags */
    /* The authenticated caller, set by the auth layer before the handler
     * runs; NULL on public routes when nobody is logged in. Borrowed. */
    const struct mu_principal *principal;
    void *conn;              /* the server's connection; for mu_http_req_header() */
    void *state;             /* the server's request state; for mu_http_defer() */
};

/** The decoded value of route parameter @p name, or NULL; borrowed from @p req. */
const char *mu_http_req_param(const struct mu_http_req *req, const char *name);

/**
 * The value of request header @p name (any letter case), or NULL; borrowed
 * for the duration of the handler. Defined in server.c.
 */
const char *mu_http_req_header(const struct mu_http_req *req, const char *name);

/** The value of cookie @p name sent with the request, or NULL; borrowed like a header. */
const char *mu_http_req_cookie(const struct mu_http_req *req, const char *name);

/**
 * The client's address as text into @p out (@p outsz bytes; 64 is enough):
 * the peer of the connection, or with env->trust_proxy the last hop of
 * X-Forwarded-For when there is one. "" when unknown. Used for login
 * throttling; never logged.
 */
void mu_http_req_remote_addr(const struct mu_http_req *req, const struct mu_http_env *env,
                             char *out, size_t outsz);

/** Milliseconds since the Unix epoch (CLOCK_REALTIME): the one clock of the HTTP layer. */
int64_t mu_http_now_ms(void);

/* ---- auth.c: sessions, CSRF and forms for handlers (docs/internals/auth-http.md) ---- */

#define MU_HTTP_SESSION_COOKIE "muster_session"
#define MU_HTTP_CSRF_HEADER "X-CSRF-Token"
#define MU_HTTP_CSRF_FIELD "csrf" /* the form field of HTML form posts */

/**
 * Whether a state-changing request passes the CSRF check: 1 when it is not
 * authenticated by a session cookie (no principal, or an API token), or
 * when the X-CSRF-Token header or @p form_value (the "csrf" field of a form
 * body; may be NULL) equals the session's CSRF token (constant time); 0
 * otherwise. The auth layer already runs this check (header, or the form
 * field of an application/x-www-form-urlencoded body) before every POST,
 * PUT, PATCH and DELETE handler of a non-public route; public routes that
 * act on a session call it themselves. The token to put in forms is
 * req->principal->csrf.
 */
int mu_http_csrf_ok(const struct mu_http_req *req, const char *form_value);

/**
 * 1 when the request has no Origin header or names this server's own
 * origin (http or https by env->tls, and the Host header; with
 * env->trust_proxy X-Forwarded-Proto and X-Forwarded-Host win); 0 for
 * another origin, including "null". The auth layer refuses cookie requests
 * that change state from another origin; public form posts (the login
 * form) may call it themselves against login CSRF.
 */
int mu_http_origin_ok(const struct mu_http_req *req, const struct mu_http_env *env);

/**
 * Parse an application/x-www-form-urlencoded body into @p out (empty, as
 * after mu_query_init(); release it with mu_query_release()) with the query
 * parser (<muster/query.h>, same encoding and limits: 4096 bytes, 32
 * fields). An empty body gives no fields. Errors: MU_EINVAL with field
 * "Content-Type" when the body is another media type (answer 415), or the
 * field at fault; MU_ENOMEM.
 */
enum mu_err mu_http_req_form(const struct mu_http_req *req, struct mu_query *out,
                             struct mu_error *err);

/**
 * Add the session cookie to @p resp: `muster_session=VALUE; Path=/;
 * HttpOnly; SameSite=Strict; Max-Age=N` (+ `; Secure` with TLS). @p value
 * "" and @p max_age 0 clear it. Returns 0 or the 500 set on failure.
 */
int mu_http_resp_session_cookie(struct mu_http_resp *resp, const struct mu_http_env *env,
                                const char *value, long max_age);

/**
 * The request body as a JSON object, parsed and checked against the limits
 * (json.c). On success *out is owned by the caller (json_decref) and 0 is
 * returned; otherwise the error response is already set on @p resp and its
 * status (400, 415) is returned: `if ((st = mu_http_req_json(...))) return st;`.
 */
int mu_http_req_json(struct mu_http_req *req, struct mu_http_resp *resp, json_t **out);

/** A response, filled by the handler; the server sends it and frees it. */
struct mu_http_resp {
    int status;                /* set by the mu_http_resp_* helpers */
    char *body;                /* owned (mu_free); NULL for no body */
    size_t body_len;
    const char *content_type;  /* static; NULL when there is no body */
    const char *cache_control; /* static; NULL means "no-store" */
    int event_stream;          /* 1: stream server-sent events instead of body (h_events.c) */
    size_t nheaders;
    struct {
        const char *name;      /* static */
        char *value;           /* owned (mu_free) */
    } headers[MU_HTTP_MAX_RESP_HEADERS];
};

/*
 * Answers that come later. A handler whose work is done on another thread
 * (the check-in group commit) takes a handle with mu_http_defer(), hands it
 * to that work and returns MU_HTTP_DEFERRED. The connection then waits
 * without holding a worker thread (libmicrohttpd suspends it) until the
 * work calls mu_http_deferred_done() with its result, from any thread,
 * exactly once; then @p cont runs on a worker thread with the request as
 * the handler had it (the same req: principal, query, params and body kept)
 * and answers exactly as a handler does (its return value is the status).
 */
#define MU_HTTP_DEFERRED 1
struct mu_http_deferred;

/** The answer after a deferral; @p result is borrowed (the server frees it). */
typedef int mu_http_cont_fn(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx,
                            void *result);
typedef void mu_http_result_free_fn(void *result);

/** The handle for answering @p req later through @p cont, or NULL (answer now). */
struct mu_http_deferred *mu_http_defer(struct mu_http_req *req, mu_http_cont_fn *cont);

/**
 * The result for @p d (transferred: freed with @p free_fn, which may be NULL,
 * after the continuation ran, or at once if the client has gone); wakes the
 * request. @p d is gone after the call.
 */
void mu_http_deferred_done(struct mu_http_deferred *d, void *result,
                           mu_http_result_free_fn *free_fn);

void mu_http_resp_init(struct mu_http_resp *resp);
/** Free what @p resp owns; it is empty (status 0) afterwards. */
void mu_http_resp_release(struct mu_http_resp *resp);

/**
 * Add header @p name (static string) with a copy of @p value. Replaces the
 * body with a 500 error when out of room or memory; returns 0 or that 500.
 */
int mu_http_resp_header(struct mu_http_resp *resp, const char *name, const char *value);

/**
 * Set a JSON body: takes ownership of @p v (NULL, as from a failed
 * json_pack(), gives a 500 error). Returns the status actually set.
 */
int mu_http_resp_json(struct mu_http_resp *resp, int status, json_t *v);

/**
 * Set an error body `{"error":{"code":...,"message":...,"field":...}}`.
 * @p field may be NULL or "" (then there is no "field" member); the code is
 * the one status.c gives @p status. Returns @p status.
 */
int mu_http_resp_error(struct mu_http_resp *resp, int status, const char *field,
                       const char *fmt, ...) MU_PRINTF(4, 5);

/**
 * Set the error response for a library error @p rc with detail @p err (may
 * be NULL): the status from status.c; for 5xx the message is generic and the
 * detail goes to the log with @p rid. Returns the status.
 */
int mu_http_resp_from_err(struct mu_http_resp *resp, enum mu_err rc, const struct mu_error *err,
                          const char *rid);

/* ---- status.c: the one mu_err -> HTTP status table ---- */

/** The HTTP status for @p rc (MU_OK gives 200). */
int mu_http_status_for_err(enum mu_err rc);

/** The error code string for an error @p status ("not_found", ...); "error" when unknown. */
const char *mu_http_status_code(int status);

/** The reason phrase of @p status ("Not Found"), for logs and docs. */
const char *mu_http_status_reason(int status);

/** The handler signature: fill @p resp, return the HTTP status. */
typedef int mu_http_handler_fn(struct mu_http_req *req, struct mu_http_resp *resp, void *ctx);

#endif
