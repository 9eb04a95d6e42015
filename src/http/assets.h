/* SPDX-License-Identifier: MIT */
/*
 * The web UI's files (web/templates, web/static, web/i18n) embedded into
 * the muster binary at build time by tools/embed-web.sh, which generates
 * build/gen/web_assets.c with the table declared here.
 */
#ifndef MU_HTTP_ASSETS_H
#define MU_HTTP_ASSETS_H

#include <stddef.h>

struct mu_web_asset {
    const char *path;          /* relative to web/: "templates/login.html", "static/app.js" */
    const unsigned char *data; /* the file's bytes, followed by a NUL not counted in len */
    size_t len;
};

/* Sorted by path (byte order). */
extern const struct mu_web_asset mu_web_assets[];
extern const size_t mu_web_nassets;

#endif
