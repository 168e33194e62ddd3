/*
 * money.c - parsing, printing and rounding of fixed-point money and
 * quantities (see money.h). Integer arithmetic only; products are taken in
 * __int128 so that no valid pair of inputs can overflow.
 */
#include "money.h"

#include "base/err.h"

#include <inttypes.h>
#include <stdio.h>

__extension__ typedef __int128 wide_t;

/* What distinguishes the two fixed-point types for the parser. */
struct fixed_spec {
    int frac_digits;      /* significant fraction digits allowed */
    int64_t scale;        /* 10^frac_digits */
    int64_t max_int_part; /* largest integer part: max / scale */
    const char *max_text; /* the largest value, for the error message */
};

static const struct fixed_spec money_spec = {
    MONEY_FRAC_DIGITS,
    MONEY_SCALE,
    MONEY_MAX / MONEY_SCALE,
    "99999999999999.9999",
};

static const struct fixed_spec qty_spec = {
    QTY_FRAC_DIGITS,
    QTY_SCALE,
    QTY_MAX / QTY_SCALE,
    "999999999.999",
};

/* A line amount beyond MONEY_MAX is clamped to this, the largest whole-cent
 * value not above MONEY_MAX. */
#define LINE_AMOUNT_CLAMP (MONEY_MAX / 100 * 100)

/* xsd whiteSpace "collapse" allows these around a decimal. */
static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* |v| as unsigned, defined for INT64_MIN too. */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/*
 * The parser behind money_parse() and qty_parse(). The integer part is
 * checked against the bound after every digit, so it never grows past
 * 10 * max_int_part and cannot overflow however many digits come.
 */
static int parse_fixed(int64_t *out, const char *s, const char *field,
                       const struct fixed_spec *spec)
{
    int error = EOS_EINVALID;
    bool too_large = false;
    bool negative = false;
    int64_t int_part = 0;
    int64_t frac_part = 0;
    int frac_kept = 0; /* fraction digits taken into frac_part */
    int digits = 0;    /* all digits seen, both sides of the '.' */
    int64_t value;
    const char *p = s;

    if (!p)
        goto out;
    while (is_xml_space(*p))
        p++;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        p++;
    }
    for (; is_digit(*p); p++) {
        int_part = int_part * 10 + (*p - '0');
        digits++;
        if (int_part > spec->max_int_part) {
            too_large = true;
            goto out;
        }
    }
    if (*p == '.') {
        for (p++; is_digit(*p); p++) {
            digits++;
            if (frac_kept < spec->frac_digits) {
                frac_part = frac_part * 10 + (*p - '0');
                frac_kept++;
            } else if (*p != '0') {
                goto out; /* a significant digit we cannot represent */
            }
        }
    }
    while (is_xml_space(*p))
        p++;
    if (*p != '\0' || digits == 0)
        goto out;

    for (; frac_kept < spec->frac_digits; frac_kept++)
        frac_part *= 10;
    value = int_part * spec->scale + frac_part;
    *out = negative ? -value : value;
    error = 0;

out:
    if (error && too_large)
        eos_err_set(error, field, "out of range: at most %s in absolute value", spec->max_text);
    else if (error)
        eos_err_set(error, field, "not a decimal with at most %d fraction digits",
                    spec->frac_digits);
    return error;
}

int money_parse(money_t *out, const char *s, const char *field)
{
    return parse_fixed(out, s, field, &money_spec);
}

int qty_parse(qty_t *out, const char *s, const char *field)
{
    return parse_fixed(out, s, field, &qty_spec);
}

/* '.', at most MONEY_FRAC_DIGITS digits, NUL */
#define FRACTION_TEXT_MAX (MONEY_FRAC_DIGITS + 2)

/*
 * Writes ".ddd" for frac (0 <= frac < 10^digits, digits <= MONEY_FRAC_DIGITS)
 * with leading zeros, dropping trailing zeros down to min_digits digits; with
 * no digit left it writes "" (no '.'). Built by hand rather than with "%0*"
 * so the compiler can see the bound.
 */
static void format_fraction(char out[FRACTION_TEXT_MAX], uint64_t frac, int digits, int min_digits)
{
    int len = digits;
    int i;

    out[0] = '.';
    for (i = digits; i > 0; i--) {
        out[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    while (len > min_digits && out[len] == '0')
        len--;
    out[len == 0 ? 0 : len + 1] = '\0';
}

char *money_format(char *buf, size_t size, money_t v)
{
    uint64_t mag = magnitude(v);
    char fraction[FRACTION_TEXT_MAX];

    /* Two digits always; a third and fourth only when they are not zero. */
    format_fraction(fraction, mag % (uint64_t)MONEY_SCALE, MONEY_FRAC_DIGITS, 2);
    snprintf(buf, size, "%s%" PRIu64 "%s", v < 0 ? "-" : "", mag / (uint64_t)MONEY_SCALE, fraction);
    return buf;
}

char *qty_format(char *buf, size_t size, qty_t v)
{
    uint64_t mag = magnitude(v);
    char fraction[FRACTION_TEXT_MAX];

    format_fraction(fraction, mag % (uint64_t)QTY_SCALE, QTY_FRAC_DIGITS, 0);
    snprintf(buf, size, "%s%" PRIu64 "%s", v < 0 ? "-" : "", mag / (uint64_t)QTY_SCALE, fraction);
    return buf;
}

money_t money_round2(money_t v)
{
    /* C division truncates toward zero and the remainder takes the sign of
     * v, so moving q one step away from zero when |r| >= 50 rounds half away
     * from zero. |q * 100| <= |v| rounded, which always fits in int64. */
    money_t q = v / 100;
    money_t r = v % 100;

    if (r >= 50)
        q++;
    else if (r <= -50)
        q--;
    return q * 100;
}

/* n / d rounded half away from zero, for d > 0. */
static wide_t div_round_half_away(wide_t n, int64_t d)
{
    wide_t q = n / d;
    wide_t r = n % d;

    if (r < 0)
        r = -r;
    if (2 * r >= d)
        q += n < 0 ? -1 : 1;
    return q;
}

/*
 * The exact line amount in money units (MONEY_SCALE). qty x price is scaled
 * by QTY_SCALE * MONEY_SCALE = 10^7; whole cents are 10^5 of those. Any two
 * int64 factors fit in __int128 (|product| <= 2^126).
 */
static wide_t line_amount_wide(qty_t qty, money_t unit_price)
{
    wide_t product = (wide_t)qty * unit_price;
    wide_t cents = div_round_half_away(product, QTY_SCALE * MONEY_SCALE / 100);

    return cents * 100;
}

money_t money_line_amount(qty_t qty, money_t unit_price)
{
    wide_t amount = line_amount_wide(qty, unit_price);

    if (amount > LINE_AMOUNT_CLAMP)
        return LINE_AMOUNT_CLAMP;
    if (amount < -LINE_AMOUNT_CLAMP)
        return -LINE_AMOUNT_CLAMP;
    return (money_t)amount;
}

int money_line_amount_checked(money_t *out, qty_t qty, money_t unit_price, const char *field)
{
    int error = 0;
    wide_t amount = line_amount_wide(qty, unit_price);

    if (amount > MONEY_MAX || amount < -MONEY_MAX) {
        error = eos_err_set(EOS_EINVALID, field,
                            "line amount out of range: at most %s in absolute value",
                            money_spec.max_text);
        goto out;
    }
    *out = (money_t)amount;

out:
    return error;
}

bool money_within_percent(money_t price, money_t reference, int32_t percent_x100)
{
    wide_t diff = (wide_t)price - reference;
    wide_t ref = reference;

    if (diff < 0)
        diff = -diff;
    if (ref < 0)
        ref = -ref;
    /* |diff| < 2^64 and |ref| * percent < 2^94: no overflow either side. */
    return diff * 10000 <= ref * percent_x100;
}
