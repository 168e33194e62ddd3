/*
 * return_view.h - a return as the contract reports it (GetReturnStatus,
 * DownloadReturns). Plain data filled by store, mapped by api.
 */
#ifndef EOS_CORE_RETURN_VIEW_H
#define EOS_CORE_RETURN_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "core/order.h"
#include "core/order_view.h"
#include "core/returns.h"

struct return_header {
    int64_t return_id;
    int64_t seller_id;
    int64_t buyer_id;
    int64_t order_id;
    char buyer_return_no[DOCNO_BUF];
    char seller_code[CODE_MAX + 1];
    char buyer_code[CODE_MAX + 1];
    enum return_status status;
    int32_t version;
    char currency[4];
    money_t total;
    char refund_date[DATE_LEN + 1];      /* "" until refunded */
    unsigned char content_hash[32];
    int64_t created_at;
    int64_t updated_at;
};

struct return_line_view {
    int32_t line_no;                     /* the order line returned */
    char sku[SKU_MAX + 1];
    qty_t quantity;
    money_t unit_price;                  /* the agreed return price */
    money_t reference_price;             /* the return price when requested: reference of authority */
    money_t line_amount;
    char reason[REASON_BUF];
};

struct return_view {
    struct return_header h;
    size_t line_count;
    struct return_line_view *lines;
    size_t history_count;
    struct history_view *history;
};

/* Frees the view's arrays and zeroes it; NULL does nothing. */
void return_view_clear(struct return_view *v);

#endif
