/*
 * xmlutil.c - one-time libxml2 initialisation, silenced error output, and
 * serialisation into caller-owned memory.
 */
#include "doc/xmlutil.h"

#include "base/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
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
