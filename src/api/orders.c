/*
 * orders.c - the buyer's operations: GetCatalog, SubmitOrder, GetOrderStatus,
 * ListOrders, CancelOrder, RequestOrderChange (the last three reads serve
 * sellers too).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "api/order_map.h"
#include "base/err.h"
#include "base/str.h"
#include "svc/orders.h"

#define DEFAULT_LIMIT 100

static bool is_true(const enum xsd__boolean *b, bool fallback)
{
    return b ? *b == xsd__boolean__true_ : fallback;
}

static int page_limit(const int *limit)
{
    return limit ? *limit : DEFAULT_LIMIT;
}

/* ------------------------------------------------------------ GetCatalog */

int __eos__GetCatalog(struct soap *soap, struct _eos__GetCatalogRequest *req,
                      struct _eos__GetCatalogResponse *resp)
{
    struct svc_ctx ctx;
    struct catalog_filter f;
    struct catalog_item *items = NULL;
    char seller[CODE_MAX + 1];
    char currency[4] = "";
    size_t count = 0;
    int64_t total = 0;
    int rc;

    if (api_begin(soap, OP_GET_CATALOG, &ctx))
        return soap->error;
    memset(&f, 0, sizeof(f));
    if ((rc = in_code(f.category_code, sizeof(f.category_code), req->categoryCode,
                      "categoryCode", false)) < 0 ||
        (rc = in_text(f.search, sizeof(f.search), req->search, "search", false)) < 0 ||
        (rc = in_code(seller, sizeof(seller), req->sellerCode, "sellerCode", false)) < 0)
        return api_fault(soap, rc);
    f.changed_since = req->changedSince ? (int64_t)*req->changedSince : 0;
    f.offset = req->offset ? *req->offset : 0;
    f.limit = page_limit(req->limit);
    if (f.limit >= 1 && f.limit <= 500) {
        items = calloc((size_t)f.limit, sizeof(*items));
        if (!items)
            return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    }
    rc = svc_get_catalog(&ctx, seller, &f, items, &count, &total, currency);
    if (rc < 0) {
        free(items);
        return api_fault(soap, rc);
    }
    resp->__sizeitem = (int)count;
    resp->item = soap_new_eos__CatalogItem(soap, (int)count);
    resp->total = (int)total;
    resp->currency = soap_strdup(soap, currency);
    for (size_t i = 0; resp->item && i < count; i++) {
        const struct catalog_item *c = &items[i];
        struct eos__CatalogItem *x = &resp->item[i];

        x->sku = soap_strdup(soap, c->sku);
        x->name = soap_strdup(soap, c->name);
        x->categoryCode = soap_strdup(soap, c->category_code);
        x->uom = soap_strdup(soap, c->uom);
        x->unitPrice = api_money(soap, c->unit_price);
        x->returnable = c->returnable ? xsd__boolean__true_ : xsd__boolean__false_;
        x->returnPrice = c->has_return_price ? api_money(soap, c->return_price) : NULL;
        x->availableQuantity = api_qty(soap, c->available);
        x->minOrderQuantity = c->has_min_order ? api_qty(soap, c->min_order) : NULL;
    }
    free(items);
    return SOAP_OK;
}

/* ------------------------------------------------------------ SubmitOrder */

/* Reads the request into a draft whose lines the caller frees. */
static int read_draft(struct _eos__SubmitOrderRequest *req, struct order_draft *d)
{
    char field[48];
    int rc;

    memset(d, 0, sizeof(*d));
    if ((rc = in_docno(d->buyer_order_no, sizeof(d->buyer_order_no), req->buyerOrderNo,
                       "buyerOrderNo", true)) < 0 ||
        (rc = in_code(d->seller_code, sizeof(d->seller_code), req->sellerCode, "sellerCode",
                      false)) < 0 ||
        (rc = in_code(d->ship_to_code, sizeof(d->ship_to_code), req->shipToCode, "shipToCode",
                      false)) < 0 ||
        (rc = in_date(d->delivery_date, req->requestedDeliveryDate, "requestedDeliveryDate",
                      false)) < 0 ||
        (rc = in_text(d->note, sizeof(d->note), req->note, "note", false)) < 0)
        return rc;
    d->allow_adjust = is_true(req->allowAdjust, true);
    d->validate_only = is_true(req->validateOnly, false);
    if (req->__sizeline <= 0)
        return eos_err_set(EOS_EINVALID, "line", "an order has at least one line");
    if (req->__sizeline > ORDER_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "line", "an order has at most %d lines", ORDER_MAX_LINES);
    d->lines = calloc((size_t)req->__sizeline, sizeof(*d->lines));
    if (!d->lines)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    d->line_count = (size_t)req->__sizeline;
    for (size_t i = 0; i < d->line_count; i++) {
        const struct eos__OrderLineIn *in = &req->line[i];
        struct order_draft_line *l = &d->lines[i];

        l->line_no = in->lineNo;
        if ((rc = in_sku(l->sku, sizeof(l->sku), in->sku,
                         in_field(field, sizeof(field), "line", i + 1, "sku"))) < 0 ||
            (rc = in_qty(&l->quantity, in->quantity,
                         in_field(field, sizeof(field), "line", i + 1, "quantity"))) < 0 ||
            (rc = in_date(l->delivery_date, in->requestedDeliveryDate,
                          in_field(field, sizeof(field), "line", i + 1,
                                   "requestedDeliveryDate"),
                          false)) < 0)
            return rc;
        if (in->unitPrice) {
            l->has_expected_price = true;
            if ((rc = in_money(&l->expected_price, in->unitPrice,
                               in_field(field, sizeof(field), "line", i + 1, "unitPrice"))) < 0)
                return rc;
        }
    }
    return 0;
}

/* The response of SubmitOrder and SubmitOrderDocument. */
int api_submit_result(struct soap *soap, const struct submit_result *r,
                      struct eos__SubmitOrderResult *resp)
{
    if (r->stored) {
        resp->orderId = soap_malloc(soap, sizeof(LONG64));
        resp->status = soap_malloc(soap, sizeof(enum eos__OrderStatus));
        resp->version = soap_malloc(soap, sizeof(int));
        if (!resp->orderId || !resp->status || !resp->version)
            return SOAP_EOM;
        *resp->orderId = r->order_id;
        *resp->status = map_order_status(soap, r->status);
        *resp->version = r->version;
    }
    resp->duplicate = r->duplicate ? xsd__boolean__true_ : xsd__boolean__false_;
    resp->currency = soap_strdup(soap, r->currency);
    resp->totalAmount = api_money(soap, r->total);
    resp->__sizeline = (int)r->line_count;
    resp->line = soap_new_eos__PricedLine(soap, (int)r->line_count);
    if (r->line_count && !resp->line)
        return SOAP_EOM;
    for (size_t i = 0; i < r->line_count; i++) {
        resp->line[i].lineNo = r->lines[i].line_no;
        resp->line[i].sku = soap_strdup(soap, r->lines[i].sku);
        resp->line[i].quantity = api_qty(soap, r->lines[i].quantity);
        resp->line[i].unitPrice = api_money(soap, r->lines[i].unit_price);
        resp->line[i].lineAmount = api_money(soap, r->lines[i].line_amount);
    }
    return SOAP_OK;
}

int __eos__SubmitOrder(struct soap *soap, struct _eos__SubmitOrderRequest *req,
                       struct eos__SubmitOrderResult *resp)
{
    struct svc_ctx ctx;
    struct order_draft draft;
    struct submit_result result;
    int rc;

    if (api_begin(soap, OP_SUBMIT_ORDER, &ctx))
        return soap->error;
    memset(&result, 0, sizeof(result));
    rc = read_draft(req, &draft);
    if (rc == 0) {
        result.lines = calloc(draft.line_count, sizeof(*result.lines));
        rc = result.lines ? svc_submit_order(&ctx, &draft, &result)
                          : eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    }
    if (rc == 0)
        rc = api_submit_result(soap, &result, resp) == SOAP_OK
                 ? 0
                 : eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    free(draft.lines);
    free(result.lines);
    return rc < 0 ? api_fault(soap, rc) : SOAP_OK;
}

/* ------------------------------------------------------------ GetOrderStatus */

int __eos__GetOrderStatus(struct soap *soap, struct _eos__GetOrderStatusRequest *req,
                          struct _eos__GetOrderStatusResponse *resp)
{
    struct svc_ctx ctx;
    struct order_view v;
    char order_no[DOCNO_BUF];
    char buyer[CODE_MAX + 1];
    int rc;

    if (api_begin(soap, OP_GET_ORDER_STATUS, &ctx))
        return soap->error;
    if ((rc = in_docno(order_no, sizeof(order_no), req->buyerOrderNo, "buyerOrderNo", false)) < 0 ||
        (rc = in_code(buyer, sizeof(buyer), req->buyerCode, "buyerCode", false)) < 0)
        return api_fault(soap, rc);
    rc = svc_get_order(&ctx, req->orderId ? *req->orderId : 0, order_no, buyer, &v);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->order = soap_new_eos__Order(soap, 1);
    rc = resp->order ? map_order(soap, &v, resp->order) : SOAP_EOM;
    order_view_clear(&v);
    if (rc != SOAP_OK)
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    return SOAP_OK;
}

/* ------------------------------------------------------------ ListOrders */

int __eos__ListOrders(struct soap *soap, struct _eos__ListOrdersRequest *req,
                      struct _eos__ListOrdersResponse *resp)
{
    struct svc_ctx ctx;
    struct order_filter_in f;
    struct order_header *rows = NULL;
    size_t count = 0;
    int64_t total = 0;
    int rc;

    if (api_begin(soap, OP_LIST_ORDERS, &ctx))
        return soap->error;
    memset(&f, 0, sizeof(f));
    if (req->status)
        str_copy(f.status, sizeof(f.status), soap_eos__OrderStatus2s(soap, *req->status));
    if ((rc = in_date(f.created_from, req->createdFrom, "createdFrom", false)) < 0 ||
        (rc = in_date(f.created_to, req->createdTo, "createdTo", false)) < 0 ||
        (rc = in_code(f.buyer_code, sizeof(f.buyer_code), req->buyerCode, "buyerCode", false)) <
            0)
        return api_fault(soap, rc);
    f.offset = req->offset ? *req->offset : 0;
    f.limit = page_limit(req->limit);
    if (f.limit >= 1 && f.limit <= 500) {
        rows = calloc((size_t)f.limit, sizeof(*rows));
        if (!rows)
            return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    }
    rc = svc_list_orders(&ctx, &f, rows, &count, &total);
    if (rc < 0) {
        free(rows);
        return api_fault(soap, rc);
    }
    resp->total = (int)total;
    resp->__sizeorderSummary = (int)count;
    resp->orderSummary = soap_new_eos__OrderSummary(soap, (int)count);
    for (size_t i = 0; resp->orderSummary && i < count; i++)
        map_order_summary(soap, &rows[i], &resp->orderSummary[i]);
    free(rows);
    return SOAP_OK;
}

/* ------------------------------------------------------------ CancelOrder */

int __eos__CancelOrder(struct soap *soap, struct _eos__CancelOrderRequest *req,
                       struct _eos__CancelOrderResponse *resp)
{
    struct svc_ctx ctx;
    struct order_change_result r;
    char reason[REASON_BUF];
    int rc;

    if (api_begin(soap, OP_CANCEL_ORDER, &ctx))
        return soap->error;
    if ((rc = in_text(reason, sizeof(reason), req->reason, "reason", false)) < 0)
        return api_fault(soap, rc);
    rc = svc_cancel_order(&ctx, req->orderId, req->expectedVersion != NULL,
                          req->expectedVersion ? *req->expectedVersion : 0, reason, &r);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->orderId = r.order_id;
    resp->status = map_order_status(soap, r.status);
    resp->version = r.version;
    return SOAP_OK;
}

/* ------------------------------------------------------------ RequestOrderChange */

int __eos__RequestOrderChange(struct soap *soap, struct _eos__RequestOrderChangeRequest *req,
                              struct _eos__RequestOrderChangeResponse *resp)
{
    struct svc_ctx ctx;
    struct line_change *changes = NULL;
    char reason[REASON_BUF];
    char field[48];
    int64_t id = 0;
    size_t n;
    int rc;

    if (api_begin(soap, OP_REQUEST_ORDER_CHANGE, &ctx))
        return soap->error;
    if ((rc = in_text(reason, sizeof(reason), req->reason, "reason", false)) < 0)
        return api_fault(soap, rc);
    if (req->__sizechange <= 0)
        return api_fail(soap, EOS_EINVALID, "change", "at least one change is needed");
    if (req->__sizechange > ORDER_MAX_LINES)
        return api_fail(soap, EOS_ELIMIT, "change", "at most %d changes", ORDER_MAX_LINES);
    n = (size_t)req->__sizechange;
    changes = calloc(n, sizeof(*changes));
    if (!changes)
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct eos__LineChange *in = &req->change[i];
        struct line_change *c = &changes[i];

        c->line_no = in->lineNo;
        c->has_quantity = in->newQuantity != NULL;
        c->has_price = in->newUnitPrice != NULL;
        if (c->has_quantity)
            rc = in_qty(&c->quantity, in->newQuantity,
                        in_field(field, sizeof(field), "change", i + 1, "newQuantity"));
        if (rc == 0 && c->has_price)
            rc = in_money(&c->unit_price, in->newUnitPrice,
                          in_field(field, sizeof(field), "change", i + 1, "newUnitPrice"));
        if (rc == 0)
            rc = in_date(c->delivery_date, in->newDeliveryDate,
                         in_field(field, sizeof(field), "change", i + 1, "newDeliveryDate"),
                         false);
    }
    if (rc == 0)
        rc = svc_request_change(&ctx, req->orderId, req->expectedVersion != NULL,
                                req->expectedVersion ? *req->expectedVersion : 0, changes, n,
                                reason, &id);
    free(changes);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->changeRequestId = id;
    resp->status = eos__ChangeStatus__PENDING;
    return SOAP_OK;
}
