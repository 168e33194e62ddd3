/*
 * test_reqbuf.c - a connection's request buffer (src/hub/reqbuf.c) on a
 * socket pair: requests framed whole, pipelined ones kept for the next turn,
 * and the times the timeouts count from. No hub, no database.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cunit_run.h"
#include "hub/reqbuf.h"

#define LIMIT (1u << 20)

static const char get1[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
static const char post_head[] = "POST /eos HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n";

static int pair[2] = {-1, -1};

static int suite_init(void)
{
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
}

static int suite_cleanup(void)
{
    close(pair[0]);
    close(pair[1]);
    return 0;
}

static void send_text(const char *text)
{
    size_t len = strlen(text);

    CU_ASSERT_EQUAL_FATAL(write(pair[1], text, len), (ssize_t)len);
}

/* A request is served from the buffer whole; the bytes after it wait for the
 * next turn, and the next request's transfer time counts from the read that
 * brought them, not from the first request's first byte. */
static void test_reqbuf__pipelined_requests_are_framed_and_timed_each(void)
{
    struct reqbuf rb;
    bool want_write = false;
    char out[256];
    size_t n;

    memset(&rb, 0, sizeof(rb));
    http_frame_init(&rb.frame);
    send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    CU_ASSERT_EQUAL(reqbuf_fill(&rb, pair[0], NULL, LIMIT, 100.0, &want_write), REQBUF_MORE);
    CU_ASSERT_TRUE(reqbuf_pending(&rb));
    CU_ASSERT_EQUAL(rb.first_byte, 100.0);
    /* The first request's end and half of the second in one read. */
    send_text("\r\n");
    send_text(post_head);
    send_text("ab");
    CU_ASSERT_EQUAL_FATAL(reqbuf_fill(&rb, pair[0], NULL, LIMIT, 150.0, &want_write),
                          REQBUF_READY);
    n = reqbuf_take(&rb, out, sizeof(out));
    CU_ASSERT_EQUAL_FATAL(n, sizeof(get1) - 1);
    CU_ASSERT_EQUAL(memcmp(out, get1, n), 0);
    CU_ASSERT_EQUAL(reqbuf_take(&rb, out, sizeof(out)), 0);
    reqbuf_next(&rb);
    CU_ASSERT_TRUE(reqbuf_pending(&rb));
    CU_ASSERT_EQUAL(rb.first_byte, 150.0);
    CU_ASSERT_EQUAL(reqbuf_fill(&rb, pair[0], NULL, LIMIT, 160.0, &want_write), REQBUF_MORE);
    CU_ASSERT_EQUAL(rb.first_byte, 150.0);
    send_text("cde");
    CU_ASSERT_EQUAL_FATAL(reqbuf_fill(&rb, pair[0], NULL, LIMIT, 170.0, &want_write),
                          REQBUF_READY);
    n = reqbuf_take(&rb, out, sizeof(out));
    CU_ASSERT_EQUAL_FATAL(n, sizeof(post_head) - 1 + 5);
    CU_ASSERT_EQUAL(memcmp(out + sizeof(post_head) - 1, "abcde", 5), 0);
    reqbuf_next(&rb);
    CU_ASSERT_FALSE(reqbuf_pending(&rb));
    reqbuf_free(&rb);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_reqbuf__pipelined_requests_are_framed_and_timed_each",
         test_reqbuf__pipelined_requests_are_framed_and_timed_each},
    };

    return cunit_run("reqbuf", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
