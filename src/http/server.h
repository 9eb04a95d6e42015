/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server: listen address parsing, start, and graceful stop. The
 * implementation (server.c) is the only file that knows libmicrohttpd; this
 * header does not expose it.
 */
#ifndef MU_HTTP_SERVER_H
#define MU_HTTP_SERVER_H

#include <muster/err.h>

#include "http.h"

/** A parsed listen address. */
struct mu_http_addr {
    int v6;                  /* 1: IPv6 ("[::1]:8080"), 0: IPv4 */
    unsigned char ip[16];    /* network byte order; 4 bytes used for IPv4 */
    unsigned port;           /* 0..65535; 0 lets the kernel pick */
    char host[48];           /* as written, brackets removed ("127.0.0.1", "::1") */
};

/**
 * Parse @p s strictly as HOST:PORT, where HOST is a dotted IPv4 address,
 * "localhost" (127.0.0.1) or a bracketed IPv6 address, and PORT is decimal
 * 0..65535. MU_EINVAL with a message naming @p s otherwise.
 */
enum mu_err mu_http_addr_parse(const char *s, struct mu_http_addr *out, struct mu_error *err);

struct mu_http_server;

struct mu_http_config {
    struct mu_http_addr addr;
    unsigned threads;        /* worker threads; 0: one per core */
    struct mu_http_env *env; /* borrowed; must outlive the server */
    /* HTTPS: the certificate (chain) and private key in PEM, both or
     * neither; borrowed, used only during mu_http_server_start(). */
    const char *tls_cert_pem;
    const char *tls_key_pem;
};

/**
 * Check the route table, bind and start serving on worker threads. On
 * success *out is owned by the caller (mu_http_server_stop()).
 * Errors: MU_EINVAL (bad route table, a bug; only one of the TLS
 * certificate and key; TLS asked for but libmicrohttpd built without it),
 * MU_EIO (cannot bind: the message names the address; or the certificate
 * or key was refused), MU_ENOMEM.
 */
enum mu_err mu_http_server_start(const struct mu_http_config *cfg, struct mu_http_server **out,
                                 struct mu_error *err);

/** The base URL actually served, "http://127.0.0.1:PORT/" (https with TLS); borrowed from @p s. */
const char *mu_http_server_url(const struct mu_http_server *s);

/**
 * Stop accepting connections, wait up to @p drain_ms for requests in flight
 * to complete, close every connection and free @p s (NULL is a no-op).
 * Call from one thread, not from a handler.
 */
void mu_http_server_stop(struct mu_http_server *s, int drain_ms);

#endif
