/*
 * order_map.c - order views as eos:Order and eos:OrderSummary.
 */
#include "api/order_map.h"

#include "api/api.h"
#include "base/str.h"

enum eos__OrderStatus map_order_status(struct soap *soap, enum order_status s)
{
    enum eos__OrderStatus e = eos__OrderStatus__SUBMITTED;

    /* Names are the contract's on both sides; a failed lookup is a bug. */
    if (soap_s2eos__OrderStatus(soap, order_status_name(s), &e) != SOAP_OK)
        soap->error = SOAP_OK;
    return e;
}

static char *opt_text(struct soap *soap, const char *s)
{
    return str_empty(s) ? NULL : soap_strdup(soap, s);
}

static void map_lines(struct soap *soap, const struct order_view *v, struct eos__Order *o)
{
    for (size_t i = 0; i < v->line_count; i++) {
        const struct order_line_view *l = &v->lines[i];
        struct eos__OrderLine *x = &o->line[i];

        x->lineNo = l->line_no;
        x->sku = soap_strdup(soap, l->sku);
        x->name = soap_strdup(soap, l->name);
        x->quantity = api_qty(soap, l->quantity);
        x->unitPrice = api_money(soap, l->unit_price);
        x->lineAmount = api_money(soap, l->line_amount);
        x->shippedQuantity = api_qty(soap, l->shipped);
        x->returnedQuantity = api_qty(soap, l->returned);
        x->requestedDeliveryDate = opt_text(soap, l->delivery_date);
    }
}

static void map_history(struct soap *soap, const struct order_view *v, struct eos__Order *o)
{
    for (size_t i = 0; i < v->history_count; i++) {
        const struct history_view *h = &v->history[i];
        struct eos__HistoryEntry *x = &o->history[i];

        x->at = (time_t)h->at;
        x->fromStatus = opt_text(soap, h->from_status);
        x->toStatus = soap_strdup(soap, h->to_status);
        x->actor = soap_strdup(soap, h->actor);
        x->reason = opt_text(soap, h->reason);
        x->version = soap_malloc(soap, sizeof(int));
        if (x->version)
            *x->version = h->version;
    }
}

static int map_changes(struct soap *soap, const struct order_view *v, struct eos__Order *o)
{
    for (size_t i = 0; i < v->change_count; i++) {
        const struct change_view *c = &v->changes[i];
        struct eos__ChangeRequest *x = &o->changeRequest[i];

        x->changeRequestId = c->id;
        if (soap_s2eos__ChangeStatus(soap, c->status, &x->status) != SOAP_OK)
            soap->error = SOAP_OK;
        x->requestedAt = (time_t)c->requested_at;
        x->requestedBy = soap_strdup(soap, c->requested_by);
        x->reason = opt_text(soap, c->reason);
        x->__sizechange = (int)c->line_count;
        x->change = soap_new_eos__LineChange(soap, (int)c->line_count);
        if (c->line_count && !x->change)
            return SOAP_EOM;
        for (size_t k = 0; k < c->line_count; k++) {
            const struct change_line_view *l = &c->lines[k];

            x->change[k].lineNo = l->line_no;
            x->change[k].newQuantity = l->has_quantity ? api_qty(soap, l->quantity) : NULL;
            x->change[k].newUnitPrice = l->has_price ? api_money(soap, l->unit_price) : NULL;
            x->change[k].newDeliveryDate = opt_text(soap, l->delivery_date);
        }
        if (c->decided_at) {
            x->decidedAt = soap_malloc(soap, sizeof(time_t));
            if (x->decidedAt)
                *x->decidedAt = (time_t)c->decided_at;
            x->decidedBy = opt_text(soap, c->decided_by);
            x->decisionReason = opt_text(soap, c->decision_reason);
        }
    }
    return SOAP_OK;
}

static int map_documents(struct soap *soap, const struct order_view *v, struct eos__Order *o)
{
    for (size_t i = 0; i < v->shipment_count; i++) {
        const struct shipment_view *s = &v->shipments[i];
        struct eos__ShipmentInfo *x = &o->shipment[i];

        x->shipmentNo = soap_strdup(soap, s->shipment_no);
        x->shipDate = soap_strdup(soap, s->ship_date);
        x->amount = api_money(soap, s->amount);
        x->__sizeline = (int)s->line_count;
        x->line = soap_new_eos__DocumentLine(soap, (int)s->line_count);
        if (s->line_count && !x->line)
            return SOAP_EOM;
        for (size_t k = 0; k < s->line_count; k++) {
            x->line[k].lineNo = s->lines[k].line_no;
            x->line[k].quantity = api_qty(soap, s->lines[k].quantity);
        }
    }
    for (size_t i = 0; i < v->invoice_count; i++) {
        const struct invoice_view *inv = &v->invoices[i];
        struct eos__InvoiceInfo *x = &o->invoice[i];

        x->invoiceNo = soap_strdup(soap, inv->invoice_no);
        x->invoiceDate = soap_strdup(soap, inv->invoice_date);
        x->amount = api_money(soap, inv->amount);
        x->paidAmount = api_money(soap, inv->paid);
    }
    return SOAP_OK;
}

int map_order(struct soap *soap, const struct order_view *v, struct eos__Order *o)
{
    const struct order_header *h = &v->h;

    soap_default_eos__Order(soap, o);
    o->orderId = h->order_id;
    o->buyerOrderNo = soap_strdup(soap, h->buyer_order_no);
    o->sellerCode = soap_strdup(soap, h->seller_code);
    o->buyerCode = soap_strdup(soap, h->buyer_code);
    o->status = map_order_status(soap, h->status);
    o->version = h->version;
    o->allowAdjust = h->allow_adjust ? xsd__boolean__true_ : xsd__boolean__false_;
    o->createdAt = (time_t)h->created_at;
    o->updatedAt = (time_t)h->updated_at;
    o->currency = soap_strdup(soap, h->currency);
    o->totalAmount = api_money(soap, h->total);
    o->shippedAmount = api_money(soap, h->shipped);
    o->invoicedAmount = api_money(soap, h->invoiced);
    o->paidAmount = api_money(soap, h->paid);
    o->shipToCode = opt_text(soap, h->ship_to_code);
    o->requestedDeliveryDate = opt_text(soap, h->delivery_date);
    o->note = opt_text(soap, h->note);
    o->__sizeline = (int)v->line_count;
    o->line = soap_new_eos__OrderLine(soap, (int)v->line_count);
    o->__sizehistory = (int)v->history_count;
    o->history = soap_new_eos__HistoryEntry(soap, (int)v->history_count);
    o->__sizechangeRequest = (int)v->change_count;
    o->changeRequest = soap_new_eos__ChangeRequest(soap, (int)v->change_count);
    o->__sizeshipment = (int)v->shipment_count;
    o->shipment = soap_new_eos__ShipmentInfo(soap, (int)v->shipment_count);
    o->__sizeinvoice = (int)v->invoice_count;
    o->invoice = soap_new_eos__InvoiceInfo(soap, (int)v->invoice_count);
    if ((v->line_count && !o->line) || (v->history_count && !o->history) ||
        (v->change_count && !o->changeRequest) || (v->shipment_count && !o->shipment) ||
        (v->invoice_count && !o->invoice))
        return SOAP_EOM;
    map_lines(soap, v, o);
    map_history(soap, v, o);
    if (map_changes(soap, v, o) != SOAP_OK || map_documents(soap, v, o) != SOAP_OK)
        return SOAP_EOM;
    return SOAP_OK;
}

void map_order_summary(struct soap *soap, const struct order_header *h, struct eos__OrderSummary *s)
{
    s->orderId = h->order_id;
    s->buyerOrderNo = soap_strdup(soap, h->buyer_order_no);
    s->status = map_order_status(soap, h->status);
    s->totalAmount = api_money(soap, h->total);
    s->createdAt = (time_t)h->created_at;
    s->updatedAt = (time_t)h->updated_at;
    s->buyerCode = soap_strdup(soap, h->buyer_code);
    s->version = soap_malloc(soap, sizeof(int));
    if (s->version)
        *s->version = h->version;
}
