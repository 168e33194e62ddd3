/*
 * returns.h - customer returns: the buyer requests, the seller processes,
 * and the seller's feed of returns.
 */
#ifndef EOS_SVC_RETURNS_H
#define EOS_SVC_RETURNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/return_view.h"
#include "svc/ctx.h"

struct return_line_in {
    int32_t line_no;                 /* the order line */
    qty_t quantity;
    char reason[REASON_BUF];
};

struct return_draft {
    char buyer_return_no[DOCNO_BUF];
    int64_t order_id;
    size_t line_count;
    const struct return_line_in *lines;
};

/* SubmitReturn: the buyer's return of shipped goods of its order, priced at
 * the agreed return price: that of the price row that prices the product for
 * the buyer (its own when it has one, else the list's), the price paid when
 * that row sets none. Idempotent by buyerReturnNo. On success *out is
 * filled (release with return_view_clear) and *duplicate says whether it is
 * an earlier identical request's result. */
int svc_submit_return(struct svc_ctx *ctx, const struct return_draft *draft,
                      struct return_view *out, bool *duplicate);

/* GetReturnStatus by id or by the buyer's number (a seller names the buyer). */
int svc_get_return(struct svc_ctx *ctx, int64_t return_id, const char *buyer_return_no,
                   const char *buyer_code, struct return_view *out);

struct return_batch {
    size_t count;
    struct return_view *returns;     /* owned; return_batch_clear */
    int64_t next_seq;
    bool more;
};

void return_batch_clear(struct return_batch *b);
int svc_download_returns(struct svc_ctx *ctx, const char *cursor, int max,
                         struct return_batch *out);
int svc_ack_returns(struct svc_ctx *ctx, const char *cursor, int64_t *acked);

struct return_adjustment {
    int32_t line_no;
    money_t unit_price;
};

struct return_change_result {
    int64_t return_id;
    enum return_status status;
    int32_t version;
};

/* ProcessReturn: ACCEPT (prices adjusted within the caller's authority),
 * REJECT, UNREJECT, RECEIVE (the order's returned quantities grow), REFUND
 * (the credit is posted to the buyer's account). */
int svc_process_return(struct svc_ctx *ctx, int64_t return_id, const char *action,
                       int32_t expected_version, const struct return_adjustment *adj,
                       size_t adj_count, const char *reason, struct return_change_result *out);

#endif
