/*
 * xpath.h - reading values out of an XML document with XPath 1.0, for the
 * tools and tests that check documents the hub or the project wrote
 * (GetOrderDocument output, wsdl/examples, the SoapUI project). Opaque, so
 * callers need no libxml2 headers or flags.
 *
 * Documents are read with the doc layer's hardened reader (xmlutil_read():
 * no DOCTYPE, no entities, no network), up to 64 MiB and 256 levels deep.
 */
#ifndef EOS_DOC_XPATH_H
#define EOS_DOC_XPATH_H

#include <stddef.h>

struct xpath_doc;

/*
 * Parses len bytes of XML into *out, freed with xpath_free(). Fails with
 * EOS_EMALFORMED (not namespace-well-formed XML, a DOCTYPE, an entity
 * reference), EOS_ELIMIT (more than 64 MiB or 256 levels) or EOS_EINTERNAL
 * (out of memory); *out is then untouched.
 */
int xpath_open(struct xpath_doc **out, const char *xml, size_t len);

/* Binds prefix to a namespace URI for the expressions that follow. Fails with
 * EOS_EINTERNAL when memory runs out. */
int xpath_register_ns(struct xpath_doc *d, const char *prefix, const char *uri);

/* The XPath string value of expr (as string(expr): "" for an empty node-set)
 * into out (size bytes). Fails with EOS_EINVALID when expr is not a valid
 * expression, EOS_ELIMIT when the value does not fit (out then holds ""). */
int xpath_string(char *out, size_t size, struct xpath_doc *d, const char *expr);

/* How many nodes expr selects into *out. Fails with EOS_EINVALID when expr is
 * not valid or does not give a node-set; *out is then untouched. */
int xpath_count(size_t *out, struct xpath_doc *d, const char *expr);

/* NULL does nothing. */
void xpath_free(struct xpath_doc *d);

#endif
