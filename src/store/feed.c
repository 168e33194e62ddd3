/*
 * feed.c - SQL for feeds.
 */
#include "store/feed.h"

#include "store/stmt.h"

static const char *const feed_names[] = {"ORDER", "RETURN"};

DB_SQL(q_touch,
       "INSERT INTO feed_entry (seller_party_id, feed, object_id, seq, changed_at) "
       "VALUES (?, ?, ?, NULL, UTC_TIMESTAMP(6)) "
       "ON DUPLICATE KEY UPDATE seq = NULL, changed_at = UTC_TIMESTAMP(6)");

int store_feed_touch(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                     int64_t object_id)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    arg_i64(&a, object_id);
    return db_exec(db, &q_touch, &a, NULL);
}
