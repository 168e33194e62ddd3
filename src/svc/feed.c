/*
 * feed.c - feed windows and acknowledgements.
 */
#include "svc/feed.h"

#include <stdlib.h>

#include "base/err.h"
#include "base/str.h"
#include "svc/order_ops.h"
#include "svc/seller.h"

struct feed_window {
    size_t count;        /* entries taken: seqs[0..count) and ids[0..count) */
    int64_t next_seq;    /* the cursor after them */
    bool more;           /* entries wait after the window */
};

/* Inside a transaction: locks the seller's position, numbers the committed
 * unnumbered entries (at most FEED_NUMBER_AHEAD * max), and takes up to max
 * entries after the cursor (without one: after the acknowledged position).
 * seqs and ids have room for max + 1. */
static int feed_window(struct svc_ctx *ctx, int64_t seller_id, enum feed_kind kind,
                       bool has_cursor, int64_t cursor, size_t max, int64_t *seqs,
                       int64_t *ids, struct feed_window *w)
{
    int64_t last = 0, acked = 0, from;
    size_t n = 0;
    int rc;

    w->count = 0;
    w->more = false;
    if ((rc = store_feed_position_lock(ctx->db, seller_id, kind, &last, &acked)) < 0)
        return rc;
    if (has_cursor && cursor > last)
        return eos_err_set(EOS_EINVALID, "cursor", "not a cursor this hub handed out");
    from = has_cursor ? cursor : acked;
    if ((rc = store_feed_number(ctx->db, seller_id, kind, last, max * FEED_NUMBER_AHEAD)) < 0)
        return rc;
    /* One more than asked, to know whether more are waiting. */
    if ((rc = store_feed_read(ctx->db, seller_id, kind, from, max + 1, seqs, ids, &n)) < 0)
        return rc;
    /* When numbering stopped at its limit, the entries it numbered (all after
     * `from`, more than max of them) already make `more` true, and the
     * unnumbered rest comes with the downloads that follow. */
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
    bool moved = false;
    int rc;

    /* The usual acknowledgement moves the position forward: one statement,
     * no transaction. Anything else (again, a cursor never handed out, the
     * feed's first) is told apart under the position's lock. */
    rc = store_feed_ack_forward(ctx->db, seller_id, kind, seq, &moved);
    if (rc < 0 && rc != EOS_ERETRY)
        return rc;
    if (moved) {
        *acked = seq;
        return 0;
    }
    return svc_run_tx(ctx, ack_tx, &job);
}

struct download_job {
    struct feed_download *d;
    int64_t seller_id;
    bool has_cursor;
    int64_t cursor;
    int64_t *seqs;
    int64_t *ids;
    struct feed_window w;
};

static int download_tx(struct svc_ctx *ctx, void *arg)
{
    struct download_job *job = arg;

    return feed_window(ctx, job->seller_id, job->d->kind, job->has_cursor, job->cursor,
                       (size_t)job->d->max, job->seqs, job->ids, &job->w);
}

static int load_read(struct svc_ctx *ctx, void *arg)
{
    struct download_job *job = arg;

    return job->d->load(ctx, job->seller_id, job->ids, job->w.count, job->d->batch);
}

int svc_feed_download(struct svc_ctx *ctx, struct feed_download *d)
{
    struct download_job job = {d, 0, false, 0, NULL, NULL, {0, 0, false}};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (d->max < 1 || d->max > FEED_MAX_BATCH)
        return eos_err_set(EOS_EINVALID, d->max_field, "1 to %d", FEED_MAX_BATCH);
    if (!str_empty(d->cursor)) {
        if ((rc = feed_cursor_parse(d->cursor, &job.cursor)) < 0)
            return rc;
        job.has_cursor = true;
    }
    /* One more than asked, to know whether more are waiting. */
    job.seqs = calloc((size_t)d->max + 1, sizeof(*job.seqs));
    job.ids = calloc((size_t)d->max + 1, sizeof(*job.ids));
    if (!job.seqs || !job.ids)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    else
        rc = svc_run_tx(ctx, download_tx, &job);
    /* The objects are read after the window committed, on one snapshot: a
     * read committed transaction would read each part of an order as of
     * its own moment, the header from before a change and the lines from
     * after it. What changes later is newer, and back in the feed. */
    if (rc == 0) {
        d->more = job.w.more;
        d->next_seq = job.w.next_seq;
        rc = svc_run_read(ctx, load_read, &job);
    }
    free(job.seqs);
    free(job.ids);
    return rc;
}
