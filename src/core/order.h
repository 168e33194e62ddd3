/*
 * order.h - the rules of a purchase order: its states and the one table of
 * allowed transitions, validation of a buyer's draft, pricing of its lines,
 * the credit check, and the content hash that makes submission idempotent.
 *
 * Pure: no SQL, no gSOAP, no I/O. Both the buyer's and the seller's paths ask
 * this module what an order may do next.
 */
#ifndef EOS_CORE_ORDER_H
#define EOS_CORE_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

#define ORDER_MAX_LINES 500
#define ORDER_NO_MAX 64     /* buyerOrderNo and other client document numbers */
#define SKU_MAX 64
#define CODE_MAX 32
#define NOTE_MAX 2000
#define REASON_MAX 500
#define NAME_CHARS_MAX 200
#define SEARCH_MAX 100
#define DATE_LEN 10         /* YYYY-MM-DD */

/* Limits of text are in characters (as in the XSD and the utf8mb4 columns);
 * a buffer for n characters of UTF-8 takes up to 4n bytes and the NUL. */
#define TEXT_BUF(n) (4 * (n) + 1)
#define DOCNO_BUF TEXT_BUF(ORDER_NO_MAX)
#define NOTE_BUF TEXT_BUF(NOTE_MAX)
#define REASON_BUF TEXT_BUF(REASON_MAX)
#define NAME_BUF TEXT_BUF(NAME_CHARS_MAX)

enum order_status {
    ORDER_SUBMITTED = 0,         /* placed by the buyer, not yet decided by the seller */
    ORDER_ACCEPTED = 1,          /* the seller will deliver */
    ORDER_REJECTED = 2,          /* the seller will not (may be un-rejected) */
    ORDER_CANCELLED = 3,         /* withdrawn before anything shipped; final */
    ORDER_PARTIALLY_SHIPPED = 4, /* some quantity shipped */
    ORDER_SHIPPED = 5,           /* every line's quantity shipped */
    ORDER_INVOICED = 6,          /* invoices cover the order total */
    ORDER_PAID = 7,              /* payments applied cover the order total */
    ORDER_CLOSED = 8,            /* archived by the seller; final */
};
#define ORDER_STATUS_COUNT 9

/* Actions a user takes. Shipment, invoice and payment progress is not an
 * action: order_status_after_fulfilment() derives it from the amounts. */
enum order_action {
    ORDER_ACT_ACCEPT = 0,
    ORDER_ACT_REJECT = 1,
    ORDER_ACT_UNREJECT = 2,
    ORDER_ACT_CANCEL = 3,
    ORDER_ACT_CLOSE = 4,
};
#define ORDER_ACTION_COUNT 5

/* "SUBMITTED", ... / "ACCEPT", ...; "?" when out of range. */
const char *order_status_name(enum order_status s);
const char *order_action_name(enum order_action a);
/* -1 when the name is unknown. */
int order_status_parse(const char *name);
int order_action_parse(const char *name);

/* The state an action leads to, from the transition table. Fails with
 * EOS_ETRANSITION (message naming both) when the action is not allowed from
 * `from`. CANCEL from ACCEPTED is allowed only while nothing was shipped or
 * invoiced (fulfilled false: an invoice on a cancelled order would stay owed);
 * CLOSE only from PAID, REJECTED or CANCELLED. */
int order_transition(enum order_status from, enum order_action action, bool fulfilled,
                     enum order_status *to);

/* After a shipment, invoice or payment: the status the amounts call for.
 * ACCEPTED or PARTIALLY_SHIPPED move to PARTIALLY_SHIPPED (something shipped)
 * or SHIPPED (every line fully shipped); SHIPPED moves to INVOICED when
 * invoiced >= total; INVOICED moves to PAID when paid >= total. A status is
 * never moved backwards; other states are returned unchanged. Steps are
 * taken in order, so one call may go ACCEPTED -> SHIPPED -> INVOICED. */
enum order_status order_status_after_fulfilment(enum order_status current, bool any_shipped,
                                                bool all_shipped, money_t total,
                                                money_t invoiced, money_t paid);

/* True when documents (shipments) may be recorded against the order. */
bool order_accepts_shipments(enum order_status s);

/* The value of shipping qty more of a line at unit_price when shipped of it
 * went before: the line's amount at shipped + qty less its amount at
 * shipped, each rounded as a line amount is. So a line's shipments add up to
 * exactly its line amount; rounding each shipment on its own would not (3
 * shipments of 1 at 3.3333 are 9.99 of a line of 10.00). EOS_EINVALID (on
 * field) when an amount is out of range. */
int order_shipment_amount(money_t *out, qty_t shipped, qty_t qty, money_t unit_price,
                          const char *field);
/* True when the order counts as open for credit: SUBMITTED, ACCEPTED,
 * PARTIALLY_SHIPPED or SHIPPED (not yet invoiced in full). */
bool order_is_open(enum order_status s);

/* ------------------------------------------------------------ the draft */

struct order_draft_line {
    int32_t line_no;              /* 1..99999, unique in the draft */
    char sku[SKU_MAX + 1];
    qty_t quantity;               /* > 0, at most 3 decimals (qty_t scale) */
    bool has_expected_price;
    money_t expected_price;       /* the unitPrice the buyer sent */
    char delivery_date[DATE_LEN + 1]; /* "" or YYYY-MM-DD */
    char unit_code[CODE_MAX + 1]; /* "" or the unit the quantity counts (UBL's
                                     unitCode): then it is the product's, or
                                     the line is refused; not in the hash */
};

struct order_draft {
    char buyer_order_no[DOCNO_BUF];
    char seller_code[CODE_MAX + 1];   /* "" : the buyer's only seller */
    char ship_to_code[CODE_MAX + 1];
    char delivery_date[DATE_LEN + 1];
    bool allow_adjust;                /* default true */
    bool validate_only;
    char note[NOTE_BUF];
    char currency[4];                 /* "" : the account's; else it must be the account's */
    size_t line_count;
    struct order_draft_line *lines;   /* line_count entries; owned by whoever built the draft */
};

/* Checks what can be checked without the database: 1..500 lines, unique line
 * numbers in range, quantities > 0, dates real calendar dates, numbers and
 * codes non-empty where required. Fails with EOS_EINVALID naming the field
 * (e.g. "line[3]/lineNo", "buyerOrderNo") or EOS_ELIMIT for too many lines. */
int order_draft_validate(const struct order_draft *d);

struct line_price;

/* SHA-256 over the draft's content in a canonical form (line order as sent,
 * every field that changes the order; validate_only excluded), with the
 * seller code the draft resolved to (the account's), the draft's currency
 * when it is not the account's, and each SKU as the seller spells it where
 * prices (the draft's lines' prices, or NULL) found it. Two drafts with the
 * same hash are the same order, however they spelled the seller and its
 * SKUs. Fails (EOS_EINTERNAL) only when OpenSSL does, or a code is NULL; out
 * is then zeroed. */
int order_draft_hash(const struct order_draft *d, const char *seller_code,
                     const char *account_currency, const struct line_price *prices,
                     unsigned char out[32]);

/* The first form (version 1), with the seller code as sent: stored for
 * orders submitted before version 2, and still matched for their replays. */
int order_draft_hash_v1(const struct order_draft *d, unsigned char out[32]);

/* ------------------------------------------------------------ pricing */

/* What the catalog says about one line's product for this buyer. */
struct line_price {
    bool found;          /* the SKU exists for the seller */
    bool available;      /* published to this buyer and active */
    bool priced;         /* a price applies today */
    money_t unit_price;  /* the buyer's price: own over list */
    money_t list_price;  /* the list price (reference of price authority) */
    char uom[CODE_MAX + 1]; /* the unit the product is sold by */
    char sku[SKU_MAX + 1];  /* as the seller spells it (the buyer's may differ in case) */
    bool has_min_order;
    qty_t min_order;        /* the least a line may order */
};

struct priced_line {
    money_t unit_price;
    money_t line_amount; /* quantity x unit price, rounded half away from zero to cents */
};

/* Prices every line of the draft from prices[i] (same order as the lines):
 * unknown SKU -> EOS_EUNKNOWN_PRODUCT, not available or not priced ->
 * EOS_ENOT_AVAILABLE, expected price differing -> EOS_EPRICE_MISMATCH (message
 * with both prices), each naming "line[i]/sku" or "line[i]/unitPrice" (i from 1).
 * On success out[i] and *total are set. A total past MONEY_MAX is EOS_ELIMIT. */
int order_price_lines(const struct order_draft *d, const struct line_price *prices,
                      struct priced_line *out, money_t *total);

/* ------------------------------------------------------------ credit */

struct credit_position {
    bool has_limit;           /* false: no credit limit, always passes */
    money_t limit;
    money_t open_orders;      /* open orders not yet invoiced */
    money_t receivable;       /* invoiced, not yet paid */
};

/* Passes when open_orders + receivable + amount <= limit; otherwise
 * EOS_ECREDIT with the figures (limit, exposure, this order, excess) in the
 * message. Exactly at the limit passes. */
int order_credit_check(const struct credit_position *pos, money_t amount);

#endif
