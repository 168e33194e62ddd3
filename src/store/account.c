/*
 * account.c - SQL for customer accounts.
 */
#include "store/account.h"

#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "store/stmt.h"

#define ACCOUNT_COLS                                                                          \
    "a.seller_party_id, a.buyer_party_id, a.credit_limit, a.open_order_amount, "             \
    "a.receivable_amount, s.code, s.currency "

DB_SQL(q_find_code,
       "SELECT " ACCOUNT_COLS "FROM customer_account a JOIN party s ON s.party_id = a.seller_party_id "
       "WHERE a.buyer_party_id = ? AND s.code = ? AND a.active");
DB_SQL(q_find_only,
       "SELECT " ACCOUNT_COLS "FROM customer_account a JOIN party s ON s.party_id = a.seller_party_id "
       "WHERE a.buyer_party_id = ? AND a.active LIMIT 2");
/* Locking reads name customer_account alone: with the seller's party row in
 * the join, FOR UPDATE would lock that row too and serialize every buyer's
 * submissions to the seller. The seller's code and currency come from a
 * subquery, which reads without locking. */
#define ACCOUNT_COLS_LOCKED                                                                   \
    "a.seller_party_id, a.buyer_party_id, a.credit_limit, a.open_order_amount, "             \
    "a.receivable_amount, (SELECT s.code FROM party s WHERE s.party_id = a.seller_party_id), " \
    "(SELECT s.currency FROM party s WHERE s.party_id = a.seller_party_id) "

DB_SQL(q_lock_code,
       "SELECT " ACCOUNT_COLS_LOCKED "FROM customer_account a "
       "WHERE a.buyer_party_id = ? AND a.active AND a.seller_party_id = "
       "(SELECT s.party_id FROM party s WHERE s.code = ?) FOR UPDATE");
DB_SQL(q_lock_only,
       "SELECT " ACCOUNT_COLS_LOCKED "FROM customer_account a "
       "WHERE a.buyer_party_id = ? AND a.active LIMIT 2 FOR UPDATE");
DB_SQL(q_lock_ids,
       "SELECT " ACCOUNT_COLS_LOCKED "FROM customer_account a "
       "WHERE a.seller_party_id = ? AND a.buyer_party_id = ? FOR UPDATE");
DB_SQL(q_get,
       "SELECT " ACCOUNT_COLS "FROM customer_account a JOIN party s ON s.party_id = a.seller_party_id "
       "WHERE a.seller_party_id = ? AND a.buyer_party_id = ?");
DB_SQL(q_adjust,
       "UPDATE customer_account SET open_order_amount = open_order_amount + ?, "
       "receivable_amount = receivable_amount + ? WHERE seller_party_id = ? AND buyer_party_id = ?");

static void bind_account(struct db_cols *c, struct account_row *out, bool *limit_null)
{
    memset(out, 0, sizeof(*out));
    db_cols_init(c);
    col_i64(c, &out->seller_id);
    col_i64(c, &out->buyer_id);
    col_money(c, &out->credit_limit);
    col_nullable(c, limit_null);
    col_money(c, &out->open_orders);
    col_money(c, &out->receivable);
    col_str(c, out->seller_code, sizeof(out->seller_code));
    col_str(c, out->currency, sizeof(out->currency));
}

int store_account_find(struct db_conn *db, int64_t buyer_id, const char *seller_code, bool lock,
                       struct account_row *out, bool *ambiguous)
{
    struct db_sql *by_code = lock ? &q_lock_code : &q_find_code;
    struct db_sql *only = lock ? &q_lock_only : &q_find_only;
    struct db_args a;
    struct db_cols c;
    bool limit_null = true;
    int rc, rows = 0;

    *ambiguous = false;
    db_args_init(&a);
    arg_i64(&a, buyer_id);
    bind_account(&c, out, &limit_null);
    if (!str_empty(seller_code)) {
        arg_str(&a, seller_code);
        rc = db_query_one(db, by_code, &a, &c);
        out->has_limit = !limit_null;
        return rc;
    }
    rc = db_query(db, only, &a, &c);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, only, &c)) == 1) {
        rows++;
        out->has_limit = !limit_null;
        if (rows > 1)
            break;
    }
    db_done(db, only);
    if (rc < 0)
        return rc;
    if (rows > 1) {
        *ambiguous = true;
        return 0;
    }
    return rows;
}

int store_account_get(struct db_conn *db, int64_t seller_id, int64_t buyer_id, bool lock,
                      struct account_row *out)
{
    struct db_args a;
    struct db_cols c;
    bool limit_null = true;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    bind_account(&c, out, &limit_null);
    rc = db_query_one(db, lock ? &q_lock_ids : &q_get, &a, &c);
    out->has_limit = !limit_null;
    return rc;
}

int store_account_adjust(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                         money_t open_delta, money_t receivable_delta)
{
    struct db_args a;

    if (open_delta == 0 && receivable_delta == 0)
        return 0;
    db_args_init(&a);
    arg_money(&a, open_delta);
    arg_money(&a, receivable_delta);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    return db_exec(db, &q_adjust, &a, NULL);
}
