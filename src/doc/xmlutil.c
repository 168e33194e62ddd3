/*
 * xmlutil.c - one-time libxml2 initialisation, silenced error output, the
 * hardened reader, and serialisation into caller-owned memory.
 *
 * The reader has three gates: before the parse, a scan of the bytes refuses
 * tags with too many attributes (libxml2 would spend the square of their
 * number checking them for duplicates, before any hook of ours runs);
 * during it, SAX hooks stop libxml2 at the first DOCTYPE (before any
 * declaration in it is read, so no entity is ever defined), at the first
 * element nested too deep and past too many elements; after it, a walk of
 * the tree refuses entity references and DTD nodes.
 */
#include "doc/xmlutil.h"

#include "base/err.h"
#include "base/str.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h> /* xmlCreateMemoryParserCtxt */
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_library(void)
{
    xmlInitParser();
}

/* libxml2 2.12 made the error argument const. */
#if LIBXML_VERSION >= 21200
static void drop_error(void *ctx, const xmlError *error)
#else
static void drop_error(void *ctx, xmlErrorPtr error)
#endif
{
    (void)ctx;
    (void)error;
}

void xmlutil_enter(void)
{
    (void)pthread_once(&init_once, init_library);
    /* The handler is per thread in a threaded libxml2: set it on every entry,
     * since worker threads come and go. */
    xmlSetStructuredErrorFunc(NULL, drop_error);
}

/* ------------------------------------------------------------ reading */

/* What the SAX hooks saw while libxml2 built the tree; hung on ctxt->_private. */
struct guard {
    startElementNsSAX2Func start; /* libxml2's own tree builders, called through */
    endElementNsSAX2Func end;
    int depth;      /* elements open right now */
    int max_depth;  /* more open elements stop the parse */
    long elements;  /* elements begun so far */
    bool too_deep;  /* an element was nested deeper than max_depth: parse stopped */
    bool too_many;  /* more than XMLUTIL_MAX_ELEMENTS elements: parse stopped */
    bool doctype;  /* a DOCTYPE was met: parse stopped */
};

static struct guard *guard_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void guard_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                        const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                        int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    struct guard *g = guard_of(ctx);

    if (g->too_deep || g->too_many || g->doctype)
        return;
    if (++g->depth > g->max_depth || ++g->elements > XMLUTIL_MAX_ELEMENTS) {
        g->too_deep = g->depth > g->max_depth;
        g->too_many = !g->too_deep;
        xmlStopParser(ctx);
        return;
    }
    g->start(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
             attributes);
}

static void guard_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                      const xmlChar *uri)
{
    struct guard *g = guard_of(ctx);

    if (g->too_deep || g->too_many || g->doctype)
        return;
    g->depth--;
    g->end(ctx, localname, prefix, uri);
}

/* Called at "<!DOCTYPE name ExternalID", before '[': nothing declared yet. */
static void guard_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                          const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    guard_of(ctx)->doctype = true;
    xmlStopParser(ctx);
}

/* libxml2's message for the parse failure, without its trailing newline. */
static int malformed(xmlParserCtxtPtr ctxt)
{
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    char msg[200];
    size_t n;

    if (!e || !e->message)
        return eos_err_set(EOS_EMALFORMED, NULL, "the document is not well-formed XML");
    str_copy(msg, sizeof(msg), e->message);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    return eos_err_set(EOS_EMALFORMED, NULL, "the document is not well-formed XML (line %d): %s",
                       e->line, msg);
}

/* Where the first `end` after p is, past it; NULL when there is none. */
static const char *past(const char *p, const char *stop, const char *end)
{
    size_t n = strlen(end);
    const char *at = memmem(p, (size_t)(stop - p), end, n);

    return at ? at + n : NULL;
}

/* The first gate: counts attributes (and namespace declarations) per tag as
 * the '=' outside quoted values, skipping comments, CDATA and processing
 * instructions. A malformed rest is left for libxml2 to refuse; a DOCTYPE
 * ends the scan, since the parse stops there. */
static int scan_tags(const char *xml, size_t len)
{
    const char *p = xml, *stop = xml + len;

    if (memchr(xml, '\0', len))
        return eos_err_set(EOS_EMALFORMED, NULL,
                           "the document holds NUL bytes: documents are UTF-8, not UTF-16 or 32");
    while (p && (p = memchr(p, '<', (size_t)(stop - p))) != NULL) {
        size_t left = (size_t)(stop - p);
        int attributes = 0;
        char quote = 0;

        if (left >= 4 && memcmp(p, "<!--", 4) == 0) {
            p = past(p + 4, stop, "-->");
            continue;
        }
        if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
            p = past(p + 9, stop, "]]>");
            continue;
        }
        if (left >= 2 && p[1] == '?') {
            p = past(p + 2, stop, "?>");
            continue;
        }
        if (left >= 2 && p[1] == '!')
            return 0;
        for (p++; p < stop && (quote || *p != '>'); p++) {
            if (quote) {
                quote = *p == quote ? 0 : quote;
            } else if (*p == '"' || *p == '\'') {
                quote = *p;
            } else if (*p == '=' && ++attributes > XMLUTIL_MAX_ATTRIBUTES) {
                return eos_err_set(EOS_ELIMIT, NULL, "a tag has more than %d attributes",
                                   XMLUTIL_MAX_ATTRIBUTES);
            }
        }
    }
    return 0;
}

/* Parses len bytes into *out with the guards above. Fails with EOS_EMALFORMED,
 * EOS_ELIMIT (too deep) or EOS_EINTERNAL; *out is then untouched. */
static int read_tree(xmlDocPtr *out, const char *xml, size_t len, int max_depth)
{
    int error = 0;
    xmlParserCtxtPtr ctxt;
    struct guard g;

    ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
    if (!ctxt)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    /* No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD, DTDATTR or
     * DTDVALID (no DTD is read), no XINCLUDE; NONET in case anything would
     * still reach for a URL; errors and warnings not printed. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    memset(&g, 0, sizeof(g));
    g.max_depth = max_depth;
    g.start = ctxt->sax->startElementNs;
    g.end = ctxt->sax->endElementNs;
    if (!g.start || !g.end) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "the XML parser is not in SAX2 mode");
        goto free_ctxt;
    }
    ctxt->_private = &g;
    ctxt->sax->startElementNs = guard_start;
    ctxt->sax->endElementNs = guard_end;
    ctxt->sax->internalSubset = guard_doctype;
    ctxt->sax->externalSubset = NULL;

    (void)xmlParseDocument(ctxt);

    if (g.doctype)
        error = eos_err_set(EOS_EMALFORMED, NULL, "DOCTYPE is not allowed");
    else if (g.too_deep)
        error = eos_err_set(EOS_ELIMIT, NULL, "elements are nested more than %d deep", max_depth);
    else if (g.too_many)
        error = eos_err_set(EOS_ELIMIT, NULL, "the document has more than %d elements",
                            XMLUTIL_MAX_ELEMENTS);
    /* nsWellFormed catches what libxml2 itself lets pass, e.g. an
     * undeclared prefix. */
    else if (!ctxt->wellFormed || !ctxt->nsWellFormed || !ctxt->myDoc)
        error = malformed(ctxt);
    if (error)
        goto free_ctxt;
    *out = ctxt->myDoc;
    ctxt->myDoc = NULL;

free_ctxt:
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return error;
}

/* The second gate: no DTD or entity node anywhere, no element deeper than
 * max_depth (the SAX hook already stops those; this holds whatever the
 * parser's path). Iterative, so a deep tree cannot exhaust the stack. */
static int check_tree(xmlDocPtr doc, int max_depth)
{
    xmlNodePtr n;
    int depth = 1;

    if (!doc)
        return eos_err_set(EOS_EINTERNAL, NULL, "no document");
    n = doc->children;
    if (doc->intSubset || doc->extSubset)
        return eos_err_set(EOS_EMALFORMED, NULL, "DOCTYPE is not allowed");
    while (n) {
        switch (n->type) {
        case XML_DTD_NODE:
        case XML_ENTITY_DECL:
        case XML_DOCUMENT_TYPE_NODE:
            return eos_err_set(EOS_EMALFORMED, NULL, "DOCTYPE is not allowed");
        case XML_ENTITY_REF_NODE:
        case XML_ENTITY_NODE:
            return eos_err_set(EOS_EMALFORMED, NULL, "entity references are not allowed (line %u)",
                               (unsigned)xmlGetLineNo(n));
        case XML_ELEMENT_NODE:
            if (depth > max_depth)
                return eos_err_set(EOS_ELIMIT, NULL, "elements are nested more than %d deep",
                                   max_depth);
            break;
        default:
            break;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            depth--;
            if (n == (xmlNodePtr)doc)
                n = NULL;
        }
        if (n)
            n = n->next;
    }
    return 0;
}

int xmlutil_read(xmlDocPtr *out, const char *xml, size_t len, int max_depth)
{
    int error = 0;
    xmlDocPtr doc = NULL;

    xmlutil_enter();
    if (!xml || len == 0) {
        error = eos_err_set(EOS_EMALFORMED, NULL, "the document is empty");
        goto free_doc;
    }
    if (len > INT_MAX) {
        error = eos_err_set(EOS_ELIMIT, NULL, "the document is too large");
        goto free_doc;
    }
    if ((error = scan_tags(xml, len)) < 0 || (error = read_tree(&doc, xml, len, max_depth)) < 0 ||
        (error = check_tree(doc, max_depth)) < 0)
        goto free_doc;
    *out = doc;
    doc = NULL;

free_doc:
    xmlFreeDoc(doc);
    return error;
}

/* ------------------------------------------------------------ writing */

int xmlutil_dump(char **out, size_t *len_out, xmlDocPtr doc)
{
    int error = 0;
    xmlChar *mem = NULL;
    int size = 0;
    char *copy = NULL;

    xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
    if (!mem || size <= 0) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "cannot serialise the document");
        goto out;
    }
    copy = malloc((size_t)size + 1);
    if (!copy) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    memcpy(copy, mem, (size_t)size);
    copy[size] = '\0';
    *out = copy;
    *len_out = (size_t)size;
    copy = NULL;

out:
    xmlFree(mem);
    return error;
}
