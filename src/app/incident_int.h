/* SPDX-License-Identifier: MIT */
/*
 * Inside the incident use cases (src/app/incident.c, incident_escalate.c,
 * report.c, drill.c): an incident loaded with the plan version it was opened
 * under, the roster lookup for role: and duty targets, sending a message to
 * a person (outbox row, send row, timeline entry) and the helpers that
 * append timeline entries. Not a public API.
 */
#ifndef MU_APP_INCIDENT_INT_H
#define MU_APP_INCIDENT_INT_H

#include <muster/escalation.h>
#include <muster/incident.h>
#include <muster/roster.h>

/** An incident with its plan snapshot; release with inc_release(). */
struct inc {
    struct mu_incident row;
    struct mu_plan_record rec;
    struct mu_plan *plan;
};

/**
 * Load incident @p id (locked with @p lock, inside a transaction) and parse
 * the plan version it was opened under.
 */
enum mu_err inc_load(struct mu_store *s, int64_t id, int lock, struct inc *out,
                     struct mu_error *err);
void inc_release(struct inc *c);

/**
 * The roster lookup context: who is on duty for the incident's plan. Every
 * answer stays valid until inc_roster_release() (people lists borrow its
 * strings); the same instant asked twice is answered from the cache.
 */
struct inc_roster_answer {
    int64_t at;
    struct mu_roster_entry *entries; /* owned */
    size_t n;
    struct mu_esc_duty *duty; /* owned array; strings borrowed from entries */
    size_t nduty;
};

struct inc_roster {
    struct mu_store *s;
    const char *plan_id;
    struct inc_roster_answer *v; /* owned */
    size_t n;
};

/** Fill @p r for incident @p c; inc_roster_release() afterwards. */
void inc_roster_init(struct inc_roster *r, struct mu_store *s, const struct inc *c);
void inc_roster_release(struct inc_roster *r);
/** The mu_esc_roster_fn over struct inc_roster. */
enum mu_err inc_roster_fn(void *ctx, int64_t at, const struct mu_esc_duty **out, size_t *n,
                          struct mu_error *err);

/** Append a timeline entry; any string may be NULL. */
enum mu_err inc_event(struct mu_store *s, const struct mu_actor *actor, int64_t id, int64_t at,
                      const char *kind, const char *person, const char *channel,
                      const char *text, struct mu_error *err);

/** Display name of @p person in the plan, else the id itself. Borrowed. */
const char *inc_person_name(const struct mu_plan *plan, const char *person);
/** Name of kind @p id, else the id. */
const char *inc_kind_name(const struct mu_plan *plan, const char *id);
/** Name of level @p id, else the id ("" for none). */
const char *inc_level_name(const struct mu_plan *plan, const char *id);

/** A message to send; strings borrowed. */
struct inc_msg {
    const char *purpose;  /* "step", "deadline" (report and assembly), "activate" */
    const char *channel;  /* preferred channel type (a step's `channel`), or NULL */
    int64_t deadline_id;  /* 0: none */
    int64_t chain_id;     /* 0: none */
    int step;             /* -1: none */
    const char *what;     /* the timeline text: "火灾报告与响应 第 1 步" */
    const char *ask;      /* the request line of the body */
    const char *key_part; /* unique part of the idempotency key: "d12", "c3s1" */
    /* Several deadlines served by one message (one send row each); when
     * ndeadlines is 0, deadline_id alone. */
    const int64_t *deadlines;
    size_t ndeadlines;
};

/**
 * Send @p m to @p person about incident @p c at @p now: the channel is the
 * person's channel of type m->channel when they have one, else their first
 * channel, else the console; an outbox row (idempotency key
 * "incident:ID:KEY_PART:PERSON"), a send row and a "notify.sent" entry.
 */
enum mu_err inc_send(struct mu_store *s, const struct mu_actor *actor, const struct inc *c,
                     const struct inc_msg *m, const char *person, int64_t now,
                     struct mu_error *err);

/** "YYYY-MM-DD HH:MM" local into @p out. */
void inc_hm(int64_t ms, char out[17]);

/**
 * Deadline @p d is now satisfied at @p at: met, or met late when it was
 * already missed; a timeline entry; an ack deadline's waiting chain stops.
 */
enum mu_err inc_deadline_satisfied(struct mu_store *s, const struct mu_actor *actor,
                                   const struct inc *c, const struct mu_incident_deadline *d,
                                   int64_t at, struct mu_error *err);

#endif
