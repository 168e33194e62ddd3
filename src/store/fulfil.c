/*
 * fulfil.c - SQL for shipments, invoices and payments.
 */
#include "store/fulfil.h"

#include <string.h>

#include "store/stmt.h"

DB_SQL(q_shipment_by_no,
       "SELECT shipment_id, order_id, buyer_party_id, amount, 0, DATE_FORMAT(ship_date, '%Y-%m-%d'), "
       "content_hash FROM shipment WHERE seller_party_id = ? AND shipment_no = ?");
DB_SQL(q_invoice_by_no,
       "SELECT invoice_id, order_id, buyer_party_id, amount, paid_amount, "
       "DATE_FORMAT(invoice_date, '%Y-%m-%d'), content_hash FROM invoice "
       "WHERE seller_party_id = ? AND invoice_no = ?");
DB_SQL(q_invoice_by_no_lock,
       "SELECT invoice_id, order_id, buyer_party_id, amount, paid_amount, "
       "DATE_FORMAT(invoice_date, '%Y-%m-%d'), content_hash FROM invoice "
       "WHERE seller_party_id = ? AND invoice_no = ? FOR UPDATE");
DB_SQL(q_payment_by_no,
       "SELECT payment_id, 0, buyer_party_id, amount, applied_amount, "
       "DATE_FORMAT(payment_date, '%Y-%m-%d'), content_hash FROM payment "
       "WHERE seller_party_id = ? AND payment_no = ?");

static int doc_by_no(struct db_conn *db, struct db_sql *q, int64_t seller_id, const char *no,
                     struct doc_row *out)
{
    struct db_args a;
    struct db_cols c;

    memset(out, 0, sizeof(*out));
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, no);
    db_cols_init(&c);
    col_i64(&c, &out->id);
    col_i64(&c, &out->order_id);
    col_i64(&c, &out->buyer_id);
    col_money(&c, &out->amount);
    col_money(&c, &out->paid);
    col_str(&c, out->date, sizeof(out->date));
    col_bin(&c, out->content_hash, sizeof(out->content_hash));
    return db_query_one(db, q, &a, &c);
}

int store_shipment_by_no(struct db_conn *db, int64_t seller_id, const char *no,
                         struct doc_row *out)
{
    return doc_by_no(db, &q_shipment_by_no, seller_id, no, out);
}

int store_invoice_by_no(struct db_conn *db, int64_t seller_id, const char *no, bool lock,
                        struct doc_row *out)
{
    return doc_by_no(db, lock ? &q_invoice_by_no_lock : &q_invoice_by_no, seller_id, no, out);
}

int store_payment_by_no(struct db_conn *db, int64_t seller_id, const char *no,
                        struct doc_row *out)
{
    return doc_by_no(db, &q_payment_by_no, seller_id, no, out);
}

DB_SQL(q_shipment_insert,
       "INSERT INTO shipment (seller_party_id, buyer_party_id, shipment_no, order_id, ship_date, "
       "amount, content_hash, created_by, created_at) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
DB_SQL(q_shipment_lines,
       "INSERT INTO shipment_line (shipment_id, line_no, quantity, amount) "
       "SELECT ?, j.n, j.q, j.a FROM JSON_TABLE(?, '$[*]' COLUMNS (n INT PATH '$.n', "
       "q DECIMAL(12,3) PATH '$.q', a DECIMAL(18,4) PATH '$.a')) j");
DB_SQL(q_invoice_insert,
       "INSERT INTO invoice (seller_party_id, buyer_party_id, invoice_no, order_id, invoice_date, "
       "amount, content_hash, created_by, created_at) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
DB_SQL(q_payment_insert,
       "INSERT INTO payment (seller_party_id, buyer_party_id, payment_no, payment_date, amount, "
       "kind, content_hash, created_by, created_at) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
DB_SQL(q_apply,
       "INSERT INTO payment_application (payment_id, invoice_id, amount) VALUES (?, ?, ?)");
DB_SQL(q_apply_invoice, "UPDATE invoice SET paid_amount = paid_amount + ? WHERE invoice_id = ?");
DB_SQL(q_apply_payment,
       "UPDATE payment SET applied_amount = applied_amount + ? WHERE payment_id = ?");

int store_shipment_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                          const char *no, int64_t order_id, const char *date, money_t amount,
                          const unsigned char hash[32], int64_t created_by,
                          const char *lines_json)
{
    struct db_args a;
    int64_t id;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, no);
    arg_i64(&a, order_id);
    arg_str(&a, date);
    arg_money(&a, amount);
    arg_bin(&a, hash, 32);
    arg_i64(&a, created_by);
    if ((rc = db_exec(db, &q_shipment_insert, &a, NULL)) < 0)
        return rc;
    id = db_insert_id(db, &q_shipment_insert);
    db_args_init(&a);
    arg_i64(&a, id);
    arg_str(&a, lines_json);
    return db_exec(db, &q_shipment_lines, &a, NULL);
}

int store_invoice_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id, const char *no,
                         int64_t order_id, const char *date, money_t amount,
                         const unsigned char hash[32], int64_t created_by)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, no);
    arg_i64(&a, order_id);
    arg_str(&a, date);
    arg_money(&a, amount);
    arg_bin(&a, hash, 32);
    arg_i64(&a, created_by);
    return db_exec(db, &q_invoice_insert, &a, NULL);
}

int store_payment_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id, const char *no,
                         const char *date, money_t amount, const char *kind,
                         const unsigned char hash[32], int64_t created_by, int64_t *id_out)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    arg_str(&a, no);
    arg_str(&a, date);
    arg_money(&a, amount);
    arg_str(&a, kind);
    arg_bin(&a, hash, 32);
    arg_i64(&a, created_by);
    rc = db_exec(db, &q_payment_insert, &a, NULL);
    if (rc == 0)
        *id_out = db_insert_id(db, &q_payment_insert);
    return rc;
}

int store_payment_apply(struct db_conn *db, int64_t payment_id, int64_t invoice_id,
                        money_t amount)
{
    struct db_args a;
    int rc;

    db_args_init(&a);
    arg_i64(&a, payment_id);
    arg_i64(&a, invoice_id);
    arg_money(&a, amount);
    if ((rc = db_exec(db, &q_apply, &a, NULL)) < 0)
        return rc;
    db_args_init(&a);
    arg_money(&a, amount);
    arg_i64(&a, invoice_id);
    if ((rc = db_exec(db, &q_apply_invoice, &a, NULL)) < 0)
        return rc;
    db_args_init(&a);
    arg_money(&a, amount);
    arg_i64(&a, payment_id);
    return db_exec(db, &q_apply_payment, &a, NULL);
}
