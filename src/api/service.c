/*
 * service.c - GetServiceInfo: versions and the server's clock, for anyone.
 */
#include "api/api.h"

#include <time.h>

int __eos__GetServiceInfo(struct soap *soap, struct _eos__GetServiceInfoRequest *req,
                          struct _eos__GetServiceInfoResponse *resp)
{
    struct api_worker *w = soap->user;
    struct svc_ctx ctx;

    (void)req;
    if (api_begin(soap, OP_GET_SERVICE_INFO, &ctx))
        return soap->error;
    resp->serviceVersion = api_strdup(soap, w->settings->service_version);
    resp->contractVersion = api_strdup(soap, "1");
    resp->serverTime = time(NULL);
    return SOAP_OK;
}
