/* SPDX-License-Identifier: MIT */
/*
 * The migration runner, with the list passed in so tests can inject their
 * own (for example one that fails half-way), and an open that does neither
 * migrate nor check the version.
 */
#ifndef MU_STORE_MIGRATE_H
#define MU_STORE_MIGRATE_H

#include "store/store_int.h"

/** Open the database and nothing else; *out owned by caller (mu_store_close). */
enum mu_err mu_store_open_raw(const char *dsn, struct mu_store **out, struct mu_error *err);

/** The highest version in @p list (0 for an empty list). */
int mu_migrations_latest(const struct mu_migration *list);

/**
 * Apply the migrations of @p list above the recorded version, in order, each
 * in its own transaction together with its schema_version row. Stops at the
 * first failure (MU_ESTORE naming the migration), which leaves the database
 * as it was before that migration. MU_ECONFLICT when the database is newer
 * than @p list knows. @p from and @p to may be NULL.
 */
enum mu_err mu_store_migrate_with(struct mu_store *s, const struct mu_migration *list, int *from,
                                  int *to, struct mu_error *err);

/** The recorded schema version, 0 when there is no schema_version table. */
enum mu_err mu_store_read_version(struct mu_store *s, int *version, struct mu_error *err);

#endif
