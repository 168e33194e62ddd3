/*
 * catalog.c - SQL for the seller's catalog.
 */
#include "store/catalog.h"

#include "base/err.h"
#include "base/str.h"
#include "store/stmt.h"

DB_SQL(q_category_find, "SELECT category_id FROM category WHERE seller_party_id = ? AND code = ?");
DB_SQL(q_category_insert, "INSERT INTO category (seller_party_id, code, name) VALUES (?, ?, ?)");
DB_SQL(q_product_find,
       "SELECT product_id FROM product WHERE seller_party_id = ? AND sku = ? FOR UPDATE");
DB_SQL(q_product_insert,
       "INSERT INTO product (seller_party_id, sku, name, category_id, uom, returnable, active, "
       "available_qty, min_order_qty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
DB_SQL(q_product_update,
       "UPDATE product SET name = ?, category_id = ?, uom = ?, returnable = ?, active = ?, "
       "available_qty = COALESCE(?, available_qty), min_order_qty = ? WHERE product_id = ?");
DB_SQL(q_product_id, "SELECT product_id FROM product WHERE seller_party_id = ? AND sku = ?");
DB_SQL(q_price_set,
       "INSERT INTO price (product_id, buyer_party_id, valid_from, unit_price, return_price) "
       "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE unit_price = VALUES(unit_price), "
       "return_price = VALUES(return_price)");
DB_SQL(q_publish,
       "INSERT IGNORE INTO publication (product_id, buyer_party_id) VALUES (?, ?)");
DB_SQL(q_unpublish, "DELETE FROM publication WHERE product_id = ? AND buyer_party_id = ?");
DB_SQL(q_stock_set,
       "UPDATE product SET available_qty = ? WHERE seller_party_id = ? AND sku = ?");
DB_SQL(q_stock_exists, "SELECT 1 FROM product WHERE seller_party_id = ? AND sku = ?");

int store_category_ensure(struct db_conn *db, int64_t seller_id, const char *code,
                          const char *name, int64_t *id_out)
{
    struct db_args a;
    struct db_cols c;
    int rc;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, code);
    db_cols_init(&c);
    col_i64(&c, id_out);
    rc = db_query_one(db, &q_category_find, &a, &c);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, code);
    arg_str(&a, str_empty(name) ? code : name);
    rc = db_exec(db, &q_category_insert, &a, NULL);
    if (rc == 0)
        *id_out = db_insert_id(db, &q_category_insert);
    return rc;
}

int store_product_upsert(struct db_conn *db, int64_t seller_id, const struct product_in *p,
                         bool *created)
{
    struct db_args a;
    struct db_cols c;
    int64_t category_id = 0, product_id = 0;
    int rc;

    rc = store_category_ensure(db, seller_id, p->category_code, NULL, &category_id);
    if (rc < 0)
        return rc;
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, p->sku);
    db_cols_init(&c);
    col_i64(&c, &product_id);
    rc = db_query_one(db, &q_product_find, &a, &c);
    if (rc < 0)
        return rc;
    db_args_init(&a);
    if (rc == 0) {
        arg_i64(&a, seller_id);
        arg_str(&a, p->sku);
        arg_str(&a, p->name);
        arg_i64(&a, category_id);
        arg_str(&a, p->uom);
        arg_bool(&a, p->returnable);
        arg_bool(&a, p->active);
        arg_qty(&a, p->has_available ? p->available : 0);
        if (p->has_min_order)
            arg_qty(&a, p->min_order);
        else
            arg_null(&a);
        *created = true;
        return db_exec(db, &q_product_insert, &a, NULL);
    }
    arg_str(&a, p->name);
    arg_i64(&a, category_id);
    arg_str(&a, p->uom);
    arg_bool(&a, p->returnable);
    arg_bool(&a, p->active);
    if (p->has_available)
        arg_qty(&a, p->available);
    else
        arg_null(&a);
    if (p->has_min_order)
        arg_qty(&a, p->min_order);
    else
        arg_null(&a);
    arg_i64(&a, product_id);
    *created = false;
    return db_exec(db, &q_product_update, &a, NULL);
}

int store_product_id(struct db_conn *db, int64_t seller_id, const char *sku, int64_t *id_out)
{
    struct db_args a;
    struct db_cols c;

    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, sku);
    db_cols_init(&c);
    col_i64(&c, id_out);
    return db_query_one(db, &q_product_id, &a, &c);
}

int store_price_set(struct db_conn *db, int64_t product_id, int64_t buyer_id,
                    const char *valid_from, money_t unit_price, money_t return_price)
{
    struct db_args a;

    db_args_init(&a);
    arg_i64(&a, product_id);
    if (buyer_id > 0)
        arg_i64(&a, buyer_id);
    else
        arg_null(&a);
    arg_str(&a, str_empty(valid_from) ? "2000-01-01" : valid_from);
    arg_money(&a, unit_price);
    if (return_price >= 0)
        arg_money(&a, return_price);
    else
        arg_null(&a);
    return db_exec(db, &q_price_set, &a, NULL);
}

int store_publish(struct db_conn *db, int64_t product_id, int64_t buyer_id, bool publish,
                  int *changed)
{
    struct db_args a;
    unsigned long long n = 0;
    int rc;

    db_args_init(&a);
    arg_i64(&a, product_id);
    arg_i64(&a, buyer_id);
    rc = db_exec(db, publish ? &q_publish : &q_unpublish, &a, &n);
    if (rc == 0)
        *changed = n > 0;
    return rc;
}

int store_stock_set(struct db_conn *db, int64_t seller_id, const char *sku, qty_t available,
                    bool *found)
{
    struct db_args a;
    struct db_cols c;
    int64_t one = 0;
    int rc;

    db_args_init(&a);
    arg_qty(&a, available);
    arg_i64(&a, seller_id);
    arg_str(&a, sku);
    rc = db_exec(db, &q_stock_set, &a, NULL);
    if (rc < 0)
        return rc;
    /* affected rows is 0 when the quantity did not change, so ask. */
    db_args_init(&a);
    arg_i64(&a, seller_id);
    arg_str(&a, sku);
    db_cols_init(&c);
    col_i64(&c, &one);
    rc = db_query_one(db, &q_stock_exists, &a, &c);
    if (rc < 0)
        return rc;
    *found = rc == 1;
    return 0;
}
