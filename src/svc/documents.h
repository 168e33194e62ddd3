/*
 * documents.h - orders as UBL 2.1 documents: submitted by buyers whose
 * systems emit UBL Orders, and written out as Order or OrderResponse.
 */
#ifndef EOS_SVC_DOCUMENTS_H
#define EOS_SVC_DOCUMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "svc/ctx.h"
#include "svc/orders.h"

enum order_document_kind {
    DOC_ORDER,           /* the order as a UBL Order */
    DOC_ORDER_RESPONSE,  /* the seller's answer as a UBL OrderResponse (AB, AP, CA, RE) */
};

/* SubmitOrderDocument: parses the UBL Order and runs SubmitOrder on it. The
 * document's buyer, when it names one, must be the caller's party. On
 * success out->lines is allocated here (the caller frees it). */
int svc_submit_order_document(struct svc_ctx *ctx, const char *xml, size_t len,
                              struct submit_result *out);

/* GetOrderDocument: the order (as GetOrderStatus sees it) written as UBL.
 * *xml (caller frees with free()) and *len on success. */
int svc_order_document(struct svc_ctx *ctx, int64_t order_id, enum order_document_kind kind,
                       char **xml, size_t *len);

#endif
