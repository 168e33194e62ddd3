/*
 * input.c - request value checks.
 */
#include "api/input.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

static int too_long(const char *field, size_t max)
{
    return eos_err_set(EOS_EINVALID, field, "at most %zu characters", max);
}

int in_text(char *dst, size_t size, const char *src, const char *field, bool required)
{
    size_t len;

    dst[0] = '\0';
    if (src == NULL || *src == '\0') {
        if (required)
            return eos_err_set(EOS_EINVALID, field, "required");
        return 0;
    }
    len = strlen(src);
    if (!utf8_valid_text(src, len))
        return eos_err_set(EOS_EINVALID, field, "not valid UTF-8 text");
    if (len >= size || utf8_chars(src) > (size - 1) / 4)
        return too_long(field, (size - 1) / 4);
    memcpy(dst, src, len + 1);
    return 0;
}

static int in_pattern(char *dst, size_t size, const char *src, const char *field, bool required,
                      const char *extra)
{
    size_t len;

    dst[0] = '\0';
    if (src == NULL || *src == '\0')
        return required ? eos_err_set(EOS_EINVALID, field, "required") : 0;
    len = strlen(src);
    if (len >= size)
        return too_long(field, size - 1);
    if (!str_is_code(src, extra))
        return eos_err_set(EOS_EINVALID, field, "letters, digits and %s only", extra);
    memcpy(dst, src, len + 1);
    return 0;
}

int in_code(char *dst, size_t size, const char *src, const char *field, bool required)
{
    return in_pattern(dst, size, src, field, required, "._-");
}

int in_sku(char *dst, size_t size, const char *src, const char *field)
{
    return in_pattern(dst, size, src, field, true, "._/-");
}

int in_docno(char *dst, size_t size, const char *src, const char *field, bool required)
{
    int rc = in_text(dst, size, src, field, required);

    if (rc == 0 && (dst[0] == ' ' || dst[0] == '\t' || dst[0] == '\n' || dst[0] == '\r'))
        return eos_err_set(EOS_EINVALID, field, "must not start with a space");
    /* One line: the schema's pattern (no line breaks) as gSOAP does not check it. */
    if (rc == 0 && strpbrk(dst, "\t\n\r"))
        return eos_err_set(EOS_EINVALID, field, "must not contain tabs or line breaks");
    return rc;
}

/* Whether s (after a date's 10 characters) is an xsd:date time zone: "Z",
 * or +hh:mm / -hh:mm up to 14:00. */
static bool date_zone(const char *s)
{
    if (s[0] == '\0' || (s[0] == 'Z' && s[1] == '\0'))
        return true;
    return (s[0] == '+' || s[0] == '-') && strlen(s) == 6 && s[3] == ':' &&
           s[1] >= '0' && s[1] <= '1' && s[2] >= '0' && s[2] <= '9' && s[4] >= '0' &&
           s[4] <= '5' && s[5] >= '0' && s[5] <= '9' &&
           ((s[1] - '0') * 10 + (s[2] - '0')) * 60 + (s[4] - '0') * 10 + (s[5] - '0') <= 14 * 60;
}

int in_date(char dst[11], const char *src, const char *field, bool required)
{
    char day[11];

    dst[0] = '\0';
    if (src == NULL || *src == '\0')
        return required ? eos_err_set(EOS_EINVALID, field, "required") : 0;
    /* A calendar day: an xsd:date's time zone, if sent, is dropped. */
    if (strlen(src) < 10 || !date_zone(src + 10))
        return eos_err_set(EOS_EINVALID, field, "not a date (YYYY-MM-DD)");
    memcpy(day, src, 10);
    day[10] = '\0';
    if (!date_valid(day))
        return eos_err_set(EOS_EINVALID, field, "not a date (YYYY-MM-DD)");
    memcpy(dst, day, 11);
    return 0;
}

int in_money(money_t *out, const char *src, const char *field)
{
    return money_parse(out, src, field);
}

int in_qty(qty_t *out, const char *src, const char *field)
{
    return qty_parse(out, src, field);
}

const char *in_field(char *buf, size_t size, const char *name, size_t index, const char *child)
{
    if (child)
        snprintf(buf, size, "%s[%zu]/%s", name, index, child);
    else
        snprintf(buf, size, "%s[%zu]", name, index);
    return buf;
}
