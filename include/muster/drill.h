/* SPDX-License-Identifier: MIT */
/*
 * Simulated drills: a scenario (YAML, docs/drill-format.md) replayed against
 * a plan on a virtual clock. The scenario parser is pure
 * (src/core/drill.c); the replay (src/app/drill.c) loads the plan into a
 * private in-memory SQLite database, generates and publishes its duty
 * roster, opens the incident at `start`, and advances the clock from event
 * to event through the real timer engine, applying the scenario's
 * responses (acknowledgements and arrivals after a delay, or none).
 * Messages are recorded in the outbox and never delivered.
 */
#ifndef MUSTER_DRILL_H
#define MUSTER_DRILL_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "err.h"
#include "incident.h"
#include "plan.h"

/** Largest scenario file accepted (64 KiB). */
#define MU_SCENARIO_MAX_BYTES (64 * 1024)

/** How a person responds; times in seconds after their first message. */
struct mu_scenario_response {
    const char *person; /* "default" for everyone not listed */
    int none;           /* never acknowledges, never arrives */
    int64_t ack_after;  /* -1: never acknowledges */
    int64_t arrive_after; /* -1: never arrives */
    struct mu_pos pos;
};

/** Who holds a duty role during the drill (overrides the generated roster). */
struct mu_scenario_duty {
    const char *role, *person;
    struct mu_pos pos;
};

/** A parsed scenario; everything owned by it (mu_scenario_free). */
struct mu_scenario {
    int64_t start; /* when the incident is reported, epoch ms */
    const char *kind, *level, *place, *reporter; /* level, reporter may be NULL */
    struct mu_pos kind_pos, level_pos;
    struct mu_incident_kv *fields; /* values as text */
    size_t nfields;
    struct mu_pos fields_pos;
    struct mu_scenario_response deflt; /* default: none when not given */
    struct mu_scenario_response *responses;
    size_t nresponses;
    struct mu_scenario_duty *duty;
    size_t nduty;
    int64_t until; /* seconds to simulate after start */
    int has_activate;
    const char *activate_by;
    int64_t activate_after; /* seconds after start */
    struct mu_pos activate_pos;
    const char *expect; /* "met" or "missed"; NULL when not given */
    struct mu_scenario_arena *arena; /* private */
};

/**
 * Parse scenario @p src (@p len bytes, borrowed). Every problem goes to
 * @p diags with its line and column; MU_EINVAL when there are errors (*out
 * NULL), MU_ENOMEM, or MU_OK with *out (mu_scenario_free).
 */
MU_API enum mu_err mu_scenario_parse(const char *src, size_t len, struct mu_scenario **out,
                                     struct mu_diags *diags, struct mu_error *err);
MU_API void mu_scenario_free(struct mu_scenario *sc);

/** The response of @p person: their own entry, else the default. Borrowed. */
MU_API const struct mu_scenario_response *mu_scenario_response_of(const struct mu_scenario *sc,
                                                                  const char *person);

/** What a drill produced. */
struct mu_drill_result {
    char *text;       /* the timeline and verdicts for people (mu_free) */
    char *json;       /* {"timeline":[...],"deadlines":[...]} (mu_free) */
    size_t deadlines; /* judged */
    size_t missed;    /* not met in time (missed, or still pending at the end) */
};

MU_API void mu_drill_result_release(struct mu_drill_result *r);

/**
 * Replay @p sc against the plan @p plan_src (@p plan_len bytes; a plan file)
 * with the working-day calendar @p cal (may be NULL). Problems of the plan
 * go to @p plan_diags (MU_EINVAL); problems of the scenario against the plan
 * (an unknown person, kind, field or role) to @p sc_diags (MU_EINVAL) with
 * the scenario's positions. *out is filled on success (release it).
 */
MU_API enum mu_err mu_app_drill_run(const char *plan_src, size_t plan_len,
                                    const struct mu_scenario *sc, const struct mu_calendar *cal,
                                    struct mu_diags *plan_diags, struct mu_diags *sc_diags,
                                    struct mu_drill_result *out, struct mu_error *err);

#endif
