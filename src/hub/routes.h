/*
 * routes.h - what eos-hub answers to HTTP GET (gSOAP's fget hook):
 *   /eos?wsdl     the WSDL, its soap:address rewritten to the address the client used
 *   /eoshub.xsd   the schema the WSDL imports (also /eos?xsd)
 *   /healthz      200 "ok" when the database answers, 503 otherwise
 *   /metrics      Prometheus text
 * Anything else is 404; other methods on the endpoint are faults.
 */
#ifndef EOS_HUB_ROUTES_H
#define EOS_HUB_ROUTES_H

#include "soapH.h"

/* Loads eoshub.wsdl and eoshub.xsd from dir. Returns 0 or an error (logged). */
int routes_load(const char *dir);
void routes_free(void);

/* The fget hook. */
int routes_get(struct soap *soap);

/* The fhead and fopt hooks: HEAD and OPTIONS are not served (405). */
int routes_refuse(struct soap *soap);

#endif
