/*
 * returns.c - SQL for customer returns.
 */
#include "store/returns.h"

#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "store/stmt.h"

#define RETURN_COLS_CODES(codes)                                                              \
    "r.return_id, r.seller_party_id, r.buyer_party_id, r.order_id, r.buyer_return_no, "      \
    codes ", r.status, r.version, r.currency, r.total_amount, "                      \
    "COALESCE(DATE_FORMAT(r.refund_date, '%Y-%m-%d'), ''), r.content_hash, "                 \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', r.created_at), "                                    \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', r.updated_at) "
#define RETURN_FROM                                                                           \
    "FROM return_order r JOIN party s ON s.party_id = r.seller_party_id "                   \
    "JOIN party b ON b.party_id = r.buyer_party_id "
#define RETURN_COLS RETURN_COLS_CODES("s.code, b.code")
/* Locking reads name the parties in subqueries, so FOR UPDATE locks the return
 * and not the parties every return of theirs shares (see store/order.c). */
#define RETURN_LOCKING                                                                        \
    "SELECT " RETURN_COLS_CODES(                                                              \
        "(SELECT code FROM party WHERE party_id = r.seller_party_id), "                       \
        "(SELECT code FROM party WHERE party_id = r.buyer_party_id)") "FROM return_order r "
#define RETURN_SCOPE                                                                          \
    "(? = 0 OR r.buyer_party_id = ?) AND (? = 0 OR r.seller_party_id = ?) "

struct return_binding {
    struct db_cols cols;
    char status[12];
};

static void bind_return(struct return_binding *rb, struct return_header *h)
{
    struct db_cols *c = &rb->cols;

    memset(h, 0, sizeof(*h));
    db_cols_init(c);
    col_i64(c, &h->return_id);
    col_i64(c, &h->seller_id);
    col_i64(c, &h->buyer_id);
    col_i64(c, &h->order_id);
    col_str(c, h->buyer_return_no, sizeof(h->buyer_return_no));
    col_str(c, h->seller_code, sizeof(h->seller_code));
    col_str(c, h->buyer_code, sizeof(h->buyer_code));
    col_str(c, rb->status, sizeof(rb->status));
    col_i32(c, &h->version);
    col_str(c, h->currency, sizeof(h->currency));
    col_money(c, &h->total);
    col_str(c, h->refund_date, sizeof(h->refund_date));
    col_bin(c, h->content_hash, sizeof(h->content_hash));
    col_i64(c, &h->created_at);
    col_i64(c, &h->updated_at);
}

static void scope_args(struct db_args *a, const struct party_scope *scope)
{
    arg_i64(a, scope->buyer_id);
    arg_i64(a, scope->buyer_id);
    arg_i64(a, scope->seller_id);
    arg_i64(a, scope->seller_id);
}

static int one_return(struct db_conn *db, struct db_sql *q, struct db_args *a,
                      struct return_header *out)
{
    struct return_binding rb;
    int s, rc;

    bind_return(&rb, out);
    rc = db_query_one(db, q, a, &rb.cols);
    if (rc != 1)
        return rc;
    s = return_status_parse(rb.status);
    if (s < 0)
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    out->status = (enum return_status)s;
    return 1;
}

DB_SQL(q_return, "SELECT " RETURN_COLS RETURN_FROM "WHERE r.return_id = ? AND " RETURN_SCOPE);
DB_SQL(q_return_lock, RETURN_LOCKING "WHERE r.return_id = ? AND " RETURN_SCOPE "FOR UPDATE");
DB_SQL(q_return_no, "SELECT " RETURN_COLS RETURN_FROM
                    "WHERE r.buyer_party_id = ? AND r.buyer_return_no = ? AND " RETURN_SCOPE);
DB_SQL(q_return_no_lock, RETURN_LOCKING "WHERE r.buyer_party_id = ? AND r.buyer_return_no = ? "
                                         "AND " RETURN_SCOPE "FOR UPDATE");

int store_return_header(struct db_conn *db, const struct party_scope *scope, int64_t return_id,
                        bool lock, struct return_header *out)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, return_id);
    scope_args(&a, scope);
    return one_return(db, lock ? &q_return_lock : &q_return, &a, out);
}

int store_return_header_by_no(struct db_conn *db, const struct party_scope *scope,
                              int64_t buyer_id, const char *buyer_return_no, bool lock,
                              struct return_header *out)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, buyer_id);
    arg_str(&a, buyer_return_no);
    scope_args(&a, scope);
    return one_return(db, lock ? &q_return_no_lock : &q_return_no, &a, out);
}

DB_SQL(q_lines,
       "SELECT line_no, sku, quantity, unit_price, list_return_price, line_amount, "
       "COALESCE(reason, '') FROM return_line WHERE return_id = ? ORDER BY line_no");
DB_SQL(q_history,
       "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', at), COALESCE(from_status, ''), to_status, "
       "actor, COALESCE(reason, ''), version FROM return_history WHERE return_id = ? "
       "ORDER BY version, history_id");

int store_return_details(struct db_conn *db, struct return_view *v)
{
    struct return_line_view line;
    struct history_view hist;
    struct db_args a;
    struct db_cols c;
    int rc;

    memset(&line, 0, sizeof(line));
    db_args_init(&a);
    arg_i64(&a, v->h.return_id);
    db_cols_init(&c);
    col_i32(&c, &line.line_no);
    col_str(&c, line.sku, sizeof(line.sku));
    col_qty(&c, &line.quantity);
    col_money(&c, &line.unit_price);
    col_money(&c, &line.reference_price);
    col_money(&c, &line.line_amount);
    col_str(&c, line.reason, sizeof(line.reason));
    rc = db_query_all(db, &q_lines, &a, &c, &line, sizeof(line), (void **)&v->lines,
                      &v->line_count);
    if (rc < 0)
        return rc;
    memset(&hist, 0, sizeof(hist));
    db_cols_init(&c);
    col_i64(&c, &hist.at);
    col_str(&c, hist.from_status, sizeof(hist.from_status));
    col_str(&c, hist.to_status, sizeof(hist.to_status));
    col_str(&c, hist.actor, sizeof(hist.actor));
    col_str(&c, hist.reason, sizeof(hist.reason));
    col_i32(&c, &hist.version);
    return db_query_all(db, &q_history, &a, &c, &hist, sizeof(hist), (void **)&v->history,
                        &v->history_count);
}

DB_SQL(q_insert,
       "INSERT INTO return_order (seller_party_id, buyer_party_id, buyer_return_no, order_id, "
       "status, version, currency, total_amount, content_hash, created_by, created_at, updated_at) "
       "VALUES (?, ?, ?, ?, 'REQUESTED', 1, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
DB_SQL(q_insert_lines,
       "INSERT INTO return_line (return_id, line_no, sku, quantity, unit_price, list_return_price, "
       "line_amount, reason) SELECT ?, j.n, j.sku, j.q, j.u, j.r, j.a, j.why "
       "FROM JSON_TABLE(?, '$[*]' COLUMNS (n INT PATH '$.n', sku VARCHAR(64) PATH '$.sku', "
       "q DECIMAL(12,3) PATH '$.q', u DECIMAL(18,4) PATH '$.u', r DECIMAL(18,4) PATH '$.r', "
       "a DECIMAL(18,4) PATH '$.a', why VARCHAR(500) PATH '$.why')) j");

int store_return_insert(struct db_conn *db, struct return_header *h, int64_t created_by,
                        const char *lines_json)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_i64(&a, h->seller_id);
    arg_i64(&a, h->buyer_id);
    arg_str(&a, h->buyer_return_no);
    arg_i64(&a, h->order_id);
    arg_str(&a, h->currency);
    arg_money(&a, h->total);
    arg_bin(&a, h->content_hash, sizeof(h->content_hash));
    arg_i64(&a, created_by);
    if ((rc = db_exec(db, &q_insert, &a, NULL)) < 0)
        return rc;
    h->return_id = db_insert_id(db, &q_insert);
    h->status = RETURN_REQUESTED;
    h->version = 1;
    db_args_init(&a);
    arg_i64(&a, h->return_id);
    arg_str(&a, lines_json);
    return db_exec(db, &q_insert_lines, &a, NULL);
}

DB_SQL(q_history_add,
       "INSERT INTO return_history (return_id, version, at, from_status, to_status, actor, "
       "reason) VALUES (?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?)");

int store_return_history_add(struct db_conn *db, int64_t return_id, int32_t version,
                             const char *from, const char *to, const char *actor,
                             const char *reason)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, return_id);
    arg_i64(&a, version);
    arg_str(&a, from);
    arg_str(&a, to);
    arg_str(&a, actor);
    arg_str(&a, str_empty(reason) ? NULL : reason);
    return db_exec(db, &q_history_add, &a, NULL);
}

DB_SQL(q_set_status,
       "UPDATE return_order SET status = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) "
       "WHERE return_id = ? AND version = ?");
DB_SQL(q_line_price,
       "UPDATE return_line SET unit_price = ?, line_amount = ? WHERE return_id = ? AND line_no = ?");
DB_SQL(q_set_total, "UPDATE return_order SET total_amount = ? WHERE return_id = ?");
DB_SQL(q_refunded, "UPDATE return_order SET refund_date = UTC_DATE() WHERE return_id = ?");
DB_SQL(q_receive,
       "UPDATE order_line ol JOIN return_line rl ON rl.line_no = ol.line_no "
       "SET ol.returned_qty = ol.returned_qty + rl.quantity "
       "WHERE rl.return_id = ? AND ol.order_id = ?");

int store_return_set_status(struct db_conn *db, int64_t return_id, int32_t version,
                            enum return_status status, bool *changed)
{
    struct db_args a;
    unsigned long long n = 0;
    int rc;

    db_args_init(&a);
    arg_str(&a, return_status_name(status));
    arg_i64(&a, return_id);
    arg_i64(&a, version);
    rc = db_exec(db, &q_set_status, &a, &n);
    if (rc == 0)
        *changed = n == 1;
    return rc;
}

int store_return_line_price(struct db_conn *db, int64_t return_id, int32_t line_no,
                            money_t price, money_t amount)
{
    struct db_args a;

    db_args_init(&a);
    arg_money(&a, price);
    arg_money(&a, amount);
    arg_i64(&a, return_id);
    arg_i64(&a, line_no);
    return db_exec(db, &q_line_price, &a, NULL);
}

int store_return_set_total(struct db_conn *db, int64_t return_id, money_t total)
{
    struct db_args a;

    db_args_init(&a);
    arg_money(&a, total);
    arg_i64(&a, return_id);
    return db_exec(db, &q_set_total, &a, NULL);
}

int store_return_refunded(struct db_conn *db, int64_t return_id)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, return_id);
    return db_exec(db, &q_refunded, &a, NULL);
}

int store_return_receive(struct db_conn *db, int64_t return_id, int64_t order_id)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, return_id);
    arg_i64(&a, order_id);
    return db_exec(db, &q_receive, &a, NULL);
}

/* The return price of a line's product for the buyer today: own over list. */
#define RETURN_PRICE(key)                                                                     \
    "(SELECT pr.return_price FROM price pr WHERE pr.product_id = ol.product_id "             \
    "AND pr.buyer_key = " key " AND pr.valid_from <= UTC_DATE() "                           \
    "ORDER BY pr.valid_from DESC LIMIT 1)"

DB_SQL(q_returnable,
       "SELECT ol.line_no, ol.sku, p.returnable, ol.shipped_qty, ol.returned_qty, "
       "COALESCE((SELECT SUM(rl.quantity) FROM return_line rl JOIN return_order r "
       "ON r.return_id = rl.return_id WHERE r.order_id = ol.order_id AND rl.line_no = ol.line_no "
       "AND r.status IN ('REQUESTED', 'ACCEPTED')), 0), ol.unit_price, "
       "COALESCE(" RETURN_PRICE("?") ", " RETURN_PRICE("0") ") "
       "FROM order_line ol JOIN product p ON p.product_id = ol.product_id "
       "WHERE ol.order_id = ? ORDER BY ol.line_no");

int store_returnable_lines(struct db_conn *db, int64_t order_id, int64_t buyer_id,
                           struct returnable_line **lines, size_t *count)
{
    struct returnable_line row;
    struct db_args a;
    struct db_cols c;
    int rc;

    memset(&row, 0, sizeof(row));
    db_args_init(&a);
    arg_i64(&a, buyer_id);
    arg_i64(&a, order_id);
    db_cols_init(&c);
    col_i32(&c, &row.line_no);
    col_str(&c, row.sku, sizeof(row.sku));
    col_bool(&c, &row.returnable);
    col_qty(&c, &row.shipped);
    col_qty(&c, &row.returned);
    col_qty(&c, &row.pending);
    col_money(&c, &row.paid_price);
    col_money(&c, &row.return_price);
    col_nullable(&c, &row.return_price_null);
    rc = db_query_all(db, &q_returnable, &a, &c, &row, sizeof(row), (void **)lines, count);
    for (size_t i = 0; i < *count; i++)
        (*lines)[i].has_return_price = !(*lines)[i].return_price_null;
    return rc;
}
