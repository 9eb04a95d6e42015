/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the attachment use cases (src/app/attachment.c) on a
 * temporary SQLite database: the type rule reused from mu_attachment_sniff()
 * with the refused type named, the 10 MiB limit checked before anything is
 * stored, hazard photos only JPEG or PNG, a case file read only with a
 * reason and audited, and re-sealing under a new key for key rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <muster/attachment.h>
#include <muster/audit.h>
#include <muster/mem.h>

struct fx {
    char dir[64], path[96];
    struct mu_store *s;
};

static const struct mu_actor actor = {.name = "clerk", .now_ms = 1772000000000LL};
static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 'x', 'y'};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct mu_error err = {0};
    snprintf(f->dir, sizeof(f->dir), "/tmp/muster-att-XXXXXX");
    if (!mkdtemp(f->dir))
        fail_msg("mkdtemp");
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    if (mu_store_open(f->path, &f->s, &err))
        fail_msg("open: %s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[160];
    mu_store_close(f->s);
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static size_t rows(struct mu_store *s, const char *ref)
{
    struct mu_attachment *v = NULL;
    size_t n = 0;
    struct mu_error err = {0};
    if (mu_store_attachment_list(s, ref, &v, &n, &err))
        fail_msg("list: %s", err.msg);
    mu_attachments_free(v, n);
    return n;
}

static void test_case_types_and_limit(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    struct mu_case_keyring kr = {0};
    mu_case_key_generate(&kr.keys[0]);
    kr.n = 1;
    /* refused types: named when recognizable, the allowed ones listed otherwise */
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "x.gif", "GIF89a\1\0", 8, NULL,
                                        NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "file 'x.gif' is a GIF image, not an allowed type (JPEG, PNG, "
                                 "PDF or plain text)");
    assert_string_equal(err.field, "file");
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "x.bin", "\x01\x02\x03", 3, NULL,
                                        NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg,
                        "file 'x.bin' is not an allowed type (JPEG, PNG, PDF or plain text)");
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "e.txt", "", 0, NULL, NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "file 'e.txt' is empty");
    /* the limit: one byte over 10 MiB is refused before anything is stored */
    size_t big = (size_t)MU_ATTACHMENT_MAX + 1;
    char *buf = mu_malloc(big);
    assert_non_null(buf);
    memset(buf, 'a', big);
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "big.txt", buf, big, NULL, NULL,
                                        &err),
                     MU_ELIMIT);
    assert_string_equal(err.msg, "file 'big.txt' is 10485761 bytes, more than the limit of "
                                 "10485760 bytes (10 MiB)");
    mu_free(buf);
    /* a good file for a case that does not exist */
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "a.png", png, sizeof(png), NULL,
                                        NULL, &err),
                     MU_ENOTFOUND);
    assert_string_equal(err.msg, "no case 1");
    /* a file name that could break a header or a path */
    assert_int_equal(mu_app_case_attach(f->s, &actor, &kr, 1, "../a.png", png, sizeof(png),
                                        NULL, NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(rows(f->s, "case:1"), 0);
    mu_case_keyring_wipe(&kr);
}

static void test_hazard_photo_types(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    assert_int_equal(mu_app_hazard_photo(f->s, &actor, 1, "d.pdf", "%PDF-1.4\n", 9, NULL, NULL,
                                         &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "file 'd.pdf' is a PDF document; a photo must be JPEG or PNG");
    assert_int_equal(mu_app_hazard_photo(f->s, &actor, 1, "n.txt", "note", 4, NULL, NULL, &err),
                     MU_EINVAL);
    assert_string_equal(err.msg, "file 'n.txt' is plain text; a photo must be JPEG or PNG");
    assert_int_equal(mu_app_hazard_photo(f->s, &actor, 1, "a.png", png, sizeof(png), NULL, NULL,
                                         &err),
                     MU_ENOTFOUND);
    assert_int_equal(rows(f->s, "hazard:1"), 0);
}

/* A case file stored as the app stores it: base64, sealed. */
static int64_t put_sealed(struct mu_store *s, const struct mu_case_keyring *kr, const char *b64)
{
    struct mu_error err = {0};
    char *sealed = NULL;
    int64_t id = 0;
    if (mu_case_seal(kr, b64, &sealed, &err) ||
        mu_store_attachment_add(s, &actor, "case:7", "h.txt", "text/plain; charset=utf-8", 5,
                                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                                sealed, &id, &err))
        fail_msg("put: %s", err.msg);
    mu_free(sealed);
    return id;
}

static void test_case_read_reason_and_reseal(void **state)
{
    struct fx *f = *state;
    struct mu_error err = {0};
    struct mu_case_keyring k1 = {0}, both = {0}, k2 = {0};
    mu_case_key_generate(&k1.keys[0]);
    k1.n = 1;
    mu_case_key_generate(&k2.keys[0]);
    k2.n = 1;
    both.keys[0] = k2.keys[0];
    both.keys[1] = k1.keys[0];
    both.n = 2;
    int64_t id = put_sealed(f->s, &k1, "aGVsbG8="); /* "hello" */
    void *data = NULL;
    size_t len = 0, count = 0;
    assert_int_equal(mu_app_case_attachment_get(f->s, &actor, &k1, 7, id, "", NULL, &data, &len,
                                                &err),
                     MU_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_null(data);
    /* the new key alone does not open it until it is re-sealed */
    assert_int_not_equal(mu_app_case_attachment_get(f->s, &actor, &k2, 7, id, "check", NULL,
                                                    &data, &len, &err),
                         MU_OK);
    assert_int_equal(mu_app_case_attachments_reseal(f->s, &both, &count, &err), MU_OK);
    assert_int_equal(count, 1);
    struct mu_attachment m;
    assert_int_equal(mu_app_case_attachment_get(f->s, &actor, &k2, 7, id, "check", &m, &data,
                                                &len, &err),
                     MU_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    assert_string_equal(m.name, "h.txt");
    mu_attachment_release(&m);
    mu_free(data);
    /* the read is audited with who and why */
    struct mu_audit_entry *e = NULL;
    size_t ne = 0;
    assert_int_equal(mu_store_audit_tail(f->s, 1, &e, &ne, &err), MU_OK);
    assert_string_equal(e[0].action, "attachment.read");
    assert_string_equal(e[0].object, "case:7");
    assert_string_equal(e[0].summary, "attachment 1 read by clerk; reason: check");
    mu_audit_entries_free(e, ne);
    /* another case's id does not reach it */
    assert_int_equal(mu_app_case_attachment_get(f->s, &actor, &k2, 8, id, "check", NULL, &data,
                                                &len, &err),
                     MU_ENOTFOUND);
    mu_case_keyring_wipe(&k1);
    mu_case_keyring_wipe(&k2);
    mu_case_keyring_wipe(&both);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_case_types_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hazard_photo_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_read_reason_and_reseal, setup, teardown),
    };
    return cmocka_run_group_tests_name("attachment", tests, NULL, NULL);
}
