/*
 * feed.c - feed windows and acknowledgements.
 */
#include "svc/feed.h"

#include "base/err.h"

int svc_feed_window(struct svc_ctx *ctx, int64_t seller_id, enum feed_kind kind, bool has_cursor,
                    int64_t cursor, size_t max, int64_t *seqs, int64_t *ids,
                    struct feed_window *w)
{
    int64_t last = 0, acked = 0, numbered = 0, from;
    size_t n = 0;
    int rc;

    w->count = 0;
    w->more = false;
    if ((rc = store_feed_position_lock(ctx->db, seller_id, kind, &last, &acked)) < 0)
        return rc;
    if (has_cursor && cursor > last)
        return eos_err_set(EOS_EINVALID, "cursor", "not a cursor this hub handed out");
    from = has_cursor ? cursor : acked;
    if ((rc = store_feed_number(ctx->db, seller_id, kind, last, &numbered)) < 0)
        return rc;
    /* One more than asked, to know whether more are waiting. */
    if ((rc = store_feed_read(ctx->db, seller_id, kind, from, max + 1, seqs, ids, &n)) < 0)
        return rc;
    w->more = n > max;
    w->count = w->more ? max : n;
    w->next_seq = w->count ? seqs[w->count - 1] : from;
    return 0;
}

struct ack_job {
    int64_t seller_id;
    enum feed_kind kind;
    int64_t seq;
    int64_t *acked;
};

static int ack_tx(struct svc_ctx *ctx, void *arg)
{
    struct ack_job *job = arg;
    int64_t last = 0, acked = 0;
    int rc;

    if ((rc = store_feed_position_lock(ctx->db, job->seller_id, job->kind, &last, &acked)) < 0)
        return rc;
    if (job->seq > last)
        return eos_err_set(EOS_EINVALID, "cursor", "not a cursor this hub handed out");
    if (job->seq > acked &&
        (rc = store_feed_ack(ctx->db, job->seller_id, job->kind, job->seq)) < 0)
        return rc;
    *job->acked = job->seq > acked ? job->seq : acked;
    return 0;
}

int svc_feed_ack(struct svc_ctx *ctx, int64_t seller_id, enum feed_kind kind, int64_t seq,
                 int64_t *acked)
{
    struct ack_job job = {seller_id, kind, seq, acked};

    return svc_run_tx(ctx, ack_tx, &job);
}
