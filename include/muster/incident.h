/* SPDX-License-Identifier: MIT */
/*
 * Incidents: what happened, its lifecycle, the append-only timeline, the
 * response (teams alerted, tasks from the plan's procedures, termination
 * against the plan's criteria), the deadlines the plan sets and whether each
 * was met, attachments, and the after-action report (书面报告). Four layers
 * meet here:
 *
 *  - pure rules (src/core/incident.c): states and transitions, checking an
 *    incident against the plan (kinds, levels, fields), attachment types by
 *    magic bytes, termination criteria;
 *  - the store (src/store/store_incident.c): incidents, timeline entries,
 *    tasks, deadlines, escalation chains, messages sent, acknowledgements,
 *    arrivals, attachments and report revisions; every change appends its
 *    audit entry in the same transaction;
 *  - use cases (src/app/incident.c, src/app/report.c): open, acknowledge,
 *    note, status, activate, task done, arrive, close, reopen, attach, show,
 *    list, report; and the effects of the incident timers that the engine
 *    (muster/engine.h) runs: the escalation chain, deadlines, alerts;
 *  - simulated drills (src/core/drill.c parses scenarios; src/app/drill.c
 *    replays one on an in-memory database with a virtual clock).
 *
 * An incident keeps the plan id and version it was opened under; every
 * later step reads that version, so editing the plan does not change a
 * running incident. Times are epoch milliseconds; local times are
 * Asia/Shanghai (UTC+8). See docs/internals/engine.md.
 */
#ifndef MUSTER_INCIDENT_H
#define MUSTER_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "escalation.h"
#include "outbox.h"
#include "plan.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* Limits                                                                 */

#define MU_INCIDENT_MAX_TEXT 4000              /* bytes of a note, place, ... */
#define MU_INCIDENT_MAX_FIELDS 64              /* fields given when opening */
#define MU_INCIDENT_MAX_ATTACHMENT (10u << 20) /* 10 MiB */
#define MU_INCIDENT_MAX_REPORT (4u << 20)      /* bytes of a report revision */

/* ---------------------------------------------------------------------- */
/* Lifecycle (pure)                                                       */

enum mu_incident_state {
    MU_INCIDENT_REPORTED = 0,
    MU_INCIDENT_ACKNOWLEDGED,
    MU_INCIDENT_RESPONDING,
    MU_INCIDENT_CONTAINED,
    MU_INCIDENT_CLOSED,
};

/** "reported", "acknowledged", "responding", "contained", "closed"; static. */
MU_API const char *mu_incident_state_name(enum mu_incident_state st);
/** Chinese label: "已报告", "已确认", "处置中", "已控制", "已结束"; static. */
MU_API const char *mu_incident_state_label(enum mu_incident_state st);
/** Parse a state name; MU_EINVAL naming it (and listing the states) when unknown. */
MU_API enum mu_err mu_incident_state_parse(const char *name, enum mu_incident_state *out,
                                           struct mu_error *err);

/**
 * Whether an incident may go from @p from to @p to:
 * reported → acknowledged | responding | closed (a false alarm);
 * acknowledged → responding | closed; responding → contained;
 * contained → closed | responding; closed → responding (reopen).
 * MU_OK, or MU_ECONFLICT "incident is 'closed'; it cannot become
 * 'contained' (allowed: responding)" naming the current state.
 */
MU_API enum mu_err mu_incident_transition_check(enum mu_incident_state from,
                                                enum mu_incident_state to, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Checking an incident against its plan (pure)                           */

/** A field as given: "KEY=VALUE" split; both borrowed. */
struct mu_incident_kv {
    const char *key;
    const char *value;
};

/**
 * Check kind @p kind, level @p level (may be NULL when the plan has no
 * levels) and the @p n fields @p kv against @p plan. count fields take whole
 * numbers 0..10^9, number fields decimal numbers, text fields any UTF-8 text
 * of at most MU_INCIDENT_MAX_TEXT bytes. Errors, MU_EINVAL with err->field
 * set: "unknown incident kind 'x' in plan 'p' (kinds: fire, flood)",
 * "unknown level 'V' ...", "unknown incident field 'x' ...", "field
 * 'people': 'many' is not a whole number", "field 'people' is given twice".
 * On success *json (OUT, may be NULL when not wanted; owned, mu_free) gets
 * the fields as a JSON object in plan order, numbers as numbers.
 */
MU_API enum mu_err mu_incident_check(const struct mu_plan *plan, const char *kind,
                                     const char *level, const struct mu_incident_kv *kv,
                                     size_t n, char **json, struct mu_error *err);

/**
 * The numeric fields of @p fields_json (a JSON object as made by
 * mu_incident_check) into *out (OUT: owned, mu_free; keys borrowed from
 * @p plan) and *n, for mu_esc_policy_applies(). Non-numeric and unknown keys
 * are skipped. MU_EINVAL when it is not a JSON object; MU_ENOMEM.
 */
MU_API enum mu_err mu_incident_fields_numeric(const struct mu_plan *plan,
                                              const char *fields_json,
                                              struct mu_esc_field **out, size_t *n,
                                              struct mu_error *err);

enum mu_attachment_type {
    MU_ATTACH_JPEG,
    MU_ATTACH_PNG,
    MU_ATTACH_PDF,
    MU_ATTACH_TEXT,
};

/** "image/jpeg", "image/png", "application/pdf", "text/plain; charset=utf-8". */
MU_API const char *mu_attachment_mime(enum mu_attachment_type t);

/**
 * The type of the @p len bytes at @p data by their magic bytes: JPEG (FF D8
 * FF), PNG (the 8-byte signature), PDF ("%PDF-"), or plain text (UTF-8 with
 * no control characters other than tab, newline, carriage return and form
 * feed). MU_ELIMIT when @p len is over MU_INCIDENT_MAX_ATTACHMENT, MU_EINVAL
 * "file 'NAME' is empty" or "file 'NAME' is not an allowed type (JPEG, PNG,
 * PDF or plain text)". @p name (borrowed) is for messages only.
 */
MU_API enum mu_err mu_attachment_sniff(const char *name, const void *data, size_t len,
                                       enum mu_attachment_type *out, struct mu_error *err);

/**
 * Match the termination criteria given by the closer against the plan's:
 * each of @p given is either the exact text of a criterion or its 1-based
 * number. *out (OUT: owned, mu_free) gets a JSON array of the matched
 * criteria texts in plan order. MU_EINVAL naming the first that matches
 * none ("'x' is not a termination criterion of plan 'p' (1-3 or the text)").
 */
MU_API enum mu_err mu_incident_criteria(const struct mu_plan *plan, const char *const *given,
                                        size_t n, char **out, struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Store                                                                  */

/** A new incident; strings borrowed. */
struct mu_incident_new {
    const char *plan_id;
    int plan_version;
    const char *kind, *level; /* level may be NULL or "" */
    const char *place, *reporter;
    const char *fields_json; /* object; NULL: "{}" */
    int64_t occurred_at, reported_at;
};

/** A stored incident; strings owned, never NULL ("" when empty). */
struct mu_incident {
    int64_t id;
    char *plan_id;
    int plan_version;
    char *kind, *level, *place, *reporter, *fields_json;
    enum mu_incident_state state;
    int64_t occurred_at, reported_at;
    int64_t activated_at; /* 0 until activated */
    char *activated_by;
    int64_t closed_at;     /* 0 unless closed */
    char *criteria_json;   /* termination criteria met, JSON array; "[]" */
    int64_t created_at, updated_at;
    char *created_by;
};

MU_API void mu_incident_release(struct mu_incident *i);
MU_API void mu_incidents_free(struct mu_incident *v, size_t n);

/** Store a new incident in state reported, audit "incident.open". *id gets its id. */
MU_API enum mu_err mu_store_incident_insert(struct mu_store *s, const struct mu_actor *actor,
                                            const struct mu_incident_new *in, int64_t *id,
                                            struct mu_error *err);

/**
 * Read incident @p id into @p out (caller-allocated; release it). With
 * @p lock (only inside a transaction) the row stays locked until the
 * transaction ends (FOR UPDATE on PostgreSQL; SQLite's write transaction
 * already excludes other writers). MU_ENOTFOUND "no incident 42".
 */
MU_API enum mu_err mu_store_incident_get(struct mu_store *s, int64_t id, int lock,
                                         struct mu_incident *out, struct mu_error *err);

/** Incidents by id, newest first; only open ones (not closed) with @p open_only. */
MU_API enum mu_err mu_store_incident_list(struct mu_store *s, int open_only,
                                          struct mu_incident **out, size_t *n,
                                          struct mu_error *err);

/** What mu_store_incident_update() changes; fields with has_* = 0 stay. Strings borrowed. */
struct mu_incident_update {
    int has_state;
    enum mu_incident_state state;
    int has_activated;
    int64_t activated_at;
    const char *activated_by;
    int has_closed;
    int64_t closed_at;          /* 0 clears it (reopen) */
    const char *criteria_json;  /* NULL: unchanged */
};

/** Update incident @p id; audit "incident.update" with @p summary (borrowed). */
MU_API enum mu_err mu_store_incident_update(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t id, const struct mu_incident_update *u,
                                            const char *summary, struct mu_error *err);

/** A timeline entry to append; strings borrowed (person, channel, text, data may be NULL). */
struct mu_incident_event_new {
    int64_t at;
    const char *kind; /* "note", "call", "decision", "status", "notify.sent", ... */
    const char *person, *channel, *text, *data;
};

/** A timeline entry; strings owned, never NULL. */
struct mu_incident_event {
    int64_t id, incident_id, seq, at;
    char *kind, *person, *channel, *text, *data;
    int64_t recorded_at;
    char *recorded_by;
};

MU_API void mu_incident_events_free(struct mu_incident_event *v, size_t n);

/**
 * Append a timeline entry to incident @p id (the next seq), audit
 * "incident.event". Entries are never changed or removed. *seq may be NULL.
 */
MU_API enum mu_err mu_store_incident_event_add(struct mu_store *s, const struct mu_actor *actor,
                                               int64_t id, const struct mu_incident_event_new *e,
                                               int64_t *seq, struct mu_error *err);

/** The timeline of incident @p id ordered by time, then seq. */
MU_API enum mu_err mu_store_incident_events(struct mu_store *s, int64_t id,
                                            struct mu_incident_event **out, size_t *n,
                                            struct mu_error *err);

/** A task of the response; strings owned. */
struct mu_incident_task {
    int64_t id, incident_id;
    char *team, *owner, *text;
    int seq;         /* order within the incident */
    int64_t done_at; /* 0 while open */
    char *done_by;
};

MU_API void mu_incident_tasks_free(struct mu_incident_task *v, size_t n);

/** Add a task (@p team, @p owner, @p text borrowed); audit "incident.task". */
MU_API enum mu_err mu_store_incident_task_add(struct mu_store *s, const struct mu_actor *actor,
                                              int64_t incident, int seq, const char *team,
                                              const char *owner, const char *text, int64_t *id,
                                              struct mu_error *err);

/** Read task @p id; MU_ENOTFOUND "no task 7". */
MU_API enum mu_err mu_store_incident_task_get(struct mu_store *s, int64_t id,
                                              struct mu_incident_task *out,
                                              struct mu_error *err);
MU_API void mu_incident_task_release(struct mu_incident_task *t);

/** Mark task @p id done at @p at by @p by; MU_ECONFLICT when already done. Audited. */
MU_API enum mu_err mu_store_incident_task_done(struct mu_store *s, const struct mu_actor *actor,
                                               int64_t id, int64_t at, const char *by,
                                               struct mu_error *err);

MU_API enum mu_err mu_store_incident_tasks(struct mu_store *s, int64_t incident,
                                           struct mu_incident_task **out, size_t *n,
                                           struct mu_error *err);

enum mu_deadline_state { MU_DL_PENDING = 0, MU_DL_MET, MU_DL_MISSED };

/** "pending", "met", "missed"; static. */
MU_API const char *mu_deadline_state_name(enum mu_deadline_state st);

/** A tracked deadline; strings owned. */
struct mu_incident_deadline {
    int64_t id, incident_id;
    enum mu_esc_deadline_kind kind;
    char *name, *policy_id;
    int step;      /* ack: the step (0-based); else -1 */
    char *target;  /* report: the target as written; assembly: the team id; ack: "" */
    int64_t need;  /* acknowledgements wanted (ack), 1 otherwise */
    int64_t due_at;
    enum mu_deadline_state state;
    int64_t met_at; /* 0 unless met, on time or late */
};

MU_API void mu_incident_deadlines_free(struct mu_incident_deadline *v, size_t n);
MU_API void mu_incident_deadline_release(struct mu_incident_deadline *d);

/** Track a new pending deadline (strings borrowed); audit "incident.deadline". */
MU_API enum mu_err mu_store_incident_deadline_add(struct mu_store *s, const struct mu_actor *actor,
                                                  int64_t incident,
                                                  enum mu_esc_deadline_kind kind,
                                                  const char *name, const char *policy_id,
                                                  int step, const char *target, int64_t need,
                                                  int64_t due_at, int64_t *id,
                                                  struct mu_error *err);

MU_API enum mu_err mu_store_incident_deadline_get(struct mu_store *s, int64_t id,
                                                  struct mu_incident_deadline *out,
                                                  struct mu_error *err);

/**
 * Move deadline @p id: to met (met_at = @p at; from pending, or from missed
 * when met late) or missed (from pending). Audited. MU_ECONFLICT when the
 * move is not possible (already met, ...).
 */
MU_API enum mu_err mu_store_incident_deadline_set(struct mu_store *s, const struct mu_actor *actor,
                                                  int64_t id, enum mu_deadline_state st,
                                                  int64_t at, struct mu_error *err);

/** The deadlines of an incident by due time, then id. */
MU_API enum mu_err mu_store_incident_deadlines(struct mu_store *s, int64_t incident,
                                               struct mu_incident_deadline **out, size_t *n,
                                               struct mu_error *err);

enum mu_chain_state {
    MU_CHAIN_PENDING = 0, /* the current step has not run yet */
    MU_CHAIN_WAITING,     /* the current step waits for acknowledgements */
    MU_CHAIN_STOPPED,     /* acknowledged */
    MU_CHAIN_DONE,        /* the last step ran without a wait */
    MU_CHAIN_EXHAUSTED,   /* every step went unanswered */
    MU_CHAIN_CANCELLED,   /* the incident closed while it ran */
};

MU_API const char *mu_chain_state_name(enum mu_chain_state st);

/** An escalation chain: one applying policy of an incident. */
struct mu_incident_chain {
    int64_t id, incident_id;
    char *policy_id;
    int step; /* current step, 0-based */
    enum mu_chain_state state;
    int64_t deadline_id; /* the current step's ack deadline, 0 when none */
    int64_t step_at;     /* when the current step ran, 0 before */
};

MU_API void mu_incident_chains_free(struct mu_incident_chain *v, size_t n);
MU_API void mu_incident_chain_release(struct mu_incident_chain *c);

MU_API enum mu_err mu_store_incident_chain_add(struct mu_store *s, const struct mu_actor *actor,
                                               int64_t incident, const char *policy_id,
                                               int64_t *id, struct mu_error *err);
MU_API enum mu_err mu_store_incident_chain_get(struct mu_store *s, int64_t id,
                                               struct mu_incident_chain *out,
                                               struct mu_error *err);
/** Set the chain's step, state, deadline and step time; audited. */
MU_API enum mu_err mu_store_incident_chain_set(struct mu_store *s, const struct mu_actor *actor,
                                               int64_t id, int step, enum mu_chain_state st,
                                               int64_t deadline_id, int64_t step_at,
                                               struct mu_error *err);
MU_API enum mu_err mu_store_incident_chains(struct mu_store *s, int64_t incident,
                                            struct mu_incident_chain **out, size_t *n,
                                            struct mu_error *err);

/** A message sent for an incident (its outbox row is in the outbox); strings borrowed. */
struct mu_incident_send_new {
    int64_t deadline_id; /* the deadline it serves, 0 when none */
    int64_t chain_id;    /* 0 when not a chain step */
    int step;            /* chain step, -1 otherwise */
    const char *purpose; /* "step", "deadline" (report and assembly), "activate" */
    const char *person, *channel;
    int64_t at;
    int64_t outbox_id; /* 0 when none */
};

/** Record a message sent; audit "incident.send". */
MU_API enum mu_err mu_store_incident_send_add(struct mu_store *s, const struct mu_actor *actor,
                                              int64_t incident,
                                              const struct mu_incident_send_new *v,
                                              struct mu_error *err);

/**
 * How many distinct people sent a message for deadline @p deadline_id have
 * acknowledged the incident at or before @p at: *acked; *sent (may be NULL)
 * how many distinct people it was sent to.
 */
MU_API enum mu_err mu_store_incident_deadline_acks(struct mu_store *s, int64_t deadline_id,
                                                   int64_t at, int64_t *acked, int64_t *sent,
                                                   struct mu_error *err);

/**
 * The not-yet-met deadlines (pending or missed) of incident @p incident
 * that were sent to @p person: ids in *out (OUT: owned, mu_free) and *n.
 */
MU_API enum mu_err mu_store_incident_deadlines_for(struct mu_store *s, int64_t incident,
                                                   const char *person, int64_t **out, size_t *n,
                                                   struct mu_error *err);

/**
 * Record that @p person acknowledged incident @p incident at @p at; audit
 * "incident.ack". *first = 1 when this is the person's first
 * acknowledgement (0: already acknowledged, nothing stored).
 */
MU_API enum mu_err mu_store_incident_ack(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t incident, const char *person, int64_t at,
                                         int *first, struct mu_error *err);

/** Whether @p person has acknowledged @p incident at or before @p at: *acked. */
MU_API enum mu_err mu_store_incident_acked(struct mu_store *s, int64_t incident,
                                           const char *person, int64_t at, int *acked,
                                           struct mu_error *err);

/** Record an arrival on site; *first as for acknowledgements. Audit "incident.arrive". */
MU_API enum mu_err mu_store_incident_arrive(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t incident, const char *person, int64_t at,
                                            int *first, struct mu_error *err);

/** An attachment as stored; strings owned. */
struct mu_incident_attachment {
    int64_t id, incident_id;
    char *name, *mime;
    int64_t size;
    char sha256[65]; /* hex */
    int64_t added_at;
    char *added_by;
};

MU_API void mu_incident_attachments_free(struct mu_incident_attachment *v, size_t n);

/**
 * Store @p len bytes of @p data (borrowed) as base64 text with its name,
 * type and SHA-256 (hex, computed by the caller); audit "incident.attach".
 */
MU_API enum mu_err mu_store_incident_attach(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t incident, const char *name,
                                            const char *mime, const void *data, size_t len,
                                            const char *sha256_hex, int64_t *id,
                                            struct mu_error *err);

MU_API enum mu_err mu_store_incident_attachments(struct mu_store *s, int64_t incident,
                                                 struct mu_incident_attachment **out, size_t *n,
                                                 struct mu_error *err);

/**
 * The bytes of attachment @p id: *data (OUT: owned, mu_free) and *len.
 * MU_ENOTFOUND.
 */
MU_API enum mu_err mu_store_incident_attachment_data(struct mu_store *s, int64_t id,
                                                     void **data, size_t *len,
                                                     struct mu_error *err);

/** A stored revision of the after-action report; strings owned. */
struct mu_incident_report {
    int64_t id, incident_id;
    int revision; /* 1, 2, ... */
    char *body_md;
    char *source; /* "draft" (finalized as generated) or "edit" */
    int64_t created_at;
    char *created_by;
};

MU_API void mu_incident_report_release(struct mu_incident_report *r);

/**
 * Store @p body_md as the next revision of the report of @p incident
 * (immutable); audit "incident.report". *revision gets its number.
 */
MU_API enum mu_err mu_store_incident_report_add(struct mu_store *s, const struct mu_actor *actor,
                                                int64_t incident, const char *body_md,
                                                const char *source, int *revision,
                                                struct mu_error *err);

/**
 * Read revision @p revision (0: the latest) of the report of @p incident:
 * *found = 0 when there is none.
 */
MU_API enum mu_err mu_store_incident_report_get(struct mu_store *s, int64_t incident,
                                                int revision, int *found,
                                                struct mu_incident_report *out,
                                                struct mu_error *err);

/* ---------------------------------------------------------------------- */
/* Use cases (src/app/incident.c)                                         */

/** Opening an incident; strings borrowed. */
struct mu_incident_open_in {
    const char *plan_id;
    const char *kind, *level, *place;
    const char *reporter;                 /* NULL: the actor */
    const struct mu_incident_kv *fields;  /* may be NULL when nfields is 0 */
    size_t nfields;
    int64_t occurred_at; /* 0: the reported time */
    int64_t reported_at; /* 0: actor->now_ms */
};

/**
 * Open an incident under the latest version of plan in->plan_id (its
 * version is kept with it): check it (mu_incident_check, place non-empty),
 * store it with an "opened" timeline entry and arm the engine's
 * "incident.open" timer at the reported time, which applies the plan's
 * escalation policies (see muster/engine.h). Nothing is stored on error.
 * *id gets the new incident's id.
 */
MU_API enum mu_err mu_app_incident_open(struct mu_store *s, const struct mu_actor *actor,
                                        const struct mu_incident_open_in *in, int64_t *id,
                                        struct mu_error *err);

/**
 * @p person (a person of the incident's plan) acknowledges at @p at (0:
 * now): the first acknowledgement moves a reported incident to
 * acknowledged; every waiting chain step that reached the person and now
 * has enough acknowledgements stops its chain; every deadline the person
 * was sent a message for and that now has enough is met (late when it was
 * missed). A second acknowledgement by the same person changes nothing
 * (*first = 0; may be NULL). MU_EINVAL for an unknown person.
 */
MU_API enum mu_err mu_app_incident_ack(struct mu_store *s, const struct mu_actor *actor,
                                       int64_t id, const char *person, int64_t at, int *first,
                                       struct mu_error *err);

/** Append a timeline entry of @p kind "note", "call" or "decision" with @p text by @p by. */
MU_API enum mu_err mu_app_incident_note(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const char *kind, const char *text,
                                        const char *by, int64_t at, struct mu_error *err);

/** Move the incident to @p state (mu_incident_transition_check), with a timeline entry. */
MU_API enum mu_err mu_app_incident_status(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, enum mu_incident_state state,
                                          int64_t at, struct mu_error *err);

/**
 * A leader activates the response: the incident becomes responding, the
 * teams with procedures for its kind are alerted (a message to each of
 * their people), and each procedure task becomes a task owned by its team's
 * leader. MU_ECONFLICT when already activated or closed. *ntasks may be NULL.
 */
MU_API enum mu_err mu_app_incident_activate(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t id, const char *by, int64_t at,
                                            size_t *ntasks, struct mu_error *err);

/** Mark task @p task done by @p by at @p at, with a timeline entry. */
MU_API enum mu_err mu_app_incident_task_done(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t task, const char *by, int64_t at,
                                             struct mu_error *err);

/**
 * @p person arrives on site at @p at: a timeline entry; each pending (or
 * missed) assembly deadline of a team the person is in charge of (leader or
 * deputy) is met. A second arrival changes nothing.
 */
MU_API enum mu_err mu_app_incident_arrive(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, const char *person, int64_t at,
                                          struct mu_error *err);

/**
 * Close the incident (from acknowledged, reported or contained) recording
 * which of the plan's termination criteria were met (see
 * mu_incident_criteria); running chains are cancelled.
 */
MU_API enum mu_err mu_app_incident_close(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t id, const char *const *criteria, size_t n,
                                         int64_t at, struct mu_error *err);

/** Reopen a closed incident: it becomes responding again. */
MU_API enum mu_err mu_app_incident_reopen(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, int64_t at, struct mu_error *err);

/**
 * Attach @p len bytes (borrowed) named @p name: checked by
 * mu_attachment_sniff (nothing stored when refused), SHA-256 computed,
 * stored, a timeline entry added. *att_id may be NULL; @p sha256_hex (may
 * be NULL) receives the checksum.
 */
MU_API enum mu_err mu_app_incident_attach(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, const char *name, const void *data,
                                          size_t len, int64_t *att_id, char sha256_hex[65],
                                          struct mu_error *err);

enum mu_incident_format { MU_INCIDENT_TEXT, MU_INCIDENT_JSON };

/**
 * Incident @p id with its timeline, deadlines, chains, tasks and
 * attachments as text or JSON ({"id","plan","plan_version","kind",
 * "kind_name","level","place","reporter","fields","state","occurred_at",
 * "reported_at","activated_at","activated_by","closed_at","criteria",
 * "timeline":[...],"deadlines":[...],"chains":[...],"tasks":[...],
 * "attachments":[...]}). *out owned by caller (mu_free).
 */
MU_API enum mu_err mu_app_incident_show(struct mu_store *s, int64_t id,
                                        enum mu_incident_format fmt, char **out,
                                        struct mu_error *err);

/** The incidents (open ones only with @p open_only) as a text table or JSON array. */
MU_API enum mu_err mu_app_incident_list(struct mu_store *s, int open_only,
                                        enum mu_incident_format fmt, char **out,
                                        struct mu_error *err);

/* ---- after-action report (src/app/report.c) ---- */

enum mu_report_format { MU_REPORT_MD, MU_REPORT_HTML };

/**
 * Draft the written report (书面报告) of incident @p id from its record, in
 * Chinese Markdown: 一、事件概况 (summary), 二、处置经过 (chronology),
 * 三、各工作组处置情况 (each team's tasks), 四、报告与响应时限 (deadlines met
 * and missed), 五、资源使用 (none recorded yet), 六、后续工作 (open tasks and
 * missed deadlines to follow up). *out owned (mu_free).
 */
MU_API enum mu_err mu_app_incident_report_draft(struct mu_store *s, int64_t id, char **out,
                                                struct mu_error *err);

/** Store the current draft as a new immutable revision; *revision gets its number. */
MU_API enum mu_err mu_app_incident_report_finalize(struct mu_store *s,
                                                   const struct mu_actor *actor, int64_t id,
                                                   int *revision, struct mu_error *err);

/** Store an edited Markdown @p body (borrowed, UTF-8) as a new revision. */
MU_API enum mu_err mu_app_incident_report_edit(struct mu_store *s, const struct mu_actor *actor,
                                               int64_t id, const char *body, int *revision,
                                               struct mu_error *err);

/**
 * The report as @p fmt: revision @p revision (0: the latest stored, or the
 * draft when none is stored; -1: always the draft). HTML is a
 * self-contained printable page. *out owned (mu_free).
 */
MU_API enum mu_err mu_app_incident_report(struct mu_store *s, int64_t id, int revision,
                                          enum mu_report_format fmt, char **out,
                                          struct mu_error *err);

/* ---- the timer effects, called by the engine (muster/engine.h) ---- */

/**
 * Perform the effect of an incident timer of @p kind ("incident.open",
 * "incident.step", "incident.wait", "incident.deadline") with @p payload at
 * @p now, inside the caller's (the engine's) transaction: outbox rows,
 * timeline entries, deadlines, next timers. Roles and `duty` are resolved
 * with the roster as published at @p now. MU_ENOTFOUND when the kind is not
 * an incident timer.
 */
MU_API enum mu_err mu_app_incident_timer(struct mu_store *s, const struct mu_actor *actor,
                                         const char *kind, const char *ref, const char *payload,
                                         int64_t now, struct mu_error *err);

/**
 * The outbox attempt hook (mu_outbox_attempt_fn, muster/outbox.h) that
 * records delivered, retried and failed messages of ref "incident:N" on
 * that incident's timeline. @p ctx is unused.
 */
MU_API enum mu_err mu_app_incident_on_attempt(void *ctx, struct mu_store *s,
                                              const struct mu_actor *actor,
                                              const struct mu_outbox_msg *m,
                                              const struct mu_outbox_attempt *a,
                                              enum mu_outbox_state state, struct mu_error *err);

#endif
