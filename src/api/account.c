/*
 * account.c - reconciliation operations: ListAccountDocuments,
 * ConfirmAccountDocument, GetAccountBalance, GetAccountStatement.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "base/err.h"
#include "base/str.h"
#include "svc/account.h"

static enum eos__DocType map_doc_type(struct soap *soap, const char *name)
{
    enum eos__DocType t = eos__DocType__SHIPMENT;

    if (soap_s2eos__DocType(soap, name, &t) != SOAP_OK)
        soap->error = SOAP_OK;
    return t;
}

int __eos__ListAccountDocuments(struct soap *soap, struct _eos__ListAccountDocumentsRequest *req,
                                struct _eos__ListAccountDocumentsResponse *resp)
{
    struct svc_ctx ctx;
    struct doc_filter_in f;
    struct account_doc *docs = NULL;
    size_t count = 0;
    int64_t total = 0;
    int rc;

    if (api_begin(soap, OP_LIST_ACCOUNT_DOCUMENTS, &ctx))
        return soap->error;
    memset(&f, 0, sizeof(f));
    if (req->docType)
        str_copy(f.doc_type, sizeof(f.doc_type), soap_eos__DocType2s(soap, *req->docType));
    if ((rc = in_date(f.from, req->from, "from", false)) < 0 ||
        (rc = in_date(f.to, req->to, "to", false)) < 0 ||
        (rc = in_code(f.buyer_code, sizeof(f.buyer_code), req->buyerCode, "buyerCode", false)) <
            0 ||
        (rc = in_code(f.seller_code, sizeof(f.seller_code), req->sellerCode, "sellerCode",
                      false)) < 0)
        return api_fault(soap, rc);
    f.unconfirmed_only = req->unconfirmedOnly && *req->unconfirmedOnly == xsd__boolean__true_;
    f.offset = req->offset ? *req->offset : 0;
    f.limit = req->limit ? *req->limit : 100;
    if (f.limit >= 1 && f.limit <= 500 && !(docs = calloc((size_t)f.limit, sizeof(*docs))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    rc = svc_list_documents(&ctx, &f, docs, &count, &total);
    if (rc < 0) {
        free(docs);
        return api_fault(soap, rc);
    }
    resp->total = (int)total;
    resp->__sizedocument = (int)count;
    resp->document = soap_new_eos__AccountDocument(soap, (int)count);
    for (size_t i = 0; resp->document && i < count; i++) {
        const struct account_doc *d = &docs[i];
        struct eos__AccountDocument *x = &resp->document[i];

        x->docType = map_doc_type(soap, d->doc_type);
        x->docNo = soap_strdup(soap, d->doc_no);
        x->docDate = soap_strdup(soap, d->doc_date);
        if (d->order_id) {
            x->orderId = soap_malloc(soap, sizeof(LONG64));
            if (x->orderId)
                *x->orderId = d->order_id;
        }
        x->amount = api_money(soap, d->amount);
        x->confirmed = d->confirmed ? xsd__boolean__true_ : xsd__boolean__false_;
        if (d->confirmed) {
            x->confirmedAt = soap_malloc(soap, sizeof(time_t));
            if (x->confirmedAt)
                *x->confirmedAt = (time_t)d->confirmed_at;
            x->confirmedBy = soap_strdup(soap, d->confirmed_by);
        }
        x->buyerCode = soap_strdup(soap, d->buyer_code);
    }
    free(docs);
    return SOAP_OK;
}

int __eos__ConfirmAccountDocument(struct soap *soap,
                                  struct _eos__ConfirmAccountDocumentRequest *req,
                                  struct _eos__ConfirmAccountDocumentResponse *resp)
{
    struct svc_ctx ctx;
    char number[DOCNO_BUF];
    char seller[CODE_MAX + 1];
    const char *type;
    bool confirmed;
    int64_t at = 0;
    int rc;

    if (api_begin(soap, OP_CONFIRM_ACCOUNT_DOCUMENT, &ctx))
        return soap->error;
    if ((rc = in_docno(number, sizeof(number), req->docNo, "docNo", true)) < 0 ||
        (rc = in_code(seller, sizeof(seller), req->sellerCode, "sellerCode", false)) < 0)
        return api_fault(soap, rc);
    type = soap_eos__DocType2s(soap, req->docType);
    confirmed = req->confirmed == xsd__boolean__true_;
    if ((rc = svc_confirm_document(&ctx, type, number, seller, confirmed, &at)) < 0)
        return api_fault(soap, rc);
    resp->docType = req->docType;
    resp->docNo = soap_strdup(soap, number);
    resp->confirmed = req->confirmed;
    if (confirmed) {
        resp->confirmedAt = soap_malloc(soap, sizeof(time_t));
        if (resp->confirmedAt)
            *resp->confirmedAt = (time_t)at;
    }
    return SOAP_OK;
}

int __eos__GetAccountBalance(struct soap *soap, struct _eos__GetAccountBalanceRequest *req,
                             struct _eos__GetAccountBalanceResponse *resp)
{
    struct svc_ctx ctx;
    struct balance_result b;
    char as_of[DATE_LEN + 1];
    char buyer[CODE_MAX + 1], seller[CODE_MAX + 1];
    int rc;

    if (api_begin(soap, OP_GET_ACCOUNT_BALANCE, &ctx))
        return soap->error;
    if ((rc = in_date(as_of, req->asOf, "asOf", false)) < 0 ||
        (rc = in_code(buyer, sizeof(buyer), req->buyerCode, "buyerCode", false)) < 0 ||
        (rc = in_code(seller, sizeof(seller), req->sellerCode, "sellerCode", false)) < 0)
        return api_fault(soap, rc);
    if ((rc = svc_account_balance(&ctx, as_of, buyer, seller, &b)) < 0)
        return api_fault(soap, rc);
    resp->currency = soap_strdup(soap, b.currency);
    resp->uninvoicedAmount = api_money(soap, b.uninvoiced);
    resp->invoicedReceivable = api_money(soap, b.receivable);
    resp->unappliedPayments = api_money(soap, b.unapplied);
    resp->openOrderAmount = api_money(soap, b.open_orders);
    resp->creditLimit = b.has_limit ? api_money(soap, b.credit_limit) : NULL;
    resp->availableCredit = b.has_limit ? api_money(soap, b.available) : NULL;
    return SOAP_OK;
}

int __eos__GetAccountStatement(struct soap *soap, struct _eos__GetAccountStatementRequest *req,
                               struct _eos__GetAccountStatementResponse *resp)
{
    struct svc_ctx ctx;
    struct statement_result s;
    char from[DATE_LEN + 1], to[DATE_LEN + 1];
    char buyer[CODE_MAX + 1], seller[CODE_MAX + 1];
    int rc;

    if (api_begin(soap, OP_GET_ACCOUNT_STATEMENT, &ctx))
        return soap->error;
    if ((rc = in_date(from, req->from, "from", true)) < 0 ||
        (rc = in_date(to, req->to, "to", true)) < 0 ||
        (rc = in_code(buyer, sizeof(buyer), req->buyerCode, "buyerCode", false)) < 0 ||
        (rc = in_code(seller, sizeof(seller), req->sellerCode, "sellerCode", false)) < 0)
        return api_fault(soap, rc);
    if ((rc = svc_account_statement(&ctx, from, to, buyer, seller, &s)) < 0)
        return api_fault(soap, rc);
    resp->openingBalance = api_money(soap, s.opening);
    resp->closingBalance = api_money(soap, s.closing);
    resp->currency = soap_strdup(soap, s.currency);
    resp->__sizeentry = (int)s.count;
    resp->entry = soap_new_eos__StatementEntry(soap, (int)s.count);
    for (size_t i = 0; resp->entry && i < s.count; i++) {
        const struct statement_line *l = &s.lines[i];
        struct eos__StatementEntry *x = &resp->entry[i];

        x->date = soap_strdup(soap, l->date);
        x->docType = map_doc_type(soap, l->doc_type);
        x->docNo = soap_strdup(soap, l->doc_no);
        x->debit = api_money(soap, l->debit);
        x->credit = api_money(soap, l->credit);
        x->balance = api_money(soap, l->balance);
    }
    free(s.lines);
    return SOAP_OK;
}
