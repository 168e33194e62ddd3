/*
 * guard.c - the request as raw bytes, before gSOAP parses it.
 *
 * gSOAP's parser is lenient where a hostile client profits: it expands HTML
 * entity names, decodes broken UTF-8 into other characters, skips DTD
 * declarations, reads past the end of a truncated body until the receive
 * timeout, and keeps parsing after the envelope. The guard sits in gSOAP's
 * frecv hook and looks at every byte once, refusing on the spot:
 *
 *   - headers over 16 KiB, a Content-Length over the message limit (at once,
 *     before reading the body), a body over the limit (LIMIT_EXCEEDED);
 *   - reads past Content-Length: the body ends where the client said, so a
 *     truncated request fails at once instead of after the timeout;
 *   - bytes that are not UTF-8, an XML declaration naming another encoding;
 *   - "<!" other than a comment or CDATA (DOCTYPE, ENTITY, ...: WS-I BP R1008);
 *   - entity references other than the five XML defines, and character
 *     references to characters XML does not allow (&#0;, &#xFFFE;, ...);
 *   - nesting deeper than the limit, more than 64 attributes on one tag, and
 *     anything but blanks after the root element.
 *
 * A compressed body (Content-Encoding gzip or deflate) is lexed as gSOAP
 * inflates it, in the fpreparerecv hook, and the limit then counts what it
 * inflates to. The guard also counts the elements inside the Body, so that
 * markup gSOAP swallows as the text of a string field is found afterwards
 * (api_guard_markup).
 *
 * It is a lexer, not a parser: it keeps a few bytes of state and builds
 * nothing. gSOAP still parses (and validates against the schema) what passes.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/http_frame.h"

#define ATTRIBUTES_MAX 64

enum lex {
    LX_TEXT = 0,   /* character data (or before the root) */
    LX_LT,         /* after '<' */
    LX_BANG,       /* after "<!" */
    LX_COMMENT,    /* inside <!-- ... --> */
    LX_CDATA,      /* inside <![CDATA[ ... ]]> */
    LX_PI,         /* inside <? ... ?> */
    LX_TAG,        /* inside a start or end tag */
    LX_QUOTE,      /* inside an attribute value */
    LX_ENTITY,     /* after '&' */
};

static int refuse(struct api_call *c, int code, const char *why)
{
    c->refusal = why;
    c->refusal_code = code;
    return -1;
}

/* Header phase: finds the blank line ending the headers, then reads
 * Content-Length, Transfer-Encoding and Content-Encoding. Returns how many bytes of buf were
 * header bytes. */
static size_t scan_headers(struct api_worker *w, const char *buf, size_t len)
{
    struct api_call *c = &w->call;
    struct guard *g = &c->guard;
    size_t used = 0;
    const char *end;
    const char *line, *nl;

    while (used < len && !g->headers_done) {
        unsigned char ch = (unsigned char)buf[used++];

        if (g->header_len < sizeof(g->header))
            g->header[g->header_len] = (char)ch;
        if (++g->header_len > HTTP_FRAME_HEADER_MAX) {
            refuse(c, EOS_ELIMIT, "the HTTP headers are too large");
            return used;
        }
        g->tail = g->tail << 8 | ch;
        /* An empty line: CR LF CR LF, or LF LF. */
        if (g->tail == 0x0d0a0d0au || (g->tail & 0xffffu) == 0x0a0au)
            g->headers_done = true;
    }
    if (!g->headers_done)
        return used;
    end = g->header + (g->header_len < sizeof(g->header) ? g->header_len : sizeof(g->header));
    /* Each header is read within its own line, and the codings as whole
     * values, as gSOAP reads them: a guard that took "x-gzip", or "gzip" in
     * some later header, for a compressed body would leave unlexed a body
     * gSOAP reads as it is. */
    for (line = g->header; line < end; line = nl ? nl + 1 : end) {
        const char *line_end, *v;

        nl = memchr(line, '\n', (size_t)(end - line));
        line_end = nl ? nl : end;
        if (line_end > line && line_end[-1] == '\r')
            line_end--;
        if ((v = http_header_value(line, line_end, "Content-Length")) != NULL) {
            unsigned long long n = 0;
            const char *p = v;

            for (; p < line_end && *p >= '0' && *p <= '9' && n <= w->settings->max_message; p++)
                n = n * 10 + (unsigned)(*p - '0');
            if (p > v) {
                g->has_length = true;
                g->remaining = n;
            }
        } else if ((v = http_header_value(line, line_end, "Transfer-Encoding")) != NULL) {
            g->chunked = http_value_is(v, line_end, "chunked");
        } else if ((v = http_header_value(line, line_end, "Content-Encoding")) != NULL) {
            g->compressed = http_value_is(v, line_end, "gzip") ||
                            http_value_is(v, line_end, "deflate");
        }
    }
    if (g->has_length && !g->chunked && g->remaining > w->settings->max_message)
        refuse(c, EOS_ELIMIT, "the request is larger than the hub accepts");
    return used;
}

/* A character XML allows (XML 1.0, Char). */
static bool xml_char(unsigned long cp)
{
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* An entity reference between '&' and ';': the five XML defines or a
 * character reference to a character XML allows. */
static bool entity_ok(const char *name)
{
    static const char *const defined[] = {"lt", "gt", "amp", "quot", "apos"};
    unsigned long cp = 0;
    const char *p;

    for (size_t i = 0; i < ARRAY_SIZE(defined); i++)
        if (strcmp(name, defined[i]) == 0)
            return true;
    if (name[0] != '#' || name[1] == '\0')
        return false;
    if (name[1] == 'x') {
        if (name[2] == '\0')
            return false;
        for (p = name + 2; *p; p++) {
            int d = (*p >= '0' && *p <= '9') ? *p - '0'
                    : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                    : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                                 : -1;
            if (d < 0 || cp > 0x10ffff)
                return false;
            cp = cp * 16 + (unsigned long)d;
        }
    } else {
        for (p = name + 1; *p; p++) {
            if (*p < '0' || *p > '9' || cp > 0x10ffff)
                return false;
            cp = cp * 10 + (unsigned long)(*p - '0');
        }
    }
    return xml_char(cp);
}

/* UTF-8, one byte at a time: no overlongs, no surrogates, nothing past
 * U+10FFFF, and only characters XML allows. */
static int utf8_step(struct api_call *c, unsigned char b)
{
    struct guard *g = &c->guard;

    if (g->utf8_need == 0) {
        if (b < 0x80) {
            if (!xml_char(b))
                return refuse(c, EOS_EMALFORMED, "the request holds a control character");
            return 0;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            g->utf8_need = 1;
            g->utf8_cp = b & 0x1f;
            g->utf8_min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            g->utf8_need = 2;
            g->utf8_cp = b & 0x0f;
            g->utf8_min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            g->utf8_need = 3;
            g->utf8_cp = b & 0x07;
            g->utf8_min = 0x10000;
        } else {
            return refuse(c, EOS_EMALFORMED, "the request is not valid UTF-8");
        }
        return 0;
    }
    if ((b & 0xc0) != 0x80)
        return refuse(c, EOS_EMALFORMED, "the request is not valid UTF-8");
    g->utf8_cp = g->utf8_cp << 6 | (b & 0x3fu);
    if (--g->utf8_need == 0 && (g->utf8_cp < g->utf8_min || !xml_char(g->utf8_cp)))
        return refuse(c, EOS_EMALFORMED, "the request is not valid UTF-8");
    return 0;
}

/* The XML declaration, once complete: only UTF-8 may be named. */
static int check_declaration(struct api_call *c)
{
    struct guard *g = &c->guard;
    char *enc;

    g->pi[g->pi_len < sizeof(g->pi) ? g->pi_len : sizeof(g->pi) - 1] = '\0';
    if (strncmp(g->pi, "xml", 3) != 0 || (g->pi[3] != ' ' && g->pi[3] != '\t' &&
                                           g->pi[3] != '\r' && g->pi[3] != '\n'))
        return 0;
    enc = strstr(g->pi, "encoding");
    if (!enc)
        return 0;
    enc = strpbrk(enc, "\"'");
    if (enc && strncasecmp(enc + 1, "utf-8", 5) == 0 && enc[6] == enc[0])
        return 0;
    return refuse(c, EOS_EMALFORMED, "only UTF-8 requests are accepted");
}

/* The local name of the tag being read: what follows the last ':', cut
 * short (and so matching nothing) when longer than the buffer. */
static void name_step(struct guard *g, unsigned char b)
{
    if (b == ':') {
        g->name_len = 0;
    } else if (g->name_len < sizeof(g->name) - 1) {
        g->name[g->name_len++] = (char)b;
    } else {
        g->name_len = sizeof(g->name); /* too long to be a name we look for */
    }
}

/* A start tag just ended (depth is its parent's): the Body's children and
 * their descendants are counted, to be matched against what gSOAP read as
 * elements. */
static void start_tag(struct guard *g)
{
    int level = g->depth + 1; /* Envelope 1, Body 2, the operation's element 3 */

    if (level == 2)
        g->in_body = g->name_len == 4 && memcmp(g->name, "Body", 4) == 0;
    else if (level >= 3 && g->in_body)
        g->body_elements++;
}

/* One body byte through the lexer. */
static int lex_step(struct api_worker *w, unsigned char b)
{
    struct api_call *c = &w->call;
    struct guard *g = &c->guard;

    switch (g->state) {
    case LX_TEXT:
        if (b == '<') {
            g->state = LX_LT;
        } else if (b == '&') {
            g->state = LX_ENTITY;
            g->entity_len = 0;
        } else if (g->root_closed && b != ' ' && b != '\t' && b != '\r' && b != '\n') {
            return refuse(c, EOS_EMALFORMED, "there is content after the envelope");
        }
        return 0;
    case LX_LT:
        if (b == '!') {
            g->state = LX_BANG;
            g->match = 0;
        } else if (b == '?') {
            g->state = LX_PI;
            g->pi_len = 0;
        } else if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
            return refuse(c, EOS_EMALFORMED, "the request is not well-formed XML");
        } else {
            if (g->root_closed)
                return refuse(c, EOS_EMALFORMED, "there is content after the envelope");
            g->state = LX_TAG;
            g->end_tag = b == '/';
            g->last = b;
            g->attributes = 0;
            g->name_len = 0;
            g->name_done = g->end_tag;
            if (!g->end_tag)
                name_step(g, b);
        }
        return 0;
    case LX_BANG: {
        /* "<!--" opens a comment and "<![CDATA[" a CDATA section; any other
         * declaration (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION) is refused. */
        static const char comment[] = "--", cdata[] = "[CDATA[";

        if (g->match < 2 && b == (unsigned char)comment[g->match] && g->cdata == 0) {
            if (++g->match == 2)
                g->state = LX_COMMENT, g->match = 0;
            return 0;
        }
        if (g->match == 0 && g->cdata == 0 && b == '[')
            g->cdata = 1;
        if (g->cdata && b == (unsigned char)cdata[g->cdata - 1]) {
            if (++g->cdata > 7)
                g->state = LX_CDATA, g->cdata = 0, g->match = 0;
            return 0;
        }
        return refuse(c, EOS_EMALFORMED,
                      "DOCTYPE and entity declarations are not allowed (WS-I BP R1008)");
    }
    case LX_COMMENT:
        /* Ends at "-->". */
        if (b == '-')
            g->match = g->match < 2 ? g->match + 1 : 2;
        else if (b == '>' && g->match == 2)
            g->state = LX_TEXT;
        else
            g->match = 0;
        return 0;
    case LX_CDATA:
        if (b == ']')
            g->match = g->match < 2 ? g->match + 1 : 2;
        else if (b == '>' && g->match == 2)
            g->state = LX_TEXT;
        else
            g->match = 0;
        return 0;
    case LX_PI:
        if (b == '>' && g->last == '?') {
            g->state = LX_TEXT;
            g->pi_len = g->pi_len ? g->pi_len - 1 : 0; /* drop the '?' */
            return check_declaration(c);
        }
        if (g->pi_len < sizeof(g->pi) - 1)
            g->pi[g->pi_len++] = (char)b;
        g->last = b;
        return 0;
    case LX_TAG:
        if (!g->name_done && b != '>' && b != '/' && b != ' ' && b != '\t' && b != '\r' &&
            b != '\n') {
            name_step(g, b);
            g->last = b;
            return 0;
        }
        g->name_done = true;
        if (b == '"' || b == '\'') {
            g->quote = b;
            g->state = LX_QUOTE;
        } else if (b == '=') {
            if (++g->attributes > ATTRIBUTES_MAX)
                return refuse(c, EOS_ELIMIT, "an element has too many attributes");
        } else if (b == '>') {
            g->state = LX_TEXT;
            if (g->end_tag) {
                if (g->depth == 2)
                    g->in_body = false;
                if (g->depth > 0 && --g->depth == 0)
                    g->root_closed = true;
                return 0;
            }
            start_tag(g);
            if (g->last != '/') {
                if (++g->depth > w->settings->max_depth)
                    return refuse(c, EOS_ELIMIT, "the request is nested too deeply");
            } else if (g->depth == 0) {
                g->root_closed = true; /* a self-closed root */
            }
        } else if (b == '<') {
            return refuse(c, EOS_EMALFORMED, "the request is not well-formed XML");
        }
        g->last = b;
        return 0;
    case LX_QUOTE:
        if (b == g->quote)
            g->state = LX_TAG;
        else if (b == '<')
            return refuse(c, EOS_EMALFORMED, "the request is not well-formed XML");
        else if (b == '&') {
            g->state = LX_ENTITY;
            g->entity_len = 0;
            g->in_quote = true;
        }
        return 0;
    case LX_ENTITY:
        if (b == ';') {
            g->entity[g->entity_len] = '\0';
            if (!entity_ok(g->entity))
                return refuse(c, EOS_EMALFORMED,
                              "only the five XML entities and references to XML characters "
                              "are allowed");
            g->state = g->in_quote ? LX_QUOTE : LX_TEXT;
            g->in_quote = false;
            return 0;
        }
        if (g->entity_len >= sizeof(g->entity) - 1)
            return refuse(c, EOS_EMALFORMED,
                          "only the five XML entities and references to XML characters are "
                          "allowed");
        g->entity[g->entity_len++] = (char)b;
        return 0;
    }
    return 0;
}

/* The XML, byte by byte: UTF-8 and the lexer. */
static int lex_xml(struct api_worker *w, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)buf[i];

        if (utf8_step(&w->call, b) < 0 || lex_step(w, b) < 0)
            return -1;
    }
    return 0;
}

/* Body bytes as they arrive: counted against the limit, and lexed unless
 * compressed (then guard_check lexes them inflated). */
static int scan_data(struct api_worker *w, const char *buf, size_t len)
{
    struct api_call *c = &w->call;

    if (!c->guard.compressed && lex_xml(w, buf, len) < 0)
        return -1;
    c->body_bytes += len;
    if (c->body_bytes > w->settings->max_message)
        return refuse(c, EOS_ELIMIT, "the request is larger than the hub accepts");
    return 0;
}

enum chunk_state {
    CH_SIZE = 0, /* the hexadecimal size (and extensions) up to LF */
    CH_DATA,     /* chunk_left bytes of body */
    CH_DATA_END, /* the CR LF after the data */
    CH_TRAILER,  /* after the last (empty) chunk: trailers up to an empty line */
    CH_DONE,
};

/* Chunked bodies: the framing is followed, the data goes to the lexer. */
static int scan_chunked(struct api_worker *w, const char *buf, size_t len)
{
    struct guard *g = &w->call.guard;
    size_t i = 0;

    while (i < len) {
        unsigned char b = (unsigned char)buf[i];

        switch (g->chunk_state) {
        case CH_SIZE: {
            int d = (b >= '0' && b <= '9') ? b - '0'
                    : (b >= 'a' && b <= 'f') ? b - 'a' + 10
                    : (b >= 'A' && b <= 'F') ? b - 'A' + 10
                                               : -1;

            i++;
            if (b == '\n') {
                g->chunk_state = g->chunk_left ? CH_DATA : CH_TRAILER;
                g->tail = 0x0d0a;
            } else if (d >= 0 && !g->chunk_skip) {
                if (g->chunk_left > w->settings->max_message)
                    return refuse(&w->call, EOS_ELIMIT, "the request is larger than the hub accepts");
                g->chunk_left = g->chunk_left * 16 + (unsigned)d;
            } else {
                g->chunk_skip = true; /* extensions or CR: skipped to the LF */
            }
            if (g->chunk_state != CH_SIZE)
                g->chunk_skip = false;
            break;
        }
        case CH_DATA: {
            size_t n = len - i;

            if (n > g->chunk_left)
                n = (size_t)g->chunk_left;
            if (scan_data(w, buf + i, n) < 0)
                return -1;
            i += n;
            g->chunk_left -= n;
            if (g->chunk_left == 0)
                g->chunk_state = CH_DATA_END;
            break;
        }
        case CH_DATA_END:
            i++;
            if (b == '\n')
                g->chunk_state = CH_SIZE;
            break;
        case CH_TRAILER:
            i++;
            g->tail = g->tail << 8 | b;
            if (g->tail == 0x0d0a0d0au || (g->tail & 0xffffu) == 0x0a0au)
                g->chunk_state = CH_DONE;
            break;
        default:
            return 0;
        }
    }
    return 0;
}

/* gSOAP's fpreparerecv, called with what guarded_recv returned: a refusal
 * becomes gSOAP's error here. (Returning 0 bytes from frecv instead would read
 * as the client hanging up, and gSOAP would answer nothing.) */
static int guard_check(struct soap *soap, const char *buf, size_t len)
{
    struct api_worker *w = soap->user;
    struct guard *g;

    if (!w)
        return SOAP_OK;
    g = &w->call.guard;
    /* gSOAP calls this with inflated bytes once it inflates (zlib_in set);
     * before, with what frecv returned, already seen. */
    if (!w->call.refusal && g->compressed && soap->zlib_in != SOAP_ZLIB_NONE) {
        g->inflated += len;
        if (g->inflated > w->settings->max_message)
            refuse(&w->call, EOS_ELIMIT, "the request inflates to more than the hub accepts");
        else
            lex_xml(w, buf, len);
    }
    return w->call.refusal ? SOAP_SYNTAX_ERROR : SOAP_OK;
}

int api_guard_markup(const struct api_worker *w)
{
    if (w->call.guard.body_elements <= w->call.body_elements)
        return 0;
    return eos_err_set(EOS_EMALFORMED, NULL, "%s",
                       "a text field holds markup: escape '<' as &lt; in values");
}

static size_t guarded_recv(struct soap *soap, char *buf, size_t len);

void api_guard_install(struct soap *soap, struct api_worker *w)
{
    if (soap->frecv != guarded_recv) {
        w->next_recv = soap->frecv;
        soap->frecv = guarded_recv;
        soap->fpreparerecv = guard_check;
    }
}

/* What frecv returns once the request is refused: one harmless byte, so that
 * gSOAP calls guard_check and stops with the refusal. Only once: where gSOAP
 * reads without calling guard_check (a chunk size, compressed bytes), it would
 * take the bytes and ask again forever; the end of input stops it there. */
static size_t refused(struct guard *g, char *buf, size_t n)
{
    if (n == 0) {
        if (g->refusal_poked)
            return 0;
        g->refusal_poked = true;
        buf[0] = ' ';
        n = 1;
    }
    return n;
}

static size_t guarded_recv(struct soap *soap, char *buf, size_t len)
{
    struct api_worker *w = soap->user;
    struct api_call *c;
    struct guard *g;
    size_t n, head;
    int rc;

    if (!w || !w->next_recv)
        return 0;
    c = &w->call;
    g = &c->guard;
    if (c->refusal || len == 0)
        return refused(g, buf, 0);
    /* The body ends where Content-Length says: never wait for more. gSOAP
     * asking past it means the XML is not complete. */
    if (g->headers_done && g->has_length && !g->chunked) {
        if (g->remaining == 0) {
            refuse(c, EOS_EMALFORMED, "the request ends before its XML does");
            return refused(g, buf, 0);
        }
        if (len > g->remaining)
            len = (size_t)g->remaining;
    }
    n = w->next_recv(soap, buf, len);
    if (n == 0)
        return 0;
    head = g->headers_done ? 0 : scan_headers(w, buf, n);
    if (c->refusal)
        return refused(g, buf, n);
    if (head == n)
        return n;
    if (g->chunked) {
        rc = scan_chunked(w, buf + head, n - head);
    } else {
        size_t body = n - head;

        if (g->has_length) {
            /* A first read may bring more than the body: it is not ours. */
            if (body > g->remaining)
                body = (size_t)g->remaining;
            g->remaining -= body;
            n = head + body;
        }
        rc = scan_data(w, buf + head, body);
    }
    return rc < 0 ? refused(g, buf, n) : n;
}
