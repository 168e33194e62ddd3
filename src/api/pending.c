/*
 * pending.c - operations whose issue has not landed yet.
 *
 * Each still authenticates and authorizes its caller, then answers a Server
 * fault INTERNAL "not implemented". The issue that implements an operation
 * deletes its line here.
 */
#include "api/api.h"

#define PENDING(op, req_type, resp_type, id)                                                   \
    int __eos__##op(struct soap *soap, struct req_type *req, struct resp_type *resp)          \
    {                                                                                         \
        (void)req;                                                                            \
        (void)resp;                                                                           \
        return api_not_implemented(soap, id);                                                 \
    }

PENDING(SubmitOrderDocument, _eos__SubmitOrderDocumentRequest, eos__SubmitOrderResult, OP_SUBMIT_ORDER_DOCUMENT)
PENDING(GetOrderDocument, _eos__GetOrderDocumentRequest, _eos__GetOrderDocumentResponse, OP_GET_ORDER_DOCUMENT)
