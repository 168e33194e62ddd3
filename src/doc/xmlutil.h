/*
 * xmlutil.h - libxml2 plumbing shared by the doc layer: initialising the
 * library once for the whole (multi-threaded) process, keeping it quiet, and
 * handing a serialised tree to the caller as plain malloc() memory.
 *
 * Only doc/ includes this header: it exposes libxml2 types.
 */
#ifndef EOS_DOC_XMLUTIL_H
#define EOS_DOC_XMLUTIL_H

#include <stddef.h>

#include <libxml/tree.h>

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
 * Serialises doc as UTF-8 with an XML declaration, indented, into a new
 * NUL-terminated buffer: *out (free() it) and *len_out (without the NUL).
 * Fails with EOS_EINTERNAL when memory runs out, leaving both untouched.
 */
int xmlutil_dump(char **out, size_t *len_out, xmlDocPtr doc);

#endif
