/*
 * order.c - the rules of a purchase order (see order.h): the status and
 * transition tables, validation of a buyer's draft, pricing of its lines,
 * the credit check and the draft's content hash.
 *
 * Pure: integer money arithmetic from money.c, SHA-256 from OpenSSL EVP,
 * nothing else. Every rule that is a table is a table here.
 */
#include "core/order.h"

#include "base/err.h"
#include "base/str.h"

#include <openssl/evp.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

__extension__ typedef __int128 wide_t;

#define LINE_NO_MIN 1
#define LINE_NO_MAX 99999

/* "line[500]/requestedDeliveryDate" and room to spare for any size_t index. */
#define FIELD_MAX 64

/* ------------------------------------------------------------ states */

/* What each status is called and what it allows besides transitions. */
struct status_info {
    const char *name;
    bool accepts_shipments; /* RecordShipment may add to it */
    bool open;              /* counts towards the buyer's credit exposure */
};

static const struct status_info statuses[ORDER_STATUS_COUNT] = {
    [ORDER_SUBMITTED] = {"SUBMITTED", false, true},
    [ORDER_ACCEPTED] = {"ACCEPTED", true, true},
    [ORDER_REJECTED] = {"REJECTED", false, false},
    [ORDER_CANCELLED] = {"CANCELLED", false, false},
    [ORDER_PARTIALLY_SHIPPED] = {"PARTIALLY_SHIPPED", true, true},
    [ORDER_SHIPPED] = {"SHIPPED", false, true},
    [ORDER_INVOICED] = {"INVOICED", false, false},
    [ORDER_PAID] = {"PAID", false, false},
    [ORDER_CLOSED] = {"CLOSED", false, false},
};

static const char *const action_names[ORDER_ACTION_COUNT] = {
    [ORDER_ACT_ACCEPT] = "ACCEPT", [ORDER_ACT_REJECT] = "REJECT", [ORDER_ACT_UNREJECT] = "UNREJECT",
    [ORDER_ACT_CANCEL] = "CANCEL", [ORDER_ACT_CLOSE] = "CLOSE",
};

/* When a cell of the transition table lets the action through. */
enum guard {
    REFUSED = 0,        /* never: every cell not written below */
    ALWAYS,             /* whatever has happened */
    IF_NOT_FULFILLED, /* only while nothing was shipped or invoiced */
};

struct transition {
    enum guard guard;
    enum order_status to; /* meaningful unless REFUSED */
};

/* The order state machine of CONTRACT.md, indexed [from][action]. Only the
 * allowed cells are written; every other cell is zero, which is REFUSED. */
static const struct transition transitions[ORDER_STATUS_COUNT][ORDER_ACTION_COUNT] = {
    [ORDER_SUBMITTED][ORDER_ACT_ACCEPT] = {ALWAYS, ORDER_ACCEPTED},
    [ORDER_SUBMITTED][ORDER_ACT_REJECT] = {ALWAYS, ORDER_REJECTED},
    [ORDER_SUBMITTED][ORDER_ACT_CANCEL] = {ALWAYS, ORDER_CANCELLED},
    [ORDER_ACCEPTED][ORDER_ACT_CANCEL] = {IF_NOT_FULFILLED, ORDER_CANCELLED},
    [ORDER_REJECTED][ORDER_ACT_UNREJECT] = {ALWAYS, ORDER_SUBMITTED},
    [ORDER_REJECTED][ORDER_ACT_CLOSE] = {ALWAYS, ORDER_CLOSED},
    [ORDER_CANCELLED][ORDER_ACT_CLOSE] = {ALWAYS, ORDER_CLOSED},
    [ORDER_PAID][ORDER_ACT_CLOSE] = {ALWAYS, ORDER_CLOSED},
};

static bool status_valid(enum order_status s)
{
    return (unsigned)s < ORDER_STATUS_COUNT;
}

static bool action_valid(enum order_action a)
{
    return (unsigned)a < ORDER_ACTION_COUNT;
}

const char *order_status_name(enum order_status s)
{
    return status_valid(s) ? statuses[s].name : "?";
}

const char *order_action_name(enum order_action a)
{
    return action_valid(a) ? action_names[a] : "?";
}

int order_status_parse(const char *name)
{
    for (int i = 0; i < ORDER_STATUS_COUNT; i++)
        if (name && strcmp(name, statuses[i].name) == 0)
            return i;
    return -1;
}

int order_action_parse(const char *name)
{
    for (int i = 0; i < ORDER_ACTION_COUNT; i++)
        if (name && strcmp(name, action_names[i]) == 0)
            return i;
    return -1;
}

/*
 * An out-of-range status or action is the caller's bug (it should have
 * parsed the client's text with order_action_parse() and refused -1), so it
 * is EOS_EINTERNAL rather than a fault the client could act on.
 */
int order_transition(enum order_status from, enum order_action action, bool fulfilled,
                     enum order_status *to)
{
    int error = 0;
    const struct transition *t;

    if (!status_valid(from) || !action_valid(action)) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "unknown order status %d or action %d", (int)from,
                            (int)action);
        goto out;
    }
    t = &transitions[from][action];
    if (t->guard == REFUSED) {
        error = eos_err_set(EOS_ETRANSITION, NULL, "cannot %s an order that is %s",
                            action_names[action], statuses[from].name);
        goto out;
    }
    if (t->guard == IF_NOT_FULFILLED && fulfilled) {
        error = eos_err_set(EOS_ETRANSITION, NULL,
                            "cannot %s an order that is %s once something was shipped or invoiced",
                            action_names[action], statuses[from].name);
        goto out;
    }
    *to = t->to;

out:
    return error;
}

/* ------------------------------------------------------------ fulfilment */

/* What the amounts must show for a fulfilment step to be taken. */
enum progress {
    PROGRESS_ANY_SHIPPED, /* some quantity shipped (or all of it) */
    PROGRESS_ALL_SHIPPED, /* every line fully shipped */
    PROGRESS_INVOICED,    /* invoiced >= total */
    PROGRESS_PAID,        /* paid >= total */
};

struct fulfilment_step {
    enum order_status from;
    enum progress when;
    enum order_status to;
};

/* Taken in this order, each at most once, so one call can walk the whole
 * chain; every step moves forward, so nothing ever moves back. */
static const struct fulfilment_step fulfilment_steps[] = {
    {ORDER_ACCEPTED, PROGRESS_ANY_SHIPPED, ORDER_PARTIALLY_SHIPPED},
    {ORDER_PARTIALLY_SHIPPED, PROGRESS_ALL_SHIPPED, ORDER_SHIPPED},
    {ORDER_SHIPPED, PROGRESS_INVOICED, ORDER_INVOICED},
    {ORDER_INVOICED, PROGRESS_PAID, ORDER_PAID},
};

enum order_status order_status_after_fulfilment(enum order_status current, bool any_shipped,
                                                bool all_shipped, money_t total, money_t invoiced,
                                                money_t paid)
{
    const bool reached[] = {
        [PROGRESS_ANY_SHIPPED] = any_shipped || all_shipped,
        [PROGRESS_ALL_SHIPPED] = all_shipped,
        [PROGRESS_INVOICED] = invoiced >= total,
        [PROGRESS_PAID] = paid >= total,
    };
    enum order_status s = current;

    for (size_t i = 0; i < ARRAY_SIZE(fulfilment_steps); i++)
        if (s == fulfilment_steps[i].from && reached[fulfilment_steps[i].when])
            s = fulfilment_steps[i].to;
    return s;
}

bool order_accepts_shipments(enum order_status s)
{
    return status_valid(s) && statuses[s].accepts_shipments;
}

int order_shipment_amount(money_t *out, qty_t shipped, qty_t qty, money_t unit_price,
                          const char *field)
{
    money_t before, after;
    int rc;

    if ((rc = money_line_amount_checked(&before, shipped, unit_price, field)) < 0 ||
        (rc = money_line_amount_checked(&after, shipped + qty, unit_price, field)) < 0)
        return rc;
    *out = after - before;
    return 0;
}

bool order_is_open(enum order_status s)
{
    return status_valid(s) && statuses[s].open;
}

/* ------------------------------------------------------------ the draft */

/* "line[i]/name" with i counted from 1, into buf. */
static const char *line_field(char buf[FIELD_MAX], size_t index, const char *name)
{
    snprintf(buf, FIELD_MAX, "line[%zu]/%s", index + 1, name);
    return buf;
}

/* True when s contains a tab, CR or LF, which utf8_valid_text() lets pass
 * but a one-line code or number must not hold. */
static bool has_line_break_or_tab(const char *s, size_t len)
{
    return memchr(s, '\t', len) || memchr(s, '\r', len) || memchr(s, '\n', len);
}

/*
 * Checks one text field of a fixed-size array: NUL-terminated inside the
 * array (a builder that overran it is refused, never read past), not empty
 * when required, valid UTF-8 without control characters; tabs and line
 * breaks only where multiline. Fails with EOS_EINVALID naming field.
 */
static int check_text(const char *s, size_t size, size_t max_chars, bool required, bool multiline,
                      const char *field)
{
    int error = 0;
    size_t len = strnlen(s, size);

    if (len == size || utf8_chars(s) > max_chars)
        error = eos_err_set(EOS_EINVALID, field, "too long: at most %zu characters", max_chars);
    else if (required && len == 0)
        error = eos_err_set(EOS_EINVALID, field, "must not be empty");
    else if (!utf8_valid_text(s, len) || (!multiline && has_line_break_or_tab(s, len)))
        error =
            eos_err_set(EOS_EINVALID, field, "not valid UTF-8 text or holds control characters");
    return error;
}

/* A code (seller, ship-to, SKU) is made of letters, digits and the few
 * marks in `marks`, whichever way it came: SubmitOrder's schema says so,
 * and a UBL document must not bring in what SubmitOrder refuses. */
static int check_code(const char *s, size_t size, size_t max_chars, bool required,
                      const char *marks, const char *field)
{
    int error = check_text(s, size, max_chars, required, false, field);

    if (!error && !str_is_code(s, marks))
        error = eos_err_set(EOS_EINVALID, field, "letters, digits and %s only", marks);
    return error;
}

/* "" or a calendar date; the array must hold its NUL. */
static int check_date(const char *s, size_t size, const char *field)
{
    int error = 0;
    size_t len = strnlen(s, size);

    if (len == size || (len != 0 && !date_valid(s)))
        error = eos_err_set(EOS_EINVALID, field, "not a date YYYY-MM-DD");
    return error;
}

static bool bit_test(const unsigned char *bits, int32_t n)
{
    return (bits[n / 8] >> (n % 8)) & 1u;
}

static void bit_set(unsigned char *bits, int32_t n)
{
    bits[n / 8] = (unsigned char)(bits[n / 8] | (1u << (n % 8)));
}

/* One line's own fields, in the contract's element order. seen holds the
 * line numbers of the lines before it. */
static int check_line(const struct order_draft_line *l, size_t index, unsigned char *seen)
{
    int error = 0;
    char field[FIELD_MAX];
    char max[MONEY_STR_MAX];

    if (l->line_no < LINE_NO_MIN || l->line_no > LINE_NO_MAX) {
        error = eos_err_set(EOS_EINVALID, line_field(field, index, "lineNo"),
                            "must be between %d and %d", LINE_NO_MIN, LINE_NO_MAX);
        goto out;
    }
    if (bit_test(seen, l->line_no)) {
        error = eos_err_set(EOS_EINVALID, line_field(field, index, "lineNo"),
                            "duplicate lineNo %" PRId32, l->line_no);
        goto out;
    }
    bit_set(seen, l->line_no);
    error = check_code(l->sku, sizeof(l->sku), SKU_MAX, true, "._/-",
                       line_field(field, index, "sku"));
    if (error)
        goto out;
    if (l->quantity <= 0 || l->quantity > QTY_MAX) {
        error = eos_err_set(EOS_EINVALID, line_field(field, index, "quantity"),
                            "must be greater than 0 and at most %s",
                            qty_format(max, sizeof(max), QTY_MAX));
        goto out;
    }
    if (l->has_expected_price && (l->expected_price < 0 || l->expected_price > MONEY_MAX)) {
        error = eos_err_set(EOS_EINVALID, line_field(field, index, "unitPrice"),
                            "must be between 0 and %s", money_format(max, sizeof(max), MONEY_MAX));
        goto out;
    }
    error = check_date(l->delivery_date, sizeof(l->delivery_date),
                       line_field(field, index, "requestedDeliveryDate"));

out:
    return error;
}

int order_draft_validate(const struct order_draft *d)
{
    int error = 0;
    /* One bit per possible line number: 12.5 KiB, cheaper than sorting. */
    unsigned char seen[LINE_NO_MAX / 8 + 1];

    if (!d || (d->line_count > 0 && !d->lines)) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no draft to validate");
        goto out;
    }
    error = check_text(d->buyer_order_no, sizeof(d->buyer_order_no), ORDER_NO_MAX, true, false, "buyerOrderNo");
    if (error)
        goto out;
    error = check_code(d->seller_code, sizeof(d->seller_code), CODE_MAX, false, "._-", "sellerCode");
    if (error)
        goto out;
    error = check_code(d->ship_to_code, sizeof(d->ship_to_code), CODE_MAX, false, "._-",
                       "shipToCode");
    if (error)
        goto out;
    error = check_date(d->delivery_date, sizeof(d->delivery_date), "requestedDeliveryDate");
    if (error)
        goto out;
    error = check_text(d->note, sizeof(d->note), NOTE_MAX, false, true, "note");
    if (error)
        goto out;
    if (d->line_count == 0) {
        error = eos_err_set(EOS_EINVALID, "line", "an order needs at least one line");
        goto out;
    }
    if (d->line_count > ORDER_MAX_LINES) {
        error = eos_err_set(EOS_ELIMIT, "line", "%zu lines: at most %d are allowed", d->line_count,
                            ORDER_MAX_LINES);
        goto out;
    }
    memset(seen, 0, sizeof(seen));
    for (size_t i = 0; i < d->line_count; i++) {
        error = check_line(&d->lines[i], i, seen);
        if (error)
            goto out;
    }

out:
    return error;
}

/* ------------------------------------------------------------ the hash */

/*
 * The canonical forms hashed by order_draft_hash(). Version 1: Every string
 * is its length as 8 bytes big-endian, then its bytes (no NUL); every number
 * 8 bytes big-endian two's complement; every flag one byte 0 or 1:
 *
 *   "eoshub.order_draft.v1", buyer_order_no, seller_code, ship_to_code,
 *   delivery_date, allow_adjust, note, line_count, then per line in the order
 *   sent: line_no, sku, quantity, has_expected_price, expected_price (only
 *   when has_expected_price), delivery_date.
 *
 * Each item can be read back without knowing the next, so two different
 * drafts never encode alike ("AB"+"C" is 2,A,B,1,C; "A"+"BC" is 1,A,2,B,C).
 * validate_only is left out: a trial run is the same order.
 *
 * Version 2 ("eoshub.order_draft.v2") is version 1 with the seller code the
 * draft resolved to (the account's, as the hub spells it) in place of the
 * one sent, and the currency sent, right after it, unless it is the
 * account's (then ""): leaving the buyer's only seller unnamed, or naming
 * it, is the same order; naming another currency is not.
 *
 * Stored hashes depend on these forms: change them only with a new version
 * string, and keep reading the old ones (orders stored under version 1).
 */
#define HASH_DOMAIN_V1 "eoshub.order_draft.v1"
#define HASH_DOMAIN_V2 "eoshub.order_draft.v2"

/* A digest in progress that remembers whether any step failed. */
struct hasher {
    EVP_MD_CTX *md;
    bool ok;
};

static void put_bytes(struct hasher *h, const void *p, size_t n)
{
    if (h->ok && n > 0)
        h->ok = EVP_DigestUpdate(h->md, p, n) == 1;
}

static void put_u64(struct hasher *h, uint64_t v)
{
    unsigned char b[8];

    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
    put_bytes(h, b, sizeof(b));
}

static void put_i64(struct hasher *h, int64_t v)
{
    put_u64(h, (uint64_t)v);
}

static void put_flag(struct hasher *h, bool v)
{
    unsigned char b = v ? 1 : 0;

    put_bytes(h, &b, 1);
}

/* A string held in a size-byte array: never read past the array. */
static void put_str(struct hasher *h, const char *s, size_t size)
{
    size_t len = strnlen(s, size);

    put_u64(h, (uint64_t)len);
    put_bytes(h, s, len);
}

/* sku: the line's SKU as the hash spells it (see put_draft). */
static void put_line(struct hasher *h, const struct order_draft_line *l, const char *sku)
{
    put_i64(h, l->line_no);
    put_str(h, sku, sizeof(l->sku));
    put_i64(h, l->quantity);
    put_flag(h, l->has_expected_price);
    if (l->has_expected_price)
        put_i64(h, l->expected_price);
    put_str(h, l->delivery_date, sizeof(l->delivery_date));
}

/* seller and currency NULL: version 1, the seller code and SKUs as sent.
 * Version 2 spells a SKU as the seller does when prices found it. */
static void put_draft(struct hasher *h, const struct order_draft *d, const char *seller,
                      const char *currency, const struct line_price *prices)
{
    size_t lines = d->lines ? d->line_count : 0;

    if (!seller) {
        put_str(h, HASH_DOMAIN_V1, sizeof(HASH_DOMAIN_V1));
        put_str(h, d->buyer_order_no, sizeof(d->buyer_order_no));
        put_str(h, d->seller_code, sizeof(d->seller_code));
    } else {
        put_str(h, HASH_DOMAIN_V2, sizeof(HASH_DOMAIN_V2));
        put_str(h, d->buyer_order_no, sizeof(d->buyer_order_no));
        put_str(h, seller, sizeof(d->seller_code));
        put_str(h, currency, sizeof(d->currency));
    }
    put_str(h, d->ship_to_code, sizeof(d->ship_to_code));
    put_str(h, d->delivery_date, sizeof(d->delivery_date));
    put_flag(h, d->allow_adjust);
    put_str(h, d->note, sizeof(d->note));
    put_u64(h, (uint64_t)lines);
    for (size_t i = 0; i < lines; i++)
        put_line(h, &d->lines[i],
                 seller && prices && prices[i].found ? prices[i].sku : d->lines[i].sku);
}

/*
 * Fails only when OpenSSL cannot allocate a context or fetch SHA-256, or d is
 * NULL. The void signature gives it no way to say so: out is then all zeros,
 * which a caller cannot tell from a real digest.
 */
static int hash_draft(const struct order_draft *d, const char *seller, const char *currency,
                      const struct line_price *prices, unsigned char out[32])
{
    struct hasher h = {NULL, false};
    unsigned int len = 0;

    if (d) {
        h.md = EVP_MD_CTX_new();
        h.ok = h.md && EVP_DigestInit_ex(h.md, EVP_sha256(), NULL) == 1;
        put_draft(&h, d, seller, currency, prices);
        h.ok = h.ok && EVP_DigestFinal_ex(h.md, out, &len) == 1 && len == 32;
    }
    EVP_MD_CTX_free(h.md);
    if (!h.ok) {
        memset(out, 0, 32);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    return 0;
}

int order_draft_hash_v1(const struct order_draft *d, unsigned char out[32])
{
    return hash_draft(d, NULL, NULL, NULL, out);
}

int order_draft_hash(const struct order_draft *d, const char *seller_code,
                     const char *account_currency, const struct line_price *prices,
                     unsigned char out[32])
{
    const char *currency = "";

    if (!seller_code || !account_currency)
        return hash_draft(NULL, NULL, NULL, NULL, out);
    if (d && d->currency[0] != '\0' && strcmp(d->currency, account_currency) != 0)
        currency = d->currency;
    return hash_draft(d, seller_code, currency, prices, out);
}

/* ------------------------------------------------------------ pricing */

/* Whether line i can be priced as the buyer sent it, and its amount. The
 * SKU is printed within its array, validated or not. */
/* Whether a quantity in unit a counts the same as one in unit b: the same
 * code whatever its case, or two of the codes that count single items (UN/ECE
 * Rec 20 EA each, C62 one, H87 piece; Rec 21 PCE; PC, PCS and UN as ERPs
 * write them), which UBL senders use for one another. */
static bool same_unit(const char *a, const char *b)
{
    static const char *const items[] = {"EA", "C62", "H87", "PCE", "PC", "PCS", "UN"};
    bool a_item = false, b_item = false;

    if (strcasecmp(a, b) == 0)
        return true;
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        a_item = a_item || strcasecmp(a, items[i]) == 0;
        b_item = b_item || strcasecmp(b, items[i]) == 0;
    }
    return a_item && b_item;
}

static int price_line(const struct order_draft_line *l, const struct line_price *p, size_t index,
                      money_t *amount)
{
    int error = 0;
    char field[FIELD_MAX];
    char want[MONEY_STR_MAX];
    char have[MONEY_STR_MAX];
    int sku_len = (int)strnlen(l->sku, sizeof(l->sku));

    if (!p->found) {
        error = eos_err_set(EOS_EUNKNOWN_PRODUCT, line_field(field, index, "sku"),
                            "unknown product %.*s", sku_len, l->sku);
        goto out;
    }
    if (!p->available) {
        error = eos_err_set(EOS_ENOT_AVAILABLE, line_field(field, index, "sku"),
                            "product %.*s is not available to this buyer", sku_len, l->sku);
        goto out;
    }
    if (!p->priced) {
        error = eos_err_set(EOS_ENOT_AVAILABLE, line_field(field, index, "sku"),
                            "product %.*s has no price today", sku_len, l->sku);
        goto out;
    }
    /* A quantity in another unit would be read as this one's: 2 dozen as 2. */
    if (l->unit_code[0] && !same_unit(l->unit_code, p->uom)) {
        error = eos_err_set(EOS_EINVALID, line_field(field, index, "quantity"),
                            "product %.*s is sold by %s: a quantity in %s is not taken", sku_len,
                            l->sku, p->uom, l->unit_code);
        goto out;
    }
    if (p->has_min_order && l->quantity < p->min_order) {
        char least[QTY_STR_MAX];

        error = eos_err_set(EOS_EINVALID, line_field(field, index, "quantity"),
                            "product %.*s is sold %s at the least", sku_len, l->sku,
                            qty_format(least, sizeof(least), p->min_order));
        goto out;
    }
    if (l->has_expected_price && l->expected_price != p->unit_price) {
        error = eos_err_set(EOS_EPRICE_MISMATCH, line_field(field, index, "unitPrice"),
                            "expected unit price %s, the price is %s",
                            money_format(want, sizeof(want), l->expected_price),
                            money_format(have, sizeof(have), p->unit_price));
        goto out;
    }
    error = money_line_amount_checked(amount, l->quantity, p->unit_price,
                                      line_field(field, index, "quantity"));

out:
    return error;
}

/*
 * Two passes so that out[] is written only on success: the first checks
 * every line and adds up the total, the second fills out[] (recomputing an
 * amount is cheaper than a scratch array of up to 500 lines). The partial
 * total is compared with MONEY_MAX after every line, so with each amount
 * within MONEY_MAX it never gets near int64 overflow.
 */
int order_price_lines(const struct order_draft *d, const struct line_price *prices,
                      struct priced_line *out, money_t *total)
{
    int error = 0;
    money_t sum = 0;
    char max[MONEY_STR_MAX];

    if (!d || (d->line_count > 0 && (!d->lines || !prices || !out))) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no draft or prices to price");
        goto out;
    }
    for (size_t i = 0; i < d->line_count; i++) {
        money_t amount = 0;

        error = price_line(&d->lines[i], &prices[i], i, &amount);
        if (error)
            goto out;
        sum += amount;
        if (sum > MONEY_MAX || sum < -MONEY_MAX) {
            error = eos_err_set(EOS_ELIMIT, NULL, "order total out of range: at most %s",
                                money_format(max, sizeof(max), MONEY_MAX));
            goto out;
        }
    }
    for (size_t i = 0; i < d->line_count; i++) {
        out[i].unit_price = prices[i].unit_price;
        out[i].line_amount = money_line_amount(d->lines[i].quantity, prices[i].unit_price);
    }
    *total = sum;

out:
    return error;
}

/* ------------------------------------------------------------ credit */

/* A figure for the message; sums of int64 values may not fit one. */
static money_t clamp_money(wide_t v)
{
    if (v > INT64_MAX)
        return INT64_MAX;
    if (v < INT64_MIN)
        return INT64_MIN;
    return (money_t)v;
}

/* Summed in __int128: open_orders and receivable are totals over many
 * documents and are not bounded by MONEY_MAX. */
int order_credit_check(const struct credit_position *pos, money_t amount)
{
    int error = 0;
    wide_t exposure;
    wide_t after;
    char limit[MONEY_STR_MAX];
    char current[MONEY_STR_MAX];
    char order[MONEY_STR_MAX];
    char excess[MONEY_STR_MAX];

    if (!pos) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no credit position");
        goto out;
    }
    if (!pos->has_limit)
        goto out;
    exposure = (wide_t)pos->open_orders + pos->receivable;
    after = exposure + amount;
    if (after <= pos->limit)
        goto out;
    error = eos_err_set(EOS_ECREDIT, NULL,
                        "credit limit %s exceeded: open orders and receivables %s plus this "
                        "order %s is %s over",
                        money_format(limit, sizeof(limit), pos->limit),
                        money_format(current, sizeof(current), clamp_money(exposure)),
                        money_format(order, sizeof(order), amount),
                        money_format(excess, sizeof(excess), clamp_money(after - pos->limit)));

out:
    return error;
}
