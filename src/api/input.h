/*
 * input.h - checking and copying request values into service structs.
 *
 * gSOAP has parsed the XML and checked types; these finish the job for what
 * the schema says but gSOAP does not enforce in C: lengths, patterns, UTF-8,
 * decimals with their fraction digits, calendar dates. Each returns 0 or a
 * negative error with the field named (set with eos_err_set), so a handler
 * collects them and answers one fault.
 */
#ifndef EOS_API_INPUT_H
#define EOS_API_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/money.h"

/* Free text: valid UTF-8 without control characters; dst is TEXT_BUF(n)
 * bytes, and n is the limit in characters. NULL copies "" unless required. */
int in_text(char *dst, size_t size, const char *src, const char *field, bool required);

/* A code (party, category, uom, ship-to): 1..size-1 of [A-Za-z0-9._-]. */
int in_code(char *dst, size_t size, const char *src, const char *field, bool required);

/* A SKU: 1..size-1 of [A-Za-z0-9._/-]. */
int in_sku(char *dst, size_t size, const char *src, const char *field);

/* A client document number: 1..size-1 characters, text, not starting with a space. */
int in_docno(char *dst, size_t size, const char *src, const char *field, bool required);

/* An xsd:date YYYY-MM-DD that is a real day; NULL copies "" unless required. */
int in_date(char dst[11], const char *src, const char *field, bool required);

/* xsd:decimal money (at most 4 fraction digits) and quantities (3). */
int in_money(money_t *out, const char *src, const char *field);
int in_qty(qty_t *out, const char *src, const char *field);

/* Formats "name[index]/child" into buf. */
const char *in_field(char *buf, size_t size, const char *name, size_t index, const char *child);

#endif
