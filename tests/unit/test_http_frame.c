/*
 * test_http_frame.c - unit tests of src/base/http_frame.c: where a request
 * ends, whole or fed a byte at a time, and when the framer hands over.
 */
#include "base/http_frame.h"

#include "base/err.h"

#include <CUnit/Basic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_run.h"

#define MAX_BODY 1000ULL

/* Scans text whole; returns the status, *end set when COMPLETE. */
static enum http_frame_status scan_whole(char *text, size_t len, size_t *end)
{
    struct http_frame f;
    enum http_frame_status st;

    http_frame_init(&f);
    st = http_frame_scan(&f, text, len, MAX_BODY);
    *end = f.end;
    return st;
}

/* Scans text as if it arrived a byte at a time: the status must stay MORE
 * until the last byte that decides, and end must not depend on the pieces. */
static enum http_frame_status scan_bytewise(char *text, size_t len, size_t *end)
{
    struct http_frame f;
    enum http_frame_status st = HTTP_FRAME_MORE;

    http_frame_init(&f);
    for (size_t n = 1; n <= len && st == HTTP_FRAME_MORE; n++)
        st = http_frame_scan(&f, text, n, MAX_BODY);
    *end = f.end;
    return st;
}

/* Both ways of feeding agree on status and end. */
static void expect(const char *request, enum http_frame_status want, size_t want_end)
{
    size_t len = strlen(request), end1 = 0, end2 = 0;
    char *a = strdup(request), *b = strdup(request);
    enum http_frame_status s1, s2;
    char msg[160];

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    s1 = scan_whole(a, len, &end1);
    s2 = scan_bytewise(b, len, &end2);
    snprintf(msg, sizeof(msg), "%.40s...: status %d/%d want %d, end %zu/%zu want %zu", request,
             s1, s2, want, end1, end2, want_end);
    CU_assertImplementation(s1 == want && s2 == want ? CU_TRUE : CU_FALSE, __LINE__, msg,
                            __FILE__, "", CU_FALSE);
    if (want == HTTP_FRAME_COMPLETE)
        CU_assertImplementation(end1 == want_end && end2 == want_end ? CU_TRUE : CU_FALSE,
                                __LINE__, msg, __FILE__, "", CU_FALSE);
    free(a);
    free(b);
}

static void test_frame__get_ends_with_headers(void)
{
    const char *get = "GET /eos?wsdl HTTP/1.1\r\nHost: x\r\n\r\n";

    expect(get, HTTP_FRAME_COMPLETE, strlen(get));
    expect("GET / HTTP/1.1\nHost: x\n\n", HTTP_FRAME_COMPLETE, 24);
}

static void test_frame__content_length_body(void)
{
    const char *head = "POST /eos HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
    char req[128];

    snprintf(req, sizeof(req), "%shello", head);
    expect(req, HTTP_FRAME_COMPLETE, strlen(req));
    /* Pipelined bytes after the body are not this request's. */
    snprintf(req, sizeof(req), "%shelloGET / HTTP/1.1\r\n\r\n", head);
    expect(req, HTTP_FRAME_COMPLETE, strlen(head) + 5);
    snprintf(req, sizeof(req), "POST /eos HTTP/1.1\r\ncontent-length:0\r\n\r\n");
    expect(req, HTTP_FRAME_COMPLETE, strlen(req));
    /* Not all there yet. */
    expect("POST /eos HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello", HTTP_FRAME_MORE, 0);
    expect("POST /eos HTTP/1.1\r\nContent-Length: 10\r\n", HTTP_FRAME_MORE, 0);
}

static void test_frame__chunked_body(void)
{
    const char *req = "POST /eos HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
    const char *both = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n"
                       "\r\n3\r\nabc\r\n0\r\n\r\nNEXT";

    expect(req, HTTP_FRAME_COMPLETE, strlen(req));
    /* Chunked wins over a length; what follows the trailer is the next request's. */
    expect(both, HTTP_FRAME_COMPLETE, strlen(both) - strlen("NEXT"));
    expect("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
           HTTP_FRAME_MORE, 0);
}

static void test_frame__hands_over_what_it_cannot_frame(void)
{
    char *big = malloc(HTTP_FRAME_HEADER_MAX + 100);

    /* A body over the limit, declared or chunked. */
    expect("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", HTTP_FRAME_HANDOVER, 0);
    expect("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
           HTTP_FRAME_HANDOVER, 0);
    expect("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3E9\r\n", HTTP_FRAME_HANDOVER,
           0);
    /* No way to tell the end, or two answers. */
    expect("POST / HTTP/1.1\r\nHost: x\r\n\r\nbody until close", HTTP_FRAME_HANDOVER, 0);
    expect("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
           HTTP_FRAME_HANDOVER, 0);
    expect("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", HTTP_FRAME_HANDOVER, 0);
    /* Broken chunk framing. */
    expect("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", HTTP_FRAME_HANDOVER, 0);
    expect("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX", HTTP_FRAME_HANDOVER,
           0);
    /* Headers that never end. */
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memset(big, 'a', HTTP_FRAME_HEADER_MAX + 99);
    big[HTTP_FRAME_HEADER_MAX + 99] = '\0';
    expect(big, HTTP_FRAME_HANDOVER, 0);
    free(big);
}

static void test_frame__expect_continue_is_taken_over(void)
{
    char req[] = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    struct http_frame f;

    http_frame_init(&f);
    CU_ASSERT_EQUAL(http_frame_scan(&f, req, strlen(req), MAX_BODY), HTTP_FRAME_MORE);
    CU_ASSERT_TRUE(f.expect_continue);
    CU_ASSERT_PTR_NOT_NULL(strstr(req, "\r\nX-Wait: 100-continue\r\n"));
    CU_ASSERT_PTR_NULL(strstr(req, "Expect"));
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_frame__get_ends_with_headers", test_frame__get_ends_with_headers},
        {"test_frame__content_length_body", test_frame__content_length_body},
        {"test_frame__chunked_body", test_frame__chunked_body},
        {"test_frame__hands_over_what_it_cannot_frame",
         test_frame__hands_over_what_it_cannot_frame},
        {"test_frame__expect_continue_is_taken_over", test_frame__expect_continue_is_taken_over},
    };

    return cunit_run("http_frame", NULL, NULL, tests, ARRAY_SIZE(tests));
}
