/*
 * documents.c - SubmitOrderDocument and GetOrderDocument: UBL 2.1 documents
 * carried as xsd:base64Binary.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/err.h"
#include "svc/documents.h"

int __eos__SubmitOrderDocument(struct soap *soap, struct _eos__SubmitOrderDocumentRequest *req,
                               struct eos__SubmitOrderResult *resp)
{
    struct svc_ctx ctx;
    struct submit_result result;
    int rc;

    if (api_begin(soap, OP_SUBMIT_ORDER_DOCUMENT, &ctx))
        return soap->error;
    if (!req->document.__ptr || req->document.__size <= 0)
        return api_fail(soap, EOS_EINVALID, "document", "the document is empty");
    rc = svc_submit_order_document(&ctx, (const char *)req->document.__ptr,
                                   (size_t)req->document.__size, &result);
    if (rc == 0 && api_submit_result(soap, &result, resp) != SOAP_OK)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    free(result.lines);
    return rc < 0 ? api_fault(soap, rc) : SOAP_OK;
}

int __eos__GetOrderDocument(struct soap *soap, struct _eos__GetOrderDocumentRequest *req,
                            struct _eos__GetOrderDocumentResponse *resp)
{
    struct svc_ctx ctx;
    char *xml = NULL;
    size_t len = 0;
    int rc;

    if (api_begin(soap, OP_GET_ORDER_DOCUMENT, &ctx))
        return soap->error;
    rc = svc_order_document(&ctx, req->orderId,
                            req->kind == eos__DocumentKind__ORDER_USCORERESPONSE
                                ? DOC_ORDER_RESPONSE
                                : DOC_ORDER,
                            &xml, &len);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->document.__ptr = soap_malloc(soap, len ? len : 1);
    if (!resp->document.__ptr) {
        free(xml);
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    }
    memcpy(resp->document.__ptr, xml, len);
    resp->document.__size = (int)len;
    free(xml);
    return SOAP_OK;
}
