/* SPDX-License-Identifier: MIT */
/*
 * The case key file: the secretbox keys that seal complainants' identity,
 * kept in a file outside the database (mode 0600), never in it. Format, one
 * key a line, the sealing key first:
 *
 *   # muster case keys
 *   key KEYID BASE64KEY
 *
 * `muster key init` creates it (refusing to overwrite), `muster key rotate`
 * rewrites it atomically (temporary file, fsync, rename).
 */
#include <muster/case.h>
#include <muster/mem.h>

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/banned.h"

#define KEYFILE_MAX 4096
#define B64 sodium_base64_VARIANT_ORIGINAL

enum mu_err mu_case_keyfile_default(const char *dsn, const char *env_path, char *out, size_t outsz,
                                    struct mu_error *err)
{
    int w;
    if (env_path && *env_path)
        w = snprintf(out, outsz, "%s", env_path);
    else if (strncmp(dsn, "postgres://", 11) == 0 || strncmp(dsn, "postgresql://", 13) == 0)
        return mu_error_set(err, MU_EINVAL,
                            "give the case key file with --key-file or MUSTER_KEY_FILE");
    else
        w = snprintf(out, outsz, "%s.key", strncmp(dsn, "sqlite:", 7) == 0 ? dsn + 7 : dsn);
    if (w < 0 || (size_t)w >= outsz)
        return mu_error_set(err, MU_EINVAL, "key file path is too long");
    return MU_OK;
}

/* Write @p kr as text into @p fd; 0 or -1. */
static int write_keys(int fd, const struct mu_case_keyring *kr)
{
    char line[256], b64[64];
    const char *head = "# muster case keys: keep this file secret and backed up apart "
                       "from the database\n";
    if (write(fd, head, strlen(head)) < 0)
        return -1;
    for (size_t i = 0; i < kr->n; i++) {
        sodium_bin2base64(b64, sizeof(b64), kr->keys[i].key, 32, B64);
        int n = snprintf(line, sizeof(line), "key %s %s\n", kr->keys[i].id, b64);
        if (write(fd, line, (size_t)n) != n) {
            sodium_memzero(line, sizeof(line));
            return -1;
        }
    }
    sodium_memzero(line, sizeof(line));
    sodium_memzero(b64, sizeof(b64));
    return fsync(fd);
}

enum mu_err mu_case_keyfile_init(const char *path, char *id, struct mu_error *err)
{
    struct mu_case_keyring kr = {.n = 1};
    if (sodium_init() < 0)
        return mu_error_set(err, MU_EINTERNAL, "libsodium cannot be initialized");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return mu_error_set(err, MU_ECONFLICT,
                                "key file '%s' already exists; it is not overwritten", path);
        return mu_error_set(err, MU_EIO, "cannot create key file '%s': %s", path, strerror(errno));
    }
    mu_case_key_generate(&kr.keys[0]);
    int bad = fchmod(fd, 0600) != 0 || write_keys(fd, &kr) != 0;
    bad |= close(fd) != 0;
    if (bad) {
        unlink(path);
        mu_case_keyring_wipe(&kr);
        return mu_error_set(err, MU_EIO, "cannot write key file '%s'", path);
    }
    if (id)
        memcpy(id, kr.keys[0].id, MU_CASE_KEY_ID_LEN + 1);
    mu_case_keyring_wipe(&kr);
    return MU_OK;
}

enum mu_err mu_case_keyfile_write(const char *path, const struct mu_case_keyring *kr,
                                  struct mu_error *err)
{
    char tmp[4200];
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (w < 0 || (size_t)w >= sizeof(tmp))
        return mu_error_set(err, MU_EINVAL, "key file path is too long");
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return mu_error_set(err, MU_EIO, "cannot create '%s': %s", tmp, strerror(errno));
    int bad = fchmod(fd, 0600) != 0 || write_keys(fd, kr) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return mu_error_set(err, MU_EIO, "cannot write key file '%s'", path);
    }
    return MU_OK;
}

enum mu_err mu_case_keyfile_load(const char *path, struct mu_case_keyring *kr, struct mu_error *err)
{
    char buf[KEYFILE_MAX + 1];
    enum mu_err rc = MU_OK;
    memset(kr, 0, sizeof(*kr));
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT)
            return mu_error_set(err, MU_ENOTFOUND, "no key file '%s': run muster key init", path);
        return mu_error_set(err, MU_EIO, "cannot open key file '%s': %s", path, strerror(errno));
    }
    ssize_t n = read(fd, buf, KEYFILE_MAX);
    close(fd);
    if (n < 0)
        return mu_error_set(err, MU_EIO, "cannot read key file '%s'", path);
    buf[n] = '\0';
    int lineno = 0;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (!*line || *line == '#')
            continue;
        char id[64], b64[128];
        unsigned char key[64];
        size_t klen = 0;
        if (sscanf(line, "key %63s %127s", id, b64) != 2 || strlen(id) != MU_CASE_KEY_ID_LEN ||
            sodium_base642bin(key, sizeof(key), b64, strlen(b64), NULL, &klen, NULL, B64) != 0 ||
            klen != 32) {
            rc = mu_error_set(err, MU_EINVAL, "%s:%d: not a key line", path, lineno);
            break;
        }
        if (kr->n == MU_CASE_MAX_KEYS) {
            rc = mu_error_set(err, MU_EINVAL, "%s: more than %d keys", path, MU_CASE_MAX_KEYS);
            break;
        }
        memcpy(kr->keys[kr->n].id, id, MU_CASE_KEY_ID_LEN + 1);
        memcpy(kr->keys[kr->n].key, key, 32);
        kr->n++;
        sodium_memzero(key, sizeof(key));
        sodium_memzero(b64, sizeof(b64));
    }
    sodium_memzero(buf, sizeof(buf));
    if (rc == MU_OK && kr->n == 0)
        rc = mu_error_set(err, MU_EINVAL, "key file '%s' has no key", path);
    if (rc)
        mu_case_keyring_wipe(kr);
    return rc;
}
