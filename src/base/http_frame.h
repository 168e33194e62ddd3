/*
 * http_frame.h - where an HTTP/1.1 request ends, found as its bytes arrive.
 *
 * The hub reads a request into memory before a worker serves it, so that a
 * client sending slowly holds a buffer, not a thread. The framer follows the
 * bytes read so far: the headers up to the empty line, then a body of
 * Content-Length bytes or chunked framing up to the last chunk's trailer.
 * It parses nothing else; gSOAP and the request guard read the request again.
 */
#ifndef EOS_BASE_HTTP_FRAME_H
#define EOS_BASE_HTTP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_frame_status {
    HTTP_FRAME_MORE,     /* the request is not complete: read more */
    HTTP_FRAME_COMPLETE, /* the request ends at frame->end */
    HTTP_FRAME_HANDOVER, /* the end cannot be told here (no length, too large,
                            broken framing): serve what there is as the whole
                            request, refused as it must be, and close */
};

struct http_frame {
    int state;                  /* where the scan is (enum in http_frame.c) */
    size_t pos;                 /* bytes of the buffer scanned so far */
    uint32_t tail;              /* the last bytes seen, for line ends; counters */
    unsigned long long left;    /* body or chunk bytes still to come */
    unsigned long long body;    /* body bytes (chunk data) so far */
    size_t end;                 /* where the request ends, once COMPLETE */
    bool expect_continue;       /* the client waits for "100 Continue" */
};

/* Limits the framer applies: past them it hands over (the request guard then
 * refuses with the right fault). */
#define HTTP_FRAME_HEADER_MAX 16384

void http_frame_init(struct http_frame *f);

/* Scans buf[f->pos, len) further. max_body bounds the body (Content-Length or
 * the chunk data). When the headers carry "Expect: 100-continue", the framer
 * sets expect_continue and renames that header in buf (to "X-Wait", the same
 * length), so the server answers 100 Continue itself and gSOAP, reading the
 * buffer later, does not answer it again. */
enum http_frame_status http_frame_scan(struct http_frame *f, char *buf, size_t len,
                                       unsigned long long max_body);

/* Header lines, for the framer and the request guard alike. line_end is the
 * end of the line (before CR LF). */

/* The value of the header line if it is the named header ("Name:" matched
 * case-insensitively), leading blanks skipped; else NULL. */
const char *http_header_value(const char *line, const char *line_end, const char *name);

/* Whether the value [v, end) contains word, case-insensitively. */
bool http_value_has(const char *v, const char *end, const char *word);

/* Whether the value [v, end) is word and nothing else (trailing blanks
 * aside), case-insensitively: how gSOAP reads Content-Encoding and
 * Transfer-Encoding. */
bool http_value_is(const char *v, const char *end, const char *word);

#endif
