/*
 * ubl.c - reading a UBL 2.1 Order into an order draft.
 *
 * The size bound first, then xmlutil_read() (no DOCTYPE, no entities, depth
 * bounded); only then is the tree mapped, every element found by namespace
 * URI and local name. The draft is built in a local and handed over only on
 * success.
 */
#include "doc/ubl.h"

#include "base/err.h"
#include "base/str.h"
#include "doc/xmlutil.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#define LINE_NO_MIN 1
#define LINE_NO_MAX 99999
#define NUM_TEXT_MAX 64 /* a number's or date's text, trimmed; longer is refused */
#define CURRENCY_LEN 3

#define ORDER_PATH "/Order"

/* ------------------------------------------------------------ finding elements */

/* A "cac:Name" or "cbc:Name": the prefix stands for its UBL namespace. */
static bool is_el(const xmlNode *n, const char *qname)
{
    const char *ns;

    if (!n || n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href)
        return false;
    if (strncmp(qname, "cac:", 4) == 0)
        ns = UBL_NS_CAC;
    else if (strncmp(qname, "cbc:", 4) == 0)
        ns = UBL_NS_CBC;
    else
        return false;
    return strcmp((const char *)n->ns->href, ns) == 0 &&
           strcmp((const char *)n->name, qname + 4) == 0;
}

/* base + "/" + step into buf (EOS_ERR_FIELD_MAX bytes). Returns buf. The
 * longest path we build is about 100 bytes; a longer one would be cut short,
 * still terminated (it only names a field in a message). */
static const char *join(char *buf, const char *base, const char *step)
{
    if (snprintf(buf, EOS_ERR_FIELD_MAX, "%s/%s", base, step) < 0)
        buf[0] = '\0';
    return buf;
}

/* The first child element qname of parent, or NULL (also when parent is). */
static xmlNodePtr first(xmlNodePtr parent, const char *qname)
{
    if (!parent)
        return NULL;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        if (is_el(c, qname))
            return c;
    return NULL;
}

/* The only child element qname of parent (parent at path) into *found, NULL
 * when there is none. Fails with EOS_EINVALID when there are two: a document
 * with two order numbers is refused, not guessed at. */
static int only(xmlNodePtr *found, xmlNodePtr parent, const char *path, const char *qname)
{
    xmlNodePtr one = first(parent, qname);
    char field[EOS_ERR_FIELD_MAX];

    *found = NULL;
    if (one)
        for (xmlNodePtr c = one->next; c; c = c->next)
            if (is_el(c, qname))
                return eos_err_set(EOS_EINVALID, join(field, path, qname),
                                   "appears more than once");
    *found = one;
    return 0;
}

/* As only(), but a missing element fails with EOS_EINVALID naming it. */
static int required(xmlNodePtr *found, xmlNodePtr parent, const char *path, const char *qname)
{
    char field[EOS_ERR_FIELD_MAX];
    int error = only(found, parent, path, qname);

    if (!error && !*found)
        error = eos_err_set(EOS_EINVALID, join(field, path, qname), "is missing");
    return error;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The text of element n (at path), trimmed of XML white space, into buf of
 * size bytes; "" when n is NULL. Fails with EOS_EINVALID when n holds child
 * elements, the text is longer than max_chars characters or does not fit, is
 * empty while nonempty is set, or holds control characters (tab and line
 * breaks only when multiline is set).
 */
static int text_of(char *buf, size_t size, size_t max_chars, xmlNodePtr n, const char *path,
                   bool nonempty, bool multiline)
{
    int error = 0;
    xmlChar *content = NULL;
    const char *s;
    size_t len;

    buf[0] = '\0';
    if (!n)
        goto out;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            error = eos_err_set(EOS_EINVALID, path, "must hold text, not elements");
            goto out;
        }
    content = xmlNodeGetContent(n);
    if (!content) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    s = (const char *)content;
    while (is_xml_space(*s))
        s++;
    len = strlen(s);
    while (len > 0 && is_xml_space(s[len - 1]))
        len--;
    if (nonempty && len == 0) {
        error = eos_err_set(EOS_EINVALID, path, "must not be empty");
        goto out;
    }
    if (!utf8_valid_text(s, len) ||
        (!multiline && (memchr(s, '\t', len) || memchr(s, '\n', len) || memchr(s, '\r', len)))) {
        error = eos_err_set(EOS_EINVALID, path, "holds line breaks or control characters");
        goto out;
    }
    if (len >= size) {
        error = eos_err_set(EOS_EINVALID, path, "too long: at most %zu characters", max_chars);
        goto out;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (utf8_chars(buf) > max_chars) {
        buf[0] = '\0';
        error = eos_err_set(EOS_EINVALID, path, "too long: at most %zu characters", max_chars);
    }

out:
    xmlFree(content);
    return error;
}

/* An xsd:date's time zone: "Z", "+hh:mm" or "-hh:mm". */
static bool is_zone(const char *z)
{
    static const char digits[] = "0123456789";

    if (strcmp(z, "Z") == 0)
        return true;
    return strlen(z) == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':' &&
           strspn(z + 1, digits) == 2 && strspn(z + 4, digits) == 2;
}

/* An xsd:date "YYYY-MM-DD", optionally with a time zone, into out
 * (DATE_LEN + 1 bytes) without the zone; "" when n is NULL. */
static int date_of(char *out, xmlNodePtr n, const char *path)
{
    char s[NUM_TEXT_MAX] = "";
    int error = text_of(s, sizeof(s), sizeof(s) - 1, n, path, true, false);

    if (error || !n)
        goto out;
    if (strlen(s) > DATE_LEN && is_zone(s + DATE_LEN))
        s[DATE_LEN] = '\0';
    if (!date_valid(s)) {
        error = eos_err_set(EOS_EINVALID, path, "not a date YYYY-MM-DD");
        goto out;
    }
    str_copy(out, DATE_LEN + 1, s);

out:
    return error;
}

/* ------------------------------------------------------------ the header */


/* Among a party's identifications, the one that is a trading partners'
 * code: the first whose ID names no scheme (a GLN or VAT number has one),
 * else the first. */
static xmlNodePtr code_ident(xmlNodePtr party)
{
    xmlNodePtr any = NULL;

    for (xmlNodePtr c = party ? party->children : NULL; c; c = c->next) {
        xmlNodePtr id;
        xmlChar *scheme;
        bool schemed;

        if (!is_el(c, "cac:PartyIdentification"))
            continue;
        any = any ? any : c;
        id = first(c, "cbc:ID");
        scheme = id ? xmlGetNoNsProp(id, (const xmlChar *)"schemeID") : NULL;
        schemed = scheme != NULL;
        xmlFree(scheme);
        if (id && !schemed)
            return c;
    }
    return any;
}

/* One code of the buyer's into info, if it fits and is new. */
static void buyer_code_add(struct ubl_order_info *info, xmlNodePtr id)
{
    char code[CODE_MAX + 1];

    if (!id || info->buyer_code_count == UBL_BUYER_CODES_MAX ||
        text_of(code, sizeof(code), CODE_MAX, id, "", true, false) < 0) {
        eos_err_clear(); /* a GLN URI too long for a code is no code of ours */
        return;
    }
    for (size_t i = 0; i < info->buyer_code_count; i++)
        if (strcmp(info->buyer_codes[i], code) == 0)
            return;
    str_copy(info->buyer_codes[info->buyer_code_count++], CODE_MAX + 1, code);
}

/* Every code the document gives the buyer: a buyer whose seller's ERP
 * numbers its customers its own way may carry the hub's code in any of
 * them. */
static void buyer_codes(struct ubl_order_info *info, xmlNodePtr buyer)
{
    xmlNodePtr party = first(buyer, "cac:Party");

    info->buyer_code_count = 0;
    buyer_code_add(info, first(buyer, "cbc:SupplierAssignedAccountID"));
    for (xmlNodePtr c = party ? party->children : NULL; c; c = c->next)
        if (is_el(c, "cac:PartyIdentification"))
            buyer_code_add(info, first(c, "cbc:ID"));
}

/* A party's code: the account ID element named by account when that comes
 * first and is there, else Party/PartyIdentification/ID (see code_ident),
 * else the account ID; "" when none is there. */
static int party_code(char *out, size_t size, xmlNodePtr party_el, const char *path,
                      const char *account, bool account_first)
{
    char p[EOS_ERR_FIELD_MAX], q[EOS_ERR_FIELD_MAX];
    xmlNodePtr party, ident, id;
    int error;

    out[0] = '\0';
    if ((error = only(&id, party_el, path, account)) < 0)
        return error;
    if (id && account_first)
        return text_of(out, size, size - 1, id, join(p, path, account), true, false);
    if ((error = only(&party, party_el, path, "cac:Party")) < 0)
        return error;
    join(p, path, "cac:Party");
    ident = code_ident(party);
    join(q, p, "cac:PartyIdentification");
    if ((error = only(&id, ident, q, "cbc:ID")) < 0)
        return error;
    if (id)
        return text_of(out, size, size - 1, id, join(p, q, "cbc:ID"), true, false);
    if ((error = only(&id, party_el, path, account)) < 0)
        return error;
    return text_of(out, size, size - 1, id, join(p, path, account), true, false);
}

/* The single cac:Delivery under parent (at path): its location ID into
 * ship_to and its requested period's start into date. Where the goods go is
 * never dropped: a line's own location (ship_to NULL) and an address with no
 * location code are refused, since the hub delivers to ship-to codes only. */
static int delivery(char *ship_to, char *date, xmlNodePtr parent, const char *path)
{
    char dp[EOS_ERR_FIELD_MAX], pp[EOS_ERR_FIELD_MAX], f[EOS_ERR_FIELD_MAX];
    xmlNodePtr del, loc, id = NULL, period, start;
    int error;

    if ((error = only(&del, parent, path, "cac:Delivery")) < 0 || !del)
        return error;
    join(dp, path, "cac:Delivery");
    if (first(del, "cac:AlternativeDeliveryLocation"))
        return eos_err_set(EOS_EINVALID, join(f, dp, "cac:AlternativeDeliveryLocation"),
                           "the hub keeps one delivery location: the order's");
    if ((error = only(&loc, del, dp, "cac:DeliveryLocation")) < 0)
        return error;
    join(pp, dp, "cac:DeliveryLocation");
    if (!ship_to && (loc || first(del, "cac:DeliveryAddress")))
        return eos_err_set(EOS_EINVALID, loc ? pp : join(f, dp, "cac:DeliveryAddress"),
                           "a line has no delivery place of its own: the order's "
                           "cac:Delivery names where all of it goes");
    if (ship_to) {
        if ((error = only(&id, loc, pp, "cbc:ID")) < 0 ||
            (error = text_of(ship_to, CODE_MAX + 1, CODE_MAX, id, join(f, pp, "cbc:ID"), true,
                             false)) < 0)
            return error;
        /* An address (the order's, or the location's) with no code. */
        if (!id && (loc || first(del, "cac:DeliveryAddress")))
            return eos_err_set(EOS_EINVALID,
                               loc ? join(f, pp, "cbc:ID") : join(f, dp, "cac:DeliveryAddress"),
                               "the hub delivers to ship-to codes: give the location's code in "
                               "cac:DeliveryLocation/cbc:ID");
    }
    if ((error = only(&period, del, dp, "cac:RequestedDeliveryPeriod")) < 0)
        return error;
    join(pp, dp, "cac:RequestedDeliveryPeriod");
    if ((error = only(&start, period, pp, "cbc:StartDate")) < 0)
        return error;
    return date_of(date, start, join(f, pp, "cbc:StartDate"));
}

/* Every cbc:Note of the order, joined by "\n", into d->note: at most
 * NOTE_MAX characters in all. */
static int notes(struct order_draft *d, xmlNodePtr root)
{
    static const char field[] = ORDER_PATH "/cbc:Note";
    char one[NOTE_BUF];
    size_t used = 0, chars = 0;
    int error;

    for (xmlNodePtr c = root->children; c; c = c->next) {
        size_t len, n;

        if (!is_el(c, "cbc:Note"))
            continue;
        if ((error = text_of(one, sizeof(one), NOTE_MAX, c, field, false, true)) < 0)
            return error;
        len = strlen(one);
        if (len == 0)
            continue;
        n = utf8_chars(one);
        /* characters bound the bytes: 4 * NOTE_MAX + 1 is the buffer */
        if (chars + (used > 0) + n > NOTE_MAX)
            return eos_err_set(EOS_EINVALID, field, "too long: at most %d characters in all",
                               NOTE_MAX);
        if (used > 0) {
            d->note[used++] = '\n';
            chars++;
        }
        memcpy(d->note + used, one, len);
        used += len;
        chars += n;
        d->note[used] = '\0';
    }
    return 0;
}

static int header(struct order_draft *d, struct ubl_order_info *info, xmlNodePtr root)
{
    char f[EOS_ERR_FIELD_MAX];
    xmlNodePtr n, buyer, seller;
    int error;

    if ((error = required(&n, root, ORDER_PATH, "cbc:ID")) < 0 ||
        (error = text_of(d->buyer_order_no, sizeof(d->buyer_order_no), ORDER_NO_MAX, n,
                         join(f, ORDER_PATH, "cbc:ID"), true, false)) < 0)
        return error;
    if ((error = required(&n, root, ORDER_PATH, "cbc:IssueDate")) < 0 ||
        (error = date_of(info->issue_date, n, join(f, ORDER_PATH, "cbc:IssueDate"))) < 0)
        return error;
    if ((error = notes(d, root)) < 0)
        return error;
    if ((error = only(&n, root, ORDER_PATH, "cbc:DocumentCurrencyCode")) < 0 ||
        (error = text_of(info->currency, sizeof(info->currency), CURRENCY_LEN, n,
                         join(f, ORDER_PATH, "cbc:DocumentCurrencyCode"), true, false)) < 0)
        return error;
    if (n && !str_is_currency_code(info->currency))
        return eos_err_set(EOS_EINVALID, f, "not an ISO 4217 currency code");
    if ((error = required(&buyer, root, ORDER_PATH, "cac:BuyerCustomerParty")) < 0 ||
        (error = party_code(info->buyer_code, sizeof(info->buyer_code), buyer,
                            join(f, ORDER_PATH, "cac:BuyerCustomerParty"),
                            "cbc:SupplierAssignedAccountID", true)) < 0)
        return error;
    if ((error = required(&seller, root, ORDER_PATH, "cac:SellerSupplierParty")) < 0 ||
        (error = party_code(d->seller_code, sizeof(d->seller_code), seller,
                            join(f, ORDER_PATH, "cac:SellerSupplierParty"),
                            "cbc:CustomerAssignedAccountID", false)) < 0)
        return error;
    buyer_codes(info, buyer);
    return delivery(d->ship_to_code, d->delivery_date, root, ORDER_PATH);
}

/* ------------------------------------------------------------ the lines */

/* State shared by the lines: the currency every amount must be in, and the
 * line numbers seen so far (one bit each). */
struct lines_state {
    char *currency; /* info->currency: "" until the first amount names one */
    unsigned char seen[LINE_NO_MAX / 8 + 1];
};

static int line_no_of(int32_t *out, xmlNodePtr n, const char *path, struct lines_state *st)
{
    char s[NUM_TEXT_MAX];
    int64_t v;
    int error = text_of(s, sizeof(s), sizeof(s) - 1, n, path, true, false);

    if (error)
        return error;
    if (!str_to_i64(s, &v) || v < LINE_NO_MIN || v > LINE_NO_MAX)
        return eos_err_set(EOS_EINVALID, path, "must be a whole number from %d to %d", LINE_NO_MIN,
                           LINE_NO_MAX);
    if ((st->seen[v / 8] >> (v % 8)) & 1u)
        return eos_err_set(EOS_EINVALID, path, "line %" PRId64 " appears more than once", v);
    st->seen[v / 8] = (unsigned char)(st->seen[v / 8] | (1u << (v % 8)));
    *out = (int32_t)v;
    return 0;
}

/* The amount's currencyID (optional) must be the document's currency; the
 * first one named becomes it when the document has no DocumentCurrencyCode. */
static int amount_currency(xmlNodePtr n, const char *path, struct lines_state *st)
{
    char field[EOS_ERR_FIELD_MAX];
    xmlChar *cur = xmlGetNoNsProp(n, (const xmlChar *)"currencyID");
    int error = 0;

    if (!cur)
        goto out;
    join(field, path, "@currencyID");
    if (!str_is_currency_code((const char *)cur))
        error = eos_err_set(EOS_EINVALID, field, "not an ISO 4217 currency code");
    else if (st->currency[0] == '\0')
        str_copy(st->currency, CURRENCY_LEN + 1, (const char *)cur);
    else if (strcmp(st->currency, (const char *)cur) != 0)
        error = eos_err_set(EOS_EINVALID, field, "the order is in %s", st->currency);

out:
    xmlFree(cur);
    return error;
}

/* The unit a quantity counts (@unitCode), for the hub to hold against the
 * product's: an order for 2 DZN of a product sold by EA is not 2 EA. */
static int unit_code(char *out, size_t size, xmlNodePtr n, const char *path)
{
    char field[EOS_ERR_FIELD_MAX];
    xmlChar *code = xmlGetNoNsProp(n, (const xmlChar *)"unitCode");
    int error = 0;

    if (code && (code[0] == '\0' || strlen((const char *)code) >= size))
        error = eos_err_set(EOS_EINVALID, join(field, path, "@unitCode"),
                            "a unit code of 1 to %zu characters", size - 1);
    else if (code)
        str_copy(out, size, (const char *)code);
    xmlFree(code);
    return error;
}

/* A price is for one unit: PriceAmount 19.99 with BaseQuantity 12 is 1.67
 * each, and taking 19.99 as the unit price would bill twelve times over. */
static int base_quantity(xmlNodePtr price, const char *path)
{
    char num[NUM_TEXT_MAX], f[EOS_ERR_FIELD_MAX];
    xmlNodePtr n;
    qty_t base = 0;
    int error;

    if ((error = only(&n, price, path, "cbc:BaseQuantity")) < 0 || !n)
        return error;
    if ((error = text_of(num, sizeof(num), sizeof(num) - 1, n, join(f, path, "cbc:BaseQuantity"),
                         true, false)) < 0 ||
        (error = qty_parse(&base, num, f)) < 0)
        return error;
    if (base != QTY_SCALE)
        return eos_err_set(EOS_EINVALID, f, "prices are per one unit: BaseQuantity 1, or none");
    return 0;
}

static int line(struct order_draft_line *l, xmlNodePtr order_line, size_t index,
                struct lines_state *st)
{
    char lp[EOS_ERR_FIELD_MAX], ip[EOS_ERR_FIELD_MAX], p[EOS_ERR_FIELD_MAX], f[EOS_ERR_FIELD_MAX];
    char num[NUM_TEXT_MAX];
    xmlNodePtr item_line, n, price, item, ident;
    int error;

    snprintf(p, sizeof(p), ORDER_PATH "/cac:OrderLine[%zu]", index + 1);
    if ((error = required(&item_line, order_line, p, "cac:LineItem")) < 0)
        return error;
    join(lp, p, "cac:LineItem");

    if ((error = required(&n, item_line, lp, "cbc:ID")) < 0 ||
        (error = line_no_of(&l->line_no, n, join(f, lp, "cbc:ID"), st)) < 0)
        return error;

    if ((error = required(&n, item_line, lp, "cbc:Quantity")) < 0 ||
        (error = text_of(num, sizeof(num), sizeof(num) - 1, n, join(f, lp, "cbc:Quantity"), true,
                         false)) < 0 ||
        (error = qty_parse(&l->quantity, num, f)) < 0)
        return error;
    if (l->quantity <= 0)
        return eos_err_set(EOS_EINVALID, f, "must be greater than 0");
    if ((error = unit_code(l->unit_code, sizeof(l->unit_code), n, f)) < 0)
        return error;

    if ((error = delivery(NULL, l->delivery_date, item_line, lp)) < 0)
        return error;

    if ((error = only(&price, item_line, lp, "cac:Price")) < 0)
        return error;
    if (price) {
        join(p, lp, "cac:Price");
        if ((error = required(&n, price, p, "cbc:PriceAmount")) < 0 ||
            (error = text_of(num, sizeof(num), sizeof(num) - 1, n, join(f, p, "cbc:PriceAmount"),
                             true, false)) < 0 ||
            (error = money_parse(&l->expected_price, num, f)) < 0 ||
            (error = amount_currency(n, f, st)) < 0 || (error = base_quantity(price, p)) < 0)
            return error;
        if (l->expected_price < 0)
            return eos_err_set(EOS_EINVALID, f, "must not be negative");
        l->has_expected_price = true;
    }

    if ((error = required(&item, item_line, lp, "cac:Item")) < 0)
        return error;
    join(ip, lp, "cac:Item");
    if ((error = required(&ident, item, ip, "cac:SellersItemIdentification")) < 0)
        return error;
    join(p, ip, "cac:SellersItemIdentification");
    if ((error = required(&n, ident, p, "cbc:ID")) < 0)
        return error;
    return text_of(l->sku, sizeof(l->sku), SKU_MAX, n, join(f, p, "cbc:ID"), true, false);
}

static int lines(struct order_draft *d, struct ubl_order_info *info, xmlNodePtr root)
{
    static const char field[] = ORDER_PATH "/cac:OrderLine";
    struct lines_state *st = NULL;
    size_t count = 0, i = 0;
    int error = 0;

    for (xmlNodePtr c = root->children; c; c = c->next)
        if (is_el(c, "cac:OrderLine"))
            count++;
    if (count == 0) {
        error = eos_err_set(EOS_EINVALID, field, "is missing: an order needs at least one line");
        goto out;
    }
    if (count > ORDER_MAX_LINES) {
        error = eos_err_set(EOS_ELIMIT, field, "%zu lines: at most %d are allowed", count,
                            ORDER_MAX_LINES);
        goto out;
    }
    d->lines = calloc(count, sizeof(*d->lines));
    st = calloc(1, sizeof(*st));
    if (!d->lines || !st) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    d->line_count = count;
    st->currency = info->currency;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!is_el(c, "cac:OrderLine"))
            continue;
        if ((error = line(&d->lines[i], c, i, st)) < 0)
            goto out;
        i++;
    }

out:
    free(st);
    return error;
}

/* ------------------------------------------------------------ the entry points */

int ubl_order_parse(struct order_draft *out, struct ubl_order_info *info, const char *xml,
                    size_t len)
{
    int error = 0;
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    struct order_draft d;
    struct ubl_order_info in;

    memset(&d, 0, sizeof(d));
    memset(&in, 0, sizeof(in));
    d.allow_adjust = true;
    xmlutil_enter();
    if (!out || (!xml && len > 0)) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no document to parse");
        goto free_all;
    }
    if (len > UBL_MAX_BYTES) {
        error = eos_err_set(EOS_ELIMIT, NULL, "the document has %zu bytes: at most %zu", len,
                            UBL_MAX_BYTES);
        goto free_all;
    }
    if ((error = xmlutil_read(&doc, xml, len, UBL_MAX_DEPTH)) < 0)
        goto free_all;
    root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || !root->ns->href ||
        strcmp((const char *)root->ns->href, UBL_NS_ORDER) != 0 ||
        strcmp((const char *)root->name, "Order") != 0) {
        error = eos_err_set(EOS_EINVALID, ORDER_PATH,
                            "not a UBL 2.1 Order: the root element must be Order in "
                            "namespace " UBL_NS_ORDER);
        goto free_all;
    }
    if ((error = header(&d, &in, root)) < 0 || (error = lines(&d, &in, root)) < 0)
        goto free_all;

    *out = d;
    d.lines = NULL;
    if (info)
        *info = in;

free_all:
    free(d.lines);
    xmlFreeDoc(doc);
    return error;
}

/* Where each SubmitOrder field of a draft came from in the document. */
static const struct {
    const char *field;
    const char *path;
} field_paths[] = {
    {"buyerOrderNo", ORDER_PATH "/cbc:ID"},
    {"currency", ORDER_PATH "/cbc:DocumentCurrencyCode"},
    {"sellerCode", ORDER_PATH "/cac:SellerSupplierParty"},
    {"shipToCode", ORDER_PATH "/cac:Delivery/cac:DeliveryLocation/cbc:ID"},
    {"requestedDeliveryDate",
     ORDER_PATH "/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate"},
    {"note", ORDER_PATH "/cbc:Note"},
    {"line", ORDER_PATH "/cac:OrderLine"},
};
static const struct {
    const char *field;
    const char *path;
} line_paths[] = {
    {"lineNo", "cac:LineItem/cbc:ID"},
    {"sku", "cac:LineItem/cac:Item/cac:SellersItemIdentification/cbc:ID"},
    {"quantity", "cac:LineItem/cbc:Quantity"},
    {"unitPrice", "cac:LineItem/cac:Price/cbc:PriceAmount"},
    {"requestedDeliveryDate", "cac:LineItem/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate"},
};

const char *ubl_order_field(char *out, size_t size, const char *field)
{
    unsigned long index = 0;
    int used = 0;

    if (!field)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(field_paths); i++) {
        if (strcmp(field, field_paths[i].field) == 0) {
            str_copy(out, size, field_paths[i].path);
            return out;
        }
    }
    /* line[i] and line[i]/x: lines are drafted in document order. */
    if (sscanf(field, "line[%lu]%n", &index, &used) != 1 || used == 0)
        return field;
    if (field[used] == '\0') {
        snprintf(out, size, ORDER_PATH "/cac:OrderLine[%lu]", index);
        return out;
    }
    for (size_t i = 0; field[used] == '/' && i < ARRAY_SIZE(line_paths); i++) {
        if (strcmp(field + used + 1, line_paths[i].field) == 0) {
            snprintf(out, size, ORDER_PATH "/cac:OrderLine[%lu]/%s", index, line_paths[i].path);
            return out;
        }
    }
    return field;
}

void ubl_draft_free(struct order_draft *d)
{
    if (!d)
        return;
    free(d->lines);
    memset(d, 0, sizeof(*d));
}
