/*
 * xpath.c - XPath 1.0 queries over a parsed document, behind an opaque type.
 */
#include "doc/xpath.h"

#include "base/err.h"
#include "base/str.h"
#include "doc/xmlutil.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define XPATH_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define XPATH_MAX_DEPTH 256

struct xpath_doc {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
};

int xpath_open(struct xpath_doc **out, const char *xml, size_t len)
{
    int error = 0;
    struct xpath_doc *d = NULL;

    xmlutil_enter();
    if (len > XPATH_MAX_BYTES) {
        error = eos_err_set(EOS_ELIMIT, NULL, "the document has %zu bytes: at most %zu", len,
                            XPATH_MAX_BYTES);
        goto fail;
    }
    d = calloc(1, sizeof(*d));
    if (!d) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto fail;
    }
    if ((error = xmlutil_read(&d->doc, xml, len, XPATH_MAX_DEPTH)) < 0)
        goto fail;
    d->ctx = xmlXPathNewContext(d->doc);
    if (!d->ctx) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto fail;
    }
    *out = d;
    return 0;

fail:
    xpath_free(d);
    return error;
}

int xpath_register_ns(struct xpath_doc *d, const char *prefix, const char *uri)
{
    if (xmlXPathRegisterNs(d->ctx, (const xmlChar *)prefix, (const xmlChar *)uri) != 0)
        return eos_err_set(EOS_EINTERNAL, NULL, "cannot bind prefix %s", prefix);
    return 0;
}

int xpath_string(char *out, size_t size, struct xpath_doc *d, const char *expr)
{
    int error = 0;
    xmlXPathObjectPtr r;
    xmlChar *s = NULL;

    out[0] = '\0';
    xmlutil_enter();
    r = xmlXPathEvalExpression((const xmlChar *)expr, d->ctx);
    if (!r) {
        error = eos_err_set(EOS_EINVALID, NULL, "not a valid XPath expression: %s", expr);
        goto free_all;
    }
    s = xmlXPathCastToString(r);
    if (!s) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto free_all;
    }
    if (!str_copy(out, size, (const char *)s)) {
        out[0] = '\0';
        error = eos_err_set(EOS_ELIMIT, NULL, "the value of %s is longer than %zu bytes", expr,
                            size - 1);
    }

free_all:
    xmlFree(s);
    xmlXPathFreeObject(r);
    return error;
}

int xpath_count(size_t *out, struct xpath_doc *d, const char *expr)
{
    int error = 0;
    xmlXPathObjectPtr r;

    xmlutil_enter();
    r = xmlXPathEvalExpression((const xmlChar *)expr, d->ctx);
    if (!r || r->type != XPATH_NODESET) {
        error = eos_err_set(EOS_EINVALID, NULL, "not a node-set expression: %s", expr);
        goto free_all;
    }
    *out = r->nodesetval ? (size_t)r->nodesetval->nodeNr : 0;

free_all:
    xmlXPathFreeObject(r);
    return error;
}

void xpath_free(struct xpath_doc *d)
{
    if (!d)
        return;
    xmlXPathFreeContext(d->ctx);
    xmlFreeDoc(d->doc);
    free(d);
}
