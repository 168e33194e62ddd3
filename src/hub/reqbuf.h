/*
 * reqbuf.h - a connection's request, read into memory before it is served.
 *
 * A worker woken for a connection reads what has arrived without waiting
 * (the socket is non-blocking) and goes back to the epoll set if the request
 * is not complete yet: a client sending slowly holds a buffer, not a thread.
 * Once the request is complete (base/http_frame.h says where it ends), gSOAP
 * reads it from the buffer. Requests the framer cannot bound (no length, over
 * the size limit) are handed over as they are: gSOAP reads what the buffer
 * holds and nothing more, the request guard refuses what it must, and the
 * connection is closed after the answer.
 */
#ifndef EOS_HUB_REQBUF_H
#define EOS_HUB_REQBUF_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/http_frame.h"

struct reqbuf {
    char *data;              /* owned; NULL while empty */
    size_t len;              /* bytes held */
    size_t cap;
    size_t off;              /* bytes of the current request gSOAP has taken */
    size_t end;              /* where the current request ends (once ready) */
    bool ready;              /* complete or handed over: serve it */
    bool handover;           /* its end unknown: served as read, then closed */
    bool continue_sent;      /* "100 Continue" answered for this request */
    struct http_frame frame;
    double first_byte;       /* monotonic seconds: the request's first byte */
    double last_byte;        /* and its latest */
};

enum reqbuf_fill {
    REQBUF_READY,   /* a request is ready to serve */
    REQBUF_MORE,    /* nothing more to read now: wait for the socket */
    REQBUF_CLOSED,  /* the client closed (or the connection broke) */
};

/* Reads what fd (through ssl when not NULL) has, never waiting, until a
 * request is ready. limit bounds the body the buffer holds. Sets *want_write
 * when TLS needs the socket writable before it can read on. */
enum reqbuf_fill reqbuf_fill(struct reqbuf *rb, int fd, SSL *ssl, unsigned long long limit,
                             double now, bool *want_write);

/* Copies up to len bytes of the ready request into buf (gSOAP's frecv);
 * 0 at its end. */
size_t reqbuf_take(struct reqbuf *rb, char *buf, size_t len);

/* The request was served: drops it and keeps what the client sent after it
 * (the next request, pipelined). */
void reqbuf_next(struct reqbuf *rb);

/* Whether part of a request is waiting (for the timeouts). */
bool reqbuf_pending(const struct reqbuf *rb);

/* Frees the buffer and forgets the request: empty, as at first. */
void reqbuf_free(struct reqbuf *rb);

#endif
