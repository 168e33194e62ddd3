/*
 * jbuf.c - JSON text building with escaping.
 */
#include "base/jbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jbuf_init(struct jbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void jbuf_free(struct jbuf *b)
{
    free(b->data);
    jbuf_init(b);
}

static bool reserve(struct jbuf *b, size_t more)
{
    size_t need = b->len + more + 1;
    size_t cap = b->cap ? b->cap : 256;
    char *grown;

    if (b->failed)
        return false;
    if (need <= b->cap)
        return true;
    if (need > JBUF_LIMIT) {
        b->failed = true;
        return false;
    }
    while (cap < need)
        cap *= 2;
    grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

static void append(struct jbuf *b, const char *text, size_t len)
{
    if (!reserve(b, len))
        return;
    memcpy(b->data + b->len, text, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void jbuf_raw(struct jbuf *b, const char *text)
{
    append(b, text, strlen(text));
}

void jbuf_str(struct jbuf *b, const char *s)
{
    if (!s) {
        append(b, "null", 4);
        return;
    }
    append(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8];

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            append(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            append(b, esc, 6);
        } else {
            append(b, (const char *)&c, 1);
        }
    }
    append(b, "\"", 1);
}

void jbuf_i64(struct jbuf *b, int64_t v)
{
    char num[24];

    snprintf(num, sizeof(num), "%" PRId64, v);
    append(b, num, strlen(num));
}
