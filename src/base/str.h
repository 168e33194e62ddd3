/*
 * str.h - bounded string helpers and checked number and date parsing.
 *
 * These replace strcpy, atoi and friends (banned, see STYLE.md): every copy is
 * bounded by the destination size, every parse reports failure.
 */
#ifndef EOS_BASE_STR_H
#define EOS_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies src into dst (size bytes, always terminated). Returns false when src
 * did not fit (dst then holds the truncated prefix). src NULL copies "". */
bool str_copy(char *dst, size_t size, const char *src);

/* True when s is made only of ASCII letters, digits and the characters in
 * marks: the contract's codes ("._-") and SKUs ("._/-"). "" is. */
bool str_is_code(const char *s, const char *marks);

/* True when s is three capital ASCII letters, the form of ISO 4217 codes. */
bool str_is_currency_code(const char *s);

/* Parses a whole decimal integer (optional sign, no spaces) into *out.
 * Returns false, leaving *out alone, on anything else or on overflow. */
bool str_to_i64(const char *s, int64_t *out);

/* True when s is NULL or "" . */
static inline bool str_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

/* True when the len bytes at s are valid UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and contain no control characters other than tab,
 * CR and LF, nor U+FFFE or U+FFFF: text XML 1.0 can carry. */
bool utf8_valid_text(const char *s, size_t len);

/* The number of characters (code points) of a UTF-8 string. */
size_t utf8_chars(const char *s);

/* True when s is a calendar date "YYYY-MM-DD" (years 1900..9999). */
bool date_valid(const char *s);

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void hex_encode(char *out, const unsigned char *bytes, size_t len);

#endif
