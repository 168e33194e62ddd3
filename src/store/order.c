/*
 * order.c - SQL for purchase orders.
 */
#include "store/order.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "store/stmt.h"

/* The header columns every header query selects, in bind_header's order. */
#define HEADER_COLS                                                                           \
    "o.order_id, o.seller_party_id, o.buyer_party_id, o.buyer_order_no, s.code, b.code, "   \
    "o.status, o.version, o.allow_adjust, COALESCE(o.ship_to_code, ''), "                   \
    "COALESCE(DATE_FORMAT(o.requested_delivery_date, '%Y-%m-%d'), ''), COALESCE(o.note, ''), " \
    "o.currency, o.total_amount, o.shipped_amount, o.invoiced_amount, o.paid_amount, "        \
    "o.content_hash, TIMESTAMPDIFF(SECOND, '1970-01-01', o.created_at), "                    \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', o.updated_at) "
#define HEADER_FROM                                                                           \
    "FROM purchase_order o JOIN party s ON s.party_id = o.seller_party_id "                  \
    "JOIN party b ON b.party_id = o.buyer_party_id "
/* Scope: a 0 id matches every row on its side. */
#define SCOPE_WHERE "(? = 0 OR o.buyer_party_id = ?) AND (? = 0 OR o.seller_party_id = ?) "

struct header_binding {
    struct db_cols cols;
    char status[21];
};

static void bind_header(struct header_binding *hb, struct order_header *h)
{
    struct db_cols *c = &hb->cols;

    memset(h, 0, sizeof(*h));
    db_cols_init(c);
    col_i64(c, &h->order_id);
    col_i64(c, &h->seller_id);
    col_i64(c, &h->buyer_id);
    col_str(c, h->buyer_order_no, sizeof(h->buyer_order_no));
    col_str(c, h->seller_code, sizeof(h->seller_code));
    col_str(c, h->buyer_code, sizeof(h->buyer_code));
    col_str(c, hb->status, sizeof(hb->status));
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
}

/* After a fetch: the status text into the enum. */
static int finish_header(struct header_binding *hb, struct order_header *h)
{
    int s = order_status_parse(hb->status);

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
DB_SQL(q_header_lock,
       "SELECT " HEADER_COLS HEADER_FROM "WHERE o.order_id = ? AND " SCOPE_WHERE "FOR UPDATE");
DB_SQL(q_header_no, "SELECT " HEADER_COLS HEADER_FROM
                    "WHERE o.buyer_party_id = ? AND o.buyer_order_no = ? AND " SCOPE_WHERE);
DB_SQL(q_header_no_lock, "SELECT " HEADER_COLS HEADER_FROM
                         "WHERE o.buyer_party_id = ? AND o.buyer_order_no = ? AND " SCOPE_WHERE
                         "FOR UPDATE");

static int one_header(struct db_conn *db, struct db_sql *q, struct db_args *a,
                      struct order_header *out)
{
    struct header_binding hb;
    int rc;

    bind_header(&hb, out);
    rc = db_query_one(db, q, a, &hb.cols);
    if (rc == 1 && finish_header(&hb, out) < 0)
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
       "list_price, line_amount, requested_delivery_date) "
       "SELECT ?, j.n, j.p, j.sku, j.name, j.q, j.u, j.l, j.a, j.d FROM JSON_TABLE(?, '$[*]' "
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

/* ------------------------------------------------------------ details */

DB_SQL(q_lines,
       "SELECT line_no, product_id, sku, name, quantity, unit_price, list_price, line_amount, "
       "shipped_qty, returned_qty, COALESCE(DATE_FORMAT(requested_delivery_date, '%Y-%m-%d'), '') "
       "FROM order_line WHERE order_id = ? ORDER BY line_no");
DB_SQL(q_history,
       "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', at), COALESCE(from_status, ''), to_status, "
       "actor, COALESCE(reason, ''), version FROM order_history WHERE order_id = ? "
       "ORDER BY version, history_id");
DB_SQL(q_changes,
       "SELECT change_request_id, status, TIMESTAMPDIFF(SECOND, '1970-01-01', requested_at), "
       "requested_by, COALESCE(reason, ''), "
       "COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01', decided_at), 0), COALESCE(decided_by, ''), "
       "COALESCE(decision_reason, '') FROM change_request WHERE order_id = ? "
       "ORDER BY change_request_id");
DB_SQL(q_change_lines,
       "SELECT l.change_request_id, l.line_no, l.new_quantity, l.new_unit_price, "
       "COALESCE(DATE_FORMAT(l.new_delivery_date, '%Y-%m-%d'), '') "
       "FROM change_request_line l JOIN change_request c USING (change_request_id) "
       "WHERE c.order_id = ? ORDER BY l.change_request_id, l.line_no");
DB_SQL(q_shipments,
       "SELECT shipment_id, shipment_no, DATE_FORMAT(ship_date, '%Y-%m-%d'), amount "
       "FROM shipment WHERE order_id = ? ORDER BY shipment_id");
DB_SQL(q_shipment_lines,
       "SELECT l.shipment_id, l.line_no, l.quantity FROM shipment_line l "
       "JOIN shipment s USING (shipment_id) WHERE s.order_id = ? ORDER BY l.shipment_id, l.line_no");
DB_SQL(q_invoices,
       "SELECT invoice_id, invoice_no, DATE_FORMAT(invoice_date, '%Y-%m-%d'), amount, paid_amount "
       "FROM invoice WHERE order_id = ? ORDER BY invoice_id");

/* Runs q for the order and collects its rows. */
static int fetch_all(struct db_conn *db, struct db_sql *q, int64_t order_id, struct db_cols *c,
                     const void *row, size_t size, void **items, size_t *count)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, order_id);
    return db_query_all(db, q, &a, c, row, size, items, count);
}

static int load_lines(struct db_conn *db, struct order_view *v)
{
    struct order_line_view row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i32(&c, &row.line_no);
    col_i64(&c, &row.product_id);
    col_str(&c, row.sku, sizeof(row.sku));
    col_str(&c, row.name, sizeof(row.name));
    col_qty(&c, &row.quantity);
    col_money(&c, &row.unit_price);
    col_money(&c, &row.list_price);
    col_money(&c, &row.line_amount);
    col_qty(&c, &row.shipped);
    col_qty(&c, &row.returned);
    col_str(&c, row.delivery_date, sizeof(row.delivery_date));
    return fetch_all(db, &q_lines, v->h.order_id, &c, &row, sizeof(row), (void **)&v->lines,
                     &v->line_count);
}

static int load_history(struct db_conn *db, struct order_view *v)
{
    struct history_view row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.at);
    col_str(&c, row.from_status, sizeof(row.from_status));
    col_str(&c, row.to_status, sizeof(row.to_status));
    col_str(&c, row.actor, sizeof(row.actor));
    col_str(&c, row.reason, sizeof(row.reason));
    col_i32(&c, &row.version);
    return fetch_all(db, &q_history, v->h.order_id, &c, &row, sizeof(row), (void **)&v->history,
                     &v->history_count);
}

struct change_line_row {
    int64_t change_id;
    struct change_line_view line;
};

static int load_changes(struct db_conn *db, struct order_view *v)
{
    struct change_view row;
    struct change_line_row lrow;
    struct change_line_row *lines = NULL;
    size_t nlines = 0;
    bool qnull = false, pnull = false;
    struct db_cols c;
    int rc;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.id);
    col_str(&c, row.status, sizeof(row.status));
    col_i64(&c, &row.requested_at);
    col_str(&c, row.requested_by, sizeof(row.requested_by));
    col_str(&c, row.reason, sizeof(row.reason));
    col_i64(&c, &row.decided_at);
    col_str(&c, row.decided_by, sizeof(row.decided_by));
    col_str(&c, row.decision_reason, sizeof(row.decision_reason));
    rc = fetch_all(db, &q_changes, v->h.order_id, &c, &row, sizeof(row), (void **)&v->changes,
                   &v->change_count);
    if (rc < 0 || v->change_count == 0)
        return rc;
    memset(&lrow, 0, sizeof(lrow));
    db_cols_init(&c);
    col_i64(&c, &lrow.change_id);
    col_i32(&c, &lrow.line.line_no);
    col_qty(&c, &lrow.line.quantity);
    col_nullable(&c, &qnull);
    col_money(&c, &lrow.line.unit_price);
    col_nullable(&c, &pnull);
    col_str(&c, lrow.line.delivery_date, sizeof(lrow.line.delivery_date));
    {
        struct db_args a;

        db_args_init(&a);
        arg_i64(&a, v->h.order_id);
        rc = db_query(db, &q_change_lines, &a, &c);
        if (rc < 0)
            return rc;
        while ((rc = db_fetch(db, &q_change_lines, &c)) == 1) {
            struct change_line_row *grown = realloc(lines, (nlines + 1) * sizeof(*lines));

            if (!grown) {
                rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
                break;
            }
            lines = grown;
            lrow.line.has_quantity = !qnull;
            lrow.line.has_price = !pnull;
            lines[nlines++] = lrow;
        }
        db_done(db, &q_change_lines);
    }
    /* Distribute the lines to their requests (both lists are in id order). */
    for (size_t i = 0; rc >= 0 && i < v->change_count; i++) {
        struct change_view *cv = &v->changes[i];
        size_t n = 0;

        for (size_t k = 0; k < nlines; k++)
            n += lines[k].change_id == cv->id;
        cv->lines = n ? calloc(n, sizeof(*cv->lines)) : NULL;
        if (n && !cv->lines) {
            rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
            break;
        }
        for (size_t k = 0; k < nlines; k++)
            if (lines[k].change_id == cv->id)
                cv->lines[cv->line_count++] = lines[k].line;
    }
    free(lines);
    return rc < 0 ? rc : 0;
}

struct doc_line_row {
    int64_t doc_id;
    struct doc_line_view line;
};

static int load_shipments(struct db_conn *db, struct order_view *v)
{
    struct shipment_view row;
    struct doc_line_row lrow;
    struct doc_line_row *lines = NULL;
    size_t nlines = 0;
    struct db_cols c;
    int rc;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.id);
    col_str(&c, row.shipment_no, sizeof(row.shipment_no));
    col_str(&c, row.ship_date, sizeof(row.ship_date));
    col_money(&c, &row.amount);
    rc = fetch_all(db, &q_shipments, v->h.order_id, &c, &row, sizeof(row),
                   (void **)&v->shipments, &v->shipment_count);
    if (rc < 0 || v->shipment_count == 0)
        return rc;
    memset(&lrow, 0, sizeof(lrow));
    db_cols_init(&c);
    col_i64(&c, &lrow.doc_id);
    col_i32(&c, &lrow.line.line_no);
    col_qty(&c, &lrow.line.quantity);
    rc = fetch_all(db, &q_shipment_lines, v->h.order_id, &c, &lrow, sizeof(lrow),
                   (void **)&lines, &nlines);
    for (size_t i = 0; rc >= 0 && i < v->shipment_count; i++) {
        struct shipment_view *sv = &v->shipments[i];
        size_t n = 0;

        for (size_t k = 0; k < nlines; k++)
            n += lines[k].doc_id == sv->id;
        sv->lines = n ? calloc(n, sizeof(*sv->lines)) : NULL;
        if (n && !sv->lines) {
            rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
            break;
        }
        for (size_t k = 0; k < nlines; k++)
            if (lines[k].doc_id == sv->id)
                sv->lines[sv->line_count++] = lines[k].line;
    }
    free(lines);
    return rc < 0 ? rc : 0;
}

static int load_invoices(struct db_conn *db, struct order_view *v)
{
    struct invoice_view row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.id);
    col_str(&c, row.invoice_no, sizeof(row.invoice_no));
    col_str(&c, row.invoice_date, sizeof(row.invoice_date));
    col_money(&c, &row.amount);
    col_money(&c, &row.paid);
    return fetch_all(db, &q_invoices, v->h.order_id, &c, &row, sizeof(row),
                     (void **)&v->invoices, &v->invoice_count);
}

int store_order_details(struct db_conn *db, struct order_view *v)
{
    int rc;

    if ((rc = load_lines(db, v)) < 0 || (rc = load_history(db, v)) < 0 ||
        (rc = load_changes(db, v)) < 0 || (rc = load_shipments(db, v)) < 0 ||
        (rc = load_invoices(db, v)) < 0)
        return rc;
    return 0;
}

/* ------------------------------------------------------------ lists */

DB_SQL(q_list,
       "SELECT " HEADER_COLS ", COUNT(*) OVER () " HEADER_FROM "WHERE " SCOPE_WHERE
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
    struct header_binding hb;
    struct order_header row;
    struct db_args a;
    struct db_cols c;
    int64_t n = 0;
    int rc;

    *count = 0;
    *total = 0;
    db_args_init(&a);
    filter_args(&a, f);
    arg_i64(&a, f->limit);
    arg_i64(&a, f->offset);
    bind_header(&hb, &row);
    col_i64(&hb.cols, &n);
    rc = db_query(db, &q_list, &a, &hb.cols);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, &q_list, &hb.cols)) == 1 && *count < max) {
        if ((rc = finish_header(&hb, &row)) < 0)
            break;
        out[(*count)++] = row;
        *total = n;
    }
    db_done(db, &q_list);
    if (rc < 0)
        return rc;
    if (*count > 0)
        return 0;
    /* An empty page (offset past the end) still reports the total. */
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
