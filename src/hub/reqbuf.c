/*
 * reqbuf.c - a connection's request, read into memory (see reqbuf.h).
 */
#include "hub/reqbuf.h"

#include <errno.h>
#include <openssl/err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define FIRST_CAP 16384
/* Room for the headers and chunk framing beside the body. */
#define FRAMING_ROOM (2 * HTTP_FRAME_HEADER_MAX)

static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

/* Makes room to read into; false when the buffer may not grow further. */
static bool make_room(struct reqbuf *rb, unsigned long long limit)
{
    size_t max = (size_t)limit + FRAMING_ROOM;
    size_t cap;
    char *p;

    if (rb->len < rb->cap)
        return true;
    if (rb->cap >= max)
        return false;
    cap = rb->cap ? rb->cap * 2 : FIRST_CAP;
    if (cap > max)
        cap = max;
    p = realloc(rb->data, cap);
    if (!p)
        return false;
    rb->data = p;
    rb->cap = cap;
    return true;
}

/* The client waits for "100 Continue" before sending the body: answered once,
 * without waiting (25 bytes fit any socket buffer; if not, the client sends
 * the body after its own timeout anyway). */
static void answer_continue(struct reqbuf *rb, int fd, SSL *ssl)
{
    if (rb->continue_sent || !rb->frame.expect_continue)
        return;
    rb->continue_sent = true;
    if (ssl) {
        ERR_clear_error();
        (void)SSL_write(ssl, continue_line, (int)sizeof(continue_line) - 1);
    }
    else
        (void)send(fd, continue_line, sizeof(continue_line) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Reads once into the free room: bytes read, 0 when nothing is there now,
 * -1 when the connection is closed or broken. */
static long read_some(struct reqbuf *rb, int fd, SSL *ssl, bool *want_write)
{
    size_t room = rb->cap - rb->len;

    if (ssl) {
        int n;

        /* SSL_get_error takes any error in the thread's queue for this
         * read's: a failed handshake or shutdown of another connection
         * would close this one. */
        ERR_clear_error();
        n = SSL_read(ssl, rb->data + rb->len, room > INT32_MAX ? INT32_MAX : (int)room);

        if (n > 0)
            return n;
        switch (SSL_get_error(ssl, n)) {
        case SSL_ERROR_WANT_READ:
            return 0;
        case SSL_ERROR_WANT_WRITE:
            *want_write = true;
            return 0;
        default:
            return -1;
        }
    }
    for (;;) {
        ssize_t n = recv(fd, rb->data + rb->len, room, MSG_DONTWAIT);

        if (n > 0)
            return (long)n;
        if (n == 0)
            return -1;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

static enum reqbuf_fill ready(struct reqbuf *rb, size_t end, bool handover)
{
    rb->ready = true;
    rb->handover = handover;
    rb->end = end;
    rb->off = 0;
    return REQBUF_READY;
}

/* Frames what is held: ready, or more to read. */
static bool frame(struct reqbuf *rb, unsigned long long limit)
{
    switch (http_frame_scan(&rb->frame, rb->data, rb->len, limit)) {
    case HTTP_FRAME_COMPLETE:
        ready(rb, rb->frame.end, false);
        return true;
    case HTTP_FRAME_HANDOVER:
        ready(rb, rb->len, true);
        return true;
    case HTTP_FRAME_MORE:
        break;
    }
    return false;
}

enum reqbuf_fill reqbuf_fill(struct reqbuf *rb, int fd, SSL *ssl, unsigned long long limit,
                             double now, bool *want_write)
{
    *want_write = false;
    if (rb->ready)
        return REQBUF_READY;
    /* Pipelined bytes left by the previous request may hold a whole one. */
    if (rb->len > 0 && frame(rb, limit))
        return REQBUF_READY;
    for (;;) {
        long n;

        if (!make_room(rb, limit))
            return ready(rb, rb->len, true); /* the guard refuses what is too large */
        n = read_some(rb, fd, ssl, want_write);
        if (n < 0)
            return REQBUF_CLOSED;
        if (n == 0)
            return REQBUF_MORE;
        if (rb->len == 0)
            rb->first_byte = now;
        rb->last_byte = now;
        rb->len += (size_t)n;
        if (frame(rb, limit))
            return REQBUF_READY;
        answer_continue(rb, fd, ssl);
    }
}

size_t reqbuf_take(struct reqbuf *rb, char *buf, size_t len)
{
    size_t n;

    if (!rb->ready || rb->off >= rb->end)
        return 0;
    n = rb->end - rb->off;
    if (n > len)
        n = len;
    memcpy(buf, rb->data + rb->off, n);
    rb->off += n;
    return n;
}

void reqbuf_next(struct reqbuf *rb)
{
    /* After a hand-over gSOAP read on from the socket: nothing held is the
     * next request's. */
    size_t keep = rb->ready && !rb->handover && rb->end < rb->len ? rb->len - rb->end : 0;

    if (keep > 0)
        memmove(rb->data, rb->data + rb->end, keep);
    /* The next request's first bytes came with the latest read, not with
     * this request's first: its transfer timeout starts there. */
    rb->first_byte = rb->last_byte;
    rb->len = keep;
    rb->off = rb->end = 0;
    rb->ready = rb->handover = rb->continue_sent = false;
    http_frame_init(&rb->frame);
    /* Idle connections keep no large buffer. */
    if (keep == 0 && rb->cap > FIRST_CAP)
        reqbuf_free(rb);
}

bool reqbuf_pending(const struct reqbuf *rb)
{
    return rb->len > 0 && !rb->ready;
}

void reqbuf_free(struct reqbuf *rb)
{
    free(rb->data);
    memset(rb, 0, sizeof(*rb)); /* the slot's next connection starts afresh */
}
