/*
 * fault.c - errors as SOAP faults.
 *
 * The mapping from our error codes to the contract's fault codes is the table
 * in base/err.c; this file puts the result on the wire: faultcode Client or
 * Server (SOAP 1.2: Sender or Receiver), a faultstring, and the detail
 * <eos:error><code/><message/><field/>?<retryable/></eos:error>.
 */
#include "api/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "core/money.h"

char *api_strdup(struct soap *soap, const char *s)
{
    return s ? soap_strdup(soap, s) : NULL;
}

char *api_money(struct soap *soap, int64_t v)
{
    char buf[MONEY_STR_MAX];

    return soap_strdup(soap, money_format(buf, sizeof(buf), v));
}

char *api_qty(struct soap *soap, int64_t v)
{
    char buf[QTY_STR_MAX];

    return soap_strdup(soap, qty_format(buf, sizeof(buf), v));
}

/* Attaches <eos:error> to the fault gSOAP is about to send. */
static void set_detail(struct soap *soap, int code, const char *message, const char *field)
{
    struct eos__ErrorDetail *detail;
    enum eos__FaultCode fc;
    struct SOAP_ENV__Detail *d;

    if (soap_s2eos__FaultCode(soap, eos_err_name(code), &fc) != SOAP_OK) {
        soap->error = SOAP_FAULT; /* the lookup may have set an error; keep ours */
        fc = eos__FaultCode__INTERNAL;
    }
    soap_faultdetail(soap); /* allocates soap->fault and its detail */
    if (!soap->fault)
        return;
    d = soap->version == 2 ? soap->fault->SOAP_ENV__Detail : soap->fault->detail;
    if (!d)
        return;
    detail = soap_new_eos__ErrorDetail(soap, 1);
    if (!detail)
        return;
    detail->code = fc;
    detail->message = soap_strdup(soap, message);
    detail->field = field ? soap_strdup(soap, field) : NULL;
    detail->retryable = eos_err_retryable(code) ? xsd__boolean__true_ : xsd__boolean__false_;
    d->eos__error = detail;
    d->__any = NULL;
    d->__type = 0;
    d->fault = NULL;
}

int api_fault(struct soap *soap, int code)
{
    struct api_worker *w = soap->user;
    const char *message = eos_err_message();
    const char *field = eos_err_field();

    if (code >= 0)
        code = EOS_EINTERNAL;
    if (code == EOS_EDUPKEY || code == EOS_ERETRY)
        code = code == EOS_ERETRY ? EOS_EUNAVAIL : EOS_EINTERNAL;
    if (eos_err_code() != code || message[0] == '\0')
        message = code == EOS_EINTERNAL ? "internal error" : eos_err_name(code);
    if (w)
        w->call.error = code;
    if (eos_err_is_client(code))
        soap_sender_fault(soap, message, NULL);
    else
        soap_receiver_fault(soap, message, NULL);
    set_detail(soap, code, message, field);
    soap->error = SOAP_FAULT;
    return SOAP_FAULT;
}

int api_fail(struct soap *soap, int code, const char *field, const char *fmt, ...)
{
    char message[EOS_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    eos_err_set(code, field, "%s", message);
    return api_fault(soap, code);
}

/* gSOAP error -> contract code and a message that says what was wrong
 * without naming libraries or internals. */
static int map_soap_error(int error, const char **message)
{
    switch (error) {
    case SOAP_TYPE:
    case SOAP_LENGTH:
    case SOAP_PATTERN:
    case SOAP_FIXED:
    case SOAP_EMPTY:
    case SOAP_REQUIRED:
    case SOAP_PROHIBITED:
    case SOAP_NULL:
        *message = "a value does not match the schema";
        return EOS_EINVALID;
    case SOAP_OCCURS:
        *message = "an element occurs too often or too rarely";
        return EOS_EINVALID;
    case SOAP_EOM:
    case SOAP_LEVEL:
        *message = "the request is too large or nested too deeply";
        return EOS_ELIMIT;
    case SOAP_NO_METHOD:
        *message = "unknown operation";
        return EOS_EMALFORMED;
    case SOAP_UTF_ERROR:
        *message = "the request is not valid UTF-8";
        return EOS_EMALFORMED;
    case SOAP_GET_METHOD:
    case SOAP_PUT_METHOD:
    case SOAP_PATCH_METHOD:
    case SOAP_DEL_METHOD:
    case SOAP_HTTP_METHOD:
        *message = "only POST of a SOAP envelope is served here";
        return EOS_EMALFORMED;
    case SOAP_VERSIONMISMATCH:
        *message = "the request is not a SOAP 1.1 or 1.2 envelope";
        return EOS_EMALFORMED;
    case SOAP_NO_DATA:
        *message = "the request is empty";
        return EOS_EMALFORMED;
    case SOAP_MUSTUNDERSTAND:
        *message = "a mustUnderstand header is not understood";
        return EOS_EMALFORMED;
    case SOAP_TAG_MISMATCH:
    case SOAP_NO_TAG:
    case SOAP_SYNTAX_ERROR:
    case SOAP_NAMESPACE:
    case SOAP_IOB:
    case SOAP_DUPLICATE_ID:
    case SOAP_MISSING_ID:
    case SOAP_HREF:
    case SOAP_END_TAG:
    case SOAP_EOF:
    case SOAP_HDR:
    case SOAP_ZLIB_ERROR:
    case SOAP_MIME_ERROR:
    case SOAP_DIME_ERROR:
        *message = "the request is not a well-formed message of this service";
        return EOS_EMALFORMED;
    default:
        *message = "internal error";
        return EOS_EINTERNAL;
    }
}

static const char *local_name(const char *tag);

int api_path_begin(struct soap *soap, const char *tag)
{
    struct api_worker *w = soap->user;
    struct api_call *c;
    const char *name = local_name(tag);
    int d;

    if (!w || !name)
        return SOAP_OK;
    c = &w->call;
    d = c->depth++;
    /* Envelope 0, Body 1: what gSOAP reads as elements below the Body, for
     * api_guard_markup. */
    if (d >= 2 && strcmp(c->open[1], "Body") == 0)
        c->body_elements++;
    if (d < 0 || d >= API_PATH_DEPTH)
        return SOAP_OK;
    snprintf(c->open[d], sizeof(c->open[d]), "%s", name);
    /* Lists are runs of same-named siblings: count along the run. */
    c->position[d] = strcmp(c->last_closed[d], name) == 0 ? c->last_position[d] + 1 : 1;
    if (d + 1 < API_PATH_DEPTH)
        c->last_closed[d + 1][0] = '\0';
    return SOAP_OK;
}

int api_path_end(struct soap *soap, const char *tag1, const char *tag2)
{
    struct api_worker *w = soap->user;
    struct api_call *c;
    int d;

    (void)tag1;
    (void)tag2;
    if (!w || w->call.depth <= 0)
        return SOAP_OK;
    c = &w->call;
    d = --c->depth;
    if (d < API_PATH_DEPTH) {
        memcpy(c->last_closed[d], c->open[d], sizeof(c->last_closed[d]));
        c->last_position[d] = c->position[d];
    }
    return SOAP_OK;
}

/* Request elements that are lists, to show an index: "line[2]/quantity". */
static bool is_list(const char *request, const char *name)
{
    static const char *const lists[] = {"line", "change", "adjustment", "product", "price",
                                        "item", "invoiceNo"};

    if (strcmp(request, "PublishProductsRequest") == 0)
        return strcmp(name, "sku") == 0 || strcmp(name, "buyerCode") == 0;
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        if (strcmp(name, lists[i]) == 0)
            return true;
    return false;
}

/* The path of the element being read below the operation's element, e.g.
 * "line[2]/quantity"; NULL when the parser is not inside a request. */
static const char *element_path(struct soap *soap, const struct api_call *c, const char *leaf)
{
    char path[256] = "";
    size_t len = 0;
    int start = -1;
    int top = c->depth;

    for (int d = 0; d < c->depth && d < API_PATH_DEPTH; d++) {
        size_t n = strlen(c->open[d]);

        if (n > 7 && strcmp(c->open[d] + n - 7, "Request") == 0) {
            start = d;
            break;
        }
    }
    /* A value is checked once its element has closed: the element gSOAP
     * refused is then the last one closed at the current depth. */
    if (top < API_PATH_DEPTH && leaf && strcmp(c->last_closed[top], leaf) == 0)
        top++;
    if (start < 0 || start + 1 >= top)
        return NULL;
    for (int d = start + 1; d < top && d < API_PATH_DEPTH; d++) {
        const char *name = d < c->depth ? c->open[d] : c->last_closed[d];
        int position = d < c->depth ? c->position[d] : c->last_position[d];
        int n = is_list(c->open[start], name) && d == start + 1
                    ? snprintf(path + len, sizeof(path) - len, "%s%s[%d]", len ? "/" : "", name,
                               position)
                    : snprintf(path + len, sizeof(path) - len, "%s%s", len ? "/" : "", name);

        if (n < 0 || (size_t)n >= sizeof(path) - len)
            break;
        len += (size_t)n;
    }
    return len ? soap_strdup(soap, path) : NULL;
}

/* The element gSOAP was reading, without its prefix, for the fault's field.
 * The tag comes from the request: it is reduced to XML name characters (and
 * cut short) so a fault never echoes bytes that would break its own XML. */
static const char *local_name(const char *tag)
{
    static _Thread_local char clean[49];
    const char *colon = tag ? strchr(tag, ':') : NULL;
    const char *p = colon ? colon + 1 : tag;
    size_t n = 0;

    if (!p)
        return NULL;
    for (; *p && n < sizeof(clean) - 1; p++) {
        char c = *p;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '-' || c == '.')
            clean[n++] = c;
    }
    clean[n] = '\0';
    return clean;
}

/* The highest position of an element on the path being read (open, or the
 * last closed at a depth): gSOAP answers SOAP_OCCURS both for a list one
 * past maxoccurs and for a required element missing, and only the first has
 * a position past maxoccurs. */
static int highest_position(const struct api_call *c)
{
    int most = 0;

    for (int d = 0; d <= c->depth && d < API_PATH_DEPTH; d++) {
        if (d < c->depth && c->position[d] > most)
            most = c->position[d];
        if (c->last_position[d] > most)
            most = c->last_position[d];
    }
    return most;
}

static bool is_request_element(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    return len > 7 && strcmp(name + len - 7, "Request") == 0;
}

void api_seterror(struct soap *soap, const char **code, const char **string)
{
    struct api_worker *w = soap->user;
    const char *message, *field = NULL;
    const char *name = local_name(soap->tag);
    char *text = NULL;
    int err;

    /* Faults we raised ourselves already carry their code and detail; a GET
     * answered with an HTTP status is not a SOAP fault at all. */
    if (soap->error == SOAP_FAULT || (w && w->call.http_get))
        return;
    err = map_soap_error(soap->error, &message);
    if (w && w->call.refusal) {
        err = w->call.refusal_code ? w->call.refusal_code : EOS_EMALFORMED;
        message = w->call.refusal;
    } else if (!str_empty(name) && !is_request_element(name)) {
        /* A value or an element gSOAP refused while reading: name it by its
         * path when the parser knows it. */
        const char *path = NULL;

        /* An unexpected element is named as it came, not by a path it has
         * no place in. */
        if (w && soap->error != SOAP_TAG_MISMATCH)
            path = element_path(soap, &w->call, name);
        if (path)
            name = path;
        switch (soap->error) {
        case SOAP_TAG_MISMATCH:
            text = soap_malloc(soap, 200);
            if (text)
                snprintf(text, 200, "unexpected element %.120s", name);
            field = name;
            break;
        case SOAP_OCCURS:
            /* Request lists are unbounded in the schema; gSOAP only stops
             * one past maxoccurs, the memory guard. */
            if (w && highest_position(&w->call) > (int)soap->maxoccurs) {
                err = EOS_ELIMIT;
                message = "too many elements";
            } else {
                err = EOS_EINVALID;
                text = soap_malloc(soap, 200);
                if (text)
                    snprintf(text, 200, "%.120s: a required element is missing", name);
            }
            field = name;
            break;
        case SOAP_TYPE:
        case SOAP_LENGTH:
        case SOAP_PATTERN:
        case SOAP_EMPTY:
        case SOAP_FIXED:
            text = soap_malloc(soap, 200);
            if (text)
                snprintf(text, 200, "%.120s: not a valid value (wrong type, too long or out of range)",
                         name);
            field = name;
            break;
        default:
            break;
        }
    } else if (soap->error == SOAP_OCCURS) {
        message = "a required element is missing or occurs twice";
    }
    if (text)
        message = text;
    if (w)
        w->call.error = err;
    *code = eos_err_is_client(err) ? (soap->version == 2 ? "SOAP-ENV:Sender" : "SOAP-ENV:Client")
                                   : (soap->version == 2 ? "SOAP-ENV:Receiver" : "SOAP-ENV:Server");
    *string = message;
    set_detail(soap, err, message, field ? soap_strdup(soap, field) : NULL);
}
