/*
 * test_auth.c - every way in and every way refused, through real gSOAP clients
 * against a real hub: no credentials, wrong password, unknown user, HTTP Basic,
 * UsernameToken text and digest, a replayed nonce, a stale Created, a role
 * calling another role's operation, and plaintext passwords without TLS.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cunit_run.h"
#include "hub_fixture.h"
#include "store/db.h"

static struct test_hub hub;
static struct soap *client;

static int suite_init(void)
{
    if (test_hub_start(&hub, "test_auth", NULL) < 0)
        return 1;
    client = test_client();
    return client ? 0 : 1;
}

static int suite_cleanup(void)
{
    test_client_free(client);
    return test_hub_stop(&hub) == 0 ? 0 : 1;
}

/* Calls a SELLER operation: for a buyer, FORBIDDEN proves authentication
 * passed (authorization comes after it). */
static const char *download_orders(void)
{
    struct _eos__DownloadOrdersRequest req;
    struct _eos__DownloadOrdersResponse resp;

    soap_default__eos__DownloadOrdersRequest(client, &req);
    soap_call___eos__DownloadOrders(client, hub.endpoint, NULL, &req, &resp);
    return test_fault_code(client);
}

static void test_auth__service_info_needs_no_credentials(void)
{
    struct _eos__GetServiceInfoRequest req;
    struct _eos__GetServiceInfoResponse resp;

    test_auth_none(client);
    soap_default__eos__GetServiceInfoRequest(client, &req);
    CU_ASSERT_EQUAL_FATAL(soap_call___eos__GetServiceInfo(client, hub.endpoint, NULL, &req, &resp),
                          SOAP_OK);
    CU_ASSERT_STRING_EQUAL(resp.contractVersion, "1");
    CU_ASSERT_PTR_NOT_NULL(resp.serviceVersion);
    CU_ASSERT_TRUE(llabs((long long)(resp.serverTime - time(NULL))) < 60);
}

static void test_auth__no_credentials_is_auth_required(void)
{
    test_auth_none(client);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_REQUIRED");
    CU_ASSERT_TRUE(test_fault_is_client(client));
}

static void test_auth__wrong_password_fails(void)
{
    test_auth_text(client, "buyer1", "not-the-password");
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    test_auth_basic(client, "buyer1", "not-the-password");
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    test_auth_digest(client, "buyer1", "not-the-password");
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
}

static void test_auth__unknown_user_fails_the_same_way(void)
{
    test_auth_text(client, "nobody-here", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    CU_ASSERT_STRING_EQUAL(client->fault->faultstring, "authentication failed");
    test_auth_digest(client, "nobody-here", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
}

static void test_auth__basic_passes(void)
{
    test_auth_basic(client, "buyer1", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
}

static void test_auth__password_text_passes(void)
{
    test_auth_text(client, "buyer1", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
    /* Twice: the second is answered from the verification cache. */
    test_auth_text(client, "buyer1", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
}

static void test_auth__password_digest_passes(void)
{
    test_auth_digest(client, "buyer1", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
}

static void test_auth__replayed_nonce_is_refused(void)
{
    char nonce[64];
    time_t now = time(NULL);

    snprintf(nonce, sizeof(nonce), "replay-%ld-%d", (long)now, rand());
    test_auth_digest_raw(client, "buyer2", test_demo_password(), nonce, now);
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
    test_auth_digest_raw(client, "buyer2", test_demo_password(), nonce, now);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    /* The digest does not cover the name, and names match whatever their
     * case or trailing blanks: the same token under another spelling of the
     * same user is the same replay. */
    test_auth_digest_raw(client, "BUYER2", test_demo_password(), nonce, now);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    test_auth_digest_raw(client, "buyer2 ", test_demo_password(), nonce, now);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
}

/* download_orders() with buyer2's password until it answers `want`, for at
 * most `seconds`; whether it did. */
static bool buyer2_answers_within(const char *want, double seconds)
{
    for (int i = 0; i < (int)(seconds * 10); i++) {
        test_auth_basic(client, "buyer2", test_demo_password());
        if (strcmp(download_orders(), want) == 0)
            return true;
        usleep(100000);
    }
    return false;
}

/* A verified password is cached, but not past a change of its user: a user
 * disabled (here in the database itself, as eosctl or another hub would) is
 * refused within about a second, and let in again once enabled. */
static void test_auth__a_disabled_user_is_refused_despite_the_cache(void)
{
    struct db_config cfg;
    struct db_conn *db = NULL;

    db_config_from_env(&cfg);
    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    CU_ASSERT_TRUE(buyer2_answers_within("FORBIDDEN", 1)); /* in, and cached */
    CU_ASSERT_EQUAL(db_exec_text(db, "UPDATE app_user SET active = FALSE "
                                     "WHERE username = 'buyer2'"), 0);
    CU_ASSERT_TRUE(buyer2_answers_within("AUTH_FAILED", 5));
    CU_ASSERT_EQUAL(db_exec_text(db, "UPDATE app_user SET active = TRUE "
                                     "WHERE username = 'buyer2'"), 0);
    CU_ASSERT_TRUE(buyer2_answers_within("FORBIDDEN", 5));
    db_close(db);
}

static void test_auth__stale_created_is_refused(void)
{
    char nonce[64];
    time_t now = time(NULL);

    snprintf(nonce, sizeof(nonce), "stale-%ld-%d", (long)now, rand());
    test_auth_digest_raw(client, "buyer2", test_demo_password(), nonce, now - 10 * 60);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
    snprintf(nonce, sizeof(nonce), "future-%ld-%d", (long)now, rand());
    test_auth_digest_raw(client, "buyer2", test_demo_password(), nonce, now + 10 * 60);
    CU_ASSERT_STRING_EQUAL(download_orders(), "AUTH_FAILED");
}

static void test_auth__buyer_calling_seller_operation_is_forbidden(void)
{
    test_auth_text(client, "buyer2", test_demo_password());
    CU_ASSERT_STRING_EQUAL(download_orders(), "FORBIDDEN");
    CU_ASSERT_TRUE(test_fault_is_client(client));
    CU_ASSERT_PTR_NOT_NULL_FATAL(client->fault->detail);
    CU_ASSERT_PTR_NOT_NULL_FATAL(client->fault->detail->eos__error);
    CU_ASSERT_EQUAL(client->fault->detail->eos__error->retryable, xsd__boolean__false_);
}

static void test_auth__security_header_is_not_echoed(void)
{
    struct _eos__GetServiceInfoRequest req;
    struct _eos__GetServiceInfoResponse resp;

    test_auth_text(client, "buyer1", test_demo_password());
    soap_default__eos__GetServiceInfoRequest(client, &req);
    CU_ASSERT_EQUAL_FATAL(soap_call___eos__GetServiceInfo(client, hub.endpoint, NULL, &req, &resp),
                          SOAP_OK);
    CU_ASSERT_TRUE(client->header == NULL || client->header->wsse__Security == NULL);
}

static void test_auth__plaintext_password_needs_tls_unless_allowed(void)
{
    static const char *const env[] = {"EOS_ALLOW_PLAINTEXT_AUTH=0", NULL};
    struct test_hub strict;
    struct _eos__DownloadOrdersRequest req;
    struct _eos__DownloadOrdersResponse resp;

    CU_ASSERT_EQUAL_FATAL(test_hub_start(&strict, "test_auth_strict", env), 0);
    soap_default__eos__DownloadOrdersRequest(client, &req);
    test_auth_text(client, "buyer1", test_demo_password());
    soap_call___eos__DownloadOrders(client, strict.endpoint, NULL, &req, &resp);
    CU_ASSERT_STRING_EQUAL(test_fault_code(client), "AUTH_FAILED");
    test_auth_basic(client, "buyer1", test_demo_password());
    soap_call___eos__DownloadOrders(client, strict.endpoint, NULL, &req, &resp);
    CU_ASSERT_STRING_EQUAL(test_fault_code(client), "AUTH_FAILED");
    test_auth_digest(client, "buyer1", test_demo_password());
    soap_call___eos__DownloadOrders(client, strict.endpoint, NULL, &req, &resp);
    CU_ASSERT_STRING_EQUAL(test_fault_code(client), "FORBIDDEN");
    soap_closesock(client);
    CU_ASSERT_EQUAL(test_hub_stop(&strict), 0);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_auth__service_info_needs_no_credentials",
         test_auth__service_info_needs_no_credentials},
        {"test_auth__no_credentials_is_auth_required", test_auth__no_credentials_is_auth_required},
        {"test_auth__wrong_password_fails", test_auth__wrong_password_fails},
        {"test_auth__unknown_user_fails_the_same_way", test_auth__unknown_user_fails_the_same_way},
        {"test_auth__basic_passes", test_auth__basic_passes},
        {"test_auth__password_text_passes", test_auth__password_text_passes},
        {"test_auth__password_digest_passes", test_auth__password_digest_passes},
        {"test_auth__replayed_nonce_is_refused", test_auth__replayed_nonce_is_refused},
        {"test_auth__a_disabled_user_is_refused_despite_the_cache",
         test_auth__a_disabled_user_is_refused_despite_the_cache},
        {"test_auth__stale_created_is_refused", test_auth__stale_created_is_refused},
        {"test_auth__buyer_calling_seller_operation_is_forbidden",
         test_auth__buyer_calling_seller_operation_is_forbidden},
        {"test_auth__security_header_is_not_echoed", test_auth__security_header_is_not_echoed},
        {"test_auth__plaintext_password_needs_tls_unless_allowed",
         test_auth__plaintext_password_needs_tls_unless_allowed},
    };

    srand((unsigned)time(NULL));
    return cunit_run("auth", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
