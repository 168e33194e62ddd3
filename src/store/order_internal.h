/*
 * order_internal.h - what order.c lends order_details.c for reading one
 * order in a single round trip: the header's part of the read script.
 */
#ifndef EOS_STORE_ORDER_INTERNAL_H
#define EOS_STORE_ORDER_INTERNAL_H

#include "base/jbuf.h"
#include "store/order.h"

/* Appends the SELECT of one order's header, by id within scope, to a read
 * script (numbers only, see db_begin_snapshot_reading). */
void order_header_script(struct jbuf *j, const struct party_scope *scope, int64_t order_id);

/* Reads that SELECT's result set: 1 found (into *out), 0 none, < 0 error. */
int order_header_script_row(struct db_conn *db, struct order_header *out);

#endif
