/*
 * feed.c - SQL for feeds.
 */
#include "store/feed.h"

#include "base/err.h"
#include "base/jbuf.h"
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

DB_SQL(q_position_make,
       "INSERT IGNORE INTO feed_position (seller_party_id, feed) VALUES (?, ?)");
DB_SQL(q_position_lock,
       "SELECT last_seq, acked_seq FROM feed_position WHERE seller_party_id = ? AND feed = ? "
       "FOR UPDATE");
/* The oldest unnumbered entries; those an unfinished transaction holds are
 * skipped, not waited for: they are numbered by a later download, after
 * everything numbered now, so nothing is skipped in the feed itself. */
DB_SQL(q_unnumbered,
       "SELECT feed_entry_id FROM feed_entry FORCE INDEX (ix_feed_unnumbered) "
       "WHERE seller_party_id = ? AND feed = ? AND seq IS NULL "
       "ORDER BY changed_at, feed_entry_id LIMIT ? FOR UPDATE SKIP LOCKED");
/* Numbers them last + 1, last + 2, ... in the order of the JSON id list. */
DB_SQL(q_number,
       "UPDATE feed_entry f JOIN JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, "
       "id BIGINT PATH '$')) j ON f.feed_entry_id = j.id SET f.seq = ? + j.n");
DB_SQL(q_position_set,
       "UPDATE feed_position SET last_seq = ? WHERE seller_party_id = ? AND feed = ?");
DB_SQL(q_read,
       "SELECT seq, object_id FROM feed_entry FORCE INDEX (uq_feed_seq) "
       "WHERE seller_party_id = ? AND feed = ? AND seq > ? ORDER BY seq LIMIT ?");
DB_SQL(q_ack,
       "UPDATE feed_position SET acked_seq = GREATEST(acked_seq, ?) "
       "WHERE seller_party_id = ? AND feed = ?");

int store_feed_position_lock(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                             int64_t *last_seq, int64_t *acked_seq)
{
    struct db_args a;
    struct db_cols c;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    db_cols_init(&c);
    col_i64(&c, last_seq);
    col_i64(&c, acked_seq);
    rc = db_query_one(db, &q_position_lock, &a, &c);
    /* A feed's first download or acknowledgement makes its position. */
    if (rc == 0 && (rc = db_exec(db, &q_position_make, &a, NULL)) == 0)
        rc = db_query_one(db, &q_position_lock, &a, &c);
    if (rc == 0)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    return rc < 0 ? rc : 0;
}

int store_feed_number(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                      int64_t last_seq, size_t limit)
{
    struct db_args a;
    struct db_cols c;
    struct jbuf ids;
    int64_t id = 0;
    size_t count = 0;
    int rc;

    jbuf_init(&ids);
    jbuf_raw(&ids, "[");
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    arg_i64(&a, (int64_t)limit);
    db_cols_init(&c);
    col_i64(&c, &id);
    if ((rc = db_query(db, &q_unnumbered, &a, &c)) < 0)
        goto out;
    while ((rc = db_fetch(db, &q_unnumbered, &c)) == 1) {
        if (count++)
            jbuf_raw(&ids, ",");
        jbuf_i64(&ids, id);
    }
    db_done(db, &q_unnumbered);
    jbuf_raw(&ids, "]");
    if (rc < 0 || count == 0)
        goto out;
    if (jbuf_failed(&ids)) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    db_args_init(&a);
    arg_str(&a, ids.data);
    arg_i64(&a, last_seq);
    if ((rc = db_exec(db, &q_number, &a, NULL)) < 0)
        goto out;
    db_args_init(&a);
    arg_i64(&a, last_seq + (int64_t)count);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    rc = db_exec(db, &q_position_set, &a, NULL);
out:
    jbuf_free(&ids);
    return rc < 0 ? rc : 0;
}

int store_feed_read(struct db_conn *db, int64_t seller_id, enum feed_kind feed, int64_t after,
                    size_t max, int64_t *seqs, int64_t *ids, size_t *count)
{
    struct db_args a;
    struct db_cols c;
    int64_t seq = 0, id = 0;
    int rc;

    *count = 0;
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    arg_i64(&a, after);
    arg_i64(&a, (int64_t)max);
    db_cols_init(&c);
    col_i64(&c, &seq);
    col_i64(&c, &id);
    rc = db_query(db, &q_read, &a, &c);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, &q_read, &c)) == 1 && *count < max) {
        seqs[*count] = seq;
        ids[*count] = id;
        (*count)++;
    }
    db_done(db, &q_read);
    return rc < 0 ? rc : 0;
}

DB_SQL(q_ack_forward,
       "UPDATE feed_position SET acked_seq = ? "
       "WHERE seller_party_id = ? AND feed = ? AND acked_seq < ? AND last_seq >= ?");

int store_feed_ack_forward(struct db_conn *db, int64_t seller_id, enum feed_kind feed,
                           int64_t seq, bool *moved)
{
    struct db_args a;
    unsigned long long n = 0;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seq);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    arg_i64(&a, seq);
    arg_i64(&a, seq);
    rc = db_exec(db, &q_ack_forward, &a, &n);
    *moved = rc == 0 && n == 1;
    return rc;
}

int store_feed_ack(struct db_conn *db, int64_t seller_id, enum feed_kind feed, int64_t seq)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, seq);
    arg_i64(&a, seller_id);
    arg_str(&a, feed_names[feed]);
    return db_exec(db, &q_ack, &a, NULL);
}
