/*
 * feed.h - the seller's feeds of orders and returns (see schema/001_core.sql,
 * feed_entry, for why sequence numbers are handed out only at download).
 */
#ifndef EOS_STORE_FEED_H
#define EOS_STORE_FEED_H

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

#endif
