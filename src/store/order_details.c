/*
 * order_details.c - the parts of order views (lines, history, change
 * requests, shipments, invoices), loaded for a whole batch of orders at once.
 *
 * Each part is one SELECT over the batch's order ids; rows come back with
 * their order id and are handed to their views. The parts' SELECTs go as one
 * read script (db_script): a feed batch of 100 orders costs one round trip
 * for its lines and history and one more only if some of them have change
 * requests, shipments or invoices. One order (GetOrderStatus) is a batch of
 * one, read on a snapshot of its own with its header in the same script.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "store/order.h"
#include "store/order_internal.h"
#include "store/rows.h"
#include "store/stmt.h"

/* Each part is a SELECT whose rows start with their order id, the table
 * alias its order id is filtered on, and its order. */
#define LINES_SELECT                                                                          \
    "SELECT l.order_id, l.line_no, l.product_id, l.sku, l.name, l.quantity, l.unit_price, "  \
    "l.list_price, l.line_amount, l.shipped_qty, l.returned_qty, "                           \
    "COALESCE(DATE_FORMAT(l.requested_delivery_date, '%Y-%m-%d'), ''), "                     \
    "COALESCE(l.ordered_quantity, l.quantity), COALESCE(l.ordered_unit_price, l.unit_price), " \
    "COALESCE(DATE_FORMAT(l.ordered_delivery_date, '%Y-%m-%d'), '') "                          \
    "FROM order_line l "
#define LINES_ORDER "ORDER BY l.order_id, l.line_no"
#define HISTORY_SELECT                                                                        \
    "SELECT h.order_id, TIMESTAMPDIFF(SECOND, '1970-01-01', h.at), COALESCE(h.from_status, ''), " \
    "h.to_status, h.actor, COALESCE(h.reason, ''), h.version FROM order_history h "
#define HISTORY_ORDER "ORDER BY h.order_id, h.version, h.history_id"
#define CHANGES_SELECT                                                                        \
    "SELECT c.order_id, c.change_request_id, c.status, "                                     \
    "TIMESTAMPDIFF(SECOND, '1970-01-01', c.requested_at), c.requested_by, "                  \
    "COALESCE(c.reason, ''), COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01', c.decided_at), 0), " \
    "COALESCE(c.decided_by, ''), COALESCE(c.decision_reason, '') FROM change_request c "
#define CHANGES_ORDER "ORDER BY c.order_id, c.change_request_id"
#define CHANGE_LINES_SELECT                                                                   \
    "SELECT c.order_id, l.change_request_id, l.line_no, l.new_quantity, l.new_unit_price, "  \
    "COALESCE(DATE_FORMAT(l.new_delivery_date, '%Y-%m-%d'), '') FROM change_request_line l " \
    "JOIN change_request c ON c.change_request_id = l.change_request_id "
#define CHANGE_LINES_ORDER "ORDER BY c.order_id, l.change_request_id, l.line_no"
#define SHIPMENTS_SELECT                                                                      \
    "SELECT s.order_id, s.shipment_id, s.shipment_no, DATE_FORMAT(s.ship_date, '%Y-%m-%d'), " \
    "s.amount FROM shipment s "
#define SHIPMENTS_ORDER "ORDER BY s.order_id, s.shipment_id"
#define SHIPMENT_LINES_SELECT                                                                 \
    "SELECT s.order_id, l.shipment_id, l.line_no, l.quantity FROM shipment_line l "          \
    "JOIN shipment s ON s.shipment_id = l.shipment_id "
#define SHIPMENT_LINES_ORDER "ORDER BY s.order_id, l.shipment_id, l.line_no"
#define INVOICES_SELECT                                                                       \
    "SELECT i.order_id, i.invoice_id, i.invoice_no, DATE_FORMAT(i.invoice_date, '%Y-%m-%d'), " \
    "i.amount, i.paid_amount FROM invoice i "
#define INVOICES_ORDER "ORDER BY i.order_id, i.invoice_id"

/* The batch: its views, whose parts are read from the script in flight. */
struct batch {
    struct order_view *views;
    size_t n;
};

/* The batch's views, for the rows of each part: each row starts with its
 * order id (rows.h). */
static struct view_set set_of(const struct batch *b)
{
    struct view_set set = {b->views, b->n, sizeof(struct order_view),
                           offsetof(struct order_view, h.order_id)};

    return set;
}

/* The script's next result set, a part of the batch's orders, into their
 * views: the array at offset arr of struct order_view and its count at cnt. */
static int take_part(struct db_conn *db, const struct batch *b, struct db_cols *c,
                     const void *row, size_t row_size, size_t off, size_t payload, size_t arr,
                     size_t cnt)
{
    struct view_set set = set_of(b);

    return rows_take(db, &set, c, row, row_size, off, payload, arr, cnt);
}

struct line_row {
    int64_t order_id;
    struct order_line_view v;
};

static int load_lines(struct db_conn *db, const struct batch *b)
{
    struct line_row row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.order_id);
    col_i32(&c, &row.v.line_no);
    col_i64(&c, &row.v.product_id);
    col_str(&c, row.v.sku, sizeof(row.v.sku));
    col_str(&c, row.v.name, sizeof(row.v.name));
    col_qty(&c, &row.v.quantity);
    col_money(&c, &row.v.unit_price);
    col_money(&c, &row.v.list_price);
    col_money(&c, &row.v.line_amount);
    col_qty(&c, &row.v.shipped);
    col_qty(&c, &row.v.returned);
    col_str(&c, row.v.delivery_date, sizeof(row.v.delivery_date));
    col_qty(&c, &row.v.ordered_quantity);
    col_money(&c, &row.v.ordered_unit_price);
    col_str(&c, row.v.ordered_delivery_date, sizeof(row.v.ordered_delivery_date));
    return take_part(db, b, &c, &row, sizeof(row), offsetof(struct line_row, v), sizeof(row.v),
                     offsetof(struct order_view, lines), offsetof(struct order_view, line_count));
}

struct history_row {
    int64_t order_id;
    struct history_view v;
};

static int load_history(struct db_conn *db, const struct batch *b)
{
    struct history_row row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.order_id);
    cols_history(&c, &row.v);
    return take_part(db, b, &c, &row, sizeof(row), offsetof(struct history_row, v), sizeof(row.v),
                     offsetof(struct order_view, history),
                     offsetof(struct order_view, history_count));
}

struct change_row {
    int64_t order_id;
    struct change_view v;
};

struct change_line_row {
    int64_t order_id;
    int64_t change_id;
    struct change_line_view v;
    bool qty_null;
    bool price_null;
};

static int load_changes(struct db_conn *db, const struct batch *b)
{
    struct change_row row;
    struct change_line_row lrow;
    struct change_line_row *lines = NULL;
    struct db_cols c;
    size_t nlines = 0;
    int rc;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.order_id);
    col_i64(&c, &row.v.id);
    col_str(&c, row.v.status, sizeof(row.v.status));
    col_i64(&c, &row.v.requested_at);
    col_str(&c, row.v.requested_by, sizeof(row.v.requested_by));
    col_str(&c, row.v.reason, sizeof(row.v.reason));
    col_i64(&c, &row.v.decided_at);
    col_str(&c, row.v.decided_by, sizeof(row.v.decided_by));
    col_str(&c, row.v.decision_reason, sizeof(row.v.decision_reason));
    rc = take_part(db, b, &c, &row, sizeof(row), offsetof(struct change_row, v), sizeof(row.v),
                   offsetof(struct order_view, changes),
                   offsetof(struct order_view, change_count));
    if (rc < 0) /* the script has the lines' result set even when there are none */
        return rc;
    memset(&lrow, 0, sizeof(lrow));
    db_cols_init(&c);
    col_i64(&c, &lrow.order_id);
    col_i64(&c, &lrow.change_id);
    col_i32(&c, &lrow.v.line_no);
    col_qty(&c, &lrow.v.quantity);
    col_nullable(&c, &lrow.qty_null);
    col_money(&c, &lrow.v.unit_price);
    col_nullable(&c, &lrow.price_null);
    col_str(&c, lrow.v.delivery_date, sizeof(lrow.v.delivery_date));
    rc = db_script_rows(db, &c, &lrow, sizeof(lrow), (void **)&lines, &nlines);
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        struct order_view *v = &b->views[i];

        for (size_t k = 0; rc == 0 && k < v->change_count; k++) {
            struct change_view *cv = &v->changes[k];
            size_t count = 0;

            cv->lines = NULL;
            cv->line_count = 0;
            for (size_t r = 0; r < nlines; r++)
                count += lines[r].change_id == cv->id;
            if (count == 0)
                continue;
            cv->lines = calloc(count, sizeof(*cv->lines));
            if (!cv->lines) {
                rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
                break;
            }
            for (size_t r = 0; r < nlines; r++) {
                if (lines[r].change_id != cv->id)
                    continue;
                lines[r].v.has_quantity = !lines[r].qty_null;
                lines[r].v.has_price = !lines[r].price_null;
                cv->lines[cv->line_count++] = lines[r].v;
            }
        }
    }
    free(lines);
    return rc;
}

struct shipment_row {
    int64_t order_id;
    struct shipment_view v;
};

struct shipment_line_row {
    int64_t order_id;
    int64_t shipment_id;
    struct doc_line_view v;
};

static int load_shipments(struct db_conn *db, const struct batch *b)
{
    struct shipment_row row;
    struct shipment_line_row lrow;
    struct shipment_line_row *lines = NULL;
    struct db_cols c;
    size_t nlines = 0;
    int rc;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.order_id);
    col_i64(&c, &row.v.id);
    col_str(&c, row.v.shipment_no, sizeof(row.v.shipment_no));
    col_str(&c, row.v.ship_date, sizeof(row.v.ship_date));
    col_money(&c, &row.v.amount);
    rc = take_part(db, b, &c, &row, sizeof(row), offsetof(struct shipment_row, v), sizeof(row.v),
                   offsetof(struct order_view, shipments),
                   offsetof(struct order_view, shipment_count));
    if (rc < 0)
        return rc;
    memset(&lrow, 0, sizeof(lrow));
    db_cols_init(&c);
    col_i64(&c, &lrow.order_id);
    col_i64(&c, &lrow.shipment_id);
    col_i32(&c, &lrow.v.line_no);
    col_qty(&c, &lrow.v.quantity);
    rc = db_script_rows(db, &c, &lrow, sizeof(lrow), (void **)&lines, &nlines);
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        struct order_view *v = &b->views[i];

        for (size_t k = 0; rc == 0 && k < v->shipment_count; k++) {
            struct shipment_view *sv = &v->shipments[k];
            size_t count = 0;

            sv->lines = NULL;
            sv->line_count = 0;
            for (size_t r = 0; r < nlines; r++)
                count += lines[r].shipment_id == sv->id;
            if (count == 0)
                continue;
            sv->lines = calloc(count, sizeof(*sv->lines));
            if (!sv->lines) {
                rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
                break;
            }
            for (size_t r = 0; r < nlines; r++)
                if (lines[r].shipment_id == sv->id)
                    sv->lines[sv->line_count++] = lines[r].v;
        }
    }
    free(lines);
    return rc;
}

struct invoice_row {
    int64_t order_id;
    struct invoice_view v;
};

static int load_invoices(struct db_conn *db, const struct batch *b)
{
    struct invoice_row row;
    struct db_cols c;

    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_i64(&c, &row.order_id);
    col_i64(&c, &row.v.id);
    col_str(&c, row.v.invoice_no, sizeof(row.v.invoice_no));
    col_str(&c, row.v.invoice_date, sizeof(row.v.invoice_date));
    col_money(&c, &row.v.amount);
    col_money(&c, &row.v.paid);
    return take_part(db, b, &c, &row, sizeof(row), offsetof(struct invoice_row, v), sizeof(row.v),
                     offsetof(struct order_view, invoices),
                     offsetof(struct order_view, invoice_count));
}

/* Which of the optional parts any of the views has: the header tells of
 * change requests and invoices (an invoice is never 0), the lines of
 * shipments (a shipment of free goods leaves the amount at 0, not the
 * quantity). Parts none of them has cost no query. */
struct parts {
    bool changes, shipments, invoices;
};

static struct parts parts_of(const struct order_view *views, size_t n)
{
    struct parts p = {false, false, false};

    for (size_t i = 0; i < n; i++) {
        p.changes |= views[i].h.has_changes;
        p.invoices |= views[i].h.invoiced > 0;
        for (size_t k = 0; k < views[i].line_count; k++)
            p.shipments |= views[i].lines[k].shipped > 0;
    }
    return p;
}

/* Loads the optional parts, in the order parts_script() asks for them. */
static int load_parts(struct db_conn *db, const struct batch *b, struct parts p)
{
    int rc = 0;

    if ((p.changes && (rc = load_changes(db, b)) < 0) ||
        (p.shipments && (rc = load_shipments(db, b)) < 0) ||
        (p.invoices && (rc = load_invoices(db, b)) < 0))
        return rc;
    return 0;
}

static void parts_script(struct jbuf *j, struct parts p, const char *ids)
{
    if (p.changes) {
        script_select_in(j, CHANGES_SELECT, "c.order_id", ids, CHANGES_ORDER);
        script_select_in(j, CHANGE_LINES_SELECT, "c.order_id", ids, CHANGE_LINES_ORDER);
    }
    if (p.shipments) {
        script_select_in(j, SHIPMENTS_SELECT, "s.order_id", ids, SHIPMENTS_ORDER);
        script_select_in(j, SHIPMENT_LINES_SELECT, "s.order_id", ids, SHIPMENT_LINES_ORDER);
    }
    if (p.invoices)
        script_select_in(j, INVOICES_SELECT, "i.order_id", ids, INVOICES_ORDER);
}

/* The views' order ids as "1,2,3" into ids. */
static int ids_text(struct jbuf *ids, const struct order_view *views, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            jbuf_raw(ids, ",");
        jbuf_i64(ids, views[i].h.order_id);
    }
    return jbuf_failed(ids) ? eos_err_set(EOS_EINTERNAL, NULL, "out of memory") : 0;
}

/* The read script of a batch: with scope the headers, then the lines, the
 * history, and the optional parts in p, in the order the loaders take them. */
static int batch_script(struct jbuf *j, const struct party_scope *scope, const char *ids,
                        struct parts p)
{
    jbuf_free(j);
    jbuf_init(j);
    if (scope)
        order_header_script(j, scope, ids);
    script_select_in(j, LINES_SELECT, "l.order_id", ids, LINES_ORDER);
    script_select_in(j, HISTORY_SELECT, "h.order_id", ids, HISTORY_ORDER);
    parts_script(j, p, ids);
    return jbuf_failed(j) ? eos_err_set(EOS_EINTERNAL, NULL, "out of memory") : 0;
}

/* Takes what batch_script asked for from the script in flight. */
static int take_batch(struct db_conn *db, const struct batch *b, const struct party_scope *scope,
                      struct parts p, size_t *found)
{
    struct view_set set = set_of(b);
    int rc = 0;

    if ((scope && (rc = order_header_script_rows(db, &set, found)) < 0) ||
        (rc = load_lines(db, b)) < 0 || (rc = load_history(db, b)) < 0 ||
        (rc = load_parts(db, b, p)) < 0)
        return rc;
    return db_script_end(db);
}

/* A batch inside the transaction that is open: with scope its headers, lines
 * and history as one script; the optional parts some of its orders turn out
 * to have as one more. */
static int read_batch(struct db_conn *db, const struct party_scope *scope, struct batch *b,
                      size_t *found)
{
    struct parts none = {false, false, false}, p;
    struct jbuf ids, j;
    int rc;

    jbuf_init(&ids);
    jbuf_init(&j);
    if ((rc = ids_text(&ids, b->views, b->n)) < 0 ||
        (rc = batch_script(&j, scope, ids.data, none)) < 0 || (rc = db_script(db, j.data)) < 0 ||
        (rc = take_batch(db, b, scope, none, found)) < 0)
        goto out;
    p = parts_of(b->views, b->n);
    if (!p.changes && !p.shipments && !p.invoices)
        goto out;
    jbuf_free(&j);
    jbuf_init(&j);
    parts_script(&j, p, ids.data);
    if (jbuf_failed(&j))
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    else if ((rc = db_script(db, j.data)) == 0 && (rc = load_parts(db, b, p)) == 0)
        rc = db_script_end(db);
out:
    if (rc < 0)
        (void)db_script_end(db); /* what a failed script left unread */
    jbuf_free(&j);
    jbuf_free(&ids);
    return rc;
}

int store_order_details(struct db_conn *db, struct order_view *v)
{
    struct batch b = {v, 1};

    return read_batch(db, NULL, &b, NULL);
}

int store_orders_read(struct db_conn *db, const struct party_scope *scope, const int64_t *ids,
                      size_t n, struct order_view *views, size_t *found)
{
    struct batch b = {views, n};

    *found = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&views[i].h, 0, sizeof(views[i].h));
        views[i].h.order_id = ids[i]; /* where each header goes, until read */
    }
    return n ? read_batch(db, scope, &b, found) : 0;
}

/* One order in one round trip: the snapshot's start, every query and its end
 * go as one script. Which optional parts the order has is known only from
 * its header and lines, so the first script asks for none; an order that has
 * some is read again, whole, with them (two round trips, as consistent as
 * one: each script is its own snapshot). Five round trips were most of
 * GetOrderStatus's cost (docs/benchmarks.md). */
int store_order_read(struct db_conn *db, const struct party_scope *scope, int64_t order_id,
                     struct order_view *out)
{
    struct batch b = {out, 1};
    struct parts want = {false, false, false}, have;
    struct jbuf j;
    char id[24];
    size_t found = 0;
    int rc;

    snprintf(id, sizeof(id), "%lld", (long long)order_id);
    jbuf_init(&j);
    for (;;) {
        memset(out, 0, sizeof(*out));
        out->h.order_id = order_id;
        if ((rc = batch_script(&j, scope, id, want)) < 0 ||
            (rc = db_read_snapshot(db, j.data)) < 0 ||
            (rc = take_batch(db, &b, scope, want, &found)) < 0)
            break;
        if (found == 0) {
            rc = 0;
            break;
        }
        have = parts_of(out, 1);
        if ((!have.changes || want.changes) && (!have.shipments || want.shipments) &&
            (!have.invoices || want.invoices)) {
            rc = 1;
            break;
        }
        /* Parts a change made meanwhile can only add to what is asked. */
        want.changes |= have.changes;
        want.shipments |= have.shipments;
        want.invoices |= have.invoices;
        order_view_clear(out);
    }
    db_rollback(db); /* after a failure; nothing to do otherwise */
    jbuf_free(&j);
    if (rc <= 0)
        order_view_clear(out);
    return rc;
}
