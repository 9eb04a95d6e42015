/* SPDX-License-Identifier: MIT */
/*
 * The one table from enum mu_err to HTTP status, and the one table of error
 * statuses with the code string that JSON error bodies carry. Handlers and
 * the server never hard-code these pairs anywhere else.
 */
#include "http.h"

#include "../util/banned.h"

static const struct {
    enum mu_err rc;
    int status;
} err_table[] = {
    {MU_OK, 200},
    {MU_EINVAL, 400},     /* bad input, naming the field */
    {MU_ENOTFOUND, 404},
    {MU_ECONFLICT, 409},
    {MU_ELIMIT, 413},     /* a size or count limit of the request */
    {MU_ENOMEM, 503},     /* transient: the client may retry */
    {MU_EIO, 500},
    {MU_ESTORE, 500},
    {MU_EINTERNAL, 500},
};

static const struct {
    int status;
    const char *code;   /* in error bodies */
    const char *reason; /* the reason phrase */
} status_table[] = {
    {200, "ok", "OK"},
    {201, "created", "Created"},
    {204, "no_content", "No Content"},
    {400, "bad_request", "Bad Request"},
    {401, "unauthorized", "Unauthorized"},
    {403, "forbidden", "Forbidden"},
    {404, "not_found", "Not Found"},
    {405, "method_not_allowed", "Method Not Allowed"},
    {409, "conflict", "Conflict"},
    {413, "too_large", "Content Too Large"},
    {415, "unsupported_media_type", "Unsupported Media Type"},
    {429, "too_many_requests", "Too Many Requests"},
    {500, "internal", "Internal Server Error"},
    {503, "unavailable", "Service Unavailable"},
};

int mu_http_status_for_err(enum mu_err rc)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].rc == rc)
            return err_table[i].status;
    return 500;
}

const char *mu_http_status_code(int status)
{
    for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
        if (status_table[i].status == status)
            return status_table[i].code;
    return "error";
}

const char *mu_http_status_reason(int status)
{
    for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
        if (status_table[i].status == status)
            return status_table[i].reason;
    return "Unknown";
}
