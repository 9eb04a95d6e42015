/* SPDX-License-Identifier: MIT */
/*
 * Civil date arithmetic (days from civil and back, after the well-known
 * era-based algorithm), and strict parsers for dates, clock times and
 * durations. Pure: no clock, no locale.
 */
#include <muster/date.h>

#include <stdio.h>
#include <string.h>

int32_t mu_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;                                   /* [0, 399] */
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return (int32_t)(era * 146097 + doe - 719468);
}

void mu_date_to_ymd(int32_t day, int *y, int *m, int *d)
{
    int z = day + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int mu_date_valid(int y, int m, int d)
{
    return y >= MU_DATE_MIN_YEAR && y <= MU_DATE_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

int mu_date_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (int)((day % 7 + 7 + 3) % 7); /* 0 = Monday */
    return w + 1;
}

int mu_date_year(int32_t day)
{
    int y, m, d;
    mu_date_to_ymd(day, &y, &m, &d);
    return y;
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

enum mu_err mu_date_parse(const char *s, size_t len, int32_t *out, struct mu_error *err)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return mu_error_set(err, MU_EINVAL, "'%.*s' is not a date (expected YYYY-MM-DD)",
                            (int)(len > 40 ? 40 : len), s);
    if (!mu_date_valid(y, m, d))
        return mu_error_set(err, MU_EINVAL, "'%.*s' is not a valid date between %d and %d",
                            (int)len, s, MU_DATE_MIN_YEAR, MU_DATE_MAX_YEAR);
    *out = mu_date_from_ymd(y, m, d);
    return MU_OK;
}

void mu_date_format(int32_t day, char out[static 11])
{
    int y, m, d;
    mu_date_to_ymd(day, &y, &m, &d);
    /* Years are 1900..2199 and months/days small, so exactly 10 bytes. */
    out[0] = (char)('0' + (y / 1000) % 10);
    out[1] = (char)('0' + (y / 100) % 10);
    out[2] = (char)('0' + (y / 10) % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

enum mu_err mu_clock_parse(const char *s, size_t len, int *minutes, struct mu_error *err)
{
    int h, m;
    if (len != 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m) || h > 23 || m > 59)
        return mu_error_set(err, MU_EINVAL, "'%.*s' is not a time of day (expected HH:MM, 00:00-23:59)",
                            (int)(len > 40 ? 40 : len), s);
    *minutes = h * 60 + m;
    return MU_OK;
}

enum mu_err mu_duration_parse(const char *s, size_t len, int64_t *seconds, struct mu_error *err)
{
    const int64_t max = 10LL * 366 * 86400;
    int64_t total = 0;
    size_t i = 0;
    int parts = 0;
    while (i < len) {
        int64_t v = 0;
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 12)
            v = v * 10 + (s[i++] - '0');
        if (i == start || i >= len)
            goto bad;
        int64_t unit;
        switch (s[i++]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: goto bad;
        }
        if (v > max / unit)
            goto bad;
        total += v * unit;
        if (total > max)
            goto bad;
        parts++;
    }
    if (parts == 0)
        goto bad;
    *seconds = total;
    return MU_OK;
bad:
    return mu_error_set(err, MU_EINVAL,
                        "'%.*s' is not a duration (expected e.g. 90s, 15m, 2h, 1h30m, 3d)",
                        (int)(len > 40 ? 40 : len), s);
}

void mu_time_format_utc(int64_t ms, char out[static 21])
{
    const int64_t lo = (int64_t)mu_date_from_ymd(MU_DATE_MIN_YEAR, 1, 1) * 86400;
    const int64_t hi = (int64_t)mu_date_from_ymd(MU_DATE_MAX_YEAR, 12, 31) * 86400 + 86399;
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    if (secs < lo)
        secs = lo;
    if (secs > hi)
        secs = hi;
    int64_t day = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - day * 86400;
    mu_date_format((int32_t)day, out);
    int h = (int)(sod / 3600), m = (int)(sod / 60 % 60), s = (int)(sod % 60);
    out[10] = 'T';
    out[11] = (char)('0' + h / 10);
    out[12] = (char)('0' + h % 10);
    out[13] = ':';
    out[14] = (char)('0' + m / 10);
    out[15] = (char)('0' + m % 10);
    out[16] = ':';
    out[17] = (char)('0' + s / 10);
    out[18] = (char)('0' + s % 10);
    out[19] = 'Z';
    out[20] = '\0';
}

#define DAY_MS (86400LL * 1000)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t mu_local_ms(int32_t day, int minutes)
{
    return (int64_t)day * DAY_MS + (int64_t)minutes * 60000 - MU_LOCAL_OFFSET_MS;
}

int32_t mu_local_day(int64_t ms, int *minutes)
{
    int64_t local = ms + MU_LOCAL_OFFSET_MS;
    int64_t day = floor_div(local, DAY_MS);
    if (minutes)
        *minutes = (int)((local - day * DAY_MS) / 60000);
    return (int32_t)day;
}

int mu_local_minutes(int64_t ms)
{
    int minutes;
    mu_local_day(ms, &minutes);
    return minutes;
}

void mu_local_format(int64_t ms, char out[static 26])
{
    /* The UTC formatter shifted by the offset, with the offset spelled out. */
    mu_time_format_utc(ms + MU_LOCAL_OFFSET_MS, out);
    memcpy(out + 19, "+08:00", 7);
}

static enum mu_err bad_local(const char *s, struct mu_error *err)
{
    return mu_error_set(err, MU_EINVAL,
                        "'%.60s' is not a date and time: use YYYY-MM-DDTHH:MM (UTC+8), "
                        "optionally with :SS and Z or +HH:MM",
                        s);
}

enum mu_err mu_local_parse(const char *s, int64_t *ms, struct mu_error *err)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t offset = MU_LOCAL_OFFSET_MS;
    size_t len = s ? strlen(s) : 0;
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return bad_local(s ? s : "", err);
    const char *p = s + 10;
    if (*p) {
        if ((*p != 'T' && *p != ' ') || len < 16 || !digits(p + 1, 2, &h) || p[3] != ':' ||
            !digits(p + 4, 2, &mi))
            return bad_local(s, err);
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &sec))
                return bad_local(s, err);
            p += 3;
        }
        if (*p == 'Z') {
            offset = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om = 0, sign = *p == '-' ? -1 : 1;
            if (!digits(p + 1, 2, &oh))
                return bad_local(s, err);
            p += 3;
            if (*p == ':') {
                if (!digits(p + 1, 2, &om))
                    return bad_local(s, err);
                p += 3;
            } else if (*p >= '0' && *p <= '9') {
                if (!digits(p, 2, &om))
                    return bad_local(s, err);
                p += 2;
            }
            if (oh > 14 || om > 59)
                return bad_local(s, err);
            offset = sign * ((int64_t)oh * 3600000 + (int64_t)om * 60000);
        }
    }
    if (*p || !mu_date_valid(y, mo, d) || h > 23 || mi > 59 || sec > 59)
        return bad_local(s, err);
    *ms = (int64_t)mu_date_from_ymd(y, mo, d) * DAY_MS + (int64_t)h * 3600000 +
          (int64_t)mi * 60000 + (int64_t)sec * 1000 - offset;
    return MU_OK;
}
