/* SPDX-License-Identifier: MIT */
/*
 * The one storage interface of muster. A store is a connection to a SQLite
 * file or a PostgreSQL database (the DSN decides), with the schema migrated
 * to the version this binary knows. Every function that changes state takes
 * the actor (who and when) and appends its audit entry in the same
 * transaction as the change; the store never reads the clock for that.
 *
 * A store is one connection: use it from one thread at a time. Open one
 * store per thread or process; concurrent writers are serialized by the
 * database (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL).
 */
#ifndef MUSTER_STORE_H
#define MUSTER_STORE_H

#include "audit.h"
#include "err.h"
#include <stddef.h>
#include <stdint.h>

struct mu_store;

/** Who makes a change, and when (epoch milliseconds from the caller's clock). */
struct mu_actor {
    const char *name; /* borrowed; non-empty */
    int64_t now_ms;
};

enum mu_store_open_flags {
    /* Do not migrate, and do not refuse a newer schema on open: for
     * `muster migrate`, which calls mu_store_migrate() itself. */
    MU_STORE_OPEN_NO_MIGRATE = 1 << 0,
};

/**
 * Open the database named by @p dsn: a file path or "sqlite:PATH" for SQLite
 * (created when missing), "postgres://..." or "postgresql://..." for
 * PostgreSQL. Pending migrations are applied. A database whose schema is
 * newer than this binary knows is refused with MU_ECONFLICT and left as it
 * was. On success *out is owned by the caller (mu_store_close()).
 * Errors: MU_EINVAL (empty DSN), MU_ESTORE (cannot open or migrate),
 * MU_ECONFLICT (newer schema), MU_ENOMEM.
 */
MU_API enum mu_err mu_store_open(const char *dsn, struct mu_store **out, struct mu_error *err);

/** As mu_store_open() with @p flags from enum mu_store_open_flags. */
MU_API enum mu_err mu_store_open_ex(const char *dsn, unsigned flags, struct mu_store **out,
                                    struct mu_error *err);

/** Close @p s, rolling back an open transaction; NULL is a no-op. */
MU_API void mu_store_close(struct mu_store *s);

/** "sqlite" or "postgres"; static string. */
MU_API const char *mu_store_engine(const struct mu_store *s);

/**
 * Apply every pending migration, each in its own transaction. *from (may be
 * NULL) gets the version before, *to (may be NULL) the version after. When a
 * migration fails, the versions before it stay applied and the database is
 * as it was before that migration. MU_ECONFLICT when the database is newer
 * than this binary.
 */
MU_API enum mu_err mu_store_migrate(struct mu_store *s, int *from, int *to, struct mu_error *err);

/** The schema version recorded in the database (0 when none); OUT *version. */
MU_API enum mu_err mu_store_schema_version(struct mu_store *s, int *version, struct mu_error *err);

/** The newest schema version this binary knows for the engine of @p s. */
MU_API int mu_store_schema_latest(const struct mu_store *s);

/**
 * Transactions. They nest: an inner begin is a savepoint. Store functions
 * called outside a transaction run in their own; inside one, a failing store
 * function undoes only its own work and the transaction stays usable.
 * mu_store_rollback() never fails in a way the caller must handle.
 */
MU_API enum mu_err mu_store_begin(struct mu_store *s, struct mu_error *err);
MU_API enum mu_err mu_store_commit(struct mu_store *s, struct mu_error *err);
MU_API void mu_store_rollback(struct mu_store *s);

/* ---- audit log ---- */

/**
 * Append an audit entry for an event that is not itself a store change (the
 * store's own mutating functions append theirs). @p action, @p object and
 * @p summary are borrowed; action must be non-empty.
 */
MU_API enum mu_err mu_store_audit_append(struct mu_store *s, const struct mu_actor *actor,
                                         const char *action, const char *object,
                                         const char *summary, struct mu_error *err);

/** Result of mu_store_audit_verify(). */
struct mu_audit_verify {
    int64_t entries; /* entries read */
    int64_t bad_seq; /* first bad entry, 0 when the log is intact */
};

/**
 * Check the whole chain: every entry's hash, its link to the previous one,
 * that seq has no gaps, and that the last entry is the recorded head.
 * MU_OK when intact; MU_ECONFLICT with err->msg naming the first bad entry
 * ("audit entry 5: hash mismatch (altered)") and out->bad_seq set when not;
 * other codes when the database fails. @p out may be NULL.
 */
MU_API enum mu_err mu_store_audit_verify(struct mu_store *s, struct mu_audit_verify *out,
                                         struct mu_error *err);

/**
 * The last @p n entries, oldest first. *out (free with mu_audit_entries_free)
 * and *count are set on success; *out may be NULL when the log is empty.
 */
MU_API enum mu_err mu_store_audit_tail(struct mu_store *s, size_t n, struct mu_audit_entry **out,
                                       size_t *count, struct mu_error *err);

/**
 * The seq of the last committed audit entry (0 for an empty log), read from
 * the one-row audit head: one indexed read. Every audited change, by any
 * process or node, moves it, so an unchanged head means unchanged audited
 * data. Errors: MU_ESTORE.
 */
MU_API enum mu_err mu_store_audit_head(struct mu_store *s, int64_t *seq, struct mu_error *err);

/** Which audited changes a cache depends on. */
enum mu_change_scope {
    MU_CHANGES_ANY,      /* every audited change */
    MU_CHANGES_ACCOUNTS, /* users and API tokens: the audit actions "user.*" and "token.*" */
};

/**
 * A process-wide counter that advances after every commit that appended an
 * audit entry of @p scope, through any store of this process. It moves
 * after the data is committed, so a reader that takes the counter before
 * reading sees data at least as new as the counter says: caches of audited
 * data key on it (with mu_store_audit_head() and mu_store_audit_scope_moved()
 * for changes made by other processes).
 */
MU_API uint64_t mu_store_local_changes(enum mu_change_scope scope);

/**
 * *moved = 1 when an audit entry of @p scope has a seq above @p since and
 * at most @p head (a head read before), else 0. Reads those entries only;
 * a gap over 10,000 entries counts as moved without reading. Errors: MU_ESTORE.
 */
MU_API enum mu_err mu_store_audit_scope_moved(struct mu_store *s, enum mu_change_scope scope,
                                              int64_t since, int64_t head, int *moved,
                                              struct mu_error *err);

/* ---- plans ---- */

/**
 * Store plan @p id. When @p source equals the latest version's source,
 * nothing changes: *unchanged = 1 and *version is the latest version, no
 * audit entry. Otherwise a new version (latest + 1, or 1) is stored with
 * title, source and model, the plan's title and latest version follow, and
 * an audit entry "plan.load" is appended. All strings are borrowed and
 * required. @p version and @p unchanged may be NULL.
 * Errors: MU_EINVAL, MU_ECONFLICT (a concurrent load won), MU_ESTORE.
 */
MU_API enum mu_err mu_store_plan_put(struct mu_store *s, const struct mu_actor *actor,
                                     const char *id, const char *title, const char *source,
                                     const char *model_json, int *version, int *unchanged,
                                     struct mu_error *err);

/** One stored version of a plan; strings owned, release with mu_plan_record_release(). */
struct mu_plan_record {
    char *id;
    char *title; /* the title of this version */
    int version;
    int latest_version;                     /* of the plan, for "version 2 of 3" */
    char *source;                           /* the plan file as loaded */
    char *model_json;                       /* the parsed model */
    char source_hash[MU_AUDIT_HEX_LEN + 1]; /* BLAKE2b-256 of source, hex */
    int64_t created_at;                     /* when version 1 was loaded */
    int64_t loaded_at;                      /* when this version was loaded */
    char *loaded_by;
};

/**
 * Read version @p version (0 = the latest) of plan @p id into @p out
 * (caller-allocated; filled only on success). MU_ENOTFOUND names the plan
 * or the version.
 */
MU_API enum mu_err mu_store_plan_get(struct mu_store *s, const char *id, int version,
                                     struct mu_plan_record *out, struct mu_error *err);

/** Free the strings of @p r and zero it; NULL and zeroed records are fine. */
MU_API void mu_plan_record_release(struct mu_plan_record *r);

/** A plan in the list: strings owned by the array (mu_plan_summaries_free). */
struct mu_plan_summary {
    char *id;
    char *title; /* of the latest version */
    int latest_version;
    int64_t loaded_at; /* when the latest version was loaded */
    char *loaded_by;
};

/** Every plan, ordered by id. *out may be NULL when there are none. */
MU_API enum mu_err mu_store_plan_list(struct mu_store *s, struct mu_plan_summary **out,
                                      size_t *count, struct mu_error *err);
MU_API void mu_plan_summaries_free(struct mu_plan_summary *v, size_t n);

/** One version in a plan's history: strings owned by the array. */
struct mu_plan_version_info {
    int version;
    char *title;
    int64_t loaded_at;
    char *loaded_by;
    char source_hash[MU_AUDIT_HEX_LEN + 1];
};

/** The versions of plan @p id, oldest first; MU_ENOTFOUND when there is no such plan. */
MU_API enum mu_err mu_store_plan_versions(struct mu_store *s, const char *id,
                                          struct mu_plan_version_info **out, size_t *count,
                                          struct mu_error *err);
MU_API void mu_plan_versions_free(struct mu_plan_version_info *v, size_t n);

/* ---- settings: key/value configuration ---- */

/**
 * The value of setting @p key: *value owned by the caller (mu_free).
 * MU_ENOTFOUND naming the key when it is not set.
 */
MU_API enum mu_err mu_store_setting_get(struct mu_store *s, const char *key, char **value,
                                        struct mu_error *err);

/**
 * Set @p key to @p value (both borrowed, non-NULL; key non-empty), with an
 * audit entry "setting.set". Setting the value it already has changes
 * nothing and appends nothing.
 */
MU_API enum mu_err mu_store_setting_set(struct mu_store *s, const struct mu_actor *actor,
                                        const char *key, const char *value, struct mu_error *err);

#endif
