/*
 * jbuf.h - a bounded, growable buffer for building small JSON documents.
 *
 * The store passes variable-length lists (an order's lines, a list of SKUs)
 * to MariaDB as one JSON argument read by JSON_TABLE, so a 500-line order is
 * one prepared statement and one round trip. Errors (out of memory, past the
 * limit) are sticky: check jbuf_failed() once at the end.
 */
#ifndef EOS_BASE_JBUF_H
#define EOS_BASE_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JBUF_LIMIT (8u << 20)

struct jbuf {
    char *data;  /* NUL-terminated; owned, freed by jbuf_free */
    size_t len;
    size_t cap;
    bool failed;
};

void jbuf_init(struct jbuf *b);
void jbuf_free(struct jbuf *b);
/* Appends text as is. */
void jbuf_raw(struct jbuf *b, const char *text);
/* Appends a JSON string (quoted, escaped), or null for NULL. */
void jbuf_str(struct jbuf *b, const char *s);
/* Appends an integer. */
void jbuf_i64(struct jbuf *b, int64_t v);
static inline bool jbuf_failed(const struct jbuf *b)
{
    return b->failed;
}

#endif
