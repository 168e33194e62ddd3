/*
 * nsmap.c - the XML namespace table of every message.
 *
 * gSOAP declares each of these on the envelope of every response, so the
 * table lists only what our messages use (soapcpp2's generated one also lists
 * the signature, SAML and encryption namespaces wsse.h drags in). The SOAP-ENV
 * row's second URI pattern lets SOAP 1.2 envelopes in as well.
 */
#include "soapH.h"

SOAP_NMAC struct Namespace namespaces[] = {
    {"SOAP-ENV", "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/*/soap-envelope",
     NULL},
    {"SOAP-ENC", "http://schemas.xmlsoap.org/soap/encoding/", "http://www.w3.org/*/soap-encoding",
     NULL},
    {"xsi", "http://www.w3.org/2001/XMLSchema-instance", "http://www.w3.org/*/XMLSchema-instance",
     NULL},
    {"xsd", "http://www.w3.org/2001/XMLSchema", "http://www.w3.org/*/XMLSchema", NULL},
    {"wsu", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
     NULL, NULL},
    {"wsse", "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
     "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd", NULL},
    {"eos", "urn:eoshub:v1", NULL, NULL},
    {NULL, NULL, NULL, NULL},
};
