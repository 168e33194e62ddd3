/*
 * ubl_write.c - writing a stored order as a UBL 2.1 Order or OrderResponse.
 *
 * Documents are built with libxml2's tree API, so every text is escaped by
 * the library, and serialised as UTF-8. Elements are added in the sequence
 * the UBL 2.1 schemas prescribe. A builder remembers the first failure (out
 * of memory, text that cannot go into XML) so the code reads as the document
 * does and checks once at the end.
 */
#include "doc/ubl.h"

#include "base/err.h"
#include "base/str.h"
#include "doc/xmlutil.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#define UBL_VERSION "2.1"

/* ------------------------------------------------------------ the builder */

struct builder {
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNsPtr cac;
    xmlNsPtr cbc;
    const char *currency; /* every amount's currencyID */
    bool no_memory;       /* a libxml2 call failed: the tree is incomplete */
    const char *bad_text; /* the first element whose text is not valid XML text */
};

static xmlNodePtr el(struct builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
    xmlNodePtr n;

    if (!parent)
        return NULL;
    n = xmlNewChild(parent, ns, (const xmlChar *)name, NULL);
    if (!n)
        b->no_memory = true;
    return n;
}

/* An element with text; xmlNewTextChild escapes it. Text that is not UTF-8
 * or holds control characters other than tab and line breaks would make the
 * output not XML: it is refused (reported by finish()). */
static xmlNodePtr text_el(struct builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *name,
                          const char *text)
{
    xmlNodePtr n;

    if (!parent)
        return NULL;
    if (!utf8_valid_text(text, strlen(text))) {
        if (!b->bad_text)
            b->bad_text = name;
        return NULL;
    }
    n = xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
    if (!n)
        b->no_memory = true;
    return n;
}

static void attr(struct builder *b, xmlNodePtr n, const char *name, const char *value)
{
    if (n && !xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value))
        b->no_memory = true;
}

static void amount(struct builder *b, xmlNodePtr parent, const char *name, money_t v)
{
    char s[MONEY_STR_MAX];

    attr(b, text_el(b, parent, b->cbc, name, money_format(s, sizeof(s), v)), "currencyID",
         b->currency);
}


/* The document, its root {ns}name with ns as the default namespace, and the
 * cac and cbc prefixes declared on it. */
static int begin(struct builder *b, const struct order_view *v, const char *ns, const char *name)
{
    xmlNsPtr root_ns;

    memset(b, 0, sizeof(*b));
    if (!str_is_currency_code(v->h.currency))
        return eos_err_set(EOS_EINTERNAL, NULL, "order %" PRId64 " has no valid currency",
                           v->h.order_id);
    b->currency = v->h.currency;
    b->doc = xmlNewDoc((const xmlChar *)"1.0");
    if (!b->doc)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    b->root = xmlNewDocNode(b->doc, NULL, (const xmlChar *)name, NULL);
    if (!b->root)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    xmlDocSetRootElement(b->doc, b->root);
    root_ns = xmlNewNs(b->root, (const xmlChar *)ns, NULL);
    b->cac = xmlNewNs(b->root, (const xmlChar *)UBL_NS_CAC, (const xmlChar *)"cac");
    b->cbc = xmlNewNs(b->root, (const xmlChar *)UBL_NS_CBC, (const xmlChar *)"cbc");
    if (!root_ns || !b->cac || !b->cbc)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    xmlSetNs(b->root, root_ns);
    return 0;
}

static int finish(struct builder *b, char **out, size_t *len_out)
{
    if (b->bad_text)
        return eos_err_set(EOS_EINTERNAL, NULL,
                           "the order's %s is not valid UTF-8 text or holds control characters",
                           b->bad_text);
    if (b->no_memory)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    return xmlutil_dump(out, len_out, b->doc);
}

/* ------------------------------------------------------------ pieces */

/* YYYY-MM-DD of a UTC time; false for years past 9999 or before 0. */
static bool utc_date(char out[DATE_LEN + 1], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    return gmtime_r(&tt, &tm) && tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900 &&
           strftime(out, DATE_LEN + 1, "%Y-%m-%d", &tm) == DATE_LEN;
}

static int issue_date(struct builder *b, int64_t t)
{
    char date[DATE_LEN + 1];

    if (!utc_date(date, t))
        return eos_err_set(EOS_EINTERNAL, NULL, "time %" PRId64 " is not a date", t);
    text_el(b, b->root, b->cbc, "IssueDate", date);
    return 0;
}

static void id_el(struct builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *name, int64_t id)
{
    char s[24];

    snprintf(s, sizeof(s), "%" PRId64, id);
    text_el(b, parent, ns, name, s);
}

/* BuyerCustomerParty or SellerSupplierParty; an empty code leaves it empty
 * (every child is optional in UBL). */
static void party(struct builder *b, const char *name, const char *code)
{
    xmlNodePtr p = el(b, b->root, b->cac, name);

    if (code[0] != '\0') {
        xmlNodePtr ident = el(b, el(b, p, b->cac, "Party"), b->cac, "PartyIdentification");

        text_el(b, ident, b->cbc, "ID", code);
    }
}

/* cac:Delivery with the ship-to location (ship_to NULL or "": none) and the
 * requested date ("": none); nothing when both are absent. */
static void delivery(struct builder *b, xmlNodePtr parent, const char *ship_to, const char *date)
{
    bool has_ship_to = ship_to && ship_to[0] != '\0';
    xmlNodePtr d;

    if (!has_ship_to && date[0] == '\0')
        return;
    d = el(b, parent, b->cac, "Delivery");
    if (has_ship_to)
        text_el(b, el(b, d, b->cac, "DeliveryLocation"), b->cbc, "ID", ship_to);
    if (date[0] != '\0')
        text_el(b, el(b, d, b->cac, "RequestedDeliveryPeriod"), b->cbc, "StartDate", date);
}

/* What a line says: as it stands, or as the buyer ordered it. */
struct line_terms {
    qty_t quantity;
    money_t unit_price;
    money_t amount;
    const char *delivery_date; /* "" : none */
};

static struct line_terms terms_now(const struct order_line_view *l)
{
    return (struct line_terms){l->quantity, l->unit_price, l->line_amount, l->delivery_date};
}

static struct line_terms terms_ordered(const struct order_line_view *l)
{
    return (struct line_terms){l->ordered_quantity, l->ordered_unit_price,
                               money_line_amount(l->ordered_quantity, l->ordered_unit_price),
                               l->ordered_delivery_date};
}

/* One cac:OrderLine: its LineItem (with LineStatusCode when status is not
 * NULL) and, when reference is set, the OrderLineReference to the buyer's
 * line. */
static void order_line(struct builder *b, const struct order_line_view *l, struct line_terms t,
                       const char *status, bool reference)
{
    char s[QTY_STR_MAX];
    xmlNodePtr ol = el(b, b->root, b->cac, "OrderLine");
    xmlNodePtr li = el(b, ol, b->cac, "LineItem");
    xmlNodePtr item;

    id_el(b, li, b->cbc, "ID", l->line_no);
    if (status)
        attr(b, text_el(b, li, b->cbc, "LineStatusCode", status), "listID", "UNCL1229");
    text_el(b, li, b->cbc, "Quantity", qty_format(s, sizeof(s), t.quantity));
    amount(b, li, "LineExtensionAmount", t.amount);
    delivery(b, li, NULL, t.delivery_date);
    amount(b, el(b, li, b->cac, "Price"), "PriceAmount", t.unit_price);
    item = el(b, li, b->cac, "Item");
    if (l->name[0] != '\0')
        text_el(b, item, b->cbc, "Name", l->name);
    text_el(b, el(b, item, b->cac, "SellersItemIdentification"), b->cbc, "ID", l->sku);
    if (reference)
        id_el(b, el(b, ol, b->cac, "OrderLineReference"), b->cbc, "LineID", l->line_no);
}

static bool view_ok(const struct order_view *v)
{
    return v && (v->line_count == 0 || v->lines) && (v->history_count == 0 || v->history);
}

/* ------------------------------------------------------------ Order */

/* The Order is the order as the buyer placed it (what the seller changed is
 * in the OrderResponse), so that it can be sent again as a new order. */
int ubl_order_write(char **out, size_t *len_out, const struct order_view *v)
{
    int error = 0;
    money_t total = 0;
    struct builder b;

    memset(&b, 0, sizeof(b));
    xmlutil_enter();
    if (!out || !len_out || !view_ok(v)) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no order to write");
        goto free_doc;
    }
    if ((error = begin(&b, v, UBL_NS_ORDER, "Order")) < 0)
        goto free_doc;
    text_el(&b, b.root, b.cbc, "UBLVersionID", UBL_VERSION);
    text_el(&b, b.root, b.cbc, "ID", v->h.buyer_order_no);
    id_el(&b, b.root, b.cbc, "SalesOrderID", v->h.order_id);
    if ((error = issue_date(&b, v->h.created_at)) < 0)
        goto free_doc;
    if (v->h.note[0] != '\0')
        text_el(&b, b.root, b.cbc, "Note", v->h.note);
    text_el(&b, b.root, b.cbc, "DocumentCurrencyCode", v->h.currency);
    party(&b, "BuyerCustomerParty", v->h.buyer_code);
    party(&b, "SellerSupplierParty", v->h.seller_code);
    delivery(&b, b.root, v->h.ship_to_code, v->h.delivery_date);
    for (size_t i = 0; i < v->line_count; i++)
        total += terms_ordered(&v->lines[i]).amount;
    amount(&b, el(&b, b.root, b.cac, "AnticipatedMonetaryTotal"), "PayableAmount", total);
    for (size_t i = 0; i < v->line_count; i++)
        order_line(&b, &v->lines[i], terms_ordered(&v->lines[i]), NULL, false);
    error = finish(&b, out, len_out);

free_doc:
    xmlFreeDoc(b.doc);
    return error;
}

/* ------------------------------------------------------------ OrderResponse */

/* How a state answers, before looking at the lines or the history. */
enum answer {
    ANSWER_RECEIVED, /* AB */
    ANSWER_ACCEPTED, /* AP, or CA when a line changed */
    ANSWER_REJECTED, /* RE */
    ANSWER_CLOSED,   /* as the state it was closed from */
};

static const enum answer answer_by_status[ORDER_STATUS_COUNT] = {
    [ORDER_SUBMITTED] = ANSWER_RECEIVED,
    [ORDER_ACCEPTED] = ANSWER_ACCEPTED,
    [ORDER_REJECTED] = ANSWER_REJECTED,
    [ORDER_CANCELLED] = ANSWER_REJECTED,
    [ORDER_PARTIALLY_SHIPPED] = ANSWER_ACCEPTED,
    [ORDER_SHIPPED] = ANSWER_ACCEPTED,
    [ORDER_INVOICED] = ANSWER_ACCEPTED,
    [ORDER_PAID] = ANSWER_ACCEPTED,
    [ORDER_CLOSED] = ANSWER_CLOSED,
};

static const char *const code_names[] = {
    [UBL_RESPONSE_AB] = "AB",
    [UBL_RESPONSE_AP] = "AP",
    [UBL_RESPONSE_CA] = "CA",
    [UBL_RESPONSE_RE] = "RE",
};

const char *ubl_response_code_name(enum ubl_response_code code)
{
    if ((unsigned)code >= ARRAY_SIZE(code_names))
        return "?";
    return code_names[code];
}

/* True when the line differs from what the buyer ordered. */
static bool line_changed(const struct order_line_view *l)
{
    return l->quantity != l->ordered_quantity || l->unit_price != l->ordered_unit_price ||
           strcmp(l->delivery_date, l->ordered_delivery_date) != 0;
}

/* CLOSED answers as the state it was closed from: the latest history entry
 * into CLOSED says which (none found: closed after payment). */
static bool closed_from_rejection(const struct order_view *v)
{
    for (size_t i = v->history_count; i > 0; i--) {
        const struct history_view *e = &v->history[i - 1];

        if (strcmp(e->to_status, order_status_name(ORDER_CLOSED)) == 0)
            return strcmp(e->from_status, order_status_name(ORDER_REJECTED)) == 0 ||
                   strcmp(e->from_status, order_status_name(ORDER_CANCELLED)) == 0;
    }
    return false;
}

enum ubl_response_code ubl_response_code(const struct order_view *v)
{
    enum answer a;

    if (!view_ok(v) || (unsigned)v->h.status >= ORDER_STATUS_COUNT)
        return UBL_RESPONSE_AB;
    a = answer_by_status[v->h.status];
    if (a == ANSWER_CLOSED)
        a = closed_from_rejection(v) ? ANSWER_REJECTED : ANSWER_ACCEPTED;
    switch (a) {
    case ANSWER_RECEIVED:
        return UBL_RESPONSE_AB;
    case ANSWER_REJECTED:
        return UBL_RESPONSE_RE;
    default:
        break;
    }
    for (size_t i = 0; i < v->line_count; i++)
        if (line_changed(&v->lines[i]))
            return UBL_RESPONSE_CA;
    return UBL_RESPONSE_AP;
}

/* UNCL1229 line action codes: none yet for AB (received, not decided), 7
 * for every line of RE, and as each line stands for AP and CA. */
static const char *line_status(enum ubl_response_code code, const struct order_line_view *l)
{
    if (code == UBL_RESPONSE_AB)
        return NULL;
    if (code == UBL_RESPONSE_RE)
        return "7"; /* not accepted */
    if (!line_changed(l))
        return "5"; /* accepted without amendment */
    if (l->quantity == 0)
        return "7"; /* not accepted */
    return "3";     /* changed */
}

int ubl_order_response_write(char **out, size_t *len_out, const struct order_view *v)
{
    int error = 0;
    struct builder b;
    enum ubl_response_code code;
    char id[48];

    memset(&b, 0, sizeof(b));
    xmlutil_enter();
    if (!out || !len_out || !view_ok(v)) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no order to write");
        goto free_doc;
    }
    code = ubl_response_code(v);
    if ((error = begin(&b, v, UBL_NS_ORDER_RESPONSE, "OrderResponse")) < 0)
        goto free_doc;
    text_el(&b, b.root, b.cbc, "UBLVersionID", UBL_VERSION);
    snprintf(id, sizeof(id), "%" PRId64 "-%" PRId32, v->h.order_id, v->h.version);
    text_el(&b, b.root, b.cbc, "ID", id);
    id_el(&b, b.root, b.cbc, "SalesOrderID", v->h.order_id);
    if ((error = issue_date(&b, v->h.updated_at)) < 0)
        goto free_doc;
    attr(&b, text_el(&b, b.root, b.cbc, "OrderResponseCode", ubl_response_code_name(code)),
         "listID", "UNCL4343");
    if (v->history_count > 0 && v->history[v->history_count - 1].reason[0] != '\0')
        text_el(&b, b.root, b.cbc, "Note", v->history[v->history_count - 1].reason);
    text_el(&b, b.root, b.cbc, "DocumentCurrencyCode", v->h.currency);
    text_el(&b, el(&b, b.root, b.cac, "OrderReference"), b.cbc, "ID", v->h.buyer_order_no);
    party(&b, "SellerSupplierParty", v->h.seller_code);
    party(&b, "BuyerCustomerParty", v->h.buyer_code);
    if (code != UBL_RESPONSE_RE)
        amount(&b, el(&b, b.root, b.cac, "LegalMonetaryTotal"), "PayableAmount", v->h.total);
    /* UBL 2.1 requires one cac:OrderLine at least, whatever the answer. */
    for (size_t i = 0; i < v->line_count; i++)
        order_line(&b, &v->lines[i], terms_now(&v->lines[i]), line_status(code, &v->lines[i]),
                   true);
    error = finish(&b, out, len_out);

free_doc:
    xmlFreeDoc(b.doc);
    return error;
}
