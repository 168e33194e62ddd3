/*
 * test_reqbuf.c - a connection's request buffer (src/hub/reqbuf.c) on a
 * socket pair: requests framed whole, pipelined ones kept for the next turn,
 * the times the timeouts count from, and reads through TLS. No hub, no
 * database.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

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

/* A server context with a throwaway self-signed certificate; NULL on error. */
static SSL_CTX *server_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    bool ok = ctx && key && cert;

    if (ok) {
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                                   (const unsigned char *)"test", -1, -1, 0);
        X509_set_issuer_name(cert, X509_get_subject_name(cert));
        ok = X509_set_pubkey(cert, key) == 1 && X509_sign(cert, key, EVP_sha256()) > 0 &&
             SSL_CTX_use_certificate(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1;
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* A read that finds nothing yet through TLS means "wait", whatever an earlier
 * connection of the same thread left in OpenSSL's error queue (a failed
 * handshake, a shutdown midway): SSL_get_error reports any queued error as
 * the connection's. */
static void test_reqbuf__tls_waits_despite_errors_left_by_other_connections(void)
{
    SSL_CTX *sctx = server_ctx(), *cctx = SSL_CTX_new(TLS_client_method());
    SSL *srv = NULL, *cli = NULL;
    int tp[2] = {-1, -1};
    struct reqbuf rb;
    bool want_write = false, done_s = false, done_c = false;

    memset(&rb, 0, sizeof(rb));
    http_frame_init(&rb.frame);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sctx);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cctx);
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, tp), 0);
    srv = SSL_new(sctx);
    cli = SSL_new(cctx);
    CU_ASSERT_FATAL(srv && cli && SSL_set_fd(srv, tp[0]) == 1 && SSL_set_fd(cli, tp[1]) == 1);
    SSL_set_accept_state(srv);
    SSL_set_connect_state(cli);
    for (int i = 0; i < 100 && !(done_s && done_c); i++) {
        done_c = done_c || SSL_do_handshake(cli) == 1;
        done_s = done_s || SSL_do_handshake(srv) == 1;
    }
    CU_ASSERT_FATAL(done_s && done_c);
    CU_ASSERT_EQUAL_FATAL(SSL_write(cli, post_head, (int)sizeof(post_head) - 1),
                          (int)sizeof(post_head) - 1);
    CU_ASSERT_EQUAL(reqbuf_fill(&rb, tp[0], srv, LIMIT, 10.0, &want_write), REQBUF_MORE);
    ERR_raise(ERR_LIB_SSL, SSL_R_BAD_PACKET_LENGTH); /* as another connection leaves it */
    CU_ASSERT_EQUAL(reqbuf_fill(&rb, tp[0], srv, LIMIT, 11.0, &want_write), REQBUF_MORE);
    CU_ASSERT_EQUAL_FATAL(SSL_write(cli, "abcde", 5), 5);
    CU_ASSERT_EQUAL(reqbuf_fill(&rb, tp[0], srv, LIMIT, 12.0, &want_write), REQBUF_READY);
    ERR_clear_error();
    reqbuf_free(&rb);
    SSL_free(cli);
    SSL_free(srv);
    close(tp[0]);
    close(tp[1]);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_reqbuf__pipelined_requests_are_framed_and_timed_each",
         test_reqbuf__pipelined_requests_are_framed_and_timed_each},
        {"test_reqbuf__tls_waits_despite_errors_left_by_other_connections",
         test_reqbuf__tls_waits_despite_errors_left_by_other_connections},
    };

    return cunit_run("reqbuf", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
