/*
 * seller.c - the seller's order operations: DownloadOrders,
 * AcknowledgeOrders, UpdateOrderStatus, DecideOrderChange, RecordShipment,
 * RecordInvoice, RecordPayment.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "api/order_map.h"
#include "base/err.h"
#include "base/str.h"
#include "svc/seller.h"

static enum xsd__boolean *bool_ptr(struct soap *soap, bool v)
{
    enum xsd__boolean *b = soap_malloc(soap, sizeof(*b));

    if (b)
        *b = v ? xsd__boolean__true_ : xsd__boolean__false_;
    return b;
}

/* ------------------------------------------------------------ feed */

int __eos__DownloadOrders(struct soap *soap, struct _eos__DownloadOrdersRequest *req,
                          struct _eos__DownloadOrdersResponse *resp)
{
    struct svc_ctx ctx;
    struct feed_batch batch;
    char cursor[64];
    int rc;

    if (api_begin(soap, OP_DOWNLOAD_ORDERS, &ctx))
        return soap->error;
    rc = svc_download_orders(&ctx, req->cursor,
                             req->maxOrders ? *req->maxOrders : FEED_DEFAULT_BATCH, &batch);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->__sizeorder = (int)batch.count;
    resp->order = soap_new_eos__Order(soap, (int)batch.count);
    for (size_t i = 0; rc == 0 && i < batch.count; i++)
        if (!resp->order || map_order(soap, &batch.orders[i], &resp->order[i]) != SOAP_OK)
            rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    feed_cursor_format(cursor, sizeof(cursor), batch.next_seq);
    resp->nextCursor = soap_strdup(soap, cursor);
    resp->more = batch.more ? xsd__boolean__true_ : xsd__boolean__false_;
    feed_batch_clear(&batch);
    return rc < 0 ? api_fault(soap, rc) : SOAP_OK;
}

int __eos__AcknowledgeOrders(struct soap *soap, struct _eos__AcknowledgeOrdersRequest *req,
                             struct _eos__AcknowledgeOrdersResponse *resp)
{
    struct svc_ctx ctx;
    char cursor[64];
    int64_t acked = 0;
    int rc;

    if (api_begin(soap, OP_ACKNOWLEDGE_ORDERS, &ctx))
        return soap->error;
    if ((rc = svc_ack_orders(&ctx, req->cursor, &acked)) < 0)
        return api_fault(soap, rc);
    feed_cursor_format(cursor, sizeof(cursor), acked);
    resp->acknowledgedCursor = soap_strdup(soap, cursor);
    return SOAP_OK;
}

/* ------------------------------------------------------------ decisions */

int __eos__UpdateOrderStatus(struct soap *soap, struct _eos__UpdateOrderStatusRequest *req,
                             struct _eos__UpdateOrderStatusResponse *resp)
{
    struct svc_ctx ctx;
    struct order_adjustment *adj = NULL;
    struct order_change_result r;
    char reason[REASON_BUF];
    char field[48];
    size_t n = req->__sizeadjustment > 0 ? (size_t)req->__sizeadjustment : 0;
    int rc;

    if (api_begin(soap, OP_UPDATE_ORDER_STATUS, &ctx))
        return soap->error;
    if ((rc = in_text(reason, sizeof(reason), req->reason, "reason", false)) < 0)
        return api_fault(soap, rc);
    if (n > ORDER_MAX_LINES)
        return api_fail(soap, EOS_ELIMIT, "adjustment", "at most %d adjustments", ORDER_MAX_LINES);
    if (n && !(adj = calloc(n, sizeof(*adj))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct _eos__UpdateOrderStatusRequest_adjustment *in = &req->adjustment[i];

        adj[i].line_no = in->lineNo;
        adj[i].has_quantity = in->quantity != NULL;
        adj[i].has_price = in->unitPrice != NULL;
        if (in->quantity)
            rc = in_qty(&adj[i].quantity, in->quantity,
                        in_field(field, sizeof(field), "adjustment", i + 1, "quantity"));
        if (rc == 0 && in->unitPrice)
            rc = in_money(&adj[i].unit_price, in->unitPrice,
                          in_field(field, sizeof(field), "adjustment", i + 1, "unitPrice"));
    }
    if (rc == 0)
        rc = svc_update_order_status(&ctx, req->orderId, soap_eos__OrderAction2s(soap, req->action),
                                     req->expectedVersion, reason, adj, n, &r);
    free(adj);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->orderId = r.order_id;
    resp->status = map_order_status(soap, r.status);
    resp->version = r.version;
    return SOAP_OK;
}

int __eos__DecideOrderChange(struct soap *soap, struct _eos__DecideOrderChangeRequest *req,
                             struct _eos__DecideOrderChangeResponse *resp)
{
    struct svc_ctx ctx;
    char reason[REASON_BUF];
    char status[10] = "";
    int32_t version = 0;
    int rc;

    if (api_begin(soap, OP_DECIDE_ORDER_CHANGE, &ctx))
        return soap->error;
    if ((rc = in_text(reason, sizeof(reason), req->reason, "reason", false)) < 0)
        return api_fault(soap, rc);
    rc = svc_decide_change(&ctx, req->changeRequestId, soap_eos__Decision2s(soap, req->decision),
                           reason, status, &version);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->changeRequestId = req->changeRequestId;
    if (soap_s2eos__ChangeStatus(soap, status, &resp->status) != SOAP_OK)
        soap->error = SOAP_OK;
    resp->orderVersion = version;
    return SOAP_OK;
}

/* ------------------------------------------------------------ documents */

int __eos__RecordShipment(struct soap *soap, struct _eos__RecordShipmentRequest *req,
                          struct _eos__RecordShipmentResponse *resp)
{
    struct svc_ctx ctx;
    struct shipment_in in;
    struct doc_line_view *lines = NULL;
    struct doc_result r;
    char field[48];
    int rc;

    if (api_begin(soap, OP_RECORD_SHIPMENT, &ctx))
        return soap->error;
    memset(&in, 0, sizeof(in));
    if ((rc = in_docno(in.shipment_no, sizeof(in.shipment_no), req->shipmentNo, "shipmentNo",
                       true)) < 0 ||
        (rc = in_date(in.ship_date, req->shipDate, "shipDate", true)) < 0)
        return api_fault(soap, rc);
    if (req->__sizeline <= 0 || req->__sizeline > ORDER_MAX_LINES)
        return api_fail(soap, req->__sizeline <= 0 ? EOS_EINVALID : EOS_ELIMIT, "line",
                        "a shipment has 1 to %d lines", ORDER_MAX_LINES);
    in.order_id = req->orderId;
    in.line_count = (size_t)req->__sizeline;
    if (!(lines = calloc(in.line_count, sizeof(*lines))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < in.line_count; i++) {
        lines[i].line_no = req->line[i].lineNo;
        rc = in_qty(&lines[i].quantity, req->line[i].quantity,
                    in_field(field, sizeof(field), "line", i + 1, "quantity"));
    }
    in.lines = lines;
    if (rc == 0)
        rc = svc_record_shipment(&ctx, &in, &r);
    free(lines);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->shipmentNo = soap_strdup(soap, in.shipment_no);
    resp->orderStatus = map_order_status(soap, r.order_status);
    resp->duplicate = bool_ptr(soap, r.duplicate);
    return SOAP_OK;
}

int __eos__RecordInvoice(struct soap *soap, struct _eos__RecordInvoiceRequest *req,
                         struct _eos__RecordInvoiceResponse *resp)
{
    struct svc_ctx ctx;
    struct invoice_in in;
    struct doc_result r;
    int rc;

    if (api_begin(soap, OP_RECORD_INVOICE, &ctx))
        return soap->error;
    memset(&in, 0, sizeof(in));
    if ((rc = in_docno(in.invoice_no, sizeof(in.invoice_no), req->invoiceNo, "invoiceNo", true)) <
            0 ||
        (rc = in_date(in.invoice_date, req->invoiceDate, "invoiceDate", true)) < 0 ||
        (rc = in_money(&in.amount, req->amount, "amount")) < 0)
        return api_fault(soap, rc);
    in.order_id = req->orderId;
    if ((rc = svc_record_invoice(&ctx, &in, &r)) < 0)
        return api_fault(soap, rc);
    resp->invoiceNo = soap_strdup(soap, in.invoice_no);
    resp->orderStatus = map_order_status(soap, r.order_status);
    resp->duplicate = bool_ptr(soap, r.duplicate);
    return SOAP_OK;
}

int __eos__RecordPayment(struct soap *soap, struct _eos__RecordPaymentRequest *req,
                         struct _eos__RecordPaymentResponse *resp)
{
    struct svc_ctx ctx;
    struct payment_in in;
    char (*invoices)[DOCNO_BUF] = NULL;
    struct doc_result r;
    char field[48];
    size_t n = req->__sizeinvoiceNo > 0 ? (size_t)req->__sizeinvoiceNo : 0;
    int rc;

    if (api_begin(soap, OP_RECORD_PAYMENT, &ctx))
        return soap->error;
    memset(&in, 0, sizeof(in));
    if ((rc = in_docno(in.payment_no, sizeof(in.payment_no), req->paymentNo, "paymentNo", true)) <
            0 ||
        (rc = in_code(in.buyer_code, sizeof(in.buyer_code), req->buyerCode, "buyerCode", true)) <
            0 ||
        (rc = in_date(in.payment_date, req->paymentDate, "paymentDate", true)) < 0 ||
        (rc = in_money(&in.amount, req->amount, "amount")) < 0)
        return api_fault(soap, rc);
    str_copy(in.kind, sizeof(in.kind), soap_eos__PaymentKind2s(soap, req->kind));
    if (n > ORDER_MAX_LINES)
        return api_fail(soap, EOS_ELIMIT, "invoiceNo", "at most %d invoices", ORDER_MAX_LINES);
    if (n && !(invoices = calloc(n, sizeof(*invoices))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = in_docno(invoices[i], sizeof(invoices[i]), req->invoiceNo[i],
                      in_field(field, sizeof(field), "invoiceNo", i + 1, NULL), true);
    in.invoice_count = n;
    in.invoice_nos = (const char(*)[DOCNO_BUF])invoices;
    if (rc == 0)
        rc = svc_record_payment(&ctx, &in, &r);
    free(invoices);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->paymentNo = soap_strdup(soap, in.payment_no);
    resp->duplicate = bool_ptr(soap, r.duplicate);
    resp->unappliedAmount = api_money(soap, r.unapplied);
    return SOAP_OK;
}
