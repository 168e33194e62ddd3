/*
 * orders.h - the order use cases of buyers (and the reads sellers share).
 *
 * Each runs in one transaction (svc_run_tx) and answers only after commit.
 * Scoping: a buyer reaches only its own party's orders, a seller only its
 * customers' orders, an admin everything; anything else is NOT_FOUND.
 */
#ifndef EOS_SVC_ORDERS_H
#define EOS_SVC_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/order.h"
#include "core/order_view.h"
#include "svc/ctx.h"

struct submit_line_result {
    int32_t line_no;
    char sku[SKU_MAX + 1];
    qty_t quantity;
    money_t unit_price;
    money_t line_amount;
};

struct submit_result {
    bool stored;          /* false for validate_only: no orderId, status or version */
    bool duplicate;       /* the same order was submitted before; this is its result */
    int64_t order_id;
    enum order_status status;
    int32_t version;
    char currency[4];
    money_t total;
    size_t line_count;
    struct submit_line_result *lines; /* caller's buffer of draft->line_count entries */
};

/* SubmitOrder: validates, prices, checks credit, stores header, lines, history
 * and the seller's feed entry. Idempotent by buyerOrderNo (see CONTRACT.md).
 * out->lines must point to draft->line_count entries. */
int svc_submit_order(struct svc_ctx *ctx, const struct order_draft *draft,
                     struct submit_result *out);

/* GetOrderStatus by id (order_id > 0) or by the buyer's number. A seller or
 * admin naming an order by number also names the buyer (buyer_code). On
 * success *out is filled and must be released with order_view_clear(). */
int svc_get_order(struct svc_ctx *ctx, int64_t order_id, const char *buyer_order_no,
                  const char *buyer_code, struct order_view *out);

struct order_filter_in {
    char status[21];                   /* "" : any */
    char created_from[DATE_LEN + 1];   /* "" : unbounded */
    char created_to[DATE_LEN + 1];
    int32_t offset;
    int32_t limit;                     /* 1..500 */
    char buyer_code[CODE_MAX + 1];     /* "" : all the caller may see */
};

/* ListOrders: one page, newest first. buyer_code filters for a seller; a
 * buyer may only name itself. out has room for f->limit headers. */
int svc_list_orders(struct svc_ctx *ctx, struct order_filter_in *f, struct order_header *out,
                    size_t *count, int64_t *total);

struct order_change_result {
    int64_t order_id;
    enum order_status status;
    int32_t version;
};

/* CancelOrder (buyer): SUBMITTED, or ACCEPTED with nothing shipped. */
int svc_cancel_order(struct svc_ctx *ctx, int64_t order_id, bool has_expected,
                     int32_t expected_version, const char *reason,
                     struct order_change_result *out);

struct line_change {
    int32_t line_no;
    bool has_quantity;
    qty_t quantity;
    bool has_price;
    money_t unit_price;
    char delivery_date[DATE_LEN + 1];
};

/* RequestOrderChange: a PENDING change request for the seller to decide. */
int svc_request_change(struct svc_ctx *ctx, int64_t order_id, bool has_expected,
                       int32_t expected_version, const struct line_change *changes,
                       size_t count, const char *reason, int64_t *change_id_out);

/* GetCatalog for a buyer (seller_code "" : its only seller). out has room for
 * f->limit items; *currency gets the seller's currency. */
int svc_get_catalog(struct svc_ctx *ctx, const char *seller_code, struct catalog_filter *f,
                    struct catalog_item *out, size_t *count, int64_t *total, char currency[4]);

#endif
