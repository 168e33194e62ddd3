/*
 * order_internal.h - what order.c lends order_details.c for reading one
 * batch of orders in one round trip: the headers' part of the read script.
 */
#ifndef EOS_STORE_ORDER_INTERNAL_H
#define EOS_STORE_ORDER_INTERNAL_H

#include "base/jbuf.h"
#include "store/order.h"
#include "store/rows.h"

/* Appends the SELECT of the headers of the orders ids ("1,2,3") within scope
 * to a read script (numbers only, see db_read_snapshot). */
void order_header_script(struct jbuf *j, const struct party_scope *scope, const char *ids);

/* Reads that SELECT's result set into the views of the ids it found
 * (*found of them). */
int order_header_script_rows(struct db_conn *db, const struct view_set *set, size_t *found);

#endif
