/* SPDX-License-Identifier: MIT */
/*
 * Inside the store: the store object, the transaction helpers every domain
 * store function uses, and the audit append that every mutating function
 * calls inside its transaction. Not for code outside src/store (tests may
 * use it).
 */
#ifndef MU_STORE_INT_H
#define MU_STORE_INT_H

#include <muster/store.h>

#include "store/db.h"
#include "store/migrations.h"

struct mu_store {
    struct mu_db *db;                      /* owned connection */
    const struct mu_migration *migrations; /* the engine's embedded list */
    int depth;                             /* open transaction levels, 0 = none */
};

/* Longest accepted strings (bytes), checked before anything is written. */
#define MU_STORE_MAX_NAME 200     /* actor, action, ids, setting keys */
#define MU_STORE_MAX_SUMMARY 2000 /* audit object and summary */

/** The connection of @p s (borrowed), for tests and the migration runner. */
struct mu_db *mu_store_db(struct mu_store *s);

/**
 * Start a unit of work: a transaction at depth 0 (BEGIN IMMEDIATE on
 * SQLite), a savepoint inside one.
 */
enum mu_err mu_store_tx_enter(struct mu_store *s, struct mu_error *err);

/** As mu_store_tx_enter() but a read-only snapshot at depth 0. */
enum mu_err mu_store_tx_enter_read(struct mu_store *s, struct mu_error *err);

/**
 * End the unit begun by mu_store_tx_enter(): commit it when @p rc is MU_OK,
 * otherwise undo it (leaving @p err as the failing step set it). Returns
 * @p rc, or the commit's error.
 */
enum mu_err mu_store_tx_leave(struct mu_store *s, enum mu_err rc, struct mu_error *err);

/** Check that @p a names someone; MU_EINVAL otherwise. */
enum mu_err mu_store_check_actor(const struct mu_actor *a, struct mu_error *err);

/**
 * Append an audit entry inside the caller's transaction (depth > 0). The
 * head row is updated first, which serializes appenders on PostgreSQL.
 */
enum mu_err mu_store_audit_append_tx(struct mu_store *s, const struct mu_actor *actor,
                                     const char *action, const char *object, const char *summary,
                                     struct mu_error *err);

#endif
