/*
 * order_view.h - an order as the contract reports it (GetOrderStatus,
 * DownloadOrders): header, lines, history, change requests, shipments and
 * invoices. Plain data shared by store (which fills it), svc and api (which
 * maps it to XML); no behaviour beyond freeing.
 */
#ifndef EOS_CORE_ORDER_VIEW_H
#define EOS_CORE_ORDER_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "core/order.h"

#define ACTOR_MAX 64

struct order_header {
    int64_t order_id;
    int64_t seller_id;
    int64_t buyer_id;
    char buyer_order_no[DOCNO_BUF];
    char seller_code[CODE_MAX + 1];
    char buyer_code[CODE_MAX + 1];
    enum order_status status;
    int32_t version;
    bool allow_adjust;
    char ship_to_code[CODE_MAX + 1];     /* "" when none */
    char delivery_date[DATE_LEN + 1];    /* "" when none */
    char note[NOTE_BUF];             /* "" when none */
    char currency[4];
    money_t total;
    money_t shipped;
    money_t invoiced;
    money_t paid;
    unsigned char content_hash[32];
    int64_t created_at;                  /* UTC seconds */
    int64_t updated_at;
    bool has_changes;                    /* change requests exist (read them only then) */
};

struct order_line_view {
    int32_t line_no;
    int64_t product_id;
    char sku[SKU_MAX + 1];
    char name[NAME_BUF];
    qty_t quantity;
    money_t unit_price;
    money_t list_price;
    money_t line_amount;
    qty_t shipped;
    qty_t returned;
    char delivery_date[DATE_LEN + 1];
    qty_t ordered_quantity;      /* as the buyer first submitted it */
    money_t ordered_unit_price;
    char ordered_delivery_date[DATE_LEN + 1]; /* "" : none asked for */
};

struct history_view {
    int64_t at;
    char from_status[21];                /* "" on the creating entry */
    char to_status[21];
    char actor[ACTOR_MAX + 1];
    char reason[REASON_BUF];
    int32_t version;
};

struct change_line_view {
    int32_t line_no;
    bool has_quantity;
    qty_t quantity;
    bool has_price;
    money_t unit_price;
    char delivery_date[DATE_LEN + 1];    /* "" when unchanged */
};

struct change_view {
    int64_t id;
    char status[10];                     /* PENDING, APPROVED, REJECTED */
    int64_t requested_at;
    char requested_by[ACTOR_MAX + 1];
    char reason[REASON_BUF];
    int64_t decided_at;                  /* 0 when pending */
    char decided_by[ACTOR_MAX + 1];
    char decision_reason[REASON_BUF];
    size_t line_count;
    struct change_line_view *lines;
};

struct doc_line_view {
    int32_t line_no;
    qty_t quantity;
};

struct shipment_view {
    int64_t id;
    char shipment_no[DOCNO_BUF];
    char ship_date[DATE_LEN + 1];
    money_t amount;
    size_t line_count;
    struct doc_line_view *lines;
};

struct invoice_view {
    int64_t id;
    char invoice_no[DOCNO_BUF];
    char invoice_date[DATE_LEN + 1];
    money_t amount;
    money_t paid;
};

struct order_view {
    struct order_header h;
    size_t line_count;
    struct order_line_view *lines;
    size_t history_count;
    struct history_view *history;
    size_t change_count;
    struct change_view *changes;
    size_t shipment_count;
    struct shipment_view *shipments;
    size_t invoice_count;
    struct invoice_view *invoices;
};

/* Frees what the view's arrays own and zeroes it; NULL does nothing. */
void order_view_clear(struct order_view *v);

#endif
