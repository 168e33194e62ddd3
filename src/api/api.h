/*
 * api.h - the SOAP adapter's shared pieces: per-worker state, the start of
 * every operation (authenticate, authorize), and errors turned into faults.
 *
 * An operation handler reads like this:
 *
 *     struct svc_ctx ctx;
 *     if (api_begin(soap, OP_SUBMIT_ORDER, &ctx))
 *         return soap->error;              (the fault is already set)
 *     ... map the request into service structs (api_fault on bad input) ...
 *     rc = svc_submit_order(&ctx, &draft, &result);
 *     if (rc < 0)
 *         return api_fault(soap, rc);
 *     ... map the result into the response ...
 *     return SOAP_OK;
 *
 * No SQL and no business rule lives in api/: it only translates.
 */
#ifndef EOS_API_API_H
#define EOS_API_API_H

#include <stdbool.h>
#include <stdint.h>

#include "api/ops.h"
#include "base/http_frame.h"
#include "soapH.h"
#include "svc/auth.h"
#include "svc/ctx.h"

/* Settings the api layer reads, shared read-only by every worker. */
struct api_settings {
    struct auth_settings auth;
    const char *service_version;
    unsigned long long max_message; /* bytes of one request body */
    int max_depth;                  /* XML nesting levels */
    const char *trusted_proxies;    /* comma-separated addresses, or "" */
};

/* What the request guard (guard.c) knows about the request so far. */
struct guard {
    bool headers_done;
    unsigned header_len;          /* bytes of headers seen */
    char header[HTTP_FRAME_HEADER_MAX]; /* the request's headers, read once complete */
    uint32_t tail;                /* the last four header bytes */
    bool has_length;
    unsigned long long remaining; /* body bytes still to come (Content-Length) */
    bool chunked;
    bool compressed;              /* Content-Encoding gzip or deflate: lexed once inflated */
    unsigned long long inflated;  /* bytes gSOAP inflated so far */
    int chunk_state;              /* chunked framing: size line, data, CRLF, trailer */
    unsigned long long chunk_left;
    bool chunk_skip;              /* skipping a chunk extension or CR to the LF */
    int utf8_need;
    unsigned long utf8_cp, utf8_min;
    int state;                    /* the lexer's state (enum lex in guard.c) */
    int match;
    int cdata;
    char pi[64];
    unsigned pi_len;
    unsigned char last, quote;
    bool end_tag, in_quote, root_closed;
    int attributes;
    int depth;
    bool in_body;                 /* inside the SOAP Body */
    char name[16];                /* the start of the current tag's name */
    unsigned name_len;
    bool name_done;               /* the tag's name has been read */
    unsigned body_elements;       /* start tags inside the Body's children */
    bool refusal_poked;           /* the byte that makes gSOAP see the refusal was sent */
    char entity[16];
    unsigned entity_len;
};

#define API_PATH_DEPTH 12

/* What the hub logs and counts about the request being served. */
struct api_call {
    enum api_op op;
    bool http_get;      /* a GET served by the routes, not a SOAP request */
    int error;          /* the eos_err code of the fault answered; 0: none */
    const char *refusal;  /* why the guard stopped the request, or NULL */
    int refusal_code;     /* and the fault it calls for */
    /* Where the parser is, for faults that name the element: the open
     * elements' local names and their positions among same-named siblings. */
    int depth;
    char open[API_PATH_DEPTH][48];
    int position[API_PATH_DEPTH];
    char last_closed[API_PATH_DEPTH][48]; /* per depth: the sibling that closed last */
    int last_position[API_PATH_DEPTH];
    unsigned long long body_bytes; /* body bytes seen by the guard */
    unsigned body_elements; /* elements inside the Body gSOAP read as elements */
    struct guard guard;
    char user[65];      /* "" until authenticated */
    char party[33];
};

/* One per worker thread, reached through soap->user. */
struct api_worker {
    struct db_conn *db;                   /* the worker's own connection */
    const struct api_settings *settings;
    bool secure;                          /* the current connection is TLS */
    struct api_call call;
    struct principal who;                 /* valid after api_begin */
    size_t (*next_recv)(struct soap *, char *, size_t); /* what the guard reads from */
};

/* Starts an operation: records it, authenticates and authorizes the caller
 * (except for anonymous operations), drops the request's SOAP header so it is
 * not echoed back, and fills ctx. Returns SOAP_OK, or SOAP_FAULT with the
 * fault set. */
int api_begin(struct soap *soap, enum api_op op, struct svc_ctx *ctx);

/* Turns an error code (and the thread's message and field) into the SOAP
 * fault: Client or Server, faultstring, and the <eos:error> detail. Returns
 * SOAP_FAULT, for `return api_fault(soap, rc);`. */
int api_fault(struct soap *soap, int code);

/* Sets the error with a message and field and answers the fault. */
int api_fail(struct soap *soap, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Serves one request on soap's connection: reads it, runs the operation,
 * sends the response or the fault, and leaves in w->call what to log and
 * count. Returns SOAP_EOF when the client closed before sending anything
 * (nothing to log), SOAP_OK otherwise. */
int api_serve_one(struct soap *soap);

/* Puts the request guard (guard.c) between gSOAP and the connection: it
 * reads through soap's current frecv and refuses hostile bytes as they come. */
void api_guard_install(struct soap *soap, struct api_worker *w);

/* After gSOAP has read the request: refuses (MALFORMED_REQUEST) markup that
 * gSOAP took as the text of a string field, which the guard saw as elements
 * gSOAP never read as elements. Returns 0 or an eos_err code, error set. */
int api_guard_markup(const struct api_worker *w);

/* gSOAP's feltbegin and feltendin hooks: keep the element path of the
 * request being read, so a refused value is named like line[2]/quantity. */
int api_path_begin(struct soap *soap, const char *tag);
int api_path_end(struct soap *soap, const char *tag1, const char *tag2);

/* gSOAP's own errors (bad XML, wrong types, limits) become contract faults
 * through this hook (soap->fseterror); it also maps the error for the log. */
void api_seterror(struct soap *soap, const char **code, const char **string);

/* Copies a string into gSOAP's request memory (freed by soap_end). */
char *api_strdup(struct soap *soap, const char *s);

/* Formats money or a quantity into request memory. */
char *api_money(struct soap *soap, int64_t v);
char *api_qty(struct soap *soap, int64_t v);

struct submit_result;
struct eos__SubmitOrderResult;
/* The response of SubmitOrder and SubmitOrderDocument from the use case's
 * result. SOAP_OK or SOAP_EOM. */
int api_submit_result(struct soap *soap, const struct submit_result *r,
                      struct eos__SubmitOrderResult *resp);

#endif
