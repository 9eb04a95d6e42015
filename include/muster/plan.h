/* SPDX-License-Identifier: MIT */
/*
 * Emergency plan files: the model of a parsed plan, the diagnostics a parse
 * produces, and the functions that parse, describe (JSON), render (Markdown,
 * HTML) and free a plan. A plan file is UTF-8 text: a YAML front-matter block
 * between two `---` lines, then a Markdown body (see docs/plan-format.md).
 *
 * Positions are 1-based lines and columns of the original file; columns count
 * characters (Unicode code points), not bytes, as libyaml does.
 *
 * Everything here is pure: bytes in, structs or strings out; no I/O.
 * Functions are reentrant; a parsed plan may be read from several threads.
 */
#ifndef MUSTER_PLAN_H
#define MUSTER_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

/** Largest plan file accepted, in bytes (1 MiB). */
#define MU_PLAN_MAX_BYTES (1024 * 1024)
/** The only plan format version this muster reads (the `muster:` key). */
#define MU_PLAN_VERSION 1

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                            */

enum mu_diag_severity { MU_DIAG_ERROR, MU_DIAG_WARNING };

struct mu_diag {
    int line, col;                  /* 1-based position in the file */
    enum mu_diag_severity severity;
    char *msg;                      /* owned by the mu_diags; lowercase, no final period */
    size_t seq;                     /* insertion order, keeps sorting stable */
};

/** A caller-allocated list of diagnostics: mu_diags_init() ... mu_diags_release(). */
struct mu_diags {
    struct mu_diag *v; /* owned array of n entries */
    size_t n, cap;
    size_t nerrors, nwarnings; /* counts, including any dropped past the cap */
    size_t dropped;            /* entries not stored because the list was full */
};

/** At most this many diagnostics are stored; later ones are only counted. */
#define MU_DIAGS_MAX 1000

MU_API void mu_diags_init(struct mu_diags *d);
/** Free every message; @p d is empty and reusable afterwards. */
MU_API void mu_diags_release(struct mu_diags *d);
/**
 * Append a diagnostic at @p line:@p col with a printf-style message.
 * MU_ENOMEM when the message cannot be stored (the count still grows).
 */
MU_API enum mu_err mu_diags_add(struct mu_diags *d, enum mu_diag_severity sev, int line, int col,
                                const char *fmt, ...) MU_PRINTF(5, 6);
/** As mu_diags_add() with a va_list. */
MU_API enum mu_err mu_diags_addv(struct mu_diags *d, enum mu_diag_severity sev, int line, int col,
                                 const char *fmt, va_list ap) MU_PRINTF(5, 0);
/** Sort by position (line, then column); equal positions keep their order. */
MU_API void mu_diags_sort(struct mu_diags *d);

/* ---------------------------------------------------------------------- */
/* The model. Every string is NUL-terminated UTF-8 owned by the plan.     */

struct mu_pos {
    int line, col; /* 0 when the element was not in the file (a default) */
};

/** A string from the file with its position: a reference (an id) or a text. */
struct mu_plan_str {
    const char *s;
    struct mu_pos pos;
};

struct mu_plan_strs {
    struct mu_plan_str *v;
    size_t n;
};

enum mu_plan_target_kind {
    MU_TARGET_PERSON, /* person:ID or a bare ID */
    MU_TARGET_TEAM,   /* team:ID, the whole team */
    MU_TARGET_LEADER, /* leader:TEAM, the team's leader */
    MU_TARGET_ROLE,   /* role:ROLE, whoever fills a duty role */
    MU_TARGET_DUTY,   /* duty, everyone on duty */
};

/** Who is told: "person:li-ming", "team:evac", "leader:evac", "role:带班领导", "duty". */
struct mu_plan_target {
    enum mu_plan_target_kind kind;
    const char *ref;  /* the person, team or role; "" for MU_TARGET_DUTY */
    const char *text; /* as written */
    struct mu_pos pos;
};

struct mu_plan_targets {
    struct mu_plan_target *v;
    size_t n;
};

struct mu_plan_org {
    const char *name;
    const char *timezone; /* "Asia/Shanghai" when not given */
    const char *phone, *address, *higher_authority; /* NULL when not given */
    struct mu_pos pos;
};

/** One unit; the tree is flattened in document order (a parent before its children). */
struct mu_plan_unit {
    const char *id, *name;
    struct mu_plan_str head; /* person id; s NULL when none */
    int parent;              /* index in mu_plan.units, -1 for a root */
    int depth;               /* 0 for a root */
    struct mu_pos pos;       /* of the unit's mapping */
    struct mu_pos id_pos;
};

enum mu_channel_type {
    MU_CHANNEL_SMS, MU_CHANNEL_PHONE, MU_CHANNEL_EMAIL, MU_CHANNEL_WECOM,
    MU_CHANNEL_DINGTALK, MU_CHANNEL_FEISHU, MU_CHANNEL_WEBHOOK, MU_CHANNEL_CONSOLE,
};

struct mu_plan_channel {
    enum mu_channel_type type;
    const char *type_name; /* "sms", ... */
    const char *to;
    struct mu_pos pos;
};

struct mu_plan_person {
    const char *id, *name;
    const char *title, *phone; /* NULL when not given */
    struct mu_plan_str unit;   /* unit id; s NULL when none */
    struct mu_plan_channel *channels;
    size_t nchannels;
    struct mu_pos pos, id_pos;
};

struct mu_plan_team {
    const char *id, *name;
    struct mu_plan_str leader;     /* person id */
    struct mu_plan_strs deputies;  /* person ids */
    struct mu_plan_strs members;   /* person ids */
    struct mu_plan_strs duties;    /* texts */
    struct mu_plan_strs areas;     /* unit ids */
    struct mu_pos pos, id_pos;
};

struct mu_plan_level {
    const char *id, *name;
    const char *description; /* NULL when not given */
    int has_lead;
    struct mu_plan_target lead;
    struct mu_pos pos, id_pos;
};

struct mu_plan_kind {
    const char *id, *name;
    struct mu_pos pos, id_pos;
};

enum mu_field_type { MU_FIELD_COUNT, MU_FIELD_NUMBER, MU_FIELD_TEXT };

/** An incident field or a check-in field. */
struct mu_plan_field {
    const char *key, *label;
    enum mu_field_type type;
    int64_t max; /* check-in text fields: maximum length; 0 when not given */
    struct mu_pos pos, key_pos;
};

enum mu_duty_pattern { MU_DUTY_24H, MU_DUTY_DAY_NIGHT };

struct mu_plan_pool {
    const char *id, *role;
    struct mu_plan_strs people; /* person ids */
    int64_t per_shift;          /* default 1 */
    struct mu_pos pos, id_pos;
};

struct mu_plan_unavailable {
    struct mu_plan_str person;
    int32_t from, to; /* day numbers (muster/date.h) */
    const char *reason; /* NULL when not given */
    struct mu_pos pos;
};

struct mu_plan_duty {
    int present; /* 0 when the plan has no duty section */
    enum mu_duty_pattern pattern;
    int start;       /* minutes after midnight; default 08:00 */
    int night_start; /* minutes after midnight; -1 when not given */
    struct mu_plan_pool *pools;
    size_t npools;
    int64_t reminder_before;   /* seconds; default 2h */
    int no_consecutive_nights; /* default 1 */
    struct mu_plan_unavailable *unavailable;
    size_t nunavailable;
    struct mu_pos pos;
};

struct mu_plan_time {
    int minutes; /* after midnight */
    struct mu_pos pos;
};

struct mu_plan_reporter {
    struct mu_plan_str unit, person;
    struct mu_pos pos;
};

enum mu_checkin_days { MU_DAYS_EVERYDAY, MU_DAYS_WORKDAYS };

struct mu_plan_checkin {
    const char *id, *name;
    int all_units;            /* units: all */
    struct mu_plan_strs units; /* unit ids when !all_units */
    struct mu_plan_time *times;
    size_t ntimes;
    enum mu_checkin_days days;
    int64_t grace; /* seconds; default 0 */
    struct mu_plan_field *fields;
    size_t nfields;
    struct mu_plan_reporter *reporters;
    size_t nreporters;
    int has_summary;
    int summary_at; /* minutes after midnight */
    struct mu_plan_targets summary_to;
    struct mu_pos pos, id_pos;
};

enum mu_cond_op { MU_OP_GE, MU_OP_GT, MU_OP_LE, MU_OP_LT, MU_OP_EQ, MU_OP_NE };

/** A condition on an incident field: `people: ">= 15"`. */
struct mu_plan_cond {
    struct mu_plan_str field; /* incident field key, position of the key */
    enum mu_cond_op op;
    double value;
    const char *text; /* the comparison as written */
    struct mu_pos pos; /* of the comparison */
};

struct mu_plan_window {
    int start, end; /* minutes after midnight; end < start crosses midnight */
    struct mu_pos pos;
};

struct mu_plan_step {
    struct mu_plan_targets notify;
    int64_t ack_within; /* seconds; -1 when not given */
    int64_t ack_count;  /* default 1 */
    const char *channel; /* NULL when not given */
    struct mu_pos pos;
};

struct mu_plan_deadline {
    const char *name;
    struct mu_plan_target to;
    int64_t within; /* seconds */
    struct mu_pos pos;
};

struct mu_plan_assembly {
    int present;
    int64_t day, night;   /* seconds; -1 when not given */
    int has_night_window;
    struct mu_plan_window night_window;
    struct mu_plan_strs teams; /* team ids */
    struct mu_pos pos;
};

struct mu_plan_policy {
    const char *id;
    const char *name; /* NULL when not given */
    struct mu_plan_strs kinds;  /* incident kind ids; empty: any */
    struct mu_plan_strs levels; /* level ids; empty: any */
    int has_time;
    struct mu_plan_window time;
    struct mu_plan_cond *conds;
    size_t nconds;
    struct mu_plan_step *steps;
    size_t nsteps;
    struct mu_plan_deadline *deadlines;
    size_t ndeadlines;
    struct mu_plan_assembly assembly;
    struct mu_pos pos, id_pos;
};

struct mu_plan_procedure {
    struct mu_plan_str team;
    struct mu_plan_strs kinds; /* empty: all kinds */
    struct mu_plan_strs tasks;
    struct mu_pos pos;
};

struct mu_plan_arena; /* private */

/** A parsed, valid plan. Allocated in one arena; free with mu_plan_free(). */
struct mu_plan {
    int version; /* the `muster:` key, always MU_PLAN_VERSION */
    const char *id, *title;
    struct mu_plan_org org;
    struct mu_plan_unit *units;
    size_t nunits;
    struct mu_plan_person *people;
    size_t npeople;
    struct mu_plan_team *teams;
    size_t nteams;
    struct mu_plan_level *levels;
    size_t nlevels;
    struct mu_plan_kind *kinds;
    size_t nkinds;
    struct mu_plan_field *fields; /* incident fields */
    size_t nfields;
    struct mu_plan_duty duty;
    struct mu_plan_checkin *checkins;
    size_t ncheckins;
    struct mu_plan_policy *policies;
    size_t npolicies;
    struct mu_plan_procedure *procedures;
    size_t nprocedures;
    struct mu_plan_strs termination;
    const char *body; /* the Markdown body as written (may be "") */
    size_t body_len;
    int body_line;    /* line of the file where the body starts */
    struct mu_plan_arena *arena; /* private: owns everything above */
};

/* ---------------------------------------------------------------------- */
/* Functions                                                              */

/**
 * Parse a plan file of @p len bytes at @p src (borrowed; need not be
 * NUL-terminated) and validate it: shape, types, ids, times, durations and
 * every cross-reference.
 *
 * Every problem found is appended to @p diags (may be NULL), errors and
 * warnings, in no particular order (call mu_diags_sort()).
 *
 * Returns MU_OK and sets *out (OUT: owned by caller, free with mu_plan_free())
 * when the plan has no errors (warnings allowed). Returns MU_EINVAL when it
 * has errors (input over MU_PLAN_MAX_BYTES, not UTF-8, no front matter, YAML
 * syntax, schema or reference problems); *out is then NULL and @p err says
 * how many errors. MU_ENOMEM when memory runs out.
 */
MU_API enum mu_err mu_plan_parse(const char *src, size_t len, struct mu_plan **out,
                                 struct mu_diags *diags, struct mu_error *err);

/** Free @p p and everything in it; NULL is a no-op. */
MU_API void mu_plan_free(struct mu_plan *p);

/** Person by id, or NULL. Borrowed from @p p. Linear search. */
MU_API const struct mu_plan_person *mu_plan_person(const struct mu_plan *p, const char *id);
/** Team by id, or NULL. Borrowed from @p p. */
MU_API const struct mu_plan_team *mu_plan_team(const struct mu_plan *p, const char *id);
/** Unit by id, or NULL. Borrowed from @p p. */
MU_API const struct mu_plan_unit *mu_plan_unit(const struct mu_plan *p, const char *id);

/** Counts for a one-line summary (plan list, plan check). */
struct mu_plan_overview {
    const char *id, *title, *org_name; /* borrowed from the plan */
    size_t units, people, teams, levels, kinds, checkins, policies, procedures;
};

MU_API void mu_plan_summarize(const struct mu_plan *p, struct mu_plan_overview *out);

/**
 * The whole model as JSON (UTF-8, keys in a fixed order, 2-space indent), the
 * same bytes for the same plan: the store keeps it per version. Times are
 * "HH:MM" strings, durations integer seconds, dates "YYYY-MM-DD".
 * Returns a string owned by the caller (free with mu_free()), or NULL on ENOMEM.
 */
MU_API char *mu_plan_to_json(const struct mu_plan *p);

enum mu_plan_format { MU_PLAN_MD, MU_PLAN_HTML };

/**
 * Render @p p as one readable document in Chinese: organization, teams,
 * levels, duty, check-ins, escalation, procedures, termination, then the
 * Markdown body. MU_PLAN_HTML gives a self-contained printable page (inline
 * CSS, no scripts; every value escaped). *out (OUT) is owned by the caller,
 * free with mu_free(). MU_ENOMEM or MU_ELIMIT (over 64 MiB) on failure.
 */
MU_API enum mu_err mu_plan_render(const struct mu_plan *p, enum mu_plan_format fmt, char **out,
                                  struct mu_error *err);

#endif
