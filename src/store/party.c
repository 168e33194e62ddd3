/*
 * party.c - SQL for parties, accounts, users and nonces.
 */
#include "store/party.h"

#include <stdatomic.h>
#include <string.h>

#include "base/err.h"
#include "store/stmt.h"

DB_SQL(q_party_insert,
       "INSERT INTO party (code, name, kind, currency) VALUES (?, ?, ?, ?)");
DB_SQL(q_party_by_code,
       "SELECT party_id, code, name, kind, COALESCE(currency, '') FROM party WHERE code = ?");
DB_SQL(q_account_upsert,
       "INSERT INTO customer_account (seller_party_id, buyer_party_id, credit_limit) "
       "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE credit_limit = VALUES(credit_limit)");
DB_SQL(q_user_insert,
       "INSERT INTO app_user (username, party_id, role, password_hash, digest_secret, "
       "price_authority_bp) VALUES (?, ?, ?, ?, ?, ?)");
DB_SQL(q_user_update,
       "UPDATE app_user SET party_id = ?, role = ?, password_hash = ?, digest_secret = ?, "
       "price_authority_bp = ?, password_changed_at = UTC_TIMESTAMP(6) WHERE user_id = ?");
DB_SQL(q_user_by_name,
       "SELECT u.user_id, u.party_id, u.username, u.role, u.password_hash, u.digest_secret, "
       "u.price_authority_bp, u.active, p.code, p.kind "
       "FROM app_user u JOIN party p ON p.party_id = u.party_id WHERE u.username = ?");
DB_SQL(q_users_fingerprint,
       "SELECT COUNT(*) * 4294967296 + COALESCE(BIT_XOR(CRC32(CONCAT_WS(',', user_id, "
       "username, party_id, role, active, password_hash, password_changed_at, "
       "price_authority_bp))), 0) FROM app_user");
DB_SQL(q_nonce_insert,
       "INSERT INTO wsse_nonce (nonce_hash, expires_at) VALUES (?, FROM_UNIXTIME(?))");
DB_SQL(q_nonce_sweep,
       "DELETE FROM wsse_nonce WHERE expires_at < UTC_TIMESTAMP(6) LIMIT 1000");

int store_party_insert(struct db_conn *db, const char *code, const char *name, const char *kind,
                       const char *currency, int64_t *id_out)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_str(&a, code);
    arg_str(&a, name);
    arg_str(&a, kind);
    arg_str(&a, currency && *currency ? currency : NULL);
    rc = db_exec(db, &q_party_insert, &a, NULL);
    if (rc == 0 && id_out)
        *id_out = db_insert_id(db, &q_party_insert);
    return rc;
}

int store_party_by_code(struct db_conn *db, const char *code, struct party_row *out)
{
    struct db_args a;
    struct db_cols c;

    db_args_init(&a);
    arg_str(&a, code);
    db_cols_init(&c);
    col_i64(&c, &out->party_id);
    col_str(&c, out->code, sizeof(out->code));
    col_str(&c, out->name, sizeof(out->name));
    col_str(&c, out->kind, sizeof(out->kind));
    col_str(&c, out->currency, sizeof(out->currency));
    return db_query_one(db, &q_party_by_code, &a, &c);
}

int store_account_upsert(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                         money_t credit_limit)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    if (credit_limit < 0)
        arg_null(&a);
    else
        arg_money(&a, credit_limit);
    return db_exec(db, &q_account_upsert, &a, NULL);
}

int store_user_insert(struct db_conn *db, const char *username, int64_t party_id,
                      const char *role, const char *password_hash,
                      const unsigned char *digest, unsigned long digest_len,
                      int32_t authority_bp, int64_t *id_out)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_str(&a, username);
    arg_i64(&a, party_id);
    arg_str(&a, role);
    arg_str(&a, password_hash);
    arg_bin(&a, digest, digest_len);
    arg_i64(&a, authority_bp);
    rc = db_exec(db, &q_user_insert, &a, NULL);
    if (rc == 0 && id_out)
        *id_out = db_insert_id(db, &q_user_insert);
    return rc;
}

DB_SQL(q_user_active, "UPDATE app_user SET active = ? WHERE user_id = ?");

int store_user_set_active(struct db_conn *db, int64_t user_id, bool active)
{
    struct db_args a;

    db_args_init(&a);
    arg_bool(&a, active);
    arg_i64(&a, user_id);
    return db_exec(db, &q_user_active, &a, NULL);
}

int store_user_update(struct db_conn *db, int64_t user_id, int64_t party_id, const char *role,
                      const char *password_hash, const unsigned char *digest,
                      unsigned long digest_len, int32_t authority_bp)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, party_id);
    arg_str(&a, role);
    arg_str(&a, password_hash);
    arg_bin(&a, digest, digest_len);
    arg_i64(&a, authority_bp);
    arg_i64(&a, user_id);
    return db_exec(db, &q_user_update, &a, NULL);
}

int store_user_by_name(struct db_conn *db, const char *username, struct user_row *out)
{
    struct db_args a;
    struct db_cols c;
    bool digest_null = true;
    int rc;

    memset(out, 0, sizeof(*out));
    db_args_init(&a);
    arg_str(&a, username);
    db_cols_init(&c);
    col_i64(&c, &out->user_id);
    col_i64(&c, &out->party_id);
    col_str(&c, out->username, sizeof(out->username));
    col_str(&c, out->role, sizeof(out->role));
    col_str(&c, out->password_hash, sizeof(out->password_hash));
    col_bin(&c, out->digest_secret, sizeof(out->digest_secret));
    col_nullable(&c, &digest_null);
    col_i32(&c, &out->price_authority_bp);
    col_bool(&c, &out->active);
    col_str(&c, out->party_code, sizeof(out->party_code));
    col_str(&c, out->party_kind, sizeof(out->party_kind));
    rc = db_query_one(db, &q_user_by_name, &a, &c);
    if (rc == 1)
        out->digest_secret_len = digest_null ? 0 : c.length[5];
    if (out->digest_secret_len > sizeof(out->digest_secret))
        out->digest_secret_len = 0;
    return rc;
}

int store_users_fingerprint(struct db_conn *db, int64_t *out)
{
    struct db_cols c;
    int rc;

    db_cols_init(&c);
    col_i64(&c, out);
    rc = db_query_one(db, &q_users_fingerprint, NULL, &c);
    return rc < 0 ? rc : 0;
}

int store_nonce_remember(struct db_conn *db, const unsigned char hash[32], int64_t expires)
{
    static atomic_uint calls;
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_bin(&a, hash, 32);
    arg_i64(&a, expires);
    rc = db_exec(db, &q_nonce_insert, &a, NULL);
    /* One call in 256 sweeps a bounded batch of expired nonces, so the
     * table stays small without a background job. */
    if (rc == 0 && (atomic_fetch_add(&calls, 1) & 0xff) == 0)
        rc = db_exec(db, &q_nonce_sweep, NULL, NULL);
    return rc;
}

DB_SQL(q_failures,
       "SELECT failures FROM auth_failure WHERE username = ? AND source = ? "
       "AND window_start > UTC_TIMESTAMP(6) - INTERVAL ? SECOND");
/* An attempt takes a place under the limit, or a new window when the last
 * one is over. The row lock makes attempts in parallel take turns: each sees
 * the places the others took. The window's test reads window_start before
 * it is set (MariaDB assigns left to right). */
DB_SQL(q_attempt_take,
       "UPDATE auth_failure SET "
       "failures = IF(window_start > UTC_TIMESTAMP(6) - INTERVAL ? SECOND, failures + 1, 1), "
       "window_start = IF(window_start > UTC_TIMESTAMP(6) - INTERVAL ? SECOND, window_start, "
       "UTC_TIMESTAMP(6)) "
       "WHERE username = ? AND source = ? "
       "AND (failures < ? OR window_start <= UTC_TIMESTAMP(6) - INTERVAL ? SECOND)");
DB_SQL(q_attempt_first, "INSERT IGNORE INTO auth_failure (username, source, window_start, failures) "
                        "VALUES (?, ?, UTC_TIMESTAMP(6), 1)");
DB_SQL(q_failure_undo, "UPDATE auth_failure SET failures = failures - 1 "
                       "WHERE username = ? AND source = ? AND failures > 0");
DB_SQL(q_failure_sweep, "DELETE FROM auth_failure "
                        "WHERE window_start < UTC_TIMESTAMP(6) - INTERVAL ? SECOND LIMIT 1000");

int store_auth_failures(struct db_conn *db, const char *username, const char *source,
                        int window, int *failures)
{
    struct db_args a;
    struct db_cols c;
    int32_t n = 0;
    int rc;

    db_args_init(&a);
    arg_str(&a, username);
    arg_str(&a, source);
    arg_i64(&a, window);
    db_cols_init(&c);
    col_i32(&c, &n);
    rc = db_query_one(db, &q_failures, &a, &c);
    *failures = rc == 1 ? n : 0;
    return rc < 0 ? rc : 0;
}

static int attempt_take(struct db_conn *db, const char *username, const char *source,
                        int window, int limit, unsigned long long *taken)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, window);
    arg_i64(&a, window);
    arg_str(&a, username);
    arg_str(&a, source);
    arg_i64(&a, limit);
    arg_i64(&a, window);
    return db_exec(db, &q_attempt_take, &a, taken);
}

int store_auth_attempt_reserve(struct db_conn *db, const char *username, const char *source,
                               int window, int limit, bool *reserved)
{
    static atomic_uint calls;
    unsigned long long taken = 0;
    struct db_args a;
    int rc;

    *reserved = false;
    if ((rc = attempt_take(db, username, source, window, limit, &taken)) < 0)
        goto out;
    if (taken == 0) {
        /* No row yet, or one at its limit: the first attempt inserts it. */
        db_args_init(&a);
        arg_str(&a, username);
        arg_str(&a, source);
        if ((rc = db_exec(db, &q_attempt_first, &a, &taken)) < 0)
            goto out;
        /* Another attempt inserted it first: take a place in its row. */
        if (taken == 0 &&
            (rc = attempt_take(db, username, source, window, limit, &taken)) < 0)
            goto out;
    }
    *reserved = taken > 0;
    /* One call in 256 sweeps a bounded batch of rows whose window has
     * passed: every name and address a client makes up adds a row, and
     * nothing else removes them. */
    if ((atomic_fetch_add(&calls, 1) & 0xff) == 0) {
        db_args_init(&a);
        arg_i64(&a, window);
        rc = db_exec(db, &q_failure_sweep, &a, NULL);
    }
out:
    return rc;
}

int store_auth_failure_undo(struct db_conn *db, const char *username, const char *source)
{
    struct db_args a;

    db_args_init(&a);
    arg_str(&a, username);
    arg_str(&a, source);
    return db_exec(db, &q_failure_undo, &a, NULL);
}
