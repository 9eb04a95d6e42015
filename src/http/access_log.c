/* SPDX-License-Identifier: MIT */
/* The access log line and the path sanitizer; see access_log.h. */
#include "access_log.h"

#include <muster/log.h>
#include <stdio.h>
#include <string.h>

#include "../util/banned.h"

size_t mu_http_sanitize(const char *in, size_t len, char *out, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t cap = outsz < MU_HTTP_LOG_PATH_MAX + 4 ? outsz : MU_HTTP_LOG_PATH_MAX + 4;
    size_t n = 0;
    if (cap < 4) {
        if (outsz)
            out[0] = '\0';
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        int plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
        size_t need = plain ? 1 : 3;
        if (n + need > cap - 4) {
            memcpy(out + n, "...", 4);
            return n + 3;
        }
        if (plain) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
    return n;
}

/*
 * Paths that carry a secret in their last segment (the per-person iCal feed
 * token, the one-time acknowledgement link of incident messages): the log
 * shows the route, never the secret.
 */
static const char *const secret_prefixes[] = {"/feeds/roster/", "/ack/"};

void mu_http_access_log(const char *method, const char *path, size_t len, int status,
                        double dur_ms, const char *rid)
{
    char m[32], p[MU_HTTP_LOG_PATH_MAX + 4];
    mu_http_sanitize(method ? method : "-", method ? strlen(method) : 1, m, sizeof(m));
    for (size_t i = 0; i < sizeof(secret_prefixes) / sizeof(secret_prefixes[0]); i++) {
        size_t plen = strlen(secret_prefixes[i]);
        if (len > plen && strncmp(path, secret_prefixes[i], plen) == 0) {
            snprintf(p, sizeof(p), "%s***", secret_prefixes[i]);
            goto out;
        }
    }
    mu_http_sanitize(path, len, p, sizeof(p));
out:
    /* Hundredths of a millisecond in integers: printf's float formatting is
     * a visible share of a request this cheap. */
    long long cs = dur_ms > 0 ? (long long)(dur_ms * 100.0 + 0.5) : 0;
    mu_log_buffered(MU_LOG_INFO, "http", "method=%s path=%s status=%d dur_ms=%lld.%02lld rid=%s",
                    m, p[0] ? p : "-", status, cs / 100, cs % 100, rid);
}
