/* SPDX-License-Identifier: MIT */
/*
 * The rules of the resource register (应急物资保障): categories and statuses,
 * quantities (whole, non-negative), what a movement does to a stock
 * (adjust, assign to an incident, return from it) and the low-stock and
 * expiry alerts. Pure: no I/O, no clock.
 */
#include <muster/register.h>
#include <string.h>

#include "util/banned.h"

static const char *const cat_names[] = {"vehicle", "cash", "supply", "equipment"};
static const char *const cat_labels[] = {"车辆", "资金", "物资", "装备"};
static const char *const status_names[] = {"available", "maintenance", "retired"};
static const char *const status_labels[] = {"可用", "维修中", "报废"};
static const char *const move_names[] = {"add", "adjust", "assign", "return"};

const char *mu_resource_category_name(enum mu_resource_category v)
{
    return (unsigned)v < 4 ? cat_names[v] : "?";
}

const char *mu_resource_category_label(enum mu_resource_category v)
{
    return (unsigned)v < 4 ? cat_labels[v] : "?";
}

enum mu_err mu_resource_category_parse(const char *s, enum mu_resource_category *out,
                                       struct mu_error *err)
{
    for (unsigned i = 0; s && i < 4; i++)
        if (strcmp(s, cat_names[i]) == 0) {
            *out = (enum mu_resource_category)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "category",
                          "category '%.60s' is not one of vehicle, cash, supply, equipment",
                          s ? s : "");
}

const char *mu_resource_status_name(enum mu_resource_status v)
{
    return (unsigned)v < 3 ? status_names[v] : "?";
}

const char *mu_resource_status_label(enum mu_resource_status v)
{
    return (unsigned)v < 3 ? status_labels[v] : "?";
}

enum mu_err mu_resource_status_parse(const char *s, enum mu_resource_status *out,
                                     struct mu_error *err)
{
    for (unsigned i = 0; s && i < 3; i++)
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum mu_resource_status)i;
            return MU_OK;
        }
    return mu_error_field(err, MU_EINVAL, "status",
                          "status '%.60s' is not one of available, maintenance, retired",
                          s ? s : "");
}

const char *mu_resource_move_name(enum mu_resource_move_kind v)
{
    return (unsigned)v < 4 ? move_names[v] : "?";
}

enum mu_err mu_quantity_parse(const char *field, const char *text, int allow_negative,
                              int64_t *out, struct mu_error *err)
{
    const char *p = text ? text : "";
    int neg = 0;
    int64_t v = 0;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (!*p)
        return mu_error_field(err, MU_EINVAL, field, "%s: '%.40s' is not a whole number", field,
                              text ? text : "");
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return mu_error_field(err, MU_EINVAL, field, "%s: '%.40s' is not a whole number",
                                  field, text);
        v = v * 10 + (*p - '0');
        if (v > MU_REG_QUANTITY_MAX)
            return mu_error_field(err, MU_EINVAL, field, "%s: '%.40s' is too large", field, text);
    }
    if (neg && v != 0 && !allow_negative)
        return mu_error_field(err, MU_EINVAL, field, "%s: '%.40s' is negative", field, text);
    *out = neg ? -v : v;
    return MU_OK;
}

enum mu_err mu_resource_move(int64_t quantity, enum mu_resource_move_kind kind, int64_t amount,
                             int64_t outstanding, int64_t *after, struct mu_error *err)
{
    int64_t next = quantity;
    switch (kind) {
    case MU_MOVE_ADD:
    case MU_MOVE_ADJUST:
        if (amount == 0 && kind == MU_MOVE_ADJUST)
            return mu_error_field(err, MU_EINVAL, "by", "by: an adjustment of 0 changes nothing");
        next = quantity + amount;
        if (next < 0)
            return mu_error_field(err, MU_EINVAL, "by",
                                  "by: %lld would leave %lld, and a quantity cannot be negative",
                                  (long long)amount, (long long)next);
        break;
    case MU_MOVE_ASSIGN:
        if (amount <= 0)
            return mu_error_field(err, MU_EINVAL, "quantity", "quantity: %lld is not positive",
                                  (long long)amount);
        if (amount > quantity)
            return mu_error_field(err, MU_EINVAL, "quantity",
                                  "quantity: %lld asked, only %lld in stock", (long long)amount,
                                  (long long)quantity);
        next = quantity - amount;
        break;
    case MU_MOVE_RETURN:
        if (amount <= 0)
            return mu_error_field(err, MU_EINVAL, "quantity", "quantity: %lld is not positive",
                                  (long long)amount);
        if (amount > outstanding)
            return mu_error_field(err, MU_EINVAL, "quantity",
                                  "quantity: %lld returned, but only %lld are out for this incident",
                                  (long long)amount, (long long)outstanding);
        next = quantity + amount;
        break;
    default:
        return mu_error_set(err, MU_EINVAL, "unknown movement");
    }
    if (next > MU_REG_QUANTITY_MAX)
        return mu_error_field(err, MU_EINVAL, kind == MU_MOVE_ADJUST ? "by" : "quantity",
                              "the quantity would be too large");
    *after = next;
    return MU_OK;
}

unsigned mu_resource_alerts(enum mu_resource_status status, int64_t quantity, int64_t min,
                            int32_t expires, int32_t today, int32_t within_days)
{
    unsigned a = 0;
    if (status == MU_RESOURCE_RETIRED)
        return 0;
    if (min > 0 && quantity < min)
        a |= MU_ALERT_LOW;
    if (expires >= 0) {
        if (expires < today)
            a |= MU_ALERT_EXPIRED;
        else if (expires - today <= within_days)
            a |= MU_ALERT_EXPIRING;
    }
    return a;
}
