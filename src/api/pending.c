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
PENDING(SubmitReturn, _eos__SubmitReturnRequest, eos__SubmitReturnResult, OP_SUBMIT_RETURN)
PENDING(GetReturnStatus, _eos__GetReturnStatusRequest, _eos__GetReturnStatusResponse, OP_GET_RETURN_STATUS)
PENDING(ListAccountDocuments, _eos__ListAccountDocumentsRequest, _eos__ListAccountDocumentsResponse, OP_LIST_ACCOUNT_DOCUMENTS)
PENDING(ConfirmAccountDocument, _eos__ConfirmAccountDocumentRequest, _eos__ConfirmAccountDocumentResponse, OP_CONFIRM_ACCOUNT_DOCUMENT)
PENDING(GetAccountBalance, _eos__GetAccountBalanceRequest, _eos__GetAccountBalanceResponse, OP_GET_ACCOUNT_BALANCE)
PENDING(GetAccountStatement, _eos__GetAccountStatementRequest, _eos__GetAccountStatementResponse, OP_GET_ACCOUNT_STATEMENT)
PENDING(GetOrderDocument, _eos__GetOrderDocumentRequest, _eos__GetOrderDocumentResponse, OP_GET_ORDER_DOCUMENT)
PENDING(DownloadReturns, _eos__DownloadReturnsRequest, _eos__DownloadReturnsResponse, OP_DOWNLOAD_RETURNS)
PENDING(AcknowledgeReturns, _eos__AcknowledgeReturnsRequest, _eos__AcknowledgeReturnsResponse, OP_ACKNOWLEDGE_RETURNS)
PENDING(ProcessReturn, _eos__ProcessReturnRequest, _eos__ProcessReturnResponse, OP_PROCESS_RETURN)
