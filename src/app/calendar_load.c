/* SPDX-License-Identifier: MIT */
/*
 * Loading the working-day calendar from a directory of YYYY.txt files
 * (mu_calendar_load_dir in muster/calendar.h). This is the I/O half of the
 * calendar: it lists the directory, reads each file whole and hands the bytes
 * to the pure parser in src/core/calendar.c, in name order so that errors are
 * reported in a stable order.
 */
#include <muster/calendar.h>
#include <muster/mem.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

#define CAL_FILE_MAX (1u << 20) /* far beyond any real year, which is a few KB */
#define CAL_MAX_FILES 400       /* one per supported year at most */
#define CAL_PATH_MAX 4096

/* 1 for "YYYY.txt". */
static int is_year_file(const char *name)
{
    if (strlen(name) != 8 || strcmp(name + 4, ".txt") != 0)
        return 0;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9')
            return 0;
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read @p path whole into *out (owned by caller, free with mu_free) and *len. */
static enum mu_err read_file(const char *path, char **out, size_t *len, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    char *data = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return mu_error_set(err, MU_EIO, "cannot open '%s': %s", path, strerror(errno));
    data = mu_malloc(CAL_FILE_MAX + 1);
    if (!data) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    n = fread(data, 1, CAL_FILE_MAX + 1, f);
    if (ferror(f)) {
        rc = mu_error_set(err, MU_EIO, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if (n > CAL_FILE_MAX) {
        rc = mu_error_set(err, MU_ELIMIT, "%s: calendar file is larger than %u bytes", path,
                          CAL_FILE_MAX);
        goto out;
    }
    *out = data;
    *len = n;
    data = NULL;
out:
    mu_free(data);
    fclose(f);
    return rc;
}

enum mu_err mu_calendar_load_dir(const char *dir, struct mu_calendar **out, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct mu_calendar *cal = NULL;
    char **names = NULL;
    size_t nnames = 0;
    char *text = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return mu_error_set(err, MU_EIO, "cannot open directory '%s': %s", dir, strerror(errno));

    names = mu_calloc(CAL_MAX_FILES, sizeof(*names));
    cal = mu_calendar_new();
    if (!names || !cal) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory loading calendars from '%s'", dir);
        goto out;
    }
    for (;;) {
        errno = 0;
        struct dirent *ent = readdir(d);
        if (!ent) {
            if (errno) {
                rc = mu_error_set(err, MU_EIO, "cannot read directory '%s': %s", dir,
                                  strerror(errno));
                goto out;
            }
            break;
        }
        if (!is_year_file(ent->d_name))
            continue;
        if (nnames == CAL_MAX_FILES) {
            rc = mu_error_set(err, MU_ELIMIT, "more than %d calendar files in '%s'",
                              CAL_MAX_FILES, dir);
            goto out;
        }
        names[nnames] = mu_strdup(ent->d_name);
        if (!names[nnames]) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory loading calendars from '%s'", dir);
            goto out;
        }
        nnames++;
    }
    qsort(names, nnames, sizeof(*names), cmp_names);

    for (size_t i = 0; i < nnames; i++) {
        char path[CAL_PATH_MAX];
        int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (w < 0 || (size_t)w >= sizeof(path)) {
            rc = mu_error_set(err, MU_ELIMIT, "path of '%s' in '%.200s' is too long", names[i],
                              dir);
            goto out;
        }
        size_t len = 0;
        rc = read_file(path, &text, &len, err);
        if (rc)
            goto out;
        rc = mu_calendar_add_text(cal, path, text, len, err);
        mu_free(text);
        text = NULL;
        if (rc)
            goto out;
    }
    *out = cal;
    cal = NULL;
out:
    mu_free(text);
    if (names)
        for (size_t i = 0; i < nnames; i++)
            mu_free(names[i]);
    mu_free(names);
    mu_calendar_free(cal);
    closedir(d);
    return rc;
}
