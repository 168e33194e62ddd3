/*
 * feed.h - the part of DownloadOrders and DownloadReturns they share: number
 * what was committed, then take the window after the cursor. Internal to svc/.
 */
#ifndef EOS_SVC_FEED_H
#define EOS_SVC_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/feed.h"
#include "svc/ctx.h"

/* A download numbers at most this many batches' worth of entries: the work
 * and the locks of one download stay bounded when an ERP comes back to a
 * large backlog (a day offline, 100 thousand changes), and the rest is
 * numbered by the downloads that follow. */
#define FEED_NUMBER_AHEAD 10

/* Loads the objects of a window into the caller's batch, on a read snapshot
 * taken after the window's numbers committed; ids are in feed order. */
typedef int (*feed_load_fn)(struct svc_ctx *ctx, int64_t seller_id, const int64_t *ids,
                            size_t count, void *batch);

struct feed_download {
    enum feed_kind kind;
    const char *cursor;       /* "" or NULL: after the acknowledged position */
    int max;                  /* 1..FEED_MAX_BATCH */
    const char *max_field;    /* the request element of max, for the fault */
    feed_load_fn load;
    void *batch;
    int64_t next_seq;         /* out */
    bool more;                /* out */
};

/* A whole download for the calling seller: checks the cursor and the batch
 * size, takes the window in one transaction (run again after a deadlock),
 * then loads it on one snapshot (load must reset the batch it fills). */
int svc_feed_download(struct svc_ctx *ctx, struct feed_download *d);

/* Saves an acknowledged position in its own transaction; *acked receives the
 * saved position (never lower than before). */
int svc_feed_ack(struct svc_ctx *ctx, int64_t seller_id, enum feed_kind kind, int64_t seq,
                 int64_t *acked);

#endif
