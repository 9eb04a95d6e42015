/* SPDX-License-Identifier: MIT */
/*
 * The preparedness registers (台账): hazards found and fixed (隐患排查整改)
 * with inspection checklists and rounds, drills held (演练) with their
 * follow-up tasks and the required frequency per term, resources kept ready
 * (保障: vehicles, cash, supplies, equipment) with their movements, and the
 * contacts directory with its printable phone list. Three layers, as in
 * checkin.h:
 *
 *  - pure rules (src/core/hazard.c, drillrec.c, resource.c): states and who
 *    may move a hazard on, reminder times, drill terms and what is due,
 *    quantities, movements and alerts. No I/O, no clock;
 *  - the store (src/store/store_hazard.c, store_drillrec.c,
 *    store_resource.c, store_contact.c): every change appends its audit
 *    entry in the same transaction;
 *  - use cases (src/app/hazard.c, drillrec.c, resource.c, contact.c): input
 *    as text checked field by field (an error names the field and nothing
 *    is stored), units and people checked against the loaded plans, text,
 *    JSON and XLSX ledgers, the HTML phone list.
 *
 * Dates are day numbers (date.h) shown as YYYY-MM-DD; instants are epoch
 * milliseconds shown in UTC+8. See docs/internals/registers.md.
 */
#ifndef MUSTER_REGISTER_H
#define MUSTER_REGISTER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* Longest accepted texts (bytes). */
#define MU_REG_MAX_ID 200      /* plan, unit and person ids, kinds, categories */
#define MU_REG_MAX_LINE 500    /* places, names, scenarios, phone numbers */
#define MU_REG_MAX_TEXT 4000   /* descriptions, notes, findings */
#define MU_REG_MAX_ITEMS 200   /* checklist items, findings of one drill */
#define MU_REG_MAX_SIM (4 * 1024 * 1024) /* an attached simulation (JSON) */
#define MU_REG_QUANTITY_MAX 1000000000000LL

/** How a use case formats what it returns. */
enum mu_reg_format { MU_REG_TEXT, MU_REG_JSON };

/* ====================================================================== */
/* Hazards: pure rules (src/core/hazard.c)                                */

enum mu_hazard_severity { MU_HAZARD_LOW, MU_HAZARD_MEDIUM, MU_HAZARD_HIGH };
enum mu_hazard_state { MU_HAZARD_OPEN, MU_HAZARD_RECTIFIED, MU_HAZARD_VERIFIED };

/** A stored hazard (finding); strings owned, release with mu_hazard_release(). */
struct mu_hazard {
    int64_t id;
    char *plan_id, *place, *description, *unit, *owner; /* never NULL */
    enum mu_hazard_severity severity;
    enum mu_hazard_state state;
    int32_t due;          /* rectification deadline, day number */
    int64_t found_at;     /* when it was recorded */
    char *found_by;       /* the actor who recorded it */
    int64_t rectified_at; /* 0 while not rectified */
    char *rectified_by;   /* person id; "" while not rectified */
    int64_t verified_at;  /* 0 while not verified */
    char *verified_by;    /* person id; "" while not verified */
};

/** "low", "medium", "high". */
MU_API const char *mu_hazard_severity_name(enum mu_hazard_severity v);
/** 低, 中, 高 (for ledgers). */
MU_API const char *mu_hazard_severity_label(enum mu_hazard_severity v);
/** Parse "low|medium|high"; MU_EINVAL with field "severity" otherwise. */
MU_API enum mu_err mu_hazard_severity_parse(const char *s, enum mu_hazard_severity *out,
                                            struct mu_error *err);
/** "open", "rectified", "verified". */
MU_API const char *mu_hazard_state_name(enum mu_hazard_state v);
/** 待整改, 已整改待验收, 已验收. */
MU_API const char *mu_hazard_state_label(enum mu_hazard_state v);
/** Parse a state name; MU_EINVAL with field "state" otherwise. */
MU_API enum mu_err mu_hazard_state_parse(const char *s, enum mu_hazard_state *out,
                                         struct mu_error *err);

/**
 * May @p by (a person id) mark @p h rectified? Only an open hazard, only by
 * its owner. MU_ECONFLICT naming field "state" (already rectified or
 * verified) or MU_EINVAL naming field "by" (not the owner).
 */
MU_API enum mu_err mu_hazard_check_rectify(const struct mu_hazard *h, const char *by,
                                           struct mu_error *err);

/**
 * May @p by verify @p h? Only a rectified hazard, and never by the person
 * who rectified it (the rule "verified by someone else"): MU_EINVAL naming
 * field "by" and the rule, MU_ECONFLICT naming field "state".
 */
MU_API enum mu_err mu_hazard_check_verify(const struct mu_hazard *h, const char *by,
                                          struct mu_error *err);

/**
 * May @p h be reassigned or noted? Not once verified (MU_ECONFLICT, field
 * "state"). Assigning a rectified hazard sends it back to open (the app does).
 */
MU_API enum mu_err mu_hazard_check_open(const struct mu_hazard *h, const char *what,
                                        struct mu_error *err);

/** 1 when @p h is not rectified yet and its deadline is before @p today. */
MU_API int mu_hazard_overdue(const struct mu_hazard *h, int32_t today);

/** Minutes after midnight at which deadline reminders are due (09:00). */
#define MU_HAZARD_REMIND_AT (9 * 60)
/** Days before the deadline of the first reminder. */
#define MU_HAZARD_REMIND_DAYS 3

/**
 * The reminder times of a deadline on day @p due that are not before
 * @p now: MU_HAZARD_REMIND_DAYS days before and on the day itself, both at
 * MU_HAZARD_REMIND_AT local time. Writes up to two instants into @p out
 * (ascending) and @p before[i] = 1 for the earlier reminder; returns how
 * many.
 */
MU_API size_t mu_hazard_reminders(int32_t due, int64_t now, int64_t out[2], int before[2]);

/* ====================================================================== */
/* Drills held: pure rules (src/core/drillrec.c)                          */

/** A term: [from, to], both day numbers, inclusive. */
struct mu_drill_term {
    int32_t from, to;
};

#define MU_DRILL_MAX_TERMS 64

/**
 * Parse a list of terms "2026-02-23..2026-07-10,2026-09-01..2027-01-20"
 * (spaces around the commas allowed) into @p out (at most @p cap), sorted.
 * Each term must end on or after its start and terms may not overlap.
 * MU_EINVAL with field "drill.terms" naming the bad part.
 */
MU_API enum mu_err mu_drill_terms_parse(const char *spec, struct mu_drill_term *out, size_t cap,
                                        size_t *n, struct mu_error *err);

/**
 * Check a drill kind: 1..64 bytes of a-z, 0-9 and '-' ("fire-evacuation").
 * MU_EINVAL with field "kind" otherwise.
 */
MU_API enum mu_err mu_drill_kind_check(const char *kind, struct mu_error *err);

/** The Chinese name of a known kind (消防疏散, 地震, ...), else @p kind itself. */
MU_API const char *mu_drill_kind_label(const char *kind);

/** A required number of drills of @p kind per term; kind borrowed. */
struct mu_drill_requirement {
    const char *kind;
    int64_t count;
};

/** A drill held, as the due check needs it; kind borrowed. */
struct mu_drill_held {
    const char *kind;
    int32_t day;
};

/** One line of the due check: a requirement in the term that contains the day. */
struct mu_drill_due {
    struct mu_drill_term term;
    const char *kind; /* borrowed from the requirement */
    int64_t required, held;
    int32_t days_left; /* days from the day judged to the term's last day */
    int warn;          /* held < required and days_left <= the warning window */
};

/**
 * For the term containing @p today (none: returns 0), one line per
 * requirement with the drills of that kind held in the term, in the order
 * of @p req; @p out holds at least @p nreq lines. warn is set when the term
 * ends within @p within_days days (days_left <= within_days) and fewer
 * drills than required were held.
 */
MU_API size_t mu_drill_due_check(const struct mu_drill_term *terms, size_t nterms,
                                 const struct mu_drill_requirement *req, size_t nreq,
                                 const struct mu_drill_held *held, size_t nheld, int32_t today,
                                 int32_t within_days, struct mu_drill_due *out);

/* ====================================================================== */
/* Resources: pure rules (src/core/resource.c)                            */

enum mu_resource_category {
    MU_RESOURCE_VEHICLE,
    MU_RESOURCE_CASH,
    MU_RESOURCE_SUPPLY,
    MU_RESOURCE_EQUIPMENT,
};
enum mu_resource_status { MU_RESOURCE_AVAILABLE, MU_RESOURCE_MAINTENANCE, MU_RESOURCE_RETIRED };
enum mu_resource_move_kind {
    MU_MOVE_ADD,    /* the initial stock when the resource is added */
    MU_MOVE_ADJUST, /* a count, a purchase, a loss: any signed change */
    MU_MOVE_ASSIGN, /* taken out for an incident */
    MU_MOVE_RETURN, /* brought back from an incident */
};

/** vehicle|cash|supply|equipment and 车辆|资金|物资|装备. */
MU_API const char *mu_resource_category_name(enum mu_resource_category v);
MU_API const char *mu_resource_category_label(enum mu_resource_category v);
MU_API enum mu_err mu_resource_category_parse(const char *s, enum mu_resource_category *out,
                                              struct mu_error *err);
/** available|maintenance|retired and 可用|维修中|报废. */
MU_API const char *mu_resource_status_name(enum mu_resource_status v);
MU_API const char *mu_resource_status_label(enum mu_resource_status v);
MU_API enum mu_err mu_resource_status_parse(const char *s, enum mu_resource_status *out,
                                            struct mu_error *err);
/** add|adjust|assign|return. */
MU_API const char *mu_resource_move_name(enum mu_resource_move_kind v);

/**
 * Parse a whole number in decimal for input @p field: optional '-' only
 * with @p allow_negative, at most MU_REG_QUANTITY_MAX in size. MU_EINVAL
 * naming the field: "quantity: '-3' is negative", "quantity: 'x' is not a
 * whole number".
 */
MU_API enum mu_err mu_quantity_parse(const char *field, const char *text, int allow_negative,
                                     int64_t *out, struct mu_error *err);

/**
 * Apply a movement to a stock of @p quantity: adjust by @p amount (signed),
 * assign @p amount (> 0) for an incident, return @p amount (> 0) of the
 * @p outstanding (assigned and not yet returned for that incident).
 * *after gets the new quantity. MU_EINVAL naming the field when the stock
 * would become negative ("by"/"quantity"), the amount is not positive, or
 * more would come back than went out.
 */
MU_API enum mu_err mu_resource_move(int64_t quantity, enum mu_resource_move_kind kind,
                                    int64_t amount, int64_t outstanding, int64_t *after,
                                    struct mu_error *err);

enum mu_resource_alert {
    MU_ALERT_LOW = 1 << 0,      /* quantity below the low-stock threshold */
    MU_ALERT_EXPIRED = 1 << 1,  /* the expiry date has passed */
    MU_ALERT_EXPIRING = 1 << 2, /* expires within the window */
};

/**
 * The alerts of a stock: MU_ALERT_LOW when @p quantity < @p min (a min of 0
 * never alerts); MU_ALERT_EXPIRED when @p expires (-1: none) is before
 * @p today; MU_ALERT_EXPIRING when it is within @p within_days days from
 * @p today (inclusive). A retired resource has no alerts.
 */
MU_API unsigned mu_resource_alerts(enum mu_resource_status status, int64_t quantity, int64_t min,
                                   int32_t expires, int32_t today, int32_t within_days);

/* ====================================================================== */
/* Store: hazards (src/store/store_hazard.c)                              */

/** A new hazard; strings borrowed, all required. */
struct mu_hazard_new {
    const char *plan_id, *place, *description, *unit, *owner;
    enum mu_hazard_severity severity;
    int32_t due;
};

/**
 * Store a new open hazard with its "add" history entry; audit "hazard.add".
 * *id (may be NULL) gets its id. MU_EINVAL naming the field for an empty or
 * too long string.
 */
MU_API enum mu_err mu_store_hazard_add(struct mu_store *s, const struct mu_actor *actor,
                                       const struct mu_hazard_new *h, int64_t *id,
                                       struct mu_error *err);

/** Hazard @p id into @p out (filled only on success); MU_ENOTFOUND with field "id". */
MU_API enum mu_err mu_store_hazard_get(struct mu_store *s, int64_t id, struct mu_hazard *out,
                                       struct mu_error *err);
MU_API void mu_hazard_release(struct mu_hazard *h);
MU_API void mu_hazards_free(struct mu_hazard *v, size_t n);

/**
 * Hazards ordered by id; with @p open_due_before >= 0 only the open ones
 * whose deadline is before that day (the overdue ones). *out may be NULL.
 */
MU_API enum mu_err mu_store_hazard_list(struct mu_store *s, int32_t open_due_before,
                                        struct mu_hazard **out, size_t *n, struct mu_error *err);

/**
 * Change hazard @p id after the app has checked the rule (call inside the
 * app's transaction): to MU_HAZARD_RECTIFIED or MU_HAZARD_VERIFIED by person
 * @p by (borrowed) with an optional @p note (may be NULL); audit
 * "hazard.rectify" or "hazard.verify", and a history entry.
 */
MU_API enum mu_err mu_store_hazard_set_state(struct mu_store *s, const struct mu_actor *actor,
                                             int64_t id, enum mu_hazard_state state,
                                             const char *by, const char *note,
                                             struct mu_error *err);

/**
 * Give hazard @p id to @p owner with deadline @p due (-1 keeps it); the
 * state goes back to open (a rectification that was not accepted). Audit
 * "hazard.assign" and a history entry.
 */
MU_API enum mu_err mu_store_hazard_assign(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, const char *owner, int32_t due,
                                          struct mu_error *err);

/** Add a progress note to hazard @p id; audit "hazard.note" and a history entry. */
MU_API enum mu_err mu_store_hazard_note(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const char *text, struct mu_error *err);

/** One history entry of a hazard; strings owned by the array. */
struct mu_hazard_event {
    int64_t at;
    char *actor, *action, *person, *text; /* never NULL */
};

/** The history of hazard @p id, oldest first. */
MU_API enum mu_err mu_store_hazard_events(struct mu_store *s, int64_t id,
                                          struct mu_hazard_event **out, size_t *n,
                                          struct mu_error *err);
MU_API void mu_hazard_events_free(struct mu_hazard_event *v, size_t n);

/** An inspection checklist of a unit; strings owned (mu_checklists_free). */
struct mu_checklist {
    int64_t id;
    char *plan_id, *unit, *name, *created_by;
    char **items; /* owned array of owned strings */
    size_t nitems;
    int64_t created_at;
};

/** Store a checklist with @p nitems @p items (1..MU_REG_MAX_ITEMS); audit "hazard.checklist". */
MU_API enum mu_err mu_store_checklist_add(struct mu_store *s, const struct mu_actor *actor,
                                          const char *plan_id, const char *unit,
                                          const char *name, const char *const *items,
                                          size_t nitems, int64_t *id, struct mu_error *err);
/** Checklist @p id (0: all, ordered by id). MU_ENOTFOUND with field "checklist". */
MU_API enum mu_err mu_store_checklist_list(struct mu_store *s, int64_t id,
                                           struct mu_checklist **out, size_t *n,
                                           struct mu_error *err);
MU_API void mu_checklists_free(struct mu_checklist *v, size_t n);

/** One inspection round: each item of the checklist passed or failed. */
struct mu_round {
    int64_t id, checklist_id;
    int32_t day;
    char *inspector, *note; /* owned; never NULL */
    int *passed;            /* owned array of nitems 0/1 */
    size_t nitems, failed;
    int64_t created_at;
};

/**
 * Record a round of checklist @p checklist_id on @p day by @p inspector:
 * @p passed has one 0/1 per item (the count must match the checklist).
 * Audit "hazard.inspect".
 */
MU_API enum mu_err mu_store_round_add(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t checklist_id, int32_t day, const char *inspector,
                                      const int *passed, size_t n, const char *note, int64_t *id,
                                      struct mu_error *err);
/** The rounds of checklist @p checklist_id (0: all), by day then id. */
MU_API enum mu_err mu_store_round_list(struct mu_store *s, int64_t checklist_id,
                                       struct mu_round **out, size_t *n, struct mu_error *err);
MU_API void mu_rounds_free(struct mu_round *v, size_t n);

/* ====================================================================== */
/* Store: drills held (src/store/store_drillrec.c)                        */

/** A new drill record; strings borrowed. */
struct mu_drill_new {
    const char *plan_id, *kind, *scenario; /* required */
    int32_t day;
    int64_t participants;   /* >= 0 */
    int64_t duration_s;     /* >= 0 */
    int64_t evacuation_s;   /* -1 when not measured */
    const char *const *findings;
    size_t nfindings;
    const char *simulation_json; /* may be NULL */
};

/** A stored drill record; strings owned (mu_drills_free). */
struct mu_drill {
    int64_t id;
    char *plan_id, *kind, *scenario, *created_by;
    int32_t day;
    int64_t participants, duration_s, evacuation_s;
    char **findings; /* owned */
    size_t nfindings;
    char *simulation_json; /* "" when none; only filled by mu_store_drill_get() */
    int64_t created_at;
};

/** Store a drill record; audit "drill.record". */
MU_API enum mu_err mu_store_drill_add(struct mu_store *s, const struct mu_actor *actor,
                                      const struct mu_drill_new *d, int64_t *id,
                                      struct mu_error *err);
/** Drill @p id with its simulation; MU_ENOTFOUND with field "id". */
MU_API enum mu_err mu_store_drill_get(struct mu_store *s, int64_t id, struct mu_drill *out,
                                      struct mu_error *err);
/** The drills of plan @p plan_id (NULL: all), by day then id; without simulations. */
MU_API enum mu_err mu_store_drill_list(struct mu_store *s, const char *plan_id,
                                       struct mu_drill **out, size_t *n, struct mu_error *err);
MU_API void mu_drill_release(struct mu_drill *d);
MU_API void mu_drills_free(struct mu_drill *v, size_t n);

/** A follow-up task of a drill; strings owned (mu_drill_tasks_free). */
struct mu_drill_task {
    int64_t id, drill_id;
    char *text, *owner, *done_by; /* done_by "" while open */
    int32_t due;
    int64_t done_at; /* 0 while open */
    int64_t created_at;
};

/** Add a task to drill @p drill_id; audit "drill.task". */
MU_API enum mu_err mu_store_drill_task_add(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t drill_id, const char *text,
                                           const char *owner, int32_t due, int64_t *id,
                                           struct mu_error *err);
/** Mark task @p id done by @p by; MU_ECONFLICT when it is done already; audit "drill.task_done". */
MU_API enum mu_err mu_store_drill_task_done(struct mu_store *s, const struct mu_actor *actor,
                                            int64_t id, const char *by, struct mu_error *err);
/** The tasks of drill @p drill_id (0: all), by id. */
MU_API enum mu_err mu_store_drill_tasks(struct mu_store *s, int64_t drill_id,
                                        struct mu_drill_task **out, size_t *n,
                                        struct mu_error *err);
MU_API void mu_drill_tasks_free(struct mu_drill_task *v, size_t n);

/**
 * The settings "drill.require.KIND" as key suffix and value, ordered by key:
 * kinds[i] and values[i] owned (free each and both arrays with mu_free).
 */
MU_API enum mu_err mu_store_drill_requirements(struct mu_store *s, char ***kinds,
                                               char ***values, size_t *n, struct mu_error *err);

/* ====================================================================== */
/* Store: resources (src/store/store_resource.c)                          */

/** A new resource; strings borrowed; location, custodian, plan_id may be "" or NULL. */
struct mu_resource_new {
    const char *name, *unit_of_measure, *location, *custodian, *plan_id;
    enum mu_resource_category category;
    enum mu_resource_status status;
    int64_t quantity, min; /* both >= 0 */
    int32_t expires;       /* -1: none */
};

/** A stored resource; strings owned (mu_resources_free). */
struct mu_resource {
    int64_t id;
    char *name, *unit_of_measure, *location, *custodian, *plan_id; /* never NULL */
    enum mu_resource_category category;
    enum mu_resource_status status;
    int64_t quantity, min;
    int32_t expires; /* -1: none */
    int64_t assigned; /* out for incidents and not returned */
    int64_t created_at, updated_at;
};

/** Store a resource and its "add" movement; audit "resource.add". */
MU_API enum mu_err mu_store_resource_add(struct mu_store *s, const struct mu_actor *actor,
                                         const struct mu_resource_new *r, int64_t *id,
                                         struct mu_error *err);
/** Resource @p id; MU_ENOTFOUND with field "id". */
MU_API enum mu_err mu_store_resource_get(struct mu_store *s, int64_t id, struct mu_resource *out,
                                         struct mu_error *err);
/** Every resource, by category then id. */
MU_API enum mu_err mu_store_resource_list(struct mu_store *s, struct mu_resource **out,
                                          size_t *n, struct mu_error *err);
MU_API void mu_resource_release(struct mu_resource *r);
MU_API void mu_resources_free(struct mu_resource *v, size_t n);

/**
 * Assigned minus returned of resource @p id for incident @p incident
 * (0: all incidents) into *out.
 */
MU_API enum mu_err mu_store_resource_outstanding(struct mu_store *s, int64_t id,
                                                 int64_t incident, int64_t *out,
                                                 struct mu_error *err);

/**
 * Record a movement the app has checked (inside its transaction): set the
 * quantity to @p after and append the movement (@p delta signed, @p incident
 * 0 when none, @p reason may be NULL). Audit "resource.adjust",
 * "resource.assign" or "resource.return".
 */
MU_API enum mu_err mu_store_resource_move(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, enum mu_resource_move_kind kind,
                                          int64_t delta, int64_t after, int64_t incident,
                                          const char *reason, struct mu_error *err);

/** A recorded movement; strings owned (mu_resource_movements_free). */
struct mu_resource_movement {
    int64_t id, resource_id;
    enum mu_resource_move_kind kind;
    int64_t delta, after, incident;
    char *reason, *actor;
    int64_t at;
};

/** The movements of resource @p id, oldest first. */
MU_API enum mu_err mu_store_resource_movements(struct mu_store *s, int64_t id,
                                               struct mu_resource_movement **out, size_t *n,
                                               struct mu_error *err);
MU_API void mu_resource_movements_free(struct mu_resource_movement *v, size_t n);

/**
 * Whether incident @p id exists: *exists 1 or 0, or -1 when there is no
 * incidents table (the incidents feature is not in this database).
 */
MU_API enum mu_err mu_store_incident_exists(struct mu_store *s, int64_t id, int *exists,
                                            struct mu_error *err);

/* ====================================================================== */
/* Store: contacts (src/store/store_contact.c)                            */

/** A stored external number; strings owned (mu_contacts_free). */
struct mu_contact {
    int64_t id;
    char *name, *phone, *category, *note; /* never NULL */
    int64_t created_at;
};

/** Store a contact; audit "contact.add". note may be NULL. */
MU_API enum mu_err mu_store_contact_add(struct mu_store *s, const struct mu_actor *actor,
                                        const char *name, const char *phone,
                                        const char *category, const char *note, int64_t *id,
                                        struct mu_error *err);
/** Delete contact @p id; MU_ENOTFOUND with field "id"; audit "contact.remove". */
MU_API enum mu_err mu_store_contact_remove(struct mu_store *s, const struct mu_actor *actor,
                                           int64_t id, struct mu_error *err);
/** Every stored contact by category then id. */
MU_API enum mu_err mu_store_contact_list(struct mu_store *s, struct mu_contact **out, size_t *n,
                                         struct mu_error *err);
MU_API void mu_contacts_free(struct mu_contact *v, size_t n);

/* ====================================================================== */
/* Use cases: hazards (src/app/hazard.c)                                  */

/*
 * Units and people are checked against the latest versions of the loaded
 * plans. With a plan given, the unit (and the person) must be in that plan;
 * without, the first plan (by id) that has the unit is taken, and the owner
 * must be a person of that plan. Errors name the field: "unit", "owner",
 * "by", "custodian", "plan".
 */

/** A hazard as entered; every string borrowed; plan may be NULL. */
struct mu_hazard_input {
    const char *plan, *place, *description, *severity, *unit, *owner, *due;
};

/**
 * Check and store a new hazard, and record its deadline reminders (notices
 * "hazard.reminder" for the owner, ref "hazard:ID"), in one transaction.
 * Nothing is stored when any field is bad.
 */
MU_API enum mu_err mu_app_hazard_add(struct mu_store *s, const struct mu_actor *actor,
                                     const struct mu_hazard_input *in, int64_t *id,
                                     struct mu_error *err);
/** Mark rectified by the owner @p by; cancels the pending reminders. */
MU_API enum mu_err mu_app_hazard_rectify(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t id, const char *by, const char *note,
                                         struct mu_error *err);
/** Verify by @p by, who is not the person who rectified it. */
MU_API enum mu_err mu_app_hazard_verify(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const char *by, struct mu_error *err);
/** Reassign to @p owner with deadline @p due (NULL keeps it); new reminders. */
MU_API enum mu_err mu_app_hazard_assign(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, const char *owner, const char *due,
                                        struct mu_error *err);
/** Add a progress note. */
MU_API enum mu_err mu_app_hazard_note(struct mu_store *s, const struct mu_actor *actor,
                                      int64_t id, const char *text, struct mu_error *err);
/** Hazard @p id with its history, judged (overdue) at @p at; *out owned (mu_free). */
MU_API enum mu_err mu_app_hazard_show(struct mu_store *s, int64_t id, int64_t at,
                                      enum mu_reg_format fmt, char **out, struct mu_error *err);
/** Every hazard (only the overdue ones with @p overdue_only) judged at @p at. */
MU_API enum mu_err mu_app_hazard_list(struct mu_store *s, int overdue_only, int64_t at,
                                      enum mu_reg_format fmt, char **out, struct mu_error *err);
/** The hazard ledger (隐患排查整改台账) as an XLSX file at @p path. */
MU_API enum mu_err mu_app_hazard_xlsx(struct mu_store *s, int overdue_only, int64_t at,
                                      const char *path, struct mu_error *err);

/** Store checklist @p name of @p unit (plan may be NULL) with @p nitems items. */
MU_API enum mu_err mu_app_checklist_add(struct mu_store *s, const struct mu_actor *actor,
                                        const char *plan, const char *name, const char *unit,
                                        const char *const *items, size_t nitems, int64_t *id,
                                        struct mu_error *err);
/** Checklist @p id (0: all) with its rounds; *out owned (mu_free). */
MU_API enum mu_err mu_app_checklist_show(struct mu_store *s, int64_t id, enum mu_reg_format fmt,
                                         char **out, struct mu_error *err);
/**
 * Record an inspection round of checklist @p checklist_id by person @p by on
 * @p date (YYYY-MM-DD): the items numbered in @p failed ("2,5", 1-based;
 * NULL or "": none) failed, the others passed. *nfailed (may be NULL) gets
 * how many failed.
 */
MU_API enum mu_err mu_app_hazard_inspect(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t checklist_id, const char *by, const char *date,
                                         const char *failed, const char *note, int64_t *id,
                                         size_t *nfailed, struct mu_error *err);

/* ====================================================================== */
/* Use cases: drills held (src/app/drillrec.c)                            */

/** A drill record as entered; strings borrowed; plan may be NULL when one plan is loaded. */
struct mu_drill_input {
    const char *plan, *date, *kind, *scenario;
    const char *participants; /* whole number */
    const char *duration;     /* "45m", "1h30m" */
    const char *evacuation;   /* "3m20s"; NULL when not measured */
    const char *const *findings;
    size_t nfindings;
    const char *simulation_json; /* NULL, or the JSON of `muster drill run --json` */
};

MU_API enum mu_err mu_app_drill_add(struct mu_store *s, const struct mu_actor *actor,
                                    const struct mu_drill_input *in, int64_t *id,
                                    struct mu_error *err);
/** Drill @p id with its findings and tasks; *out owned. */
MU_API enum mu_err mu_app_drill_show(struct mu_store *s, int64_t id, enum mu_reg_format fmt,
                                     char **out, struct mu_error *err);
/** The history of drills (of @p plan, NULL: all); *out owned. */
MU_API enum mu_err mu_app_drill_list(struct mu_store *s, const char *plan,
                                     enum mu_reg_format fmt, char **out, struct mu_error *err);
/** The drill ledger (应急演练台账) as XLSX. */
MU_API enum mu_err mu_app_drill_xlsx(struct mu_store *s, const char *path, struct mu_error *err);
/**
 * Add a follow-up task to drill @p drill_id for @p owner (a person of the
 * drill's plan) due @p due. @p text may be NULL when @p finding (1-based)
 * names the finding it follows up; *id gets the task id. A reminder notice
 * "drill.task" (ref "drill-task:ID") is recorded for the deadline.
 */
MU_API enum mu_err mu_app_drill_task_add(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t drill_id, int finding, const char *text,
                                         const char *owner, const char *due, int64_t *id,
                                         struct mu_error *err);
/** Close task @p id, done by @p by; cancels its reminder. */
MU_API enum mu_err mu_app_drill_task_done(struct mu_store *s, const struct mu_actor *actor,
                                          int64_t id, const char *by, struct mu_error *err);
/** Set "drill.terms" after checking @p spec. */
MU_API enum mu_err mu_app_drill_terms_set(struct mu_store *s, const struct mu_actor *actor,
                                          const char *spec, struct mu_error *err);
/** Set "drill.require.KIND" to @p count (a whole number; 0 removes the need). */
MU_API enum mu_err mu_app_drill_require_set(struct mu_store *s, const struct mu_actor *actor,
                                            const char *kind, const char *count,
                                            struct mu_error *err);
/**
 * What is due in the term containing the day of @p at: one line per
 * requirement; *warnings (may be NULL) gets how many warn (the term ends
 * within @p within_days days without the drills required).
 */
MU_API enum mu_err mu_app_drill_due(struct mu_store *s, int64_t at, int32_t within_days,
                                    enum mu_reg_format fmt, char **out, size_t *warnings,
                                    struct mu_error *err);

/* ====================================================================== */
/* Use cases: resources (src/app/resource.c)                              */

/** A resource as entered; strings borrowed; optional ones may be NULL. */
struct mu_resource_input {
    const char *plan, *name, *category, *quantity, *unit_of_measure, *location, *custodian,
        *status, *expires, *min;
};

MU_API enum mu_err mu_app_resource_add(struct mu_store *s, const struct mu_actor *actor,
                                       const struct mu_resource_input *in, int64_t *id,
                                       struct mu_error *err);
/**
 * A movement of resource @p id: MU_MOVE_ADJUST by @p amount (signed text,
 * field "by") with @p reason required; MU_MOVE_ASSIGN / MU_MOVE_RETURN of
 * @p amount (field "quantity") for incident @p incident (> 0, field
 * "incident"; checked against the incidents table when there is one).
 * *after (may be NULL) gets the new quantity.
 */
MU_API enum mu_err mu_app_resource_move(struct mu_store *s, const struct mu_actor *actor,
                                        int64_t id, enum mu_resource_move_kind kind,
                                        const char *amount, int64_t incident, const char *reason,
                                        int64_t *after, struct mu_error *err);
/** Resource @p id with its movements and alerts at @p at; *out owned. */
MU_API enum mu_err mu_app_resource_show(struct mu_store *s, int64_t id, int64_t at,
                                        int32_t within_days, enum mu_reg_format fmt, char **out,
                                        struct mu_error *err);
/** Every resource (with @p alerts_only those with an alert) at @p at; *out owned. */
MU_API enum mu_err mu_app_resource_list(struct mu_store *s, int alerts_only, int64_t at,
                                        int32_t within_days, enum mu_reg_format fmt, char **out,
                                        struct mu_error *err);
/** The resource ledger (应急物资台账) as XLSX. */
MU_API enum mu_err mu_app_resource_xlsx(struct mu_store *s, int alerts_only, int64_t at,
                                        int32_t within_days, const char *path,
                                        struct mu_error *err);

/* ====================================================================== */
/* Use cases: contacts (src/app/contact.c)                                */

/**
 * Store an external number. @p phone: digits with optional + - ( ) and
 * spaces, 3..32 characters (field "phone"); @p category one of emergency,
 * hospital, duty, authority, other (NULL: other; field "category").
 */
MU_API enum mu_err mu_app_contact_add(struct mu_store *s, const struct mu_actor *actor,
                                      const char *name, const char *phone, const char *category,
                                      const char *note, int64_t *id, struct mu_error *err);
MU_API enum mu_err mu_app_contact_remove(struct mu_store *s, const struct mu_actor *actor,
                                         int64_t id, struct mu_error *err);
/**
 * The directory: the national emergency numbers (110, 119, 120, 122, always
 * there, not stored), the stored numbers, then the staff of every loaded
 * plan (name, title, phone, unit, team roles). *out owned.
 */
MU_API enum mu_err mu_app_contact_list(struct mu_store *s, enum mu_reg_format fmt, char **out,
                                       struct mu_error *err);
/** The one-page A4 phone list in large type as a self-contained HTML page; *out owned. */
MU_API enum mu_err mu_app_contact_sheet_html(struct mu_store *s, char **out,
                                             struct mu_error *err);
/** The contacts ledger (应急通讯录) as XLSX. */
MU_API enum mu_err mu_app_contact_xlsx(struct mu_store *s, const char *path,
                                       struct mu_error *err);

#endif
