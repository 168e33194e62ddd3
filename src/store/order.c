/*
 * order.c - SQL for purchase orders.
 */
#include "store/order.h"
#include "store/order_internal.h"
#include "store/rows.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "base/str.h"
#include "store/stmt.h"

/* The header columns every header query selects, in bind_header's order;
 * codes selects the seller's and the buyer's codes. */
#define HEADER_COLS_CODES(codes)                                                              \
    "o.order_id, o.seller_party_id, o.buyer_party_id, o.buyer_order_no, " codes ", "         \
    "o.status, o.version, o.allow_adjust, COALESCE(o.ship_to_code, ''), "                   \
    "COALESCE(DATE_FORMAT(o.requested_delivery_date, '%Y-%m-%d'), ''), COALESCE(o.note, ''), " \
    "o.currency, o.total_amount, o.shipped_amount, o.invoiced_amount, o.paid_amount, "        \
    "o.content_hash, TIMESTAMPDIFF(SECOND, '1970-01-01', o.created_at), "                    \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', o.updated_at), o.has_changes "
#define HEADER_FROM                                                                           \
    "FROM purchase_order o JOIN party s ON s.party_id = o.seller_party_id "                  \
    "JOIN party b ON b.party_id = o.buyer_party_id "
#define HEADER_COLS HEADER_COLS_CODES("s.code, b.code")
/* Locking reads name the parties in subqueries: FOR UPDATE locks the rows the
 * outer query reads, so the order and not its parties, which every order of
 * the seller (and of the buyer) shares. */
#define HEADER_LOCKING                                                                        \
    "SELECT " HEADER_COLS_CODES(                                                              \
        "(SELECT code FROM party WHERE party_id = o.seller_party_id), "                       \
        "(SELECT code FROM party WHERE party_id = o.buyer_party_id)") "FROM purchase_order o "
/* Scope: a 0 id matches every row on its side. */
#define SCOPE_WHERE "(? = 0 OR o.buyer_party_id = ?) AND (? = 0 OR o.seller_party_id = ?) "

/* The status column as read, before finish_header makes it the enum. */
#define STATUS_BUF 21

/* The header columns into h, its status as text into status (STATUS_BUF). */
static void bind_header(struct db_cols *c, struct order_header *h, char *status)
{
    memset(h, 0, sizeof(*h));
    db_cols_init(c);
    col_i64(c, &h->order_id);
    col_i64(c, &h->seller_id);
    col_i64(c, &h->buyer_id);
    col_str(c, h->buyer_order_no, sizeof(h->buyer_order_no));
    col_str(c, h->seller_code, sizeof(h->seller_code));
    col_str(c, h->buyer_code, sizeof(h->buyer_code));
    col_str(c, status, STATUS_BUF);
    col_i32(c, &h->version);
    col_bool(c, &h->allow_adjust);
    col_str(c, h->ship_to_code, sizeof(h->ship_to_code));
    col_str(c, h->delivery_date, sizeof(h->delivery_date));
    col_str(c, h->note, sizeof(h->note));
    col_str(c, h->currency, sizeof(h->currency));
    col_money(c, &h->total);
    col_money(c, &h->shipped);
    col_money(c, &h->invoiced);
    col_money(c, &h->paid);
    col_bin(c, h->content_hash, sizeof(h->content_hash));
    col_i64(c, &h->created_at);
    col_i64(c, &h->updated_at);
    col_bool(c, &h->has_changes);
}

/* After a fetch: the status text into the enum. */
static int finish_header(struct order_header *h, const char *status)
{
    int s = order_status_parse(status);

    if (s < 0)
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    h->status = (enum order_status)s;
    return 0;
}

static void scope_args(struct db_args *a, const struct party_scope *scope)
{
    arg_i64(a, scope->buyer_id);
    arg_i64(a, scope->buyer_id);
    arg_i64(a, scope->seller_id);
    arg_i64(a, scope->seller_id);
}

DB_SQL(q_header, "SELECT " HEADER_COLS HEADER_FROM "WHERE o.order_id = ? AND " SCOPE_WHERE);
DB_SQL(q_header_lock, HEADER_LOCKING "WHERE o.order_id = ? AND " SCOPE_WHERE "FOR UPDATE");
DB_SQL(q_header_no, "SELECT " HEADER_COLS HEADER_FROM
                    "WHERE o.buyer_party_id = ? AND o.buyer_order_no = ? AND " SCOPE_WHERE);
DB_SQL(q_header_no_lock, HEADER_LOCKING "WHERE o.buyer_party_id = ? AND o.buyer_order_no = ? AND "
                                        SCOPE_WHERE "FOR UPDATE");

static int one_header(struct db_conn *db, struct db_sql *q, struct db_args *a,
                      struct order_header *out)
{
    char status[STATUS_BUF];
    struct db_cols c;
    int rc;

    bind_header(&c, out, status);
    rc = db_query_one(db, q, a, &c);
    if (rc == 1 && finish_header(out, status) < 0)
        return eos_err_code();
    return rc;
}

int store_order_header(struct db_conn *db, const struct party_scope *scope, int64_t order_id,
                       bool lock, struct order_header *out)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, order_id);
    scope_args(&a, scope);
    return one_header(db, lock ? &q_header_lock : &q_header, &a, out);
}

void order_header_script(struct jbuf *j, const struct party_scope *scope, const char *ids)
{
    if (j->len)
        jbuf_raw(j, "; ");
    jbuf_raw(j, "SELECT " HEADER_COLS HEADER_FROM "WHERE o.order_id IN (");
    jbuf_raw(j, ids);
    jbuf_raw(j, ")");
    if (scope->buyer_id) {
        jbuf_raw(j, " AND o.buyer_party_id = ");
        jbuf_i64(j, scope->buyer_id);
    }
    if (scope->seller_id) {
        jbuf_raw(j, " AND o.seller_party_id = ");
        jbuf_i64(j, scope->seller_id);
    }
}

struct header_row {
    struct order_header h;
    char status[STATUS_BUF];
};

int order_header_script_rows(struct db_conn *db, const struct view_set *set, size_t *found)
{
    struct header_row row, *rows = NULL;
    struct db_cols c;
    size_t n = 0;
    int rc;

    *found = 0;
    bind_header(&c, &row.h, row.status);
    rc = db_script_rows(db, &c, &row, sizeof(row), (void **)&rows, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct order_view *v = view_find(set, rows[i].h.order_id);

        if (v && (rc = finish_header(&rows[i].h, rows[i].status)) == 0) {
            v->h = rows[i].h;
            (*found)++;
        }
    }
    free(rows);
    return rc;
}

int store_order_header_by_no(struct db_conn *db, const struct party_scope *scope,
                             int64_t buyer_id, const char *buyer_order_no, bool lock,
                             struct order_header *out)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, buyer_id);
    arg_str(&a, buyer_order_no);
    scope_args(&a, scope);
    return one_header(db, lock ? &q_header_no_lock : &q_header_no, &a, out);
}

DB_SQL(q_insert,
       "INSERT INTO purchase_order (seller_party_id, buyer_party_id, buyer_order_no, status, "
       "version, allow_adjust, ship_to_code, requested_delivery_date, note, currency, "
       "total_amount, content_hash, created_by, created_at, updated_at) "
       "VALUES (?, ?, ?, 'SUBMITTED', 1, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), "
       "UTC_TIMESTAMP(6))");

int store_order_insert(struct db_conn *db, struct order_header *h, int64_t created_by)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_i64(&a, h->seller_id);
    arg_i64(&a, h->buyer_id);
    arg_str(&a, h->buyer_order_no);
    arg_bool(&a, h->allow_adjust);
    arg_str(&a, str_empty(h->ship_to_code) ? NULL : h->ship_to_code);
    arg_str(&a, str_empty(h->delivery_date) ? NULL : h->delivery_date);
    arg_str(&a, str_empty(h->note) ? NULL : h->note);
    arg_str(&a, h->currency);
    arg_money(&a, h->total);
    arg_bin(&a, h->content_hash, sizeof(h->content_hash));
    arg_i64(&a, created_by);
    rc = db_exec(db, &q_insert, &a, NULL);
    if (rc == 0) {
        h->order_id = db_insert_id(db, &q_insert);
        h->status = ORDER_SUBMITTED;
        h->version = 1;
    }
    return rc;
}

DB_SQL(q_lines_insert,
       "INSERT INTO order_line (order_id, line_no, product_id, sku, name, quantity, unit_price, "
       "list_price, line_amount, requested_delivery_date, ordered_quantity, ordered_unit_price, "
       "ordered_delivery_date) "
       "SELECT ?, j.n, j.p, j.sku, j.name, j.q, j.u, j.l, j.a, j.d, j.q, j.u, j.d "
       "FROM JSON_TABLE(?, '$[*]' "
       "COLUMNS (n INT PATH '$.n', p BIGINT PATH '$.p', sku VARCHAR(64) PATH '$.sku', "
       "name VARCHAR(200) PATH '$.name', q DECIMAL(12,3) PATH '$.q', "
       "u DECIMAL(18,4) PATH '$.u', l DECIMAL(18,4) PATH '$.l', a DECIMAL(18,4) PATH '$.a', "
       "d DATE PATH '$.d')) j");

int store_order_lines_insert(struct db_conn *db, int64_t order_id, const char *lines_json)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, order_id);
    arg_str(&a, lines_json);
    return db_exec(db, &q_lines_insert, &a, NULL);
}

DB_SQL(q_history_add,
       "INSERT INTO order_history (order_id, version, at, from_status, to_status, actor, reason) "
       "VALUES (?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?)");

int store_order_history_add(struct db_conn *db, int64_t order_id, int32_t version,
                            const char *from, const char *to, const char *actor,
                            const char *reason)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, order_id);
    arg_i64(&a, version);
    arg_str(&a, from);
    arg_str(&a, to);
    arg_str(&a, actor);
    arg_str(&a, str_empty(reason) ? NULL : reason);
    return db_exec(db, &q_history_add, &a, NULL);
}

DB_SQL(q_set_status,
       "UPDATE purchase_order SET status = ?, version = version + 1, updated_at = UTC_TIMESTAMP(6) "
       "WHERE order_id = ? AND version = ?");

int store_order_set_status(struct db_conn *db, int64_t order_id, int32_t version,
                           enum order_status status, bool *changed)
{
    struct db_args a;
    unsigned long long n = 0;
    int rc;

    db_args_init(&a);
    arg_str(&a, order_status_name(status));
    arg_i64(&a, order_id);
    arg_i64(&a, version);
    rc = db_exec(db, &q_set_status, &a, &n);
    if (rc == 0)
        *changed = n == 1;
    return rc;
}

/* ------------------------------------------------------------ lists */

/* The page and the total are two queries: a window count over the page query
 * would read every matching row in full; COUNT(*) reads only the index. */
DB_SQL(q_list,
       "SELECT " HEADER_COLS HEADER_FROM "WHERE " SCOPE_WHERE
       "AND (? = '' OR o.status = ?) "
       "AND (? = '' OR o.created_at >= ?) "
       "AND (? = '' OR o.created_at < DATE_ADD(?, INTERVAL 1 DAY)) "
       "ORDER BY o.created_at DESC, o.order_id DESC LIMIT ? OFFSET ?");
DB_SQL(q_count,
       "SELECT COUNT(*) FROM purchase_order o WHERE " SCOPE_WHERE
       "AND (? = '' OR o.status = ?) "
       "AND (? = '' OR o.created_at >= ?) "
       "AND (? = '' OR o.created_at < DATE_ADD(?, INTERVAL 1 DAY))");

static void filter_args(struct db_args *a, const struct order_filter *f)
{
    scope_args(a, &f->scope);
    arg_str(a, f->status);
    arg_str(a, f->status);
    arg_str(a, f->created_from);
    arg_str(a, str_empty(f->created_from) ? "2000-01-01" : f->created_from);
    arg_str(a, f->created_to);
    arg_str(a, str_empty(f->created_to) ? "2000-01-01" : f->created_to);
}

int store_order_list(struct db_conn *db, const struct order_filter *f,
                     struct order_header *out, size_t max, size_t *count, int64_t *total)
{
    char status[STATUS_BUF];
    struct order_header row;
    struct db_args a;
    struct db_cols hc, c;
    int rc;

    *count = 0;
    *total = 0;
    db_args_init(&a);
    filter_args(&a, f);
    arg_i64(&a, f->limit);
    arg_i64(&a, f->offset);
    bind_header(&hc, &row, status);
    rc = db_query(db, &q_list, &a, &hc);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, &q_list, &hc)) == 1 && *count < max) {
        if ((rc = finish_header(&row, status)) < 0)
            break;
        out[(*count)++] = row;
    }
    db_done(db, &q_list);
    if (rc < 0)
        return rc;
    /* A page that is not full ends the list: the total is known. */
    if (*count < (size_t)f->limit && (*count > 0 || f->offset == 0)) {
        *total = f->offset + (int64_t)*count;
        return 0;
    }
    db_args_init(&a);
    filter_args(&a, f);
    db_cols_init(&c);
    col_i64(&c, total);
    rc = db_query_one(db, &q_count, &a, &c);
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ change requests */

DB_SQL(q_change_insert,
       "INSERT INTO change_request (order_id, status, requested_at, requested_by, reason) "
       "VALUES (?, 'PENDING', UTC_TIMESTAMP(6), ?, ?)");
/* The order's header tells its readers there are change requests to read. */
DB_SQL(q_change_flag, "UPDATE purchase_order SET has_changes = TRUE WHERE order_id = ?");
DB_SQL(q_change_lines_insert,
       "INSERT INTO change_request_line (change_request_id, line_no, new_quantity, "
       "new_unit_price, new_delivery_date) "
       "SELECT ?, j.n, j.q, j.u, j.d FROM JSON_TABLE(?, '$[*]' COLUMNS (n INT PATH '$.n', "
       "q DECIMAL(12,3) PATH '$.q', u DECIMAL(18,4) PATH '$.u', d DATE PATH '$.d')) j");

int store_change_insert(struct db_conn *db, int64_t order_id, const char *requested_by,
                        const char *reason, const char *lines_json, int64_t *id_out)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_i64(&a, order_id);
    arg_str(&a, requested_by);
    arg_str(&a, str_empty(reason) ? NULL : reason);
    rc = db_exec(db, &q_change_insert, &a, NULL);
    if (rc < 0)
        return rc;
    *id_out = db_insert_id(db, &q_change_insert);
    db_args_init(&a);
    arg_i64(&a, order_id);
    if ((rc = db_exec(db, &q_change_flag, &a, NULL)) < 0)
        return rc;
    db_args_init(&a);
    arg_i64(&a, *id_out);
    arg_str(&a, lines_json);
    return db_exec(db, &q_change_lines_insert, &a, NULL);
}

/* ------------------------------------------------------------ changes to lines and amounts */

DB_SQL(q_line_set,
       "UPDATE order_line SET quantity = ?, unit_price = ?, line_amount = ?, "
       "requested_delivery_date = IF(? IS NULL, requested_delivery_date, NULLIF(?, '')) "
       "WHERE order_id = ? AND line_no = ?");
DB_SQL(q_set_total, "UPDATE purchase_order SET total_amount = ? WHERE order_id = ?");
DB_SQL(q_add_amounts,
       "UPDATE purchase_order SET shipped_amount = shipped_amount + ?, "
       "invoiced_amount = invoiced_amount + ?, paid_amount = paid_amount + ? WHERE order_id = ?");
DB_SQL(q_lines_ship,
       "UPDATE order_line ol JOIN JSON_TABLE(?, '$[*]' COLUMNS (n INT PATH '$.n', "
       "q DECIMAL(12,3) PATH '$.q')) j ON ol.line_no = j.n "
       "SET ol.shipped_qty = ol.shipped_qty + j.q WHERE ol.order_id = ?");

DB_SQL(q_line_minimums,
       "SELECT ol.line_no, p.min_order_qty FROM order_line ol "
       "JOIN product p ON p.product_id = ol.product_id WHERE ol.order_id = ? ORDER BY ol.line_no");

int store_order_line_minimums(struct db_conn *db, int64_t order_id, struct line_minimum **lines,
                              size_t *count)
{
    struct line_minimum row;
    struct db_args a;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_args_init(&a);
    arg_i64(&a, order_id);
    db_cols_init(&c);
    col_i32(&c, &row.line_no);
    col_qty(&c, &row.least);
    col_nullable(&c, &row.least_null);
    return db_query_all(db, &q_line_minimums, &a, &c, &row, sizeof(row), (void **)lines, count);
}

int store_order_line_set(struct db_conn *db, int64_t order_id, int32_t line_no, qty_t quantity,
                         money_t unit_price, money_t amount, const char *delivery_date)
{
    struct db_args a;

    db_args_init(&a);
    arg_qty(&a, quantity);
    arg_money(&a, unit_price);
    arg_money(&a, amount);
    arg_str(&a, delivery_date);
    arg_str(&a, delivery_date);
    arg_i64(&a, order_id);
    arg_i64(&a, line_no);
    return db_exec(db, &q_line_set, &a, NULL);
}

int store_order_set_total(struct db_conn *db, int64_t order_id, money_t total)
{
    struct db_args a;

    db_args_init(&a);
    arg_money(&a, total);
    arg_i64(&a, order_id);
    return db_exec(db, &q_set_total, &a, NULL);
}

int store_order_add_amounts(struct db_conn *db, int64_t order_id, money_t shipped,
                            money_t invoiced, money_t paid)
{
    struct db_args a;

    db_args_init(&a);
    arg_money(&a, shipped);
    arg_money(&a, invoiced);
    arg_money(&a, paid);
    arg_i64(&a, order_id);
    return db_exec(db, &q_add_amounts, &a, NULL);
}

int store_order_lines_ship(struct db_conn *db, int64_t order_id, const char *lines_json)
{
    struct db_args a;

    db_args_init(&a);
    arg_str(&a, lines_json);
    arg_i64(&a, order_id);
    return db_exec(db, &q_lines_ship, &a, NULL);
}

DB_SQL(q_change_lock,
       "SELECT c.order_id, c.status FROM change_request c JOIN purchase_order o "
       "ON o.order_id = c.order_id WHERE c.change_request_id = ? AND " SCOPE_WHERE
       "FOR UPDATE");
DB_SQL(q_change_decide,
       "UPDATE change_request SET status = ?, decided_at = UTC_TIMESTAMP(6), decided_by = ?, "
       "decision_reason = ? WHERE change_request_id = ? AND status = 'PENDING'");

int store_change_lock(struct db_conn *db, const struct party_scope *scope, int64_t change_id,
                      int64_t *order_id, char status[10])
{
    struct db_args a;
    struct db_cols c;

    db_args_init(&a);
    arg_i64(&a, change_id);
    scope_args(&a, scope);
    db_cols_init(&c);
    col_i64(&c, order_id);
    col_str(&c, status, 10);
    return db_query_one(db, &q_change_lock, &a, &c);
}

int store_change_decide(struct db_conn *db, int64_t change_id, const char *status,
                        const char *decided_by, const char *reason)
{
    struct db_args a;

    db_args_init(&a);
    arg_str(&a, status);
    arg_str(&a, decided_by);
    arg_str(&a, str_empty(reason) ? NULL : reason);
    arg_i64(&a, change_id);
    return db_exec(db, &q_change_decide, &a, NULL);
}


