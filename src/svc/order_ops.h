/*
 * order_ops.h - steps the buyer's and the seller's order use cases share.
 * Internal to svc/.
 */
#ifndef EOS_SVC_ORDER_OPS_H
#define EOS_SVC_ORDER_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/order_view.h"
#include "store/order.h"
#include "svc/ctx.h"

/* The seller the caller acts for (its own party, which must be a seller),
 * or FORBIDDEN. */
int svc_seller_party(struct svc_ctx *ctx, int64_t *seller_id);

/* The caller's scope, narrowed to one buyer by buyerCode ("" : no filter).
 * A buyer may only name itself; unknown or foreign codes are NOT_FOUND. */
int svc_scope_buyer(struct svc_ctx *ctx, const char *buyer_code, struct party_scope *scope);

/* Locks an order the caller may change (NOT_FOUND otherwise) and checks
 * expectedVersion (VERSION_CONFLICT). */
int svc_lock_order(struct svc_ctx *ctx, int64_t order_id, bool has_expected, int32_t expected,
                   struct order_header *h);

/* The same for the seller's desk: only orders of seller_id, whoever calls
 * (an administrator acts for its own seller there, so that what it records
 * is filed under the order's seller). */
int svc_lock_seller_order(struct svc_ctx *ctx, int64_t seller_id, int64_t order_id,
                          bool has_expected, int32_t expected, struct order_header *h);

/* Moves the buyer's open-order exposure with the seller by delta. Growth is
 * held to the credit limit as a new order's is (EOS_ECREDIT): an order taken
 * back from rejection, or made larger by a change, is held back like one
 * submitted past the limit, until the seller raises it. */
int svc_exposure_add(struct svc_ctx *ctx, int64_t seller_id, int64_t buyer_id, money_t delta);

/* Moves a locked order to `to`: version + 1, history (actor = the caller),
 * the seller's feed, and the buyer's exposure (svc_exposure_add). h is
 * updated. */
int svc_move_order(struct svc_ctx *ctx, struct order_header *h, enum order_status to,
                   const char *reason);

#endif
