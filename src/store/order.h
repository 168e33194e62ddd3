/*
 * order.h - purchase orders in MariaDB: headers, lines, history, change
 * requests, and the reads that make up an order view.
 *
 * Every read takes a scope: a buyer sees only its own orders, a seller only
 * its customers' (the party's id is in the WHERE clause of the SQL itself).
 */
#ifndef EOS_STORE_ORDER_H
#define EOS_STORE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/order.h"
#include "core/order_view.h"
#include "store/db.h"

/* Who is reading: 0 means "not restricted on this side". */
struct party_scope {
    int64_t buyer_id;
    int64_t seller_id;
};

/* One header by id, within scope; with lock, FOR UPDATE (inside a
 * transaction). 1 found, 0 not found (or out of scope), < 0 error. */
int store_order_header(struct db_conn *db, const struct party_scope *scope, int64_t order_id,
                       bool lock, struct order_header *out);

/* One header by the buyer's own number. Same answers. */
int store_order_header_by_no(struct db_conn *db, const struct party_scope *scope,
                             int64_t buyer_id, const char *buyer_order_no, bool lock,
                             struct order_header *out);

/* Inserts a new order's header (status SUBMITTED, version 1); h->order_id is set. */
int store_order_insert(struct db_conn *db, struct order_header *h, int64_t created_by);

/* Inserts lines from a JSON array of objects {n, p, sku, name, q, u, l, a, d}
 * (line no, product id, sku, name, quantity, unit price, list price, amount,
 * delivery date or null), all in one statement. */
int store_order_lines_insert(struct db_conn *db, int64_t order_id, const char *lines_json);

/* Appends a history entry (from may be NULL for the creating entry). */
int store_order_history_add(struct db_conn *db, int64_t order_id, int32_t version,
                            const char *from, const char *to, const char *actor,
                            const char *reason);

/* Moves an order to status with version + 1, if it is still at version.
 * *changed is false when another transaction moved it first. */
int store_order_set_status(struct db_conn *db, int64_t order_id, int32_t version,
                           enum order_status status, bool *changed);

/* Loads the lines, history, change requests, shipments and invoices of the
 * order whose header is already in v->h. On failure v holds what was loaded;
 * order_view_clear() frees it either way. */
int store_order_details(struct db_conn *db, struct order_view *v);

/* One whole order by id, within scope, on one consistent snapshot of its
 * own (not inside another transaction): the read of GetOrderStatus, in two
 * round trips. 1 found, 0 not found (or out of scope), < 0 error; out is
 * freed with order_view_clear() either way. */
int store_order_read(struct db_conn *db, const struct party_scope *scope, int64_t order_id,
                     struct order_view *out);

/* The given orders within scope, whole, into views[i] for ids[i], in one
 * round trip (two when some have change requests, shipments or invoices);
 * *found is how many exist (a missing one keeps only its h.order_id). */
int store_orders_read(struct db_conn *db, const struct party_scope *scope, const int64_t *ids,
                      size_t n, struct order_view *views, size_t *found);

/* One page of order headers, newest first, and the total number matching.
 * status "" : any; dates "" : unbounded (inclusive, creation day in UTC). */
struct order_filter {
    struct party_scope scope;
    char status[21];
    char created_from[DATE_LEN + 1];
    char created_to[DATE_LEN + 1];
    int32_t offset;
    int32_t limit;
};

int store_order_list(struct db_conn *db, const struct order_filter *f,
                     struct order_header *out, size_t max, size_t *count, int64_t *total);

/* Change requests: inserts a pending one with its lines (JSON array of
 * {n, q, u, d}); EOS_EDUPKEY when the order already has a pending request. */
int store_change_insert(struct db_conn *db, int64_t order_id, const char *requested_by,
                        const char *reason, const char *lines_json, int64_t *id_out);



/* A line's product's minimum order quantity. */
struct line_minimum {
    int32_t line_no;
    qty_t least;
    bool least_null; /* the product has none */
};

/* The minimum order quantity of every line's product, by line number
 * (*lines: caller frees; NULL when none). */
int store_order_line_minimums(struct db_conn *db, int64_t order_id, struct line_minimum **lines,
                              size_t *count);

/* Sets one line's quantity, unit price and amount (and delivery date unless
 * NULL: "" clears it). */
int store_order_line_set(struct db_conn *db, int64_t order_id, int32_t line_no, qty_t quantity,
                         money_t unit_price, money_t amount, const char *delivery_date);

/* Sets the order's total after its lines changed. */
int store_order_set_total(struct db_conn *db, int64_t order_id, money_t total);

/* Adds to the order's shipped, invoiced and paid amounts. */
int store_order_add_amounts(struct db_conn *db, int64_t order_id, money_t shipped,
                            money_t invoiced, money_t paid);

/* Adds shipped quantities to lines from a JSON array of {n, q}. */
int store_order_lines_ship(struct db_conn *db, int64_t order_id, const char *lines_json);

/* A change request with its order id, locked (FOR UPDATE), within the
 * seller's scope. 1 found, 0 none, < 0 error. */
int store_change_lock(struct db_conn *db, const struct party_scope *scope, int64_t change_id,
                      int64_t *order_id, char status[10]);

/* Records the decision on a pending request. */
int store_change_decide(struct db_conn *db, int64_t change_id, const char *status,
                        const char *decided_by, const char *reason);

#endif
