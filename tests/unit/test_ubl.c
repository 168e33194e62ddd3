/*
 * test_ubl.c - unit tests of src/doc/ubl.c and ubl_write.c: a realistic UBL
 * 2.1 Order mapped field by field, hostile and broken documents each refused
 * with its code and element path, the Order written from an order view (read
 * back with XPath and parsed again: the round trip), and the OrderResponse
 * codes AB, AP, CA and RE with their documents.
 *
 * Fixtures are read from $EOS_TEST_FIXTURES (default "tests/fixtures", the
 * source tree when run from its top). Runs as its own binary; exits non-zero
 * when any assertion failed.
 */
#include "doc/ubl.h"

#include "base/err.h"
#include "doc/xml_limits.h"
#include "doc/xpath.h"
#include "base/str.h"

#include "cunit_run.h"

#include <CUnit/Basic.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Money and quantities written the way people read them. */
#define M(units, ten_thousandths) ((money_t)(units)*MONEY_SCALE + (ten_thousandths))
#define Q(units, thousandths) ((qty_t)(units)*QTY_SCALE + (thousandths))

#define FIXTURE_MAX ((size_t)1024 * 1024)

/* 2026-11-20T10:00:00Z and 2026-11-21T23:59:59Z */
#define CREATED_AT INT64_C(1795168800)
#define UPDATED_AT INT64_C(1795305599)

static void check(bool ok, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A CUnit assertion whose failure message names the table row (CUnit copies
 * the message). */
static void check(bool ok, unsigned line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define CHECK(ok, ...) check((ok), __LINE__, __VA_ARGS__)

static const char *str_or_null(const char *s)
{
    return s ? s : "(null)";
}

static bool field_is(const char *want)
{
    const char *got = eos_err_field();

    if (want == NULL)
        return got == NULL;
    return got != NULL && strcmp(got, want) == 0;
}

static bool message_has(const char *part)
{
    return strstr(eos_err_message(), part) != NULL;
}

/* ------------------------------------------------------------ helpers */

/* The fixture file's bytes (NUL-terminated for convenience), or NULL. */
static char *read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("EOS_TEST_FIXTURES");
    char path[512];
    FILE *f;
    char *buf = NULL;
    size_t n;

    snprintf(path, sizeof(path), "%s/%s", str_empty(dir) ? "tests/fixtures" : dir, name);
    f = fopen(path, "rb");
    if (!f) {
        CHECK(false, "cannot open fixture %s (set EOS_TEST_FIXTURES)", path);
        return NULL;
    }
    buf = malloc(FIXTURE_MAX + 1);
    if (buf) {
        n = fread(buf, 1, FIXTURE_MAX, f);
        buf[n] = '\0';
        *len = n;
    }
    fclose(f);
    return buf;
}

/* s with its one occurrence of old replaced by repl; malloc'ed. A row whose
 * old text is not there exactly once is a broken test: it fails loudly. */
static char *replace(const char *s, const char *old, const char *repl)
{
    const char *at = strstr(s, old);
    size_t head, olen = strlen(old), rlen = strlen(repl), len = strlen(s);
    char *out;

    if (!at || strstr(at + 1, old)) {
        CHECK(false, "fixture text \"%.60s\" is not there exactly once", old);
        return NULL;
    }
    head = (size_t)(at - s);
    out = malloc(len - olen + rlen + 1);
    if (!out)
        return NULL;
    memcpy(out, s, head);
    memcpy(out + head, repl, rlen);
    memcpy(out + head + rlen, at + olen, len - head - olen + 1);
    return out;
}

/* A draft full of values the parser never writes: proves *out untouched. */
static void sentinel_draft(struct order_draft *d)
{
    memset(d, 0x5a, sizeof(*d));
    d->lines = (struct order_draft_line *)(uintptr_t)0x5a5a;
}

static bool is_sentinel_draft(const struct order_draft *d)
{
    struct order_draft s;

    sentinel_draft(&s);
    return memcmp(d, &s, sizeof(s)) == 0;
}

/* Parses and expects failure with code and field; the draft stays untouched. */
static void expect_refused(const char *what, const char *xml, size_t len, int code,
                           const char *field, unsigned line)
{
    struct order_draft d;
    struct ubl_order_info info;
    int rc;

    sentinel_draft(&d);
    memset(&info, 0x5a, sizeof(info));
    eos_err_clear();
    rc = ubl_order_parse(&d, &info, xml, len);
    check(rc == code, line, "%s: rc %d (%s), want %d (%s); message \"%s\" field %s", what, rc,
          eos_err_name(rc), code, eos_err_name(code), eos_err_message(),
          str_or_null(eos_err_field()));
    check(eos_err_code() == code, line, "%s: last error %d, want %d", what, eos_err_code(), code);
    check(field_is(field), line, "%s: field %s, want %s", what, str_or_null(eos_err_field()),
          str_or_null(field));
    check(is_sentinel_draft(&d), line, "%s: the draft was written on failure", what);
    if (rc == 0)
        ubl_draft_free(&d);
}

#define EXPECT_REFUSED(what, xml, len, code, field)                                                \
    expect_refused((what), (xml), (len), (code), (field), __LINE__)

/* ------------------------------------------------------------ XPath reading */

struct xdoc {
    struct xpath_doc *d;
};

/* Parses a document the hub wrote, with the UBL prefixes registered:
 * o = Order-2, r = OrderResponse-2, cac, cbc. */
static bool xdoc_open(struct xdoc *x, const char *xml, size_t len)
{
    x->d = NULL;
    if (xpath_open(&x->d, xml, len) != 0)
        return false;
    return xpath_register_ns(x->d, "o", UBL_NS_ORDER) == 0 &&
           xpath_register_ns(x->d, "r", UBL_NS_ORDER_RESPONSE) == 0 &&
           xpath_register_ns(x->d, "cac", UBL_NS_CAC) == 0 &&
           xpath_register_ns(x->d, "cbc", UBL_NS_CBC) == 0;
}

static void xdoc_close(struct xdoc *x)
{
    xpath_free(x->d);
    x->d = NULL;
}

/* string(expr) into buf; "(error)" when the expression fails. */
static const char *xstr(struct xdoc *x, const char *expr, char *buf, size_t size)
{
    if (xpath_string(buf, size, x->d, expr) != 0)
        str_copy(buf, size, "(error)");
    return buf;
}

/* How many nodes expr selects; -1 when it fails. */
static int xcount(struct xdoc *x, const char *expr)
{
    size_t n;

    if (xpath_count(&n, x->d, expr) != 0)
        return -1;
    return (int)n;
}

static void expect_xstr(struct xdoc *x, const char *expr, const char *want, unsigned line)
{
    char got[2100];

    xstr(x, expr, got, sizeof(got));
    check(strcmp(got, want) == 0, line, "%s = \"%s\", want \"%s\"", expr, got, want);
}

static void expect_xcount(struct xdoc *x, const char *expr, int want, unsigned line)
{
    int got = xcount(x, expr);

    check(got == want, line, "count(%s) = %d, want %d", expr, got, want);
}

#define XSTR(x, expr, want) expect_xstr((x), (expr), (want), __LINE__)
#define XCOUNT(x, expr, want) expect_xcount((x), (expr), (want), __LINE__)

/* ------------------------------------------------------------ a small valid Order */

#define NS_DECL                                                                                    \
    "xmlns=\"" UBL_NS_ORDER "\" xmlns:cac=\"" UBL_NS_CAC "\" xmlns:cbc=\"" UBL_NS_CBC "\""

#define HEAD                                                                                       \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<Order " NS_DECL ">"                                                                          \
    "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>"                                                     \
    "<cbc:ID>PO-1</cbc:ID>"                                                                        \
    "<cbc:IssueDate>2026-11-20</cbc:IssueDate>"                                                    \
    "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"                                     \
    "<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID>BUYER1</cbc:ID>"          \
    "</cac:PartyIdentification></cac:Party></cac:BuyerCustomerParty>"                              \
    "<cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>ACME</cbc:ID>"           \
    "</cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>"                             \
    "<cac:Delivery><cac:DeliveryLocation><cbc:ID>DOCK-7</cbc:ID></cac:DeliveryLocation>"           \
    "</cac:Delivery>"

#define LINE1                                                                                      \
    "<cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID>"                                              \
    "<cbc:Quantity unitCode=\"C62\">2</cbc:Quantity>"                                              \
    "<cac:Price><cbc:PriceAmount currencyID=\"EUR\">9.50</cbc:PriceAmount></cac:Price>"            \
    "<cac:Item><cbc:Name>Widget</cbc:Name><cac:SellersItemIdentification><cbc:ID>SKU-A</cbc:ID>"   \
    "</cac:SellersItemIdentification></cac:Item></cac:LineItem></cac:OrderLine>"

#define LINE2_ID "<cbc:ID>2</cbc:ID>"
#define LINE2_QTY "<cbc:Quantity unitCode=\"C62\">1</cbc:Quantity>"
#define LINE2_DELIVERY                                                                             \
    "<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-12-15</cbc:StartDate>"         \
    "</cac:RequestedDeliveryPeriod></cac:Delivery>"
#define LINE2_SKU "<cbc:ID>SKU-B</cbc:ID>"
#define LINE2_IDENT "<cac:SellersItemIdentification>" LINE2_SKU "</cac:SellersItemIdentification>"
#define LINE2_ITEM "<cac:Item>" LINE2_IDENT "</cac:Item>"
#define LINE2_ITEM_LINE                                                                            \
    "<cac:LineItem>" LINE2_ID LINE2_QTY LINE2_DELIVERY LINE2_ITEM "</cac:LineItem>"
#define LINE2 "<cac:OrderLine>" LINE2_ITEM_LINE "</cac:OrderLine>"

#define TAIL "</Order>\n"

static const char small_doc[] = HEAD LINE1 LINE2 TAIL;

/* 62 digits: "PO-" and these are one byte over ORDER_NO_MAX */
#define DIGITS_62                                                                                  \
    "1234567890123456789012345678901234567890123456789012345678901"                                \
    "2"

#define L2 "/Order/cac:OrderLine[2]/cac:LineItem"
#define L1 "/Order/cac:OrderLine[1]/cac:LineItem"

/* ------------------------------------------------------------ parsing what is right */

static void test_ubl__parse_fixture_maps_every_field(void)
{
    size_t len = 0;
    char *xml = read_fixture("ubl/order.xml", &len);
    struct order_draft d;
    struct ubl_order_info info;
    int rc;

    if (!xml)
        return;
    eos_err_clear();
    rc = ubl_order_parse(&d, &info, xml, len);
    CHECK(rc == 0, "parse: rc %d, message \"%s\" field %s", rc, eos_err_message(),
          str_or_null(eos_err_field()));
    if (rc == 0) {
        CU_ASSERT_STRING_EQUAL(d.buyer_order_no, "PO-2026-0042");
        /* PartyIdentification wins over CustomerAssignedAccountID; trimmed */
        CU_ASSERT_STRING_EQUAL(d.seller_code, "ACME");
        CU_ASSERT_STRING_EQUAL(d.ship_to_code, "DOCK-7");
        CU_ASSERT_STRING_EQUAL(d.delivery_date, "2026-12-01");
        CU_ASSERT_STRING_EQUAL(d.note, "Deliver to the back entrance & ring twice\n"
                                       "Call before delivery <gate 3>");
        CU_ASSERT_TRUE(d.allow_adjust);
        CU_ASSERT_FALSE(d.validate_only);
        CU_ASSERT_STRING_EQUAL(info.issue_date, "2026-11-20");
        CU_ASSERT_STRING_EQUAL(info.currency, "EUR");
        CU_ASSERT_STRING_EQUAL(info.buyer_code, "BUYER1");
        CU_ASSERT_EQUAL_FATAL(d.line_count, 3);

        CU_ASSERT_EQUAL(d.lines[0].line_no, 1);
        CU_ASSERT_STRING_EQUAL(d.lines[0].sku, "SKU-A");
        CU_ASSERT_EQUAL(d.lines[0].quantity, Q(3, 0));
        CU_ASSERT_TRUE(d.lines[0].has_expected_price);
        CU_ASSERT_EQUAL(d.lines[0].expected_price, M(19, 9900));
        CU_ASSERT_STRING_EQUAL(d.lines[0].delivery_date, "");
        CU_ASSERT_STRING_EQUAL(d.lines[0].unit_code, "C62");

        CU_ASSERT_EQUAL(d.lines[1].line_no, 2);
        CU_ASSERT_STRING_EQUAL(d.lines[1].sku, "SKU-B");
        CU_ASSERT_EQUAL(d.lines[1].quantity, Q(0, 333));
        CU_ASSERT_FALSE(d.lines[1].has_expected_price);
        CU_ASSERT_EQUAL(d.lines[1].expected_price, 0);
        CU_ASSERT_STRING_EQUAL(d.lines[1].delivery_date, "2026-12-15");
        CU_ASSERT_STRING_EQUAL(d.lines[1].unit_code, "KGM");

        CU_ASSERT_EQUAL(d.lines[2].line_no, 10);
        CU_ASSERT_STRING_EQUAL(d.lines[2].sku, "SKU-C");
        CU_ASSERT_EQUAL(d.lines[2].quantity, Q(12, 500));
        CU_ASSERT_TRUE(d.lines[2].has_expected_price);
        CU_ASSERT_EQUAL(d.lines[2].expected_price, M(5, 0));
        CU_ASSERT_STRING_EQUAL(d.lines[2].delivery_date, "");

        /* What the service will check next accepts it as it stands. */
        CU_ASSERT_EQUAL(order_draft_validate(&d), 0);
        ubl_draft_free(&d);
        CU_ASSERT_PTR_NULL(d.lines);
        CU_ASSERT_EQUAL(d.line_count, 0);
    }
    free(xml);
}

static void test_ubl__parse_small_document(void)
{
    struct order_draft d;
    int rc;

    /* info is optional */
    rc = ubl_order_parse(&d, NULL, small_doc, strlen(small_doc));
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(d.buyer_order_no, "PO-1");
    CU_ASSERT_STRING_EQUAL(d.seller_code, "ACME");
    CU_ASSERT_STRING_EQUAL(d.ship_to_code, "DOCK-7");
    CU_ASSERT_STRING_EQUAL(d.delivery_date, "");
    CU_ASSERT_STRING_EQUAL(d.note, "");
    CU_ASSERT_EQUAL_FATAL(d.line_count, 2);
    CU_ASSERT_EQUAL(d.lines[0].expected_price, M(9, 5000));
    CU_ASSERT_EQUAL(d.lines[1].quantity, Q(1, 0));
    CU_ASSERT_STRING_EQUAL(d.lines[1].delivery_date, "2026-12-15");
    ubl_draft_free(&d);
}

/* The buyer's code is the one its seller gave it: SupplierAssignedAccountID
 * when sent, else the identification without a scheme (a GLN has one),
 * whichever comes first. */
static void test_ubl__party_codes_skip_registry_numbers(void)
{
    static const char buyer_el[] = "<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification>"
                                   "<cbc:ID>BUYER1</cbc:ID></cac:PartyIdentification>";
    static const struct {
        const char *what, *with, *want;
    } rows[] = {
        {"a GLN first", "<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification>"
                        "<cbc:ID schemeID=\"0088\">7300010000001</cbc:ID>"
                        "</cac:PartyIdentification><cac:PartyIdentification>"
                        "<cbc:ID>BUYER1</cbc:ID></cac:PartyIdentification>", "BUYER1"},
        {"the seller's account number", "<cac:BuyerCustomerParty>"
                        "<cbc:SupplierAssignedAccountID>BUYER9</cbc:SupplierAssignedAccountID>"
                        "<cac:Party><cac:PartyIdentification><cbc:ID>BUYER1</cbc:ID>"
                        "</cac:PartyIdentification>", "BUYER9"},
        {"only a GLN", "<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification>"
                        "<cbc:ID schemeID=\"0088\">7300010000001</cbc:ID>"
                        "</cac:PartyIdentification>", "7300010000001"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        char *xml = replace(small_doc, buyer_el, rows[i].with);
        struct order_draft d;
        struct ubl_order_info info;
        int rc;

        CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
        rc = ubl_order_parse(&d, &info, xml, strlen(xml));
        CHECK(rc == 0, "%s: rc %d %s", rows[i].what, rc, eos_err_message());
        if (rc == 0) {
            bool has_buyer1 = false;

            CHECK(strcmp(info.buyer_code, rows[i].want) == 0, "%s: buyer %s, want %s",
                  rows[i].what, info.buyer_code, rows[i].want);
            /* The hub's code is among the buyer's codes wherever it was. */
            for (size_t k = 0; k < info.buyer_code_count; k++)
                has_buyer1 = has_buyer1 || strcmp(info.buyer_codes[k], "BUYER1") == 0;
            CHECK(has_buyer1 == (strcmp(rows[i].what, "only a GLN") != 0),
                  "%s: BUYER1 among %zu codes: %d", rows[i].what, info.buyer_code_count,
                  has_buyer1);
            ubl_draft_free(&d);
        }
        free(xml);
    }
}

/* Namespaces decide, not prefixes: the same order with other prefixes and
 * default namespaces switched on the way down parses the same. */
static void test_ubl__parse_ignores_prefixes(void)
{
    static const char xml[] =
        "<o:Order xmlns:o=\"" UBL_NS_ORDER "\" xmlns:a=\"" UBL_NS_CAC "\">"
        "<ID xmlns=\"" UBL_NS_CBC "\">PO-9</ID>"
        "<b:IssueDate xmlns:b=\"" UBL_NS_CBC "\">2026-01-31</b:IssueDate>"
        "<a:BuyerCustomerParty/>"
        "<SellerSupplierParty xmlns=\"" UBL_NS_CAC "\">"
        "<CustomerAssignedAccountID xmlns=\"" UBL_NS_CBC "\">ACME</CustomerAssignedAccountID>"
        "</SellerSupplierParty>"
        "<a:OrderLine><LineItem xmlns=\"" UBL_NS_CAC "\">"
        "<c:ID xmlns:c=\"" UBL_NS_CBC "\">7</c:ID>"
        "<c:Quantity xmlns:c=\"" UBL_NS_CBC "\">4.5</c:Quantity>"
        "<Item><SellersItemIdentification><x:ID xmlns:x=\"" UBL_NS_CBC "\">SKU-Z</x:ID>"
        "</SellersItemIdentification></Item></LineItem></a:OrderLine>"
        "</o:Order>";
    struct order_draft d;
    struct ubl_order_info info;
    int rc;

    rc = ubl_order_parse(&d, &info, xml, strlen(xml));
    CHECK(rc == 0, "rc %d: %s (%s)", rc, eos_err_message(), str_or_null(eos_err_field()));
    if (rc != 0)
        return;
    CU_ASSERT_STRING_EQUAL(d.buyer_order_no, "PO-9");
    /* the fallback: SellerSupplierParty/cbc:CustomerAssignedAccountID */
    CU_ASSERT_STRING_EQUAL(d.seller_code, "ACME");
    CU_ASSERT_STRING_EQUAL(info.issue_date, "2026-01-31");
    CU_ASSERT_STRING_EQUAL(info.currency, "");
    CU_ASSERT_STRING_EQUAL(info.buyer_code, "");
    CU_ASSERT_EQUAL_FATAL(d.line_count, 1);
    CU_ASSERT_EQUAL(d.lines[0].line_no, 7);
    CU_ASSERT_STRING_EQUAL(d.lines[0].sku, "SKU-Z");
    CU_ASSERT_EQUAL(d.lines[0].quantity, Q(4, 500));
    CU_ASSERT_FALSE(d.lines[0].has_expected_price);
    ubl_draft_free(&d);
}

/* Optional parts: no seller code at all, dates with a time zone, the price's
 * currency standing for the document's, the buyer's account ID fallback. */
static void test_ubl__parse_optional_parts(void)
{
    static const struct {
        const char *old, *repl;
    } edits[] = {
        {"<cbc:IssueDate>2026-11-20</cbc:IssueDate>", "<cbc:IssueDate>2026-11-20Z</cbc:IssueDate>"},
        {"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", ""},
        {"<cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>ACME</cbc:ID>"
         "</cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>",
         "<cac:SellerSupplierParty/>"},
        {"<cac:Party><cac:PartyIdentification><cbc:ID>BUYER1</cbc:ID>"
         "</cac:PartyIdentification></cac:Party>",
         "<cbc:SupplierAssignedAccountID>B-ACCT</cbc:SupplierAssignedAccountID>"},
        {"<cbc:StartDate>2026-12-15</cbc:StartDate>",
         "<cbc:StartDate>2026-12-15+01:00</cbc:StartDate>"},
    };
    char *xml = strdup(small_doc);
    struct order_draft d;
    struct ubl_order_info info;
    int rc;

    for (size_t i = 0; xml && i < ARRAY_SIZE(edits); i++) {
        char *next = replace(xml, edits[i].old, edits[i].repl);

        free(xml);
        xml = next;
    }
    if (!xml)
        return;
    rc = ubl_order_parse(&d, &info, xml, strlen(xml));
    CHECK(rc == 0, "rc %d: %s (%s)", rc, eos_err_message(), str_or_null(eos_err_field()));
    if (rc == 0) {
        CU_ASSERT_STRING_EQUAL(d.seller_code, "");
        CU_ASSERT_STRING_EQUAL(info.issue_date, "2026-11-20");
        CU_ASSERT_STRING_EQUAL(info.currency, "EUR");
        CU_ASSERT_STRING_EQUAL(info.buyer_code, "B-ACCT");
        CU_ASSERT_STRING_EQUAL(d.lines[1].delivery_date, "2026-12-15");
        ubl_draft_free(&d);
    }
    free(xml);
}

/* ------------------------------------------------------------ hostile documents */

static void test_ubl__refuses_billion_laughs(void)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE Order [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<Order " NS_DECL "><cbc:ID>&lol9;</cbc:ID><cbc:Note>&lol9;</cbc:Note></Order>\n";

    EXPECT_REFUSED("billion laughs", xml, strlen(xml), EOS_EMALFORMED, NULL);
    CU_ASSERT_TRUE(message_has("DOCTYPE is not allowed"));
}

static void test_ubl__refuses_external_entities(void)
{
    static const struct {
        const char *what;
        const char *xml;
    } rows[] = {
        {"external general entity",
         "<?xml version=\"1.0\"?>\n"
         "<!DOCTYPE Order [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
         "<Order " NS_DECL "><cbc:ID>&xxe;</cbc:ID></Order>"},
        {"external parameter entity",
         "<?xml version=\"1.0\"?>\n"
         "<!DOCTYPE Order [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n"
         "<Order " NS_DECL "/>"},
        {"external DTD over the network",
         "<?xml version=\"1.0\"?>\n"
         "<!DOCTYPE Order SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n"
         "<Order " NS_DECL "/>"},
        {"public external DTD",
         "<!DOCTYPE Order PUBLIC \"-//EVIL//DTD\" \"file:///etc/passwd\"><Order " NS_DECL "/>"},
        {"empty internal subset", "<!DOCTYPE Order []><Order " NS_DECL "/>"},
        {"bare DOCTYPE", "<!DOCTYPE Order><Order " NS_DECL "/>"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        EXPECT_REFUSED(rows[i].what, rows[i].xml, strlen(rows[i].xml), EOS_EMALFORMED, NULL);
        CHECK(message_has("DOCTYPE is not allowed"), "%s: message \"%s\"", rows[i].what,
              eos_err_message());
        CHECK(!message_has("root:"), "%s: the message leaks the file", rows[i].what);
    }
}

/* Without a DTD no entity can be declared: a reference is not well-formed,
 * and XInclude is never processed (it is an element, refused in a text). */
static void test_ubl__refuses_entity_references(void)
{
    char *xml = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>&xxe;</cbc:ID>");
    char *xi = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>",
                       "<cbc:ID><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
                       "href=\"file:///etc/passwd\" parse=\"text\"/></cbc:ID>");

    if (xml)
        EXPECT_REFUSED("undeclared entity", xml, strlen(xml), EOS_EMALFORMED, NULL);
    CU_ASSERT_TRUE(message_has("line 2"));
    if (xi)
        EXPECT_REFUSED("xinclude", xi, strlen(xi), EOS_EINVALID, "/Order/cbc:ID");
    free(xml);
    free(xi);
    /* character references and the predefined entities are plain text */
    xml = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO&#45;1&amp;&lt;2&gt;</cbc:ID>");
    if (xml) {
        struct order_draft d;

        CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, xml, strlen(xml)), 0);
        CU_ASSERT_STRING_EQUAL(d.buyer_order_no, "PO-1&<2>");
        ubl_draft_free(&d);
    }
    free(xml);
}

/* <Order> + (levels - 1) nested elements inside it. */
static char *nested(size_t levels)
{
    static const char open[] = "<Order " NS_DECL ">";
    size_t inner = levels - 1, len = sizeof(open) - 1 + inner * 7 + 8;
    char *xml = malloc(len + 1), *p = xml;

    if (!xml)
        return NULL;
    p += snprintf(p, len + 1, "%s", open);
    for (size_t i = 0; i < inner; i++, p += 3)
        memcpy(p, "<a>", 3);
    for (size_t i = 0; i < inner; i++, p += 4)
        memcpy(p, "</a>", 4);
    memcpy(p, "</Order>", 9);
    return xml;
}

static void test_ubl__refuses_deep_nesting(void)
{
    char *deep = nested(10000);
    char *over = nested(UBL_MAX_DEPTH + 1);
    char *at = nested(UBL_MAX_DEPTH);

    if (deep)
        EXPECT_REFUSED("10000 levels", deep, strlen(deep), EOS_ELIMIT, NULL);
    CU_ASSERT_TRUE(message_has("nested"));
    if (over)
        EXPECT_REFUSED("one level too deep", over, strlen(over), EOS_ELIMIT, NULL);
    /* at the bound the depth passes; the content does not */
    if (at)
        EXPECT_REFUSED("at the bound", at, strlen(at), EOS_EINVALID, "/Order/cbc:ID");
    free(deep);
    free(over);
    free(at);
}

/* <Order> whose first child carries `attributes` attributes (with a '>' and
 * an '=' inside one quoted value, which count for nothing). */
static char *many_attributes(int attributes)
{
    size_t len = 128 + (size_t)attributes * 16;
    char *xml = malloc(len), *p = xml;

    if (!xml)
        return NULL;
    p += sprintf(p, "<Order " NS_DECL "><a q0='x=>y'");
    for (int i = 1; i < attributes; i++)
        p += sprintf(p, " q%d=\"%d\"", i, i);
    sprintf(p, "/></Order>");
    return xml;
}

/* <Order> with `elements` elements in all, none nested. */
static char *many_elements(long elements)
{
    static const char open[] = "<Order " NS_DECL ">";
    size_t len = sizeof(open) + (size_t)elements * 4 + 16;
    char *xml = malloc(len), *p = xml;

    if (!xml)
        return NULL;
    p += sprintf(p, "%s", open);
    for (long i = 1; i < elements; i++, p += 4)
        memcpy(p, "<a/>", 4);
    strcpy(p, "</Order>");
    return xml;
}

/* libxml2 checks a tag's attributes for duplicates in time that grows with
 * their square, before any hook runs; the tree costs memory per element.
 * Both are bounded before they cost: 40000 attributes took seconds. */
static void test_ubl__refuses_too_many_attributes_and_elements(void)
{
    char *at = many_attributes(XMLUTIL_MAX_ATTRIBUTES);
    char *over = many_attributes(XMLUTIL_MAX_ATTRIBUTES + 1);
    char *huge = many_attributes(40000);
    char *elements_at = many_elements(XMLUTIL_MAX_ELEMENTS);
    char *elements_over = many_elements(XMLUTIL_MAX_ELEMENTS + 1);

    CU_ASSERT_FATAL(at && over && huge && elements_at && elements_over);
    /* at the bounds the document is read; its content is what fails */
    EXPECT_REFUSED("64 attributes", at, strlen(at), EOS_EINVALID, "/Order/cbc:ID");
    EXPECT_REFUSED("65 attributes", over, strlen(over), EOS_ELIMIT, NULL);
    CU_ASSERT_TRUE(message_has("attributes"));
    EXPECT_REFUSED("40000 attributes", huge, strlen(huge), EOS_ELIMIT, NULL);
    EXPECT_REFUSED("elements at the bound", elements_at, strlen(elements_at), EOS_EINVALID,
                   "/Order/cbc:ID");
    EXPECT_REFUSED("one element too many", elements_over, strlen(elements_over), EOS_ELIMIT,
                   NULL);
    CU_ASSERT_TRUE(message_has("elements"));
    free(at);
    free(over);
    free(huge);
    free(elements_at);
    free(elements_over);
}

/* UTF-16 and UTF-32 hold NUL bytes; documents are UTF-8 (or another
 * encoding that keeps ASCII), so that the attribute scan reads them right. */
static void test_ubl__refuses_utf16(void)
{
    static const char utf16le[] = "\xff\xfe<\0O\0r\0d\0e\0r\0/\0>\0";

    EXPECT_REFUSED("UTF-16", utf16le, sizeof(utf16le) - 1, EOS_EMALFORMED, NULL);
    CU_ASSERT_TRUE(message_has("UTF-8"));
}

/* A fault found after parsing names the document's element. */
static void test_ubl__fields_map_to_document_paths(void)
{
    static const struct {
        const char *field, *path;
    } rows[] = {
        {"currency", "/Order/cbc:DocumentCurrencyCode"},
        {"sellerCode", "/Order/cac:SellerSupplierParty"},
        {"line[3]", "/Order/cac:OrderLine[3]"},
        {"line[2]/sku",
         "/Order/cac:OrderLine[2]/cac:LineItem/cac:Item/cac:SellersItemIdentification/cbc:ID"},
        {"line[500]/unitPrice", "/Order/cac:OrderLine[500]/cac:LineItem/cac:Price/cbc:PriceAmount"},
        {"line[1]/quantity", "/Order/cac:OrderLine[1]/cac:LineItem/cbc:Quantity"},
        {"/Order/cbc:ID", "/Order/cbc:ID"},
        {"line[1]/nothing", "line[1]/nothing"},
        {"lines", "lines"},
    };
    char out[EOS_ERR_FIELD_MAX];

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        CU_ASSERT_STRING_EQUAL(ubl_order_field(out, sizeof(out), rows[i].field), rows[i].path);
    CU_ASSERT_PTR_NULL(ubl_order_field(out, sizeof(out), NULL));
}

static void test_ubl__refuses_wrong_root(void)
{
    static const struct {
        const char *what;
        const char *xml;
    } rows[] = {
        {"an Invoice",
         "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>"},
        {"Order in the wrong namespace", "<Order xmlns=\"urn:oasis:names:specification:ubl:schema:"
                                         "xsd:Order-1\"><ID>PO-1</ID></Order>"},
        {"Order in no namespace", "<Order><ID>PO-1</ID></Order>"},
        {"an OrderResponse", "<OrderResponse xmlns=\"" UBL_NS_ORDER_RESPONSE "\"/>"},
        {"Order element in the cac namespace", "<Order xmlns=\"" UBL_NS_CAC "\"/>"},
        {"a SOAP envelope", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                            "<s:Body><Order " NS_DECL "/></s:Body></s:Envelope>"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        EXPECT_REFUSED(rows[i].what, rows[i].xml, strlen(rows[i].xml), EOS_EINVALID, "/Order");
    CU_ASSERT_TRUE(message_has(UBL_NS_ORDER));
}

/* One edit of the small valid document each, and what it must produce. */
struct edit_row {
    const char *what;
    const char *old;
    const char *repl;
    int code;
    const char *field;
};

static void run_edits(const struct edit_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *xml = replace(small_doc, rows[i].old, rows[i].repl);

        if (xml)
            EXPECT_REFUSED(rows[i].what, xml, strlen(xml), rows[i].code, rows[i].field);
        free(xml);
    }
}

static void test_ubl__refuses_missing_required(void)
{
    static const struct edit_row rows[] = {
        {"no ID", "<cbc:ID>PO-1</cbc:ID>", "", EOS_EINVALID, "/Order/cbc:ID"},
        {"no IssueDate", "<cbc:IssueDate>2026-11-20</cbc:IssueDate>", "", EOS_EINVALID,
         "/Order/cbc:IssueDate"},
        {"no BuyerCustomerParty",
         "<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID>BUYER1</cbc:ID>"
         "</cac:PartyIdentification></cac:Party></cac:BuyerCustomerParty>",
         "", EOS_EINVALID, "/Order/cac:BuyerCustomerParty"},
        {"no SellerSupplierParty",
         "<cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>ACME</cbc:ID>"
         "</cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>",
         "", EOS_EINVALID, "/Order/cac:SellerSupplierParty"},
        {"no OrderLine", LINE1 LINE2, "", EOS_EINVALID, "/Order/cac:OrderLine"},
        {"no LineItem", LINE2_ITEM_LINE, "<cbc:Note>empty line</cbc:Note>", EOS_EINVALID, L2},
        {"no LineItem/ID", LINE2_ID, "", EOS_EINVALID, L2 "/cbc:ID"},
        {"no Quantity", LINE2_QTY, "", EOS_EINVALID, L2 "/cbc:Quantity"},
        {"no Item", LINE2_ITEM, "", EOS_EINVALID, L2 "/cac:Item"},
        {"no SellersItemIdentification", LINE2_IDENT, "<cbc:Name>Bolt</cbc:Name>", EOS_EINVALID,
         L2 "/cac:Item/cac:SellersItemIdentification"},
        {"no SellersItemIdentification/ID", LINE2_SKU, "", EOS_EINVALID,
         L2 "/cac:Item/cac:SellersItemIdentification/cbc:ID"},
        {"no PriceAmount", "<cbc:PriceAmount currencyID=\"EUR\">9.50</cbc:PriceAmount>", "",
         EOS_EINVALID, L1 "/cac:Price/cbc:PriceAmount"},
        /* an element in the wrong namespace is not the element */
        {"ID in the wrong namespace", "<cbc:ID>PO-1</cbc:ID>", "<cac:ID>PO-1</cac:ID>",
         EOS_EINVALID, "/Order/cbc:ID"},
        {"empty ID", "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID> \n </cbc:ID>", EOS_EINVALID,
         "/Order/cbc:ID"},
        {"empty SKU", LINE2_SKU, "<cbc:ID/>", EOS_EINVALID,
         L2 "/cac:Item/cac:SellersItemIdentification/cbc:ID"},
    };

    run_edits(rows, ARRAY_SIZE(rows));
}

static void test_ubl__refuses_bad_values(void)
{
    static const struct edit_row rows[] = {
        /* quantities */
        {"quantity abc", LINE2_QTY, "<cbc:Quantity>abc</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity 1.2345", LINE2_QTY, "<cbc:Quantity>1.2345</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity 0", LINE2_QTY, "<cbc:Quantity>0</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity -1", LINE2_QTY, "<cbc:Quantity>-1</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity 1e3", LINE2_QTY, "<cbc:Quantity>1e3</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity too large", LINE2_QTY, "<cbc:Quantity>1000000000</cbc:Quantity>", EOS_EINVALID,
         L2 "/cbc:Quantity"},
        {"quantity with an element", LINE2_QTY, "<cbc:Quantity><cbc:X>1</cbc:X></cbc:Quantity>",
         EOS_EINVALID, L2 "/cbc:Quantity"},
        /* line numbers */
        {"line ID abc", LINE2_ID, "<cbc:ID>abc</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        {"line ID 0", LINE2_ID, "<cbc:ID>0</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        {"line ID 100000", LINE2_ID, "<cbc:ID>100000</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        {"line ID 1.5", LINE2_ID, "<cbc:ID>1.5</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        {"line ID -2", LINE2_ID, "<cbc:ID>-2</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        {"line ID huge", LINE2_ID, "<cbc:ID>99999999999999999999999</cbc:ID>", EOS_EINVALID,
         L2 "/cbc:ID"},
        {"line ID twice", LINE2_ID, "<cbc:ID>1</cbc:ID>", EOS_EINVALID, L2 "/cbc:ID"},
        /* prices */
        /* a price for 12 units is not a unit price */
        {"base quantity 12", "9.50</cbc:PriceAmount>",
         "9.50</cbc:PriceAmount><cbc:BaseQuantity unitCode=\"C62\">12</cbc:BaseQuantity>",
         EOS_EINVALID, L1 "/cac:Price/cbc:BaseQuantity"},
        {"base quantity 0.5", "9.50</cbc:PriceAmount>",
         "9.50</cbc:PriceAmount><cbc:BaseQuantity>0.5</cbc:BaseQuantity>", EOS_EINVALID,
         L1 "/cac:Price/cbc:BaseQuantity"},
        {"unit code empty", LINE2_QTY, "<cbc:Quantity unitCode=\"\">1</cbc:Quantity>",
         EOS_EINVALID, L2 "/cbc:Quantity/@unitCode"},
        {"price abc", "9.50</cbc:PriceAmount>", "abc</cbc:PriceAmount>", EOS_EINVALID,
         L1 "/cac:Price/cbc:PriceAmount"},
        {"price negative", "9.50</cbc:PriceAmount>", "-9.50</cbc:PriceAmount>", EOS_EINVALID,
         L1 "/cac:Price/cbc:PriceAmount"},
        {"price 5 decimals", "9.50</cbc:PriceAmount>", "9.12345</cbc:PriceAmount>", EOS_EINVALID,
         L1 "/cac:Price/cbc:PriceAmount"},
        {"price in another currency", "currencyID=\"EUR\"", "currencyID=\"USD\"", EOS_EINVALID,
         L1 "/cac:Price/cbc:PriceAmount/@currencyID"},
        {"price currency lower case", "currencyID=\"EUR\"", "currencyID=\"eur\"", EOS_EINVALID,
         L1 "/cac:Price/cbc:PriceAmount/@currencyID"},
        {"document currency not a code", "<cbc:DocumentCurrencyCode>EUR",
         "<cbc:DocumentCurrencyCode>E1R", EOS_EINVALID, "/Order/cbc:DocumentCurrencyCode"},
        /* dates */
        {"issue date not real", "2026-11-20</cbc:IssueDate>", "2026-02-30</cbc:IssueDate>",
         EOS_EINVALID, "/Order/cbc:IssueDate"},
        {"issue date with time", "2026-11-20</cbc:IssueDate>",
         "2026-11-20T10:00:00</cbc:IssueDate>", EOS_EINVALID, "/Order/cbc:IssueDate"},
        {"line date", "2026-12-15</cbc:StartDate>", "15.12.2026</cbc:StartDate>", EOS_EINVALID,
         L2 "/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate"},
        /* texts */
        {"order number too long", "<cbc:ID>PO-1</cbc:ID>",
         "<cbc:ID>PO-" DIGITS_62 "</cbc:ID>", /* 65 bytes */
         EOS_EINVALID, "/Order/cbc:ID"},
        {"order number with a line break", "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO\n1</cbc:ID>",
         EOS_EINVALID, "/Order/cbc:ID"},
        {"order number holding an element", "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO-<b>1</b></cbc:ID>",
         EOS_EINVALID, "/Order/cbc:ID"},
        {"ship-to too long", "<cbc:ID>DOCK-7</cbc:ID>",
         "<cbc:ID>DOCK-7-123456789012345678901234567</cbc:ID>", EOS_EINVALID,
         "/Order/cac:Delivery/cac:DeliveryLocation/cbc:ID"},
        {"seller code too long", "<cbc:ID>ACME</cbc:ID>",
         "<cbc:ID>ACME-123456789012345678901234567890</cbc:ID>", EOS_EINVALID,
         "/Order/cac:SellerSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID"},
        /* where goods go is never dropped */
        {"a line's own delivery location", LINE2_DELIVERY,
         "<cac:Delivery><cac:DeliveryLocation><cbc:ID>DOCK-9</cbc:ID></cac:DeliveryLocation>"
         "</cac:Delivery>",
         EOS_EINVALID, L2 "/cac:Delivery/cac:DeliveryLocation"},
        {"a line's own delivery address", LINE2_DELIVERY,
         "<cac:Delivery><cac:DeliveryAddress><cbc:StreetName>Main St</cbc:StreetName>"
         "</cac:DeliveryAddress></cac:Delivery>",
         EOS_EINVALID, L2 "/cac:Delivery/cac:DeliveryAddress"},
        {"a location with an address and no code",
         "<cac:DeliveryLocation><cbc:ID>DOCK-7</cbc:ID></cac:DeliveryLocation>",
         "<cac:DeliveryLocation><cac:Address><cbc:StreetName>Main St</cbc:StreetName>"
         "</cac:Address></cac:DeliveryLocation>",
         EOS_EINVALID, "/Order/cac:Delivery/cac:DeliveryLocation/cbc:ID"},
        {"an alternative delivery location",
         "<cac:DeliveryLocation><cbc:ID>DOCK-7</cbc:ID></cac:DeliveryLocation>",
         "<cac:DeliveryLocation><cbc:ID>DOCK-7</cbc:ID></cac:DeliveryLocation>"
         "<cac:AlternativeDeliveryLocation><cbc:ID>DOCK-9</cbc:ID>"
         "</cac:AlternativeDeliveryLocation>",
         EOS_EINVALID, "/Order/cac:Delivery/cac:AlternativeDeliveryLocation"},
        {"an address without a location code",
         "<cac:DeliveryLocation><cbc:ID>DOCK-7</cbc:ID></cac:DeliveryLocation>",
         "<cac:DeliveryAddress><cbc:StreetName>Main St</cbc:StreetName></cac:DeliveryAddress>",
         EOS_EINVALID, "/Order/cac:Delivery/cac:DeliveryAddress"},
        /* ambiguity is refused, not guessed at */
        {"two order numbers", "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>PO-1</cbc:ID><cbc:ID>PO-2</cbc:ID>",
         EOS_EINVALID, "/Order/cbc:ID"},
        {"two deliveries", "DOCK-7</cbc:ID></cac:DeliveryLocation></cac:Delivery>",
         "DOCK-7</cbc:ID></cac:DeliveryLocation></"
         "cac:Delivery><cac:Delivery><cac:DeliveryLocation><cbc:ID>DOCK-8</cbc:ID>"
         "</cac:DeliveryLocation></cac:Delivery>",
         EOS_EINVALID, "/Order/cac:Delivery"},
        {"two quantities", LINE2_QTY, LINE2_QTY LINE2_QTY, EOS_EINVALID, L2 "/cbc:Quantity"},
        {"two SKUs", LINE2_SKU, LINE2_SKU LINE2_SKU, EOS_EINVALID,
         L2 "/cac:Item/cac:SellersItemIdentification/cbc:ID"},
    };

    run_edits(rows, ARRAY_SIZE(rows));
    /* the message says why */
    {
        char *xml = replace(small_doc, LINE2_QTY, "<cbc:Quantity>0</cbc:Quantity>");

        if (xml)
            EXPECT_REFUSED("quantity 0", xml, strlen(xml), EOS_EINVALID, L2 "/cbc:Quantity");
        CU_ASSERT_TRUE(message_has("greater than 0"));
        free(xml);
    }
    /* limits count characters, not bytes: 64 two-byte characters pass, 65 do not */
    {
        char id[2 * (ORDER_NO_MAX + 1) + 20];
        char *xml;
        struct order_draft d;
        size_t p = (size_t)snprintf(id, sizeof(id), "<cbc:ID>");

        for (int i = 0; i < ORDER_NO_MAX; i++, p += 2)
            memcpy(id + p, "\xc3\xa9", 2);
        snprintf(id + p, sizeof(id) - p, "</cbc:ID>");
        xml = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>", id);
        if (xml) {
            CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, xml, strlen(xml)), 0);
            CU_ASSERT_EQUAL(utf8_chars(d.buyer_order_no), ORDER_NO_MAX);
            ubl_draft_free(&d);
        }
        free(xml);
        memcpy(id + p, "\xc3\xa9</cbc:ID>", sizeof("\xc3\xa9</cbc:ID>"));
        xml = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>", id);
        if (xml)
            EXPECT_REFUSED("65 characters", xml, strlen(xml), EOS_EINVALID, "/Order/cbc:ID");
        CU_ASSERT_TRUE(message_has("at most 64 characters"));
        free(xml);
    }
    /* exactly ORDER_NO_MAX characters is fine */
    {
        char *xml = replace(small_doc, "<cbc:ID>PO-1</cbc:ID>", "<cbc:ID>P-" DIGITS_62 "</cbc:ID>");
        struct order_draft d;

        if (xml) {
            CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, xml, strlen(xml)), 0);
            CU_ASSERT_EQUAL(strlen(d.buyer_order_no), ORDER_NO_MAX);
            ubl_draft_free(&d);
        }
        free(xml);
    }
}

static void test_ubl__refuses_not_well_formed(void)
{
    static const struct {
        const char *what;
        const char *xml;
    } rows[] = {
        {"plain text", "this is not XML"},
        {"unclosed root", "<Order " NS_DECL ">"},
        {"mismatched tags", "<Order " NS_DECL "><cbc:ID>1</cbc:Id></Order>"},
        {"two roots", "<Order " NS_DECL "/><Order " NS_DECL "/>"},
        {"undeclared prefix", "<Order " NS_DECL "><x:ID>1</x:ID></Order>"},
        {"attribute without quotes", "<Order " NS_DECL " a=1/>"},
        {"bad UTF-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Order " NS_DECL
                      "><cbc:ID>\xff\xfe</cbc:ID></Order>"},
        {"unknown encoding",
         "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><Order " NS_DECL "/>"},
        {"control character", "<Order " NS_DECL "><cbc:ID>\x01</cbc:ID></Order>"},
        {"text after the root", "<Order " NS_DECL "/>trailing"},
    };
    size_t half = strlen(small_doc) / 2;

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        EXPECT_REFUSED(rows[i].what, rows[i].xml, strlen(rows[i].xml), EOS_EMALFORMED, NULL);
    EXPECT_REFUSED("truncated", small_doc, half, EOS_EMALFORMED, NULL);
    CU_ASSERT_TRUE(message_has("not well-formed"));
    EXPECT_REFUSED("NUL inside", "<Order " NS_DECL ">\0</Order>", sizeof("<Order " NS_DECL ">"),
                   EOS_EMALFORMED, NULL);
    EXPECT_REFUSED("empty", "", 0, EOS_EMALFORMED, NULL);
    EXPECT_REFUSED("NULL with a length", NULL, 10, EOS_EINTERNAL, NULL);
}

/* The small document padded with a trailing comment to exactly len bytes. */
static char *padded(size_t len)
{
    size_t base = strlen(small_doc);
    char *xml = malloc(len);

    if (!xml)
        return NULL;
    memcpy(xml, small_doc, base);
    memcpy(xml + base, "<!--", 4);
    memset(xml + base + 4, 'x', len - base - 7);
    memcpy(xml + len - 3, "-->", 3);
    return xml;
}

static void test_ubl__refuses_too_large(void)
{
    char *at = padded(UBL_MAX_BYTES);
    char *over = padded(UBL_MAX_BYTES + 1);
    struct order_draft d;

    if (at) {
        int rc = ubl_order_parse(&d, NULL, at, UBL_MAX_BYTES);

        CHECK(rc == 0, "exactly at the bound: rc %d %s", rc, eos_err_message());
        if (rc == 0)
            ubl_draft_free(&d);
    }
    if (over)
        EXPECT_REFUSED("one byte too large", over, UBL_MAX_BYTES + 1, EOS_ELIMIT, NULL);
    free(at);
    free(over);
}

/* n lines, numbered 1..n, after the small document's header. */
static char *many_lines(size_t n, size_t *len)
{
    static const char fmt[] = "<cac:OrderLine><cac:LineItem><cbc:ID>%zu</cbc:ID>"
                              "<cbc:Quantity>1</cbc:Quantity><cac:Item>"
                              "<cac:SellersItemIdentification><cbc:ID>S-%zu</cbc:ID>"
                              "</cac:SellersItemIdentification></cac:Item></cac:LineItem>"
                              "</cac:OrderLine>";
    size_t cap = sizeof(HEAD) + n * (sizeof(fmt) + 16) + sizeof(TAIL);
    char *xml = malloc(cap);
    size_t used;

    if (!xml)
        return NULL;
    used = (size_t)snprintf(xml, cap, "%s", HEAD);
    for (size_t i = 1; i <= n; i++)
        used += (size_t)snprintf(xml + used, cap - used, fmt, i, i);
    used += (size_t)snprintf(xml + used, cap - used, "%s", TAIL);
    *len = used;
    return xml;
}

static void test_ubl__refuses_too_many_lines(void)
{
    size_t len = 0;
    char *at = many_lines(ORDER_MAX_LINES, &len);
    char *over;
    struct order_draft d;

    if (at) {
        CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, at, len), 0);
        CU_ASSERT_EQUAL(d.line_count, ORDER_MAX_LINES);
        CU_ASSERT_EQUAL(d.lines[ORDER_MAX_LINES - 1].line_no, ORDER_MAX_LINES);
        ubl_draft_free(&d);
    }
    over = many_lines(ORDER_MAX_LINES + 1, &len);
    if (over)
        EXPECT_REFUSED("501 lines", over, len, EOS_ELIMIT, "/Order/cac:OrderLine");
    free(at);
    free(over);
}

/* ------------------------------------------------------------ quiet and thread-safe */

/* libxml2 must never print: run the noisiest failures with stderr captured. */
static void test_ubl__silent(void)
{
    static const char *const docs[] = {
        "<Order " NS_DECL "><cbc:ID>1</cbc:Id></Order>",
        "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><Order/>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Order " NS_DECL "><cbc:ID>\xe9</cbc:ID>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Order " NS_DECL ">\xc3\x28</Order>",
        "<!DOCTYPE Order [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Order>&x;</Order>",
        "<Order " NS_DECL "><cbc:ID>&undefined;</cbc:ID></Order>",
        "<Order xmlns:x=\"\" " NS_DECL "/>",
        "\xef\xbb\xbf\xef\xbb\xbf<Order/>",
    };
    char path[] = "/tmp/test_ubl_stderr_XXXXXX";
    int fd = mkstemp(path);
    int saved;
    struct stat st;

    CU_ASSERT_FATAL(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    CU_ASSERT_FATAL(saved >= 0);
    dup2(fd, 2);
    for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
        struct order_draft d;

        if (ubl_order_parse(&d, NULL, docs[i], strlen(docs[i])) == 0)
            ubl_draft_free(&d);
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    CU_ASSERT_EQUAL(fstat(fd, &st), 0);
    CHECK(st.st_size == 0, "libxml2 wrote %lld bytes to stderr", (long long)st.st_size);
    close(fd);
    unlink(path);
}

#define THREADS 4
#define ROUNDS 40

struct thread_job {
    const char *good;
    size_t good_len;
    int failures;
};

static void *parse_many(void *arg)
{
    struct thread_job *job = arg;
    static const char bad[] = "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>";

    for (int i = 0; i < ROUNDS; i++) {
        struct order_draft d;

        if (ubl_order_parse(&d, NULL, job->good, job->good_len) != 0 || d.line_count != 3 ||
            strcmp(d.lines[2].sku, "SKU-C") != 0)
            job->failures++;
        else
            ubl_draft_free(&d);
        if (ubl_order_parse(&d, NULL, bad, sizeof(bad) - 1) != EOS_EMALFORMED ||
            !message_has("DOCTYPE"))
            job->failures++;
    }
    return NULL;
}

static void test_ubl__parse_from_many_threads(void)
{
    size_t len = 0;
    char *xml = read_fixture("ubl/order.xml", &len);
    pthread_t t[THREADS];
    struct thread_job jobs[THREADS];

    if (!xml)
        return;
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (struct thread_job){xml, len, 0};
        CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, parse_many, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK(jobs[i].failures == 0, "thread %d: %d failures", i, jobs[i].failures);
    }
    free(xml);
}

/* ------------------------------------------------------------ an order view */

#define VIEW_LINES 3
#define VIEW_HISTORY 4

/* A stored order: three lines, ACCEPTED, with its history. Initialise in
 * place: v.lines and v.history point into the same struct. */
struct view_fixture {
    struct order_view v;
    struct order_line_view lines[VIEW_LINES];
    struct history_view history[VIEW_HISTORY];
};

static void set_view_line(struct order_line_view *l, int32_t line_no, const char *sku,
                          const char *name, qty_t qty, money_t price, const char *date)
{
    l->line_no = line_no;
    str_copy(l->sku, sizeof(l->sku), sku);
    str_copy(l->name, sizeof(l->name), name);
    l->quantity = qty;
    l->unit_price = price;
    l->list_price = price;
    l->line_amount = money_line_amount(qty, price);
    l->ordered_quantity = qty; /* as the buyer placed it */
    l->ordered_unit_price = price;
    str_copy(l->delivery_date, sizeof(l->delivery_date), date);
    str_copy(l->ordered_delivery_date, sizeof(l->ordered_delivery_date), date);
}

static void add_history(struct view_fixture *f, const char *from, const char *to,
                        const char *reason)
{
    struct history_view *e = &f->history[f->v.history_count++];

    e->at = CREATED_AT + (int64_t)f->v.history_count * 60;
    str_copy(e->from_status, sizeof(e->from_status), from);
    str_copy(e->to_status, sizeof(e->to_status), to);
    str_copy(e->actor, sizeof(e->actor), "seller1");
    str_copy(e->reason, sizeof(e->reason), reason);
    e->version = (int32_t)f->v.history_count;
}

static void view_init(struct view_fixture *f)
{
    struct order_header *h = &f->v.h;

    memset(f, 0, sizeof(*f));
    h->order_id = 1234;
    h->seller_id = 1;
    h->buyer_id = 2;
    str_copy(h->buyer_order_no, sizeof(h->buyer_order_no), "PO-7 <&> \"q\"");
    str_copy(h->seller_code, sizeof(h->seller_code), "ACME");
    str_copy(h->buyer_code, sizeof(h->buyer_code), "BUYER1");
    h->status = ORDER_ACCEPTED;
    h->version = 3;
    h->allow_adjust = true;
    str_copy(h->ship_to_code, sizeof(h->ship_to_code), "DOCK-7");
    str_copy(h->delivery_date, sizeof(h->delivery_date), "2026-12-01");
    str_copy(h->note, sizeof(h->note), "Line one\nLine two & <three> ]]> done");
    str_copy(h->currency, sizeof(h->currency), "EUR");
    h->created_at = CREATED_AT;
    h->updated_at = UPDATED_AT;
    set_view_line(&f->lines[0], 1, "SKU-A", "Widget A", Q(3, 0), M(19, 9900), "");
    set_view_line(&f->lines[1], 2, "SKU-B", "Bolt <M8> & nut", Q(0, 333), M(3, 3333), "2026-12-15");
    set_view_line(&f->lines[2], 10, "SKU-C", "", Q(12, 500), M(5, 0), "");
    h->total = f->lines[0].line_amount + f->lines[1].line_amount + f->lines[2].line_amount;
    f->v.line_count = VIEW_LINES;
    f->v.lines = f->lines;
    f->v.history = f->history;
    add_history(f, "", "SUBMITTED", "");
    add_history(f, "SUBMITTED", "ACCEPTED", "");
}

/* ------------------------------------------------------------ Order out */

static void test_ubl__write_order_document(void)
{
    struct view_fixture f;
    char *xml = NULL;
    size_t len = 0;
    struct xdoc x;
    int rc;

    view_init(&f);
    rc = ubl_order_write(&xml, &len, &f.v);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    CU_ASSERT_EQUAL(len, strlen(xml));
    CU_ASSERT_EQUAL(strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38), 0);
    CU_ASSERT_FATAL(xdoc_open(&x, xml, len));

    XSTR(&x, "namespace-uri(/*)", UBL_NS_ORDER);
    XSTR(&x, "local-name(/*)", "Order");
    XCOUNT(&x, "/o:Order", 1);
    XSTR(&x, "/o:Order/cbc:UBLVersionID", "2.1");
    XSTR(&x, "/o:Order/cbc:ID", "PO-7 <&> \"q\"");
    XSTR(&x, "/o:Order/cbc:SalesOrderID", "1234");
    XSTR(&x, "/o:Order/cbc:IssueDate", "2026-11-20");
    XSTR(&x, "/o:Order/cbc:Note", "Line one\nLine two & <three> ]]> done");
    XSTR(&x, "/o:Order/cbc:DocumentCurrencyCode", "EUR");
    XSTR(&x, "/o:Order/cac:BuyerCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID", "BUYER1");
    XSTR(&x, "/o:Order/cac:SellerSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID", "ACME");
    XSTR(&x, "/o:Order/cac:Delivery/cac:DeliveryLocation/cbc:ID", "DOCK-7");
    XSTR(&x, "/o:Order/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate", "2026-12-01");
    XSTR(&x, "/o:Order/cac:AnticipatedMonetaryTotal/cbc:PayableAmount", "123.58");
    XSTR(&x, "/o:Order/cac:AnticipatedMonetaryTotal/cbc:PayableAmount/@currencyID", "EUR");
    XCOUNT(&x, "/o:Order/cac:OrderLine", 3);
    XCOUNT(&x, "/o:Order/cac:OrderLine/cac:LineItem", 3);
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cbc:ID", "2");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity", "0.333");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cbc:LineExtensionAmount", "1.11");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cbc:LineExtensionAmount/@currencyID", "EUR");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cac:Price/cbc:PriceAmount", "3.3333");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cac:Price/cbc:PriceAmount/@currencyID", "EUR");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cac:Item/cbc:Name", "Bolt <M8> & nut");
    XSTR(&x, "/o:Order/cac:OrderLine[2]/cac:LineItem/cac:Item/cac:SellersItemIdentification/cbc:ID",
         "SKU-B");
    XSTR(&x,
         "/o:Order/cac:OrderLine[2]/cac:LineItem/cac:Delivery/cac:RequestedDeliveryPeriod/"
         "cbc:StartDate",
         "2026-12-15");
    XCOUNT(&x, "/o:Order/cac:OrderLine[1]/cac:LineItem/cac:Delivery", 0);
    XCOUNT(&x, "/o:Order/cac:OrderLine[3]/cac:LineItem/cac:Item/cbc:Name", 0);
    XSTR(&x, "/o:Order/cac:OrderLine[3]/cac:LineItem/cbc:Quantity", "12.5");
    XSTR(&x, "/o:Order/cac:OrderLine[3]/cac:LineItem/cac:Price/cbc:PriceAmount", "5.00");
    /* Only the three UBL namespaces appear: no stray prefixes. */
    XCOUNT(&x,
           "//*[namespace-uri() != '" UBL_NS_ORDER "' and namespace-uri() != '" UBL_NS_CAC
           "' and namespace-uri() != '" UBL_NS_CBC "']",
           0);
    xdoc_close(&x);
    free(xml);
}

/* Written by the hub and submitted again (with a new ID): the same lines,
 * the current prices as the expected ones. */
static void test_ubl__write_parse_round_trip(void)
{
    struct view_fixture f;
    char *xml = NULL, *renumbered = NULL;
    size_t len = 0;
    struct order_draft d;
    struct ubl_order_info info;
    int rc;

    view_init(&f);
    CU_ASSERT_EQUAL_FATAL(ubl_order_write(&xml, &len, &f.v), 0);
    rc = ubl_order_parse(&d, &info, xml, len);
    CHECK(rc == 0, "rc %d: %s (%s)", rc, eos_err_message(), str_or_null(eos_err_field()));
    if (rc == 0) {
        CU_ASSERT_STRING_EQUAL(d.buyer_order_no, f.v.h.buyer_order_no);
        CU_ASSERT_STRING_EQUAL(d.seller_code, f.v.h.seller_code);
        CU_ASSERT_STRING_EQUAL(d.ship_to_code, f.v.h.ship_to_code);
        CU_ASSERT_STRING_EQUAL(d.delivery_date, f.v.h.delivery_date);
        CU_ASSERT_STRING_EQUAL(d.note, f.v.h.note);
        CU_ASSERT_STRING_EQUAL(info.issue_date, "2026-11-20");
        CU_ASSERT_STRING_EQUAL(info.currency, "EUR");
        CU_ASSERT_STRING_EQUAL(info.buyer_code, "BUYER1");
        CU_ASSERT_EQUAL_FATAL(d.line_count, VIEW_LINES);
        for (size_t i = 0; i < VIEW_LINES; i++) {
            const struct order_line_view *want = &f.lines[i];
            const struct order_draft_line *got = &d.lines[i];

            CHECK(got->line_no == want->line_no, "line %zu: line_no %d", i, got->line_no);
            CHECK(strcmp(got->sku, want->sku) == 0, "line %zu: sku %s", i, got->sku);
            CHECK(got->quantity == want->quantity, "line %zu: quantity %" PRId64, i, got->quantity);
            CHECK(got->has_expected_price && got->expected_price == want->unit_price,
                  "line %zu: price %" PRId64, i, got->expected_price);
            CHECK(strcmp(got->delivery_date, want->delivery_date) == 0, "line %zu: date %s", i,
                  got->delivery_date);
        }
        CU_ASSERT_EQUAL(order_draft_validate(&d), 0);
        ubl_draft_free(&d);
    }
    /* As a buyer would resubmit it: a new ID, the rest as written. */
    renumbered = replace(xml, "<cbc:ID>PO-7 &lt;&amp;&gt; \"q\"</cbc:ID>", "<cbc:ID>PO-8</cbc:ID>");
    if (renumbered) {
        CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, renumbered, strlen(renumbered)), 0);
        CU_ASSERT_STRING_EQUAL(d.buyer_order_no, "PO-8");
        CU_ASSERT_EQUAL(d.line_count, VIEW_LINES);
        ubl_draft_free(&d);
    }
    free(renumbered);
    free(xml);
}

/* The Order is the order as placed: a line the seller declined (quantity 0)
 * and a price it adjusted are written as the buyer sent them, so the
 * document parses again and can be resubmitted as a new order. */
static void test_ubl__order_document_is_the_order_as_placed(void)
{
    struct view_fixture f;
    char *xml = NULL;
    size_t len = 0;
    struct order_draft d;
    int rc;

    view_init(&f);
    f.lines[0].quantity = 0; /* declined */
    f.lines[0].line_amount = 0;
    f.lines[1].unit_price += 100; /* adjusted */
    f.lines[1].line_amount = money_line_amount(f.lines[1].quantity, f.lines[1].unit_price);
    str_copy(f.lines[2].delivery_date, sizeof(f.lines[2].delivery_date), "2027-01-15"); /* moved */
    CU_ASSERT_EQUAL_FATAL(ubl_order_write(&xml, &len, &f.v), 0);
    rc = ubl_order_parse(&d, NULL, xml, len);
    CHECK(rc == 0, "rc %d: %s (%s)", rc, eos_err_message(), str_or_null(eos_err_field()));
    if (rc == 0) {
        CU_ASSERT_EQUAL_FATAL(d.line_count, VIEW_LINES);
        for (size_t i = 0; i < VIEW_LINES; i++) {
            CHECK(d.lines[i].quantity == f.lines[i].ordered_quantity,
                  "line %zu: quantity %" PRId64, i, d.lines[i].quantity);
            CHECK(d.lines[i].expected_price == f.lines[i].ordered_unit_price,
                  "line %zu: price %" PRId64, i, d.lines[i].expected_price);
            CHECK(strcmp(d.lines[i].delivery_date, f.lines[i].ordered_delivery_date) == 0,
                  "line %zu: date %s", i, d.lines[i].delivery_date);
        }
        ubl_draft_free(&d);
    }
    free(xml);
}

/* An order without the optional parts writes a document that still parses. */
static void test_ubl__write_minimal_order(void)
{
    struct view_fixture f;
    char *xml = NULL;
    size_t len = 0;
    struct xdoc x;
    struct order_draft d;

    view_init(&f);
    f.v.h.ship_to_code[0] = '\0';
    f.v.h.delivery_date[0] = '\0';
    f.v.h.note[0] = '\0';
    f.v.h.seller_code[0] = '\0';
    CU_ASSERT_EQUAL_FATAL(ubl_order_write(&xml, &len, &f.v), 0);
    CU_ASSERT_FATAL(xdoc_open(&x, xml, len));
    XCOUNT(&x, "/o:Order/cac:Delivery", 0);
    XCOUNT(&x, "/o:Order/cbc:Note", 0);
    XCOUNT(&x, "/o:Order/cac:SellerSupplierParty", 1);
    XCOUNT(&x, "/o:Order/cac:SellerSupplierParty/*", 0);
    xdoc_close(&x);
    CU_ASSERT_EQUAL_FATAL(ubl_order_parse(&d, NULL, xml, len), 0);
    CU_ASSERT_STRING_EQUAL(d.seller_code, "");
    CU_ASSERT_STRING_EQUAL(d.ship_to_code, "");
    ubl_draft_free(&d);
    free(xml);
}

static void test_ubl__write_refuses_bad_view(void)
{
    struct view_fixture f;
    char *xml = (char *)"untouched";
    size_t len = 77;

    view_init(&f);
    f.v.h.currency[0] = '\0';
    CU_ASSERT_EQUAL(ubl_order_write(&xml, &len, &f.v), EOS_EINTERNAL);
    CU_ASSERT_TRUE(message_has("currency"));
    CU_ASSERT_EQUAL(ubl_order_response_write(&xml, &len, &f.v), EOS_EINTERNAL);

    view_init(&f);
    str_copy(f.lines[1].name, sizeof(f.lines[1].name), "bad \xff byte");
    CU_ASSERT_EQUAL(ubl_order_write(&xml, &len, &f.v), EOS_EINTERNAL);
    CU_ASSERT_TRUE(message_has("Name"));

    view_init(&f);
    str_copy(f.v.h.note, sizeof(f.v.h.note), "bell \x07");
    CU_ASSERT_EQUAL(ubl_order_write(&xml, &len, &f.v), EOS_EINTERNAL);
    CU_ASSERT_TRUE(message_has("Note"));

    CU_ASSERT_EQUAL(ubl_order_write(&xml, &len, NULL), EOS_EINTERNAL);
    CU_ASSERT_STRING_EQUAL(xml, "untouched");
    CU_ASSERT_EQUAL(len, 77);
}

/* ------------------------------------------------------------ OrderResponse */

enum line_edit {
    SAME,          /* every line as ordered */
    QTY_CHANGED,   /* line 2 was ordered at 1.000 */
    PRICE_CHANGED, /* line 10 was ordered at 5.50 */
    DATE_CHANGED,  /* line 1 was asked for on another day */
};

static void test_ubl__response_code_table(void)
{
    static const struct {
        enum order_status status;
        const char *closed_from; /* the history's entry into CLOSED, NULL: none */
        enum line_edit edit;
        enum ubl_response_code want;
    } rows[] = {
        {ORDER_SUBMITTED, NULL, SAME, UBL_RESPONSE_AB},
        {ORDER_SUBMITTED, NULL, QTY_CHANGED, UBL_RESPONSE_AB},
        {ORDER_ACCEPTED, NULL, SAME, UBL_RESPONSE_AP},
        {ORDER_ACCEPTED, NULL, QTY_CHANGED, UBL_RESPONSE_CA},
        {ORDER_ACCEPTED, NULL, PRICE_CHANGED, UBL_RESPONSE_CA},
        {ORDER_ACCEPTED, NULL, DATE_CHANGED, UBL_RESPONSE_CA},
        {ORDER_PARTIALLY_SHIPPED, NULL, SAME, UBL_RESPONSE_AP},
        {ORDER_PARTIALLY_SHIPPED, NULL, PRICE_CHANGED, UBL_RESPONSE_CA},
        {ORDER_SHIPPED, NULL, SAME, UBL_RESPONSE_AP},
        {ORDER_SHIPPED, NULL, QTY_CHANGED, UBL_RESPONSE_CA},
        {ORDER_INVOICED, NULL, SAME, UBL_RESPONSE_AP},
        {ORDER_PAID, NULL, QTY_CHANGED, UBL_RESPONSE_CA},
        {ORDER_REJECTED, NULL, SAME, UBL_RESPONSE_RE},
        {ORDER_REJECTED, NULL, QTY_CHANGED, UBL_RESPONSE_RE},
        {ORDER_CANCELLED, NULL, SAME, UBL_RESPONSE_RE},
        {ORDER_CLOSED, "PAID", SAME, UBL_RESPONSE_AP},
        {ORDER_CLOSED, "PAID", PRICE_CHANGED, UBL_RESPONSE_CA},
        {ORDER_CLOSED, "REJECTED", SAME, UBL_RESPONSE_RE},
        {ORDER_CLOSED, "CANCELLED", QTY_CHANGED, UBL_RESPONSE_RE},
        {ORDER_CLOSED, NULL, SAME, UBL_RESPONSE_AP},
        {(enum order_status)ORDER_STATUS_COUNT, NULL, SAME, UBL_RESPONSE_AB},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        struct view_fixture f;
        enum ubl_response_code got;

        view_init(&f);
        f.v.h.status = rows[i].status;
        if (rows[i].closed_from)
            add_history(&f, rows[i].closed_from, "CLOSED", "");
        switch (rows[i].edit) {
        case QTY_CHANGED:
            f.lines[1].ordered_quantity = Q(1, 0);
            break;
        case PRICE_CHANGED:
            f.lines[2].ordered_unit_price = M(5, 5000);
            break;
        case DATE_CHANGED:
            str_copy(f.lines[0].ordered_delivery_date, sizeof(f.lines[0].ordered_delivery_date),
                     "2026-12-24");
            break;
        case SAME:
            break;
        }
        got = ubl_response_code(&f.v);
        CHECK(got == rows[i].want, "row %zu (status %d): %s, want %s", i, (int)rows[i].status,
              ubl_response_code_name(got), ubl_response_code_name(rows[i].want));
    }
    CU_ASSERT_STRING_EQUAL(ubl_response_code_name((enum ubl_response_code)4), "?");
}

/* The response document for a state, with what every code has in common
 * checked; returns the open document for the caller's own checks. */
static bool response_doc(struct xdoc *x, char **xml, const struct view_fixture *f,
                         const char *code)
{
    size_t len = 0;
    int rc = ubl_order_response_write(xml, &len, &f->v);

    CHECK(rc == 0, "%s: rc %d %s", code, rc, eos_err_message());
    if (rc != 0)
        return false;
    CU_ASSERT_EQUAL(len, strlen(*xml));
    if (!xdoc_open(x, *xml, len)) {
        CHECK(false, "%s: the response is not well-formed", code);
        return false;
    }
    XSTR(x, "namespace-uri(/*)", UBL_NS_ORDER_RESPONSE);
    XCOUNT(x, "/r:OrderResponse", 1);
    XCOUNT(x, "/o:Order", 0);
    XSTR(x, "/r:OrderResponse/cbc:UBLVersionID", "2.1");
    XSTR(x, "/r:OrderResponse/cbc:ID", "1234-3");
    XSTR(x, "/r:OrderResponse/cbc:SalesOrderID", "1234");
    XSTR(x, "/r:OrderResponse/cbc:IssueDate", "2026-11-21");
    XSTR(x, "/r:OrderResponse/cbc:OrderResponseCode", code);
    XSTR(x, "/r:OrderResponse/cbc:OrderResponseCode/@listID", "UNCL4343");
    XSTR(x, "/r:OrderResponse/cbc:DocumentCurrencyCode", "EUR");
    XSTR(x, "/r:OrderResponse/cac:OrderReference/cbc:ID", "PO-7 <&> \"q\"");
    XSTR(x, "/r:OrderResponse/cac:SellerSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
         "ACME");
    XSTR(x, "/r:OrderResponse/cac:BuyerCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
         "BUYER1");
    /* the schema's order: OrderReference, SellerSupplierParty, BuyerCustomerParty */
    XCOUNT(x,
           "/r:OrderResponse/cac:OrderReference/"
           "following-sibling::*[1][self::cac:SellerSupplierParty]",
           1);
    XCOUNT(x,
           "/r:OrderResponse/cac:SellerSupplierParty/"
           "following-sibling::*[1][self::cac:BuyerCustomerParty]",
           1);
    return true;
}

static void test_ubl__response_received_ab(void)
{
    struct view_fixture f;
    struct xdoc x;
    char *xml = NULL;

    view_init(&f);
    f.v.h.status = ORDER_SUBMITTED;
    f.v.history_count = 1;
    if (response_doc(&x, &xml, &f, "AB")) {
        /* UBL 2.1 requires a line; received, none is decided yet */
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine", 3);
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine/cac:LineItem/cbc:LineStatusCode", 0);
        XCOUNT(&x, "/r:OrderResponse/cbc:Note", 0);
        XSTR(&x, "/r:OrderResponse/cac:LegalMonetaryTotal/cbc:PayableAmount", "123.58");
        xdoc_close(&x);
    }
    free(xml);
}

static void test_ubl__response_accepted_ap(void)
{
    struct view_fixture f;
    struct xdoc x;
    char *xml = NULL;

    view_init(&f);
    f.v.h.status = ORDER_SHIPPED;
    add_history(&f, "ACCEPTED", "SHIPPED", "all out");
    if (response_doc(&x, &xml, &f, "AP")) {
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine", 3);
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine/cac:LineItem[cbc:LineStatusCode = '5']", 3);
        XSTR(&x, "/r:OrderResponse/cbc:Note", "all out");
        XSTR(&x, "/r:OrderResponse/cac:LegalMonetaryTotal/cbc:PayableAmount/@currencyID", "EUR");
        xdoc_close(&x);
    }
    free(xml);
}

static void test_ubl__response_changed_ca(void)
{
    struct view_fixture f;
    struct xdoc x;
    char *xml = NULL;

    view_init(&f);
    /* The seller accepted line 2 at 0.333 of the 1.000 ordered, line 10 at
     * 5.00 instead of 5.50 and declined it (quantity 0) -- line 1 as sent. */
    set_view_line(&f.lines[2], 10, "SKU-C", "", 0, M(5, 0), "");
    f.lines[1].ordered_quantity = Q(1, 0);
    f.lines[2].ordered_quantity = Q(12, 500);
    f.lines[2].ordered_unit_price = M(5, 5000);
    f.v.h.total = f.lines[0].line_amount + f.lines[1].line_amount;
    if (response_doc(&x, &xml, &f, "CA")) {
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine", 3);
        XCOUNT(&x, "/r:OrderResponse/cac:OrderLine/cac:LineItem/cbc:LineStatusCode", 3);
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:LineItem/cbc:LineStatusCode/@listID",
             "UNCL1229");
        XSTR(&x, "/r:OrderResponse/cac:LegalMonetaryTotal/cbc:PayableAmount", "61.08");

        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:LineItem/cbc:ID", "1");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:LineItem/cbc:LineStatusCode", "5");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:LineItem/cbc:Quantity", "3");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:LineItem/cac:Price/cbc:PriceAmount",
             "19.99");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[1]/cac:OrderLineReference/cbc:LineID", "1");

        XSTR(&x, "/r:OrderResponse/cac:OrderLine[2]/cac:LineItem/cbc:LineStatusCode", "3");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[2]/cac:LineItem/cbc:Quantity", "0.333");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[2]/cac:LineItem/cbc:LineExtensionAmount", "1.11");
        XSTR(
            &x,
            "/r:OrderResponse/cac:OrderLine[2]/cac:LineItem/cac:Item/cac:SellersItemIdentification/"
            "cbc:ID",
            "SKU-B");
        XSTR(&x,
             "/r:OrderResponse/cac:OrderLine[2]/cac:LineItem/cac:Delivery/"
             "cac:RequestedDeliveryPeriod/cbc:StartDate",
             "2026-12-15");

        XSTR(&x, "/r:OrderResponse/cac:OrderLine[3]/cac:LineItem/cbc:ID", "10");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[3]/cac:LineItem/cbc:LineStatusCode", "7");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[3]/cac:LineItem/cbc:Quantity", "0");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[3]/cac:LineItem/cac:Price/cbc:PriceAmount",
             "5.00");
        XSTR(&x, "/r:OrderResponse/cac:OrderLine[3]/cac:OrderLineReference/cbc:LineID", "10");
        /* LineStatusCode sits between ID and Quantity, as LineItemType orders them */
        XCOUNT(&x,
               "/r:OrderResponse/cac:OrderLine/cac:LineItem/cbc:ID/following-sibling::*[1]"
               "[self::cbc:LineStatusCode]/following-sibling::*[1][self::cbc:Quantity]",
               3);
        xdoc_close(&x);
    }
    free(xml);
}

static void test_ubl__response_rejected_re(void)
{
    static const enum order_status states[] = {ORDER_REJECTED, ORDER_CANCELLED, ORDER_CLOSED};

    for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
        struct view_fixture f;
        struct xdoc x;
        char *xml = NULL;

        view_init(&f);
        f.v.h.status = states[i];
        f.v.history_count = 1;
        add_history(&f, "SUBMITTED", states[i] == ORDER_CANCELLED ? "CANCELLED" : "REJECTED",
                    "out of stock");
        if (states[i] == ORDER_CLOSED)
            add_history(&f, "REJECTED", "CLOSED", "");
        if (response_doc(&x, &xml, &f, "RE")) {
            XCOUNT(&x, "/r:OrderResponse/cac:OrderLine", 3);
            XCOUNT(&x, "/r:OrderResponse/cac:OrderLine/cac:LineItem[cbc:LineStatusCode = '7']",
                   3);
            XCOUNT(&x, "/r:OrderResponse/cac:LegalMonetaryTotal", 0);
            XCOUNT(&x, "/r:OrderResponse/cbc:Note", states[i] == ORDER_CLOSED ? 0 : 1);
            if (states[i] != ORDER_CLOSED)
                XSTR(&x, "/r:OrderResponse/cbc:Note", "out of stock");
            xdoc_close(&x);
        }
        free(xml);
    }
}

/* The XPath reader these tests use reads with the same guards. */
static void test_ubl__xpath_reader(void)
{
    static const char doc[] = "<a xmlns=\"urn:x\"><b>1</b><b>2</b></a>";
    static const char dtd[] = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
    struct xpath_doc *d = NULL;
    char buf[4];
    size_t n = 77;

    CU_ASSERT_EQUAL(xpath_open(&d, dtd, strlen(dtd)), EOS_EMALFORMED);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(xpath_open(&d, "<a>", 3), EOS_EMALFORMED);
    CU_ASSERT_EQUAL_FATAL(xpath_open(&d, doc, strlen(doc)), 0);
    CU_ASSERT_EQUAL(xpath_register_ns(d, "x", "urn:x"), 0);
    CU_ASSERT_EQUAL(xpath_count(&n, d, "/x:a/x:b"), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(xpath_count(&n, d, "/a/b"), 0); /* no namespace: nothing */
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(xpath_string(buf, sizeof(buf), d, "/x:a/x:b[2]"), 0);
    CU_ASSERT_STRING_EQUAL(buf, "2");
    CU_ASSERT_EQUAL(xpath_string(buf, sizeof(buf), d, "concat('abc', 'd')"), EOS_ELIMIT);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(xpath_string(buf, sizeof(buf), d, "/x:a/["), EOS_EINVALID);
    CU_ASSERT_EQUAL(xpath_count(&n, d, "count(/x:a)"), EOS_EINVALID);
    xpath_free(d);
    xpath_free(NULL);
}

static void test_ubl__draft_free_null(void)
{
    struct order_draft d;

    ubl_draft_free(NULL);
    memset(&d, 0, sizeof(d));
    ubl_draft_free(&d);
    CU_ASSERT_PTR_NULL(d.lines);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_ubl__parse_fixture_maps_every_field", test_ubl__parse_fixture_maps_every_field},
        {"test_ubl__parse_small_document", test_ubl__parse_small_document},
        {"test_ubl__party_codes_skip_registry_numbers", test_ubl__party_codes_skip_registry_numbers},
        {"test_ubl__parse_ignores_prefixes", test_ubl__parse_ignores_prefixes},
        {"test_ubl__parse_optional_parts", test_ubl__parse_optional_parts},
        {"test_ubl__refuses_billion_laughs", test_ubl__refuses_billion_laughs},
        {"test_ubl__refuses_external_entities", test_ubl__refuses_external_entities},
        {"test_ubl__refuses_entity_references", test_ubl__refuses_entity_references},
        {"test_ubl__refuses_deep_nesting", test_ubl__refuses_deep_nesting},
        {"test_ubl__refuses_too_many_attributes_and_elements",
         test_ubl__refuses_too_many_attributes_and_elements},
        {"test_ubl__refuses_utf16", test_ubl__refuses_utf16},
        {"test_ubl__fields_map_to_document_paths", test_ubl__fields_map_to_document_paths},
        {"test_ubl__refuses_wrong_root", test_ubl__refuses_wrong_root},
        {"test_ubl__refuses_missing_required", test_ubl__refuses_missing_required},
        {"test_ubl__refuses_bad_values", test_ubl__refuses_bad_values},
        {"test_ubl__refuses_not_well_formed", test_ubl__refuses_not_well_formed},
        {"test_ubl__refuses_too_large", test_ubl__refuses_too_large},
        {"test_ubl__refuses_too_many_lines", test_ubl__refuses_too_many_lines},
        {"test_ubl__silent", test_ubl__silent},
        {"test_ubl__parse_from_many_threads", test_ubl__parse_from_many_threads},
        {"test_ubl__write_order_document", test_ubl__write_order_document},
        {"test_ubl__write_parse_round_trip", test_ubl__write_parse_round_trip},
        {"test_ubl__order_document_is_the_order_as_placed",
         test_ubl__order_document_is_the_order_as_placed},
        {"test_ubl__write_minimal_order", test_ubl__write_minimal_order},
        {"test_ubl__write_refuses_bad_view", test_ubl__write_refuses_bad_view},
        {"test_ubl__response_code_table", test_ubl__response_code_table},
        {"test_ubl__response_received_ab", test_ubl__response_received_ab},
        {"test_ubl__response_accepted_ap", test_ubl__response_accepted_ap},
        {"test_ubl__response_changed_ca", test_ubl__response_changed_ca},
        {"test_ubl__response_rejected_re", test_ubl__response_rejected_re},
        {"test_ubl__xpath_reader", test_ubl__xpath_reader},
        {"test_ubl__draft_free_null", test_ubl__draft_free_null},
    };

    return cunit_run("ubl", NULL, NULL, tests, ARRAY_SIZE(tests));
}
