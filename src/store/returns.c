/*
 * returns.c - SQL for customer returns.
 */
#include "store/returns.h"

#include <string.h>

#include <stddef.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "base/str.h"
#include "store/rows.h"
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

/* A header's columns into h, its status as text into status (RETURN_STATUS_BUF). */
#define RETURN_STATUS_BUF 12

static void bind_return(struct db_cols *c, struct return_header *h, char *status)
{
    memset(h, 0, sizeof(*h));
    db_cols_init(c);
    col_i64(c, &h->return_id);
    col_i64(c, &h->seller_id);
    col_i64(c, &h->buyer_id);
    col_i64(c, &h->order_id);
    col_str(c, h->buyer_return_no, sizeof(h->buyer_return_no));
    col_str(c, h->seller_code, sizeof(h->seller_code));
    col_str(c, h->buyer_code, sizeof(h->buyer_code));
    col_str(c, status, RETURN_STATUS_BUF);
    col_i32(c, &h->version);
    col_str(c, h->currency, sizeof(h->currency));
    col_money(c, &h->total);
    col_str(c, h->refund_date, sizeof(h->refund_date));
    col_bin(c, h->content_hash, sizeof(h->content_hash));
    col_i64(c, &h->created_at);
    col_i64(c, &h->updated_at);
}

/* After a fetch: the status text into the enum. */
static int finish_return(struct return_header *h, const char *status)
{
    int s = return_status_parse(status);

    if (s < 0)
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    h->status = (enum return_status)s;
    return 0;
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
    char status[RETURN_STATUS_BUF];
    struct db_cols c;
    int rc;

    bind_return(&c, out, status);
    rc = db_query_one(db, q, a, &c);
    if (rc == 1 && finish_return(out, status) < 0)
        return eos_err_code();
    return rc;
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

/* The parts of a return view, for a batch of returns: rows start with their
 * return id. */
#define LINES_SELECT                                                                          \
    "SELECT return_id, line_no, sku, quantity, unit_price, list_return_price, line_amount, "  \
    "COALESCE(reason, '') FROM return_line "
#define LINES_ORDER "ORDER BY return_id, line_no"
#define HISTORY_SELECT                                                                        \
    "SELECT return_id, TIMESTAMPDIFF(SECOND, '1970-01-01', at), COALESCE(from_status, ''), "  \
    "to_status, actor, COALESCE(reason, ''), version FROM return_history "
#define HISTORY_ORDER "ORDER BY return_id, version, history_id"

struct line_row {
    int64_t return_id;
    struct return_line_view v;
};

struct history_row {
    int64_t return_id;
    struct history_view v;
};

struct header_row {
    struct return_header h;
    char status[RETURN_STATUS_BUF];
};

/* The headers' result set into the views of their ids. */
static int take_headers(struct db_conn *db, const struct view_set *set, size_t *found)
{
    struct header_row row, *rows = NULL;
    struct db_cols c;
    size_t n = 0;
    int rc;

    bind_return(&c, &row.h, row.status);
    rc = db_script_rows(db, &c, &row, sizeof(row), (void **)&rows, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct return_view *v = view_find(set, rows[i].h.return_id);

        if (v && (rc = finish_return(&rows[i].h, rows[i].status)) == 0) {
            v->h = rows[i].h;
            (*found)++;
        }
    }
    free(rows);
    return rc;
}

static int take_lines(struct db_conn *db, const struct view_set *set)
{
    struct line_row row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.return_id);
    col_i32(&c, &row.v.line_no);
    col_str(&c, row.v.sku, sizeof(row.v.sku));
    col_qty(&c, &row.v.quantity);
    col_money(&c, &row.v.unit_price);
    col_money(&c, &row.v.reference_price);
    col_money(&c, &row.v.line_amount);
    col_str(&c, row.v.reason, sizeof(row.v.reason));
    return rows_take(db, set, &c, &row, sizeof(row), offsetof(struct line_row, v),
                     sizeof(row.v), offsetof(struct return_view, lines),
                     offsetof(struct return_view, line_count));
}

static int take_history(struct db_conn *db, const struct view_set *set)
{
    struct history_row row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.return_id);
    cols_history(&c, &row.v);
    return rows_take(db, set, &c, &row, sizeof(row), offsetof(struct history_row, v),
                     sizeof(row.v), offsetof(struct return_view, history),
                     offsetof(struct return_view, history_count));
}

/* A batch of returns in one round trip (one script): with scope, their
 * headers first, by ids[i] within it, into views[i].h; then the lines and
 * history of every view. */
static int read_batch(struct db_conn *db, const struct party_scope *scope, const int64_t *ids,
                      struct return_view *views, size_t n, size_t *found)
{
    struct view_set set = {views, n, sizeof(*views), offsetof(struct return_view, h.return_id)};
    struct jbuf list, j;
    int rc;

    jbuf_init(&list);
    jbuf_init(&j);
    for (size_t i = 0; i < n; i++) {
        if (i)
            jbuf_raw(&list, ",");
        jbuf_i64(&list, ids ? ids[i] : views[i].h.return_id);
    }
    if (jbuf_failed(&list)) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    if (scope) {
        jbuf_raw(&j, "SELECT " RETURN_COLS RETURN_FROM "WHERE r.return_id IN (");
        jbuf_raw(&j, list.data);
        jbuf_raw(&j, ")");
        if (scope->buyer_id) {
            jbuf_raw(&j, " AND r.buyer_party_id = ");
            jbuf_i64(&j, scope->buyer_id);
        }
        if (scope->seller_id) {
            jbuf_raw(&j, " AND r.seller_party_id = ");
            jbuf_i64(&j, scope->seller_id);
        }
    }
    script_select_in(&j, LINES_SELECT, "return_id", list.data, LINES_ORDER);
    script_select_in(&j, HISTORY_SELECT, "return_id", list.data, HISTORY_ORDER);
    if (jbuf_failed(&j)) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    if (ids)
        for (size_t i = 0; i < n; i++)
            views[i].h.return_id = ids[i]; /* where the headers go, until read */
    if ((rc = db_script(db, j.data)) < 0 || (scope && (rc = take_headers(db, &set, found)) < 0) ||
        (rc = take_lines(db, &set)) < 0 || (rc = take_history(db, &set)) < 0)
        goto out;
    rc = db_script_end(db);
out:
    if (rc < 0)
        (void)db_script_end(db);
    jbuf_free(&j);
    jbuf_free(&list);
    return rc;
}

int store_return_details(struct db_conn *db, struct return_view *v)
{
    return read_batch(db, NULL, NULL, v, 1, NULL);
}

int store_returns_read(struct db_conn *db, const struct party_scope *scope, const int64_t *ids,
                       size_t n, struct return_view *views, size_t *found)
{
    *found = 0;
    return n ? read_batch(db, scope, ids, views, n, found) : 0;
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

/* The return price of a line's product for the buyer today, from the price
 * row that prices the product for it: the buyer's own when it has one (its
 * return price, or NULL: the price paid), else the list's. A buyer with its
 * own unit price is not refunded the list's return price, which may be more
 * than it paid. */
#define RETURN_PRICE(key)                                                                     \
    "(SELECT pr.return_price FROM price pr WHERE pr.product_id = ol.product_id "             \
    "AND pr.buyer_key = " key " AND pr.valid_from <= UTC_DATE() "                           \
    "ORDER BY pr.valid_from DESC LIMIT 1)"
#define HAS_OWN_PRICE                                                                         \
    "EXISTS (SELECT 1 FROM price pr WHERE pr.product_id = ol.product_id "                   \
    "AND pr.buyer_key = ? AND pr.valid_from <= UTC_DATE())"

DB_SQL(q_returnable,
       "SELECT ol.line_no, ol.sku, p.returnable, ol.shipped_qty, ol.returned_qty, "
       "COALESCE((SELECT SUM(rl.quantity) FROM return_line rl JOIN return_order r "
       "ON r.return_id = rl.return_id WHERE r.order_id = ol.order_id AND rl.line_no = ol.line_no "
       "AND r.status IN ('REQUESTED', 'ACCEPTED')), 0), ol.unit_price, "
       "IF(" HAS_OWN_PRICE ", " RETURN_PRICE("?") ", " RETURN_PRICE("0") ") "
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
