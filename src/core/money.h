/*
 * money.h - fixed-point money and quantities, and the arithmetic on them.
 *
 * Money is an int64 count of 1/10000 of the currency unit (four fraction
 * digits, what the contract allows for an xsd:decimal amount); a quantity is
 * an int64 count of 1/1000 of the unit of measure (three fraction digits).
 * No float or double is used anywhere: values are parsed from and printed to
 * xsd:decimal strings exactly, and a line amount is computed in 128-bit
 * integers and rounded half away from zero to whole cents.
 *
 * Parsed values are bounded (|money| <= MONEY_MAX, |qty| <= QTY_MAX). Any
 * product of two int64 values fits in an __int128, so line amounts never
 * overflow internally. Sums are not checked here: MONEY_MAX is about a ninth
 * of INT64_MAX, so code that adds up more than nine amounts must bound them
 * (e.g. compare each partial total against MONEY_MAX).
 */
#ifndef EOS_CORE_MONEY_H
#define EOS_CORE_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t money_t; /* units of 1/MONEY_SCALE of the currency unit */
typedef int64_t qty_t;   /* units of 1/QTY_SCALE of the unit of measure */

#define MONEY_SCALE INT64_C(10000) /* 4 fraction digits */
#define MONEY_FRAC_DIGITS 4
#define QTY_SCALE INT64_C(1000) /* 3 fraction digits */
#define QTY_FRAC_DIGITS 3

/* Largest absolute values accepted by the parsers: 10^14 - 0.0001 and
 * 10^9 - 0.001 (so "100000000000000" is refused as money). */
#define MONEY_MAX INT64_C(999999999999999999) /* 99999999999999.9999 */
#define QTY_MAX INT64_C(999999999999)         /* 999999999.999 */

/* Buffer sizes for money_format() and qty_format(), including the NUL; they
 * hold any int64 value ("-922337203685477.5808" is 21 characters). */
#define MONEY_STR_MAX 32
#define QTY_STR_MAX 32

/*
 * Parses an xsd:decimal: optional XML whitespace (space, tab, CR, LF) around
 * it, an optional sign '+' or '-', digits with an optional '.', at least one
 * digit in all ("1." and ".5" are accepted, "." and "-" are not), no exponent,
 * no thousands separator. Fraction digits beyond the fourth are accepted only
 * when they are zeros ("1.50000" is 1.5; "1.23456" is refused, never rounded).
 * Leading zeros are allowed; "-0" is 0.
 *
 * Returns 0 and writes *out, or EOS_EINVALID with field set as the error's
 * field (s NULL, not such a decimal, or |value| > MONEY_MAX); *out is then
 * left alone.
 */
int money_parse(money_t *out, const char *s, const char *field);

/* The same for a quantity: at most 3 significant fraction digits,
 * |value| <= QTY_MAX. Negative quantities parse; the caller decides whether
 * they are allowed. */
int qty_parse(qty_t *out, const char *s, const char *field);

/*
 * Writes v as a canonical decimal: '-' when negative, the integer part
 * without leading zeros, '.', then 2 fraction digits, or 3 or 4 when the
 * value needs them (1.5 -> "1.50", 0.3333 -> "0.3333", 0.125 -> "0.125",
 * -2 -> "-2.00", 0 -> "0.00"). Any int64 value fits in MONEY_STR_MAX bytes;
 * a smaller buffer gets a truncated, still NUL-terminated string (size must
 * be at least 1). Returns buf. This function can't fail.
 */
char *money_format(char *buf, size_t size, money_t v);

/* Writes the shortest decimal for a quantity: no trailing fraction zeros and
 * no trailing '.' ("3", "1.5", "0.333", "-0.25", "0"). Same buffer rules as
 * money_format(). Returns buf. This function can't fail. */
char *qty_format(char *buf, size_t size, qty_t v);

/* Rounds v half away from zero to 2 fraction digits (whole cents):
 * 0.0050 -> 0.01, -0.0050 -> -0.01, 0.0049 -> 0.00. Works for every int64
 * value without overflow. This function can't fail. */
money_t money_round2(money_t v);

/*
 * The amount of an order or return line: qty x unit_price, rounded half away
 * from zero to 2 fraction digits (the result is still scaled by MONEY_SCALE,
 * its last two digits are 0). The product is computed exactly in __int128:
 * 3 x 19.99 = 59.97; 0.333 x 3.3333 = 1.1099889 -> 1.11; 1 x 0.005 -> 0.01.
 *
 * This function can't fail. For inputs within QTY_MAX and MONEY_MAX the exact
 * result can still exceed MONEY_MAX (10^9 x 10^14); it is then clamped to
 * +/-99999999999999.99 rather than wrapping. Use money_line_amount_checked()
 * where such inputs can arrive.
 */
money_t money_line_amount(qty_t qty, money_t unit_price);

/* As money_line_amount(), but returns EOS_EINVALID (with field set) instead
 * of clamping when |result| > MONEY_MAX; *out is then left alone.
 * Returns 0 and writes *out otherwise. */
int money_line_amount_checked(money_t *out, qty_t qty, money_t unit_price, const char *field);

/*
 * The seller's price authority: true when price lies within percent_x100
 * hundredths of a percent of reference (10% = 1000, 2.5% = 250), inclusive:
 *     |price - reference| * 10000 <= |reference| * percent_x100
 * compared exactly in __int128 (no division, so no rounding of the allowed
 * band). A negative percent_x100 allows nothing, not even price == reference;
 * percent_x100 == 0 allows only price == reference. This function can't fail.
 */
bool money_within_percent(money_t price, money_t reference, int32_t percent_x100);

#endif
