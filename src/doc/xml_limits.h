/*
 * xml_limits.h - what the doc layer's reader (xmlutil_read) takes from a
 * document at most, beside the depth each caller sets. Apart from
 * xmlutil.h so that code without libxml2's headers can name them.
 */
#ifndef EOS_DOC_XML_LIMITS_H
#define EOS_DOC_XML_LIMITS_H

#define XMLUTIL_MAX_ATTRIBUTES 64  /* per tag, namespace declarations included */
#define XMLUTIL_MAX_ELEMENTS 60000 /* per document: 500 UBL lines take some 20000 */

#endif
