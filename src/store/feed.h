/*
 * feed.h - the seller's feeds of orders and returns (see schema/001_core.sql,
 * feed_entry, for why sequence numbers are handed out only at download).
 */
#ifndef EOS_STORE_FEED_H
#define EOS_STORE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

enum feed_kind {
    FEED_ORDER = 0,
    FEED_RETURN = 1,
};

/* Records that an object was created or changed: it (re)enters the feed
 * unnumbered, to be numbered after everything already numbered. */
int store_feed_touch(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                     int64_t object_id);

/* The seller's saved position, created at 0 if new, locked FOR UPDATE: one
 * download or acknowledgement of a seller's feed at a time. */
int store_feed_position_lock(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                             int64_t *last_seq, int64_t *acked_seq);

/* Numbers the committed, unnumbered entries after last_seq in the order the
 * changes happened, at most limit of them (the oldest); entries an unfinished
 * transaction holds are left for a later call. The seller's position records
 * the highest number handed out. */
int store_feed_number(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                      int64_t last_seq, size_t limit);

/* Up to max entries numbered after `after`, in order: their numbers and
 * object ids. */
int store_feed_read(struct db_conn *db, int64_t seller_id, enum feed_kind feed, int64_t after,
                    size_t max, int64_t *seqs, int64_t *ids, size_t *count);

/* On its own (autocommit): moves the acknowledged position forward to seq
 * if seq is ahead of it and not past the last number handed out. *moved
 * false: nothing changed (see store_feed_position_lock for why). */
int store_feed_ack_forward(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                           int64_t seq, bool *moved);

/* Saves the acknowledged position (never moves it back). */
int store_feed_ack(struct db_conn *db, int64_t seller_id, enum feed_kind feed, int64_t seq);

#endif
