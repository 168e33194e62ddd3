/*
 * test_buyer.c - the buyer's operations of issue 3 through real gSOAP clients
 * against a real hub: GetCatalog, SubmitOrder (pricing, rounding, idempotency,
 * the racing duplicate, validateOnly, every fault it can give, the credit
 * limit to the cent), GetOrderStatus, ListOrders, CancelOrder and
 * RequestOrderChange, and who may see what.
 *
 * Works on the shared test database with the demo data (see scripts/run-tests):
 * every buyerOrderNo starts with this run's prefix, and facts that depend on
 * other suites' orders (totals, the credit headroom) are read from the
 * database or the hub first, never assumed. After every refused request the
 * tables an order writes (purchase_order, order_line, order_history,
 * feed_entry, change_request, change_request_line) and the accounts' exposure
 * must be exactly as before.
 *
 * Where a state needs the seller's operations (an ACCEPTED or partly shipped
 * order, an inactive product, a dated own price) the test sets it up directly
 * in the database and puts shared catalog data back before it ends.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/order.h"
#include "cunit_run.h"
#include "hub_fixture.h"
#include "store/db.h"
#include "store/stmt.h"

#define MAX_LINES 4
#define RACE_ROUNDS 20
#define NOTE_TEXT "M\xc3\xbcller \xf0\x9f\x98\x80 <script>alert(1)</script> ' OR 1=1 --"

static struct test_hub hub;
static struct soap *client;
static struct db_conn *db;
static char run_id[48]; /* prefix of every buyerOrderNo of this run */

/* ------------------------------------------------------------ suite */

static int suite_init(void)
{
    struct db_config cfg;

    snprintf(run_id, sizeof(run_id), "TB-%ld-%d", (long)time(NULL), (int)getpid());
    db_config_from_env(&cfg);
    if (db_open(&db, &cfg) < 0) {
        fprintf(stderr, "test_buyer: cannot open the test database\n");
        return 1;
    }
    if (test_hub_start(&hub, "test_buyer", NULL) < 0)
        return 1;
    client = test_client();
    return client ? 0 : 1;
}

static int suite_cleanup(void)
{
    int rc;

    test_client_free(client);
    db_close(db);
    rc = test_hub_stop(&hub);
    return rc == 0 ? 0 : 1;
}

/* Frees what earlier calls left in the shared client. */
static void fresh_client(void)
{
    soap_destroy(client);
    soap_end(client);
}

/* ------------------------------------------------------------ small helpers */

static const char *pw(void)
{
    return test_demo_password();
}

/* YYYY-MM-DD of now + days_offset (UTC). */
static void utc_date(char out[11], int days_offset)
{
    time_t t = time(NULL) + (time_t)days_offset * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ------------------------------------------------------------ faults */

#define EXPECT_FAULT(code, field) test_expect_fault(client, code, field, __FILE__, __LINE__)

#define EXPECT_OK(rc) test_expect_ok(client, rc, __FILE__, __LINE__, true)
#define EXPECT_OK_SOFT(rc) test_expect_ok(client, rc, __FILE__, __LINE__, false)

/* ------------------------------------------------------------ database */

/* What an order writes, counted, and the exposure of every account. */
struct counts {
    int64_t orders, lines, history, feed, changes, change_lines;
    char exposure[64];
};

DB_SQL(q_counts, "SELECT (SELECT COUNT(*) FROM purchase_order), (SELECT COUNT(*) FROM order_line), "
                 "(SELECT COUNT(*) FROM order_history), (SELECT COUNT(*) FROM feed_entry), "
                 "(SELECT COUNT(*) FROM change_request), "
                 "(SELECT COUNT(*) FROM change_request_line), "
                 "(SELECT CONCAT(SUM(open_order_amount), '/', SUM(receivable_amount)) "
                 "FROM customer_account)");
DB_SQL(q_count_no, "SELECT COUNT(*) FROM purchase_order WHERE buyer_order_no = ?");
DB_SQL(q_count_history, "SELECT COUNT(*) FROM order_history WHERE order_id = ?");
DB_SQL(q_count_feed, "SELECT COUNT(*) FROM feed_entry WHERE feed = 'ORDER' AND object_id = ?");
DB_SQL(q_count_buyer,
       "SELECT COUNT(*) FROM purchase_order o JOIN party b ON b.party_id = o.buyer_party_id "
       "WHERE b.code = ?");
DB_SQL(q_count_seller,
       "SELECT COUNT(*) FROM purchase_order o JOIN party s ON s.party_id = o.seller_party_id "
       "WHERE s.code = ?");
DB_SQL(q_count_buyer_status,
       "SELECT COUNT(*) FROM purchase_order o JOIN party b ON b.party_id = o.buyer_party_id "
       "WHERE b.code = ? AND o.status = ?");
DB_SQL(q_count_buyer_before_today,
       "SELECT COUNT(*) FROM purchase_order o JOIN party b ON b.party_id = o.buyer_party_id "
       "WHERE b.code = ? AND o.created_at < UTC_DATE()");
DB_SQL(q_account, "SELECT CAST(a.open_order_amount AS CHAR), CAST(a.receivable_amount AS CHAR), "
                  "CAST(a.credit_limit AS CHAR) FROM customer_account a "
                  "JOIN party b ON b.party_id = a.buyer_party_id WHERE b.code = ?");

static void counts_take(struct counts *c)
{
    struct db_cols cols;

    memset(c, 0, sizeof(*c));
    db_cols_init(&cols);
    col_i64(&cols, &c->orders);
    col_i64(&cols, &c->lines);
    col_i64(&cols, &c->history);
    col_i64(&cols, &c->feed);
    col_i64(&cols, &c->changes);
    col_i64(&cols, &c->change_lines);
    col_str(&cols, c->exposure, sizeof(c->exposure));
    if (db_query_one(db, &q_counts, NULL, &cols) != 1)
        c->orders = -1;
}

/* Asserts, at the caller's line, that nothing was stored since *before. */
static void expect_unchanged(const struct counts *before, const char *file, unsigned line)
{
    struct counts now;
    char what[512];

    counts_take(&now);
    snprintf(what, sizeof(what),
             "nothing stored: orders %lld->%lld lines %lld->%lld history %lld->%lld "
             "feed %lld->%lld changes %lld->%lld change lines %lld->%lld exposure %s->%s",
             (long long)before->orders, (long long)now.orders, (long long)before->lines,
             (long long)now.lines, (long long)before->history, (long long)now.history,
             (long long)before->feed, (long long)now.feed, (long long)before->changes,
             (long long)now.changes, (long long)before->change_lines, (long long)now.change_lines,
             before->exposure, now.exposure);
    CU_assertImplementation(before->orders >= 0 && now.orders == before->orders &&
                                now.lines == before->lines && now.history == before->history &&
                                now.feed == before->feed && now.changes == before->changes &&
                                now.change_lines == before->change_lines &&
                                strcmp(now.exposure, before->exposure) == 0,
                            line, what, file, "", CU_FALSE);
}
#define EXPECT_UNCHANGED(before) expect_unchanged(before, __FILE__, __LINE__)

/* COUNT(*) of a query with up to two string arguments (NULL: none). */
static int64_t count_str(struct db_sql *q, const char *a1, const char *a2)
{
    struct db_args a;
    struct db_cols c;
    int64_t n = -1;

    db_args_init(&a);
    if (a1)
        arg_str(&a, a1);
    if (a2)
        arg_str(&a, a2);
    db_cols_init(&c);
    col_i64(&c, &n);
    if (db_query_one(db, q, &a, &c) != 1)
        return -1;
    return n;
}

static int64_t count_id(struct db_sql *q, int64_t id)
{
    struct db_args a;
    struct db_cols c;
    int64_t n = -1;

    db_args_init(&a);
    arg_i64(&a, id);
    db_cols_init(&c);
    col_i64(&c, &n);
    if (db_query_one(db, q, &a, &c) != 1)
        return -1;
    return n;
}

/* Seller operations are another issue: until they land, the states they
 * lead to are set up directly in the database, as a seller's ACCEPT and a
 * first shipment of 2 on line 1 would leave them (history aside). */
DB_SQL(q_force_accepted,
       "UPDATE purchase_order SET status = 'ACCEPTED', version = version + 1, "
       "updated_at = UTC_TIMESTAMP(6) WHERE order_id = ? AND status = 'SUBMITTED'");
DB_SQL(q_force_shipped_line,
       "UPDATE order_line SET shipped_qty = 2 WHERE order_id = ? AND line_no = 1");
DB_SQL(q_force_shipped_order,
       "UPDATE purchase_order o SET status = 'PARTIALLY_SHIPPED', version = version + 1, "
       "shipped_amount = (SELECT SUM(l.shipped_qty * l.unit_price) FROM order_line l "
       "WHERE l.order_id = o.order_id), updated_at = UTC_TIMESTAMP(6) "
       "WHERE order_id = ? AND status = 'ACCEPTED'");

/* Catalog changes a seller would make with UpsertProducts and SetPrices,
 * undone by the same test. */
DB_SQL(q_set_active_0015, "UPDATE product SET active = ? WHERE sku = 'SKU-0015'");
DB_SQL(q_price_add_b2_0003,
       "INSERT INTO price (product_id, buyer_party_id, valid_from, unit_price) "
       "SELECT p.product_id, b.party_id, UTC_DATE() + INTERVAL ? DAY, ? FROM product p "
       "JOIN party b ON b.code = 'BUY002' WHERE p.sku = 'SKU-0003'");
DB_SQL(q_price_del_b2_0003,
       "DELETE pr FROM price pr JOIN product p ON p.product_id = pr.product_id "
       "JOIN party b ON b.party_id = pr.buyer_party_id "
       "WHERE p.sku = 'SKU-0003' AND b.code = 'BUY002'");

/* Runs a one-id UPDATE; the number of rows it changed, -1 on error. */
static long long force(struct db_sql *q, int64_t id)
{
    struct db_args a;
    unsigned long long n = 0;

    db_args_init(&a);
    arg_i64(&a, id);
    if (db_exec(db, q, &a, &n) < 0)
        return -1;
    return (long long)n;
}

/* The account of a buyer with ACME, in 1/10000 units; -1 limit: none. */
struct account {
    int64_t open, receivable, limit;
};

static int account_of(const char *buyer_code, struct account *out)
{
    struct db_args a;
    struct db_cols c;
    char open[40] = "", receivable[40] = "", limit[40] = "";
    bool limit_null = true;

    db_args_init(&a);
    arg_str(&a, buyer_code);
    db_cols_init(&c);
    col_str(&c, open, sizeof(open));
    col_str(&c, receivable, sizeof(receivable));
    col_str(&c, limit, sizeof(limit));
    col_nullable(&c, &limit_null);
    if (db_query_one(db, &q_account, &a, &c) != 1)
        return -1;
    out->open = test_dec(open);
    out->receivable = test_dec(receivable);
    out->limit = limit_null ? -1 : test_dec(limit);
    return 0;
}

/* ------------------------------------------------------------ requests */

/* A SubmitOrder request with its lines and strings in one place (never
 * copied: the request points into it). */
struct order_in {
    struct _eos__SubmitOrderRequest req;
    struct eos__OrderLineIn lines[MAX_LINES];
    char no[96];
    char qty[MAX_LINES][32];
    char price[MAX_LINES][32];
    enum xsd__boolean validate_only, allow_adjust;
};

static void order_init(struct soap *s, struct order_in *o, const char *tag)
{
    memset(o, 0, sizeof(*o));
    soap_default__eos__SubmitOrderRequest(s, &o->req);
    snprintf(o->no, sizeof(o->no), "%s-%s", run_id, tag);
    o->req.buyerOrderNo = o->no;
    o->req.line = o->lines;
}

/* Adds a line; price NULL sends no expected unitPrice. */
static struct eos__OrderLineIn *order_line(struct soap *s, struct order_in *o, int line_no,
                                           const char *sku, const char *qty, const char *price)
{
    int i = o->req.__sizeline++;
    struct eos__OrderLineIn *l = &o->lines[i];

    soap_default_eos__OrderLineIn(s, l);
    l->lineNo = line_no;
    l->sku = (char *)sku;
    snprintf(o->qty[i], sizeof(o->qty[i]), "%s", qty);
    l->quantity = o->qty[i];
    if (price) {
        snprintf(o->price[i], sizeof(o->price[i]), "%s", price);
        l->unitPrice = o->price[i];
    }
    return l;
}

static void order_validate_only(struct order_in *o)
{
    o->validate_only = xsd__boolean__true_;
    o->req.validateOnly = &o->validate_only;
}

static void order_no_adjust(struct order_in *o)
{
    o->allow_adjust = xsd__boolean__false_;
    o->req.allowAdjust = &o->allow_adjust;
}

static int submit_on(struct soap *s, const char *endpoint, const char *user, struct order_in *o,
                     struct eos__SubmitOrderResult *r)
{
    soap_default_eos__SubmitOrderResult(s, r);
    test_auth_basic(s, user, pw());
    return soap_call___eos__SubmitOrder(s, endpoint, NULL, &o->req, r);
}

static int submit(const char *user, struct order_in *o, struct eos__SubmitOrderResult *r)
{
    return submit_on(client, hub.endpoint, user, o, r);
}

/* Submits o as user and returns the new order's id, asserting success. */
static int64_t submit_ok(const char *user, struct order_in *o, unsigned line)
{
    struct eos__SubmitOrderResult r;
    int rc = submit(user, o, &r);

    test_expect_ok(client, rc, __FILE__, line, true);
    if (rc != SOAP_OK || !r.orderId)
        return 0;
    return *r.orderId;
}
#define SUBMIT_OK(user, o) submit_ok(user, o, __LINE__)

/* A simple buyer1 order: 3 x SKU-0001 (33.75) and 0.333 x SKU-0004 (6.66). */
static int64_t simple_order(const char *tag, bool allow_adjust, unsigned line)
{
    struct order_in o;

    order_init(client, &o, tag);
    order_line(client, &o, 1, "SKU-0001", "3", NULL);
    order_line(client, &o, 2, "SKU-0004", "0.333", NULL);
    if (!allow_adjust)
        order_no_adjust(&o);
    return submit_ok("buyer1", &o, line);
}
#define SIMPLE_ORDER(tag, adjust) simple_order(tag, adjust, __LINE__)

/* GetOrderStatus; NULL on a fault (then test_fault_code(client) says which). */
static struct eos__Order *get_order(const char *user, int64_t id, const char *no,
                                    const char *buyer_code)
{
    struct _eos__GetOrderStatusRequest req;
    struct _eos__GetOrderStatusResponse resp;
    LONG64 order_id = id;

    soap_default__eos__GetOrderStatusRequest(client, &req);
    soap_default__eos__GetOrderStatusResponse(client, &resp);
    req.orderId = id > 0 ? &order_id : NULL;
    req.buyerOrderNo = (char *)no;
    req.buyerCode = (char *)buyer_code;
    test_auth_basic(client, user, pw());
    if (soap_call___eos__GetOrderStatus(client, hub.endpoint, NULL, &req, &resp) != SOAP_OK)
        return NULL;
    return resp.order;
}

struct list_in {
    enum eos__OrderStatus status;
    bool has_status;
    const char *from, *to, *buyer_code;
    int offset, limit; /* -1: not sent */
};

static const struct list_in LIST_ALL = {
    eos__OrderStatus__SUBMITTED, false, NULL, NULL, NULL, -1, 500};

static int list_orders(const char *user, const struct list_in *in,
                       struct _eos__ListOrdersResponse *resp)
{
    struct _eos__ListOrdersRequest req;
    enum eos__OrderStatus status = in->status;
    int offset = in->offset, limit = in->limit;

    soap_default__eos__ListOrdersRequest(client, &req);
    soap_default__eos__ListOrdersResponse(client, resp);
    req.status = in->has_status ? &status : NULL;
    req.createdFrom = (char *)in->from;
    req.createdTo = (char *)in->to;
    req.buyerCode = (char *)in->buyer_code;
    req.offset = offset >= 0 ? &offset : NULL;
    req.limit = limit >= 0 ? &limit : NULL;
    test_auth_basic(client, user, pw());
    return soap_call___eos__ListOrders(client, hub.endpoint, NULL, &req, resp);
}

/* Index of order id in a list page, -1 if absent. */
static int list_index(const struct _eos__ListOrdersResponse *resp, int64_t id)
{
    for (int i = 0; i < resp->__sizeorderSummary; i++)
        if (resp->orderSummary[i].orderId == id)
            return i;
    return -1;
}

static int cancel(const char *user, int64_t id, const int *expected, const char *reason,
                  struct _eos__CancelOrderResponse *resp)
{
    struct _eos__CancelOrderRequest req;
    int version = expected ? *expected : 0;

    soap_default__eos__CancelOrderRequest(client, &req);
    soap_default__eos__CancelOrderResponse(client, resp);
    req.orderId = id;
    req.expectedVersion = expected ? &version : NULL;
    req.reason = (char *)reason;
    test_auth_basic(client, user, pw());
    return soap_call___eos__CancelOrder(client, hub.endpoint, NULL, &req, resp);
}

/* RequestOrderChange with one change of line line_no (quantity and/or date). */
static int request_change(const char *user, int64_t id, const int *expected, int line_no,
                          const char *quantity, const char *date, const char *reason,
                          struct _eos__RequestOrderChangeResponse *resp)
{
    struct _eos__RequestOrderChangeRequest req;
    struct eos__LineChange change;
    int version = expected ? *expected : 0;

    soap_default__eos__RequestOrderChangeRequest(client, &req);
    soap_default__eos__RequestOrderChangeResponse(client, resp);
    soap_default_eos__LineChange(client, &change);
    change.lineNo = line_no;
    change.newQuantity = (char *)quantity;
    change.newDeliveryDate = (char *)date;
    req.orderId = id;
    req.expectedVersion = expected ? &version : NULL;
    req.__sizechange = 1;
    req.change = &change;
    req.reason = (char *)reason;
    test_auth_basic(client, user, pw());
    return soap_call___eos__RequestOrderChange(client, hub.endpoint, NULL, &req, resp);
}

static int get_catalog(const char *user, const char *category, const char *search, int offset,
                       int limit, struct _eos__GetCatalogResponse *resp)
{
    struct _eos__GetCatalogRequest req;

    soap_default__eos__GetCatalogRequest(client, &req);
    soap_default__eos__GetCatalogResponse(client, resp);
    req.categoryCode = (char *)category;
    req.search = (char *)search;
    req.offset = offset >= 0 ? &offset : NULL;
    req.limit = limit >= 0 ? &limit : NULL;
    test_auth_basic(client, user, pw());
    return soap_call___eos__GetCatalog(client, hub.endpoint, NULL, &req, resp);
}

/* True when the catalog page holds exactly SKU-00<first>..SKU-00<last>. */
static bool skus_are(const struct _eos__GetCatalogResponse *resp, int first, int last)
{
    char sku[16];

    if (resp->__sizeitem != last - first + 1)
        return false;
    for (int i = 0; i < resp->__sizeitem; i++) {
        snprintf(sku, sizeof(sku), "SKU-%04d", first + i);
        if (!resp->item[i].sku || strcmp(resp->item[i].sku, sku) != 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------ GetCatalog */

static void test_buyer__catalog_buyer1_sees_its_fifteen_products(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    EXPECT_OK(get_catalog("buyer1", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    CU_ASSERT_TRUE(skus_are(&resp, 1, 15));
    CU_ASSERT_STRING_EQUAL(test_nz(resp.currency), "CNY");
    CU_ASSERT_EQUAL_FATAL(resp.__sizeitem, 15);
    /* Its own price on SKU-0001..0003, the list price elsewhere. */
    CU_ASSERT_STRING_EQUAL(resp.item[0].unitPrice, "11.25");
    CU_ASSERT_STRING_EQUAL(resp.item[1].unitPrice, "13.50");
    CU_ASSERT_STRING_EQUAL(resp.item[2].unitPrice, "15.75");
    CU_ASSERT_STRING_EQUAL(resp.item[3].unitPrice, "20.00");
    CU_ASSERT_STRING_EQUAL(resp.item[9].unitPrice, "35.00");
    CU_ASSERT_STRING_EQUAL(resp.item[14].unitPrice, "47.50");
    CU_ASSERT_STRING_EQUAL(resp.item[0].name, "A4 copy paper, 500 sheets");
    CU_ASSERT_STRING_EQUAL(resp.item[0].categoryCode, "OFFICE");
    CU_ASSERT_STRING_EQUAL(resp.item[10].categoryCode, "IT");
    CU_ASSERT_STRING_EQUAL(resp.item[0].uom, "EA");
    CU_ASSERT_STRING_EQUAL(resp.item[0].availableQuantity, "1000");
    CU_ASSERT_EQUAL(resp.item[0].returnable, xsd__boolean__true_);
    CU_ASSERT_EQUAL(resp.item[4].returnable, xsd__boolean__false_); /* SKU-0005 */
    CU_ASSERT_PTR_NULL(resp.item[0].returnPrice);
    CU_ASSERT_PTR_NULL(resp.item[0].minOrderQuantity);
}

static void test_buyer__catalog_buyer2_sees_its_ten_at_list_price(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    EXPECT_OK(get_catalog("buyer2", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 10);
    CU_ASSERT_TRUE(skus_are(&resp, 1, 10));
    CU_ASSERT_EQUAL_FATAL(resp.__sizeitem, 10);
    CU_ASSERT_STRING_EQUAL(resp.item[0].unitPrice, "12.50");
    CU_ASSERT_STRING_EQUAL(resp.item[1].unitPrice, "15.00");
    CU_ASSERT_STRING_EQUAL(resp.item[3].unitPrice, "20.00");
}

static void test_buyer__catalog_pages_with_offset_limit_total(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    EXPECT_OK(get_catalog("buyer1", NULL, NULL, 5, 4, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    CU_ASSERT_TRUE(skus_are(&resp, 6, 9));
    EXPECT_OK(get_catalog("buyer1", NULL, NULL, 0, 1, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    CU_ASSERT_TRUE(skus_are(&resp, 1, 1));
    EXPECT_OK(get_catalog("buyer1", NULL, NULL, 14, 10, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    CU_ASSERT_TRUE(skus_are(&resp, 15, 15));
    /* Past the end: no items, still the total. */
    EXPECT_OK(get_catalog("buyer1", NULL, NULL, 20, 10, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    CU_ASSERT_EQUAL(resp.__sizeitem, 0);
    EXPECT_OK(get_catalog("buyer2", NULL, NULL, 8, 5, &resp));
    CU_ASSERT_EQUAL(resp.total, 10);
    CU_ASSERT_TRUE(skus_are(&resp, 9, 10));
}

static void test_buyer__catalog_filters_by_category(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    EXPECT_OK(get_catalog("buyer1", "IT", NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 5);
    CU_ASSERT_TRUE(skus_are(&resp, 11, 15));
    EXPECT_OK(get_catalog("buyer1", "OFFICE", NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 10);
    CU_ASSERT_TRUE(skus_are(&resp, 1, 10));
    /* Unpublished to both: an existing category with nothing visible. */
    EXPECT_OK(get_catalog("buyer1", "CLEANING", NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    CU_ASSERT_EQUAL(resp.__sizeitem, 0);
    EXPECT_OK(get_catalog("buyer2", "IT", NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    CU_ASSERT_EQUAL(resp.__sizeitem, 0);
}

static void test_buyer__catalog_filters_by_search(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    EXPECT_OK(get_catalog("buyer1", NULL, "Stapler", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 1);
    CU_ASSERT_TRUE(skus_are(&resp, 3, 3));
    /* By SKU as well as by name. */
    EXPECT_OK(get_catalog("buyer1", NULL, "SKU-001", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 6);
    CU_ASSERT_TRUE(skus_are(&resp, 10, 15));
    EXPECT_OK(get_catalog("buyer2", NULL, "SKU-001", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 1);
    CU_ASSERT_TRUE(skus_are(&resp, 10, 10));
    /* Unpublished products are not found by searching either. */
    EXPECT_OK(get_catalog("buyer1", NULL, "Hand soap", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    /* LIKE wildcards in the search text are plain characters. */
    EXPECT_OK(get_catalog("buyer1", NULL, "%", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    EXPECT_OK(get_catalog("buyer1", NULL, "SKU_0001", -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    /* Combined with a category and paging. */
    EXPECT_OK(get_catalog("buyer1", "IT", "SKU-001", 1, 2, &resp));
    CU_ASSERT_EQUAL(resp.total, 5);
    CU_ASSERT_TRUE(skus_are(&resp, 12, 13));
}

/* True when the page lists sku. */
static bool catalog_has(const struct _eos__GetCatalogResponse *resp, const char *sku)
{
    for (int i = 0; i < resp->__sizeitem; i++)
        if (resp->item[i].sku && strcmp(resp->item[i].sku, sku) == 0)
            return true;
    return false;
}

static const char *catalog_price(const struct _eos__GetCatalogResponse *resp, const char *sku)
{
    for (int i = 0; i < resp->__sizeitem; i++)
        if (resp->item[i].sku && strcmp(resp->item[i].sku, sku) == 0)
            return resp->item[i].unitPrice;
    return NULL;
}

static void test_buyer__catalog_filters_by_changed_since(void)
{
    struct _eos__GetCatalogRequest req;
    struct _eos__GetCatalogResponse resp;
    time_t since;

    fresh_client();
    soap_default__eos__GetCatalogRequest(client, &req);
    req.changedSince = &since;
    since = 946684800; /* 2000-01-01 */
    test_auth_basic(client, "buyer1", pw());
    EXPECT_OK(soap_call___eos__GetCatalog(client, hub.endpoint, NULL, &req, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);
    since = time(NULL) + 3600;
    test_auth_basic(client, "buyer1", pw());
    EXPECT_OK(soap_call___eos__GetCatalog(client, hub.endpoint, NULL, &req, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    CU_ASSERT_EQUAL(resp.__sizeitem, 0);
}

/* An inactive product leaves the catalog and cannot be ordered; a buyer's own
 * price applies from its valid_from on, not before. */
static void test_buyer__inactive_products_and_future_prices_do_not_apply(void)
{
    struct _eos__GetCatalogResponse resp;
    struct db_args a;
    struct order_in o;
    struct eos__SubmitOrderResult r;
    struct counts before;

    /* No fatal assertion until the catalog is put back. */
    fresh_client();
    /* SKU-0015 inactive (published to BUY001). */
    db_args_init(&a);
    arg_bool(&a, false);
    CU_ASSERT_EQUAL(db_exec(db, &q_set_active_0015, &a, NULL), 0);
    EXPECT_OK_SOFT(get_catalog("buyer1", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 14);
    CU_ASSERT_FALSE(catalog_has(&resp, "SKU-0015"));
    order_init(client, &o, "f-inactive");
    order_line(client, &o, 1, "SKU-0014", "1", NULL);
    order_line(client, &o, 2, "SKU-0015", "1", NULL);
    counts_take(&before);
    submit("buyer1", &o, &r);
    EXPECT_FAULT("PRODUCT_NOT_AVAILABLE", "line[2]/sku");
    EXPECT_UNCHANGED(&before);
    db_args_init(&a);
    arg_bool(&a, true);
    CU_ASSERT_EQUAL(db_exec(db, &q_set_active_0015, &a, NULL), 0);
    EXPECT_OK_SOFT(get_catalog("buyer1", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_EQUAL(resp.total, 15);

    /* BUY002's own price on SKU-0003: 16.00 from yesterday, 1.00 from
     * tomorrow. Today 16.00 applies, in the catalog and in an order. */
    db_args_init(&a);
    arg_i64(&a, -1);
    arg_str(&a, "16.00");
    CU_ASSERT_EQUAL(db_exec(db, &q_price_add_b2_0003, &a, NULL), 0);
    db_args_init(&a);
    arg_i64(&a, 1);
    arg_str(&a, "1.00");
    CU_ASSERT_EQUAL(db_exec(db, &q_price_add_b2_0003, &a, NULL), 0);
    EXPECT_OK_SOFT(get_catalog("buyer2", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_STRING_EQUAL(test_nz(catalog_price(&resp, "SKU-0003")), "16.00");
    order_init(client, &o, "own-price-b2");
    order_line(client, &o, 1, "SKU-0003", "2", "16.00");
    order_validate_only(&o);
    EXPECT_OK_SOFT(submit("buyer2", &o, &r));
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "32.00");
    /* buyer1 is not affected by BUY002's price. */
    EXPECT_OK_SOFT(get_catalog("buyer1", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_STRING_EQUAL(test_nz(catalog_price(&resp, "SKU-0003")), "15.75");
    db_args_init(&a);
    CU_ASSERT_EQUAL(db_exec(db, &q_price_del_b2_0003, &a, NULL), 0);
    EXPECT_OK_SOFT(get_catalog("buyer2", NULL, NULL, -1, -1, &resp));
    CU_ASSERT_STRING_EQUAL(test_nz(catalog_price(&resp, "SKU-0003")), "17.50");
}

static void test_buyer__catalog_is_forbidden_to_a_seller(void)
{
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    get_catalog("acme-erp", NULL, NULL, -1, -1, &resp);
    EXPECT_FAULT("FORBIDDEN", NULL);
    get_catalog("admin", NULL, NULL, -1, -1, &resp);
    EXPECT_FAULT("FORBIDDEN", NULL);
}

static void test_buyer__catalog_refuses_bad_paging_and_unknown_seller(void)
{
    struct _eos__GetCatalogRequest req;
    struct _eos__GetCatalogResponse resp;

    fresh_client();
    get_catalog("buyer1", NULL, NULL, 0, 0, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", NULL);
    get_catalog("buyer1", NULL, NULL, 0, 501, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", NULL);
    soap_default__eos__GetCatalogRequest(client, &req);
    req.sellerCode = "NOSUCHSELLER";
    test_auth_basic(client, "buyer1", pw());
    soap_call___eos__GetCatalog(client, hub.endpoint, NULL, &req, &resp);
    EXPECT_FAULT("NOT_FOUND", "sellerCode");
}

/* ------------------------------------------------------------ SubmitOrder */

static void test_buyer__submit_prices_and_stores_the_order(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r;
    struct counts before, after;
    struct account acct_before, acct_after;

    fresh_client();
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_before), 0);
    counts_take(&before);
    order_init(client, &o, "happy");
    order_line(client, &o, 1, "SKU-0001", "3", "11.25"); /* the price it saw: passes */
    order_line(client, &o, 2, "SKU-0004", "0.333", NULL);
    EXPECT_OK(submit("buyer1", &o, &r));
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.orderId);
    CU_ASSERT_TRUE(*r.orderId > 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.status);
    CU_ASSERT_EQUAL(*r.status, eos__OrderStatus__SUBMITTED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.version);
    CU_ASSERT_EQUAL(*r.version, 1);
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__false_);
    CU_ASSERT_STRING_EQUAL(test_nz(r.currency), "CNY");
    CU_ASSERT_EQUAL_FATAL(r.__sizeline, 2);
    CU_ASSERT_EQUAL(r.line[0].lineNo, 1);
    CU_ASSERT_STRING_EQUAL(r.line[0].sku, "SKU-0001");
    CU_ASSERT_STRING_EQUAL(r.line[0].quantity, "3");
    CU_ASSERT_STRING_EQUAL(r.line[0].unitPrice, "11.25");
    CU_ASSERT_STRING_EQUAL(r.line[0].lineAmount, "33.75");
    /* 0.333 x 20.00 = 6.66 exactly. */
    CU_ASSERT_EQUAL(r.line[1].lineNo, 2);
    CU_ASSERT_STRING_EQUAL(r.line[1].sku, "SKU-0004");
    CU_ASSERT_STRING_EQUAL(r.line[1].quantity, "0.333");
    CU_ASSERT_STRING_EQUAL(r.line[1].unitPrice, "20.00");
    CU_ASSERT_STRING_EQUAL(r.line[1].lineAmount, "6.66");
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "40.41");
    /* Header, two lines, one history entry, one feed entry; exposure grows. */
    counts_take(&after);
    CU_ASSERT_EQUAL(after.orders, before.orders + 1);
    CU_ASSERT_EQUAL(after.lines, before.lines + 2);
    CU_ASSERT_EQUAL(after.history, before.history + 1);
    CU_ASSERT_EQUAL(after.feed, before.feed + 1);
    CU_ASSERT_EQUAL(count_str(&q_count_no, o.no, NULL), 1);
    CU_ASSERT_EQUAL(count_id(&q_count_feed, *r.orderId), 1);
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_after), 0);
    CU_ASSERT_EQUAL(acct_after.open - acct_before.open, 404100);
}

static void test_buyer__submit_rounds_half_away_from_zero_to_cents(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r;

    fresh_client();
    /* buyer2 at list price 12.50: 0.001 x 12.50 = 0.0125 -> 0.01;
     * 0.002 x 12.50 = 0.025 -> 0.03; 0.333 x 15.00 = 4.995 -> 5.00. */
    order_init(client, &o, "rounding");
    order_line(client, &o, 1, "SKU-0001", "0.001", NULL);
    order_line(client, &o, 2, "SKU-0001", "0.002", NULL);
    order_line(client, &o, 3, "SKU-0002", "0.333", NULL);
    order_validate_only(&o);
    EXPECT_OK(submit("buyer2", &o, &r));
    CU_ASSERT_EQUAL_FATAL(r.__sizeline, 3);
    CU_ASSERT_STRING_EQUAL(r.line[0].lineAmount, "0.01");
    CU_ASSERT_STRING_EQUAL(r.line[1].lineAmount, "0.03");
    CU_ASSERT_STRING_EQUAL(r.line[2].lineAmount, "5.00");
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "5.04");
}

static void test_buyer__submit_again_is_the_same_order_marked_duplicate(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult first, again;
    struct counts before;
    int64_t id;

    fresh_client();
    order_init(client, &o, "idem");
    order_line(client, &o, 1, "SKU-0001", "3", NULL);
    order_line(client, &o, 2, "SKU-0004", "0.333", NULL);
    EXPECT_OK(submit("buyer1", &o, &first));
    CU_ASSERT_PTR_NOT_NULL_FATAL(first.orderId);
    id = *first.orderId;
    CU_ASSERT_EQUAL(first.duplicate, xsd__boolean__false_);
    counts_take(&before);
    EXPECT_OK(submit("buyer1", &o, &again));
    CU_ASSERT_PTR_NOT_NULL_FATAL(again.orderId);
    CU_ASSERT_EQUAL(*again.orderId, id);
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again.status);
    CU_ASSERT_EQUAL(*again.status, eos__OrderStatus__SUBMITTED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(again.version);
    CU_ASSERT_EQUAL(*again.version, 1);
    CU_ASSERT_STRING_EQUAL(test_nz(again.currency), "CNY");
    CU_ASSERT_STRING_EQUAL(test_nz(again.totalAmount), "40.41");
    CU_ASSERT_EQUAL_FATAL(again.__sizeline, 2);
    for (int i = 0; i < 2; i++) {
        CU_ASSERT_EQUAL(again.line[i].lineNo, first.line[i].lineNo);
        CU_ASSERT_STRING_EQUAL(again.line[i].sku, first.line[i].sku);
        CU_ASSERT_STRING_EQUAL(again.line[i].quantity, first.line[i].quantity);
        CU_ASSERT_STRING_EQUAL(again.line[i].unitPrice, first.line[i].unitPrice);
        CU_ASSERT_STRING_EQUAL(again.line[i].lineAmount, first.line[i].lineAmount);
    }
    /* A replay stores nothing: no row, no history, no exposure. */
    EXPECT_UNCHANGED(&before);
    /* validateOnly of the same order answers the stored one as well. */
    order_validate_only(&o);
    EXPECT_OK(submit("buyer1", &o, &again));
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_TRUE(again.orderId && *again.orderId == id);
    EXPECT_UNCHANGED(&before);
}

DB_SQL(q_set_content_hash, "UPDATE purchase_order SET content_hash = ? WHERE order_id = ?");

static void set_content_hash(int64_t order_id, const unsigned char hash[32])
{
    struct db_args a;

    db_args_init(&a);
    arg_bin(&a, hash, 32);
    arg_i64(&a, order_id);
    CU_ASSERT_EQUAL(db_exec(db, &q_set_content_hash, &a, NULL), 0);
}

/* The order is the same whether the buyer names its only seller or not, in
 * whatever case; orders stored before that rule (their hash in the first
 * form, with the seller as sent) still answer their replays. */
static void test_buyer__naming_the_only_seller_is_the_same_order(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult first, again;
    struct order_draft_line line = {1, "SKU-0001", 1000, false, 0, "", ""};
    struct order_draft legacy;
    unsigned char hash[32];

    fresh_client();
    order_init(client, &o, "seller-named");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    EXPECT_OK(submit("buyer1", &o, &first));
    CU_ASSERT_PTR_NOT_NULL_FATAL(first.orderId);
    o.req.sellerCode = "ACME";
    EXPECT_OK(submit("buyer1", &o, &again));
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_TRUE(again.orderId && *again.orderId == *first.orderId);
    o.req.sellerCode = "acme";
    EXPECT_OK(submit("buyer1", &o, &again));
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);

    /* Stored under the first form, as a release before this one stored it. */
    memset(&legacy, 0, sizeof(legacy));
    snprintf(legacy.buyer_order_no, sizeof(legacy.buyer_order_no), "%s", o.no);
    legacy.allow_adjust = true;
    legacy.line_count = 1;
    legacy.lines = &line;
    CU_ASSERT_EQUAL_FATAL(order_draft_hash_v1(&legacy, hash), 0);
    set_content_hash(*first.orderId, hash);
    o.req.sellerCode = NULL;
    EXPECT_OK(submit("buyer1", &o, &again));
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_TRUE(again.orderId && *again.orderId == *first.orderId);
    /* ... and a hash of neither form is another order's. */
    memset(hash, 0x5a, sizeof(hash));
    set_content_hash(*first.orderId, hash);
    submit("buyer1", &o, &again);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerOrderNo");
}

static void test_buyer__same_number_other_content_is_duplicate_conflict(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r;
    struct counts before;
    int64_t id;

    fresh_client();
    order_init(client, &o, "conflict");
    order_line(client, &o, 1, "SKU-0002", "1", NULL);
    id = SUBMIT_OK("buyer1", &o);
    CU_ASSERT_TRUE_FATAL(id > 0);
    counts_take(&before);
    snprintf(o.qty[0], sizeof(o.qty[0]), "2"); /* other quantity */
    submit("buyer1", &o, &r);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerOrderNo");
    EXPECT_UNCHANGED(&before);
    snprintf(o.qty[0], sizeof(o.qty[0]), "1");
    o.lines[0].sku = "SKU-0003"; /* other product */
    submit("buyer1", &o, &r);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerOrderNo");
    EXPECT_UNCHANGED(&before);
    o.lines[0].sku = "SKU-0002";
    o.req.note = "now with a note"; /* other header field */
    submit("buyer1", &o, &r);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerOrderNo");
    EXPECT_UNCHANGED(&before);
    /* The stored order is untouched by the refused attempts. */
    o.req.note = NULL;
    EXPECT_OK(submit("buyer1", &o, &r));
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__true_);
    CU_ASSERT_TRUE(r.orderId && *r.orderId == id);
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "13.50");
}

/* A number is the buyer's key byte for byte: numbers that differ only in
 * case, accents or a trailing space are two orders, each stored and
 * answered as itself. */
static void test_buyer__order_numbers_differing_in_case_are_two_orders(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r1, r2, r3;
    char upper[96];

    fresh_client();
    order_init(client, &o, "case-a\xc3\xa9");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    EXPECT_OK(submit("buyer1", &o, &r1));
    snprintf(upper, sizeof(upper), "%s-CASE-A\xc3\xa9", run_id);
    o.req.buyerOrderNo = upper;
    EXPECT_OK(submit("buyer1", &o, &r2));
    snprintf(upper, sizeof(upper), "%s-case-ae", run_id);
    EXPECT_OK(submit("buyer1", &o, &r3));
    CU_ASSERT_TRUE_FATAL(r1.orderId && r2.orderId && r3.orderId);
    CU_ASSERT_NOT_EQUAL(*r1.orderId, *r2.orderId);
    CU_ASSERT_NOT_EQUAL(*r2.orderId, *r3.orderId);
    CU_ASSERT_NOT_EQUAL(*r1.orderId, *r3.orderId);
    CU_ASSERT_EQUAL(r2.duplicate, xsd__boolean__false_);
    CU_ASSERT_EQUAL(r3.duplicate, xsd__boolean__false_);
    snprintf(upper, sizeof(upper), "%s-case-ae ", run_id);
    EXPECT_OK(submit("buyer1", &o, &r1));
    CU_ASSERT_TRUE_FATAL(r1.orderId != NULL);
    CU_ASSERT_NOT_EQUAL(*r1.orderId, *r3.orderId);
    CU_ASSERT_EQUAL(r1.duplicate, xsd__boolean__false_);
}

static void test_buyer__order_numbers_are_per_buyer(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r1, r2;

    fresh_client();
    order_init(client, &o, "shared-no");
    order_line(client, &o, 1, "SKU-0001", "3", NULL);
    EXPECT_OK(submit("buyer1", &o, &r1));
    EXPECT_OK(submit("buyer2", &o, &r2));
    CU_ASSERT_PTR_NOT_NULL_FATAL(r1.orderId);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r2.orderId);
    CU_ASSERT_NOT_EQUAL(*r1.orderId, *r2.orderId);
    CU_ASSERT_EQUAL(r2.duplicate, xsd__boolean__false_);
    /* Each at its own buyer's price. */
    CU_ASSERT_STRING_EQUAL(test_nz(r1.totalAmount), "33.75");
    CU_ASSERT_STRING_EQUAL(test_nz(r2.totalAmount), "37.50");
    CU_ASSERT_EQUAL(count_str(&q_count_no, o.no, NULL), 2);
}

/* One racing submitter: its own client and connection. */
struct racer {
    pthread_barrier_t *barrier;
    const char *no;
    const char *qty; /* of line 2 */
    int rc;
    int64_t order_id;
    bool duplicate;
    char code[40];
};

static void *race_submit(void *arg)
{
    struct racer *r = arg;
    struct soap *s = test_client();
    struct order_in o;
    struct eos__SubmitOrderResult res;

    r->rc = -1;
    if (!s) {
        pthread_barrier_wait(r->barrier);
        return NULL;
    }
    order_init(s, &o, "x");
    snprintf(o.no, sizeof(o.no), "%s", r->no);
    order_line(s, &o, 1, "SKU-0002", "1", NULL);
    order_line(s, &o, 2, "SKU-0007", r->qty, NULL);
    pthread_barrier_wait(r->barrier);
    r->rc = submit_on(s, hub.endpoint, "buyer1", &o, &res);
    snprintf(r->code, sizeof(r->code), "%s", test_fault_code(s));
    if (r->rc == SOAP_OK && res.orderId) {
        r->order_id = *res.orderId;
        r->duplicate = res.duplicate == xsd__boolean__true_;
    }
    test_client_free(s);
    return NULL;
}

static void test_buyer__racing_identical_submissions_make_one_order(void)
{
    pthread_barrier_t barrier;
    char no[96];

    fresh_client();
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int round = 0; round < RACE_ROUNDS; round++) {
        struct racer a = {&barrier, no, "2.5", -1, 0, false, ""};
        struct racer b = {&barrier, no, "2.5", -1, 0, false, ""};
        pthread_t ta, tb;

        snprintf(no, sizeof(no), "%s-race-%02d", run_id, round);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, race_submit, &a), 0);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, race_submit, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        if (a.rc != SOAP_OK || b.rc != SOAP_OK)
            fprintf(stderr, "race round %d: %s / %s\n", round, a.code, b.code);
        CU_ASSERT_EQUAL(a.rc, SOAP_OK);
        CU_ASSERT_EQUAL(b.rc, SOAP_OK);
        CU_ASSERT_TRUE(a.order_id > 0);
        CU_ASSERT_EQUAL(a.order_id, b.order_id);
        CU_ASSERT_TRUE(a.duplicate != b.duplicate); /* exactly one first */
        CU_ASSERT_EQUAL(count_str(&q_count_no, no, NULL), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_history, a.order_id), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_feed, a.order_id), 1);
    }
    pthread_barrier_destroy(&barrier);
}

/* Two different orders under one number at the same moment: one is stored,
 * the other is DUPLICATE_CONFLICT. */
static void test_buyer__racing_conflicting_submissions_store_one(void)
{
    pthread_barrier_t barrier;
    char no[96];

    fresh_client();
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int round = 0; round < RACE_ROUNDS / 4; round++) {
        struct racer a = {&barrier, no, "1", -1, 0, false, ""};
        struct racer b = {&barrier, no, "2", -1, 0, false, ""};
        struct racer *won, *lost;
        pthread_t ta, tb;

        snprintf(no, sizeof(no), "%s-race-conflict-%02d", run_id, round);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, race_submit, &a), 0);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, race_submit, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        won = a.rc == SOAP_OK ? &a : &b;
        lost = won == &a ? &b : &a;
        CU_ASSERT_EQUAL(won->rc, SOAP_OK);
        CU_ASSERT_FALSE(won->duplicate);
        CU_ASSERT_TRUE(won->order_id > 0);
        CU_ASSERT_STRING_EQUAL(lost->code, "DUPLICATE_CONFLICT");
        CU_ASSERT_EQUAL(count_str(&q_count_no, no, NULL), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_history, won->order_id), 1);
    }
    pthread_barrier_destroy(&barrier);
}

static void test_buyer__validate_only_prices_and_stores_nothing(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r;
    struct counts before;

    fresh_client();
    counts_take(&before);
    order_init(client, &o, "validate");
    order_line(client, &o, 1, "SKU-0001", "3", "11.25");
    order_line(client, &o, 2, "SKU-0004", "0.333", NULL);
    order_validate_only(&o);
    EXPECT_OK(submit("buyer1", &o, &r));
    CU_ASSERT_PTR_NULL(r.orderId);
    CU_ASSERT_PTR_NULL(r.version);
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__false_);
    CU_ASSERT_STRING_EQUAL(test_nz(r.currency), "CNY");
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "40.41");
    CU_ASSERT_EQUAL_FATAL(r.__sizeline, 2);
    CU_ASSERT_STRING_EQUAL(r.line[0].lineAmount, "33.75");
    CU_ASSERT_STRING_EQUAL(r.line[1].lineAmount, "6.66");
    EXPECT_UNCHANGED(&before);
    CU_ASSERT_EQUAL(count_str(&q_count_no, o.no, NULL), 0);
    /* The trial run left the number free: the real order is new. */
    o.req.validateOnly = NULL;
    EXPECT_OK(submit("buyer1", &o, &r));
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__false_);
    CU_ASSERT_PTR_NOT_NULL(r.orderId);
    CU_ASSERT_EQUAL(count_str(&q_count_no, o.no, NULL), 1);
}

/* Each refused submission: code, field, and no row written anywhere. */
static void submit_refused(const char *user, struct order_in *o, const char *code,
                           const char *field, unsigned line)
{
    struct eos__SubmitOrderResult r;
    struct counts before;

    counts_take(&before);
    submit(user, o, &r);
    test_expect_fault(client, code, field, __FILE__, line);
    expect_unchanged(&before, __FILE__, line);
    CU_assertImplementation(count_str(&q_count_no, o->no, NULL) == 0, line,
                            "no order under the refused number", __FILE__, "", CU_FALSE);
}
#define SUBMIT_REFUSED(user, o, code, field) submit_refused(user, o, code, field, __LINE__)

static void test_buyer__price_mismatch_is_refused(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-price");
    order_line(client, &o, 1, "SKU-0002", "1", "13.50");
    order_line(client, &o, 2, "SKU-0001", "3", "12.50"); /* list price; buyer1 pays 11.25 */
    SUBMIT_REFUSED("buyer1", &o, "PRICE_MISMATCH", "line[2]/unitPrice");
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "11.25"));
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "12.50"));
    /* Also as a validateOnly trial. */
    order_validate_only(&o);
    SUBMIT_REFUSED("buyer1", &o, "PRICE_MISMATCH", "line[2]/unitPrice");
    /* The same expected price is right for buyer2. */
    order_init(client, &o, "f-price-b2");
    order_line(client, &o, 1, "SKU-0001", "3", "11.25");
    SUBMIT_REFUSED("buyer2", &o, "PRICE_MISMATCH", "line[1]/unitPrice");
}

static void test_buyer__unknown_product_is_refused(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-unknown");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    order_line(client, &o, 2, "SKU-9999", "1", NULL);
    SUBMIT_REFUSED("buyer1", &o, "UNKNOWN_PRODUCT", "line[2]/sku");
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "SKU-9999"));
}

static void test_buyer__unpublished_product_is_not_available(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-unpub-16");
    order_line(client, &o, 1, "SKU-0016", "1", NULL);
    SUBMIT_REFUSED("buyer1", &o, "PRODUCT_NOT_AVAILABLE", "line[1]/sku");
    order_init(client, &o, "f-unpub-11");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    order_line(client, &o, 2, "SKU-0011", "1", NULL); /* BUY001 only */
    SUBMIT_REFUSED("buyer2", &o, "PRODUCT_NOT_AVAILABLE", "line[2]/sku");
    /* SKU-0011 is fine for buyer1 (priced, as a trial). */
    order_validate_only(&o);
    {
        struct eos__SubmitOrderResult r;

        EXPECT_OK(submit("buyer1", &o, &r));
        CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "48.75"); /* 11.25 + 37.50 */
    }
}

static void test_buyer__invalid_fields_are_validation_failed(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-dup-line");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    order_line(client, &o, 2, "SKU-0002", "1", NULL);
    order_line(client, &o, 1, "SKU-0003", "1", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[3]/lineNo");

    order_init(client, &o, "f-qty-0");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    order_line(client, &o, 2, "SKU-0002", "0", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[2]/quantity");

    order_init(client, &o, "f-qty-neg");
    order_line(client, &o, 1, "SKU-0001", "-1", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/quantity");

    order_init(client, &o, "f-qty-4dp");
    order_line(client, &o, 1, "SKU-0001", "1.2345", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/quantity");

    order_init(client, &o, "f-qty-text");
    order_line(client, &o, 1, "SKU-0001", "three", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/quantity");

    order_init(client, &o, "f-date");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    o.req.requestedDeliveryDate = "2026-02-30";
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "requestedDeliveryDate");

    order_init(client, &o, "f-line-date");
    order_line(client, &o, 1, "SKU-0001", "1", NULL)->requestedDeliveryDate = "2026-02-30";
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/requestedDeliveryDate");

    order_init(client, &o, "f-price-5dp");
    order_line(client, &o, 1, "SKU-0001", "1", "11.25001");
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/unitPrice");
}

/* Values the schema itself refuses (minLength, ranges, occurrences) are
 * VALIDATION_FAILED too, and the contract wants <field> to name the element
 * there as well. */
static void test_buyer__schema_refusals_name_the_field(void)
{
    struct order_in o;
    struct _eos__GetCatalogResponse cat;

    fresh_client();
    order_init(client, &o, "f-empty-no");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    o.no[0] = '\0';
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "buyerOrderNo");

    order_init(client, &o, "f-no-lines");
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line");

    order_init(client, &o, "f-line-0");
    order_line(client, &o, 0, "SKU-0001", "1", NULL);
    SUBMIT_REFUSED("buyer1", &o, "VALIDATION_FAILED", "line[1]/lineNo");

    get_catalog("buyer1", NULL, NULL, 0, 501, &cat);
    EXPECT_FAULT("VALIDATION_FAILED", "limit");
}

/* 500 lines are allowed; a 501st is LIMIT_EXCEEDED (CONTRACT.md: "too many
 * lines"), naming "line". Both as validateOnly trials. */
static void test_buyer__too_many_lines_is_limit_exceeded(void)
{
    struct _eos__SubmitOrderRequest req;
    struct eos__SubmitOrderResult r;
    struct eos__OrderLineIn *lines;
    enum xsd__boolean yes = xsd__boolean__true_;
    struct counts before;
    char no[96];

    fresh_client();
    lines = soap_new_eos__OrderLineIn(client, 501);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
    snprintf(no, sizeof(no), "%s-f-501", run_id);
    soap_default__eos__SubmitOrderRequest(client, &req);
    req.buyerOrderNo = no;
    req.validateOnly = &yes;
    req.line = lines;
    for (int i = 0; i < 501; i++) {
        soap_default_eos__OrderLineIn(client, &lines[i]);
        lines[i].lineNo = i + 1;
        lines[i].sku = "SKU-0002";
        lines[i].quantity = "1";
    }
    req.__sizeline = 500;
    test_auth_basic(client, "buyer1", pw());
    EXPECT_OK(soap_call___eos__SubmitOrder(client, hub.endpoint, NULL, &req, &r));
    CU_ASSERT_EQUAL(r.__sizeline, 500);
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "6750.00"); /* 500 x 13.50 */
    counts_take(&before);
    req.__sizeline = 501;
    req.validateOnly = NULL;
    test_auth_basic(client, "buyer1", pw());
    soap_call___eos__SubmitOrder(client, hub.endpoint, NULL, &req, &r);
    EXPECT_FAULT("LIMIT_EXCEEDED", "line");
    EXPECT_UNCHANGED(&before);
}

static void test_buyer__unknown_seller_is_not_found(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-seller");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    o.req.sellerCode = "NOSUCHSELLER";
    SUBMIT_REFUSED("buyer1", &o, "NOT_FOUND", "sellerCode");
    /* A party that exists but is no seller of this buyer. */
    o.req.sellerCode = "BUY002";
    SUBMIT_REFUSED("buyer1", &o, "NOT_FOUND", "sellerCode");
    /* Naming the right seller works. */
    o.req.sellerCode = "ACME";
    order_validate_only(&o);
    {
        struct eos__SubmitOrderResult r;

        EXPECT_OK(submit("buyer1", &o, &r));
        CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "11.25");
    }
}

static void test_buyer__submit_is_forbidden_to_a_seller(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-seller-submits");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    SUBMIT_REFUSED("acme-erp", &o, "FORBIDDEN", NULL);
    /* An operator has no buyer party to order for. */
    SUBMIT_REFUSED("admin", &o, "FORBIDDEN", NULL);
}

static void test_buyer__credit_limit_exceeded_is_refused(void)
{
    struct order_in o;

    fresh_client();
    order_init(client, &o, "f-credit");
    order_line(client, &o, 1, "SKU-0010", "200", NULL); /* 7000.00 > 5000.00 */
    SUBMIT_REFUSED("buyer2", &o, "CREDIT_LIMIT_EXCEEDED", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "5000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "7000.00"));
    order_validate_only(&o);
    SUBMIT_REFUSED("buyer2", &o, "CREDIT_LIMIT_EXCEEDED", NULL);
    /* The same order is well within buyer1's 100000.00. */
    {
        struct eos__SubmitOrderResult r;

        EXPECT_OK(submit("buyer1", &o, &r));
        CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), "7000.00");
    }
}

/* buyer2's open orders per ListOrders (SUBMITTED, ACCEPTED, PARTIALLY_SHIPPED,
 * SHIPPED totals), in 1/10000 units; -1 on failure. */
static int64_t buyer2_open_total(void)
{
    struct _eos__ListOrdersResponse resp;
    struct list_in in = LIST_ALL;
    int64_t sum = 0;

    for (in.offset = 0;; in.offset += in.limit) {
        if (list_orders("buyer2", &in, &resp) != SOAP_OK)
            return -1;
        for (int i = 0; i < resp.__sizeorderSummary; i++) {
            enum eos__OrderStatus s = resp.orderSummary[i].status;

            if (s == eos__OrderStatus__SUBMITTED || s == eos__OrderStatus__ACCEPTED ||
                s == eos__OrderStatus__PARTIALLY_USCORESHIPPED || s == eos__OrderStatus__SHIPPED)
                sum += test_dec(resp.orderSummary[i].totalAmount);
        }
        if (in.offset + resp.__sizeorderSummary >= resp.total || resp.__sizeorderSummary == 0)
            break;
    }
    return sum;
}

/* An order for buyer2 whose total is exactly `cents`: 0.001 x SKU-0001
 * (12.50 -> 0.0125, rounded to 0.01) for an odd cent, and k/1000 x SKU-0004
 * (20.00, so 0.02 per 0.001) for the rest. */
static void order_of_amount(struct order_in *o, const char *tag, int64_t cents)
{
    char qty[32];
    int line_no = 1;

    order_init(client, o, tag);
    if (cents / 2 > 0) {
        snprintf(qty, sizeof(qty), "%lld.%03lld", (long long)(cents / 2 / 1000),
                 (long long)(cents / 2 % 1000));
        order_line(client, o, line_no++, "SKU-0004", qty, "20.00");
    }
    if (cents % 2)
        order_line(client, o, line_no, "SKU-0001", "0.001", "12.50");
    order_validate_only(o);
}

static void test_buyer__credit_exactly_at_the_limit_passes_a_cent_over_fails(void)
{
    struct order_in o;
    struct eos__SubmitOrderResult r;
    struct account acct;
    int64_t open, headroom, cents;
    char want[40];

    fresh_client();
    open = buyer2_open_total();
    CU_ASSERT_FATAL(open >= 0);
    CU_ASSERT_EQUAL_FATAL(account_of("BUY002", &acct), 0);
    /* The account's running exposure agrees with the orders. */
    CU_ASSERT_EQUAL(acct.open, open);
    CU_ASSERT_EQUAL(acct.limit, 50000000);
    headroom = acct.limit - open - acct.receivable;
    CU_ASSERT_FATAL(headroom > 0 && headroom % 100 == 0);
    cents = headroom / 100;

    order_of_amount(&o, "credit-at", cents);
    EXPECT_OK(submit("buyer2", &o, &r));
    snprintf(want, sizeof(want), "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
    CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), want);
    CU_ASSERT_PTR_NULL(r.orderId);

    order_of_amount(&o, "credit-over", cents + 1);
    SUBMIT_REFUSED("buyer2", &o, "CREDIT_LIMIT_EXCEEDED", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "5000.00"));
    CU_ASSERT_PTR_NOT_NULL(strstr(test_nz(test_fault_message(client)), "0.01"));

    /* A real order uses up headroom; cancelling it gives it back. */
    {
        struct order_in small;
        struct _eos__CancelOrderResponse c;
        int64_t id;

        order_init(client, &small, "credit-small");
        order_line(client, &small, 1, "SKU-0001", "1", NULL); /* 12.50 */
        id = SUBMIT_OK("buyer2", &small);
        order_of_amount(&o, "credit-at-2", cents);
        SUBMIT_REFUSED("buyer2", &o, "CREDIT_LIMIT_EXCEEDED", NULL);
        order_of_amount(&o, "credit-at-3", cents - 1250);
        EXPECT_OK(submit("buyer2", &o, &r));
        EXPECT_OK(cancel("buyer2", id, NULL, NULL, &c));
        order_of_amount(&o, "credit-at-4", cents);
        EXPECT_OK(submit("buyer2", &o, &r));
        CU_ASSERT_STRING_EQUAL(test_nz(r.totalAmount), want);
    }
}

/* A number already used answers its first order even when the order could
 * not be placed now: the same order again (with nothing stored), or another
 * order under that number (DUPLICATE_CONFLICT), not the credit refusal its
 * checks would give. */
static void test_buyer__a_replay_is_answered_when_its_checks_would_now_fail(void)
{
    struct order_in o, other;
    struct eos__SubmitOrderResult r;
    struct _eos__CancelOrderResponse c;
    struct account acct;
    struct counts before;
    int64_t headroom, cents, id;

    fresh_client();
    CU_ASSERT_EQUAL_FATAL(account_of("BUY002", &acct), 0);
    headroom = acct.limit - acct.open - acct.receivable;
    CU_ASSERT_FATAL(headroom > 2 * 1000000);
    cents = headroom / 100 - 10000; /* all but 100.00: a second one would not fit */
    order_of_amount(&o, "replay-credit", cents);
    o.req.validateOnly = NULL;
    id = SUBMIT_OK("buyer2", &o);
    CU_ASSERT_TRUE_FATAL(id > 0);
    counts_take(&before);
    order_of_amount(&other, "replay-credit-new", cents);
    SUBMIT_REFUSED("buyer2", &other, "CREDIT_LIMIT_EXCEEDED", NULL);
    EXPECT_OK(submit("buyer2", &o, &r));
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__true_);
    CU_ASSERT_TRUE(r.orderId && *r.orderId == id);
    order_validate_only(&o);
    EXPECT_OK(submit("buyer2", &o, &r));
    CU_ASSERT_EQUAL(r.duplicate, xsd__boolean__true_);
    o.req.validateOnly = NULL;
    snprintf(o.qty[0], sizeof(o.qty[0]), "%s", "0.001"); /* other content */
    submit("buyer2", &o, &r);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerOrderNo");
    EXPECT_UNCHANGED(&before);
    EXPECT_OK(cancel("buyer2", id, NULL, NULL, &c)); /* the headroom back */
}

/* ------------------------------------------------------------ GetOrderStatus */

static void test_buyer__status_by_id_is_the_full_report(void)
{
    struct order_in o;
    struct eos__Order *ord;
    int64_t id;
    time_t now = time(NULL);

    fresh_client();
    order_init(client, &o, "status");
    order_line(client, &o, 1, "SKU-0001", "3", NULL);
    order_line(client, &o, 2, "SKU-0004", "0.333", NULL)->requestedDeliveryDate = "2030-01-15";
    o.req.requestedDeliveryDate = "2030-01-10";
    o.req.shipToCode = "WH-1";
    id = SUBMIT_OK("buyer1", &o);
    CU_ASSERT_TRUE_FATAL(id > 0);
    ord = get_order("buyer1", id, NULL, NULL);
    EXPECT_OK(client->error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL(ord->orderId, id);
    CU_ASSERT_STRING_EQUAL(ord->buyerOrderNo, o.no);
    CU_ASSERT_STRING_EQUAL(ord->sellerCode, "ACME");
    CU_ASSERT_STRING_EQUAL(ord->buyerCode, "BUY001");
    CU_ASSERT_EQUAL(ord->status, eos__OrderStatus__SUBMITTED);
    CU_ASSERT_EQUAL(ord->version, 1);
    CU_ASSERT_EQUAL(ord->allowAdjust, xsd__boolean__true_);
    CU_ASSERT_TRUE(llabs((long long)(ord->createdAt - now)) < 300);
    CU_ASSERT_EQUAL(ord->updatedAt, ord->createdAt);
    CU_ASSERT_STRING_EQUAL(ord->currency, "CNY");
    CU_ASSERT_STRING_EQUAL(ord->totalAmount, "40.41");
    CU_ASSERT_STRING_EQUAL(ord->shippedAmount, "0.00");
    CU_ASSERT_STRING_EQUAL(ord->invoicedAmount, "0.00");
    CU_ASSERT_STRING_EQUAL(ord->paidAmount, "0.00");
    CU_ASSERT_STRING_EQUAL(test_nz(ord->shipToCode), "WH-1");
    CU_ASSERT_STRING_EQUAL(test_nz(ord->requestedDeliveryDate), "2030-01-10");
    CU_ASSERT_PTR_NULL(ord->note);
    CU_ASSERT_EQUAL_FATAL(ord->__sizeline, 2);
    CU_ASSERT_EQUAL(ord->line[0].lineNo, 1);
    CU_ASSERT_STRING_EQUAL(ord->line[0].sku, "SKU-0001");
    CU_ASSERT_STRING_EQUAL(ord->line[0].name, "A4 copy paper, 500 sheets");
    CU_ASSERT_STRING_EQUAL(ord->line[0].quantity, "3");
    CU_ASSERT_STRING_EQUAL(ord->line[0].unitPrice, "11.25");
    CU_ASSERT_STRING_EQUAL(ord->line[0].lineAmount, "33.75");
    CU_ASSERT_STRING_EQUAL(ord->line[0].shippedQuantity, "0");
    CU_ASSERT_STRING_EQUAL(ord->line[0].returnedQuantity, "0");
    CU_ASSERT_PTR_NULL(ord->line[0].requestedDeliveryDate);
    CU_ASSERT_EQUAL(ord->line[1].lineNo, 2);
    CU_ASSERT_STRING_EQUAL(ord->line[1].sku, "SKU-0004");
    CU_ASSERT_STRING_EQUAL(ord->line[1].name, "Lever arch file");
    CU_ASSERT_STRING_EQUAL(ord->line[1].quantity, "0.333");
    CU_ASSERT_STRING_EQUAL(ord->line[1].unitPrice, "20.00");
    CU_ASSERT_STRING_EQUAL(ord->line[1].lineAmount, "6.66");
    CU_ASSERT_STRING_EQUAL(test_nz(ord->line[1].requestedDeliveryDate), "2030-01-15");
    CU_ASSERT_EQUAL_FATAL(ord->__sizehistory, 1);
    CU_ASSERT_PTR_NULL(ord->history[0].fromStatus);
    CU_ASSERT_STRING_EQUAL(ord->history[0].toStatus, "SUBMITTED");
    CU_ASSERT_STRING_EQUAL(ord->history[0].actor, "buyer1");
    CU_ASSERT_PTR_NULL(ord->history[0].reason);
    CU_ASSERT_TRUE(llabs((long long)(ord->history[0].at - ord->createdAt)) <= 1);
    CU_ASSERT_EQUAL(ord->__sizechangeRequest, 0);
    CU_ASSERT_EQUAL(ord->__sizeshipment, 0);
    CU_ASSERT_EQUAL(ord->__sizeinvoice, 0);
}

static void test_buyer__status_by_number_and_who_may_see_it(void)
{
    struct eos__Order *ord;
    char no[96];
    int64_t id;

    fresh_client();
    id = SIMPLE_ORDER("status-who", true);
    CU_ASSERT_TRUE_FATAL(id > 0);
    snprintf(no, sizeof(no), "%s-status-who", run_id);
    /* The buyer by its own number, with or without naming itself. */
    ord = get_order("buyer1", 0, no, NULL);
    EXPECT_OK(client->error);
    CU_ASSERT_TRUE(ord && ord->orderId == id);
    ord = get_order("buyer1", 0, no, "BUY001");
    EXPECT_OK(client->error);
    CU_ASSERT_TRUE(ord && ord->orderId == id);
    /* Another buyer: not found, by id and by number. */
    CU_ASSERT_PTR_NULL(get_order("buyer2", id, NULL, NULL));
    EXPECT_FAULT("NOT_FOUND", NULL);
    CU_ASSERT_PTR_NULL(get_order("buyer2", 0, no, NULL));
    EXPECT_FAULT("NOT_FOUND", NULL);
    CU_ASSERT_PTR_NULL(get_order("buyer2", 0, no, "BUY001"));
    EXPECT_FAULT("NOT_FOUND", NULL);
    CU_ASSERT_PTR_NULL(get_order("buyer1", 0, no, "BUY002"));
    EXPECT_FAULT("NOT_FOUND", NULL);
    /* The seller by id; by number only when it names the buyer. */
    ord = get_order("acme-erp", id, NULL, NULL);
    EXPECT_OK(client->error);
    CU_ASSERT_TRUE(ord && ord->orderId == id && strcmp(ord->buyerCode, "BUY001") == 0);
    CU_ASSERT_PTR_NULL(get_order("acme-erp", 0, no, NULL));
    EXPECT_FAULT("VALIDATION_FAILED", "buyerCode");
    ord = get_order("acme-erp", 0, no, "BUY001");
    EXPECT_OK(client->error);
    CU_ASSERT_TRUE(ord && ord->orderId == id);
    CU_ASSERT_PTR_NULL(get_order("acme-erp", 0, no, "BUY002"));
    EXPECT_FAULT("NOT_FOUND", NULL);
    /* Neither id nor number; an id nobody has. */
    CU_ASSERT_PTR_NULL(get_order("buyer1", 0, NULL, NULL));
    EXPECT_FAULT("VALIDATION_FAILED", NULL);
    CU_ASSERT_PTR_NULL(get_order("buyer1", INT64_C(900000000000), NULL, NULL));
    EXPECT_FAULT("NOT_FOUND", "orderId");
    CU_ASSERT_PTR_NULL(get_order("buyer1", 0, "no-such-order-number", NULL));
    EXPECT_FAULT("NOT_FOUND", "buyerOrderNo");
}

static void test_buyer__text_round_trips_verbatim(void)
{
    struct order_in o;
    struct eos__Order *ord;
    struct _eos__CancelOrderResponse c;
    int64_t id;

    fresh_client();
    order_init(client, &o, "text-\xc3\x9c'\"<&>");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    o.req.note = NOTE_TEXT;
    id = SUBMIT_OK("buyer1", &o);
    CU_ASSERT_TRUE_FATAL(id > 0);
    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->note), NOTE_TEXT);
    CU_ASSERT_STRING_EQUAL(ord->buyerOrderNo, o.no);
    /* And found by that number. */
    ord = get_order("buyer1", 0, o.no, NULL);
    CU_ASSERT_TRUE(ord && ord->orderId == id);
    /* A reason in the history, likewise. */
    EXPECT_OK(cancel("buyer1", id, NULL, NOTE_TEXT, &c));
    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL_FATAL(ord->__sizehistory, 2);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->history[1].reason), NOTE_TEXT);
}

/* n copies of the 2-byte UTF-8 character c, in the client's memory. */
static char *repeat2(const char *c, int n)
{
    char *s = soap_malloc(client, (size_t)n * 2 + 1);

    if (!s)
        return NULL;
    for (int i = 0; i < n; i++)
        memcpy(s + 2 * i, c, 2);
    s[2 * n] = '\0';
    return s;
}

/* XSD length facets count characters, and so do the utf8mb4 columns: a
 * note of 1500 "ü" (3000 bytes) is within eos:Text's 2000, a 50-character
 * buyerOrderNo (80 bytes) within eos:DocumentNo's 64, a 400-character reason
 * (800 bytes) within eos:Reason's 500. Each is accepted and comes back as sent. */
static void test_buyer__lengths_are_counted_in_characters(void)
{
    struct order_in o;
    struct eos__Order *ord;
    struct _eos__CancelOrderResponse c;
    struct eos__SubmitOrderResult r;
    char *note, *tag, *reason;
    int64_t id;
    int rc;

    fresh_client();
    note = repeat2("\xc3\xbc", 1500);
    tag = repeat2("\xc3\x9c", 30);
    reason = repeat2("\xc3\xa9", 400);
    CU_ASSERT_FATAL(note && tag && reason);

    order_init(client, &o, "long-note");
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    o.req.note = note;
    rc = submit("buyer1", &o, &r);
    test_expect_ok(client, rc, __FILE__, __LINE__ - 1, false);
    if (rc == SOAP_OK && r.orderId) {
        ord = get_order("buyer1", *r.orderId, NULL, NULL);
        CU_ASSERT_TRUE(ord && ord->note && strcmp(ord->note, note) == 0);
    }

    order_init(client, &o, tag);
    CU_ASSERT_TRUE(strlen(o.no) > 64 && strlen(o.no) < 96);
    order_line(client, &o, 1, "SKU-0001", "1", NULL);
    rc = submit("buyer1", &o, &r);
    test_expect_ok(client, rc, __FILE__, __LINE__ - 1, false);
    if (rc == SOAP_OK && r.orderId) {
        ord = get_order("buyer1", 0, o.no, NULL);
        CU_ASSERT_TRUE(ord && ord->orderId == *r.orderId && strcmp(ord->buyerOrderNo, o.no) == 0);
    }

    id = SIMPLE_ORDER("long-reason", true);
    CU_ASSERT_TRUE_FATAL(id > 0);
    rc = cancel("buyer1", id, NULL, reason, &c);
    test_expect_ok(client, rc, __FILE__, __LINE__ - 1, false);
    if (rc == SOAP_OK) {
        ord = get_order("buyer1", id, NULL, NULL);
        CU_ASSERT_TRUE(ord && ord->__sizehistory == 2 && ord->history[1].reason &&
                       strcmp(ord->history[1].reason, reason) == 0);
    }
}

/* ------------------------------------------------------------ ListOrders */

static void test_buyer__list_is_newest_first_and_filters(void)
{
    struct _eos__ListOrdersResponse resp;
    struct _eos__CancelOrderResponse c;
    struct list_in in = LIST_ALL;
    char today[11], yesterday[11];
    int64_t a, b, cc, n;
    int ia, ib, ic;

    fresh_client();
    a = SIMPLE_ORDER("list-a", true);
    b = SIMPLE_ORDER("list-b", true);
    cc = SIMPLE_ORDER("list-c", true);
    CU_ASSERT_TRUE_FATAL(a > 0 && b > 0 && cc > 0);
    EXPECT_OK(cancel("buyer1", b, NULL, NULL, &c));

    EXPECT_OK(list_orders("buyer1", &in, &resp));
    n = count_str(&q_count_buyer, "BUY001", NULL);
    CU_ASSERT_EQUAL(resp.total, n);
    CU_ASSERT_FATAL(n <= 500);
    CU_ASSERT_EQUAL(resp.__sizeorderSummary, n);
    ia = list_index(&resp, a);
    ib = list_index(&resp, b);
    ic = list_index(&resp, cc);
    CU_ASSERT_TRUE(ic >= 0 && ib > ic && ia > ib);
    for (int i = 1; i < resp.__sizeorderSummary; i++)
        CU_ASSERT_TRUE(resp.orderSummary[i - 1].createdAt >= resp.orderSummary[i].createdAt);
    if (ib >= 0) {
        CU_ASSERT_EQUAL(resp.orderSummary[ib].status, eos__OrderStatus__CANCELLED);
        CU_ASSERT_STRING_EQUAL(resp.orderSummary[ib].totalAmount, "40.41");
        CU_ASSERT_TRUE(strstr(resp.orderSummary[ib].buyerOrderNo, "-list-b") != NULL);
    }

    /* Status filter. */
    in.has_status = true;
    in.status = eos__OrderStatus__CANCELLED;
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer_status, "BUY001", "CANCELLED"));
    CU_ASSERT_TRUE(list_index(&resp, b) >= 0);
    CU_ASSERT_EQUAL(list_index(&resp, a), -1);
    for (int i = 0; i < resp.__sizeorderSummary; i++)
        CU_ASSERT_EQUAL(resp.orderSummary[i].status, eos__OrderStatus__CANCELLED);
    in.status = eos__OrderStatus__SUBMITTED;
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer_status, "BUY001", "SUBMITTED"));
    CU_ASSERT_TRUE(list_index(&resp, a) >= 0 && list_index(&resp, cc) >= 0);
    CU_ASSERT_EQUAL(list_index(&resp, b), -1);
    in.has_status = false;

    /* Creation dates: today includes, up to yesterday excludes. */
    utc_date(today, 0);
    utc_date(yesterday, -1);
    in.from = today;
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_TRUE(list_index(&resp, a) >= 0 && list_index(&resp, b) >= 0 &&
                   list_index(&resp, cc) >= 0);
    in.to = today;
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_TRUE(list_index(&resp, cc) >= 0);
    in.from = NULL;
    in.to = yesterday;
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_EQUAL(list_index(&resp, a), -1);
    CU_ASSERT_EQUAL(list_index(&resp, cc), -1);
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer_before_today, "BUY001", NULL));
    in.to = NULL;
    in.from = "2999-01-01";
    EXPECT_OK(list_orders("buyer1", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, 0);
    CU_ASSERT_EQUAL(resp.__sizeorderSummary, 0);
    in.from = "2026-02-30";
    list_orders("buyer1", &in, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", "createdFrom");
}

static void test_buyer__list_pages_with_total(void)
{
    struct _eos__ListOrdersResponse all, page;
    struct list_in in = LIST_ALL;
    int64_t n;

    fresh_client();
    CU_ASSERT_TRUE_FATAL(SIMPLE_ORDER("page-a", true) > 0);
    CU_ASSERT_TRUE_FATAL(SIMPLE_ORDER("page-b", true) > 0);
    CU_ASSERT_TRUE_FATAL(SIMPLE_ORDER("page-c", true) > 0);
    n = count_str(&q_count_buyer, "BUY001", NULL);
    EXPECT_OK(list_orders("buyer1", &in, &all));
    CU_ASSERT_EQUAL_FATAL(all.__sizeorderSummary, n);
    in.limit = 2;
    for (in.offset = 0; in.offset < n; in.offset += 2) {
        EXPECT_OK(list_orders("buyer1", &in, &page));
        CU_ASSERT_EQUAL(page.total, n);
        CU_ASSERT_EQUAL(page.__sizeorderSummary, n - in.offset < 2 ? n - in.offset : 2);
        for (int i = 0; i < page.__sizeorderSummary; i++)
            CU_ASSERT_EQUAL(page.orderSummary[i].orderId, all.orderSummary[in.offset + i].orderId);
    }
    in.offset = (int)n;
    EXPECT_OK(list_orders("buyer1", &in, &page));
    CU_ASSERT_EQUAL(page.total, n);
    CU_ASSERT_EQUAL(page.__sizeorderSummary, 0);
    /* Without offset and limit: the first 100. */
    in.offset = -1;
    in.limit = -1;
    EXPECT_OK(list_orders("buyer1", &in, &page));
    CU_ASSERT_EQUAL(page.total, n);
    CU_ASSERT_EQUAL(page.__sizeorderSummary, n < 100 ? n : 100);
}

static void test_buyer__list_shows_only_the_callers_orders(void)
{
    struct _eos__ListOrdersResponse resp;
    struct list_in in = LIST_ALL;
    int64_t a;

    fresh_client();
    a = SIMPLE_ORDER("list-scope", true);
    CU_ASSERT_TRUE_FATAL(a > 0);
    /* buyer2 never sees buyer1's orders. */
    EXPECT_OK(list_orders("buyer2", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer, "BUY002", NULL));
    CU_ASSERT_EQUAL(list_index(&resp, a), -1);
    for (int i = 0; i < resp.__sizeorderSummary; i++)
        CU_ASSERT_TRUE(!resp.orderSummary[i].buyerCode ||
                       strcmp(resp.orderSummary[i].buyerCode, "BUY002") == 0);
    /* A buyer naming another buyer: not found; naming itself: fine. */
    in.buyer_code = "BUY001";
    list_orders("buyer2", &in, &resp);
    EXPECT_FAULT("NOT_FOUND", NULL);
    in.buyer_code = "BUY002";
    EXPECT_OK(list_orders("buyer2", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer, "BUY002", NULL));
    /* The seller filters by buyer. */
    EXPECT_OK(list_orders("acme-erp", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer, "BUY002", NULL));
    CU_ASSERT_EQUAL(list_index(&resp, a), -1);
    for (int i = 0; i < resp.__sizeorderSummary; i++)
        CU_ASSERT_STRING_EQUAL(test_nz(resp.orderSummary[i].buyerCode), "BUY002");
    in.buyer_code = "BUY001";
    EXPECT_OK(list_orders("acme-erp", &in, &resp));
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_buyer, "BUY001", NULL));
    CU_ASSERT_TRUE(list_index(&resp, a) >= 0);
    for (int i = 0; i < resp.__sizeorderSummary; i++)
        CU_ASSERT_STRING_EQUAL(test_nz(resp.orderSummary[i].buyerCode), "BUY001");
    in.buyer_code = NULL;
    EXPECT_OK(list_orders("acme-erp", &in, &resp));
    /* Every order of the seller's, whichever buyer (other suites add buyers). */
    CU_ASSERT_EQUAL(resp.total, count_str(&q_count_seller, "ACME", NULL));
    in.buyer_code = "NOSUCHBUYER";
    list_orders("acme-erp", &in, &resp);
    EXPECT_FAULT("NOT_FOUND", NULL);
    in.buyer_code = "ACME"; /* a party, but no buyer */
    list_orders("acme-erp", &in, &resp);
    EXPECT_FAULT("NOT_FOUND", NULL);
}

/* ------------------------------------------------------------ CancelOrder */

static void test_buyer__cancel_moves_submitted_to_cancelled(void)
{
    struct _eos__CancelOrderResponse c;
    struct eos__Order *ord;
    struct counts before, after;
    struct account acct_before, acct_after;
    int expected = 1;
    int64_t id;

    fresh_client();
    id = SIMPLE_ORDER("cancel", true);
    CU_ASSERT_TRUE_FATAL(id > 0);
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_before), 0);
    counts_take(&before);
    EXPECT_OK(cancel("buyer1", id, &expected, "changed our mind", &c));
    CU_ASSERT_EQUAL(c.orderId, id);
    CU_ASSERT_EQUAL(c.status, eos__OrderStatus__CANCELLED);
    CU_ASSERT_EQUAL(c.version, 2);
    counts_take(&after);
    CU_ASSERT_EQUAL(after.history, before.history + 1);
    CU_ASSERT_EQUAL(after.orders, before.orders);
    CU_ASSERT_EQUAL(after.feed, before.feed); /* the order's feed entry moves, no new one */
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_after), 0);
    CU_ASSERT_EQUAL(acct_before.open - acct_after.open, 404100); /* 40.41 released */

    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL(ord->status, eos__OrderStatus__CANCELLED);
    CU_ASSERT_EQUAL(ord->version, 2);
    CU_ASSERT_TRUE(ord->updatedAt >= ord->createdAt);
    CU_ASSERT_EQUAL_FATAL(ord->__sizehistory, 2);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->history[1].fromStatus), "SUBMITTED");
    CU_ASSERT_STRING_EQUAL(ord->history[1].toStatus, "CANCELLED");
    CU_ASSERT_STRING_EQUAL(ord->history[1].actor, "buyer1");
    CU_ASSERT_STRING_EQUAL(test_nz(ord->history[1].reason), "changed our mind");
    CU_ASSERT_TRUE(ord->history[1].version && *ord->history[1].version == 2);

    /* Again: no transition from CANCELLED; nothing written. */
    counts_take(&before);
    cancel("buyer1", id, NULL, "again", &c);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_TRUE(ord && ord->version == 2 && ord->__sizehistory == 2);
}

static void test_buyer__cancel_with_stale_version_or_by_others_changes_nothing(void)
{
    struct _eos__CancelOrderResponse c;
    struct eos__Order *ord;
    struct counts before;
    int stale = 5, zero = 0;
    int64_t id;

    fresh_client();
    id = SIMPLE_ORDER("cancel-guard", true);
    CU_ASSERT_TRUE_FATAL(id > 0);
    counts_take(&before);
    cancel("buyer1", id, &stale, NULL, &c);
    EXPECT_FAULT("VERSION_CONFLICT", "expectedVersion");
    EXPECT_UNCHANGED(&before);
    cancel("buyer1", id, &zero, NULL, &c);
    EXPECT_FAULT("VERSION_CONFLICT", "expectedVersion");
    EXPECT_UNCHANGED(&before);
    cancel("buyer2", id, NULL, "not mine", &c);
    EXPECT_FAULT("NOT_FOUND", NULL);
    EXPECT_UNCHANGED(&before);
    cancel("acme-erp", id, NULL, "seller uses UpdateOrderStatus", &c);
    EXPECT_FAULT("FORBIDDEN", NULL);
    EXPECT_UNCHANGED(&before);
    cancel("buyer1", INT64_C(900000000000), NULL, NULL, &c);
    EXPECT_FAULT("NOT_FOUND", NULL);
    EXPECT_UNCHANGED(&before);
    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL(ord->status, eos__OrderStatus__SUBMITTED);
    CU_ASSERT_EQUAL(ord->version, 1);
    CU_ASSERT_EQUAL(ord->__sizehistory, 1);
    /* Without expectedVersion the owner may cancel. */
    EXPECT_OK(cancel("buyer1", id, NULL, NULL, &c));
    CU_ASSERT_EQUAL(c.status, eos__OrderStatus__CANCELLED);
    CU_ASSERT_EQUAL(c.version, 2);
}

static void test_buyer__cancel_accepted_only_while_nothing_shipped(void)
{
    struct _eos__CancelOrderResponse c;
    struct _eos__RequestOrderChangeResponse ch;
    struct eos__Order *ord;
    struct account acct_before, acct_after;
    struct counts before;
    int expected = 2;
    int64_t accepted, shipped;

    fresh_client();
    accepted = SIMPLE_ORDER("cancel-accepted", true);
    shipped = SIMPLE_ORDER("cancel-shipped", true);
    CU_ASSERT_TRUE_FATAL(accepted > 0 && shipped > 0);
    CU_ASSERT_EQUAL_FATAL(force(&q_force_accepted, accepted), 1);
    CU_ASSERT_EQUAL_FATAL(force(&q_force_accepted, shipped), 1);
    CU_ASSERT_EQUAL_FATAL(force(&q_force_shipped_line, shipped), 1);
    CU_ASSERT_EQUAL_FATAL(force(&q_force_shipped_order, shipped), 1);

    /* ACCEPTED takes change requests too. */
    EXPECT_OK(request_change("buyer1", accepted, &expected, 1, "4", NULL, NULL, &ch));
    CU_ASSERT_EQUAL(ch.status, eos__ChangeStatus__PENDING);

    /* Something shipped: neither cancel nor change; nothing written. */
    counts_take(&before);
    cancel("buyer1", shipped, NULL, NULL, &c);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", shipped, NULL, 2, "1", NULL, NULL, &ch);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
    ord = get_order("buyer1", shipped, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL(ord->status, eos__OrderStatus__PARTIALLY_USCORESHIPPED);
    CU_ASSERT_STRING_EQUAL(ord->shippedAmount, "22.50");
    CU_ASSERT_EQUAL_FATAL(ord->__sizeline, 2);
    CU_ASSERT_STRING_EQUAL(ord->line[0].shippedQuantity, "2");

    /* ACCEPTED with nothing shipped: cancelled, its exposure released. */
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_before), 0);
    EXPECT_OK(cancel("buyer1", accepted, &expected, "too late after all", &c));
    CU_ASSERT_EQUAL(c.status, eos__OrderStatus__CANCELLED);
    CU_ASSERT_EQUAL(c.version, 3);
    CU_ASSERT_EQUAL_FATAL(account_of("BUY001", &acct_after), 0);
    CU_ASSERT_EQUAL(acct_before.open - acct_after.open, 404100);
    ord = get_order("buyer1", accepted, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL_FATAL(ord->__sizehistory, 2);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->history[1].fromStatus), "ACCEPTED");
    CU_ASSERT_STRING_EQUAL(ord->history[1].toStatus, "CANCELLED");
}

/* ------------------------------------------------------------ RequestOrderChange */

static void test_buyer__change_request_is_pending_and_reported(void)
{
    struct _eos__RequestOrderChangeRequest req;
    struct _eos__RequestOrderChangeResponse resp;
    struct eos__LineChange changes[2];
    struct eos__Order *ord;
    struct counts before, after;
    int expected = 1;
    int64_t id;

    fresh_client();
    id = SIMPLE_ORDER("change", true);
    CU_ASSERT_TRUE_FATAL(id > 0);
    counts_take(&before);
    soap_default__eos__RequestOrderChangeRequest(client, &req);
    soap_default_eos__LineChange(client, &changes[0]);
    soap_default_eos__LineChange(client, &changes[1]);
    changes[0].lineNo = 1;
    changes[0].newQuantity = "5";
    changes[1].lineNo = 2;
    changes[1].newDeliveryDate = "2030-02-01";
    req.orderId = id;
    req.expectedVersion = &expected;
    req.__sizechange = 2;
    req.change = changes;
    req.reason = "more paper";
    test_auth_basic(client, "buyer1", pw());
    EXPECT_OK(soap_call___eos__RequestOrderChange(client, hub.endpoint, NULL, &req, &resp));
    CU_ASSERT_TRUE(resp.changeRequestId > 0);
    CU_ASSERT_EQUAL(resp.status, eos__ChangeStatus__PENDING);
    counts_take(&after);
    CU_ASSERT_EQUAL(after.changes, before.changes + 1);
    CU_ASSERT_EQUAL(after.change_lines, before.change_lines + 2);

    ord = get_order("buyer1", id, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ord);
    CU_ASSERT_EQUAL(ord->status, eos__OrderStatus__SUBMITTED);
    CU_ASSERT_EQUAL_FATAL(ord->__sizechangeRequest, 1);
    CU_ASSERT_EQUAL(ord->changeRequest[0].changeRequestId, resp.changeRequestId);
    CU_ASSERT_EQUAL(ord->changeRequest[0].status, eos__ChangeStatus__PENDING);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->changeRequest[0].requestedBy), "buyer1");
    CU_ASSERT_STRING_EQUAL(test_nz(ord->changeRequest[0].reason), "more paper");
    CU_ASSERT_PTR_NULL(ord->changeRequest[0].decidedAt);
    CU_ASSERT_EQUAL_FATAL(ord->changeRequest[0].__sizechange, 2);
    CU_ASSERT_EQUAL(ord->changeRequest[0].change[0].lineNo, 1);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->changeRequest[0].change[0].newQuantity), "5");
    CU_ASSERT_PTR_NULL(ord->changeRequest[0].change[0].newUnitPrice);
    CU_ASSERT_PTR_NULL(ord->changeRequest[0].change[0].newDeliveryDate);
    CU_ASSERT_EQUAL(ord->changeRequest[0].change[1].lineNo, 2);
    CU_ASSERT_PTR_NULL(ord->changeRequest[0].change[1].newQuantity);
    CU_ASSERT_STRING_EQUAL(test_nz(ord->changeRequest[0].change[1].newDeliveryDate), "2030-02-01");
    /* The order itself is as it was until the seller decides. */
    CU_ASSERT_EQUAL_FATAL(ord->__sizeline, 2);
    CU_ASSERT_STRING_EQUAL(ord->line[0].quantity, "3");

    /* One pending request per order. */
    counts_take(&before);
    request_change("buyer1", id, NULL, 1, "6", NULL, NULL, &resp);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
}

static void test_buyer__change_request_refusals_store_nothing(void)
{
    struct _eos__RequestOrderChangeResponse resp;
    struct _eos__CancelOrderResponse c;
    struct counts before;
    int stale = 7;
    int64_t open, fixed, cancelled;

    fresh_client();
    open = SIMPLE_ORDER("change-guard", true);
    fixed = SIMPLE_ORDER("change-fixed", false);
    cancelled = SIMPLE_ORDER("change-cancelled", true);
    CU_ASSERT_TRUE_FATAL(open > 0 && fixed > 0 && cancelled > 0);
    EXPECT_OK(cancel("buyer1", cancelled, NULL, NULL, &c));
    {
        struct eos__Order *ord = get_order("buyer1", fixed, NULL, NULL);

        CU_ASSERT_TRUE(ord && ord->allowAdjust == xsd__boolean__false_);
    }
    counts_take(&before);

    request_change("buyer1", open, NULL, 99, "1", NULL, NULL, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", "change[1]/lineNo");
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", fixed, NULL, 1, "1", NULL, NULL, &resp);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", cancelled, NULL, 1, "1", NULL, NULL, &resp);
    EXPECT_FAULT("INVALID_TRANSITION", NULL);
    EXPECT_UNCHANGED(&before);
    request_change("buyer2", open, NULL, 1, "1", NULL, NULL, &resp);
    EXPECT_FAULT("NOT_FOUND", NULL);
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", open, &stale, 1, "1", NULL, NULL, &resp);
    EXPECT_FAULT("VERSION_CONFLICT", "expectedVersion");
    EXPECT_UNCHANGED(&before);
    request_change("acme-erp", open, NULL, 1, "1", NULL, NULL, &resp);
    EXPECT_FAULT("FORBIDDEN", NULL);
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", open, NULL, 1, NULL, NULL, NULL, &resp); /* changes nothing */
    EXPECT_FAULT("VALIDATION_FAILED", "change[1]");
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", open, NULL, 1, NULL, "2026-02-30", NULL, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", "change[1]/newDeliveryDate");
    EXPECT_UNCHANGED(&before);
    request_change("buyer1", open, NULL, 1, "1.2345", NULL, NULL, &resp);
    EXPECT_FAULT("VALIDATION_FAILED", "change[1]/newQuantity");
    EXPECT_UNCHANGED(&before);
    /* Below what has shipped: QUANTITY_EXCEEDED. (An order with shipments is
     * past taking changes, so the line is shipped by hand on an ACCEPTED one:
     * the rule is checked even where the state machine already stops it.) */
    {
        int64_t below = SIMPLE_ORDER("change-below-shipped", true);
        int expected = 2;

        CU_ASSERT_TRUE_FATAL(below > 0);
        CU_ASSERT_EQUAL_FATAL(force(&q_force_accepted, below), 1);
        CU_ASSERT_EQUAL_FATAL(force(&q_force_shipped_line, below), 1);
        counts_take(&before);
        request_change("buyer1", below, &expected, 1, "1", NULL, NULL, &resp);
        EXPECT_FAULT("QUANTITY_EXCEEDED", "change[1]/newQuantity");
        EXPECT_UNCHANGED(&before);
        EXPECT_OK(request_change("buyer1", below, &expected, 1, "2", NULL, NULL, &resp));
    }
    /* After all that, the order still takes a good request. */
    EXPECT_OK(request_change("buyer1", open, NULL, 2, "1", NULL, "fine", &resp));
    CU_ASSERT_EQUAL(resp.status, eos__ChangeStatus__PENDING);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_buyer__catalog_buyer1_sees_its_fifteen_products",
         test_buyer__catalog_buyer1_sees_its_fifteen_products},
        {"test_buyer__catalog_buyer2_sees_its_ten_at_list_price",
         test_buyer__catalog_buyer2_sees_its_ten_at_list_price},
        {"test_buyer__catalog_pages_with_offset_limit_total",
         test_buyer__catalog_pages_with_offset_limit_total},
        {"test_buyer__catalog_filters_by_category", test_buyer__catalog_filters_by_category},
        {"test_buyer__catalog_filters_by_search", test_buyer__catalog_filters_by_search},
        {"test_buyer__catalog_filters_by_changed_since",
         test_buyer__catalog_filters_by_changed_since},
        {"test_buyer__inactive_products_and_future_prices_do_not_apply",
         test_buyer__inactive_products_and_future_prices_do_not_apply},
        {"test_buyer__catalog_is_forbidden_to_a_seller",
         test_buyer__catalog_is_forbidden_to_a_seller},
        {"test_buyer__catalog_refuses_bad_paging_and_unknown_seller",
         test_buyer__catalog_refuses_bad_paging_and_unknown_seller},
        {"test_buyer__submit_prices_and_stores_the_order",
         test_buyer__submit_prices_and_stores_the_order},
        {"test_buyer__submit_rounds_half_away_from_zero_to_cents",
         test_buyer__submit_rounds_half_away_from_zero_to_cents},
        {"test_buyer__submit_again_is_the_same_order_marked_duplicate",
         test_buyer__submit_again_is_the_same_order_marked_duplicate},
        {"test_buyer__same_number_other_content_is_duplicate_conflict",
         test_buyer__same_number_other_content_is_duplicate_conflict},
        {"test_buyer__naming_the_only_seller_is_the_same_order",
         test_buyer__naming_the_only_seller_is_the_same_order},
        {"test_buyer__order_numbers_differing_in_case_are_two_orders",
         test_buyer__order_numbers_differing_in_case_are_two_orders},
        {"test_buyer__order_numbers_are_per_buyer", test_buyer__order_numbers_are_per_buyer},
        {"test_buyer__racing_identical_submissions_make_one_order",
         test_buyer__racing_identical_submissions_make_one_order},
        {"test_buyer__racing_conflicting_submissions_store_one",
         test_buyer__racing_conflicting_submissions_store_one},
        {"test_buyer__validate_only_prices_and_stores_nothing",
         test_buyer__validate_only_prices_and_stores_nothing},
        {"test_buyer__price_mismatch_is_refused", test_buyer__price_mismatch_is_refused},
        {"test_buyer__unknown_product_is_refused", test_buyer__unknown_product_is_refused},
        {"test_buyer__unpublished_product_is_not_available",
         test_buyer__unpublished_product_is_not_available},
        {"test_buyer__invalid_fields_are_validation_failed",
         test_buyer__invalid_fields_are_validation_failed},
        {"test_buyer__schema_refusals_name_the_field", test_buyer__schema_refusals_name_the_field},
        {"test_buyer__too_many_lines_is_limit_exceeded",
         test_buyer__too_many_lines_is_limit_exceeded},
        {"test_buyer__unknown_seller_is_not_found", test_buyer__unknown_seller_is_not_found},
        {"test_buyer__submit_is_forbidden_to_a_seller",
         test_buyer__submit_is_forbidden_to_a_seller},
        {"test_buyer__credit_limit_exceeded_is_refused",
         test_buyer__credit_limit_exceeded_is_refused},
        {"test_buyer__a_replay_is_answered_when_its_checks_would_now_fail",
         test_buyer__a_replay_is_answered_when_its_checks_would_now_fail},
        {"test_buyer__credit_exactly_at_the_limit_passes_a_cent_over_fails",
         test_buyer__credit_exactly_at_the_limit_passes_a_cent_over_fails},
        {"test_buyer__status_by_id_is_the_full_report",
         test_buyer__status_by_id_is_the_full_report},
        {"test_buyer__status_by_number_and_who_may_see_it",
         test_buyer__status_by_number_and_who_may_see_it},
        {"test_buyer__text_round_trips_verbatim", test_buyer__text_round_trips_verbatim},
        {"test_buyer__lengths_are_counted_in_characters",
         test_buyer__lengths_are_counted_in_characters},
        {"test_buyer__list_is_newest_first_and_filters",
         test_buyer__list_is_newest_first_and_filters},
        {"test_buyer__list_pages_with_total", test_buyer__list_pages_with_total},
        {"test_buyer__list_shows_only_the_callers_orders",
         test_buyer__list_shows_only_the_callers_orders},
        {"test_buyer__cancel_moves_submitted_to_cancelled",
         test_buyer__cancel_moves_submitted_to_cancelled},
        {"test_buyer__cancel_with_stale_version_or_by_others_changes_nothing",
         test_buyer__cancel_with_stale_version_or_by_others_changes_nothing},
        {"test_buyer__cancel_accepted_only_while_nothing_shipped",
         test_buyer__cancel_accepted_only_while_nothing_shipped},
        {"test_buyer__change_request_is_pending_and_reported",
         test_buyer__change_request_is_pending_and_reported},
        {"test_buyer__change_request_refusals_store_nothing",
         test_buyer__change_request_refusals_store_nothing},
    };

    return cunit_run("buyer", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
