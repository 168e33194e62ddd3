/*
 * test_returns.c - returns and reconciliation (issue 5) through real gSOAP
 * clients against a real hub: SubmitReturn (pricing at the agreed return
 * price, the order's open quantities, idempotency and its race, every fault),
 * ProcessReturn (the state machine, price authority, versions, history, the
 * order's returned quantities, the refund credit), GetReturnStatus and who may
 * see what, the return feed (DownloadReturns / AcknowledgeReturns), account
 * documents and their confirmation, the balance (as of a date) and statements
 * whose periods join without a gap.
 *
 * Works on the shared test database with the demo data (see scripts/run-tests).
 * Every document number starts with this run's prefix; the documents this
 * suite dates itself (shipments, invoices, payments) fall in one year of the
 * 20th century chosen per run, which no other suite uses, each test in its own
 * months; figures that other suites' documents also move (balances, refunds,
 * which are dated the day they are posted) are asserted as differences across
 * this suite's own steps. After every refused request the return tables,
 * returned quantities and confirmations are exactly as before.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cunit_run.h"
#include "hub_fixture.h"
#include "store/db.h"
#include "store/stmt.h"

#define MAX_LINES 6
#define RACE_ROUNDS 10
#define NOT_AN_ID 900000000000LL

static struct test_hub hub;
static struct soap *client;
static struct db_conn *db;
static char run_id[48]; /* prefix of every document number of this run */
static int year;        /* the year of this run's dated documents */

/* ------------------------------------------------------------ suite */

static int suite_init(void)
{
    struct db_config cfg;
    unsigned long mix = (unsigned long)time(NULL) ^ ((unsigned long)getpid() * 2654435761UL);

    snprintf(run_id, sizeof(run_id), "TR-%d-%ld", (int)getpid(), (long)(time(NULL) % 100000));
    year = 1901 + (int)(mix % 98);
    db_config_from_env(&cfg);
    if (db_open(&db, &cfg) < 0) {
        fprintf(stderr, "test_returns: cannot open the test database\n");
        return 1;
    }
    if (test_hub_start(&hub, "test_returns", NULL) < 0)
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

/* Money in 1/10000 units from whole and hundredths: M(25, 50) is 25.50. */
#define M(units, cents) ((int64_t)(units)*10000 + (int64_t)(cents)*100)

/* YYYY-MM-DD of today (UTC). */
static const char *today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
    return out;
}

/* A day of this run's year. */
static const char *ymd(char out[11], int month, int day)
{
    int y = year < 1900 ? 1900 : year > 9999 ? 9999 : year;
    int m = month < 1 ? 1 : month > 12 ? 12 : month;
    int d = day < 1 ? 1 : day > 31 ? 31 : day;

    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return out;
}

/* "<run_id>-<tag>" */
static const char *number(char *out, size_t size, const char *tag)
{
    snprintf(out, size, "%s-%s", run_id, tag);
    return out;
}

static bool near_now(time_t t)
{
    return llabs((long long)(t - time(NULL))) <= 300;
}

/* ------------------------------------------------------------ faults */

#define EXPECT_FAULT(code, field) test_expect_fault(client, code, field, __FILE__, __LINE__)

#define EXPECT_OK(rc) test_expect_ok(client, rc, __FILE__, __LINE__, true)

/* Asserts a money (or quantity) string equals the expected text. */
static void expect_text(const char *got, const char *want, const char *what, const char *file,
                        unsigned line)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "%s is \"%s\", got \"%s\"", what, want, test_nz(got));
    CU_assertImplementation(got && strcmp(got, want) == 0, line, msg, file, "", CU_FALSE);
}
#define EXPECT_TEXT(got, want) expect_text(got, want, #got, __FILE__, __LINE__)

/* ------------------------------------------------------------ database */

/* What returns and confirmations write, counted and summed. */
struct counts {
    int64_t returns, lines, history, feed, confirmations;
    char sums[256];
};

DB_SQL(q_counts, "SELECT (SELECT COUNT(*) FROM return_order), (SELECT COUNT(*) FROM return_line), "
                 "(SELECT COUNT(*) FROM return_history), "
                 "(SELECT COUNT(*) FROM feed_entry WHERE feed = 'RETURN'), "
                 "(SELECT COUNT(*) FROM document_confirmation), "
                 "CONCAT_WS('/', (SELECT COALESCE(SUM(total_amount), 0) FROM return_order), "
                 "(SELECT COALESCE(SUM(version), 0) FROM return_order), "
                 "(SELECT COUNT(*) FROM return_order WHERE refund_date IS NOT NULL), "
                 "(SELECT COALESCE(SUM(unit_price), 0) FROM return_line), "
                 "(SELECT COALESCE(SUM(returned_qty), 0) FROM order_line), "
                 "(SELECT COUNT(*) FROM feed_entry WHERE feed = 'RETURN' AND seq IS NULL), "
                 "(SELECT COALESCE(SUM(confirmed), 0) FROM document_confirmation), "
                 "(SELECT COALESCE(SUM(version), 0) FROM purchase_order))");
DB_SQL(q_count_return_no, "SELECT COUNT(*) FROM return_order WHERE buyer_return_no = ?");
DB_SQL(q_count_return_lines, "SELECT COUNT(*) FROM return_line WHERE return_id = ?");
DB_SQL(q_count_return_history, "SELECT COUNT(*) FROM return_history WHERE return_id = ?");
DB_SQL(q_count_return_feed,
       "SELECT COUNT(*) FROM feed_entry WHERE feed = 'RETURN' AND object_id = ?");

static void counts_take(struct counts *c)
{
    struct db_cols cols;

    memset(c, 0, sizeof(*c));
    db_cols_init(&cols);
    col_i64(&cols, &c->returns);
    col_i64(&cols, &c->lines);
    col_i64(&cols, &c->history);
    col_i64(&cols, &c->feed);
    col_i64(&cols, &c->confirmations);
    col_str(&cols, c->sums, sizeof(c->sums));
    if (db_query_one(db, &q_counts, NULL, &cols) != 1)
        c->returns = -1;
}

/* Asserts, at the caller's line, that nothing was stored since *before. */
static void expect_unchanged(const struct counts *before, const char *file, unsigned line)
{
    struct counts now;
    char what[768];

    counts_take(&now);
    snprintf(what, sizeof(what),
             "nothing stored: returns %lld->%lld lines %lld->%lld history %lld->%lld "
             "feed %lld->%lld confirmations %lld->%lld sums %s->%s",
             (long long)before->returns, (long long)now.returns, (long long)before->lines,
             (long long)now.lines, (long long)before->history, (long long)now.history,
             (long long)before->feed, (long long)now.feed, (long long)before->confirmations,
             (long long)now.confirmations, before->sums, now.sums);
    CU_assertImplementation(
        before->returns >= 0 && now.returns == before->returns && now.lines == before->lines &&
            now.history == before->history && now.feed == before->feed &&
            now.confirmations == before->confirmations && strcmp(now.sums, before->sums) == 0,
        line, what, file, "", CU_FALSE);
}
#define EXPECT_UNCHANGED(before) expect_unchanged(before, __FILE__, __LINE__)

static int64_t count_str(struct db_sql *q, const char *a1)
{
    struct db_args a;
    struct db_cols c;
    int64_t n = -1;

    db_args_init(&a);
    arg_str(&a, a1);
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

/* ------------------------------------------------------------ the seller's path */

/* One order line: ship NULL leaves it unshipped. */
struct line_spec {
    int line_no;
    const char *sku;
    const char *qty;
    const char *ship;
};

/* buyer1 submits, acme-erp accepts: the order's id (0 on failure). */
static int64_t place_order(const char *tag, const struct line_spec *lines, size_t n, unsigned line)
{
    struct _eos__SubmitOrderRequest req;
    struct eos__SubmitOrderResult res;
    struct _eos__UpdateOrderStatusRequest ureq;
    struct _eos__UpdateOrderStatusResponse uresp;
    struct eos__OrderLineIn in[MAX_LINES];
    char no[96];
    int64_t id;
    int rc;

    soap_default__eos__SubmitOrderRequest(client, &req);
    soap_default_eos__SubmitOrderResult(client, &res);
    req.buyerOrderNo = (char *)number(no, sizeof(no), tag);
    req.__sizeline = (int)n;
    req.line = in;
    for (size_t i = 0; i < n && i < MAX_LINES; i++) {
        soap_default_eos__OrderLineIn(client, &in[i]);
        in[i].lineNo = lines[i].line_no;
        in[i].sku = (char *)lines[i].sku;
        in[i].quantity = (char *)lines[i].qty;
    }
    test_auth_basic(client, "buyer1", pw());
    rc = soap_call___eos__SubmitOrder(client, hub.endpoint, NULL, &req, &res);
    test_expect_ok(client, rc, __FILE__, line, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res.orderId);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res.version);
    id = *res.orderId;
    soap_default__eos__UpdateOrderStatusRequest(client, &ureq);
    soap_default__eos__UpdateOrderStatusResponse(client, &uresp);
    ureq.orderId = id;
    ureq.action = eos__OrderAction__ACCEPT;
    ureq.expectedVersion = *res.version;
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__UpdateOrderStatus(client, hub.endpoint, NULL, &ureq, &uresp);
    test_expect_ok(client, rc, __FILE__, line, true);
    CU_ASSERT_EQUAL(uresp.status, eos__OrderStatus__ACCEPTED);
    return id;
}

/* RecordShipment of every line with a ship quantity. */
static void ship(const char *no, int64_t order_id, const char *date, const struct line_spec *lines,
                 size_t n, unsigned line)
{
    struct _eos__RecordShipmentRequest req;
    struct _eos__RecordShipmentResponse resp;
    struct eos__DocumentLine dl[MAX_LINES];
    int rc;

    soap_default__eos__RecordShipmentRequest(client, &req);
    soap_default__eos__RecordShipmentResponse(client, &resp);
    req.shipmentNo = (char *)no;
    req.orderId = order_id;
    req.shipDate = (char *)date;
    req.line = dl;
    for (size_t i = 0; i < n && i < MAX_LINES; i++) {
        if (!lines[i].ship)
            continue;
        soap_default_eos__DocumentLine(client, &dl[req.__sizeline]);
        dl[req.__sizeline].lineNo = lines[i].line_no;
        dl[req.__sizeline].quantity = (char *)lines[i].ship;
        req.__sizeline++;
    }
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__RecordShipment(client, hub.endpoint, NULL, &req, &resp);
    test_expect_ok(client, rc, __FILE__, line, true);
}
#define SHIP(no, id, date, lines, n) ship(no, id, date, lines, n, __LINE__)

static void invoice(const char *no, int64_t order_id, const char *date, const char *amount,
                    unsigned line)
{
    struct _eos__RecordInvoiceRequest req;
    struct _eos__RecordInvoiceResponse resp;
    int rc;

    soap_default__eos__RecordInvoiceRequest(client, &req);
    soap_default__eos__RecordInvoiceResponse(client, &resp);
    req.invoiceNo = (char *)no;
    req.orderId = order_id;
    req.invoiceDate = (char *)date;
    req.amount = (char *)amount;
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__RecordInvoice(client, hub.endpoint, NULL, &req, &resp);
    test_expect_ok(client, rc, __FILE__, line, true);
}
#define INVOICE(no, id, date, amount) invoice(no, id, date, amount, __LINE__)

/* RecordPayment for BUY001; applied_to NULL applies it to nothing. */
static void payment(const char *no, const char *date, const char *amount,
                    enum eos__PaymentKind kind, const char *applied_to, unsigned line)
{
    struct _eos__RecordPaymentRequest req;
    struct _eos__RecordPaymentResponse resp;
    char *inv[1] = {(char *)applied_to};
    int rc;

    soap_default__eos__RecordPaymentRequest(client, &req);
    soap_default__eos__RecordPaymentResponse(client, &resp);
    req.paymentNo = (char *)no;
    req.buyerCode = "BUY001";
    req.paymentDate = (char *)date;
    req.amount = (char *)amount;
    req.kind = kind;
    if (applied_to) {
        req.__sizeinvoiceNo = 1;
        req.invoiceNo = inv;
    }
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__RecordPayment(client, hub.endpoint, NULL, &req, &resp);
    test_expect_ok(client, rc, __FILE__, line, true);
}
#define PAYMENT(no, date, amount, kind, applied_to)                                                \
    payment(no, date, amount, eos__PaymentKind__##kind, applied_to, __LINE__)

/* An accepted buyer1 order with its shipment "<tag>-SHP" on December 1st of
 * this run's year (outside every period the account tests read). */
static int64_t shipped_order(const char *tag, const struct line_spec *lines, size_t n,
                             unsigned line)
{
    char no[96], date[11];
    int64_t id = place_order(tag, lines, n, line);
    char shp[64];

    snprintf(shp, sizeof(shp), "%s-SHP", tag);
    ship(number(no, sizeof(no), shp), id, ymd(date, 12, 1), lines, n, line);
    return id;
}
#define SHIPPED_ORDER(tag, lines)                                                                  \
    shipped_order(tag, lines, sizeof(lines) / sizeof(lines[0]), __LINE__)

/* SetPrices as acme-erp: one price; buyer NULL is the list price, return_price
 * NULL sends none (which clears it). */
static void set_price(const char *sku, const char *buyer, const char *unit_price,
                      const char *return_price, unsigned line)
{
    struct _eos__SetPricesRequest req;
    struct _eos__SetPricesResponse resp;
    struct _eos__SetPricesRequest_price p;
    int rc;

    soap_default__eos__SetPricesRequest(client, &req);
    soap_default__eos__SetPricesResponse(client, &resp);
    soap_default__eos__SetPricesRequest_price(client, &p);
    p.sku = (char *)sku;
    p.buyerCode = (char *)buyer;
    p.unitPrice = (char *)unit_price;
    p.returnPrice = (char *)return_price;
    req.__sizeprice = 1;
    req.price = &p;
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__SetPrices(client, hub.endpoint, NULL, &req, &resp);
    test_expect_ok(client, rc, __FILE__, line, false);
}
#define SET_PRICE(sku, buyer, unit, ret) set_price(sku, buyer, unit, ret, __LINE__)

/* ------------------------------------------------------------ returns */

/* A SubmitReturn request with its lines and strings in one place. */
struct return_in {
    struct _eos__SubmitReturnRequest req;
    struct eos__ReturnLineIn lines[MAX_LINES];
    char no[96];
    char qty[MAX_LINES][32];
    char reason[MAX_LINES][64];
};

static void return_init(struct soap *s, struct return_in *r, const char *tag, int64_t order_id)
{
    memset(r, 0, sizeof(*r));
    soap_default__eos__SubmitReturnRequest(s, &r->req);
    number(r->no, sizeof(r->no), tag);
    r->req.buyerReturnNo = r->no;
    r->req.orderId = order_id;
    r->req.line = r->lines;
}

/* Adds a line; reason NULL sends none. */
static void return_line(struct soap *s, struct return_in *r, int line_no, const char *qty,
                        const char *reason)
{
    int i = r->req.__sizeline++;
    struct eos__ReturnLineIn *l = &r->lines[i];

    soap_default_eos__ReturnLineIn(s, l);
    l->lineNo = line_no;
    snprintf(r->qty[i], sizeof(r->qty[i]), "%s", qty);
    l->quantity = r->qty[i];
    if (reason) {
        snprintf(r->reason[i], sizeof(r->reason[i]), "%s", reason);
        l->reason = r->reason[i];
    }
}

static int submit_return_on(struct soap *s, const char *user, struct return_in *r,
                            struct eos__SubmitReturnResult *res)
{
    soap_default_eos__SubmitReturnResult(s, res);
    test_auth_basic(s, user, pw());
    return soap_call___eos__SubmitReturn(s, hub.endpoint, NULL, &r->req, res);
}

static int submit_return(const char *user, struct return_in *r, struct eos__SubmitReturnResult *res)
{
    return submit_return_on(client, user, r, res);
}

/* Submits r as buyer1 and returns the new return's id, asserting success. */
static int64_t submit_return_ok(struct return_in *r, unsigned line)
{
    struct eos__SubmitReturnResult res;
    int rc = submit_return("buyer1", r, &res);

    test_expect_ok(client, rc, __FILE__, line, true);
    CU_ASSERT_EQUAL(res.status, eos__ReturnStatus__REQUESTED);
    CU_ASSERT_EQUAL(res.version, 1);
    CU_ASSERT_EQUAL(res.duplicate, xsd__boolean__false_);
    return res.returnId;
}
#define SUBMIT_RETURN_OK(r) submit_return_ok(r, __LINE__)

/* A one-line buyer1 return of quantity qty of line line_no. */
static int64_t simple_return(const char *tag, int64_t order_id, int line_no, const char *qty,
                             unsigned line)
{
    struct return_in r;

    return_init(client, &r, tag, order_id);
    return_line(client, &r, line_no, qty, NULL);
    return submit_return_ok(&r, line);
}
#define SIMPLE_RETURN(tag, id, line_no, qty) simple_return(tag, id, line_no, qty, __LINE__)

struct adj {
    int line_no;
    const char *price;
};

static int process(const char *user, int64_t id, enum eos__ReturnAction action, int expected,
                   const struct adj *adj, size_t n, const char *reason,
                   struct _eos__ProcessReturnResponse *resp)
{
    struct _eos__ProcessReturnRequest req;
    struct _eos__ProcessReturnRequest_adjustment a[MAX_LINES];

    soap_default__eos__ProcessReturnRequest(client, &req);
    soap_default__eos__ProcessReturnResponse(client, resp);
    req.returnId = id;
    req.action = action;
    req.expectedVersion = expected;
    req.reason = (char *)reason;
    for (size_t i = 0; i < n && i < MAX_LINES; i++) {
        soap_default__eos__ProcessReturnRequest_adjustment(client, &a[i]);
        a[i].lineNo = adj[i].line_no;
        a[i].unitPrice = (char *)adj[i].price;
    }
    req.__sizeadjustment = (int)n;
    req.adjustment = n ? a : NULL;
    test_auth_basic(client, user, pw());
    return soap_call___eos__ProcessReturn(client, hub.endpoint, NULL, &req, resp);
}

/* acme-erp moves a return on; asserts the new status and version. */
static void process_ok(int64_t id, enum eos__ReturnAction action, int expected,
                       enum eos__ReturnStatus to, const char *reason, unsigned line)
{
    struct _eos__ProcessReturnResponse resp;
    int rc = process("acme-erp", id, action, expected, NULL, 0, reason, &resp);

    test_expect_ok(client, rc, __FILE__, line, true);
    CU_ASSERT_EQUAL(resp.returnId, id);
    CU_ASSERT_EQUAL(resp.status, to);
    CU_ASSERT_EQUAL(resp.version, expected + 1);
}
#define PROCESS_OK(id, action, expected, to)                                                       \
    process_ok(id, eos__ReturnAction__##action, expected, eos__ReturnStatus__##to, NULL, __LINE__)

/* GetReturnStatus; NULL on a fault (test_fault_code(client) says which). */
static struct eos__Return *get_return(const char *user, int64_t id, const char *no,
                                      const char *buyer_code)
{
    struct _eos__GetReturnStatusRequest req;
    struct _eos__GetReturnStatusResponse resp;
    LONG64 *rid = soap_malloc(client, sizeof(LONG64));

    soap_default__eos__GetReturnStatusRequest(client, &req);
    soap_default__eos__GetReturnStatusResponse(client, &resp);
    if (rid)
        *rid = id;
    req.returnId = id > 0 ? rid : NULL;
    req.buyerReturnNo = (char *)no;
    req.buyerCode = (char *)buyer_code;
    test_auth_basic(client, user, pw());
    if (soap_call___eos__GetReturnStatus(client, hub.endpoint, NULL, &req, &resp) != SOAP_OK)
        return NULL;
    return resp.return_;
}

/* The order as the buyer sees it, or NULL. */
static struct eos__Order *get_order(int64_t id)
{
    struct _eos__GetOrderStatusRequest req;
    struct _eos__GetOrderStatusResponse resp;
    LONG64 *oid = soap_malloc(client, sizeof(LONG64));

    soap_default__eos__GetOrderStatusRequest(client, &req);
    soap_default__eos__GetOrderStatusResponse(client, &resp);
    if (oid)
        *oid = id;
    req.orderId = oid;
    test_auth_basic(client, "buyer1", pw());
    if (soap_call___eos__GetOrderStatus(client, hub.endpoint, NULL, &req, &resp) != SOAP_OK)
        return NULL;
    return resp.order;
}

static const struct eos__OrderLine *order_line_of(const struct eos__Order *o, int line_no)
{
    for (int i = 0; o && i < o->__sizeline; i++)
        if (o->line[i].lineNo == line_no)
            return &o->line[i];
    return NULL;
}

/* ------------------------------------------------------------ account */

struct doc_query {
    bool has_type;
    enum eos__DocType type;
    const char *from, *to;
    bool unconfirmed_only;
    int offset, limit; /* -1: not sent */
    const char *buyer_code;
};

static int list_docs(const char *user, const struct doc_query *q,
                     struct _eos__ListAccountDocumentsResponse *resp)
{
    struct _eos__ListAccountDocumentsRequest req;
    enum eos__DocType *type = soap_malloc(client, sizeof(*type));
    enum xsd__boolean *unconfirmed = soap_malloc(client, sizeof(*unconfirmed));
    int *offset = soap_malloc(client, sizeof(int));
    int *limit = soap_malloc(client, sizeof(int));

    soap_default__eos__ListAccountDocumentsRequest(client, &req);
    soap_default__eos__ListAccountDocumentsResponse(client, resp);
    if (!type || !unconfirmed || !offset || !limit)
        return SOAP_EOM;
    *type = q->type;
    *unconfirmed = xsd__boolean__true_;
    *offset = q->offset;
    *limit = q->limit;
    req.docType = q->has_type ? type : NULL;
    req.from = (char *)q->from;
    req.to = (char *)q->to;
    req.unconfirmedOnly = q->unconfirmed_only ? unconfirmed : NULL;
    req.offset = q->offset >= 0 ? offset : NULL;
    req.limit = q->limit >= 0 ? limit : NULL;
    req.buyerCode = (char *)q->buyer_code;
    test_auth_basic(client, user, pw());
    return soap_call___eos__ListAccountDocuments(client, hub.endpoint, NULL, &req, resp);
}

static const struct eos__AccountDocument *
find_doc(const struct _eos__ListAccountDocumentsResponse *resp, enum eos__DocType type,
         const char *no)
{
    for (int i = 0; i < resp->__sizedocument; i++)
        if (resp->document[i].docType == type && resp->document[i].docNo &&
            strcmp(resp->document[i].docNo, no) == 0)
            return &resp->document[i];
    return NULL;
}

static int confirm_doc(const char *user, enum eos__DocType type, const char *no, bool confirmed,
                       struct _eos__ConfirmAccountDocumentResponse *resp)
{
    struct _eos__ConfirmAccountDocumentRequest req;

    soap_default__eos__ConfirmAccountDocumentRequest(client, &req);
    soap_default__eos__ConfirmAccountDocumentResponse(client, resp);
    req.docType = type;
    req.docNo = (char *)no;
    req.confirmed = confirmed ? xsd__boolean__true_ : xsd__boolean__false_;
    test_auth_basic(client, user, pw());
    return soap_call___eos__ConfirmAccountDocument(client, hub.endpoint, NULL, &req, resp);
}

/* A balance in 1/10000 units. */
struct balance {
    int64_t uninvoiced, receivable, unapplied, open, limit, available;
    bool has_limit;
    char currency[8];
};

static int get_balance(const char *user, const char *as_of, const char *buyer, struct balance *out)
{
    struct _eos__GetAccountBalanceRequest req;
    struct _eos__GetAccountBalanceResponse resp;
    int rc;

    memset(out, 0, sizeof(*out));
    soap_default__eos__GetAccountBalanceRequest(client, &req);
    soap_default__eos__GetAccountBalanceResponse(client, &resp);
    req.asOf = (char *)as_of;
    req.buyerCode = (char *)buyer;
    test_auth_basic(client, user, pw());
    rc = soap_call___eos__GetAccountBalance(client, hub.endpoint, NULL, &req, &resp);
    if (rc != SOAP_OK)
        return rc;
    snprintf(out->currency, sizeof(out->currency), "%s", test_nz(resp.currency));
    out->uninvoiced = test_dec(resp.uninvoicedAmount);
    out->receivable = test_dec(resp.invoicedReceivable);
    out->unapplied = test_dec(resp.unappliedPayments);
    out->open = test_dec(resp.openOrderAmount);
    out->has_limit = resp.creditLimit != NULL;
    out->limit = resp.creditLimit ? test_dec(resp.creditLimit) : 0;
    out->available = resp.availableCredit ? test_dec(resp.availableCredit) : 0;
    return rc;
}

/* buyer1's balance, asserting success and the credit arithmetic. */
static void balance_ok(const char *as_of, struct balance *out, unsigned line)
{
    int rc = get_balance("buyer1", as_of, NULL, out);

    test_expect_ok(client, rc, __FILE__, line, true);
    CU_ASSERT_STRING_EQUAL(out->currency, "CNY");
    CU_ASSERT_TRUE(out->has_limit);
    CU_ASSERT_EQUAL(out->limit, M(100000, 0));
    CU_ASSERT_EQUAL(out->available, out->limit - out->open - out->receivable);
}
#define BALANCE_OK(as_of, out) balance_ok(as_of, out, __LINE__)

/* Asserts the differences of a balance from an earlier one. */
static void expect_balance_moved(const struct balance *before, const struct balance *after,
                                 int64_t uninvoiced, int64_t receivable, int64_t unapplied,
                                 int64_t open, unsigned line)
{
    char what[512];

    snprintf(what, sizeof(what),
             "balance moved by uninvoiced %lld receivable %lld unapplied %lld open %lld; "
             "got %lld %lld %lld %lld",
             (long long)uninvoiced, (long long)receivable, (long long)unapplied, (long long)open,
             (long long)(after->uninvoiced - before->uninvoiced),
             (long long)(after->receivable - before->receivable),
             (long long)(after->unapplied - before->unapplied),
             (long long)(after->open - before->open));
    CU_assertImplementation(after->uninvoiced - before->uninvoiced == uninvoiced &&
                                after->receivable - before->receivable == receivable &&
                                after->unapplied - before->unapplied == unapplied &&
                                after->open - before->open == open,
                            line, what, __FILE__, "", CU_FALSE);
}
#define EXPECT_MOVED(b, a, u, r, p, o) expect_balance_moved(b, a, u, r, p, o, __LINE__)

static int get_statement(const char *user, const char *from, const char *to, const char *buyer,
                         struct _eos__GetAccountStatementResponse *resp)
{
    struct _eos__GetAccountStatementRequest req;

    soap_default__eos__GetAccountStatementRequest(client, &req);
    soap_default__eos__GetAccountStatementResponse(client, resp);
    req.from = (char *)from;
    req.to = (char *)to;
    req.buyerCode = (char *)buyer;
    test_auth_basic(client, user, pw());
    return soap_call___eos__GetAccountStatement(client, hub.endpoint, NULL, &req, resp);
}

/* Asserts a statement adds up: every running balance is the one before plus
 * debit minus credit, the last is the closing balance, dates never go back. */
static void expect_adds_up(const struct _eos__GetAccountStatementResponse *s, unsigned line)
{
    int64_t balance = test_dec(s->openingBalance);
    bool ok = balance != INT64_MIN;
    char what[256];

    for (int i = 0; ok && i < s->__sizeentry; i++) {
        const struct eos__StatementEntry *e = &s->entry[i];

        balance += test_dec(e->debit) - test_dec(e->credit);
        ok = test_dec(e->balance) == balance && test_dec(e->debit) >= 0 && test_dec(e->credit) >= 0;
        if (ok && i > 0)
            ok = strcmp(test_nz(s->entry[i - 1].date), test_nz(e->date)) <= 0;
    }
    ok = ok && test_dec(s->closingBalance) == balance;
    snprintf(what, sizeof(what), "statement adds up from %s to %s", test_nz(s->openingBalance),
             test_nz(s->closingBalance));
    CU_assertImplementation(ok, line, what, __FILE__, "", CU_FALSE);
}

/* buyer1's statement, asserting success and that it adds up. */
static void statement_ok(const char *from, const char *to,
                         struct _eos__GetAccountStatementResponse *resp, unsigned line)
{
    int rc = get_statement("buyer1", from, to, NULL, resp);

    test_expect_ok(client, rc, __FILE__, line, true);
    expect_adds_up(resp, line);
    CU_ASSERT_STRING_EQUAL(test_nz(resp->currency), "CNY");
}
#define STATEMENT_OK(from, to, resp) statement_ok(from, to, resp, __LINE__)

/* One expected statement entry; its balance is relative to a base (the
 * opening balance of the widest period read), so that one table serves every
 * period cut out of it. */
struct entry_spec {
    const char *date;
    enum eos__DocType type;
    const char *no;
    int64_t debit, credit, balance;
};

/* Asserts a statement opens at `opening`, holds exactly want[0..n) with
 * balances base + want[i].balance, and closes at the last of them (or at
 * `opening` when empty). */
static void expect_entries(const struct _eos__GetAccountStatementResponse *s, int64_t opening,
                           int64_t base, const struct entry_spec *want, int n, unsigned line)
{
    int64_t closing = n ? base + want[n - 1].balance : opening;
    char what[512];

    snprintf(what, sizeof(what), "statement opens at %lld, got %s, and has %d entries, got %d",
             (long long)opening, test_nz(s->openingBalance), n, s->__sizeentry);
    CU_assertImplementation(test_dec(s->openingBalance) == opening && s->__sizeentry == n, line, what,
                            __FILE__, "", CU_FALSE);
    for (int i = 0; i < n && i < s->__sizeentry; i++) {
        const struct eos__StatementEntry *e = &s->entry[i];

        snprintf(what, sizeof(what),
                 "entry %d is %s %d %s debit %lld credit %lld balance %lld; got %s %d %s %s %s %s",
                 i + 1, want[i].date, (int)want[i].type, want[i].no, (long long)want[i].debit,
                 (long long)want[i].credit, (long long)(base + want[i].balance), test_nz(e->date),
                 (int)e->docType, test_nz(e->docNo), test_nz(e->debit), test_nz(e->credit), test_nz(e->balance));
        CU_assertImplementation(
            strcmp(test_nz(e->date), want[i].date) == 0 && e->docType == want[i].type &&
                strcmp(test_nz(e->docNo), want[i].no) == 0 && test_dec(e->debit) == want[i].debit &&
                test_dec(e->credit) == want[i].credit && test_dec(e->balance) == base + want[i].balance,
            line, what, __FILE__, "", CU_FALSE);
    }
    snprintf(what, sizeof(what), "statement closes at %lld, got %s", (long long)closing,
             test_nz(s->closingBalance));
    CU_assertImplementation(test_dec(s->closingBalance) == closing, line, what, __FILE__, "", CU_FALSE);
}
#define EXPECT_ENTRIES(s, opening, base, want, n)                                                  \
    expect_entries(s, opening, base, want, n, __LINE__)

/* ============================================================ SubmitReturn */

static void test_returns__submit_prices_at_paid_price_and_reads_back(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0006", "10", "10"}, /* 25.00 */
        {2, "SKU-0005", "2", "2"},   /* not returnable */
        {3, "SKU-0003", "4", "4"},   /* BUY001's own price 15.75 */
    };
    struct return_in r;
    struct eos__SubmitReturnResult res;
    struct eos__Return *ret;
    int64_t order_id, id;
    char seller_no[96];

    fresh_client();
    order_id = SHIPPED_ORDER("paid", lines);
    return_init(client, &r, "paid-R", order_id);
    return_line(client, &r, 1, "2", "damaged in transit");
    return_line(client, &r, 3, "1", NULL);
    EXPECT_OK(submit_return("buyer1", &r, &res));
    id = res.returnId;
    CU_ASSERT_TRUE(id > 0);
    CU_ASSERT_EQUAL(res.status, eos__ReturnStatus__REQUESTED);
    CU_ASSERT_EQUAL(res.version, 1);
    CU_ASSERT_EQUAL(res.duplicate, xsd__boolean__false_);
    EXPECT_TEXT(res.currency, "CNY");
    EXPECT_TEXT(res.totalAmount, "65.75");
    CU_ASSERT_EQUAL_FATAL(res.__sizeline, 2);
    CU_ASSERT_EQUAL(res.line[0].lineNo, 1);
    EXPECT_TEXT(res.line[0].sku, "SKU-0006");
    EXPECT_TEXT(res.line[0].quantity, "2");
    EXPECT_TEXT(res.line[0].unitPrice, "25.00");
    EXPECT_TEXT(res.line[0].lineAmount, "50.00");
    EXPECT_TEXT(res.line[0].reason, "damaged in transit");
    CU_ASSERT_EQUAL(res.line[1].lineNo, 3);
    EXPECT_TEXT(res.line[1].sku, "SKU-0003");
    EXPECT_TEXT(res.line[1].unitPrice, "15.75");
    EXPECT_TEXT(res.line[1].lineAmount, "15.75");
    CU_ASSERT_PTR_NULL(res.line[1].reason);
    /* One row, its lines, one history entry, one feed entry for the seller. */
    CU_ASSERT_EQUAL(count_str(&q_count_return_no, r.no), 1);
    CU_ASSERT_EQUAL(count_id(&q_count_return_lines, id), 2);
    CU_ASSERT_EQUAL(count_id(&q_count_return_history, id), 1);
    CU_ASSERT_EQUAL(count_id(&q_count_return_feed, id), 1);

    /* By returnId, as the buyer. */
    ret = get_return("buyer1", id, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->returnId, id);
    EXPECT_TEXT(ret->buyerReturnNo, r.no);
    CU_ASSERT_EQUAL(ret->orderId, order_id);
    EXPECT_TEXT(ret->sellerCode, "ACME");
    EXPECT_TEXT(ret->buyerCode, "BUY001");
    CU_ASSERT_EQUAL(ret->status, eos__ReturnStatus__REQUESTED);
    CU_ASSERT_EQUAL(ret->version, 1);
    EXPECT_TEXT(ret->currency, "CNY");
    EXPECT_TEXT(ret->totalAmount, "65.75");
    CU_ASSERT_TRUE(near_now(ret->createdAt));
    CU_ASSERT_TRUE(ret->updatedAt >= ret->createdAt);
    CU_ASSERT_EQUAL_FATAL(ret->__sizeline, 2);
    CU_ASSERT_EQUAL(ret->line[0].lineNo, 1);
    EXPECT_TEXT(ret->line[0].quantity, "2");
    EXPECT_TEXT(ret->line[0].unitPrice, "25.00");
    EXPECT_TEXT(ret->line[0].lineAmount, "50.00");
    EXPECT_TEXT(ret->line[0].reason, "damaged in transit");
    CU_ASSERT_EQUAL(ret->line[1].lineNo, 3);
    EXPECT_TEXT(ret->line[1].lineAmount, "15.75");
    CU_ASSERT_EQUAL_FATAL(ret->__sizehistory, 1);
    CU_ASSERT_PTR_NULL(ret->history[0].fromStatus);
    EXPECT_TEXT(ret->history[0].toStatus, "REQUESTED");
    EXPECT_TEXT(ret->history[0].actor, "buyer1");
    CU_ASSERT_PTR_NULL(ret->history[0].reason);
    CU_ASSERT_TRUE(ret->history[0].version && *ret->history[0].version == 1);
    CU_ASSERT_TRUE(near_now(ret->history[0].at));

    /* By buyerReturnNo, as the buyer (with and without its own code). */
    ret = get_return("buyer1", 0, r.no, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->returnId, id);
    ret = get_return("buyer1", 0, r.no, "BUY001");
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->returnId, id);

    /* The seller: by returnId, or by buyerReturnNo with the buyer's code. */
    ret = get_return("acme-erp", id, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->returnId, id);
    EXPECT_TEXT(ret->totalAmount, "65.75");
    ret = get_return("acme-erp", 0, r.no, "BUY001");
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->returnId, id);
    CU_ASSERT_PTR_NULL(get_return("acme-erp", 0, r.no, NULL));
    EXPECT_FAULT("VALIDATION_FAILED", "buyerCode");
    CU_ASSERT_PTR_NULL(get_return("acme-erp", 0, r.no, "BUY002"));
    EXPECT_FAULT("NOT_FOUND", "buyerReturnNo");
    snprintf(seller_no, sizeof(seller_no), "%.80s-nope", r.no);
    CU_ASSERT_PTR_NULL(get_return("acme-erp", 0, seller_no, "BUY001"));
    EXPECT_FAULT("NOT_FOUND", "buyerReturnNo");

    /* Another buyer: NOT_FOUND whichever way it asks. */
    CU_ASSERT_PTR_NULL(get_return("buyer2", id, NULL, NULL));
    EXPECT_FAULT("NOT_FOUND", "returnId");
    CU_ASSERT_PTR_NULL(get_return("buyer2", 0, r.no, NULL));
    EXPECT_FAULT("NOT_FOUND", "buyerReturnNo");
    CU_ASSERT_PTR_NULL(get_return("buyer1", 0, r.no, "BUY002"));
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    CU_ASSERT_PTR_NULL(get_return("buyer1", NOT_AN_ID, NULL, NULL));
    EXPECT_FAULT("NOT_FOUND", "returnId");
    CU_ASSERT_PTR_NULL(get_return("buyer1", 0, NULL, NULL));
    EXPECT_FAULT("VALIDATION_FAILED", "returnId");
}

static void test_returns__refused_requests_store_nothing(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0006", "10", "6"}, /* 6 of 10 shipped */
        {2, "SKU-0005", "2", "2"},  /* not returnable */
        {3, "SKU-0007", "3", NULL}, /* nothing shipped */
    };
    struct return_in r;
    struct eos__SubmitReturnResult res;
    struct counts before;
    int64_t order_id;

    fresh_client();
    order_id = SHIPPED_ORDER("refuse", lines);
    counts_take(&before);

    /* Another buyer's order does not exist for buyer2. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer2", &r, &res), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "orderId");
    EXPECT_UNCHANGED(&before);

    return_init(client, &r, "refuse-R", NOT_AN_ID);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "orderId");
    EXPECT_UNCHANGED(&before);

    /* A line the order does not have. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 9, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "line[1]/lineNo");
    EXPECT_UNCHANGED(&before);

    /* SKU-0005 is not returnable, even beside a line that is. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "1", NULL);
    return_line(client, &r, 2, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("NOT_RETURNABLE", "line[2]/lineNo");
    EXPECT_UNCHANGED(&before);

    /* More than shipped; nothing shipped at all; a bad line after a good one. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "6.001", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    EXPECT_UNCHANGED(&before);
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 3, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    EXPECT_UNCHANGED(&before);
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "6", NULL);
    return_line(client, &r, 3, "0.5", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[2]/quantity");
    EXPECT_UNCHANGED(&before);

    /* Malformed quantities and lines. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "0", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "line[1]/quantity");
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "-1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "line[1]/quantity");
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "0.0001", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "line[1]/quantity");
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "1", NULL);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "line[2]/lineNo");
    return_init(client, &r, "refuse-R", order_id);
    r.req.buyerReturnNo = "";
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "buyerReturnNo");
    EXPECT_UNCHANGED(&before);

    /* Returns are the buyer's: the seller may not submit one. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("acme-erp", &r, &res), SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
    EXPECT_UNCHANGED(&before);

    /* The same number then goes through: all 6 shipped of line 1. */
    return_init(client, &r, "refuse-R", order_id);
    return_line(client, &r, 1, "6", NULL);
    EXPECT_OK(submit_return("buyer1", &r, &res));
    CU_ASSERT_EQUAL(res.duplicate, xsd__boolean__false_);
    EXPECT_TEXT(res.totalAmount, "150.00");
    CU_ASSERT_EQUAL(count_str(&q_count_return_no, r.no), 1);
}

static void test_returns__open_returns_compete_for_quantity(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0008", "10", "10"}}; /* 30.00 */
    struct return_in r;
    struct eos__SubmitReturnResult res;
    struct eos__Order *o;
    struct counts before;
    int64_t order_id, a, b, d;

    fresh_client();
    order_id = SHIPPED_ORDER("compete", lines);
    a = SIMPLE_RETURN("compete-A", order_id, 1, "6");

    /* 4 left: a second return cannot take 5, but takes 4. */
    counts_take(&before);
    return_init(client, &r, "compete-B", order_id);
    return_line(client, &r, 1, "5", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    EXPECT_UNCHANGED(&before);
    b = SIMPLE_RETURN("compete-B2", order_id, 1, "4");
    counts_take(&before);
    return_init(client, &r, "compete-C", order_id);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    EXPECT_UNCHANGED(&before);

    /* A rejected return holds nothing: the refused number now goes through. */
    PROCESS_OK(a, REJECT, 1, REJECTED);
    SIMPLE_RETURN("compete-C", order_id, 1, "1");
    return_init(client, &r, "compete-D", order_id);
    return_line(client, &r, 1, "6", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    d = SIMPLE_RETURN("compete-D2", order_id, 1, "5");

    /* Receiving moves quantity from the open returns to the returned one:
     * still nothing left. */
    PROCESS_OK(b, ACCEPT, 1, ACCEPTED);
    PROCESS_OK(b, RECEIVE, 2, RECEIVED);
    o = get_order(order_id);
    EXPECT_OK(o ? SOAP_OK : client->error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(order_line_of(o, 1));
    EXPECT_TEXT(order_line_of(o, 1)->returnedQuantity, "4");
    EXPECT_TEXT(order_line_of(o, 1)->shippedQuantity, "10");
    counts_take(&before);
    return_init(client, &r, "compete-E", order_id);
    return_line(client, &r, 1, "0.001", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
    EXPECT_UNCHANGED(&before);

    /* Rejecting D frees its 5 again. */
    PROCESS_OK(d, REJECT, 1, REJECTED);
    SIMPLE_RETURN("compete-E2", order_id, 1, "5");
}

/* Un-rejecting a return puts its quantity back into the open returns: when
 * other returns took that quantity meanwhile, the order would have more
 * returned than shipped. */
static void test_returns__unreject_rechecks_the_open_quantity(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0009", "5", "5"}}; /* 32.50 */
    struct _eos__ProcessReturnResponse resp;
    struct counts before;
    struct eos__Return *ret;
    int64_t order_id, a;

    fresh_client();
    order_id = SHIPPED_ORDER("unreject", lines);
    a = SIMPLE_RETURN("unreject-A", order_id, 1, "3");
    PROCESS_OK(a, REJECT, 1, REJECTED);
    SIMPLE_RETURN("unreject-B", order_id, 1, "5");
    /* 5 shipped, 5 requested by B: A's 3 are not there any more. */
    counts_take(&before);
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", a, eos__ReturnAction__UNREJECT, 2, NULL, 0, NULL, &resp), SOAP_OK);
    /* ProcessReturn has no lines to name: the action cannot be done. */
    EXPECT_FAULT("QUANTITY_EXCEEDED", "action");
    EXPECT_UNCHANGED(&before);
    ret = get_return("buyer1", a, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->status, eos__ReturnStatus__REJECTED);
    CU_ASSERT_EQUAL(ret->version, 2);
}

static void test_returns__priced_at_the_agreed_return_price(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0009", "2", "2"}, /* list 32.50, list return price 30.00 */
        {2, "SKU-0002", "2", "2"}, /* own 13.50, own return 12.00, list return 14.00 */
        {3, "SKU-0010", "2", "2"}, /* list 35.00, no return price */
        {4, "SKU-0001", "2", "2"}, /* own 11.25, no return price anywhere */
        {5, "SKU-0003", "2", "2"}, /* own 15.75 without return price, list return 16.00:
                                      the own row prices it, so the price paid */
    };
    struct return_in r;
    struct eos__SubmitReturnResult res;
    struct eos__Return *ret;
    int64_t order_id = 0;
    int rc;

    fresh_client();
    SET_PRICE("SKU-0009", NULL, "32.50", "30.00");
    SET_PRICE("SKU-0002", NULL, "15.00", "14.00");
    SET_PRICE("SKU-0002", "BUY001", "13.50", "12.00");
    SET_PRICE("SKU-0003", NULL, "17.50", "16.00");
    order_id = SHIPPED_ORDER("priced", lines);
    return_init(client, &r, "priced-R", order_id);
    for (int i = 1; i <= 5; i++)
        return_line(client, &r, i, "1", NULL);
    rc = submit_return("buyer1", &r, &res);
    test_expect_ok(client, rc, __FILE__, __LINE__, false);
    if (rc == SOAP_OK) {
        CU_ASSERT_EQUAL(res.__sizeline, 5);
        if (res.__sizeline == 5) {
            EXPECT_TEXT(res.line[0].unitPrice, "30.00");
            EXPECT_TEXT(res.line[1].unitPrice, "12.00");
            EXPECT_TEXT(res.line[2].unitPrice, "35.00");
            EXPECT_TEXT(res.line[3].unitPrice, "11.25");
            EXPECT_TEXT(res.line[4].unitPrice, "15.75");
            EXPECT_TEXT(res.line[4].lineAmount, "15.75");
        }
        EXPECT_TEXT(res.totalAmount, "104.00");
    }
    /* Back to the demo prices, before anything can stop the test. */
    SET_PRICE("SKU-0009", NULL, "32.50", NULL);
    SET_PRICE("SKU-0002", NULL, "15.00", NULL);
    SET_PRICE("SKU-0002", "BUY001", "13.50", NULL);
    SET_PRICE("SKU-0003", NULL, "17.50", NULL);
    CU_ASSERT_EQUAL_FATAL(rc, SOAP_OK);

    /* The price agreed when requested stays, whatever the price list says now. */
    ret = get_return("buyer1", res.returnId, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    EXPECT_TEXT(ret->totalAmount, "104.00");
    CU_ASSERT_EQUAL_FATAL(ret->__sizeline, 5);
    EXPECT_TEXT(ret->line[1].unitPrice, "12.00");

    /* Without return prices, the next return is at the paid prices. */
    return_init(client, &r, "priced-R2", order_id);
    for (int i = 1; i <= 5; i++)
        return_line(client, &r, i, "1", NULL);
    EXPECT_OK(submit_return("buyer1", &r, &res));
    CU_ASSERT_EQUAL_FATAL(res.__sizeline, 5);
    EXPECT_TEXT(res.line[0].unitPrice, "32.50");
    EXPECT_TEXT(res.line[1].unitPrice, "13.50");
    EXPECT_TEXT(res.line[2].unitPrice, "35.00");
    EXPECT_TEXT(res.line[3].unitPrice, "11.25");
    EXPECT_TEXT(res.line[4].unitPrice, "15.75");
    EXPECT_TEXT(res.totalAmount, "108.00");
}

static void test_returns__idempotent_by_buyer_return_no(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0014", "3", "3"}, /* 45.00 */
        {2, "SKU-0006", "2", "2"},
    };
    struct return_in r;
    struct eos__SubmitReturnResult res, again;
    struct counts before;
    int64_t order_id;

    fresh_client();
    order_id = SHIPPED_ORDER("idem", lines);
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "3", "wrong size");
    EXPECT_OK(submit_return("buyer1", &r, &res));
    CU_ASSERT_EQUAL(res.duplicate, xsd__boolean__false_);
    EXPECT_TEXT(res.totalAmount, "135.00");

    /* The same content again, though its quantity is all taken now: the first
     * answer, marked duplicate, nothing new stored. */
    counts_take(&before);
    EXPECT_OK(submit_return("buyer1", &r, &again));
    CU_ASSERT_EQUAL(again.returnId, res.returnId);
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_EQUAL(again.status, eos__ReturnStatus__REQUESTED);
    CU_ASSERT_EQUAL(again.version, 1);
    EXPECT_TEXT(again.totalAmount, "135.00");
    EXPECT_TEXT(again.currency, "CNY");
    CU_ASSERT_EQUAL_FATAL(again.__sizeline, 1);
    CU_ASSERT_EQUAL(again.line[0].lineNo, 1);
    EXPECT_TEXT(again.line[0].quantity, "3");
    EXPECT_TEXT(again.line[0].unitPrice, "45.00");
    EXPECT_TEXT(again.line[0].lineAmount, "135.00");
    EXPECT_TEXT(again.line[0].reason, "wrong size");
    EXPECT_UNCHANGED(&before);

    /* The same number with other content. */
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "2", "wrong size");
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &again), SOAP_OK);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerReturnNo");
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "3", "too small");
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &again), SOAP_OK);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerReturnNo");
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "3", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &again), SOAP_OK);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerReturnNo");
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "3", "wrong size");
    return_line(client, &r, 2, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &again), SOAP_OK);
    EXPECT_FAULT("DUPLICATE_CONFLICT", "buyerReturnNo");
    EXPECT_UNCHANGED(&before);
    CU_ASSERT_EQUAL(count_str(&q_count_return_no, r.no), 1);

    /* Still the same return after the seller moved it on. */
    PROCESS_OK(res.returnId, ACCEPT, 1, ACCEPTED);
    return_init(client, &r, "idem-R", order_id);
    return_line(client, &r, 1, "3", "wrong size");
    EXPECT_OK(submit_return("buyer1", &r, &again));
    CU_ASSERT_EQUAL(again.returnId, res.returnId);
    CU_ASSERT_EQUAL(again.duplicate, xsd__boolean__true_);
    CU_ASSERT_EQUAL(count_str(&q_count_return_no, r.no), 1);
}

/* One racing submitter: its own client and connection. */
struct racer {
    pthread_barrier_t *barrier;
    const char *tag;
    int64_t order_id;
    int rc;
    int64_t return_id;
    bool duplicate;
    char total[32];
    char code[40];
};

static void *race_submit(void *arg)
{
    struct racer *r = arg;
    struct soap *s = test_client();
    struct return_in in;
    struct eos__SubmitReturnResult res;

    r->rc = -1;
    if (!s) {
        pthread_barrier_wait(r->barrier);
        return NULL;
    }
    return_init(s, &in, r->tag, r->order_id);
    return_line(s, &in, 1, "1", "race");
    pthread_barrier_wait(r->barrier);
    r->rc = submit_return_on(s, "buyer1", &in, &res);
    snprintf(r->code, sizeof(r->code), "%s", test_fault_code(s));
    if (r->rc == SOAP_OK) {
        r->return_id = res.returnId;
        r->duplicate = res.duplicate == xsd__boolean__true_;
        snprintf(r->total, sizeof(r->total), "%s", test_nz(res.totalAmount));
    }
    test_client_free(s);
    return NULL;
}

static void test_returns__racing_identical_returns_make_one(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0015", "10", "10"}}; /* 47.50 */
    pthread_barrier_t barrier;
    struct return_in r;
    struct eos__SubmitReturnResult res;
    int64_t order_id;
    char tag[32], no[96];

    fresh_client();
    order_id = SHIPPED_ORDER("race", lines);
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int round = 0; round < RACE_ROUNDS; round++) {
        struct racer a = {&barrier, tag, order_id, -1, 0, false, "", ""};
        struct racer b = {&barrier, tag, order_id, -1, 0, false, "", ""};
        pthread_t ta, tb;

        snprintf(tag, sizeof(tag), "race-%02d", round);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, race_submit, &a), 0);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, race_submit, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        if (a.rc != SOAP_OK || b.rc != SOAP_OK)
            fprintf(stderr, "race round %d: %s / %s\n", round, a.code, b.code);
        CU_ASSERT_EQUAL(a.rc, SOAP_OK);
        CU_ASSERT_EQUAL(b.rc, SOAP_OK);
        CU_ASSERT_TRUE(a.return_id > 0);
        CU_ASSERT_EQUAL(a.return_id, b.return_id);
        CU_ASSERT_TRUE(a.duplicate != b.duplicate); /* exactly one first */
        CU_ASSERT_STRING_EQUAL(a.total, "47.50");
        CU_ASSERT_STRING_EQUAL(b.total, "47.50");
        CU_ASSERT_EQUAL(count_str(&q_count_return_no, number(no, sizeof(no), tag)), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_return_lines, a.return_id), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_return_history, a.return_id), 1);
        CU_ASSERT_EQUAL(count_id(&q_count_return_feed, a.return_id), 1);
    }
    pthread_barrier_destroy(&barrier);
    /* Ten returns of one each: the ten shipped are all requested. */
    return_init(client, &r, "race-more", order_id);
    return_line(client, &r, 1, "1", NULL);
    CU_ASSERT_NOT_EQUAL(submit_return("buyer1", &r, &res), SOAP_OK);
    EXPECT_FAULT("QUANTITY_EXCEEDED", "line[1]/quantity");
}

/* One of two different returns racing for the same quantity. */
struct competitor {
    pthread_barrier_t *barrier;
    char tag[32];
    int64_t order_id;
    int line_no;
    int rc;
    char code[40];
    char field[48];
};

static void *race_compete(void *arg)
{
    struct competitor *c = arg;
    struct soap *s = test_client();
    struct return_in in;
    struct eos__SubmitReturnResult res;

    c->rc = -1;
    if (!s) {
        pthread_barrier_wait(c->barrier);
        return NULL;
    }
    return_init(s, &in, c->tag, c->order_id);
    return_line(s, &in, c->line_no, "6", NULL);
    pthread_barrier_wait(c->barrier);
    c->rc = submit_return_on(s, "buyer1", &in, &res);
    snprintf(c->code, sizeof(c->code), "%s", test_fault_code(s));
    snprintf(c->field, sizeof(c->field), "%s", test_nz(test_fault_field(s)));
    test_client_free(s);
    return NULL;
}

/* Two returns of 6 of the same 10 at once: one is taken, the other refused. */
static void test_returns__racing_returns_cannot_take_the_same_quantity(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0001", "10", "10"}, {2, "SKU-0002", "10", "10"}, {3, "SKU-0003", "10", "10"},
        {4, "SKU-0004", "10", "10"}, {5, "SKU-0006", "10", "10"},
    };
    pthread_barrier_t barrier;
    int64_t orders[2];

    fresh_client();
    orders[0] = SHIPPED_ORDER("compete-race-1", lines);
    orders[1] = SHIPPED_ORDER("compete-race-2", lines);
    CU_ASSERT_EQUAL_FATAL(pthread_barrier_init(&barrier, NULL, 2), 0);
    for (int round = 0; round < RACE_ROUNDS; round++) {
        struct competitor a = {
            .barrier = &barrier, .order_id = orders[round / 5], .line_no = round % 5 + 1};
        struct competitor b = a;
        const struct competitor *won, *lost;
        pthread_t ta, tb;

        snprintf(a.tag, sizeof(a.tag), "compete-race-%02d-a", round);
        snprintf(b.tag, sizeof(b.tag), "compete-race-%02d-b", round);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, race_compete, &a), 0);
        CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, race_compete, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        won = a.rc == SOAP_OK ? &a : &b;
        lost = won == &a ? &b : &a;
        if (won->rc != SOAP_OK || lost->rc == SOAP_OK)
            fprintf(stderr, "compete round %d: %s / %s\n", round, a.code, b.code);
        CU_ASSERT_EQUAL(won->rc, SOAP_OK);
        CU_ASSERT_NOT_EQUAL(lost->rc, SOAP_OK);
        CU_ASSERT_STRING_EQUAL(lost->code, "QUANTITY_EXCEEDED");
        CU_ASSERT_STRING_EQUAL(lost->field, "line[1]/quantity");
    }
    pthread_barrier_destroy(&barrier);
}

/* ============================================================ ProcessReturn */

static void test_returns__accept_adjusts_prices_within_authority(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0006", "4", "4"}, /* 25.00: 22.50 .. 27.50 */
        {2, "SKU-0007", "1", "1"},
        {3, "SKU-0011", "2", "2"}, /* 37.50: 33.75 .. 41.25 */
    };
    static const struct adj too_high[] = {{1, "27.51"}};
    static const struct adj second_too_low[] = {{1, "22.50"}, {3, "33.74"}};
    static const struct adj no_such_line[] = {{2, "25.00"}};
    static const struct adj twice[] = {{1, "22.50"}, {1, "23.00"}};
    static const struct adj negative[] = {{1, "-1"}};
    static const struct adj at_the_limits[] = {{1, "22.50"}, {3, "41.25"}};
    struct _eos__ProcessReturnResponse resp;
    struct return_in r;
    struct counts before;
    struct eos__Return *ret;
    int64_t order_id, id;

    fresh_client();
    order_id = SHIPPED_ORDER("adjust", lines);
    return_init(client, &r, "adjust-R", order_id);
    return_line(client, &r, 1, "2", NULL);
    return_line(client, &r, 3, "1", NULL);
    id = SUBMIT_RETURN_OK(&r);

    counts_take(&before);
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, too_high, 1, NULL, &resp), SOAP_OK);
    EXPECT_FAULT("PRICE_AUTHORITY_EXCEEDED", "adjustment[1]/unitPrice");
    /* The first adjustment was fine, the second not: neither is kept. */
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, second_too_low, 2, NULL, &resp),
        SOAP_OK);
    EXPECT_FAULT("PRICE_AUTHORITY_EXCEEDED", "adjustment[2]/unitPrice");
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, no_such_line, 1, NULL, &resp),
        SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "adjustment[1]/lineNo");
    /* A line adjusted twice is refused, not settled by the last one. */
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, twice, 2, NULL, &resp), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "adjustment[2]/lineNo");
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, negative, 1, NULL, &resp), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "adjustment[1]/unitPrice");
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__REJECT, 1, at_the_limits, 2, NULL, &resp),
        SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "adjustment");
    EXPECT_UNCHANGED(&before);
    ret = get_return("acme-erp", id, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->status, eos__ReturnStatus__REQUESTED);
    CU_ASSERT_EQUAL(ret->version, 1);
    EXPECT_TEXT(ret->totalAmount, "87.50");
    CU_ASSERT_EQUAL_FATAL(ret->__sizeline, 2);
    EXPECT_TEXT(ret->line[0].unitPrice, "25.00");
    EXPECT_TEXT(ret->line[1].unitPrice, "37.50");

    /* Exactly 10% either way is within the authority. */
    EXPECT_OK(process("acme-erp", id, eos__ReturnAction__ACCEPT, 1, at_the_limits, 2,
                      "agreed by phone", &resp));
    CU_ASSERT_EQUAL(resp.status, eos__ReturnStatus__ACCEPTED);
    CU_ASSERT_EQUAL(resp.version, 2);
    ret = get_return("buyer1", id, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->status, eos__ReturnStatus__ACCEPTED);
    CU_ASSERT_EQUAL(ret->version, 2);
    EXPECT_TEXT(ret->totalAmount, "86.25");
    CU_ASSERT_EQUAL_FATAL(ret->__sizeline, 2);
    EXPECT_TEXT(ret->line[0].unitPrice, "22.50");
    EXPECT_TEXT(ret->line[0].lineAmount, "45.00");
    EXPECT_TEXT(ret->line[1].unitPrice, "41.25");
    EXPECT_TEXT(ret->line[1].lineAmount, "41.25");
    CU_ASSERT_EQUAL_FATAL(ret->__sizehistory, 2);
    EXPECT_TEXT(ret->history[1].fromStatus, "REQUESTED");
    EXPECT_TEXT(ret->history[1].toStatus, "ACCEPTED");
    EXPECT_TEXT(ret->history[1].actor, "acme-erp");
    EXPECT_TEXT(ret->history[1].reason, "agreed by phone");
    CU_ASSERT_TRUE(ret->history[1].version && *ret->history[1].version == 2);
}

static void test_returns__lifecycle_receive_and_refund(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0012", "5", "5"}}; /* 40.00 */
    static const char *const to[] = {"REQUESTED", "REJECTED", "REQUESTED",
                                     "ACCEPTED",  "RECEIVED", "REFUNDED"};
    static const char *const reasons[] = {NULL, "no receipt", "receipt found",
                                          NULL, NULL,         "credited"};
    struct _eos__ProcessReturnResponse resp;
    struct _eos__ListAccountDocumentsResponse docs;
    struct _eos__GetAccountStatementResponse s0, s1;
    struct doc_query q = {true, eos__DocType__REFUND, NULL, NULL, false, -1, 500, NULL};
    const struct eos__AccountDocument *doc;
    struct balance b0, b1;
    struct eos__Return *ret;
    struct eos__Order *o;
    struct counts before;
    char day[11], no[96];
    int order_version, on_statement = 0;
    int64_t order_id, id;

    fresh_client();
    order_id = SHIPPED_ORDER("life", lines);
    id = SIMPLE_RETURN("life-R", order_id, 1, "2");
    number(no, sizeof(no), "life-R");

    /* Only the seller processes returns. */
    counts_take(&before);
    CU_ASSERT_NOT_EQUAL(process("buyer1", id, eos__ReturnAction__ACCEPT, 1, NULL, 0, NULL, &resp),
                        SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
    CU_ASSERT_NOT_EQUAL(process("buyer2", id, eos__ReturnAction__ACCEPT, 1, NULL, 0, NULL, &resp),
                        SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
    CU_ASSERT_NOT_EQUAL(process("acme-erp", id, eos__ReturnAction__ACCEPT, 2, NULL, 0, NULL, &resp),
                        SOAP_OK);
    EXPECT_FAULT("VERSION_CONFLICT", "expectedVersion");
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", NOT_AN_ID, eos__ReturnAction__ACCEPT, 1, NULL, 0, NULL, &resp),
        SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "returnId");
    EXPECT_UNCHANGED(&before);

    process_ok(id, eos__ReturnAction__REJECT, 1, eos__ReturnStatus__REJECTED, reasons[1], __LINE__);
    CU_ASSERT_NOT_EQUAL(
        process("acme-erp", id, eos__ReturnAction__UNREJECT, 1, NULL, 0, NULL, &resp), SOAP_OK);
    EXPECT_FAULT("VERSION_CONFLICT", "expectedVersion");
    process_ok(id, eos__ReturnAction__UNREJECT, 2, eos__ReturnStatus__REQUESTED, reasons[2],
               __LINE__);
    PROCESS_OK(id, ACCEPT, 3, ACCEPTED);

    /* RECEIVE: the order's returned quantity grows, with an order history entry. */
    o = get_order(order_id);
    EXPECT_OK(o ? SOAP_OK : client->error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(order_line_of(o, 1));
    EXPECT_TEXT(order_line_of(o, 1)->returnedQuantity, "0");
    order_version = o->version;
    PROCESS_OK(id, RECEIVE, 4, RECEIVED);
    o = get_order(order_id);
    EXPECT_OK(o ? SOAP_OK : client->error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(order_line_of(o, 1));
    EXPECT_TEXT(order_line_of(o, 1)->returnedQuantity, "2");
    EXPECT_TEXT(order_line_of(o, 1)->shippedQuantity, "5");
    CU_ASSERT_EQUAL(o->version, order_version + 1);
    CU_ASSERT_EQUAL(o->status, eos__OrderStatus__SHIPPED);
    CU_ASSERT_TRUE_FATAL(o->__sizehistory >= 1);
    EXPECT_TEXT(o->history[o->__sizehistory - 1].actor, "acme-erp");
    EXPECT_TEXT(o->history[o->__sizehistory - 1].toStatus, "SHIPPED");

    /* REFUND: a credit of the return's amount, dated the day it is posted. */
    BALANCE_OK(NULL, &b0);
    STATEMENT_OK(today(day), day, &s0);
    process_ok(id, eos__ReturnAction__REFUND, 5, eos__ReturnStatus__REFUNDED, reasons[5], __LINE__);
    BALANCE_OK(NULL, &b1);
    EXPECT_MOVED(&b0, &b1, 0, 0, M(80, 0), 0);
    STATEMENT_OK(day, day, &s1);
    CU_ASSERT_EQUAL(test_dec(s1.openingBalance), test_dec(s0.openingBalance));
    CU_ASSERT_EQUAL(s1.__sizeentry, s0.__sizeentry + 1);
    CU_ASSERT_EQUAL(test_dec(s1.closingBalance), test_dec(s0.closingBalance) - M(80, 0));
    for (int i = 0; i < s1.__sizeentry; i++) {
        if (s1.entry[i].docType != eos__DocType__REFUND || strcmp(test_nz(s1.entry[i].docNo), no))
            continue;
        EXPECT_TEXT(s1.entry[i].date, day);
        EXPECT_TEXT(s1.entry[i].debit, "0.00");
        EXPECT_TEXT(s1.entry[i].credit, "80.00");
        on_statement++;
    }
    CU_ASSERT_EQUAL(on_statement, 1);

    q.from = day;
    q.to = day;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    doc = find_doc(&docs, eos__DocType__REFUND, no);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    EXPECT_TEXT(doc->docDate, day);
    EXPECT_TEXT(doc->amount, "80.00");
    CU_ASSERT_TRUE(doc->orderId && *doc->orderId == order_id);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__false_);
    CU_ASSERT_PTR_NULL(doc->confirmedAt);
    EXPECT_TEXT(doc->buyerCode, "BUY001");

    /* The whole story in the history. */
    ret = get_return("buyer1", id, NULL, NULL);
    EXPECT_OK(ret ? SOAP_OK : client->error);
    CU_ASSERT_EQUAL(ret->status, eos__ReturnStatus__REFUNDED);
    CU_ASSERT_EQUAL(ret->version, 6);
    EXPECT_TEXT(ret->totalAmount, "80.00");
    CU_ASSERT_EQUAL_FATAL(ret->__sizehistory, 6);
    for (int i = 0; i < 6; i++) {
        const struct eos__HistoryEntry *h = &ret->history[i];

        if (i == 0) {
            CU_ASSERT_PTR_NULL(h->fromStatus);
        } else {
            CU_ASSERT_STRING_EQUAL(test_nz(h->fromStatus), to[i - 1]);
        }
        CU_ASSERT_STRING_EQUAL(test_nz(h->toStatus), to[i]);
        CU_ASSERT_STRING_EQUAL(test_nz(h->actor), i == 0 ? "buyer1" : "acme-erp");
        if (reasons[i]) {
            CU_ASSERT_STRING_EQUAL(test_nz(h->reason), reasons[i]);
        } else {
            CU_ASSERT_PTR_NULL(h->reason);
        }
        CU_ASSERT_TRUE(h->version && *h->version == i + 1);
        CU_ASSERT_TRUE(i == 0 || h->at >= ret->history[i - 1].at);
    }
}

/* Every cell of the state machine that is not a transition refuses. */
static void test_returns__refused_transitions_are_invalid(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0013", "10", "10"}}; /* 42.50 */
    static const enum eos__ReturnAction all[] = {
        eos__ReturnAction__ACCEPT, eos__ReturnAction__REJECT, eos__ReturnAction__UNREJECT,
        eos__ReturnAction__RECEIVE, eos__ReturnAction__REFUND};
    /* Allowed action per status (index eos__ReturnStatus); -1: none. */
    static const struct {
        enum eos__ReturnStatus status;
        int allowed[2];
        int version;
    } states[] = {
        {eos__ReturnStatus__REQUESTED, {eos__ReturnAction__ACCEPT, eos__ReturnAction__REJECT}, 1},
        {eos__ReturnStatus__REJECTED, {eos__ReturnAction__UNREJECT, -1}, 2},
        {eos__ReturnStatus__ACCEPTED, {eos__ReturnAction__RECEIVE, -1}, 2},
        {eos__ReturnStatus__RECEIVED, {eos__ReturnAction__REFUND, -1}, 3},
        {eos__ReturnStatus__REFUNDED, {-1, -1}, 4},
    };
    struct _eos__ProcessReturnResponse resp;
    struct counts before;
    int64_t order_id, ids[5];
    char tag[32];

    fresh_client();
    order_id = SHIPPED_ORDER("cells", lines);
    for (int i = 0; i < 5; i++) {
        snprintf(tag, sizeof(tag), "cells-%d", i);
        ids[i] = SIMPLE_RETURN(tag, order_id, 1, "1");
    }
    PROCESS_OK(ids[1], REJECT, 1, REJECTED);
    PROCESS_OK(ids[2], ACCEPT, 1, ACCEPTED);
    PROCESS_OK(ids[3], ACCEPT, 1, ACCEPTED);
    PROCESS_OK(ids[3], RECEIVE, 2, RECEIVED);
    PROCESS_OK(ids[4], ACCEPT, 1, ACCEPTED);
    PROCESS_OK(ids[4], RECEIVE, 2, RECEIVED);
    PROCESS_OK(ids[4], REFUND, 3, REFUNDED);

    counts_take(&before);
    for (int s = 0; s < 5; s++) {
        for (int a = 0; a < 5; a++) {
            struct eos__Return *ret;

            if ((int)all[a] == states[s].allowed[0] || (int)all[a] == states[s].allowed[1])
                continue;
            if (process("acme-erp", ids[s], all[a], states[s].version, NULL, 0, NULL, &resp) ==
                SOAP_OK)
                fprintf(stderr, "transition %d from status %d was let through\n", (int)all[a],
                        (int)states[s].status);
            EXPECT_FAULT("INVALID_TRANSITION", "action");
            ret = get_return("acme-erp", ids[s], NULL, NULL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(ret);
            CU_ASSERT_EQUAL(ret->status, states[s].status);
            CU_ASSERT_EQUAL(ret->version, states[s].version);
        }
    }
    EXPECT_UNCHANGED(&before);
}

/* ============================================================ the feed */

/* Downloads as acme-erp; asserts success. */
static void download(const char *cursor, int max, struct _eos__DownloadReturnsResponse *resp,
                     unsigned line)
{
    struct _eos__DownloadReturnsRequest req;
    int *m = soap_malloc(client, sizeof(int));
    int rc;

    soap_default__eos__DownloadReturnsRequest(client, &req);
    soap_default__eos__DownloadReturnsResponse(client, resp);
    if (m)
        *m = max;
    req.cursor = (char *)cursor;
    req.maxReturns = max > 0 ? m : NULL;
    test_auth_basic(client, "acme-erp", pw());
    rc = soap_call___eos__DownloadReturns(client, hub.endpoint, NULL, &req, resp);
    test_expect_ok(client, rc, __FILE__, line, true);
}
#define DOWNLOAD(cursor, max, resp) download(cursor, max, resp, __LINE__)

static int acknowledge(const char *user, const char *cursor,
                       struct _eos__AcknowledgeReturnsResponse *resp)
{
    struct _eos__AcknowledgeReturnsRequest req;

    soap_default__eos__AcknowledgeReturnsRequest(client, &req);
    soap_default__eos__AcknowledgeReturnsResponse(client, resp);
    req.cursor = (char *)cursor;
    test_auth_basic(client, user, pw());
    return soap_call___eos__AcknowledgeReturns(client, hub.endpoint, NULL, &req, resp);
}

/* "v1.<n>": n, or -1. */
static long long cursor_seq(const char *cursor)
{
    char *end = NULL;
    long long n;

    if (!cursor || strncmp(cursor, "v1.", 3) != 0)
        return -1;
    n = strtoll(cursor + 3, &end, 10);
    return end && *end == '\0' && end != cursor + 3 ? n : -1;
}

static void test_returns__feed_replays_until_acknowledged(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0010", "4", "4"}}; /* 35.00 */
    struct _eos__DownloadReturnsResponse d;
    struct _eos__AcknowledgeReturnsResponse ack;
    struct _eos__DownloadReturnsRequest bad;
    char c0[64], c1[64], c2[64], beyond[64];
    int64_t order_id, a, b;
    int zero = 0;

    fresh_client();
    /* Catch up with everything earlier suites and tests left. */
    do {
        DOWNLOAD(NULL, 500, &d);
        CU_ASSERT_TRUE_FATAL(cursor_seq(d.nextCursor) >= 0);
        EXPECT_OK(acknowledge("acme-erp", d.nextCursor, &ack));
        EXPECT_TEXT(ack.acknowledgedCursor, d.nextCursor);
    } while (d.more == xsd__boolean__true_);
    snprintf(c0, sizeof(c0), "%s", d.nextCursor);
    DOWNLOAD(NULL, 0, &d);
    CU_ASSERT_EQUAL(d.__sizereturn_, 0);
    CU_ASSERT_EQUAL(d.more, xsd__boolean__false_);
    EXPECT_TEXT(d.nextCursor, c0);

    order_id = SHIPPED_ORDER("feed", lines);
    a = SIMPLE_RETURN("feed-A", order_id, 1, "1");
    b = SIMPLE_RETURN("feed-B", order_id, 1, "2");

    /* Both, oldest first, as GetReturnStatus shows them; again until acknowledged. */
    for (int pass = 0; pass < 2; pass++) {
        DOWNLOAD(NULL, 0, &d);
        CU_ASSERT_EQUAL_FATAL(d.__sizereturn_, 2);
        CU_ASSERT_EQUAL(d.more, xsd__boolean__false_);
        CU_ASSERT_EQUAL(d.return_[0].returnId, a);
        CU_ASSERT_EQUAL(d.return_[1].returnId, b);
        EXPECT_TEXT(d.return_[1].buyerCode, "BUY001");
        EXPECT_TEXT(d.return_[1].totalAmount, "70.00");
        CU_ASSERT_EQUAL(d.return_[1].status, eos__ReturnStatus__REQUESTED);
        CU_ASSERT_EQUAL(d.return_[1].__sizeline, 1);
        CU_ASSERT_EQUAL(d.return_[1].__sizehistory, 1);
        CU_ASSERT_EQUAL(cursor_seq(d.nextCursor), cursor_seq(c0) + 2);
    }
    snprintf(c2, sizeof(c2), "%s", d.nextCursor);

    /* In batches of one, each picking up where the cursor says. */
    DOWNLOAD(c0, 1, &d);
    CU_ASSERT_EQUAL_FATAL(d.__sizereturn_, 1);
    CU_ASSERT_EQUAL(d.return_[0].returnId, a);
    CU_ASSERT_EQUAL(d.more, xsd__boolean__true_);
    snprintf(c1, sizeof(c1), "%s", d.nextCursor);
    CU_ASSERT_EQUAL(cursor_seq(c1), cursor_seq(c0) + 1);
    DOWNLOAD(c1, 1, &d);
    CU_ASSERT_EQUAL_FATAL(d.__sizereturn_, 1);
    CU_ASSERT_EQUAL(d.return_[0].returnId, b);
    CU_ASSERT_EQUAL(d.more, xsd__boolean__false_);
    EXPECT_TEXT(d.nextCursor, c2);
    DOWNLOAD(c2, 0, &d);
    CU_ASSERT_EQUAL(d.__sizereturn_, 0);
    EXPECT_TEXT(d.nextCursor, c2);

    /* Acknowledging the first leaves the second; an older cursor changes nothing. */
    EXPECT_OK(acknowledge("acme-erp", c1, &ack));
    EXPECT_TEXT(ack.acknowledgedCursor, c1);
    DOWNLOAD(NULL, 0, &d);
    CU_ASSERT_EQUAL_FATAL(d.__sizereturn_, 1);
    CU_ASSERT_EQUAL(d.return_[0].returnId, b);
    EXPECT_OK(acknowledge("acme-erp", c2, &ack));
    EXPECT_TEXT(ack.acknowledgedCursor, c2);
    EXPECT_OK(acknowledge("acme-erp", c1, &ack));
    EXPECT_TEXT(ack.acknowledgedCursor, c2);
    EXPECT_OK(acknowledge("acme-erp", c0, &ack));
    EXPECT_TEXT(ack.acknowledgedCursor, c2);
    DOWNLOAD(NULL, 0, &d);
    CU_ASSERT_EQUAL(d.__sizereturn_, 0);
    EXPECT_TEXT(d.nextCursor, c2);

    /* A change brings a return back, as it is now. */
    PROCESS_OK(a, ACCEPT, 1, ACCEPTED);
    DOWNLOAD(NULL, 0, &d);
    CU_ASSERT_EQUAL_FATAL(d.__sizereturn_, 1);
    CU_ASSERT_EQUAL(d.return_[0].returnId, a);
    CU_ASSERT_EQUAL(d.return_[0].status, eos__ReturnStatus__ACCEPTED);
    CU_ASSERT_EQUAL(d.return_[0].version, 2);
    CU_ASSERT_EQUAL(d.return_[0].__sizehistory, 2);
    CU_ASSERT_EQUAL(cursor_seq(d.nextCursor), cursor_seq(c2) + 1);
    EXPECT_OK(acknowledge("acme-erp", d.nextCursor, &ack));

    /* Refusals: cursors it never handed out, sizes out of range, buyers. */
    snprintf(beyond, sizeof(beyond), "v1.%lld", cursor_seq(c2) + 1000);
    soap_default__eos__DownloadReturnsRequest(client, &bad);
    bad.cursor = beyond;
    test_auth_basic(client, "acme-erp", pw());
    CU_ASSERT_NOT_EQUAL(soap_call___eos__DownloadReturns(client, hub.endpoint, NULL, &bad, &d),
                        SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "cursor");
    bad.cursor = "not-a-cursor";
    test_auth_basic(client, "acme-erp", pw());
    CU_ASSERT_NOT_EQUAL(soap_call___eos__DownloadReturns(client, hub.endpoint, NULL, &bad, &d),
                        SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "cursor");
    bad.cursor = NULL;
    bad.maxReturns = &zero;
    test_auth_basic(client, "acme-erp", pw());
    CU_ASSERT_NOT_EQUAL(soap_call___eos__DownloadReturns(client, hub.endpoint, NULL, &bad, &d),
                        SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "maxReturns");
    CU_ASSERT_NOT_EQUAL(acknowledge("acme-erp", beyond, &ack), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "cursor");
    bad.maxReturns = NULL;
    test_auth_basic(client, "buyer1", pw());
    CU_ASSERT_NOT_EQUAL(soap_call___eos__DownloadReturns(client, hub.endpoint, NULL, &bad, &d),
                        SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
    CU_ASSERT_NOT_EQUAL(acknowledge("buyer1", c2, &ack), SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
}

/* ============================================================ reconciliation */

static void test_returns__account_documents_listed_and_confirmed(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0006", "4", "4"}}; /* 100.00 */
    struct _eos__ListAccountDocumentsResponse docs;
    struct _eos__ConfirmAccountDocumentResponse c;
    struct doc_query q = {false, eos__DocType__SHIPMENT, NULL, NULL, false, -1, -1, NULL};
    const struct eos__AccountDocument *doc;
    struct counts before;
    char from[11], to[11], d1[11], d2[11], d3[11];
    char shp[96], inv[96], pay[96], other[96];
    int64_t order_id;
    time_t confirmed_at;

    fresh_client();
    ymd(from, 3, 1);
    ymd(to, 3, 31);
    number(shp, sizeof(shp), "docs-SHP");
    number(inv, sizeof(inv), "docs-INV");
    number(pay, sizeof(pay), "docs-PAY");
    order_id = place_order("docs", lines, 1, __LINE__);
    SHIP(shp, order_id, ymd(d1, 3, 5), lines, 1);
    INVOICE(inv, order_id, ymd(d2, 3, 10), "100.00");
    PAYMENT(pay, ymd(d3, 3, 15), "60.00", RECEIPT, inv);

    /* The buyer's three documents of the period, in date order. */
    q.from = from;
    q.to = to;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 3);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 3);
    CU_ASSERT_EQUAL(docs.document[0].docType, eos__DocType__SHIPMENT);
    EXPECT_TEXT(docs.document[0].docNo, shp);
    EXPECT_TEXT(docs.document[0].docDate, d1);
    CU_ASSERT_TRUE(docs.document[0].orderId && *docs.document[0].orderId == order_id);
    EXPECT_TEXT(docs.document[0].amount, "100.00");
    CU_ASSERT_EQUAL(docs.document[1].docType, eos__DocType__INVOICE);
    EXPECT_TEXT(docs.document[1].docNo, inv);
    EXPECT_TEXT(docs.document[1].docDate, d2);
    CU_ASSERT_TRUE(docs.document[1].orderId && *docs.document[1].orderId == order_id);
    EXPECT_TEXT(docs.document[1].amount, "100.00");
    CU_ASSERT_EQUAL(docs.document[2].docType, eos__DocType__PAYMENT);
    EXPECT_TEXT(docs.document[2].docNo, pay);
    EXPECT_TEXT(docs.document[2].docDate, d3);
    CU_ASSERT_PTR_NULL(docs.document[2].orderId);
    EXPECT_TEXT(docs.document[2].amount, "60.00");
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(docs.document[i].confirmed, xsd__boolean__false_);
        CU_ASSERT_PTR_NULL(docs.document[i].confirmedAt);
        EXPECT_TEXT(docs.document[i].buyerCode, "BUY001");
    }

    /* Filters and pages. */
    q.has_type = true;
    q.type = eos__DocType__INVOICE;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 1);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 1);
    EXPECT_TEXT(docs.document[0].docNo, inv);
    q.has_type = false;
    q.from = ymd(other, 3, 6);
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 2);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 2);
    EXPECT_TEXT(docs.document[0].docNo, inv);
    q.from = from;
    q.to = d2;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 2);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 2);
    EXPECT_TEXT(docs.document[1].docNo, inv);
    q.to = to;
    q.offset = 1;
    q.limit = 1;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 3);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 1);
    EXPECT_TEXT(docs.document[0].docNo, inv);
    q.offset = 3;
    q.limit = 10;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.__sizedocument, 0);
    CU_ASSERT_EQUAL(docs.total, 3); /* the total of the filter, past the last page too */
    q.offset = -1;
    q.limit = -1;

    /* The other buyer sees none of them. */
    EXPECT_OK(list_docs("buyer2", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 0);
    CU_ASSERT_EQUAL(docs.__sizedocument, 0);

    /* Confirming: when, by whom; twice is the same. */
    counts_take(&before);
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__SHIPMENT, shp, true, &c));
    CU_ASSERT_EQUAL(c.docType, eos__DocType__SHIPMENT);
    EXPECT_TEXT(c.docNo, shp);
    CU_ASSERT_EQUAL(c.confirmed, xsd__boolean__true_);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.confirmedAt);
    CU_ASSERT_TRUE(near_now(*c.confirmedAt));
    confirmed_at = *c.confirmedAt;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    doc = find_doc(&docs, eos__DocType__SHIPMENT, shp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__true_);
    CU_ASSERT_TRUE(doc->confirmedAt && *doc->confirmedAt == confirmed_at);
    EXPECT_TEXT(doc->confirmedBy, "buyer1");
    q.unconfirmed_only = true;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 2);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 2);
    EXPECT_TEXT(docs.document[0].docNo, inv);
    EXPECT_TEXT(docs.document[1].docNo, pay);
    q.unconfirmed_only = false;

    /* The seller sees the state, per buyer. */
    q.buyer_code = "BUY001";
    EXPECT_OK(list_docs("acme-erp", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 3);
    doc = find_doc(&docs, eos__DocType__SHIPMENT, shp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__true_);
    CU_ASSERT_TRUE(doc->confirmedAt && *doc->confirmedAt == confirmed_at);
    EXPECT_TEXT(doc->confirmedBy, "buyer1");
    EXPECT_TEXT(doc->buyerCode, "BUY001");
    doc = find_doc(&docs, eos__DocType__PAYMENT, pay);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__false_);
    q.buyer_code = "BUY002";
    EXPECT_OK(list_docs("acme-erp", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 0);
    /* One customer at a time: the contract requires buyerCode of a seller
     * (document numbers are each seller's own, and would tie across them). */
    q.buyer_code = NULL;
    list_docs("acme-erp", &q, &docs);
    EXPECT_FAULT("VALIDATION_FAILED", "buyerCode");

    /* Withdrawing clears it. */
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__SHIPMENT, shp, false, &c));
    CU_ASSERT_EQUAL(c.confirmed, xsd__boolean__false_);
    CU_ASSERT_PTR_NULL(c.confirmedAt);
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    doc = find_doc(&docs, eos__DocType__SHIPMENT, shp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__false_);
    CU_ASSERT_PTR_NULL(doc->confirmedAt);
    q.buyer_code = "BUY001";
    EXPECT_OK(list_docs("acme-erp", &q, &docs));
    doc = find_doc(&docs, eos__DocType__SHIPMENT, shp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__false_);
    CU_ASSERT_PTR_NULL(doc->confirmedAt);
    q.buyer_code = NULL;
    q.unconfirmed_only = true;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 3);
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__INVOICE, inv, true, &c));
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__PAYMENT, pay, true, &c));
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__PAYMENT, pay, true, &c));
    CU_ASSERT_EQUAL(c.confirmed, xsd__boolean__true_);
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_EQUAL(docs.total, 1);
    CU_ASSERT_EQUAL_FATAL(docs.__sizedocument, 1);
    EXPECT_TEXT(docs.document[0].docNo, shp);
    q.unconfirmed_only = false;

    /* Unknown, of the wrong type, another buyer's, or the seller's hand. */
    counts_take(&before);
    snprintf(other, sizeof(other), "%.80s-nope", inv);
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer1", eos__DocType__INVOICE, other, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer1", eos__DocType__SHIPMENT, inv, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer2", eos__DocType__INVOICE, inv, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer2", eos__DocType__SHIPMENT, shp, false, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    CU_ASSERT_NOT_EQUAL(confirm_doc("acme-erp", eos__DocType__SHIPMENT, shp, true, &c), SOAP_OK);
    EXPECT_FAULT("FORBIDDEN", NULL);
    EXPECT_UNCHANGED(&before);

    /* Filters that name the wrong buyer, or out of range. */
    q.buyer_code = "BUY002";
    CU_ASSERT_NOT_EQUAL(list_docs("buyer1", &q, &docs), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    q.buyer_code = "NO-SUCH-BUYER";
    CU_ASSERT_NOT_EQUAL(list_docs("acme-erp", &q, &docs), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    q.buyer_code = NULL;
    q.limit = 0;
    CU_ASSERT_NOT_EQUAL(list_docs("buyer1", &q, &docs), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "limit");
    q.limit = 501;
    CU_ASSERT_NOT_EQUAL(list_docs("buyer1", &q, &docs), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "limit");
    q.limit = -1;
    q.from = "2001-02-30";
    CU_ASSERT_NOT_EQUAL(list_docs("buyer1", &q, &docs), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "from");
}

/* A refunded return's REFUND document is confirmed like the others. */
static void test_returns__refund_document_is_confirmed(void)
{
    static const struct line_spec lines[] = {{1, "SKU-0007", "2", "2"}}; /* 27.50 */
    struct _eos__ListAccountDocumentsResponse docs;
    struct _eos__ConfirmAccountDocumentResponse c;
    struct doc_query q = {true, eos__DocType__REFUND, NULL, NULL, false, -1, 500, NULL};
    const struct eos__AccountDocument *doc;
    char day[11], no[96];
    int64_t order_id, id;

    fresh_client();
    order_id = SHIPPED_ORDER("refdoc", lines);
    id = SIMPLE_RETURN("refdoc-R", order_id, 1, "1");
    number(no, sizeof(no), "refdoc-R");
    /* Not a document before it is refunded. */
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer1", eos__DocType__REFUND, no, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    PROCESS_OK(id, ACCEPT, 1, ACCEPTED);
    PROCESS_OK(id, RECEIVE, 2, RECEIVED);
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer1", eos__DocType__REFUND, no, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
    PROCESS_OK(id, REFUND, 3, REFUNDED);
    EXPECT_OK(confirm_doc("buyer1", eos__DocType__REFUND, no, true, &c));
    CU_ASSERT_EQUAL(c.confirmed, xsd__boolean__true_);
    CU_ASSERT_TRUE(c.confirmedAt && near_now(*c.confirmedAt));
    q.from = today(day);
    q.to = day;
    q.unconfirmed_only = true;
    EXPECT_OK(list_docs("buyer1", &q, &docs));
    CU_ASSERT_PTR_NULL(find_doc(&docs, eos__DocType__REFUND, no));
    q.unconfirmed_only = false;
    q.buyer_code = "BUY001";
    EXPECT_OK(list_docs("acme-erp", &q, &docs));
    doc = find_doc(&docs, eos__DocType__REFUND, no);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    EXPECT_TEXT(doc->amount, "27.50");
    CU_ASSERT_EQUAL(doc->confirmed, xsd__boolean__true_);
    EXPECT_TEXT(doc->confirmedBy, "buyer1");
    CU_ASSERT_NOT_EQUAL(confirm_doc("buyer2", eos__DocType__REFUND, no, true, &c), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "docNo");
}

static void test_returns__balance_follows_the_documents_and_as_of(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0006", "4", "4"}, /* 100.00, shipped */
        {2, "SKU-0007", "2", NULL} /* 55.00, not shipped */
    };
    /* asOf days and what the documents up to each move, in cents:
     * uninvoiced, receivable, unapplied. */
    static const struct {
        int day;
        int64_t uninvoiced, receivable, unapplied;
    } as_of[] = {
        {4, 0, 0, 0},     {5, 10000, 0, 0},    {9, 10000, 0, 0},    {10, 0, 10000, 0},
        {15, 0, 4000, 0}, {20, 0, 4000, 2500}, {25, 0, 4000, 1500}, {31, 0, 4000, 1500},
    };
    struct balance now0, now1, now2, other, then0[8], then1[8], today0, today1;
    char day[11], shp[96], inv[96], pay[96], adv[96], ref[96], now_day[11];
    int64_t order_id, id;
    int n = (int)(sizeof(as_of) / sizeof(as_of[0]));

    fresh_client();
    for (int i = 0; i < n; i++)
        BALANCE_OK(ymd(day, 1, as_of[i].day), &then0[i]);
    BALANCE_OK(NULL, &now0);
    BALANCE_OK(today(now_day), &today0);

    order_id = place_order("bal", lines, 2, __LINE__);
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, 0, 0, 0, M(155, 0));
    SHIP(number(shp, sizeof(shp), "bal-SHP"), order_id, ymd(day, 1, 5), lines, 2);
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, M(100, 0), 0, 0, M(155, 0));
    INVOICE(number(inv, sizeof(inv), "bal-INV"), order_id, ymd(day, 1, 10), "100.00");
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, 0, M(100, 0), 0, M(55, 0));
    PAYMENT(number(pay, sizeof(pay), "bal-PAY"), ymd(day, 1, 15), "60.00", RECEIPT, inv);
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, 0, M(40, 0), 0, M(55, 0));
    PAYMENT(number(adv, sizeof(adv), "bal-ADV"), ymd(day, 1, 20), "25.00", ADVANCE, NULL);
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, 0, M(40, 0), M(25, 0), M(55, 0));
    PAYMENT(number(ref, sizeof(ref), "bal-REF"), ymd(day, 1, 25), "10.00", REFUND, NULL);
    BALANCE_OK(NULL, &now1);
    EXPECT_MOVED(&now0, &now1, 0, M(40, 0), M(15, 0), M(55, 0));

    /* As of each day: only the documents dated up to it. */
    for (int i = 0; i < n; i++) {
        BALANCE_OK(ymd(day, 1, as_of[i].day), &then1[i]);
        expect_balance_moved(&then0[i], &then1[i], as_of[i].uninvoiced * 100,
                             as_of[i].receivable * 100, as_of[i].unapplied * 100, 0, __LINE__);
    }

    /* A refunded return credits the buyer today, not in the past. */
    id = SIMPLE_RETURN("bal-R", order_id, 1, "1");
    PROCESS_OK(id, ACCEPT, 1, ACCEPTED);
    PROCESS_OK(id, RECEIVE, 2, RECEIVED);
    PROCESS_OK(id, REFUND, 3, REFUNDED);
    BALANCE_OK(NULL, &now2);
    EXPECT_MOVED(&now0, &now2, 0, M(40, 0), M(40, 0), M(55, 0));
    BALANCE_OK(ymd(day, 1, 31), &then1[n - 1]);
    expect_balance_moved(&then0[n - 1], &then1[n - 1], 0, M(40, 0), M(15, 0), 0, __LINE__);
    /* As of today, everything counts, the open order too. */
    BALANCE_OK(now_day, &today1);
    EXPECT_MOVED(&today0, &today1, 0, M(40, 0), M(40, 0), M(55, 0));

    /* The seller reads the same, naming the buyer; it must name one. */
    EXPECT_OK(get_balance("acme-erp", NULL, "BUY001", &other));
    CU_ASSERT_EQUAL(other.uninvoiced, now2.uninvoiced);
    CU_ASSERT_EQUAL(other.receivable, now2.receivable);
    CU_ASSERT_EQUAL(other.unapplied, now2.unapplied);
    CU_ASSERT_EQUAL(other.open, now2.open);
    CU_ASSERT_EQUAL(other.limit, now2.limit);
    CU_ASSERT_EQUAL(other.available, now2.available);
    EXPECT_OK(get_balance("buyer1", NULL, "BUY001", &other));
    CU_ASSERT_EQUAL(other.receivable, now2.receivable);
    CU_ASSERT_NOT_EQUAL(get_balance("acme-erp", NULL, NULL, &other), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "buyerCode");
    CU_ASSERT_NOT_EQUAL(get_balance("acme-erp", NULL, "NO-SUCH-BUYER", &other), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    CU_ASSERT_NOT_EQUAL(get_balance("buyer1", NULL, "BUY002", &other), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    CU_ASSERT_NOT_EQUAL(get_balance("buyer1", "2001-02-30", NULL, &other), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "asOf");

    /* buyer2's account is its own. */
    EXPECT_OK(get_balance("buyer2", NULL, NULL, &other));
    CU_ASSERT_STRING_EQUAL(other.currency, "CNY");
    CU_ASSERT_TRUE(other.has_limit);
    CU_ASSERT_EQUAL(other.limit, M(5000, 0));
    CU_ASSERT_EQUAL(other.available, other.limit - other.open - other.receivable);
    EXPECT_OK(get_balance("acme-erp", NULL, "BUY002", &now1));
    CU_ASSERT_EQUAL(now1.receivable, other.receivable);
    CU_ASSERT_EQUAL(now1.unapplied, other.unapplied);
}

static void test_returns__statements_across_period_boundaries_agree(void)
{
    static const struct line_spec lines[] = {
        {1, "SKU-0006", "4", "4"}, /* 100.00 */
        {2, "SKU-0008", "4", "4"}, /* 120.00 */
    };
    struct _eos__GetAccountStatementResponse all, p1, p2, a, b, one, none, upto, s;
    struct balance bal;
    char may1[11], may2[11], may10[11], may20[11], may21[11], may31[11], jun1[11], jun15[11],
        jun30[11], jul1[11], jul31[11], apr30[11];
    char shp[96], inv_a[96], pay_a[96], adv[96], inv_b[96], ref[96], pay_b[96];
    int64_t order_id, o;

    fresh_client();
    ymd(may1, 5, 1);
    ymd(may2, 5, 2);
    ymd(may10, 5, 10);
    ymd(may20, 5, 20);
    ymd(may21, 5, 21);
    ymd(may31, 5, 31);
    ymd(jun1, 6, 1);
    ymd(jun15, 6, 15);
    ymd(jun30, 6, 30);
    ymd(jul1, 7, 1);
    ymd(jul31, 7, 31);
    ymd(apr30, 4, 30);
    number(shp, sizeof(shp), "st-SHP");
    number(inv_a, sizeof(inv_a), "st-INV-A");
    number(pay_a, sizeof(pay_a), "st-PAY-A");
    number(adv, sizeof(adv), "st-A"); /* the same day as st-B: first by number */
    number(inv_b, sizeof(inv_b), "st-B");
    number(ref, sizeof(ref), "st-REF");
    number(pay_b, sizeof(pay_b), "st-PAY-B");

    STATEMENT_OK(may1, jun30, &s);
    CU_ASSERT_EQUAL(s.__sizeentry, 0);
    o = test_dec(s.openingBalance);
    order_id = place_order("st", lines, 2, __LINE__);
    SHIP(shp, order_id, may2, lines, 2); /* shipments are not on the statement */
    INVOICE(inv_a, order_id, may10, "100.00");
    PAYMENT(pay_a, may20, "60.00", RECEIPT, inv_a);
    INVOICE(inv_b, order_id, may31, "120.00");
    PAYMENT(adv, may31, "25.00", ADVANCE, NULL);
    PAYMENT(ref, jun15, "10.00", REFUND, NULL);
    PAYMENT(pay_b, jun30, "50.00", RECEIPT, inv_b);

    {
        const struct entry_spec want[] = {
            {may10, eos__DocType__INVOICE, inv_a, M(100, 0), 0, M(100, 0)},
            {may20, eos__DocType__PAYMENT, pay_a, 0, M(60, 0), M(40, 0)},
            {may31, eos__DocType__PAYMENT, adv, 0, M(25, 0), M(15, 0)},
            {may31, eos__DocType__INVOICE, inv_b, M(120, 0), 0, M(135, 0)},
            {jun15, eos__DocType__PAYMENT, ref, M(10, 0), 0, M(145, 0)},
            {jun30, eos__DocType__PAYMENT, pay_b, 0, M(50, 0), M(95, 0)},
        };

        STATEMENT_OK(may1, jun30, &all);
        EXPECT_ENTRIES(&all, o, o, want, 6);
        /* Cut at the month. */
        STATEMENT_OK(may1, may31, &p1);
        EXPECT_ENTRIES(&p1, o, o, want, 4);
        STATEMENT_OK(jun1, jun30, &p2);
        EXPECT_ENTRIES(&p2, o + M(135, 0), o, want + 4, 2);
        /* Cut between two days with documents. */
        STATEMENT_OK(may1, may20, &a);
        EXPECT_ENTRIES(&a, o, o, want, 2);
        STATEMENT_OK(may21, jun30, &b);
        EXPECT_ENTRIES(&b, o + M(40, 0), o, want + 2, 4);
        /* One day; a month without documents; everything before. */
        STATEMENT_OK(may31, may31, &one);
        EXPECT_ENTRIES(&one, o + M(40, 0), o, want + 2, 2);
        STATEMENT_OK(jul1, jul31, &none);
        EXPECT_ENTRIES(&none, o + M(95, 0), o, want, 0);
        STATEMENT_OK("1900-01-01", apr30, &upto);
        CU_ASSERT_EQUAL(test_dec(upto.closingBalance), o);
    }
    /* The closing balance of one period is the opening balance of the next. */
    EXPECT_TEXT(p1.closingBalance, test_nz(p2.openingBalance));
    EXPECT_TEXT(a.closingBalance, test_nz(b.openingBalance));
    EXPECT_TEXT(upto.closingBalance, test_nz(all.openingBalance));
    EXPECT_TEXT(p2.closingBalance, test_nz(none.openingBalance));
    EXPECT_TEXT(all.closingBalance, test_nz(p2.closingBalance));
    EXPECT_TEXT(all.closingBalance, test_nz(b.closingBalance));

    /* The statement's balance is what the balance summary says is owed:
     * receivable less unapplied money, as of the same day and today. */
    BALANCE_OK(jun30, &bal);
    CU_ASSERT_EQUAL(test_dec(all.closingBalance), bal.receivable - bal.unapplied);
    BALANCE_OK(NULL, &bal);
    STATEMENT_OK("1900-01-01", "9999-12-31", &s);
    CU_ASSERT_EQUAL(test_dec(s.closingBalance), bal.receivable - bal.unapplied);

    /* The seller reads the same statement, naming the buyer. */
    EXPECT_OK(get_statement("acme-erp", may1, jun30, "BUY001", &s));
    expect_adds_up(&s, __LINE__);
    EXPECT_TEXT(s.openingBalance, test_nz(all.openingBalance));
    EXPECT_TEXT(s.closingBalance, test_nz(all.closingBalance));
    CU_ASSERT_EQUAL(s.__sizeentry, 6);
    EXPECT_OK(get_statement("buyer1", may1, jun30, "BUY001", &s));
    EXPECT_TEXT(s.closingBalance, test_nz(all.closingBalance));
    /* Refusals. */
    CU_ASSERT_NOT_EQUAL(get_statement("buyer1", jun30, may1, NULL, &s), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "to");
    CU_ASSERT_NOT_EQUAL(get_statement("acme-erp", may1, jun30, NULL, &s), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "buyerCode");
    CU_ASSERT_NOT_EQUAL(get_statement("buyer1", may1, jun30, "BUY002", &s), SOAP_OK);
    EXPECT_FAULT("NOT_FOUND", "buyerCode");
    CU_ASSERT_NOT_EQUAL(get_statement("buyer1", "2001-13-01", jun30, NULL, &s), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "from");
    CU_ASSERT_NOT_EQUAL(get_statement("buyer1", may1, NULL, NULL, &s), SOAP_OK);
    EXPECT_FAULT("VALIDATION_FAILED", "to");
}

/* An account with no document at all has a statement too: zero throughout.
 * Last of the suite, since buyer2 has no documents unless another suite
 * gave it some (this suite never does). */
static void test_returns__statement_of_an_account_without_documents(void)
{
    struct _eos__GetAccountStatementResponse s;
    struct balance bal;
    char may1[11], jun30[11];

    fresh_client();
    EXPECT_OK(get_statement("buyer2", ymd(may1, 5, 1), ymd(jun30, 6, 30), NULL, &s));
    expect_adds_up(&s, __LINE__);
    CU_ASSERT_EQUAL(s.__sizeentry, 0);
    EXPECT_TEXT(s.openingBalance, test_nz(s.closingBalance));
    EXPECT_OK(get_balance("buyer2", jun30, NULL, &bal));
    CU_ASSERT_EQUAL(test_dec(s.closingBalance), bal.receivable - bal.unapplied);
    EXPECT_OK(get_statement("acme-erp", may1, jun30, "BUY002", &s));
    CU_ASSERT_EQUAL(s.__sizeentry, 0);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_returns__submit_prices_at_paid_price_and_reads_back",
         test_returns__submit_prices_at_paid_price_and_reads_back},
        {"test_returns__refused_requests_store_nothing",
         test_returns__refused_requests_store_nothing},
        {"test_returns__open_returns_compete_for_quantity",
         test_returns__open_returns_compete_for_quantity},
        {"test_returns__unreject_rechecks_the_open_quantity",
         test_returns__unreject_rechecks_the_open_quantity},
        {"test_returns__priced_at_the_agreed_return_price",
         test_returns__priced_at_the_agreed_return_price},
        {"test_returns__idempotent_by_buyer_return_no",
         test_returns__idempotent_by_buyer_return_no},
        {"test_returns__racing_identical_returns_make_one",
         test_returns__racing_identical_returns_make_one},
        {"test_returns__racing_returns_cannot_take_the_same_quantity",
         test_returns__racing_returns_cannot_take_the_same_quantity},
        {"test_returns__accept_adjusts_prices_within_authority",
         test_returns__accept_adjusts_prices_within_authority},
        {"test_returns__lifecycle_receive_and_refund", test_returns__lifecycle_receive_and_refund},
        {"test_returns__refused_transitions_are_invalid",
         test_returns__refused_transitions_are_invalid},
        {"test_returns__feed_replays_until_acknowledged",
         test_returns__feed_replays_until_acknowledged},
        {"test_returns__account_documents_listed_and_confirmed",
         test_returns__account_documents_listed_and_confirmed},
        {"test_returns__refund_document_is_confirmed", test_returns__refund_document_is_confirmed},
        {"test_returns__balance_follows_the_documents_and_as_of",
         test_returns__balance_follows_the_documents_and_as_of},
        {"test_returns__statements_across_period_boundaries_agree",
         test_returns__statements_across_period_boundaries_agree},
        {"test_returns__statement_of_an_account_without_documents",
         test_returns__statement_of_an_account_without_documents},
    };

    return cunit_run("returns", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
