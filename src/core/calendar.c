/* SPDX-License-Identifier: MIT */
/*
 * The working-day calendar (muster/calendar.h): a parser for the calendar
 * files of docs/calendar-format.md (text in, entries out; the caller reads the
 * file) and constant-time queries. Per day of the supported range the
 * calendar keeps one 16-bit word (kind, whether the data lists the day, and a
 * holiday name index); from those it derives a prefix count of working days
 * and the list of working days in order. Adding a file rebuilds both tables
 * from scratch, which takes well under a millisecond, so every query is a
 * couple of array reads. Pure: no I/O.
 */
#include <muster/calendar.h>
#include <muster/date.h>
#include <muster/mem.h>

#include <string.h>

#include "util/banned.h"

#define NYEARS (MU_DATE_MAX_YEAR - MU_DATE_MIN_YEAR + 1)

/* Layout of the per-day word. */
#define INFO_KIND_MASK 0x3u  /* enum mu_day_kind */
#define INFO_LISTED 0x4u     /* the day is listed in a calendar file */
#define INFO_NAME_SHIFT 3    /* name index + 1 in the remaining bits; 0 = no name */
#define MAX_NAMES ((1u << (16 - INFO_NAME_SHIFT)) - 1)
#define NAME_MAX_BYTES 96    /* a holiday name, in bytes of UTF-8 */

struct mu_calendar {
    int32_t first;               /* day number of MU_DATE_MIN_YEAR-01-01 */
    int32_t ndays;               /* days in the supported range */
    int first_weekday;           /* ISO weekday of the first day */
    uint16_t *info;              /* ndays words, see INFO_* */
    int32_t *cum;                /* ndays + 1: cum[i] = working days among the first i days */
    int32_t *nth;                /* nth[k] = offset of the working day with ordinal k (0-based) */
    int32_t nwork;               /* entries used in nth */
    unsigned char has[NYEARS];   /* 1 for each year whose file was added */
    char **names;                /* interned holiday names, owned */
    size_t nnames, names_cap;
};

/* One parsed line of a calendar file, before it is applied. */
struct entry {
    int32_t day;
    enum mu_day_kind kind; /* MU_DAY_HOLIDAY for off, MU_DAY_ADJUSTED for work */
    const char *name;      /* borrowed from the text */
    size_t name_len;
    unsigned name_idx;     /* 1-based, set when the names are interned */
};

static enum mu_day_kind weekday_kind(int weekday)
{
    return weekday >= 6 ? MU_DAY_WEEKEND : MU_DAY_WORKDAY;
}

static int kind_works(unsigned kind)
{
    return kind == MU_DAY_WORKDAY || kind == MU_DAY_ADJUSTED;
}

/* Recompute the unlisted days, the weekend days inferred to belong to a
 * holiday, the prefix counts and the ordinal index. Allocates nothing. */
static void rebuild(struct mu_calendar *cal)
{
    const int32_t n = cal->ndays;
    for (int32_t i = 0; i < n; i++) {
        if (cal->info[i] & INFO_LISTED)
            continue;
        int wd = (cal->first_weekday - 1 + (int)(i % 7)) % 7 + 1;
        cal->info[i] = (uint16_t)weekday_kind(wd);
    }
    /* A weekend day next to a holiday's day off, directly or through other
     * unlisted weekend days, is part of that holiday (the State Council's
     * notices count it in the period: 2024 端午 lists only Monday 06-10, but
     * the holiday is 06-08 to 06-10). The first holiday to reach a day wins. */
    for (int32_t i = 0; i < n; i++) {
        uint16_t v = cal->info[i];
        if (!(v & INFO_LISTED) || (v & INFO_KIND_MASK) != MU_DAY_HOLIDAY)
            continue;
        uint16_t as_holiday = (uint16_t)((v & ~(unsigned)INFO_LISTED));
        for (int step = -1; step <= 1; step += 2) {
            for (int32_t j = i + step; j >= 0 && j < n; j += step) {
                uint16_t w = cal->info[j];
                if ((w & INFO_LISTED) || (w & INFO_KIND_MASK) != MU_DAY_WEEKEND)
                    break;
                if (!cal->has[mu_date_year(cal->first + j) - MU_DATE_MIN_YEAR])
                    break;
                cal->info[j] = as_holiday;
            }
        }
    }
    int32_t c = 0;
    cal->cum[0] = 0;
    for (int32_t i = 0; i < n; i++) {
        if (kind_works(cal->info[i] & INFO_KIND_MASK))
            cal->nth[c++] = i;
        cal->cum[i + 1] = c;
    }
    cal->nwork = c;
}

struct mu_calendar *mu_calendar_new(void)
{
    struct mu_calendar *cal = mu_calloc(1, sizeof(*cal));
    if (!cal)
        return NULL;
    cal->first = mu_date_from_ymd(MU_DATE_MIN_YEAR, 1, 1);
    cal->ndays = mu_date_from_ymd(MU_DATE_MAX_YEAR, 12, 31) - cal->first + 1;
    cal->first_weekday = mu_date_weekday(cal->first);
    cal->info = mu_calloc((size_t)cal->ndays, sizeof(*cal->info));
    cal->cum = mu_calloc((size_t)cal->ndays + 1, sizeof(*cal->cum));
    cal->nth = mu_calloc((size_t)cal->ndays, sizeof(*cal->nth));
    if (!cal->info || !cal->cum || !cal->nth) {
        mu_calendar_free(cal);
        return NULL;
    }
    rebuild(cal);
    return cal;
}

void mu_calendar_free(struct mu_calendar *cal)
{
    if (!cal)
        return;
    for (size_t i = 0; i < cal->nnames; i++)
        mu_free(cal->names[i]);
    mu_free(cal->names);
    mu_free(cal->nth);
    mu_free(cal->cum);
    mu_free(cal->info);
    mu_free(cal);
}

int mu_calendar_has_year(const struct mu_calendar *cal, int year)
{
    if (year < MU_DATE_MIN_YEAR || year > MU_DATE_MAX_YEAR)
        return 0;
    return cal->has[year - MU_DATE_MIN_YEAR];
}

/* ---- parsing ---------------------------------------------------------- */

/* The year a file covers, from the last path component "YYYY.txt"; 0 if none. */
static int year_of_filename(const char *filename)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    if (strlen(base) != 8 || strcmp(base + 4, ".txt") != 0)
        return 0;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (base[i] < '0' || base[i] > '9')
            return 0;
        y = y * 10 + (base[i] - '0');
    }
    return y;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* 1 when s[0..len) is well-formed UTF-8 with no control characters. */
static int valid_name(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t more;
        unsigned min;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            more = 1, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3, min = 0x10000;
        } else {
            return 0;
        }
        if (len - i <= more)
            return 0;
        unsigned cp = c & (0x3fu >> more);
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += more + 1;
    }
    return 1;
}

static const char *weekday_name(int wd)
{
    static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    return names[(wd - 1) % 7];
}

/*
 * Parse one line (comments and the line end already cut, not empty) into @p e.
 * Returns MU_OK or MU_EINVAL with "FILE:LINE: message" in @p err.
 */
static enum mu_err parse_line(const char *filename, int lineno, int year, const char *s,
                              size_t len, struct entry *e, struct mu_error *err)
{
    size_t i = 0;
    while (i < len && !is_blank(s[i]))
        i++;
    const char *date = s;
    size_t date_len = i;
    while (i < len && is_blank(s[i]))
        i++;
    const char *kind = s + i;
    size_t kind_start = i;
    while (i < len && !is_blank(s[i]))
        i++;
    size_t kind_len = i - kind_start;
    while (i < len && is_blank(s[i]))
        i++;
    const char *name = s + i;
    size_t name_len = len - i;

    struct mu_error derr;
    if (mu_date_parse(date, date_len, &e->day, &derr) != MU_OK)
        return mu_error_set(err, MU_EINVAL, "%s:%d: %s", filename, lineno, derr.msg);
    if (mu_date_year(e->day) != year)
        return mu_error_set(err, MU_EINVAL, "%s:%d: date '%.*s' is outside the file's year %d",
                            filename, lineno, (int)date_len, date, year);
    if (kind_len == 0)
        return mu_error_set(err, MU_EINVAL,
                            "%s:%d: missing kind after '%.*s' (expected 'off' or 'work')",
                            filename, lineno, (int)date_len, date);
    if (kind_len == 3 && memcmp(kind, "off", 3) == 0) {
        e->kind = MU_DAY_HOLIDAY;
    } else if (kind_len == 4 && memcmp(kind, "work", 4) == 0) {
        e->kind = MU_DAY_ADJUSTED;
    } else {
        return mu_error_set(err, MU_EINVAL, "%s:%d: unknown kind '%.*s' (expected 'off' or 'work')",
                            filename, lineno, (int)(kind_len > 40 ? 40 : kind_len), kind);
    }
    if (name_len == 0)
        return mu_error_set(err, MU_EINVAL, "%s:%d: missing holiday name after '%.*s'", filename,
                            lineno, (int)kind_len, kind);
    if (name_len > NAME_MAX_BYTES)
        return mu_error_set(err, MU_EINVAL, "%s:%d: holiday name is longer than %d bytes",
                            filename, lineno, NAME_MAX_BYTES);
    if (!valid_name((const unsigned char *)name, name_len))
        return mu_error_set(err, MU_EINVAL,
                            "%s:%d: holiday name is not valid UTF-8 or has control characters",
                            filename, lineno);
    int wd = mu_date_weekday(e->day);
    if (e->kind == MU_DAY_ADJUSTED && wd < 6)
        return mu_error_set(err, MU_EINVAL,
                            "%s:%d: 'work' on '%.*s', a %s: only a Saturday or Sunday can be a "
                            "make-up working day",
                            filename, lineno, (int)date_len, date, weekday_name(wd));
    e->name = name;
    e->name_len = name_len;
    return MU_OK;
}

/* Index (1-based) of the interned name, or 0 when it is not interned yet. */
static unsigned find_name(const struct mu_calendar *cal, const char *s, size_t len)
{
    for (size_t i = 0; i < cal->nnames; i++)
        if (strlen(cal->names[i]) == len && memcmp(cal->names[i], s, len) == 0)
            return (unsigned)i + 1;
    return 0;
}

enum mu_err mu_calendar_add_text(struct mu_calendar *cal, const char *filename, const char *text,
                                 size_t len, struct mu_error *err)
{
    enum mu_err rc = MU_OK;
    struct entry *entries = NULL;
    int *line_of = NULL; /* per day of the year: the line listing it, or 0 */
    size_t nentries = 0;
    const size_t old_nnames = cal->nnames;

    int year = year_of_filename(filename);
    if (year == 0)
        return mu_error_set(err, MU_EINVAL,
                            "%s: a calendar file must be named YYYY.txt after the year it covers",
                            filename);
    if (year < MU_DATE_MIN_YEAR || year > MU_DATE_MAX_YEAR)
        return mu_error_set(err, MU_EINVAL, "%s: year %d is outside the supported years %d..%d",
                            filename, year, MU_DATE_MIN_YEAR, MU_DATE_MAX_YEAR);
    if (cal->has[year - MU_DATE_MIN_YEAR])
        return mu_error_set(err, MU_ECONFLICT, "%s: holiday data for %d was already added",
                            filename, year);

    const int32_t jan1 = mu_date_from_ymd(year, 1, 1);
    entries = mu_calloc(366, sizeof(*entries));
    line_of = mu_calloc(366, sizeof(*line_of));
    if (!entries || !line_of) {
        rc = mu_error_set(err, MU_ENOMEM, "out of memory reading '%s'", filename);
        goto out;
    }

    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte order mark, as Windows editors write */
    for (int lineno = 1; pos < len; lineno++) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        pos += line_len + (nl ? 1 : 0);

        /* A '#' at the start or after a blank begins a comment. */
        for (size_t k = 0; k < line_len; k++) {
            if (line[k] == '#' && (k == 0 || is_blank(line[k - 1]))) {
                line_len = k;
                break;
            }
        }
        while (line_len > 0 && (is_blank(line[line_len - 1]) || line[line_len - 1] == '\r'))
            line_len--;
        while (line_len > 0 && is_blank(line[0]))
            line++, line_len--;
        if (line_len == 0)
            continue;

        struct entry e;
        rc = parse_line(filename, lineno, year, line, line_len, &e, err);
        if (rc)
            goto out;
        int32_t doy = e.day - jan1;
        if (line_of[doy]) {
            rc = mu_error_set(err, MU_EINVAL, "%s:%d: duplicate date '%.10s' (first on line %d)",
                              filename, lineno, line, line_of[doy]);
            goto out;
        }
        line_of[doy] = lineno;
        entries[nentries++] = e;
    }

    /* Intern the names; on failure drop the ones added here. */
    for (size_t i = 0; i < nentries; i++) {
        struct entry *e = &entries[i];
        e->name_idx = find_name(cal, e->name, e->name_len);
        if (e->name_idx)
            continue;
        if (cal->nnames >= MAX_NAMES) {
            rc = mu_error_set(err, MU_ELIMIT, "%s: more than %u distinct holiday names", filename,
                              MAX_NAMES);
            goto out;
        }
        if (cal->nnames == cal->names_cap) {
            size_t cap = cal->names_cap ? cal->names_cap * 2 : 16;
            char **grown = mu_realloc(cal->names, cap * sizeof(*grown));
            if (!grown) {
                rc = mu_error_set(err, MU_ENOMEM, "out of memory reading '%s'", filename);
                goto out;
            }
            cal->names = grown;
            cal->names_cap = cap;
        }
        char *copy = mu_strndup(e->name, e->name_len);
        if (!copy) {
            rc = mu_error_set(err, MU_ENOMEM, "out of memory reading '%s'", filename);
            goto out;
        }
        cal->names[cal->nnames++] = copy;
        e->name_idx = (unsigned)cal->nnames;
    }

    /* Nothing can fail from here on. */
    for (size_t i = 0; i < nentries; i++) {
        const struct entry *e = &entries[i];
        cal->info[e->day - cal->first] =
            (uint16_t)((unsigned)e->kind | INFO_LISTED | (e->name_idx << INFO_NAME_SHIFT));
    }
    cal->has[year - MU_DATE_MIN_YEAR] = 1;
    rebuild(cal);

out:
    if (rc) {
        while (cal->nnames > old_nnames)
            mu_free(cal->names[--cal->nnames]);
    }
    mu_free(line_of);
    mu_free(entries);
    return rc;
}

/* ---- queries ----------------------------------------------------------- */

enum mu_day_kind mu_calendar_day(const struct mu_calendar *cal, int32_t day, const char **name)
{
    int64_t off = (int64_t)day - cal->first;
    if (off < 0 || off >= cal->ndays) {
        if (name)
            *name = NULL;
        return weekday_kind(mu_date_weekday(day));
    }
    uint16_t v = cal->info[off];
    if (name) {
        unsigned idx = v >> INFO_NAME_SHIFT;
        *name = idx ? cal->names[idx - 1] : NULL;
    }
    return (enum mu_day_kind)(v & INFO_KIND_MASK);
}

int mu_calendar_is_workday(const struct mu_calendar *cal, int32_t day)
{
    int64_t off = (int64_t)day - cal->first;
    if (off < 0 || off >= cal->ndays)
        return weekday_kind(mu_date_weekday(day)) == MU_DAY_WORKDAY;
    return kind_works(cal->info[off] & INFO_KIND_MASK);
}

static enum mu_err out_of_range(struct mu_error *err, int32_t day)
{
    int y, m, d;
    mu_date_to_ymd(day, &y, &m, &d);
    return mu_error_set(err, MU_EINVAL, "date '%04d-%02d-%02d' is outside the supported years %d..%d",
                        y, m, d, MU_DATE_MIN_YEAR, MU_DATE_MAX_YEAR);
}

enum mu_err mu_calendar_add_workdays(const struct mu_calendar *cal, int32_t day, int32_t n,
                                     int32_t *out, struct mu_error *err)
{
    int64_t off = (int64_t)day - cal->first;
    if (off < 0 || off >= cal->ndays)
        return out_of_range(err, day);
    if (n == 0) {
        *out = day;
        return MU_OK;
    }
    /* Ordinal (0-based) of the wanted working day: working days up to and
     * including day are cum[off + 1]; those strictly before it are cum[off]. */
    int64_t k = n > 0 ? (int64_t)cal->cum[off + 1] + n - 1 : (int64_t)cal->cum[off] + n;
    if (k < 0 || k >= cal->nwork) {
        int y, m, d;
        mu_date_to_ymd(day, &y, &m, &d);
        return mu_error_set(err, MU_EINVAL,
                            "%ld working days %s '%04d-%02d-%02d' fall outside the supported "
                            "years %d..%d",
                            (long)(n > 0 ? n : -(int64_t)n), n > 0 ? "after" : "before", y, m, d,
                            MU_DATE_MIN_YEAR, MU_DATE_MAX_YEAR);
    }
    *out = cal->first + cal->nth[k];
    return MU_OK;
}

enum mu_err mu_calendar_workdays_between(const struct mu_calendar *cal, int32_t a, int32_t b,
                                         int32_t *out, struct mu_error *err)
{
    int64_t oa = (int64_t)a - cal->first, ob = (int64_t)b - cal->first;
    if (oa < 0 || oa >= cal->ndays)
        return out_of_range(err, a);
    if (ob < 0 || ob >= cal->ndays)
        return out_of_range(err, b);
    *out = cal->cum[ob + 1] - cal->cum[oa + 1];
    return MU_OK;
}
