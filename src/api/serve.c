/*
 * serve.c - one SOAP request, from the first byte to the response: the part
 * of serving the hub's worker and the fuzzer share.
 */
#include "api/api.h"

#include <string.h>

#include "base/err.h"

int api_serve_one(struct soap *soap)
{
    struct api_worker *w = soap->user;
    int begin;

    memset(&w->call, 0, sizeof(w->call));
    eos_err_clear();
    begin = soap_begin_serve(soap);
    if (begin == SOAP_OK) {
        if (soap_serve_request(soap) && soap->error && soap->error < SOAP_STOP)
            soap_send_fault(soap);
    } else if (begin >= SOAP_POST && !w->call.http_get) {
        /* gSOAP leaves a body that is not a SOAP envelope (or a method it
         * does not serve) to handlers we do not have, and answers nothing:
         * answer a fault at once and close, the body is not worth reading. */
        soap->error = SOAP_VERSIONMISMATCH;
        soap->keep_alive = 0;
        soap_send_fault(soap);
    } else if (soap->error == SOAP_EOF && w->call.op == OP_NONE) {
        return SOAP_EOF; /* the client closed its idle connection */
    }
    if (!w->call.http_get && soap->error && soap->error < SOAP_STOP && w->call.error == 0)
        w->call.error = EOS_EMALFORMED;
    return SOAP_OK;
}
