/* SPDX-License-Identifier: MIT */
/*
 * The escalation rules of a plan, pure (src/core/escalation.c): which of a
 * plan's `escalation` policies apply to an incident (kind, level, the time
 * of day it was reported, comparisons on its numeric fields), who a target
 * ("person:x", "team:x", "leader:x", "role:R", "duty", a bare id) means at a
 * given moment (the roster is asked through a callback, so that a step
 * resolves `duty` when it runs, not when the incident opened), what the
 * chain does after a step ran or its acknowledgement wait ended (wait,
 * escalate at once, stop, done), and the deadlines a policy sets: the
 * reporting chain, the acknowledgement of a step by k of n people, and the
 * assembly of teams within a day or night limit.
 *
 * No I/O and no clock: every function takes the instant it judges at.
 * Times are epoch milliseconds; times of day are Asia/Shanghai (UTC+8) as in
 * muster/date.h. Reentrant.
 */
#ifndef MUSTER_ESCALATION_H
#define MUSTER_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "plan.h"

/* ---------------------------------------------------------------------- */
/* Policies                                                               */

/** A numeric field of an incident; key borrowed. */
struct mu_esc_field {
    const char *key;
    double value;
};

/** What policies are judged against; everything borrowed. */
struct mu_esc_incident {
    const char *kind;   /* incident kind id */
    const char *level;  /* level id; NULL or "" when none */
    int64_t reported_at; /* its local time of day decides `time` windows */
    const struct mu_esc_field *fields;
    size_t nfields;
};

/**
 * Whether local minute @p minutes (0..1439) is inside window @p w: start
 * included, end excluded; a window whose end is before its start crosses
 * midnight ("22:00-06:00" holds 22:00..23:59 and 00:00..05:59); a window
 * whose start equals its end holds no minute (plan check warns about it).
 */
MU_API int mu_esc_window_contains(const struct mu_plan_window *w, int minutes);

/**
 * Whether condition @p c holds for @p inc. A field the incident does not
 * give makes its condition false (an unknown number is not ">= 15").
 */
MU_API int mu_esc_cond_holds(const struct mu_plan_cond *c, const struct mu_esc_incident *inc);

/** Whether every condition of @p p's `when` holds for @p inc. */
MU_API int mu_esc_policy_applies(const struct mu_plan_policy *p,
                                 const struct mu_esc_incident *inc);

/**
 * Indexes (into plan->policies, ascending) of the policies that apply to
 * @p inc: *out (OUT: owned by caller, mu_free; NULL when none) and *n.
 * MU_ENOMEM.
 */
MU_API enum mu_err mu_esc_applicable(const struct mu_plan *plan,
                                     const struct mu_esc_incident *inc, size_t **out, size_t *n,
                                     struct mu_error *err);

/**
 * Whether the field comparisons of @p p's `when` can never all hold:
 * contradictory comparisons on one field ("people >= 15" and "people < 5"),
 * a comparison a count (a whole number from 0) can never meet ("< 0",
 * "> 2" with "< 3"), "== 3" with "!= 3". Returns 1 with *cond (may be NULL)
 * the index of the first condition on that field and the reason in @p why
 * (lowercase, no final period); 0 when some value satisfies them. Empty
 * time windows are plan check's own warning.
 */
MU_API int mu_esc_policy_never_matches(const struct mu_plan *plan,
                                       const struct mu_plan_policy *p, size_t *cond, char *why,
                                       size_t why_len);

/* ---------------------------------------------------------------------- */
/* Targets                                                                */

/** One person on duty: both strings borrowed from the roster callback's context. */
struct mu_esc_duty {
    const char *person;
    const char *role; /* the pool's role: "带班领导" */
};

/**
 * Who is on duty at @p at: *out (borrowed from @p ctx, valid until the next
 * call or until the context is released) and *n. Errors are returned as is.
 */
typedef enum mu_err mu_esc_roster_fn(void *ctx, int64_t at, const struct mu_esc_duty **out,
                                     size_t *n, struct mu_error *err);

/** The roster lookup: @p fn may be NULL (nobody is ever on duty). */
struct mu_esc_roster {
    mu_esc_roster_fn *fn;
    void *ctx;
};

/**
 * A list of person ids without repeats, in the order first added. The
 * strings are borrowed (from the plan or the roster context); the array is
 * owned. Zero-initialize, then mu_esc_people_release().
 */
struct mu_esc_people {
    const char **v;
    size_t n, cap;
};

MU_API void mu_esc_people_release(struct mu_esc_people *p);
/** Add @p id unless present. MU_ENOMEM. */
MU_API enum mu_err mu_esc_people_add(struct mu_esc_people *p, const char *id,
                                     struct mu_error *err);
/** Whether @p id is in @p p. */
MU_API int mu_esc_people_has(const struct mu_esc_people *p, const char *id);

/**
 * Add the people target @p t means at @p at to @p out: person:x and a bare
 * id → x; team:x → its leader, deputies and members; leader:x → its leader;
 * role:R → everyone on duty whose role is R; duty → everyone on duty. The
 * roster is asked only for role: and duty targets. A team the plan does not
 * have resolves to nobody (plan check refuses such plans).
 */
MU_API enum mu_err mu_esc_resolve(const struct mu_plan *plan, const struct mu_plan_target *t,
                                  const struct mu_esc_roster *roster, int64_t at,
                                  struct mu_esc_people *out, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* The chain                                                              */

enum mu_esc_next {
    MU_ESC_WAIT,      /* wait for acknowledgements until *timeout_at */
    MU_ESC_ESCALATE,  /* run the next step now */
    MU_ESC_STOP,      /* enough acknowledgements: the chain stops */
    MU_ESC_DONE,      /* the step asks for no acknowledgement: nothing follows */
    MU_ESC_EXHAUSTED, /* the last step went unanswered (or reached nobody) */
};

/** "wait", "escalate", "stop", "done", "exhausted"; static. */
MU_API const char *mu_esc_next_name(enum mu_esc_next n);

/**
 * What follows step @p step of @p p, run at @p started_at, that reached
 * @p nrecipients people of whom @p nacked had already acknowledged the
 * incident: nobody reached → ESCALATE (or EXHAUSTED for the last step); no
 * ack_within → DONE; nacked >= ack_count → STOP; otherwise WAIT with
 * *timeout_at = started_at + ack_within. *need (may be NULL) gets the
 * acknowledgements wanted (ack_count, default 1).
 */
MU_API enum mu_esc_next mu_esc_after_step(const struct mu_plan_policy *p, size_t step,
                                          size_t nrecipients, size_t nacked, int64_t started_at,
                                          int64_t *timeout_at, int64_t *need);

/**
 * What follows when the wait of step @p step ends with @p nacked
 * acknowledgements: STOP when enough, else ESCALATE, or EXHAUSTED after the
 * last step.
 */
MU_API enum mu_esc_next mu_esc_after_timeout(const struct mu_plan_policy *p, size_t step,
                                             size_t nacked);

/* ---------------------------------------------------------------------- */
/* Deadlines                                                              */

enum mu_esc_deadline_kind {
    MU_DEADLINE_REPORT,   /* reporting chain: the target acknowledges the report */
    MU_DEADLINE_ACK,      /* a step: k of the n people reached acknowledge */
    MU_DEADLINE_ASSEMBLY, /* a team: its leader or a deputy arrives on site */
};

/** "report", "ack", "assembly"; static. */
MU_API const char *mu_esc_deadline_kind_name(enum mu_esc_deadline_kind k);

/** A deadline a policy sets when an incident opens. */
struct mu_esc_deadline {
    enum mu_esc_deadline_kind kind;
    size_t policy;  /* index into plan->policies */
    size_t index;   /* report: index into the policy's deadlines; assembly: into assembly.teams */
    int64_t due_at;
    int night;      /* assembly: the night limit applies */
    const struct mu_plan_target *to; /* report: borrowed from the plan; else NULL */
    const char *team;                /* assembly: team id, borrowed; else NULL */
    char name[300]; /* "报告市教育局" or "集合：疏散引导组（夜间 30 分钟）" */
};

/**
 * The assembly limit in seconds for an incident reported at local minute
 * @p minutes: `night` inside night_window, `day` outside it (or always
 * without a window); when the one that applies is not given, the other.
 * *night (may be NULL) tells whether @p minutes is in the night window.
 * -1 when neither is given.
 */
MU_API int64_t mu_esc_assembly_within(const struct mu_plan_assembly *a, int minutes, int *night);

/**
 * The report and assembly deadlines of policy @p policy for an incident
 * reported at @p reported_at, in plan order (reports, then teams): *out
 * (OUT: owned, mu_free; NULL when none) and *n. MU_ENOMEM.
 */
MU_API enum mu_err mu_esc_policy_deadlines(const struct mu_plan *plan, size_t policy,
                                           int64_t reported_at, struct mu_esc_deadline **out,
                                           size_t *n, struct mu_error *err);

/**
 * The name of the acknowledgement deadline of step @p step (0-based) of
 * @p p wanting @p need of @p nrecipients: "火灾报告与响应 第 1 步确认（1/3）".
 */
MU_API void mu_esc_ack_name(const struct mu_plan_policy *p, size_t step, int64_t need,
                            size_t nrecipients, char *out, size_t len);

/**
 * Whether the arrival of @p person assembles @p team: the person is its
 * leader or one of its deputies (someone in charge of it is on site).
 */
MU_API int mu_esc_team_in_charge(const struct mu_plan_team *team, const char *person);

#endif
