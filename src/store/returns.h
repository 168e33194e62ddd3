/*
 * returns.h - customer returns in MariaDB.
 */
#ifndef EOS_STORE_RETURNS_H
#define EOS_STORE_RETURNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/return_view.h"
#include "store/db.h"
#include "store/order.h"

/* One header by id or by the buyer's number, within scope; with lock, FOR
 * UPDATE. 1 found, 0 not found, < 0 error. */
int store_return_header(struct db_conn *db, const struct party_scope *scope, int64_t return_id,
                        bool lock, struct return_header *out);
int store_return_header_by_no(struct db_conn *db, const struct party_scope *scope,
                              int64_t buyer_id, const char *buyer_return_no, bool lock,
                              struct return_header *out);

/* Lines and history of the return whose header is in v->h. */
int store_return_details(struct db_conn *db, struct return_view *v);

/* Returns by id within scope, whole, in one round trip: views[i] for ids[i]
 * (a missing one keeps only its id in h.return_id, status 0, no lines);
 * *found is how many exist. Views are freed with return_view_clear(). */
int store_returns_read(struct db_conn *db, const struct party_scope *scope, const int64_t *ids,
                       size_t n, struct return_view *views, size_t *found);

/* Inserts a REQUESTED return (version 1) with its lines, from a JSON array of
 * {n, sku, q, u, r, a, why}; h->return_id is set. EOS_EDUPKEY when the
 * buyer's number exists. */
int store_return_insert(struct db_conn *db, struct return_header *h, int64_t created_by,
                        const char *lines_json);

int store_return_history_add(struct db_conn *db, int64_t return_id, int32_t version,
                             const char *from, const char *to, const char *actor,
                             const char *reason);

/* status and version + 1, if still at version; *changed false otherwise. */
int store_return_set_status(struct db_conn *db, int64_t return_id, int32_t version,
                            enum return_status status, bool *changed);

/* A line's agreed price and amount, and the return's total. */
int store_return_line_price(struct db_conn *db, int64_t return_id, int32_t line_no,
                            money_t price, money_t amount);
int store_return_set_total(struct db_conn *db, int64_t return_id, money_t total);

/* REFUND: records the day the credit was posted (today, UTC). */
int store_return_refunded(struct db_conn *db, int64_t return_id);

/* RECEIVE: adds the return's quantities to the order lines' returned ones. */
int store_return_receive(struct db_conn *db, int64_t return_id, int64_t order_id);

/* What each line of an order may be returned at: one row per order line. */
struct returnable_line {
    int32_t line_no;
    char sku[SKU_MAX + 1];
    bool returnable;          /* the product allows returns */
    qty_t shipped;
    qty_t returned;           /* received back already */
    qty_t pending;            /* held by open returns (REQUESTED, ACCEPTED) */
    money_t paid_price;       /* the line's unit price */
    bool has_return_price;
    money_t return_price;     /* the buyer's or the list return price today */
    bool return_price_null;   /* as read; has_return_price is its negation */
};

/* *lines (caller frees) and *count for the order's lines. */
int store_returnable_lines(struct db_conn *db, int64_t order_id, int64_t buyer_id,
                           struct returnable_line **lines, size_t *count);

#endif
