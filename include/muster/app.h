/* SPDX-License-Identifier: MIT */
/*
 * Use cases over the store: each begins a transaction, calls the core and
 * the store, and commits, so that every change and its audit entry land
 * together or not at all. The CLI and the HTTP layer call these.
 */
#ifndef MUSTER_APP_H
#define MUSTER_APP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"
#include "store.h"

/** What mu_app_plan_load() did. */
struct mu_plan_load_result {
    char id[72];   /* the plan's id */
    int version;   /* the version now stored (new, or the unchanged latest) */
    int unchanged; /* 1 when the source equals the latest version: nothing stored */
};

/**
 * Parse @p src (@p len bytes, borrowed) and store it as a new version of its
 * plan, with an audit entry by @p actor, in one transaction. A plan with
 * errors is refused with MU_EINVAL and its diagnostics in @p diags (may be
 * NULL); then nothing in the store changes. Loading the same source again
 * stores nothing and sets out->unchanged.
 */
MU_API enum mu_err mu_app_plan_load(struct mu_store *s, const struct mu_actor *actor,
                                    const char *src, size_t len, struct mu_diags *diags,
                                    struct mu_plan_load_result *out, struct mu_error *err);

/**
 * Version @p version (0 = latest) of plan @p id as a JSON document:
 * {"id","title","version","latest_version","loaded_at","loaded_by",
 *  "source_hash","versions":[{"version","title","loaded_at","loaded_by",
 *  "source_hash"}...],"plan":MODEL}. *out owned by caller (mu_free).
 * MU_ENOTFOUND naming the plan or version.
 */
MU_API enum mu_err mu_app_plan_show_json(struct mu_store *s, const char *id, int version,
                                         char **out, struct mu_error *err);

/**
 * Version @p version (0 = latest) of plan @p id rendered as a document in
 * @p fmt (see mu_plan_render). *out owned by caller (mu_free).
 */
MU_API enum mu_err mu_app_plan_render(struct mu_store *s, const char *id, int version,
                                      enum mu_plan_format fmt, char **out,
                                      struct mu_error *err);

#endif
