/*
 * test_feed.c - the seller's order feed (DownloadOrders, AcknowledgeOrders)
 * through real gSOAP clients against a real hub: replay until acknowledged,
 * batches and `more`, old cursors, cursors never handed out, a changed order
 * coming back once, an order committed late by a slow transaction, and the
 * concurrency test of DESIGN.md ("Feeds that never skip"): buyer threads
 * submitting (and cancelling every fifth order at once) while an ERP thread
 * downloads and acknowledges in a loop, after which every order was
 * downloaded, every change delivered, nothing twice, and nothing is pending.
 * The first round uses buyer1 and buyer2 (four threads each, so their
 * transactions contend for one account row); the next ones add buyers the
 * suite makes (TFB<pid>-n), since only distinct accounts submit in parallel.
 * The late-commit test is the one that fails deterministically for a feed
 * numbered before commit; the rounds check the same under real load.
 *
 * The feed is ACME's, shared with the other suites; they run before or after
 * this one, never beside it, so each test first acknowledges whatever is
 * pending and from then on the feed holds only what the test does.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cunit_run.h"
#include "hub_fixture.h"
#include "store/db.h"
#include "store/feed.h"
#include "store/stmt.h"
#include "svc/admin.h"
#include "svc/feed.h"

static struct test_hub hub;
static struct db_conn *db;
static struct soap *erp; /* acme-erp */
static struct soap *b1;  /* buyer1 */
static struct soap *b2;  /* buyer2 */
static char prefix[32];  /* "TF-<pid>" */
/* Buyers of ACME made by this suite, each with its own account: one buyer's
 * submissions queue on its account's row lock, so only distinct accounts
 * give truly concurrent order transactions. */
#define EXTRA_BUYERS 6
static char extra_code[EXTRA_BUYERS][32], extra_user[EXTRA_BUYERS][64];
static atomic_int serial;

/* ------------------------------------------------------------ helpers */

static const char *S(const char *s)
{
    return s ? s : "(null)";
}

/* Makes the extra buyers (again, on a database that has them). */
static int make_extra_buyers(void)
{
    struct svc_ctx ctx = {db, NULL};
    struct secret_key key;

    memset(&key, 0, sizeof(key));
    for (int k = 0; k < EXTRA_BUYERS; k++) {
        struct party_spec party = {extra_code[k], "Feed test buyer", "BUYER", NULL, "ACME", -1};
        struct user_spec user = {extra_user[k],        "BUYER", extra_code[k],
                                 test_demo_password(), 0,       1000};

        if (svc_party_add(&ctx, &party, true) < 0 || svc_user_add(&ctx, &user, &key, true) < 0)
            return -1;
    }
    return 0;
}

static const char *user_of(struct soap *c)
{
    return c == erp ? "acme-erp" : c == b1 ? "buyer1" : "buyer2";
}

static void reset_clients(void)
{
    struct soap *all[] = {erp, b1, b2};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        soap_destroy(all[i]);
        soap_end(all[i]);
    }
}

/* SubmitOrder of one line (SKU-0001 x 1) under a new number, as user on c.
 * Retries a retryable fault with the same number (SubmitOrder is idempotent).
 * Returns the order id, or 0 after printing the fault. */
static int64_t submit_as(struct soap *c, const char *user, const char *tag)
{
    struct _eos__SubmitOrderRequest req;
    struct eos__SubmitOrderResult resp;
    char no[64];

    snprintf(no, sizeof(no), "%s-%s-%d", prefix, tag, atomic_fetch_add(&serial, 1) + 1);
    for (int attempt = 0; attempt < 5; attempt++) {
        soap_default__eos__SubmitOrderRequest(c, &req);
        req.buyerOrderNo = no;
        req.__sizeline = 1;
        req.line = soap_new_eos__OrderLineIn(c, 1);
        req.line[0].lineNo = 1;
        req.line[0].sku = "SKU-0001";
        req.line[0].quantity = "1";
        test_auth_basic(c, user, test_demo_password());
        if (soap_call___eos__SubmitOrder(c, hub.endpoint, NULL, &req, &resp) == SOAP_OK &&
            resp.orderId)
            return *resp.orderId;
        if (strcmp(test_fault_code(c), "SERVICE_UNAVAILABLE") != 0)
            break;
        usleep(20 * 1000);
    }
    fprintf(stderr, "test_feed: SubmitOrder %s as %s: %s\n", no, user, test_fault_code(c));
    return 0;
}

static int64_t submit(struct soap *c, const char *tag)
{
    return submit_as(c, user_of(c), tag);
}

/* DownloadOrders as acme-erp on c; cursor NULL leaves it out, max <= 0 too.
 * Returns the fault code ("" on success). */
static const char *download_on(struct soap *c, const char *cursor, int max,
                               struct _eos__DownloadOrdersResponse *resp)
{
    struct _eos__DownloadOrdersRequest req;
    int m = max;

    soap_default__eos__DownloadOrdersRequest(c, &req);
    req.cursor = (char *)cursor;
    req.maxOrders = max > 0 ? &m : NULL;
    test_auth_basic(c, "acme-erp", test_demo_password());
    soap_call___eos__DownloadOrders(c, hub.endpoint, NULL, &req, resp);
    return test_fault_code(c);
}

static const char *download(const char *cursor, int max, struct _eos__DownloadOrdersResponse *resp)
{
    return download_on(erp, cursor, max, resp);
}

/* AcknowledgeOrders; *acked (may be NULL) gets the answer, in c's memory. */
static const char *ack_on(struct soap *c, const char *cursor, const char **acked)
{
    struct _eos__AcknowledgeOrdersRequest req;
    struct _eos__AcknowledgeOrdersResponse resp;

    soap_default__eos__AcknowledgeOrdersRequest(c, &req);
    req.cursor = (char *)cursor;
    test_auth_basic(c, "acme-erp", test_demo_password());
    resp.acknowledgedCursor = NULL;
    soap_call___eos__AcknowledgeOrders(c, hub.endpoint, NULL, &req, &resp);
    if (acked)
        *acked = resp.acknowledgedCursor;
    return test_fault_code(c);
}

static const char *ack(const char *cursor, const char **acked)
{
    return ack_on(erp, cursor, acked);
}

/* Acknowledges everything pending; the saved position goes to cursor. */
static void drain(char *cursor, size_t size)
{
    struct _eos__DownloadOrdersResponse resp;

    cursor[0] = '\0';
    for (int i = 0; i < 10000; i++) {
        CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 500, &resp), "");
        CU_ASSERT_PTR_NOT_NULL_FATAL(resp.nextCursor);
        CU_ASSERT_STRING_EQUAL_FATAL(ack(resp.nextCursor, NULL), "");
        snprintf(cursor, size, "%s", resp.nextCursor);
        if (resp.__sizeorder == 0 && resp.more == xsd__boolean__false_)
            return;
        soap_end(erp);
    }
    CU_FAIL("the feed never drained");
}

static struct eos__Order *get_order(struct soap *c, int64_t id)
{
    struct _eos__GetOrderStatusRequest req;
    struct _eos__GetOrderStatusResponse resp;
    LONG64 oid = id;

    soap_default__eos__GetOrderStatusRequest(c, &req);
    req.orderId = &oid;
    test_auth_basic(c, user_of(c), test_demo_password());
    if (soap_call___eos__GetOrderStatus(c, hub.endpoint, NULL, &req, &resp) != SOAP_OK)
        return NULL;
    return resp.order;
}

static const char *update(int64_t id, enum eos__OrderAction action, int expected)
{
    struct _eos__UpdateOrderStatusRequest req;
    struct _eos__UpdateOrderStatusResponse resp;

    soap_default__eos__UpdateOrderStatusRequest(erp, &req);
    req.orderId = id;
    req.action = action;
    req.expectedVersion = expected;
    test_auth_basic(erp, "acme-erp", test_demo_password());
    soap_call___eos__UpdateOrderStatus(erp, hub.endpoint, NULL, &req, &resp);
    return test_fault_code(erp);
}

static const char *set_credit(const char *buyer, const char *limit)
{
    struct _eos__SetCreditLimitRequest req;
    struct _eos__SetCreditLimitResponse resp;

    soap_default__eos__SetCreditLimitRequest(erp, &req);
    req.buyerCode = (char *)buyer;
    req.creditLimit = (char *)limit;
    test_auth_basic(erp, "acme-erp", test_demo_password());
    soap_call___eos__SetCreditLimit(erp, hub.endpoint, NULL, &req, &resp);
    return test_fault_code(erp);
}

/* The ids of a download, in order, as text for messages: "12 13 14". */
static void ids_text(const struct _eos__DownloadOrdersResponse *r, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < r->__sizeorder && used + 24 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", i ? " " : "",
                                 (long long)r->order[i].orderId);
}

/* Asserts a download holds exactly these orders, in this order; the test
 * stops there if not (what follows reads them). */
#define ASSERT_IDS(resp, ...)                                                                      \
    do {                                                                                           \
        const int64_t want_[] = {__VA_ARGS__};                                                     \
        const int n_ = (int)(sizeof(want_) / sizeof(want_[0]));                                    \
        bool same_ = (resp)->__sizeorder == n_;                                                    \
        for (int i_ = 0; same_ && i_ < n_; i_++)                                                   \
            same_ = (resp)->order[i_].orderId == want_[i_];                                        \
        if (!same_) {                                                                              \
            char got_[512];                                                                        \
            ids_text((resp), got_, sizeof(got_));                                                  \
            fprintf(stderr, "\n    line %d: downloaded [%s], expected %d orders from %lld\n",      \
                    __LINE__, got_, n_, (long long)want_[0]);                                      \
        }                                                                                          \
        CU_ASSERT_TRUE_FATAL(same_);                                                               \
    } while (0)

#define ASSERT_EMPTY(resp) CU_ASSERT_EQUAL((resp)->__sizeorder, 0)

/* ------------------------------------------------------------ suite */

static int suite_init(void)
{
    struct db_config cfg;

    snprintf(prefix, sizeof(prefix), "TF-%d", (int)getpid());
    db_config_from_env(&cfg);
    if (db_open(&db, &cfg) < 0) {
        fprintf(stderr, "test_feed: cannot open the test database\n");
        return 1;
    }
    for (int k = 0; k < EXTRA_BUYERS; k++) {
        snprintf(extra_code[k], sizeof(extra_code[k]), "TFB%d-%d", (int)getpid(), k + 1);
        snprintf(extra_user[k], sizeof(extra_user[k]), "tf-buyer-%d-%d", (int)getpid(), k + 1);
    }
    if (make_extra_buyers() < 0) {
        fprintf(stderr, "test_feed: cannot make the extra buyers\n");
        return 1;
    }
    if (test_hub_start(&hub, "test_feed", NULL) < 0)
        return 1;
    erp = test_client();
    b1 = test_client();
    b2 = test_client();
    return erp && b1 && b2 ? 0 : 1;
}

static int suite_cleanup(void)
{
    int status;

    /* BUY002's demo limit, whatever happened to the concurrency test. */
    if (erp && strcmp(set_credit("BUY002", "5000.00"), "") != 0)
        fprintf(stderr, "test_feed: could not restore BUY002's credit limit\n");
    test_client_free(erp);
    test_client_free(b1);
    test_client_free(b2);
    status = test_hub_stop(&hub);
    db_close(db);
    return status == 0 ? 0 : 1;
}

/* ------------------------------------------------------------ requests refused */

static void test_feed__bad_cursors_and_sizes_are_refused(void)
{
    struct _eos__DownloadOrdersResponse resp;
    char saved[64], beyond[64];
    const char *acked = NULL;
    long long n = 0;

    reset_clients();
    drain(saved, sizeof(saved));
    CU_ASSERT_FATAL(sscanf(saved, "v1.%lld", &n) == 1);
    /* A position no download has reached yet was never handed out. */
    snprintf(beyond, sizeof(beyond), "v1.%lld", n + 1000000);

    CU_ASSERT_STRING_EQUAL(download(NULL, 0, &resp), ""); /* default size */
    {
        struct _eos__DownloadOrdersRequest req;
        int sizes[] = {0, -1, 501};

        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            soap_default__eos__DownloadOrdersRequest(erp, &req);
            req.maxOrders = &sizes[i];
            test_auth_basic(erp, "acme-erp", test_demo_password());
            soap_call___eos__DownloadOrders(erp, hub.endpoint, NULL, &req, &resp);
            CU_ASSERT_STRING_EQUAL(test_fault_code(erp), "VALIDATION_FAILED");
            if (strcmp(test_fault_field(erp), "maxOrders") != 0)
                fprintf(stderr, "\n    maxOrders %d: field \"%s\"\n", sizes[i], test_fault_field(erp));
            CU_ASSERT_STRING_EQUAL(test_fault_field(erp), "maxOrders");
            CU_ASSERT_TRUE(test_fault_is_client(erp));
        }
    }
    CU_ASSERT_STRING_EQUAL(download(NULL, 500, &resp), "");
    {
        const char *bad[] = {"garbage", "v1.", "v1.x", "v1.-1", "v2.1", "1", beyond};

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            CU_ASSERT_STRING_EQUAL(download(bad[i], 10, &resp), "VALIDATION_FAILED");
            CU_ASSERT_STRING_EQUAL(test_fault_field(erp), "cursor");
            CU_ASSERT_STRING_EQUAL(ack(bad[i], NULL), "VALIDATION_FAILED");
            CU_ASSERT_STRING_EQUAL(test_fault_field(erp), "cursor");
        }
        CU_ASSERT_STRING_EQUAL(ack("", NULL), "VALIDATION_FAILED");
    }
    /* None of that moved the saved position. */
    CU_ASSERT_STRING_EQUAL(ack(saved, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), saved);
}

/* ------------------------------------------------------------ replay and acknowledgement */

static void test_feed__a_batch_is_replayed_until_acknowledged(void)
{
    struct _eos__DownloadOrdersResponse r1, r2, r3;
    char saved[64], next[64];
    const char *acked = NULL;
    int64_t a, b, c;

    reset_clients();
    drain(saved, sizeof(saved));
    a = submit(b1, "replay");
    b = submit(b2, "replay");
    c = submit(b1, "replay");
    CU_ASSERT_FATAL(a && b && c);

    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r1), "");
    ASSERT_IDS(&r1, a, b, c);
    CU_ASSERT_EQUAL(r1.more, xsd__boolean__false_);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r1.nextCursor);
    CU_ASSERT_STRING_NOT_EQUAL(r1.nextCursor, saved);
    snprintf(next, sizeof(next), "%s", r1.nextCursor);

    /* Full orders, as GetOrderStatus shows them. */
    for (int i = 0; i < r1.__sizeorder; i++) {
        struct eos__Order *d = &r1.order[i];
        struct eos__Order *o = get_order(erp, d->orderId);

        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        CU_ASSERT_STRING_EQUAL(S(d->buyerOrderNo), S(o->buyerOrderNo));
        CU_ASSERT_STRING_EQUAL(S(d->sellerCode), "ACME");
        CU_ASSERT_STRING_EQUAL(S(d->buyerCode), i == 1 ? "BUY002" : "BUY001");
        CU_ASSERT_EQUAL(d->status, eos__OrderStatus__SUBMITTED);
        CU_ASSERT_EQUAL(d->version, 1);
        CU_ASSERT_STRING_EQUAL(S(d->currency), "CNY");
        /* SKU-0001: BUY001 pays its own 11.25, BUY002 the list 12.50. */
        CU_ASSERT_STRING_EQUAL(S(d->totalAmount), i == 1 ? "12.50" : "11.25");
        CU_ASSERT_STRING_EQUAL(S(d->totalAmount), S(o->totalAmount));
        CU_ASSERT_EQUAL(d->createdAt, o->createdAt);
        CU_ASSERT_EQUAL_FATAL(d->__sizeline, 1);
        CU_ASSERT_STRING_EQUAL(S(d->line[0].sku), "SKU-0001");
        CU_ASSERT_STRING_EQUAL(S(d->line[0].quantity), "1");
        CU_ASSERT_STRING_EQUAL(S(d->line[0].name), S(o->line[0].name));
        CU_ASSERT_STRING_EQUAL(S(d->line[0].unitPrice), S(o->line[0].unitPrice));
        CU_ASSERT_EQUAL_FATAL(d->__sizehistory, 1);
        CU_ASSERT_STRING_EQUAL(S(d->history[0].toStatus), "SUBMITTED");
        CU_ASSERT_STRING_EQUAL(S(d->history[0].actor), i == 1 ? "buyer2" : "buyer1");
    }

    /* The ERP "crashes" before acknowledging: the same batch comes again. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r2), "");
    ASSERT_IDS(&r2, a, b, c);
    CU_ASSERT_STRING_EQUAL(S(r2.nextCursor), next);
    CU_ASSERT_EQUAL(r2.more, xsd__boolean__false_);

    /* Acknowledged, it is gone. */
    CU_ASSERT_STRING_EQUAL(ack(next, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), next);
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r3), "");
    ASSERT_EMPTY(&r3);
    CU_ASSERT_EQUAL(r3.more, xsd__boolean__false_);
    CU_ASSERT_STRING_EQUAL(S(r3.nextCursor), next);
    /* Acknowledging the same cursor again changes nothing. */
    CU_ASSERT_STRING_EQUAL(ack(next, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), next);
}

static void test_feed__batches_cursors_and_older_acknowledgements(void)
{
    struct _eos__DownloadOrdersResponse r;
    char saved[64], c1[64], c2[64], c3[64];
    const char *acked = NULL;
    int64_t id[5];

    reset_clients();
    drain(saved, sizeof(saved));
    for (int i = 0; i < 5; i++) {
        id[i] = submit(i % 2 ? b2 : b1, "batch");
        CU_ASSERT_FATAL(id[i] > 0);
    }

    /* Two at a time, oldest first, following nextCursor. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 2, &r), "");
    ASSERT_IDS(&r, id[0], id[1]);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__true_);
    snprintf(c1, sizeof(c1), "%s", S(r.nextCursor));
    CU_ASSERT_STRING_EQUAL_FATAL(download(c1, 2, &r), "");
    ASSERT_IDS(&r, id[2], id[3]);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__true_);
    snprintf(c2, sizeof(c2), "%s", S(r.nextCursor));
    CU_ASSERT_STRING_EQUAL_FATAL(download(c2, 2, &r), "");
    ASSERT_IDS(&r, id[4]);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__false_);
    snprintf(c3, sizeof(c3), "%s", S(r.nextCursor));
    /* Past the end: nothing, and the cursor stays. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(c3, 2, &r), "");
    ASSERT_EMPTY(&r);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__false_);
    CU_ASSERT_STRING_EQUAL(S(r.nextCursor), c3);

    /* Nothing acknowledged yet: without a cursor, all five again. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, id[0], id[1], id[2], id[3], id[4]);

    /* Acknowledge the middle: the rest remains. */
    CU_ASSERT_STRING_EQUAL(ack(c2, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), c2);
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, id[4]);

    /* An older cursor changes nothing: the answer is the saved position. */
    CU_ASSERT_STRING_EQUAL(ack(c1, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), c2);
    CU_ASSERT_STRING_EQUAL(ack(saved, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), c2);
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, id[4]);

    /* An ERP may still replay from an old cursor of its own. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(c1, 100, &r), "");
    ASSERT_IDS(&r, id[2], id[3], id[4]);

    CU_ASSERT_STRING_EQUAL(ack(c3, &acked), "");
    CU_ASSERT_STRING_EQUAL(S(acked), c3);
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_EMPTY(&r);
}

/* ------------------------------------------------------------ changes */

static void test_feed__a_changed_order_comes_back_once(void)
{
    struct _eos__DownloadOrdersResponse r;
    char saved[64];
    int64_t a, b;

    reset_clients();
    drain(saved, sizeof(saved));
    a = submit(b1, "chg");
    b = submit(b1, "chg");
    CU_ASSERT_FATAL(a && b);
    drain(saved, sizeof(saved));

    /* The buyer cancels a: a alone comes back, as it is now. */
    {
        struct _eos__CancelOrderRequest req;
        struct _eos__CancelOrderResponse resp;

        soap_default__eos__CancelOrderRequest(b1, &req);
        req.orderId = a;
        req.reason = "changed my mind";
        test_auth_basic(b1, "buyer1", test_demo_password());
        CU_ASSERT_EQUAL_FATAL(soap_call___eos__CancelOrder(b1, hub.endpoint, NULL, &req, &resp),
                              SOAP_OK);
    }
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, a);
    CU_ASSERT_EQUAL(r.order[0].status, eos__OrderStatus__CANCELLED);
    CU_ASSERT_EQUAL(r.order[0].version, 2);

    /* The seller accepts b before the ERP acknowledged: b joins at the end. */
    CU_ASSERT_STRING_EQUAL(update(b, eos__OrderAction__ACCEPT, 1), "");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, a, b);
    CU_ASSERT_EQUAL(r.order[1].status, eos__OrderStatus__ACCEPTED);
    CU_ASSERT_STRING_EQUAL(ack(r.nextCursor, NULL), "");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_EMPTY(&r);

    /* Several changes before a download: each order once, as it is at the end. */
    CU_ASSERT_STRING_EQUAL(update(a, eos__OrderAction__CLOSE, 2), "");
    CU_ASSERT_STRING_EQUAL(update(b, eos__OrderAction__CANCEL, 2), "");
    CU_ASSERT_STRING_EQUAL(update(b, eos__OrderAction__CLOSE, 3), "");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_IDS(&r, a, b);
    CU_ASSERT_EQUAL(r.order[0].status, eos__OrderStatus__CLOSED);
    CU_ASSERT_EQUAL(r.order[1].status, eos__OrderStatus__CLOSED);
    CU_ASSERT_EQUAL(r.order[1].version, 4);
    CU_ASSERT_STRING_EQUAL(ack(r.nextCursor, NULL), "");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_EMPTY(&r);

    /* A faulted change is no change: nothing comes back. */
    CU_ASSERT_STRING_EQUAL(update(a, eos__OrderAction__ACCEPT, 3), "INVALID_TRANSITION");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_EMPTY(&r);
}

/* ------------------------------------------------------------ a slow transaction */

DB_SQL(q_acme, "SELECT party_id FROM party WHERE code = 'ACME'");

struct late_download {
    struct soap *client;
    char fault[32];
    int64_t ids[64];
    int count;
    char next[64];
    double seconds;
};

static void *late_download_main(void *arg)
{
    struct late_download *d = arg;
    struct _eos__DownloadOrdersResponse r;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    snprintf(d->fault, sizeof(d->fault), "%s", download_on(d->client, NULL, 50, &r));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    d->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (d->fault[0])
        return NULL;
    for (int i = 0; i < r.__sizeorder && d->count < 64; i++)
        d->ids[d->count++] = r.order[i].orderId;
    snprintf(d->next, sizeof(d->next), "%s", S(r.nextCursor));
    /* Acknowledge what it got, as an ERP does. */
    snprintf(d->fault, sizeof(d->fault), "%s", ack_on(d->client, d->next, NULL));
    return NULL;
}

/*
 * DESIGN.md's case: a transaction that entered the feed first commits after
 * a later one, while the ERP downloads and acknowledges in between. Here the
 * slow transaction is the test's own. It writes a new feed entry for order x
 * (deleting x's old one and recording x afresh, as a new order's transaction
 * does; the new row takes the next auto-increment id) and holds it
 * uncommitted; meanwhile y is submitted and committed (a higher id), and the
 * ERP downloads and acknowledges; then x commits. x must still come. A feed
 * whose cursor is the row id, or a number given before commit, loses x here.
 */
DB_SQL(q_forget, "DELETE FROM feed_entry WHERE seller_party_id = ? AND feed = 'ORDER' "
                 "AND object_id = ?");

static void test_feed__a_late_commit_is_not_skipped(void)
{
    struct _eos__DownloadOrdersResponse r;
    struct late_download d;
    struct db_args a;
    struct db_cols c;
    pthread_t thread;
    char saved[64];
    int64_t acme = 0, x, w, y = 0;
    bool got_x = false, got_y = false;

    reset_clients();
    db_cols_init(&c);
    col_i64(&c, &acme);
    CU_ASSERT_EQUAL_FATAL(db_query_one(db, &q_acme, NULL, &c), 1);
    x = submit(b1, "late");
    /* A later order w, so that x is not the newest row of the feed: the
     * transaction's gap locks after x then end at w and leave y's insert be. */
    w = submit(b1, "late");
    CU_ASSERT_FATAL(x > 0 && w > 0);
    drain(saved, sizeof(saved));

    /* From here until the commit, a failure must end the transaction too:
     * an open one would hold the feed for the tests that follow. */
    CU_ASSERT_EQUAL_FATAL(db_begin(db), 0);
    memset(&d, 0, sizeof(d));
    db_args_init(&a);
    arg_i64(&a, acme);
    arg_i64(&a, x);
    if (db_exec(db, &q_forget, &a, NULL) != 0 || store_feed_touch(db, acme, FEED_ORDER, x) != 0 ||
        (y = submit(b2, "late")) <= 0 || !(d.client = test_client()) ||
        pthread_create(&thread, NULL, late_download_main, &d) != 0) {
        db_rollback(db);
        test_client_free(d.client);
        CU_FAIL_FATAL("cannot set up the late transaction");
    }
    usleep(700 * 1000);
    CU_ASSERT_EQUAL(db_commit(db), 0);
    pthread_join(thread, NULL);
    fprintf(stderr, "\n    the download beside the open transaction took %.3f s and got %d\n",
            d.seconds, d.count);
    CU_ASSERT_STRING_EQUAL(d.fault, "");
    for (int i = 0; i < d.count; i++) {
        got_x |= d.ids[i] == x;
        got_y |= d.ids[i] == y;
    }
    CU_ASSERT_TRUE(got_y);

    /* Whatever the first download got, x comes now if it did not come then. */
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    for (int i = 0; i < r.__sizeorder; i++) {
        got_x |= r.order[i].orderId == x;
        got_y |= r.order[i].orderId == y;
    }
    CU_ASSERT_TRUE(got_x);
    CU_ASSERT_TRUE(got_y);
    CU_ASSERT_STRING_EQUAL(ack(r.nextCursor, NULL), "");
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 100, &r), "");
    ASSERT_EMPTY(&r);
    test_client_free(d.client);
    CU_ASSERT_STRING_EQUAL(update(x, eos__OrderAction__CANCEL, 1), "");
    CU_ASSERT_STRING_EQUAL(update(y, eos__OrderAction__CANCEL, 1), "");
    CU_ASSERT_STRING_EQUAL(update(w, eos__OrderAction__CANCEL, 1), "");
    drain(saved, sizeof(saved));
}

/* ------------------------------------------------------------ concurrency */

#define BUYER_THREADS 8
#define ORDERS_PER_BUYER 50
/* Every CANCEL_EVERY-th order is cancelled by its buyer at once: a change
 * racing the downloads, which must come too. */
#define CANCEL_EVERY 5
/* Round 1: buyer1 and buyer2 in turn; then rounds on 8 accounts at once. */
#define ROUNDS 3

struct buyer_job {
    struct soap *client;
    const char *user;
    int64_t ids[ORDERS_PER_BUYER];
    bool cancelled[ORDERS_PER_BUYER];
    int count;
    int failures;
};

static void *buyer_main(void *arg)
{
    struct buyer_job *job = arg;

    for (int i = 0; i < ORDERS_PER_BUYER; i++) {
        int64_t id = submit_as(job->client, job->user, "conc");

        soap_end(job->client);
        if (id <= 0) {
            job->failures++;
            continue;
        }
        job->ids[job->count] = id;
        if (i % CANCEL_EVERY == CANCEL_EVERY - 1) {
            struct _eos__CancelOrderRequest req;
            struct _eos__CancelOrderResponse resp;

            soap_default__eos__CancelOrderRequest(job->client, &req);
            req.orderId = id;
            test_auth_basic(job->client, job->user, test_demo_password());
            if (soap_call___eos__CancelOrder(job->client, hub.endpoint, NULL, &req, &resp) ==
                SOAP_OK)
                job->cancelled[job->count] = true;
            else
                job->failures++;
            soap_end(job->client);
        }
        job->count++;
    }
    return NULL;
}

/* An order as one download showed it. */
struct sighting {
    int64_t id;
    int version;
    bool ours; /* its buyerOrderNo carries this run's prefix */
};

struct erp_job {
    struct soap *client;
    atomic_bool buyers_done;
    struct sighting *seen; /* every order downloaded, in order */
    size_t count, cap;
    int downloads, empty_downloads, faults;
    char last_fault[32];
};

static void erp_record(struct erp_job *job, int64_t id, int version, bool ours)
{
    if (job->count == job->cap) {
        size_t cap = job->cap ? job->cap * 2 : 1024;
        struct sighting *seen = realloc(job->seen, cap * sizeof(*seen));

        if (!seen)
            return;
        job->seen = seen;
        job->cap = cap;
    }
    job->seen[job->count++] = (struct sighting){id, version, ours};
}

static void *erp_main(void *arg)
{
    struct erp_job *job = arg;
    char cursor[64] = "";

    for (int i = 0;; i++) {
        struct _eos__DownloadOrdersResponse r;
        /* Read the flag before downloading: an empty batch after it means
         * every buyer's order had committed before this download began. */
        bool done = atomic_load(&job->buyers_done);
        int max = 10 + i % 16;
        /* Mostly follow nextCursor; now and then resume from the saved position. */
        const char *from = (i % 3 == 2 || !cursor[0]) ? NULL : cursor;
        const char *fault = download_on(job->client, from, max, &r);

        job->downloads++;
        if (fault[0]) {
            job->faults++;
            snprintf(job->last_fault, sizeof(job->last_fault), "%s", fault);
            soap_end(job->client);
            if (job->faults > 50)
                break;
            continue;
        }
        for (int k = 0; k < r.__sizeorder; k++)
            erp_record(job, r.order[k].orderId, r.order[k].version,
                       strncmp(S(r.order[k].buyerOrderNo), prefix, strlen(prefix)) == 0);
        snprintf(cursor, sizeof(cursor), "%s", S(r.nextCursor));
        fault = ack_on(job->client, cursor, NULL);
        if (fault[0]) {
            job->faults++;
            snprintf(job->last_fault, sizeof(job->last_fault), "%s", fault);
        }
        if (r.__sizeorder == 0)
            job->empty_downloads++;
        soap_end(job->client);
        if (done && r.__sizeorder == 0 && r.more == xsd__boolean__false_ && !fault[0])
            break;
    }
    return NULL;
}

static int cmp_sighting(const void *a, const void *b)
{
    const struct sighting *x = a, *y = b;

    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->version > y->version) - (x->version < y->version);
}

/* What one order should have shown: submitted (and maybe cancelled). */
struct expected {
    int64_t id;
    bool cancelled;
};

static int cmp_expected(const void *a, const void *b)
{
    const struct expected *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

static void concurrency_round(int round)
{
    struct buyer_job buyers[BUYER_THREADS];
    struct erp_job erp_job;
    pthread_t buyer_threads[BUYER_THREADS], erp_thread;
    struct _eos__DownloadOrdersResponse r;
    struct expected *want = NULL;
    size_t n_want = 0, n_cancelled = 0, missing = 0, lost_change = 0, twice = 0, extra = 0;
    size_t cancel_twice = 0, foreign = 0;
    size_t k = 0;
    int failures = 0;
    char saved[64];

    reset_clients();
    drain(saved, sizeof(saved));
    memset(buyers, 0, sizeof(buyers));
    memset(&erp_job, 0, sizeof(erp_job));
    atomic_init(&erp_job.buyers_done, false);
    erp_job.client = test_client();
    CU_ASSERT_PTR_NOT_NULL_FATAL(erp_job.client);
    for (int t = 0; t < BUYER_THREADS; t++) {
        buyers[t].client = test_client();
        if (round == 1 || t < 2)
            buyers[t].user = t % 2 ? "buyer2" : "buyer1";
        else
            buyers[t].user = extra_user[(t - 2) % EXTRA_BUYERS];
        CU_ASSERT_PTR_NOT_NULL_FATAL(buyers[t].client);
    }
    CU_ASSERT_EQUAL_FATAL(pthread_create(&erp_thread, NULL, erp_main, &erp_job), 0);
    for (int t = 0; t < BUYER_THREADS; t++)
        CU_ASSERT_EQUAL_FATAL(pthread_create(&buyer_threads[t], NULL, buyer_main, &buyers[t]), 0);
    for (int t = 0; t < BUYER_THREADS; t++)
        pthread_join(buyer_threads[t], NULL);
    atomic_store(&erp_job.buyers_done, true);
    pthread_join(erp_thread, NULL);

    /* What the buyers were told was stored. */
    want = calloc(BUYER_THREADS * ORDERS_PER_BUYER, sizeof(*want));
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    for (int t = 0; t < BUYER_THREADS; t++) {
        failures += buyers[t].failures;
        for (int i = 0; i < buyers[t].count; i++) {
            want[n_want++] = (struct expected){buyers[t].ids[i], buyers[t].cancelled[i]};
            n_cancelled += buyers[t].cancelled[i];
        }
    }
    qsort(want, n_want, sizeof(*want), cmp_expected);
    if (erp_job.count)
        qsort(erp_job.seen, erp_job.count, sizeof(*erp_job.seen), cmp_sighting);

    /* Walk both sorted lists: each order's sightings against what it did. An
     * order left alone comes once (version 1); a cancelled one comes at least
     * once as cancelled (version 2), and at most twice. */
    for (size_t i = 0; i < n_want; i++) {
        size_t first, times;
        bool saw_v1 = false, saw_v2 = false;

        while (k < erp_job.count && erp_job.seen[k].id < want[i].id)
            erp_job.seen[k++].ours ? extra++ : foreign++;
        first = k;
        while (k < erp_job.count && erp_job.seen[k].id == want[i].id) {
            saw_v1 |= erp_job.seen[k].version == 1;
            saw_v2 |= erp_job.seen[k].version == 2;
            k++;
        }
        times = k - first;
        if (times == 0)
            missing++;
        else if (want[i].cancelled && !saw_v2)
            lost_change++;
        else if (times > (want[i].cancelled ? 2u : 1u)) {
            twice++;
            fprintf(stderr, "\n    order %lld (%s) came %zu times:", (long long)want[i].id,
                    want[i].cancelled ? "cancelled" : "left alone", times);
            for (size_t m = first; m < k; m++)
                fprintf(stderr, " v%d", erp_job.seen[m].version);
        } else if (times == 2 && !saw_v1) {
            /* Cancelled while the download that carried its submission read
             * it: the cancellation came twice. Nothing is lost, so it is
             * tolerated, but counted (DownloadOrders reads the orders after
             * numbering, statement by statement, in READ COMMITTED). */
            cancel_twice++;
        }
    }
    for (; k < erp_job.count; k++)
        erp_job.seen[k].ours ? extra++ : foreign++;
    /* Orders of other runs (another `make test` on this database) are not
     * this test's business; they are only counted. */
    fprintf(stderr,
            "\n    round %d: %zu orders submitted by %d buyers (%zu cancelled at once, %d failed), "
            "%zu downloaded in %d downloads (%d empty, %d faults%s%s): %zu missing, %zu changes "
            "lost, %zu repeated, %zu unexpected, %zu cancellations twice, %zu foreign\n",
            round, n_want, BUYER_THREADS, n_cancelled, failures, erp_job.count, erp_job.downloads,
            erp_job.empty_downloads, erp_job.faults, erp_job.faults ? ", last " : "",
            erp_job.last_fault, missing, lost_change, twice, extra, cancel_twice, foreign);
    CU_ASSERT_EQUAL(failures, 0);
    CU_ASSERT_EQUAL(n_want, (size_t)(BUYER_THREADS * ORDERS_PER_BUYER));
    CU_ASSERT_EQUAL(erp_job.faults, 0);
    /* Every order downloaded, none skipped, every change delivered, nothing twice. */
    CU_ASSERT_EQUAL(missing, 0);
    CU_ASSERT_EQUAL(lost_change, 0);
    CU_ASSERT_EQUAL(twice, 0);
    CU_ASSERT_EQUAL(extra, 0);

    /* After the last acknowledgement nothing is pending. */
    CU_ASSERT_STRING_EQUAL(download(NULL, 500, &r), "");
    ASSERT_EMPTY(&r);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__false_);

    /* Release the buyers' credit: cancel the rest, then acknowledge that. */
    for (size_t i = 0; i < n_want; i++) {
        if (!want[i].cancelled)
            CU_ASSERT_STRING_EQUAL(update(want[i].id, eos__OrderAction__CANCEL, 1), "");
        soap_end(erp);
    }
    drain(saved, sizeof(saved));

    free(want);
    free(erp_job.seen);
    test_client_free(erp_job.client);
    for (int t = 0; t < BUYER_THREADS; t++)
        test_client_free(buyers[t].client);
}

static void test_feed__concurrent_submissions_are_never_skipped(void)
{
    reset_clients();
    /* BUY002's 5000.00 must not stop the test: no limit while it runs. */
    CU_ASSERT_STRING_EQUAL_FATAL(set_credit("BUY002", NULL), "");
    /* The extra buyers may order SKU-0001 (at the list price, 12.50). */
    {
        struct _eos__PublishProductsRequest req;
        struct _eos__PublishProductsResponse resp;
        char *sku = "SKU-0001";
        char *codes[EXTRA_BUYERS];

        for (int k = 0; k < EXTRA_BUYERS; k++)
            codes[k] = extra_code[k];
        soap_default__eos__PublishProductsRequest(erp, &req);
        req.__sizesku = 1;
        req.sku = &sku;
        req.__sizebuyerCode = EXTRA_BUYERS;
        req.buyerCode = codes;
        req.publish = xsd__boolean__true_;
        test_auth_basic(erp, "acme-erp", test_demo_password());
        CU_ASSERT_EQUAL_FATAL(
            soap_call___eos__PublishProducts(erp, hub.endpoint, NULL, &req, &resp), SOAP_OK);
    }
    for (int round = 1; round <= ROUNDS; round++)
        concurrency_round(round);
    CU_ASSERT_STRING_EQUAL(set_credit("BUY002", "5000.00"), "");
}

/* ------------------------------------------------------------ a large backlog */

/*
 * An ERP back after a long absence finds a backlog far larger than a batch.
 * A download numbers at most FEED_NUMBER_AHEAD batches' worth of it (so one
 * download never numbers 100 thousand entries in one transaction), says
 * more=true, and the downloads that follow number and deliver the rest:
 * every entry exactly once. Here: the 25 newest entries made unnumbered
 * again (as if changed while the ERP was away), downloaded one at a time.
 */
#define ACME_FEED "seller_party_id = (SELECT party_id FROM party WHERE code = 'ACME') " \
                  "AND feed = 'ORDER' "
DB_SQL(q_unnumber_newest, "UPDATE feed_entry SET seq = NULL WHERE " ACME_FEED
                          "ORDER BY seq DESC LIMIT 25");
DB_SQL(q_unnumbered, "SELECT object_id FROM feed_entry WHERE " ACME_FEED
                     "AND seq IS NULL ORDER BY object_id");
DB_SQL(q_last_seq, "SELECT last_seq FROM feed_position WHERE " ACME_FEED);

static int64_t last_seq(void)
{
    struct db_cols c;
    int64_t v = -1;

    db_cols_init(&c);
    col_i64(&c, &v);
    return db_query_one(db, &q_last_seq, NULL, &c) == 1 ? v : -1;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void test_feed__a_large_backlog_is_numbered_in_steps_and_delivered_whole(void)
{
    struct _eos__DownloadOrdersResponse r;
    char cursor[64];
    int64_t want[25], got[64], before;
    size_t nwant = 0, ngot = 0;
    int64_t id = 0;
    struct db_cols c;

    reset_clients();
    for (int i = 0; i < FEED_NUMBER_AHEAD + 2; i++)
        CU_ASSERT_FATAL(submit(b1, "backlog") > 0);
    drain(cursor, sizeof(cursor));
    soap_end(erp);
    CU_ASSERT_EQUAL_FATAL(db_exec(db, &q_unnumber_newest, NULL, NULL), 0);
    db_cols_init(&c);
    col_i64(&c, &id);
    CU_ASSERT_EQUAL_FATAL(db_query(db, &q_unnumbered, NULL, &c), 0);
    while (db_fetch(db, &q_unnumbered, &c) == 1 && nwant < 25)
        want[nwant++] = id;
    db_done(db, &q_unnumbered);
    CU_ASSERT_EQUAL_FATAL(nwant, 25);

    /* The first download of one order numbers FEED_NUMBER_AHEAD, not 25. */
    before = last_seq();
    CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 1, &r), "");
    CU_ASSERT_EQUAL(last_seq() - before, FEED_NUMBER_AHEAD);
    CU_ASSERT_EQUAL_FATAL(r.__sizeorder, 1);
    CU_ASSERT_EQUAL(r.more, xsd__boolean__true_);
    /* Then one at a time, acknowledging each, to the end. */
    for (int step = 0; step < 60; step++) {
        for (int i = 0; i < r.__sizeorder && ngot < 64; i++)
            got[ngot++] = r.order[i].orderId;
        if (r.more == xsd__boolean__false_ && r.__sizeorder == 0)
            break;
        CU_ASSERT_PTR_NOT_NULL_FATAL(r.nextCursor);
        CU_ASSERT_STRING_EQUAL_FATAL(ack(r.nextCursor, NULL), "");
        soap_end(erp);
        CU_ASSERT_STRING_EQUAL_FATAL(download(NULL, 1, &r), "");
    }
    CU_ASSERT_EQUAL(r.more, xsd__boolean__false_);
    qsort(got, ngot, sizeof(got[0]), cmp_id);
    CU_ASSERT_EQUAL(ngot, nwant);
    for (size_t i = 0; i < nwant && i < ngot; i++)
        CU_ASSERT_EQUAL(got[i], want[i]);
    soap_end(erp);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_feed__bad_cursors_and_sizes_are_refused",
         test_feed__bad_cursors_and_sizes_are_refused},
        {"test_feed__a_batch_is_replayed_until_acknowledged",
         test_feed__a_batch_is_replayed_until_acknowledged},
        {"test_feed__batches_cursors_and_older_acknowledgements",
         test_feed__batches_cursors_and_older_acknowledgements},
        {"test_feed__a_changed_order_comes_back_once", test_feed__a_changed_order_comes_back_once},
        {"test_feed__a_late_commit_is_not_skipped", test_feed__a_late_commit_is_not_skipped},
        {"test_feed__a_large_backlog_is_numbered_in_steps_and_delivered_whole",
         test_feed__a_large_backlog_is_numbered_in_steps_and_delivered_whole},
        {"test_feed__concurrent_submissions_are_never_skipped",
         test_feed__concurrent_submissions_are_never_skipped},
    };

    return cunit_run("feed", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
