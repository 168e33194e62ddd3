/*
 * bench_client.c - the SOAP scenarios of eos-bench (see bench_client.h).
 */
#include "tools/bench_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/str.h"
#include "soapH.h"
#include "tools/bench_data.h"
#include "wsseapi.h"

#define STATUS_PAGES 4        /* ListOrders pages gathered by a status thread */
#define STATUS_PAGE 500       /* orders per page (the contract's largest limit) */
#define STATUS_SEED_ORDERS 10 /* orders a status thread submits when its buyer has none */
#define SKU_BUF 32
#define ORDER_NO_BUF 65

/* gSOAP's own error numbers worth a name in the report. */
static const struct {
    int error;
    const char *name;
} soap_errors[] = {
    {SOAP_EOF, "SOAP_EOF"},
    {SOAP_TCP_ERROR, "SOAP_TCP_ERROR"},
    {SOAP_HTTP_ERROR, "SOAP_HTTP_ERROR"},
    {SOAP_SSL_ERROR, "SOAP_SSL_ERROR"},
    {SOAP_FAULT, "SOAP_FAULT"},
    {SOAP_TAG_MISMATCH, "SOAP_TAG_MISMATCH"},
    {SOAP_NO_TAG, "SOAP_NO_TAG"},
    {SOAP_SYNTAX_ERROR, "SOAP_SYNTAX_ERROR"},
    {SOAP_EOM, "SOAP_EOM"},
    {SOAP_LENGTH, "SOAP_LENGTH"},
    {SOAP_OCCURS, "SOAP_OCCURS"},
    {SOAP_TYPE, "SOAP_TYPE"},
};

/* The contract's fault code of the last call, or a name for gSOAP's error. */
static void fail_from_soap(struct soap *soap, struct bench_outcome *out)
{
    out->ok = false;
    if (soap->error == SOAP_FAULT && soap->fault) {
        struct SOAP_ENV__Detail *d =
            soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;

        if (d && d->eos__error) {
            str_copy(out->code, sizeof(out->code),
                     soap_eos__FaultCode2s(soap, d->eos__error->code));
            return;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(soap_errors); i++) {
        if (soap->error == soap_errors[i].error) {
            str_copy(out->code, sizeof(out->code), soap_errors[i].name);
            return;
        }
    }
    if (soap->error >= 100 && soap->error < 600)
        snprintf(out->code, sizeof(out->code), "HTTP_%d", soap->error);
    else
        snprintf(out->code, sizeof(out->code), "SOAP_ERROR_%d", soap->error);
}

static void fail_with(struct bench_outcome *out, const char *code)
{
    out->ok = false;
    str_copy(out->code, sizeof(out->code), code);
}

/* Frees what the last call left in the context; the connection stays. */
static void call_done(struct soap *soap)
{
    soap_destroy(soap);
    soap_end(soap);
}

static int open_soap(struct bench_worker *w)
{
    w->soap = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_TREE | SOAP_IO_KEEPALIVE);
    if (!w->soap) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    w->soap->recv_timeout = (int)w->opts->timeout;
    w->soap->send_timeout = (int)w->opts->timeout;
    w->soap->connect_timeout = 5;
    return 0;
}

static void close_soap(struct bench_worker *w)
{
    if (!w->soap)
        return;
    soap_destroy(w->soap);
    soap_end(w->soap);
    soap_free(w->soap);
    w->soap = NULL;
}

/* The thread's credentials on the next call (gSOAP forgets them after each). */
static void sign(struct bench_worker *w)
{
    struct soap *soap = w->soap;

    soap->header = NULL;
    soap->userid = NULL;
    soap->passwd = NULL;
    if (strcmp(w->opts->auth, "text") == 0) {
        soap_wsse_add_UsernameTokenText(soap, NULL, w->username, w->opts->password);
    } else {
        soap->userid = w->username;
        soap->passwd = w->opts->password;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* One small authenticated call (GetAccountBalance; the ERP names its first
 * buyer) before the warm-up, so the hub's first password check (PBKDF2, slow
 * on purpose) is paid while the thread opens, not in the measured window. */
static int authenticate(struct bench_worker *w, bool seller)
{
    struct _eos__GetAccountBalanceRequest req;
    struct _eos__GetAccountBalanceResponse resp;
    char buyer[BENCH_PREFIX_MAX + 8];

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    if (seller) {
        snprintf(buyer, sizeof(buyer), "%s01", w->opts->prefix);
        req.buyerCode = buyer;
    }
    sign(w);
    if (soap_call___eos__GetAccountBalance(w->soap, w->url, NULL, &req, &resp) != SOAP_OK) {
        struct bench_outcome out;

        memset(&out, 0, sizeof(out));
        fail_from_soap(w->soap, &out);
        snprintf(w->error, sizeof(w->error), "signing in as %s: %s", w->username, out.code);
        call_done(w->soap);
        return -1;
    }
    call_done(w->soap);
    return 0;
}

/* ------------------------------------------------------------ echo */

static int echo_open(struct bench_worker *w)
{
    return open_soap(w);
}

static void echo_step(struct bench_worker *w, struct bench_outcome *out)
{
    struct _eos__GetServiceInfoRequest req;
    struct _eos__GetServiceInfoResponse resp;

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    w->soap->header = NULL;
    if (soap_call___eos__GetServiceInfo(w->soap, w->url, NULL, &req, &resp) != SOAP_OK)
        fail_from_soap(w->soap, out);
    else if (!resp.serviceVersion)
        fail_with(out, "EMPTY_RESPONSE");
    else
        out->ok = true;
    call_done(w->soap);
}

const struct bench_scenario bench_echo = {
    .name = "echo",
    .help = "GetServiceInfo, anonymous: the SOAP stack's cost per request\n"
            "(E at the hub, R at eos-bench-echo)",
    .min_threads = 1,
    .unit = "req/s",
    .open = echo_open,
    .step = echo_step,
    .close = close_soap,
};

/* ------------------------------------------------------------ submit */

struct submit_state {
    struct _eos__SubmitOrderRequest req;
    struct eos__OrderLineIn *lines; /* w->lines entries */
    char (*skus)[SKU_BUF];          /* the lines' SKU texts */
    char order_no[ORDER_NO_BUF];
};

static const char *const quantities[] = {"1", "2", "3", "4", "5"};

/* The thread's buyer: bench users take turns when threads outnumber them. */
static void as_buyer(struct bench_worker *w)
{
    bench_username(w->username, sizeof(w->username), w->opts->prefix, w->index % w->opts->buyers);
}

static int submit_state_init(struct bench_worker *w, struct submit_state *s)
{
    s->lines = calloc((size_t)w->lines, sizeof(*s->lines));
    s->skus = calloc((size_t)w->lines, sizeof(*s->skus));
    if (!s->lines || !s->skus) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    return 0;
}

static void submit_state_clear(struct submit_state *s)
{
    free(s->lines);
    free(s->skus);
    s->lines = NULL;
    s->skus = NULL;
}

/* Places one order of w->lines distinct products from a random start; on
 * success *order_id (may be NULL) gets its id. */
static void submit_once(struct bench_worker *w, struct submit_state *s, struct bench_outcome *out,
                        int64_t *order_id)
{
    struct eos__SubmitOrderResult resp;
    long products = w->opts->products;
    long start = (long)(bench_rand(w) % (uint64_t)products);

    for (long k = 0; k < w->lines; k++) {
        struct eos__OrderLineIn *l = &s->lines[k];

        bench_sku(s->skus[k], sizeof(s->skus[k]), w->opts->prefix, (start + k) % products);
        memset(l, 0, sizeof(*l));
        l->lineNo = (int)k + 1;
        l->sku = s->skus[k];
        l->quantity = (char *)quantities[bench_rand(w) % ARRAY_SIZE(quantities)];
    }
    snprintf(s->order_no, sizeof(s->order_no), "%s-%llu", w->tag, (unsigned long long)w->seq);
    memset(&s->req, 0, sizeof(s->req));
    s->req.buyerOrderNo = s->order_no;
    s->req.__sizeline = (int)w->lines;
    s->req.line = s->lines;
    memset(&resp, 0, sizeof(resp));
    sign(w);
    if (soap_call___eos__SubmitOrder(w->soap, w->url, NULL, &s->req, &resp) != SOAP_OK) {
        fail_from_soap(w->soap, out);
    } else if (!resp.orderId || resp.duplicate == xsd__boolean__true_ ||
               resp.__sizeline != (int)w->lines) {
        fail_with(out, resp.duplicate == xsd__boolean__true_ ? "UNEXPECTED_DUPLICATE"
                                                             : "UNEXPECTED_RESPONSE");
    } else {
        out->ok = true;
        if (order_id)
            *order_id = *resp.orderId;
    }
    call_done(w->soap);
}

static int submit_open(struct bench_worker *w)
{
    struct submit_state *s;

    if (open_soap(w) < 0)
        return -1;
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    w->priv = s;
    as_buyer(w);
    if (submit_state_init(w, s) < 0)
        return -1;
    return authenticate(w, false);
}

static void submit_step(struct bench_worker *w, struct bench_outcome *out)
{
    submit_once(w, w->priv, out, NULL);
}

static void submit_close(struct bench_worker *w)
{
    struct submit_state *s = w->priv;

    if (s) {
        submit_state_clear(s);
        free(s);
        w->priv = NULL;
    }
    close_soap(w);
}

const struct bench_scenario bench_submit = {
    .name = "submit",
    .help = "SubmitOrder of --lines lines, each with a new buyerOrderNo",
    .min_threads = 1,
    .unit = "req/s",
    .open = submit_open,
    .step = submit_step,
    .close = submit_close,
};

/* ------------------------------------------------------------ status */

struct status_state {
    struct submit_state submit; /* to seed a buyer that has no orders yet */
    int64_t *ids;               /* the buyer's orders, newest first */
    size_t count;
};

/* Gathers up to STATUS_PAGES pages of the buyer's order ids. */
static int gather_ids(struct bench_worker *w, struct status_state *st)
{
    int limit = STATUS_PAGE;

    st->count = 0;
    for (int page = 0; page < STATUS_PAGES; page++) {
        struct _eos__ListOrdersRequest req;
        struct _eos__ListOrdersResponse resp;
        int offset = page * limit;
        int n;

        memset(&req, 0, sizeof(req));
        memset(&resp, 0, sizeof(resp));
        req.offset = &offset;
        req.limit = &limit;
        sign(w);
        if (soap_call___eos__ListOrders(w->soap, w->url, NULL, &req, &resp) != SOAP_OK) {
            struct bench_outcome out;

            memset(&out, 0, sizeof(out));
            fail_from_soap(w->soap, &out);
            snprintf(w->error, sizeof(w->error), "ListOrders as %s: %s", w->username, out.code);
            call_done(w->soap);
            return -1;
        }
        n = resp.__sizeorderSummary;
        for (int i = 0; i < n && st->count < STATUS_PAGES * STATUS_PAGE; i++)
            st->ids[st->count++] = resp.orderSummary[i].orderId;
        call_done(w->soap);
        if (n < limit)
            break;
    }
    return 0;
}

/* A buyer without orders gets a few, so there is something to read. */
static int seed_orders(struct bench_worker *w, struct status_state *st)
{
    for (int i = 0; i < STATUS_SEED_ORDERS; i++) {
        struct bench_outcome out;

        memset(&out, 0, sizeof(out));
        w->seq++;
        submit_once(w, &st->submit, &out, NULL);
        if (!out.ok) {
            snprintf(w->error, sizeof(w->error), "seeding orders as %s: %s", w->username, out.code);
            return -1;
        }
    }
    return gather_ids(w, st);
}

static int status_open(struct bench_worker *w)
{
    struct status_state *st;

    if (open_soap(w) < 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    w->priv = st;
    as_buyer(w);
    if (submit_state_init(w, &st->submit) < 0)
        return -1;
    st->ids = calloc(STATUS_PAGES * STATUS_PAGE, sizeof(*st->ids));
    if (!st->ids) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    if (gather_ids(w, st) < 0 || (st->count == 0 && seed_orders(w, st) < 0))
        return -1;
    if (st->count == 0) {
        snprintf(w->error, sizeof(w->error), "buyer %s has no orders to read", w->username);
        return -1;
    }
    return 0;
}

static void status_step(struct bench_worker *w, struct bench_outcome *out)
{
    struct status_state *st = w->priv;
    struct _eos__GetOrderStatusRequest req;
    struct _eos__GetOrderStatusResponse resp;
    int64_t id = st->ids[bench_rand(w) % st->count];

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    req.orderId = &id;
    sign(w);
    if (soap_call___eos__GetOrderStatus(w->soap, w->url, NULL, &req, &resp) != SOAP_OK)
        fail_from_soap(w->soap, out);
    else if (!resp.order || resp.order->orderId != id)
        fail_with(out, "UNEXPECTED_RESPONSE");
    else
        out->ok = true;
    call_done(w->soap);
}

static void status_close(struct bench_worker *w)
{
    struct status_state *st = w->priv;

    if (st) {
        submit_state_clear(&st->submit);
        free(st->ids);
        free(st);
        w->priv = NULL;
    }
    close_soap(w);
}

const struct bench_scenario bench_status = {
    .name = "status",
    .help = "GetOrderStatus of random orders of the thread's buyer",
    .min_threads = 1,
    .unit = "req/s",
    .open = status_open,
    .step = status_step,
    .close = status_close,
};

/* ------------------------------------------------------------ download */

struct erp_state {
    char cursor[129];
};

static int download_open(struct bench_worker *w)
{
    struct erp_state *e;

    if (w->index != 0) {
        w->side = true;
        return submit_open(w);
    }
    if (open_soap(w) < 0)
        return -1;
    e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    w->priv = e;
    bench_username(w->username, sizeof(w->username), w->opts->prefix, -1);
    return authenticate(w, true);
}

/* One batch: download from the acknowledged position, then acknowledge it. */
static void erp_step(struct bench_worker *w, struct bench_outcome *out)
{
    struct erp_state *e = w->priv;
    struct _eos__DownloadOrdersRequest dreq;
    struct _eos__DownloadOrdersResponse dresp;
    struct _eos__AcknowledgeOrdersRequest areq;
    struct _eos__AcknowledgeOrdersResponse aresp;
    int batch = (int)w->opts->batch;
    int n;

    memset(&dreq, 0, sizeof(dreq));
    memset(&dresp, 0, sizeof(dresp));
    dreq.maxOrders = &batch;
    sign(w);
    if (soap_call___eos__DownloadOrders(w->soap, w->url, NULL, &dreq, &dresp) != SOAP_OK) {
        fail_from_soap(w->soap, out);
        call_done(w->soap);
        return;
    }
    n = dresp.__sizeorder;
    if (n == 0 || !dresp.nextCursor) {
        call_done(w->soap);
        out->ok = true;
        out->idle = true;
        sleep_ms(5); /* caught up: poll gently */
        return;
    }
    str_copy(e->cursor, sizeof(e->cursor), dresp.nextCursor);
    call_done(w->soap);
    memset(&areq, 0, sizeof(areq));
    memset(&aresp, 0, sizeof(aresp));
    areq.cursor = e->cursor;
    sign(w);
    if (soap_call___eos__AcknowledgeOrders(w->soap, w->url, NULL, &areq, &aresp) != SOAP_OK) {
        fail_from_soap(w->soap, out);
    } else {
        out->ok = true;
        out->items = (uint64_t)n;
    }
    call_done(w->soap);
}

static void download_step(struct bench_worker *w, struct bench_outcome *out)
{
    if (w->index == 0)
        erp_step(w, out);
    else
        submit_once(w, w->priv, out, NULL);
}

static void download_close(struct bench_worker *w)
{
    if (w->index != 0) {
        submit_close(w);
        return;
    }
    free(w->priv);
    w->priv = NULL;
    close_soap(w);
}

const struct bench_scenario bench_download = {
    .name = "download",
    .help = "thread 0 (the seller's ERP) downloads and acknowledges batches of --batch\n"
            "orders while the other threads submit; the rate is orders downloaded per second",
    .min_threads = 2,
    .rate_items = true,
    .unit = "orders/s",
    .open = download_open,
    .step = download_step,
    .close = download_close,
};
