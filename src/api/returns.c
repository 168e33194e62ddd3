/*
 * returns.c - SubmitReturn, GetReturnStatus, DownloadReturns,
 * AcknowledgeReturns, ProcessReturn.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "api/order_map.h"
#include "base/err.h"
#include "base/str.h"
#include "svc/returns.h"
#include "svc/seller.h"

static enum eos__ReturnStatus map_return_status(struct soap *soap, enum return_status s)
{
    enum eos__ReturnStatus e = eos__ReturnStatus__REQUESTED;

    if (soap_s2eos__ReturnStatus(soap, return_status_name(s), &e) != SOAP_OK)
        soap->error = SOAP_OK;
    return e;
}

static struct eos__ReturnLine *map_lines(struct soap *soap, const struct return_view *v)
{
    struct eos__ReturnLine *lines = soap_new_eos__ReturnLine(soap, (int)v->line_count);

    for (size_t i = 0; lines && i < v->line_count; i++) {
        const struct return_line_view *l = &v->lines[i];

        lines[i].lineNo = l->line_no;
        lines[i].sku = soap_strdup(soap, l->sku);
        lines[i].quantity = api_qty(soap, l->quantity);
        lines[i].unitPrice = api_money(soap, l->unit_price);
        lines[i].lineAmount = api_money(soap, l->line_amount);
        lines[i].reason = l->reason[0] ? soap_strdup(soap, l->reason) : NULL;
    }
    return lines;
}

static int map_return(struct soap *soap, const struct return_view *v, struct eos__Return *r)
{
    soap_default_eos__Return(soap, r);
    r->returnId = v->h.return_id;
    r->buyerReturnNo = soap_strdup(soap, v->h.buyer_return_no);
    r->orderId = v->h.order_id;
    r->sellerCode = soap_strdup(soap, v->h.seller_code);
    r->buyerCode = soap_strdup(soap, v->h.buyer_code);
    r->status = map_return_status(soap, v->h.status);
    r->version = v->h.version;
    r->createdAt = (time_t)v->h.created_at;
    r->updatedAt = (time_t)v->h.updated_at;
    r->currency = soap_strdup(soap, v->h.currency);
    r->totalAmount = api_money(soap, v->h.total);
    r->__sizeline = (int)v->line_count;
    r->line = map_lines(soap, v);
    r->__sizehistory = (int)v->history_count;
    r->history = soap_new_eos__HistoryEntry(soap, (int)v->history_count);
    if ((v->line_count && !r->line) || (v->history_count && !r->history))
        return SOAP_EOM;
    for (size_t i = 0; i < v->history_count; i++) {
        const struct history_view *h = &v->history[i];
        struct eos__HistoryEntry *x = &r->history[i];

        x->at = (time_t)h->at;
        x->fromStatus = h->from_status[0] ? soap_strdup(soap, h->from_status) : NULL;
        x->toStatus = soap_strdup(soap, h->to_status);
        x->actor = soap_strdup(soap, h->actor);
        x->reason = h->reason[0] ? soap_strdup(soap, h->reason) : NULL;
        x->version = soap_malloc(soap, sizeof(int));
        if (x->version)
            *x->version = h->version;
    }
    return SOAP_OK;
}

int __eos__SubmitReturn(struct soap *soap, struct _eos__SubmitReturnRequest *req,
                        struct eos__SubmitReturnResult *resp)
{
    struct svc_ctx ctx;
    struct return_draft d;
    struct return_line_in *lines = NULL;
    struct return_view v;
    bool duplicate = false;
    char field[48];
    int rc;

    if (api_begin(soap, OP_SUBMIT_RETURN, &ctx))
        return soap->error;
    memset(&d, 0, sizeof(d));
    memset(&v, 0, sizeof(v));
    if ((rc = in_docno(d.buyer_return_no, sizeof(d.buyer_return_no), req->buyerReturnNo,
                       "buyerReturnNo", true)) < 0)
        return api_fault(soap, rc);
    if (req->__sizeline <= 0 || req->__sizeline > ORDER_MAX_LINES)
        return api_fail(soap, req->__sizeline <= 0 ? EOS_EINVALID : EOS_ELIMIT, "line",
                        "a return has 1 to %d lines", ORDER_MAX_LINES);
    d.order_id = req->orderId;
    d.line_count = (size_t)req->__sizeline;
    if (!(lines = calloc(d.line_count, sizeof(*lines))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < d.line_count; i++) {
        lines[i].line_no = req->line[i].lineNo;
        if ((rc = in_qty(&lines[i].quantity, req->line[i].quantity,
                         in_field(field, sizeof(field), "line", i + 1, "quantity"))) < 0)
            break;
        rc = in_text(lines[i].reason, sizeof(lines[i].reason), req->line[i].reason,
                     in_field(field, sizeof(field), "line", i + 1, "reason"), false);
    }
    d.lines = lines;
    if (rc == 0)
        rc = svc_submit_return(&ctx, &d, &v, &duplicate);
    free(lines);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->returnId = v.h.return_id;
    resp->status = map_return_status(soap, v.h.status);
    resp->version = v.h.version;
    resp->duplicate = duplicate ? xsd__boolean__true_ : xsd__boolean__false_;
    resp->totalAmount = api_money(soap, v.h.total);
    resp->__sizeline = (int)v.line_count;
    resp->line = map_lines(soap, &v);
    resp->currency = soap_strdup(soap, v.h.currency);
    return_view_clear(&v);
    return SOAP_OK;
}

int __eos__GetReturnStatus(struct soap *soap, struct _eos__GetReturnStatusRequest *req,
                           struct _eos__GetReturnStatusResponse *resp)
{
    struct svc_ctx ctx;
    struct return_view v;
    char number[DOCNO_BUF];
    char buyer[CODE_MAX + 1];
    int rc;

    if (api_begin(soap, OP_GET_RETURN_STATUS, &ctx))
        return soap->error;
    if ((rc = in_docno(number, sizeof(number), req->buyerReturnNo, "buyerReturnNo", false)) < 0 ||
        (rc = in_code(buyer, sizeof(buyer), req->buyerCode, "buyerCode", false)) < 0)
        return api_fault(soap, rc);
    rc = svc_get_return(&ctx, req->returnId ? *req->returnId : 0, number, buyer, &v);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->return_ = soap_new_eos__Return(soap, 1);
    rc = resp->return_ ? map_return(soap, &v, resp->return_) : SOAP_EOM;
    return_view_clear(&v);
    return rc == SOAP_OK ? SOAP_OK : api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
}

int __eos__DownloadReturns(struct soap *soap, struct _eos__DownloadReturnsRequest *req,
                           struct _eos__DownloadReturnsResponse *resp)
{
    struct svc_ctx ctx;
    struct return_batch batch;
    char cursor[64];
    int rc;

    if (api_begin(soap, OP_DOWNLOAD_RETURNS, &ctx))
        return soap->error;
    rc = svc_download_returns(&ctx, req->cursor,
                              req->maxReturns ? *req->maxReturns : FEED_DEFAULT_BATCH, &batch);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->__sizereturn_ = (int)batch.count;
    resp->return_ = soap_new_eos__Return(soap, (int)batch.count);
    for (size_t i = 0; rc == 0 && i < batch.count; i++)
        if (!resp->return_ || map_return(soap, &batch.returns[i], &resp->return_[i]) != SOAP_OK)
            rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    feed_cursor_format(cursor, sizeof(cursor), batch.next_seq);
    resp->nextCursor = soap_strdup(soap, cursor);
    resp->more = batch.more ? xsd__boolean__true_ : xsd__boolean__false_;
    return_batch_clear(&batch);
    return rc < 0 ? api_fault(soap, rc) : SOAP_OK;
}

int __eos__AcknowledgeReturns(struct soap *soap, struct _eos__AcknowledgeReturnsRequest *req,
                              struct _eos__AcknowledgeReturnsResponse *resp)
{
    struct svc_ctx ctx;
    char cursor[64];
    int64_t acked = 0;
    int rc;

    if (api_begin(soap, OP_ACKNOWLEDGE_RETURNS, &ctx))
        return soap->error;
    if ((rc = svc_ack_returns(&ctx, req->cursor, &acked)) < 0)
        return api_fault(soap, rc);
    feed_cursor_format(cursor, sizeof(cursor), acked);
    resp->acknowledgedCursor = soap_strdup(soap, cursor);
    return SOAP_OK;
}

int __eos__ProcessReturn(struct soap *soap, struct _eos__ProcessReturnRequest *req,
                         struct _eos__ProcessReturnResponse *resp)
{
    struct svc_ctx ctx;
    struct return_adjustment *adj = NULL;
    struct return_change_result r;
    char reason[REASON_BUF];
    char field[48];
    size_t n = req->__sizeadjustment > 0 ? (size_t)req->__sizeadjustment : 0;
    int rc;

    if (api_begin(soap, OP_PROCESS_RETURN, &ctx))
        return soap->error;
    if ((rc = in_text(reason, sizeof(reason), req->reason, "reason", false)) < 0)
        return api_fault(soap, rc);
    if (n > ORDER_MAX_LINES)
        return api_fail(soap, EOS_ELIMIT, "adjustment", "at most %d adjustments", ORDER_MAX_LINES);
    if (n && !(adj = calloc(n, sizeof(*adj))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        adj[i].line_no = req->adjustment[i].lineNo;
        rc = in_money(&adj[i].unit_price, req->adjustment[i].unitPrice,
                      in_field(field, sizeof(field), "adjustment", i + 1, "unitPrice"));
    }
    if (rc == 0)
        rc = svc_process_return(&ctx, req->returnId, soap_eos__ReturnAction2s(soap, req->action),
                                req->expectedVersion, adj, n, reason, &r);
    free(adj);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->returnId = r.return_id;
    resp->status = map_return_status(soap, r.status);
    resp->version = r.version;
    return SOAP_OK;
}
