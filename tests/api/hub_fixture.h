/*
 * hub_fixture.h - API tests' helpers: a real eos-hub started by the test on a
 * free port, and gSOAP clients with each way of presenting credentials.
 *
 * The hub is the binary beside the tests (EOS_TEST_BUILD/eos-hub), on the test
 * database (EOS_DB_* from scripts/run-tests); its log goes to
 * EOS_TEST_VAR/<name>.log. Stopping it sends SIGTERM and returns its exit
 * status, so a leak or sanitizer report at exit fails the test.
 */
#ifndef EOS_TESTS_HUB_FIXTURE_H
#define EOS_TESTS_HUB_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "soapH.h"

struct test_hub {
    pid_t pid;
    int port;
    char endpoint[128];  /* http://127.0.0.1:PORT/eos */
    char log_path[512];
};

/* Starts a hub; env holds extra "NAME=VALUE" settings, NULL-terminated (may be
 * NULL). Waits until /healthz answers 200. Returns 0 or -1 (message printed). */
int test_hub_start(struct test_hub *hub, const char *name, const char *const *env);

/* SIGTERM, wait; returns the exit status (0 clean), or -1. */
int test_hub_stop(struct test_hub *hub);

/* A client context: UTF-8 strings, keep-alive. Free with test_client_free. */
struct soap *test_client(void);
void test_client_free(struct soap *soap);

/* Credentials for the next call (call again before every call). */
void test_auth_none(struct soap *soap);
void test_auth_basic(struct soap *soap, const char *user, const char *password);
void test_auth_text(struct soap *soap, const char *user, const char *password);
void test_auth_digest(struct soap *soap, const char *user, const char *password);
/* A digest token with a chosen nonce and Created time (for replay and skew tests). */
void test_auth_digest_raw(struct soap *soap, const char *user, const char *password,
                          const char *nonce, time_t created);

/* The contract fault code (<eos:error><code>) of the last call, "" if the call
 * succeeded, or "?" for a fault without our detail. */
const char *test_fault_code(struct soap *soap);

/* True when the last fault's faultcode is Client (or Sender). */
bool test_fault_is_client(struct soap *soap);

/* The last fault's <eos:error> field and message; "" when the call succeeded
 * or the fault has none. */
const char *test_fault_field(struct soap *soap);
const char *test_fault_message(struct soap *soap);

/* Assert, at the caller's file and line, that the last call on soap failed
 * with `code` as a Client fault and (field non-NULL) that <field> is exactly
 * `field`; or that it succeeded (rc SOAP_OK; fatal ends the test). A suite
 * wraps them for its own client:
 *     #define EXPECT_FAULT(code, field) test_expect_fault(client, code, field, __FILE__, __LINE__)
 */
void test_expect_fault(struct soap *soap, const char *code, const char *field, const char *file,
                       unsigned line);
void test_expect_ok(struct soap *soap, int rc, const char *file, unsigned line, bool fatal);

/* The demo password (EOS_DEMO_PASSWORD or demo-pass). */
const char *test_demo_password(void);

/* s, or "(null)" for printing an absent element. */
const char *test_nz(const char *s);

/* A decimal string ("12.5", "-0.0100") in 1/10000 units; INT64_MIN for
 * anything else (which no expected value equals). */
int64_t test_dec(const char *s);

#endif
