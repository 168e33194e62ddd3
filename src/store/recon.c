/*
 * recon.c - SQL for account documents.
 */
#include "store/recon.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "store/stmt.h"

#define BRANCH_SCOPE(t) \
    "WHERE (? = 0 OR " t ".buyer_party_id = ?) AND (? = 0 OR " t ".seller_party_id = ?) "

/* All four kinds of documents as one relation: type, number, date, order,
 * amount, seller, buyer. */
#define DOCS                                                                                  \
    "(SELECT 'SHIPMENT' AS t, s.shipment_no AS no, s.ship_date AS d, s.order_id AS oid, "    \
    "s.amount AS amt, s.seller_party_id AS sid, s.buyer_party_id AS bid FROM shipment s "    \
    BRANCH_SCOPE("s")                                                                        \
    "UNION ALL SELECT 'INVOICE', i.invoice_no, i.invoice_date, i.order_id, i.amount, "       \
    "i.seller_party_id, i.buyer_party_id FROM invoice i " BRANCH_SCOPE("i")                  \
    "UNION ALL SELECT 'PAYMENT', p.payment_no, p.payment_date, NULL, p.amount, "             \
    "p.seller_party_id, p.buyer_party_id FROM payment p " BRANCH_SCOPE("p")                  \
    "UNION ALL SELECT 'REFUND', r.buyer_return_no, r.refund_date, r.order_id, "              \
    "r.total_amount, r.seller_party_id, r.buyer_party_id FROM return_order r "               \
    BRANCH_SCOPE("r") "AND r.status = 'REFUNDED') d "

DB_SQL(q_list,
       "SELECT d.t, d.no, DATE_FORMAT(d.d, '%Y-%m-%d'), COALESCE(d.oid, 0), d.amt, b.code, "
       "COALESCE(c.confirmed, 0), "
       "IF(c.confirmed, TIMESTAMPDIFF(SECOND, '1970-01-01', c.changed_at), 0), "
       "IF(c.confirmed, c.changed_by, '') FROM " DOCS
       "JOIN party b ON b.party_id = d.bid "
       "LEFT JOIN document_confirmation c ON c.seller_party_id = d.sid "
       "AND c.buyer_party_id = d.bid AND c.doc_type = d.t AND c.doc_no = d.no "
       "WHERE (? = '' OR d.t = ?) AND (? = '' OR d.d >= ?) AND (? = '' OR d.d <= ?) "
       "AND (? = 0 OR COALESCE(c.confirmed, 0) = 0) "
       "ORDER BY d.d, d.t, d.no, d.sid, d.bid LIMIT ? OFFSET ?");

DB_SQL(q_count,
       "SELECT COUNT(*) FROM " DOCS
       "LEFT JOIN document_confirmation c ON c.seller_party_id = d.sid "
       "AND c.buyer_party_id = d.bid AND c.doc_type = d.t AND c.doc_no = d.no "
       "WHERE (? = '' OR d.t = ?) AND (? = '' OR d.d >= ?) AND (? = '' OR d.d <= ?) "
       "AND (? = 0 OR COALESCE(c.confirmed, 0) = 0)");

static void scope4(struct db_args *a, const struct party_scope *s)
{
    for (int i = 0; i < 4; i++) {
        arg_i64(a, s->buyer_id);
        arg_i64(a, s->buyer_id);
        arg_i64(a, s->seller_id);
        arg_i64(a, s->seller_id);
    }
}

static void filter_args(struct db_args *a, const struct doc_filter *f)
{
    scope4(a, &f->scope);
    arg_str(a, f->doc_type);
    arg_str(a, f->doc_type);
    arg_str(a, f->from);
    arg_str(a, str_empty(f->from) ? "2000-01-01" : f->from);
    arg_str(a, f->to);
    arg_str(a, str_empty(f->to) ? "2000-01-01" : f->to);
    arg_bool(a, f->unconfirmed_only);
}

int store_doc_list(struct db_conn *db, const struct doc_filter *f, struct account_doc *out,
                   size_t max, size_t *count, int64_t *total)
{
    struct account_doc row;
    struct db_args a;
    struct db_cols c;
    int rc;

    *count = 0;
    *total = 0;
    db_args_init(&a);
    filter_args(&a, f);
    arg_i64(&a, f->limit);
    arg_i64(&a, f->offset);
    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_str(&c, row.doc_type, sizeof(row.doc_type));
    col_str(&c, row.doc_no, sizeof(row.doc_no));
    col_str(&c, row.doc_date, sizeof(row.doc_date));
    col_i64(&c, &row.order_id);
    col_money(&c, &row.amount);
    col_str(&c, row.buyer_code, sizeof(row.buyer_code));
    col_bool(&c, &row.confirmed);
    col_i64(&c, &row.confirmed_at);
    col_str(&c, row.confirmed_by, sizeof(row.confirmed_by));
    rc = db_query(db, &q_list, &a, &c);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, &q_list, &c)) == 1 && *count < max)
        out[(*count)++] = row;
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

/* A buyer's document number is its seller's: two sellers may both have
 * given out S-1, so up to two are read to tell. */
#define OF_SELLER "AND (? = 0 OR seller_party_id = ?) LIMIT 2"
DB_SQL(q_seller_shipment,
       "SELECT seller_party_id FROM shipment WHERE buyer_party_id = ? AND shipment_no = ? "
       OF_SELLER);
DB_SQL(q_seller_invoice,
       "SELECT seller_party_id FROM invoice WHERE buyer_party_id = ? AND invoice_no = ? "
       OF_SELLER);
DB_SQL(q_seller_payment,
       "SELECT seller_party_id FROM payment WHERE buyer_party_id = ? AND payment_no = ? "
       OF_SELLER);
DB_SQL(q_seller_refund,
       "SELECT seller_party_id FROM return_order WHERE buyer_party_id = ? AND buyer_return_no = ? "
       "AND status = 'REFUNDED' " OF_SELLER);

int store_doc_seller(struct db_conn *db, int64_t buyer_id, const char *doc_type,
                     const char *doc_no, int64_t only_seller, int64_t *seller_id)
{
    static const struct {
        const char *type;
        struct db_sql *q;
    } lookups[] = {{"SHIPMENT", &q_seller_shipment},
                   {"INVOICE", &q_seller_invoice},
                   {"PAYMENT", &q_seller_payment},
                   {"REFUND", &q_seller_refund}};
    struct db_args a;
    struct db_cols c;
    int64_t seller = 0;
    int rc, rows = 0;

    for (size_t i = 0; i < ARRAY_SIZE(lookups); i++) {
        if (strcmp(lookups[i].type, doc_type) != 0)
            continue;
        db_args_init(&a);
        arg_i64(&a, buyer_id);
        arg_str(&a, doc_no);
        arg_i64(&a, only_seller);
        arg_i64(&a, only_seller);
        db_cols_init(&c);
        col_i64(&c, &seller);
        if ((rc = db_query(db, lookups[i].q, &a, &c)) < 0)
            return rc;
        while ((rc = db_fetch(db, lookups[i].q, &c)) == 1)
            if (++rows == 1)
                *seller_id = seller;
        db_done(db, lookups[i].q);
        return rc < 0 ? rc : rows;
    }
    return 0;
}

DB_SQL(q_confirm,
       "INSERT INTO document_confirmation (seller_party_id, buyer_party_id, doc_type, doc_no, "
       "confirmed, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?) "
       "ON DUPLICATE KEY UPDATE confirmed = VALUES(confirmed), changed_at = VALUES(changed_at), "
       "changed_by = VALUES(changed_by)");
DB_SQL(q_confirm_at,
       "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', changed_at) FROM document_confirmation "
       "WHERE seller_party_id = ? AND buyer_party_id = ? AND doc_type = ? AND doc_no = ?");

int store_doc_confirm(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      const char *doc_type, const char *doc_no, bool confirmed, const char *by,
                      int64_t *at)
{
    struct db_args a;
    struct db_cols c;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, doc_type);
    arg_str(&a, doc_no);
    arg_bool(&a, confirmed);
    arg_str(&a, by);
    if ((rc = db_exec(db, &q_confirm, &a, NULL)) < 0)
        return rc;
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, doc_type);
    arg_str(&a, doc_no);
    db_cols_init(&c);
    col_i64(&c, at);
    rc = db_query_one(db, &q_confirm_at, &a, &c);
    return rc < 0 ? rc : 0;
}

#define ACCOUNT(t) "WHERE " t ".seller_party_id = ? AND " t ".buyer_party_id = ? "

DB_SQL(q_ledger,
       "SELECT 'S', DATE_FORMAT(s.ship_date, '%Y-%m-%d'), s.shipment_no, s.amount FROM shipment s "
       ACCOUNT("s")
       "UNION ALL SELECT 'I', DATE_FORMAT(i.invoice_date, '%Y-%m-%d'), i.invoice_no, i.amount "
       "FROM invoice i " ACCOUNT("i")
       "UNION ALL SELECT IF(p.kind = 'REFUND', 'F', 'P'), DATE_FORMAT(p.payment_date, '%Y-%m-%d'), "
       "p.payment_no, p.amount FROM payment p " ACCOUNT("p")
       "UNION ALL SELECT 'A', DATE_FORMAT(p.payment_date, '%Y-%m-%d'), p.payment_no, pa.amount "
       "FROM payment_application pa JOIN payment p ON p.payment_id = pa.payment_id " ACCOUNT("p")
       "UNION ALL SELECT 'C', DATE_FORMAT(r.refund_date, '%Y-%m-%d'), r.buyer_return_no, "
       "r.total_amount FROM return_order r " ACCOUNT("r") "AND r.status = 'REFUNDED'");

struct ledger_row {
    char code[2];
    struct ledger_doc doc;
};

int store_ledger_docs(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      struct ledger_doc **docs, size_t *count)
{
    static const struct {
        char code;
        enum ledger_kind kind;
    } kinds[] = {{'S', LEDGER_SHIPMENT}, {'I', LEDGER_INVOICE},     {'P', LEDGER_RECEIPT},
                 {'F', LEDGER_REFUND_PAID}, {'A', LEDGER_APPLICATION}, {'C', LEDGER_RETURN_CREDIT}};
    struct ledger_row row, *rows = NULL;
    struct db_args a;
    struct db_cols c;
    size_t n = 0;
    int rc;

    *docs = NULL;
    *count = 0;
    memset(&row, 0, sizeof(row));
    db_args_init(&a);
    for (int i = 0; i < 5; i++) {
        arg_i64(&a, seller_id);
        arg_i64(&a, buyer_id);
    }
    db_cols_init(&c);
    col_str(&c, row.code, sizeof(row.code));
    col_str(&c, row.doc.date, sizeof(row.doc.date));
    col_str(&c, row.doc.doc_no, sizeof(row.doc.doc_no));
    col_money(&c, &row.doc.amount);
    rc = db_query_all(db, &q_ledger, &a, &c, &row, sizeof(row), (void **)&rows, &n);
    if (rc == 0 && n) {
        *docs = calloc(n, sizeof(**docs));
        if (!*docs)
            rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        (*docs)[i] = rows[i].doc;
        for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
            if (rows[i].code[0] == kinds[k].code)
                (*docs)[i].kind = kinds[k].kind;
    }
    if (rc == 0)
        *count = n;
    free(rows);
    return rc;
}

DB_SQL(q_open_as_of,
       "SELECT COALESCE(SUM(GREATEST(o.total_amount - COALESCE((SELECT SUM(i.amount) FROM invoice i "
       "WHERE i.order_id = o.order_id AND i.invoice_date <= ?), 0), 0)), 0) "
       "FROM purchase_order o WHERE o.seller_party_id = ? AND o.buyer_party_id = ? "
       "AND o.created_at < DATE_ADD(?, INTERVAL 1 DAY) "
       "AND (SELECT h.to_status FROM order_history h WHERE h.order_id = o.order_id "
       "AND h.at < DATE_ADD(?, INTERVAL 1 DAY) ORDER BY h.version DESC LIMIT 1) "
       "IN ('SUBMITTED', 'ACCEPTED', 'PARTIALLY_SHIPPED', 'SHIPPED')");

int store_open_orders_as_of(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                            const char *day, money_t *out)
{
    struct db_args a;
    struct db_cols c;
    int rc;

    db_args_init(&a);
    arg_str(&a, day);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, day);
    arg_str(&a, day);
    db_cols_init(&c);
    col_money(&c, out);
    rc = db_query_one(db, &q_open_as_of, &a, &c);
    return rc < 0 ? rc : 0;
}
