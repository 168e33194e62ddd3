/*
 * xmlutil.h - libxml2 plumbing shared by the doc layer: initialising the
 * library once for the whole (multi-threaded) process, keeping it quiet,
 * reading untrusted bytes into a tree safely, and handing a serialised tree
 * to the caller as plain malloc() memory.
 *
 * Only doc/ includes this header: it exposes libxml2 types.
 */
#ifndef EOS_DOC_XMLUTIL_H
#define EOS_DOC_XMLUTIL_H

#include <stddef.h>

#include <libxml/tree.h>

#include "doc/xml_limits.h"

/*
 * Call first in every doc/ function that touches libxml2. Initialises the
 * library once per process (xmlInitParser() under pthread_once) and installs,
 * for the calling thread, a structured error handler that drops every libxml2
 * message: nothing reaches stderr. Readers take the error from their parser
 * context instead. The doc layer owns libxml2's per-thread error handler; no
 * other code installs one. This function can't fail.
 */
void xmlutil_enter(void);

/*
 * Parses len bytes (1..INT_MAX; the caller bounds the size) into *out, freed
 * with xmlFreeDoc(). Hardened for documents from strangers:
 *   - no network, no DTD loading, no entity substitution, no XInclude;
 *   - a DOCTYPE stops the parse as soon as its name is read, before any
 *     declaration in it: EOS_EMALFORMED "DOCTYPE is not allowed";
 *   - an element nested deeper than max_depth (the root is 1) stops the
 *     parse: EOS_ELIMIT;
 *   - the tree holds no entity reference or DTD node (checked again after the
 *     parse, whatever path libxml2 took);
 *   - not well-formed, or not namespace-well-formed (an undeclared prefix):
 *     EOS_EMALFORMED with libxml2's message and the line;
 *   - a NUL byte anywhere (so UTF-16 and UTF-32 too: documents are UTF-8 or
 *     another encoding that keeps ASCII as it is): EOS_EMALFORMED;
 *   - a tag with more than XMLUTIL_MAX_ATTRIBUTES attributes and namespace
 *     declarations, found before libxml2 reads it (its duplicate check costs
 *     the square of their number), or more than XMLUTIL_MAX_ELEMENTS
 *     elements (each costs memory in the tree): EOS_ELIMIT.
 * Fails with those codes or EOS_EINTERNAL (out of memory); *out is then
 * untouched.
 */
int xmlutil_read(xmlDocPtr *out, const char *xml, size_t len, int max_depth);

/*
 * Serialises doc as UTF-8 with an XML declaration, indented, into a new
 * NUL-terminated buffer: *out (free() it) and *len_out (without the NUL).
 * Fails with EOS_EINTERNAL when memory runs out, leaving both untouched.
 */
int xmlutil_dump(char **out, size_t *len_out, xmlDocPtr doc);

#endif
