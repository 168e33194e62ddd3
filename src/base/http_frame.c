/*
 * http_frame.c - where an HTTP/1.1 request ends (see http_frame.h).
 *
 * RFC 9112: a request has a body when it carries Content-Length or
 * Transfer-Encoding (chunked wins over a length); without either it ends with
 * its headers, except that a POST or PUT without them is handed over (an
 * HTTP/1.0 body lasting until the client closes).
 */
#include "base/http_frame.h"

#include <string.h>
#include <strings.h>

enum {
    FR_HEAD = 0,   /* headers, up to the empty line */
    FR_BODY,       /* `left` bytes of Content-Length body */
    FR_CHUNK_SIZE, /* a chunk's size line, up to its LF */
    FR_CHUNK_DATA, /* `left` bytes of chunk data */
    FR_CHUNK_END,  /* the CR LF after chunk data */
    FR_TRAILER,    /* after the last chunk: trailer lines up to an empty one */
    FR_DONE,
};

/* A chunk size line may be this long (size and extensions). */
#define CHUNK_LINE_MAX 1024

void http_frame_init(struct http_frame *f)
{
    memset(f, 0, sizeof(*f));
}

static int hex_digit(unsigned char b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

const char *http_header_value(const char *line, const char *line_end, const char *name)
{
    size_t n = strlen(name);
    const char *v;

    if ((size_t)(line_end - line) <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return NULL;
    for (v = line + n + 1; v < line_end && (*v == ' ' || *v == '\t'); v++)
        ;
    return v;
}

bool http_value_has(const char *v, const char *end, const char *word)
{
    size_t n = strlen(word);

    for (; v + n <= end; v++)
        if (strncasecmp(v, word, n) == 0)
            return true;
    return false;
}

bool http_value_is(const char *v, const char *end, const char *word)
{
    size_t n = strlen(word);

    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return (size_t)(end - v) == n && strncasecmp(v, word, n) == 0;
}

/* The headers are complete in buf[0, head_end): decide how the body ends. */
static enum http_frame_status after_headers(struct http_frame *f, char *buf, size_t head_end,
                                            unsigned long long max_body)
{
    bool chunked = false, has_length = false, bodyless;
    unsigned long long length = 0;
    char *line = buf, *end = buf + head_end;

    /* The methods that carry no body unless they say so. */
    bodyless = strncmp(buf, "GET ", 4) == 0 || strncmp(buf, "HEAD ", 5) == 0 ||
               strncmp(buf, "OPTIONS ", 8) == 0 || strncmp(buf, "DELETE ", 7) == 0;
    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *line_end = nl ? nl : end;
        const char *v;

        if (line_end > line && line_end[-1] == '\r')
            line_end--;
        if ((v = http_header_value(line, line_end, "Content-Length")) != NULL) {
            unsigned long long n = 0;
            const char *p = v;

            for (; p < line_end && *p >= '0' && *p <= '9'; p++) {
                if (n > max_body)
                    break;
                n = n * 10 + (unsigned)(*p - '0');
            }
            if (p == v || (has_length && n != length))
                return HTTP_FRAME_HANDOVER; /* no number, or two that differ */
            has_length = true;
            length = n;
        } else if ((v = http_header_value(line, line_end, "Transfer-Encoding")) != NULL) {
            chunked = http_value_has(v, line_end, "chunked");
            if (!chunked)
                return HTTP_FRAME_HANDOVER; /* a coding we do not frame */
        } else if ((v = http_header_value(line, line_end, "Expect")) != NULL &&
                   http_value_has(v, line_end, "100-continue")) {
            f->expect_continue = true;
            memcpy(line, "X-Wait", 6);
        }
        line = nl ? nl + 1 : end;
    }
    if (chunked) {
        f->state = FR_CHUNK_SIZE;
        f->left = 0;
        f->tail = 0;
        return HTTP_FRAME_MORE;
    }
    if (has_length) {
        if (length > max_body)
            return HTTP_FRAME_HANDOVER;
        f->left = length;
        f->state = FR_BODY;
        return HTTP_FRAME_MORE;
    }
    if (!bodyless)
        return HTTP_FRAME_HANDOVER;
    f->state = FR_DONE;
    f->end = head_end;
    return HTTP_FRAME_COMPLETE;
}

enum http_frame_status http_frame_scan(struct http_frame *f, char *buf, size_t len,
                                       unsigned long long max_body)
{
    enum http_frame_status st;

    while (f->pos < len) {
        unsigned char b = (unsigned char)buf[f->pos];

        switch (f->state) {
        case FR_HEAD:
            f->pos++;
            f->tail = f->tail << 8 | b;
            if (f->tail == 0x0d0a0d0au || (f->tail & 0xffffu) == 0x0a0au) {
                st = after_headers(f, buf, f->pos, max_body);
                if (st != HTTP_FRAME_MORE)
                    return st;
                if (f->state == FR_BODY && f->left == 0) {
                    f->state = FR_DONE;
                    f->end = f->pos;
                    return HTTP_FRAME_COMPLETE;
                }
            } else if (f->pos > HTTP_FRAME_HEADER_MAX) {
                return HTTP_FRAME_HANDOVER;
            }
            break;
        case FR_BODY:
        case FR_CHUNK_DATA: {
            size_t n = len - f->pos;

            if (n > f->left)
                n = (size_t)f->left;
            f->pos += n;
            f->left -= n;
            if (f->left > 0)
                break;
            if (f->state == FR_BODY) {
                f->state = FR_DONE;
                f->end = f->pos;
                return HTTP_FRAME_COMPLETE;
            }
            f->state = FR_CHUNK_END;
            f->tail = 0;
            break;
        }
        case FR_CHUNK_SIZE: {
            int d = hex_digit(b);

            f->pos++;
            /* tail counts the line's bytes; bit 31 marks "past the digits". */
            if ((f->tail & 0xffffu) > CHUNK_LINE_MAX)
                return HTTP_FRAME_HANDOVER;
            if (b == '\n') {
                if ((f->tail & 0x40000000u) == 0)
                    return HTTP_FRAME_HANDOVER; /* no size at all */
                if (f->left == 0) {
                    f->state = FR_TRAILER;
                    f->tail = 0x0d0au; /* as if after a line end */
                    break;
                }
                f->body += f->left;
                if (f->body > max_body)
                    return HTTP_FRAME_HANDOVER;
                f->state = FR_CHUNK_DATA;
                break;
            }
            if (d >= 0 && (f->tail & 0x80000000u) == 0) {
                if (f->left > max_body)
                    return HTTP_FRAME_HANDOVER;
                f->left = f->left * 16 + (unsigned)d;
                f->tail |= 0x40000000u;
            } else {
                f->tail |= 0x80000000u; /* extensions, blanks or CR up to the LF */
            }
            f->tail++;
            break;
        }
        case FR_CHUNK_END:
            f->pos++;
            if (b == '\n') {
                f->state = FR_CHUNK_SIZE;
                f->left = 0;
                f->tail = 0;
            } else if (b != '\r' || f->tail++ > 0) {
                return HTTP_FRAME_HANDOVER;
            }
            break;
        case FR_TRAILER:
            f->pos++;
            f->tail = f->tail << 8 | b;
            if (f->tail == 0x0d0a0d0au || (f->tail & 0xffffu) == 0x0a0au) {
                f->state = FR_DONE;
                f->end = f->pos;
                return HTTP_FRAME_COMPLETE;
            }
            if (++f->body > max_body + HTTP_FRAME_HEADER_MAX)
                return HTTP_FRAME_HANDOVER;
            break;
        default:
            return HTTP_FRAME_COMPLETE;
        }
    }
    return f->state == FR_DONE ? HTTP_FRAME_COMPLETE : HTTP_FRAME_MORE;
}
