/*
 * test_order.c - unit tests of src/core/order.c: status and action names, the
 * transition table (every cell), fulfilment progress, draft validation, the
 * draft's content hash, line pricing and the credit check.
 * Runs as its own binary; exits non-zero when any assertion failed.
 */
#include "core/order.h"

#include "base/err.h"
#include "base/str.h"

#include "cunit_run.h"

#include <CUnit/Basic.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A value no function under test writes: proves an out-parameter untouched. */
#define SENTINEL INT64_C(-7777777)
#define STATUS_SENTINEL ((enum order_status)77)

/* "no transition" in the expected table below */
#define REFUSED (-1)

/* Money and quantities written the way people read them. */
#define M(units, ten_thousandths) ((money_t)(units)*MONEY_SCALE + (ten_thousandths))
#define Q(units, thousandths) ((qty_t)(units)*QTY_SCALE + (thousandths))

/* SHA-256 of the base fixture's canonical form, computed by another
 * implementation (Python's hashlib and struct) from the encoding that
 * order.c documents:
 *   s = lambda x: struct.pack('>Q', len(x)) + x.encode()
 *   i = lambda v: struct.pack('>q', v);  f = lambda b: bytes([b])
 *   e = s("eoshub.order_draft.v1") + s("PO-1001") + s("ACME") + s("DOCK-7")
 *       + s("2026-12-01") + f(1) + s("Ring the bell") + struct.pack('>Q', 3)
 *       + i(1) + s("SKU-A") + i(3000) + f(1) + i(199900) + s("")
 *       + i(2) + s("SKU-B") + i(333) + f(0) + s("2026-12-15")
 *       + i(3) + s("SKU-C") + i(1000) + f(1) + i(50000) + s("")
 *   hashlib.sha256(e).hexdigest()
 * Stored hashes decide idempotency across releases, so this must not drift. */
#define KAT_HASH "28d5d28d02abb844719994a5cbf12ab61d1b7ace9ab9bf002a52394628f135e5"

/* Version 2 of the same fixture for the account ACME in CNY: as above with
 * s("eoshub.order_draft.v2") first and s("") (the account's currency) after
 * s("ACME"). */
#define KAT_HASH_V2 "ee9c38e732b498ffa16a05e4c976f81eeb8829e1e78b4260bde5096236671828"

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

/* ------------------------------------------------------------ fixture */

#define FIXTURE_LINES 3

/* A valid three-line draft. Initialise in place: d.lines points into the
 * same struct, so a copy would share the original's lines. */
struct fixture {
    struct order_draft d;
    struct order_draft_line lines[FIXTURE_LINES];
};

static void set_line(struct order_draft_line *l, int32_t line_no, const char *sku, qty_t qty,
                     bool has_price, money_t price, const char *date)
{
    l->line_no = line_no;
    str_copy(l->sku, sizeof(l->sku), sku);
    l->quantity = qty;
    l->has_expected_price = has_price;
    l->expected_price = price;
    str_copy(l->delivery_date, sizeof(l->delivery_date), date);
}

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    str_copy(f->d.buyer_order_no, sizeof(f->d.buyer_order_no), "PO-1001");
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), "ACME");
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), "DOCK-7");
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), "2026-12-01");
    f->d.allow_adjust = true;
    f->d.validate_only = false;
    str_copy(f->d.note, sizeof(f->d.note), "Ring the bell");
    set_line(&f->lines[0], 1, "SKU-A", Q(3, 0), true, M(19, 9900), "");
    set_line(&f->lines[1], 2, "SKU-B", Q(0, 333), false, 0, "2026-12-15");
    set_line(&f->lines[2], 3, "SKU-C", Q(1, 0), true, M(5, 0), "");
    f->d.line_count = FIXTURE_LINES;
    f->d.lines = f->lines;
}

/* The catalog's answer for the fixture: every line found, available and
 * priced at what the buyer expects (19.99, 3.3333, 5.00). */
static void prices_init(struct line_price prices[FIXTURE_LINES])
{
    static const money_t unit[FIXTURE_LINES] = {M(19, 9900), M(3, 3333), M(5, 0)};

    memset(prices, 0, FIXTURE_LINES * sizeof(prices[0]));
    for (size_t i = 0; i < FIXTURE_LINES; i++) {
        prices[i].found = true;
        prices[i].available = true;
        prices[i].priced = true;
        prices[i].unit_price = unit[i];
        prices[i].list_price = unit[i] + M(1, 0);
        snprintf(prices[i].uom, sizeof(prices[i].uom), "%s", i == 1 ? "KGM" : "EA");
    }
}

static void hash_hex(const struct order_draft *d, char hex[65])
{
    unsigned char digest[32];

    CU_ASSERT_EQUAL(order_draft_hash_v1(d, digest), 0);
    hex_encode(hex, digest, sizeof(digest));
}

/* Version 2, for the account (seller, currency) the draft resolved to. */
static void hash_v2_hex(const struct order_draft *d, const char *seller, const char *currency,
                        char hex[65])
{
    unsigned char digest[32];

    CU_ASSERT_EQUAL(order_draft_hash(d, seller, currency, NULL, digest), 0);
    hex_encode(hex, digest, sizeof(digest));
}

/* ------------------------------------------------------------ names */

static void test_order__status_names_round_trip(void)
{
    static const char *const want[ORDER_STATUS_COUNT] = {
        "SUBMITTED", "ACCEPTED", "REJECTED", "CANCELLED", "PARTIALLY_SHIPPED",
        "SHIPPED",   "INVOICED", "PAID",     "CLOSED",
    };

    for (int s = 0; s < ORDER_STATUS_COUNT; s++) {
        const char *name = order_status_name((enum order_status)s);

        CHECK(strcmp(name, want[s]) == 0, "order_status_name(%d) = \"%s\", want \"%s\"", s, name,
              want[s]);
        CHECK(order_status_parse(name) == s, "order_status_parse(\"%s\") = %d, want %d", name,
              order_status_parse(name), s);
    }
    CU_ASSERT_STRING_EQUAL(order_status_name((enum order_status)ORDER_STATUS_COUNT), "?");
    CU_ASSERT_STRING_EQUAL(order_status_name((enum order_status) - 1), "?");
}

static void test_order__action_names_round_trip(void)
{
    static const char *const want[ORDER_ACTION_COUNT] = {"ACCEPT", "REJECT", "UNREJECT", "CANCEL",
                                                         "CLOSE"};

    for (int a = 0; a < ORDER_ACTION_COUNT; a++) {
        const char *name = order_action_name((enum order_action)a);

        CHECK(strcmp(name, want[a]) == 0, "order_action_name(%d) = \"%s\", want \"%s\"", a, name,
              want[a]);
        CHECK(order_action_parse(name) == a, "order_action_parse(\"%s\") = %d, want %d", name,
              order_action_parse(name), a);
    }
    CU_ASSERT_STRING_EQUAL(order_action_name((enum order_action)ORDER_ACTION_COUNT), "?");
    CU_ASSERT_STRING_EQUAL(order_action_name((enum order_action) - 1), "?");
}

static void test_order__parse_refuses_unknown_names(void)
{
    static const char *const rows[] = {
        "", "?", "submitted", "Accept", "SUBMITTED ", " CLOSE", "SHIP", "PARTIALLY SHIPPED",
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        CHECK(order_status_parse(rows[i]) == -1, "order_status_parse(\"%s\") = %d", rows[i],
              order_status_parse(rows[i]));
        CHECK(order_action_parse(rows[i]) == -1, "order_action_parse(\"%s\") = %d", rows[i],
              order_action_parse(rows[i]));
    }
    CU_ASSERT_EQUAL(order_status_parse(NULL), -1);
    CU_ASSERT_EQUAL(order_action_parse(NULL), -1);
    /* A status is not an action and the other way round. */
    CU_ASSERT_EQUAL(order_status_parse("ACCEPT"), -1);
    CU_ASSERT_EQUAL(order_action_parse("ACCEPTED"), -1);
}

/* ------------------------------------------------------------ transitions */

/* What each cell should give: the target with nothing shipped and with
 * something shipped, or REFUSED. Written out in full, independently of the
 * table in order.c. */
struct expected_cell {
    int unshipped;
    int shipped;
};

#define ALWAYS(s)                                                                                  \
    {                                                                                              \
        (s), (s)                                                                                   \
    }
#define NEVER                                                                                      \
    {                                                                                              \
        REFUSED, REFUSED                                                                           \
    }

static const struct expected_cell expected[ORDER_STATUS_COUNT][ORDER_ACTION_COUNT] = {
    /* ACCEPT, REJECT, UNREJECT, CANCEL, CLOSE */
    [ORDER_SUBMITTED] = {ALWAYS(ORDER_ACCEPTED), ALWAYS(ORDER_REJECTED), NEVER,
                         ALWAYS(ORDER_CANCELLED), NEVER},
    [ORDER_ACCEPTED] = {NEVER, NEVER, NEVER, {ORDER_CANCELLED, REFUSED}, NEVER},
    [ORDER_REJECTED] = {NEVER, NEVER, ALWAYS(ORDER_SUBMITTED), NEVER, ALWAYS(ORDER_CLOSED)},
    [ORDER_CANCELLED] = {NEVER, NEVER, NEVER, NEVER, ALWAYS(ORDER_CLOSED)},
    [ORDER_PARTIALLY_SHIPPED] = {NEVER, NEVER, NEVER, NEVER, NEVER},
    [ORDER_SHIPPED] = {NEVER, NEVER, NEVER, NEVER, NEVER},
    [ORDER_INVOICED] = {NEVER, NEVER, NEVER, NEVER, NEVER},
    [ORDER_PAID] = {NEVER, NEVER, NEVER, NEVER, ALWAYS(ORDER_CLOSED)},
    [ORDER_CLOSED] = {NEVER, NEVER, NEVER, NEVER, NEVER},
};

#undef ALWAYS
#undef NEVER

static void test_order__transition_table(void)
{
    int allowed = 0;

    for (int s = 0; s < ORDER_STATUS_COUNT; s++) {
        for (int a = 0; a < ORDER_ACTION_COUNT; a++) {
            for (int shipped = 0; shipped <= 1; shipped++) {
                int want = shipped ? expected[s][a].shipped : expected[s][a].unshipped;
                enum order_status to = STATUS_SENTINEL;
                int rc;

                eos_err_clear();
                rc =
                    order_transition((enum order_status)s, (enum order_action)a, shipped != 0, &to);
                if (want == REFUSED) {
                    CHECK(rc == EOS_ETRANSITION && to == STATUS_SENTINEL,
                          "%s + %s (shipped %d): rc %d, to %d, want refused untouched",
                          order_status_name((enum order_status)s),
                          order_action_name((enum order_action)a), shipped, rc, (int)to);
                    CHECK(message_has(order_status_name((enum order_status)s)) &&
                              message_has(order_action_name((enum order_action)a)),
                          "%s + %s: message \"%s\" should name both",
                          order_status_name((enum order_status)s),
                          order_action_name((enum order_action)a), eos_err_message());
                } else {
                    allowed++;
                    CHECK(rc == 0 && (int)to == want, "%s + %s (shipped %d): rc %d, to %s, want %s",
                          order_status_name((enum order_status)s),
                          order_action_name((enum order_action)a), shipped, rc,
                          order_status_name(to), order_status_name((enum order_status)want));
                }
            }
        }
    }
    /* 8 allowed cells unshipped, 7 shipped: the table above is not empty. */
    CU_ASSERT_EQUAL(allowed, 15);
}

static void test_order__transition_refusal_message(void)
{
    enum order_status to = STATUS_SENTINEL;

    eos_err_clear();
    CU_ASSERT_EQUAL(order_transition(ORDER_SHIPPED, ORDER_ACT_CANCEL, true, &to), EOS_ETRANSITION);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "cannot CANCEL an order that is SHIPPED");
    CU_ASSERT_PTR_NULL(eos_err_field());
    CU_ASSERT_EQUAL(eos_err_code(), EOS_ETRANSITION);
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);
}

static void test_order__transition_cancel_accepted_only_unshipped(void)
{
    enum order_status to = STATUS_SENTINEL;

    CU_ASSERT_EQUAL(order_transition(ORDER_ACCEPTED, ORDER_ACT_CANCEL, false, &to), 0);
    CU_ASSERT_EQUAL(to, ORDER_CANCELLED);

    to = STATUS_SENTINEL;
    eos_err_clear();
    CU_ASSERT_EQUAL(order_transition(ORDER_ACCEPTED, ORDER_ACT_CANCEL, true, &to), EOS_ETRANSITION);
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);
    CU_ASSERT_STRING_EQUAL(eos_err_message(),
                           "cannot CANCEL an order that is ACCEPTED once something was shipped or invoiced");
    /* SUBMITTED has nothing shipped by definition; the flag changes nothing. */
    CU_ASSERT_EQUAL(order_transition(ORDER_SUBMITTED, ORDER_ACT_CANCEL, true, &to), 0);
    CU_ASSERT_EQUAL(to, ORDER_CANCELLED);
}

static void test_order__transition_out_of_range_is_internal(void)
{
    enum order_status to = STATUS_SENTINEL;

    CU_ASSERT_EQUAL(
        order_transition((enum order_status)ORDER_STATUS_COUNT, ORDER_ACT_CLOSE, false, &to),
        EOS_EINTERNAL);
    CU_ASSERT_EQUAL(order_transition(ORDER_SUBMITTED, (enum order_action) - 1, false, &to),
                    EOS_EINTERNAL);
    CU_ASSERT_EQUAL(
        order_transition(ORDER_SUBMITTED, (enum order_action)ORDER_ACTION_COUNT, false, &to),
        EOS_EINTERNAL);
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);
}

/* ------------------------------------------------------------ fulfilment */

struct fulfilment_row {
    const char *what;
    enum order_status current;
    bool any_shipped;
    bool all_shipped;
    money_t total;
    money_t invoiced;
    money_t paid;
    enum order_status want;
};

#define T M(100, 0) /* order total of every row */

static void test_order__status_after_fulfilment(void)
{
    static const struct fulfilment_row rows[] = {
        {"accepted, nothing shipped", ORDER_ACCEPTED, false, false, T, 0, 0, ORDER_ACCEPTED},
        {"accepted, partly shipped", ORDER_ACCEPTED, true, false, T, 0, 0, ORDER_PARTIALLY_SHIPPED},
        {"accepted, all shipped", ORDER_ACCEPTED, true, true, T, 0, 0, ORDER_SHIPPED},
        {"partly, more shipped", ORDER_PARTIALLY_SHIPPED, true, false, T, 0, 0,
         ORDER_PARTIALLY_SHIPPED},
        {"partly, all shipped", ORDER_PARTIALLY_SHIPPED, true, true, T, 0, 0, ORDER_SHIPPED},
        {"partly, invoiced in full before shipping ends", ORDER_PARTIALLY_SHIPPED, true, false, T,
         T, 0, ORDER_PARTIALLY_SHIPPED},
        {"shipped, invoiced exactly the total", ORDER_SHIPPED, true, true, T, T, 0, ORDER_INVOICED},
        {"shipped, invoiced 0.01 short", ORDER_SHIPPED, true, true, T, T - M(0, 100), 0,
         ORDER_SHIPPED},
        {"shipped, invoiced more than the total", ORDER_SHIPPED, true, true, T, T + M(1, 0), 0,
         ORDER_INVOICED},
        {"shipped, paid but not invoiced", ORDER_SHIPPED, true, true, T, 0, T, ORDER_SHIPPED},
        {"invoiced, paid exactly the total", ORDER_INVOICED, true, true, T, T, T, ORDER_PAID},
        {"invoiced, paid 0.01 short", ORDER_INVOICED, true, true, T, T, T - M(0, 100),
         ORDER_INVOICED},
        {"accepted to invoiced in one call", ORDER_ACCEPTED, true, true, T, T, 0, ORDER_INVOICED},
        {"accepted to paid in one call", ORDER_ACCEPTED, true, true, T, T, T, ORDER_PAID},
        {"accepted, all shipped implies some shipped", ORDER_ACCEPTED, false, true, T, 0, 0,
         ORDER_SHIPPED},
        /* never backwards */
        {"partly, nothing shipped any more", ORDER_PARTIALLY_SHIPPED, false, false, T, 0, 0,
         ORDER_PARTIALLY_SHIPPED},
        {"shipped, shipment gone", ORDER_SHIPPED, false, false, T, 0, 0, ORDER_SHIPPED},
        {"invoiced, invoice gone", ORDER_INVOICED, true, true, T, 0, 0, ORDER_INVOICED},
        {"paid, payment gone", ORDER_PAID, false, false, T, 0, 0, ORDER_PAID},
        /* untouched states */
        {"submitted", ORDER_SUBMITTED, true, true, T, T, T, ORDER_SUBMITTED},
        {"rejected", ORDER_REJECTED, true, true, T, T, T, ORDER_REJECTED},
        {"cancelled", ORDER_CANCELLED, true, true, T, T, T, ORDER_CANCELLED},
        {"closed", ORDER_CLOSED, true, true, T, T, T, ORDER_CLOSED},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct fulfilment_row *r = &rows[i];
        enum order_status got = order_status_after_fulfilment(
            r->current, r->any_shipped, r->all_shipped, r->total, r->invoiced, r->paid);

        CHECK(got == r->want, "%s: got %s, want %s", r->what, order_status_name(got),
              order_status_name(r->want));
    }
}

#undef T

static void test_order__status_predicates(void)
{
    static const struct {
        enum order_status s;
        bool accepts_shipments;
        bool open;
    } rows[] = {
        {ORDER_SUBMITTED, false, true},
        {ORDER_ACCEPTED, true, true},
        {ORDER_REJECTED, false, false},
        {ORDER_CANCELLED, false, false},
        {ORDER_PARTIALLY_SHIPPED, true, true},
        {ORDER_SHIPPED, false, true},
        {ORDER_INVOICED, false, false},
        {ORDER_PAID, false, false},
        {ORDER_CLOSED, false, false},
        {(enum order_status)ORDER_STATUS_COUNT, false, false},
        {(enum order_status) - 1, false, false},
    };

    CU_ASSERT_EQUAL(ARRAY_SIZE(rows), ORDER_STATUS_COUNT + 2);
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        CHECK(order_accepts_shipments(rows[i].s) == rows[i].accepts_shipments,
              "order_accepts_shipments(%s) != %d", order_status_name(rows[i].s),
              rows[i].accepts_shipments);
        CHECK(order_is_open(rows[i].s) == rows[i].open, "order_is_open(%s) != %d",
              order_status_name(rows[i].s), rows[i].open);
    }
}

/* ------------------------------------------------------------ validation */

typedef void (*mutate_fn)(struct fixture *f);

struct invalid_row {
    const char *what;
    mutate_fn mutate;
    int code;
    const char *field;
    const char *message; /* exact, or NULL: not checked */
};

static void no_order_no(struct fixture *f)
{
    f->d.buyer_order_no[0] = '\0';
}

static void unterminated_order_no(struct fixture *f)
{
    memset(f->d.buyer_order_no, 'A', sizeof(f->d.buyer_order_no));
}

static void order_no_with_newline(struct fixture *f)
{
    str_copy(f->d.buyer_order_no, sizeof(f->d.buyer_order_no), "PO\n1");
}

static void seller_with_control(struct fixture *f)
{
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), "AC\001ME");
}

static void ship_to_bad_utf8(struct fixture *f)
{
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), "DOCK\xff");
}

static void date_not_leap(struct fixture *f)
{
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), "2026-02-29");
}

static void date_slashes(struct fixture *f)
{
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), "2026/12/01");
}

/* Codes hold what SubmitOrder's schema lets through, whichever way the
 * draft was made (a UBL document has no such pattern). */
static void ship_to_with_blanks(struct fixture *f)
{
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), "Dock 7; gate 'B'");
}

static void seller_code_with_slash(struct fixture *f)
{
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), "AC/ME");
}

static void sku_with_blank(struct fixture *f)
{
    str_copy(f->lines[1].sku, sizeof(f->lines[1].sku), "SKU B");
}

/* Well-formed UTF-8 that XML 1.0 cannot carry: the note would go into the
 * hub's UBL documents. */
static void note_noncharacter(struct fixture *f)
{
    str_copy(f->d.note, sizeof(f->d.note), "a\xef\xbf\xbf b");
}

static void note_truncated_utf8(struct fixture *f)
{
    str_copy(f->d.note, sizeof(f->d.note), "caf\xc3");
}

static void no_lines(struct fixture *f)
{
    f->d.line_count = 0;
}

static void line2_no_zero(struct fixture *f)
{
    f->lines[1].line_no = 0;
}

static void line2_no_negative(struct fixture *f)
{
    f->lines[1].line_no = -5;
}

static void line2_no_too_big(struct fixture *f)
{
    f->lines[1].line_no = 100000;
}

static void line3_duplicates_no(struct fixture *f)
{
    f->lines[1].line_no = 3; /* 1, 3, 3: the second 3 is the duplicate */
}

static void line2_no_sku(struct fixture *f)
{
    f->lines[1].sku[0] = '\0';
}

static void line2_sku_with_tab(struct fixture *f)
{
    str_copy(f->lines[1].sku, sizeof(f->lines[1].sku), "SKU\tB");
}

static void line2_zero_qty(struct fixture *f)
{
    f->lines[1].quantity = 0;
}

static void line2_negative_qty(struct fixture *f)
{
    f->lines[1].quantity = -Q(1, 0);
}

static void line2_negative_price(struct fixture *f)
{
    f->lines[1].has_expected_price = true;
    f->lines[1].expected_price = -1;
}

static void line2_bad_date(struct fixture *f)
{
    str_copy(f->lines[1].delivery_date, sizeof(f->lines[1].delivery_date), "2026-13-01");
}

static void header_and_line_bad(struct fixture *f)
{
    f->d.buyer_order_no[0] = '\0';
    f->lines[0].quantity = 0;
}

static void line1_and_line2_bad(struct fixture *f)
{
    f->lines[0].sku[0] = '\0';
    f->lines[1].line_no = 0;
}

static void test_order__draft_validate_refuses(void)
{
    static const struct invalid_row rows[] = {
        {"empty buyerOrderNo", no_order_no, EOS_EINVALID, "buyerOrderNo", "must not be empty"},
        {"unterminated buyerOrderNo", unterminated_order_no, EOS_EINVALID, "buyerOrderNo", NULL},
        {"buyerOrderNo with a line break", order_no_with_newline, EOS_EINVALID, "buyerOrderNo",
         NULL},
        {"control character in sellerCode", seller_with_control, EOS_EINVALID, "sellerCode", NULL},
        {"bad UTF-8 in shipToCode", ship_to_bad_utf8, EOS_EINVALID, "shipToCode", NULL},
        {"29 February of a common year", date_not_leap, EOS_EINVALID, "requestedDeliveryDate",
         NULL},
        {"date with slashes", date_slashes, EOS_EINVALID, "requestedDeliveryDate", NULL},
        {"truncated UTF-8 in note", note_truncated_utf8, EOS_EINVALID, "note", NULL},
        {"U+FFFF in note", note_noncharacter, EOS_EINVALID, "note", NULL},
        {"blanks in shipToCode", ship_to_with_blanks, EOS_EINVALID, "shipToCode", NULL},
        {"a slash in sellerCode", seller_code_with_slash, EOS_EINVALID, "sellerCode", NULL},
        {"a blank in a SKU", sku_with_blank, EOS_EINVALID, "line[2]/sku", NULL},
        {"no lines", no_lines, EOS_EINVALID, "line", NULL},
        {"lineNo 0", line2_no_zero, EOS_EINVALID, "line[2]/lineNo", "must be between 1 and 99999"},
        {"lineNo -5", line2_no_negative, EOS_EINVALID, "line[2]/lineNo", NULL},
        {"lineNo 100000", line2_no_too_big, EOS_EINVALID, "line[2]/lineNo", NULL},
        {"duplicate lineNo", line3_duplicates_no, EOS_EINVALID, "line[3]/lineNo",
         "duplicate lineNo 3"},
        {"empty sku", line2_no_sku, EOS_EINVALID, "line[2]/sku", "must not be empty"},
        {"sku with a tab", line2_sku_with_tab, EOS_EINVALID, "line[2]/sku", NULL},
        {"quantity 0", line2_zero_qty, EOS_EINVALID, "line[2]/quantity", NULL},
        {"quantity -1", line2_negative_qty, EOS_EINVALID, "line[2]/quantity", NULL},
        {"negative expected price", line2_negative_price, EOS_EINVALID, "line[2]/unitPrice", NULL},
        {"line date 2026-13-01", line2_bad_date, EOS_EINVALID, "line[2]/requestedDeliveryDate",
         NULL},
        /* the first wrong element in document order is the one named */
        {"header before lines", header_and_line_bad, EOS_EINVALID, "buyerOrderNo", NULL},
        {"line 1 before line 2", line1_and_line2_bad, EOS_EINVALID, "line[1]/sku", NULL},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct invalid_row *r = &rows[i];
        struct fixture f;
        int rc;

        fixture_init(&f);
        r->mutate(&f);
        eos_err_clear();
        rc = order_draft_validate(&f.d);
        CHECK(rc == r->code, "%s: rc %d, want %d", r->what, rc, r->code);
        CHECK(field_is(r->field), "%s: field \"%s\", want \"%s\"", r->what,
              str_or_null(eos_err_field()), r->field);
        CHECK(r->message == NULL || strcmp(eos_err_message(), r->message) == 0,
              "%s: message \"%s\", want \"%s\"", r->what, eos_err_message(),
              str_or_null(r->message));
    }
}

static void empty_optionals(struct fixture *f)
{
    f->d.seller_code[0] = '\0';
    f->d.ship_to_code[0] = '\0';
    f->d.delivery_date[0] = '\0';
    f->d.note[0] = '\0';
    f->d.allow_adjust = false;
}

static void line_no_bounds(struct fixture *f)
{
    f->lines[0].line_no = 99999;
    f->lines[2].line_no = 1;
}

static void leap_day(struct fixture *f)
{
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), "2028-02-29");
    str_copy(f->lines[0].delivery_date, sizeof(f->lines[0].delivery_date), "2000-02-29");
}

static void multiline_note(struct fixture *f)
{
    str_copy(f->d.note, sizeof(f->d.note), "Gate 2\r\n\tafter 8:00, caf\xc3\xa9");
}

static void smallest_qty_free_item(struct fixture *f)
{
    f->lines[1].quantity = 1; /* 0.001 */
    f->lines[2].expected_price = 0;
}

static void identity(struct fixture *f)
{
    (void)f;
}

static void test_order__draft_validate_accepts(void)
{
    static const struct {
        const char *what;
        mutate_fn mutate;
    } rows[] = {
        {"the fixture", identity},
        {"optional fields empty", empty_optionals},
        {"lineNo 99999 and 1", line_no_bounds},
        {"29 February of leap years", leap_day},
        {"note over several lines", multiline_note},
        {"0.001 of a free item", smallest_qty_free_item},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        struct fixture f;
        int rc;

        fixture_init(&f);
        rows[i].mutate(&f);
        eos_err_clear();
        rc = order_draft_validate(&f.d);
        CHECK(rc == 0, "%s: rc %d (%s: %s)", rows[i].what, rc, str_or_null(eos_err_field()),
              eos_err_message());
    }
}

/* 500 lines pass, 501 are LIMIT_EXCEEDED on "line". */
static void test_order__draft_validate_line_limit(void)
{
    /* static: 501 lines are too many for the stack, and nothing to free */
    static struct order_draft_line many[ORDER_MAX_LINES + 1];
    struct fixture f;

    fixture_init(&f);
    for (size_t i = 0; i < ARRAY_SIZE(many); i++)
        set_line(&many[i], (int32_t)(i + 1), "SKU-A", Q(1, 0), false, 0, "");
    f.d.lines = many;

    f.d.line_count = ORDER_MAX_LINES;
    CU_ASSERT_EQUAL(order_draft_validate(&f.d), 0);

    f.d.line_count = ORDER_MAX_LINES + 1;
    eos_err_clear();
    CU_ASSERT_EQUAL(order_draft_validate(&f.d), EOS_ELIMIT);
    CU_ASSERT_TRUE(field_is("line"));

    /* the duplicate is found however far apart the two lines are */
    many[ORDER_MAX_LINES - 1].line_no = 1;
    f.d.line_count = ORDER_MAX_LINES;
    eos_err_clear();
    CU_ASSERT_EQUAL(order_draft_validate(&f.d), EOS_EINVALID);
    CU_ASSERT_TRUE(field_is("line[500]/lineNo"));
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "duplicate lineNo 1");
}

/* ------------------------------------------------------------ hash */

static void test_order__hash_known_answer(void)
{
    struct fixture f;
    char hex[65];

    fixture_init(&f);
    hash_hex(&f.d, hex);
    CU_ASSERT_STRING_EQUAL(hex, KAT_HASH);
}

/* Version 2 is the same order however the seller was named (not at all,
 * in another case) and whether the account's currency was named; another
 * currency is another order. Its form is fixed like version 1's. */
static void test_order__hash_v2_follows_the_account(void)
{
    struct fixture f;
    char base[65], h[65], v1[65];

    fixture_init(&f);
    hash_hex(&f.d, v1);
    hash_v2_hex(&f.d, "ACME", "CNY", base);
    CU_ASSERT_STRING_EQUAL(base, KAT_HASH_V2);
    CU_ASSERT_STRING_NOT_EQUAL(base, v1);
    str_copy(f.d.seller_code, sizeof(f.d.seller_code), "");
    hash_v2_hex(&f.d, "ACME", "CNY", h);
    CU_ASSERT_STRING_EQUAL(h, base);
    str_copy(f.d.seller_code, sizeof(f.d.seller_code), "acme");
    str_copy(f.d.currency, sizeof(f.d.currency), "CNY");
    hash_v2_hex(&f.d, "ACME", "CNY", h);
    CU_ASSERT_STRING_EQUAL(h, base);
    str_copy(f.d.currency, sizeof(f.d.currency), "USD");
    hash_v2_hex(&f.d, "ACME", "CNY", h);
    CU_ASSERT_STRING_NOT_EQUAL(h, base);
    str_copy(f.d.currency, sizeof(f.d.currency), "");
    hash_v2_hex(&f.d, "ACMF", "CNY", h);
    CU_ASSERT_STRING_NOT_EQUAL(h, base);

    /* A SKU in the buyer's own case, found by the prices as the seller's. */
    {
        struct line_price prices[FIXTURE_LINES];
        unsigned char digest[32];

        prices_init(prices);
        for (size_t i = 0; i < FIXTURE_LINES; i++)
            str_copy(prices[i].sku, sizeof(prices[i].sku), f.lines[i].sku);
        str_copy(f.lines[0].sku, sizeof(f.lines[0].sku), "sku-a");
        CU_ASSERT_EQUAL(order_draft_hash(&f.d, "ACME", "CNY", prices, digest), 0);
        hex_encode(h, digest, sizeof(digest));
        CU_ASSERT_STRING_EQUAL(h, base);
        prices[0].found = false; /* not found: as sent, another order */
        CU_ASSERT_EQUAL(order_draft_hash(&f.d, "ACME", "CNY", prices, digest), 0);
        hex_encode(h, digest, sizeof(digest));
        CU_ASSERT_STRING_NOT_EQUAL(h, base);
    }
}

/* Only the content counts: bytes left after a string's NUL, the pointer to
 * the lines, validate_only and an expected price the buyer did not send. */
static void test_order__hash_same_content_same_hash(void)
{
    struct fixture a;
    struct fixture b;
    char ha[65];
    char hb[65];

    fixture_init(&a);
    fixture_init(&b);
    memset(b.d.note, 'x', sizeof(b.d.note));
    str_copy(b.d.note, sizeof(b.d.note), "Ring the bell");
    memset(b.lines[0].sku, 'y', sizeof(b.lines[0].sku));
    str_copy(b.lines[0].sku, sizeof(b.lines[0].sku), "SKU-A");
    b.d.validate_only = true;
    b.lines[1].expected_price = M(42, 0); /* has_expected_price stays false */
    hash_hex(&a.d, ha);
    hash_hex(&b.d, hb);
    CU_ASSERT_STRING_EQUAL(ha, hb);
    hash_hex(&a.d, hb);
    CU_ASSERT_STRING_EQUAL(ha, hb);
}

static void change_order_no(struct fixture *f)
{
    str_copy(f->d.buyer_order_no, sizeof(f->d.buyer_order_no), "PO-1002");
}

static void change_seller(struct fixture *f)
{
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), "ACMF");
}

static void change_ship_to(struct fixture *f)
{
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), "DOCK-8");
}

static void change_date(struct fixture *f)
{
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), "2026-12-02");
}

static void change_allow_adjust(struct fixture *f)
{
    f->d.allow_adjust = false;
}

static void change_note(struct fixture *f)
{
    str_copy(f->d.note, sizeof(f->d.note), "Ring the bell!");
}

static void drop_last_line(struct fixture *f)
{
    f->d.line_count = 2;
}

static void change_line_no(struct fixture *f)
{
    f->lines[1].line_no = 4;
}

static void change_sku(struct fixture *f)
{
    str_copy(f->lines[1].sku, sizeof(f->lines[1].sku), "SKU-b");
}

static void change_qty(struct fixture *f)
{
    f->lines[1].quantity += 1;
}

static void add_price(struct fixture *f)
{
    f->lines[1].has_expected_price = true; /* expected_price is 0 */
}

static void drop_price(struct fixture *f)
{
    f->lines[0].has_expected_price = false;
}

static void change_price(struct fixture *f)
{
    f->lines[0].expected_price += 1;
}

static void change_line_date(struct fixture *f)
{
    str_copy(f->lines[1].delivery_date, sizeof(f->lines[1].delivery_date), "2026-12-16");
}

static void swap_lines(struct fixture *f)
{
    struct order_draft_line tmp = f->lines[0];

    f->lines[0] = f->lines[1];
    f->lines[1] = tmp;
}

static void test_order__hash_changes_with_every_field(void)
{
    static const struct {
        const char *what;
        mutate_fn mutate;
    } rows[] = {
        {"buyerOrderNo", change_order_no},
        {"sellerCode", change_seller},
        {"shipToCode", change_ship_to},
        {"requestedDeliveryDate", change_date},
        {"allowAdjust", change_allow_adjust},
        {"note", change_note},
        {"line count", drop_last_line},
        {"lineNo", change_line_no},
        {"sku", change_sku},
        {"quantity", change_qty},
        {"price presence (added)", add_price},
        {"price presence (dropped)", drop_price},
        {"price value", change_price},
        {"line delivery date", change_line_date},
        {"line order", swap_lines},
    };
    char hex[ARRAY_SIZE(rows) + 1][65];
    struct fixture f;

    fixture_init(&f);
    hash_hex(&f.d, hex[0]);
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        fixture_init(&f);
        rows[i].mutate(&f);
        hash_hex(&f.d, hex[i + 1]);
    }
    /* every change differs from the fixture and from every other change */
    for (size_t i = 0; i < ARRAY_SIZE(hex); i++)
        for (size_t j = i + 1; j < ARRAY_SIZE(hex); j++)
            CHECK(strcmp(hex[i], hex[j]) != 0, "%s and %s hash alike",
                  i == 0 ? "the fixture" : rows[i - 1].what, rows[j - 1].what);
}

/* Two strings next to each other in the encoding, split at different
 * places: a plain concatenation would make these pairs the same. */
struct split_row {
    const char *what;
    void (*set)(struct fixture *f, const char *left, const char *right);
    const char *left1, *right1;
    const char *left2, *right2;
};

static void set_order_no_seller(struct fixture *f, const char *l, const char *r)
{
    str_copy(f->d.buyer_order_no, sizeof(f->d.buyer_order_no), l);
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), r);
}

static void set_seller_ship_to(struct fixture *f, const char *l, const char *r)
{
    str_copy(f->d.seller_code, sizeof(f->d.seller_code), l);
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), r);
}

static void set_ship_to_date(struct fixture *f, const char *l, const char *r)
{
    str_copy(f->d.ship_to_code, sizeof(f->d.ship_to_code), l);
    str_copy(f->d.delivery_date, sizeof(f->d.delivery_date), r);
}

static void set_two_skus(struct fixture *f, const char *l, const char *r)
{
    str_copy(f->lines[0].sku, sizeof(f->lines[0].sku), l);
    str_copy(f->lines[1].sku, sizeof(f->lines[1].sku), r);
}

static void set_sku_line_date(struct fixture *f, const char *l, const char *r)
{
    str_copy(f->lines[0].sku, sizeof(f->lines[0].sku), l);
    str_copy(f->lines[0].delivery_date, sizeof(f->lines[0].delivery_date), r);
}

static void test_order__hash_field_boundaries(void)
{
    static const struct split_row rows[] = {
        {"buyerOrderNo|sellerCode", set_order_no_seller, "AB", "C", "A", "BC"},
        {"sellerCode|shipToCode", set_seller_ship_to, "AB", "C", "A", "BC"},
        {"sellerCode|shipToCode, one empty", set_seller_ship_to, "ABC", "", "", "ABC"},
        {"shipToCode|requestedDeliveryDate", set_ship_to_date, "X2026-12-01", "", "X",
         "2026-12-01"},
        {"sku of line 1|sku of line 2", set_two_skus, "AB", "C", "A", "BC"},
        {"sku|line date", set_sku_line_date, "A2026-12-01", "", "A", "2026-12-01"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        struct fixture f;
        char h1[65];
        char h2[65];

        fixture_init(&f);
        rows[i].set(&f, rows[i].left1, rows[i].right1);
        hash_hex(&f.d, h1);
        fixture_init(&f);
        rows[i].set(&f, rows[i].left2, rows[i].right2);
        hash_hex(&f.d, h2);
        CHECK(strcmp(h1, h2) != 0, "%s: \"%s\"+\"%s\" and \"%s\"+\"%s\" hash alike", rows[i].what,
              rows[i].left1, rows[i].right1, rows[i].left2, rows[i].right2);
    }
}

/* A line sent twice is another order than the line sent once: the line
 * count is part of the hash, not only the lines' bytes. */
static void test_order__hash_counts_lines(void)
{
    struct fixture one;
    struct fixture two;
    char h1[65];
    char h2[65];

    fixture_init(&one);
    fixture_init(&two);
    one.d.line_count = 1;
    two.d.line_count = 2;
    two.lines[1] = two.lines[0];
    hash_hex(&one.d, h1);
    hash_hex(&two.d, h2);
    CU_ASSERT_STRING_NOT_EQUAL(h1, h2);
}

/* ------------------------------------------------------------ pricing */

static void test_order__price_worked_examples(void)
{
    static const struct {
        qty_t qty;
        money_t price;
        money_t want;
    } rows[] = {
        {Q(3, 0), M(19, 9900), M(59, 9700)}, /* 3 x 19.99 = 59.97 */
        {Q(0, 333), M(3, 3333), M(1, 1100)}, /* 0.333 x 3.3333 = 1.1099889 -> 1.11 */
        {Q(1, 0), M(5, 0), M(5, 0)},
    };
    struct fixture f;
    struct line_price prices[FIXTURE_LINES];
    struct priced_line out[FIXTURE_LINES];
    money_t total = SENTINEL;
    money_t sum = 0;

    fixture_init(&f);
    prices_init(prices);
    for (size_t i = 0; i < FIXTURE_LINES; i++) {
        f.lines[i].quantity = rows[i].qty;
        prices[i].unit_price = rows[i].price;
        f.lines[i].has_expected_price = false;
        sum += rows[i].want;
    }
    CU_ASSERT_EQUAL_FATAL(order_price_lines(&f.d, prices, out, &total), 0);
    for (size_t i = 0; i < FIXTURE_LINES; i++) {
        char got[MONEY_STR_MAX];
        char want[MONEY_STR_MAX];

        CHECK(out[i].line_amount == rows[i].want, "line %zu: amount %s, want %s", i + 1,
              money_format(got, sizeof(got), out[i].line_amount),
              money_format(want, sizeof(want), rows[i].want));
        CHECK(out[i].unit_price == rows[i].price, "line %zu: unit price %" PRId64, i + 1,
              out[i].unit_price);
    }
    CU_ASSERT_EQUAL(sum, M(66, 800)); /* 59.97 + 1.11 + 5.00 */
    CU_ASSERT_EQUAL(total, sum);
}

/* The buyer's own price is what it pays, whatever the list price. */
static void test_order__price_uses_buyer_price(void)
{
    struct fixture f;
    struct line_price prices[FIXTURE_LINES];
    struct priced_line out[FIXTURE_LINES];
    money_t total = SENTINEL;

    fixture_init(&f);
    prices_init(prices);
    prices[1].list_price = M(9, 0);
    CU_ASSERT_EQUAL_FATAL(order_price_lines(&f.d, prices, out, &total), 0);
    CU_ASSERT_EQUAL(out[1].unit_price, M(3, 3333));
    CU_ASSERT_EQUAL(out[1].line_amount, M(1, 1100));
}

/* A product with a minimum order quantity takes no line below it. */
static void test_order__price_holds_the_minimum_order(void)
{
    static const struct {
        qty_t qty, least;
        bool taken;
    } rows[] = {{Q(3, 0), Q(3, 0), true}, {Q(3, 0), Q(2, 500), true}, {Q(2, 999), Q(3, 0), false}};

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct fixture f;
        struct line_price prices[FIXTURE_LINES];
        struct priced_line out[FIXTURE_LINES];
        money_t total = SENTINEL;
        int rc;

        fixture_init(&f);
        prices_init(prices);
        f.lines[0].quantity = rows[r].qty;
        prices[0].has_min_order = true;
        prices[0].min_order = rows[r].least;
        eos_err_clear();
        rc = order_price_lines(&f.d, prices, out, &total);
        CHECK(rc == (rows[r].taken ? 0 : EOS_EINVALID), "row %zu: rc %d", r, rc);
        if (!rows[r].taken)
            CHECK(strcmp(eos_err_field(), "line[1]/quantity") == 0 &&
                      strstr(eos_err_message(), "3 at the least") != NULL,
                  "row %zu: %s: %s", r, eos_err_field(), eos_err_message());
    }
}

/* A quantity counted in another unit than the product's is refused, not
 * read as the product's: 2 DZN of a product sold by EA is not 2 EA. The
 * codes for single items stand for one another. */
static void test_order__price_holds_the_unit(void)
{
    static const struct {
        const char *unit; /* line 1's, its product sold by EA */
        bool taken;
    } rows[] = {
        {"", true},     {"EA", true},   {"ea", true},   {"C62", true},  {"H87", true},
        {"PCE", true},  {"DZN", false}, {"KGM", false}, {"BOX", false},
    };

    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct fixture f;
        struct line_price prices[FIXTURE_LINES];
        struct priced_line out[FIXTURE_LINES];
        money_t total = SENTINEL;
        int rc;

        fixture_init(&f);
        prices_init(prices);
        snprintf(f.lines[0].unit_code, sizeof(f.lines[0].unit_code), "%s", rows[r].unit);
        snprintf(f.lines[1].unit_code, sizeof(f.lines[1].unit_code), "kgm");
        eos_err_clear();
        rc = order_price_lines(&f.d, prices, out, &total);
        CHECK(rc == (rows[r].taken ? 0 : EOS_EINVALID), "unit %s: rc %d", rows[r].unit, rc);
        if (!rows[r].taken) {
            CHECK(strcmp(eos_err_field(), "line[1]/quantity") == 0, "unit %s: field %s",
                  rows[r].unit, eos_err_field());
            CHECK(strstr(eos_err_message(), "sold by EA") != NULL, "unit %s: message %s",
                  rows[r].unit, eos_err_message());
            CHECK(total == SENTINEL, "unit %s: total written", rows[r].unit);
        }
    }
}

enum price_fault {
    FAULT_UNKNOWN,
    FAULT_UNAVAILABLE,
    FAULT_UNPRICED,
    FAULT_MISMATCH,
};

struct price_refusal_row {
    const char *what;
    enum price_fault fault;
    int code;
    const char *field;
    const char *must_say[2]; /* parts of the message, NULL when none */
};

static void test_order__price_refusals(void)
{
    static const struct price_refusal_row rows[] = {
        {"unknown product", FAULT_UNKNOWN, EOS_EUNKNOWN_PRODUCT, "line[2]/sku", {"SKU-B", NULL}},
        {"not available", FAULT_UNAVAILABLE, EOS_ENOT_AVAILABLE, "line[2]/sku", {"SKU-B", NULL}},
        {"no price", FAULT_UNPRICED, EOS_ENOT_AVAILABLE, "line[2]/sku", {"SKU-B", NULL}},
        {"price mismatch",
         FAULT_MISMATCH,
         EOS_EPRICE_MISMATCH,
         "line[2]/unitPrice",
         {"3.3332", "3.3333"}},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        const struct price_refusal_row *r = &rows[i];
        struct fixture f;
        struct line_price prices[FIXTURE_LINES];
        struct priced_line out[FIXTURE_LINES];
        money_t total = SENTINEL;
        int rc;

        fixture_init(&f);
        prices_init(prices);
        for (size_t j = 0; j < FIXTURE_LINES; j++)
            out[j].unit_price = out[j].line_amount = SENTINEL;
        /* line 3 is wrong too: line 2 is reported, the first in order */
        prices[2].found = false;
        switch (r->fault) {
        case FAULT_UNKNOWN:
            prices[1].found = false;
            break;
        case FAULT_UNAVAILABLE:
            prices[1].available = false;
            break;
        case FAULT_UNPRICED:
            prices[1].priced = false;
            break;
        case FAULT_MISMATCH:
            f.lines[1].has_expected_price = true;
            f.lines[1].expected_price = M(3, 3332);
            break;
        }
        eos_err_clear();
        rc = order_price_lines(&f.d, prices, out, &total);
        CHECK(rc == r->code, "%s: rc %d, want %d", r->what, rc, r->code);
        CHECK(field_is(r->field), "%s: field \"%s\", want \"%s\"", r->what,
              str_or_null(eos_err_field()), r->field);
        for (size_t k = 0; k < ARRAY_SIZE(r->must_say) && r->must_say[k]; k++)
            CHECK(message_has(r->must_say[k]), "%s: message \"%s\" lacks \"%s\"", r->what,
                  eos_err_message(), r->must_say[k]);
        CHECK(total == SENTINEL, "%s: total written on failure", r->what);
        for (size_t j = 0; j < FIXTURE_LINES; j++)
            CHECK(out[j].unit_price == SENTINEL && out[j].line_amount == SENTINEL,
                  "%s: out[%zu] written on failure", r->what, j);
    }
}

/* The buyer's expected price is compared as money, not as text: "19.990",
 * "19.99" and "+19.9900" are all the catalog's 19.99. */
static void test_order__price_expected_equal_passes(void)
{
    static const char *const texts[] = {"19.99", "19.990", "+19.9900", " 019.99 "};

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct fixture f;
        struct line_price prices[FIXTURE_LINES];
        struct priced_line out[FIXTURE_LINES];
        money_t total = SENTINEL;
        int rc;

        fixture_init(&f);
        prices_init(prices);
        CU_ASSERT_EQUAL_FATAL(money_parse(&f.lines[0].expected_price, texts[i], "unitPrice"), 0);
        f.lines[0].has_expected_price = true;
        rc = order_price_lines(&f.d, prices, out, &total);
        CHECK(rc == 0, "expected \"%s\" against 19.99: rc %d (%s)", texts[i], rc,
              eos_err_message());
        CHECK(total == M(66, 800), "expected \"%s\": total %" PRId64, texts[i], total);
    }
}

static void test_order__price_out_of_range(void)
{
    struct fixture f;
    struct line_price prices[FIXTURE_LINES];
    struct priced_line out[FIXTURE_LINES];
    money_t total = SENTINEL;

    /* one line's amount past MONEY_MAX: names that line's quantity */
    fixture_init(&f);
    prices_init(prices);
    f.lines[0].has_expected_price = false;
    f.lines[0].quantity = QTY_MAX;
    prices[0].unit_price = MONEY_MAX;
    eos_err_clear();
    CU_ASSERT_EQUAL(order_price_lines(&f.d, prices, out, &total), EOS_EINVALID);
    CU_ASSERT_TRUE(field_is("line[1]/quantity"));
    CU_ASSERT_EQUAL(total, SENTINEL);

    /* 99999999999999.99 alone is the largest total; 0.01 more is too much */
    fixture_init(&f);
    prices_init(prices);
    f.d.line_count = 2;
    f.lines[0].has_expected_price = false;
    f.lines[0].quantity = Q(1, 0);
    prices[0].unit_price = MONEY_MAX / 100 * 100;
    f.lines[1].quantity = Q(1, 0);
    prices[1].unit_price = 0;
    CU_ASSERT_EQUAL(order_price_lines(&f.d, prices, out, &total), 0);
    CU_ASSERT_EQUAL(total, MONEY_MAX / 100 * 100);

    total = SENTINEL;
    prices[1].unit_price = M(0, 100);
    eos_err_clear();
    CU_ASSERT_EQUAL(order_price_lines(&f.d, prices, out, &total), EOS_ELIMIT);
    CU_ASSERT_EQUAL(total, SENTINEL);
}

/* ------------------------------------------------------------ credit */

struct credit_row {
    const char *what;
    struct credit_position pos;
    money_t amount;
    int want;
};

static void test_order__credit_check(void)
{
    static const struct credit_row rows[] = {
        {"no limit, nothing owed", {false, 0, 0, 0}, M(100, 0), 0},
        {"no limit, far past any figure", {false, M(1, 0), MONEY_MAX, MONEY_MAX}, MONEY_MAX, 0},
        {"exactly at the limit", {true, M(1000, 0), M(600, 0), M(300, 0)}, M(100, 0), 0},
        {"0.01 over the limit", {true, M(1000, 0), M(600, 0), M(300, 0)}, M(100, 100), EOS_ECREDIT},
        {"well under the limit", {true, M(1000, 0), 0, 0}, M(1, 0), 0},
        {"zero limit, free order", {true, 0, 0, 0}, 0, 0},
        {"zero limit, 0.01 order", {true, 0, 0, 0}, M(0, 100), EOS_ECREDIT},
        {"already over, free order", {true, M(10, 0), M(20, 0), 0}, 0, EOS_ECREDIT},
        {"exposure past int64", {true, MONEY_MAX, INT64_MAX, INT64_MAX}, MONEY_MAX, EOS_ECREDIT},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        int rc;

        eos_err_clear();
        rc = order_credit_check(&rows[i].pos, rows[i].amount);
        CHECK(rc == rows[i].want, "%s: rc %d, want %d", rows[i].what, rc, rows[i].want);
    }
}

/* A line's shipments add up to its line amount, however it is split. */
static void test_order__shipments_add_up_to_the_line_amount(void)
{
    static const struct {
        const char *what;
        qty_t quantity;
        money_t price;
        qty_t parts[4];
        money_t want[4];
    } rows[] = {
        {"3 at 3.3333 in ones", Q(3, 0), M(3, 3333), {Q(1, 0), Q(1, 0), Q(1, 0)},
         {M(3, 3300), M(3, 3400), M(3, 3300)}},
        {"2 at 0.005 in ones", Q(2, 0), M(0, 50), {Q(1, 0), Q(1, 0)}, {M(0, 100), 0}},
        {"10 at 20.00 as 4 and 6", Q(10, 0), M(20, 0), {Q(4, 0), Q(6, 0)},
         {M(80, 0), M(120, 0)}},
        {"1.5 at 0.3333 as 0.5 three times", Q(1, 500), M(0, 3333), {Q(0, 500), Q(0, 500), Q(0, 500)},
         {M(0, 1700), M(0, 1600), M(0, 1700)}},
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t line = 0, sum = 0, part = 0;
        qty_t shipped = 0;

        CU_ASSERT_EQUAL_FATAL(money_line_amount_checked(&line, rows[i].quantity, rows[i].price,
                                                        "q"), 0);
        for (size_t k = 0; k < 4 && rows[i].parts[k]; k++) {
            CU_ASSERT_EQUAL_FATAL(order_shipment_amount(&part, shipped, rows[i].parts[k],
                                                        rows[i].price, "q"), 0);
            CHECK(part == rows[i].want[k], "%s: part %zu is %lld, want %lld", rows[i].what, k,
                  (long long)part, (long long)rows[i].want[k]);
            sum += part;
            shipped += rows[i].parts[k];
        }
        CHECK(sum == line, "%s: shipments %lld, line %lld", rows[i].what, (long long)sum,
              (long long)line);
    }
}

static void test_order__credit_message_has_figures(void)
{
    static const struct credit_position pos = {true, M(1000, 0), M(600, 0), M(300, 0)};
    static const char *const figures[] = {"1000.00", "900.00", "100.01", "0.01"};

    eos_err_clear();
    CU_ASSERT_EQUAL_FATAL(order_credit_check(&pos, M(100, 100)), EOS_ECREDIT);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_ECREDIT);
    for (size_t i = 0; i < ARRAY_SIZE(figures); i++)
        CHECK(message_has(figures[i]), "message \"%s\" lacks \"%s\"", eos_err_message(),
              figures[i]);
    /* "0.01" is also inside "100.01": the whole message shows which is which */
    CU_ASSERT_STRING_EQUAL(eos_err_message(),
                           "credit limit 1000.00 exceeded: open orders and receivables 900.00 "
                           "plus this order 100.01 is 0.01 over");
    CU_ASSERT_PTR_NULL(eos_err_field());
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_order__status_names_round_trip", test_order__status_names_round_trip},
        {"test_order__shipments_add_up_to_the_line_amount",
         test_order__shipments_add_up_to_the_line_amount},
        {"test_order__action_names_round_trip", test_order__action_names_round_trip},
        {"test_order__parse_refuses_unknown_names", test_order__parse_refuses_unknown_names},
        {"test_order__transition_table", test_order__transition_table},
        {"test_order__transition_refusal_message", test_order__transition_refusal_message},
        {"test_order__transition_cancel_accepted_only_unshipped",
         test_order__transition_cancel_accepted_only_unshipped},
        {"test_order__transition_out_of_range_is_internal",
         test_order__transition_out_of_range_is_internal},
        {"test_order__status_after_fulfilment", test_order__status_after_fulfilment},
        {"test_order__status_predicates", test_order__status_predicates},
        {"test_order__draft_validate_refuses", test_order__draft_validate_refuses},
        {"test_order__draft_validate_accepts", test_order__draft_validate_accepts},
        {"test_order__draft_validate_line_limit", test_order__draft_validate_line_limit},
        {"test_order__hash_known_answer", test_order__hash_known_answer},
        {"test_order__hash_v2_follows_the_account", test_order__hash_v2_follows_the_account},
        {"test_order__hash_same_content_same_hash", test_order__hash_same_content_same_hash},
        {"test_order__hash_changes_with_every_field", test_order__hash_changes_with_every_field},
        {"test_order__hash_field_boundaries", test_order__hash_field_boundaries},
        {"test_order__hash_counts_lines", test_order__hash_counts_lines},
        {"test_order__price_worked_examples", test_order__price_worked_examples},
        {"test_order__price_uses_buyer_price", test_order__price_uses_buyer_price},
        {"test_order__price_holds_the_unit", test_order__price_holds_the_unit},
        {"test_order__price_holds_the_minimum_order", test_order__price_holds_the_minimum_order},
        {"test_order__price_refusals", test_order__price_refusals},
        {"test_order__price_expected_equal_passes", test_order__price_expected_equal_passes},
        {"test_order__price_out_of_range", test_order__price_out_of_range},
        {"test_order__credit_check", test_order__credit_check},
        {"test_order__credit_message_has_figures", test_order__credit_message_has_figures},
    };

    return cunit_run("order", NULL, NULL, tests, ARRAY_SIZE(tests));
}
