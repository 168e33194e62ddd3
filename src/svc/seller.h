/*
 * seller.h - the seller's use cases: the order feed, decisions on orders and
 * change requests, shipments, invoices and payments, and the catalog.
 *
 * They act for the caller's own party, which must be a seller (SELLER users,
 * and ADMIN users of a seller party); others get FORBIDDEN. Each runs in one
 * transaction and answers after commit.
 */
#ifndef EOS_SVC_SELLER_H
#define EOS_SVC_SELLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/order_view.h"
#include "store/catalog.h"
#include "svc/ctx.h"
#include "svc/orders.h"

#define FEED_MAX_BATCH 500
#define FEED_DEFAULT_BATCH 100

/* ------------------------------------------------------------ feed */

struct feed_batch {
    size_t count;
    struct order_view *orders;  /* count views; owned, released by feed_batch_clear */
    int64_t next_seq;           /* the position after this batch */
    bool more;                  /* more entries wait after it */
};

void feed_batch_clear(struct feed_batch *b);

/* DownloadOrders: orders created or changed after cursor ("" : after the
 * last acknowledged position), oldest change first, at most max. */
int svc_download_orders(struct svc_ctx *ctx, const char *cursor, int max, struct feed_batch *out);

/* AcknowledgeOrders: saves the position; an older cursor changes nothing.
 * *acked receives the saved position. */
int svc_ack_orders(struct svc_ctx *ctx, const char *cursor, int64_t *acked);

/* Cursors are opaque to clients; inside they are feed positions. */
int feed_cursor_parse(const char *cursor, int64_t *seq);
void feed_cursor_format(char *buf, size_t size, int64_t seq);

/* ------------------------------------------------------------ decisions */

struct order_adjustment {
    int32_t line_no;
    bool has_quantity;
    qty_t quantity;       /* 0 declines the line */
    bool has_price;
    money_t unit_price;
};

/* UpdateOrderStatus: ACCEPT (optionally with adjustments), REJECT, UNREJECT,
 * CANCEL, CLOSE, from the core state machine. */
int svc_update_order_status(struct svc_ctx *ctx, int64_t order_id, const char *action,
                            int32_t expected_version, const char *reason,
                            const struct order_adjustment *adj, size_t adj_count,
                            struct order_change_result *out);

/* DecideOrderChange: APPROVE writes the change into the order, REJECT leaves
 * it. *status gets the request's new status, *order_version the order's. */
int svc_decide_change(struct svc_ctx *ctx, int64_t change_id, const char *decision,
                      const char *reason, char status[10], int32_t *order_version);

/* ------------------------------------------------------------ documents */

struct doc_result {
    bool duplicate;                  /* the same document was recorded before */
    enum order_status order_status;  /* shipments and invoices */
    money_t unapplied;               /* payments: what no invoice took */
};

struct shipment_in {
    char shipment_no[DOCNO_BUF];
    int64_t order_id;
    char ship_date[DATE_LEN + 1];
    size_t line_count;
    const struct doc_line_view *lines;
};

struct invoice_in {
    char invoice_no[DOCNO_BUF];
    int64_t order_id;
    char invoice_date[DATE_LEN + 1];
    money_t amount;
};

struct payment_in {
    char payment_no[DOCNO_BUF];
    char buyer_code[CODE_MAX + 1];
    char payment_date[DATE_LEN + 1];
    money_t amount;
    char kind[10];                   /* RECEIPT, ADVANCE or REFUND */
    size_t invoice_count;
    const char (*invoice_nos)[DOCNO_BUF];
};

int svc_record_shipment(struct svc_ctx *ctx, const struct shipment_in *in, struct doc_result *out);
int svc_record_invoice(struct svc_ctx *ctx, const struct invoice_in *in, struct doc_result *out);
int svc_record_payment(struct svc_ctx *ctx, const struct payment_in *in, struct doc_result *out);

/* ------------------------------------------------------------ catalog */

int svc_upsert_products(struct svc_ctx *ctx, const struct product_in *products, size_t count,
                        int *created, int *updated);

struct price_in {
    char sku[SKU_MAX + 1];
    char buyer_code[CODE_MAX + 1];   /* "" : the list price */
    money_t unit_price;
    bool has_return_price;
    money_t return_price;
    char valid_from[DATE_LEN + 1];   /* "" : always */
};

int svc_set_prices(struct svc_ctx *ctx, const struct price_in *prices, size_t count,
                   int *updated);

int svc_publish(struct svc_ctx *ctx, const char (*skus)[SKU_MAX + 1], size_t sku_count,
                const char (*buyers)[CODE_MAX + 1], size_t buyer_count, bool publish,
                int *changed);

struct stock_in {
    char sku[SKU_MAX + 1];
    qty_t available;
};

int svc_update_stock(struct svc_ctx *ctx, const struct stock_in *items, size_t count,
                     int *updated);

/* SetCreditLimit: has_limit false removes the limit. */
int svc_set_credit_limit(struct svc_ctx *ctx, const char *buyer_code, bool has_limit,
                         money_t limit);

#endif
