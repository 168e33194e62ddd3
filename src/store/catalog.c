/*
 * catalog.c - SQL for the seller's catalog.
 */
#include "store/catalog.h"

#include <string.h>

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
       "VALUES (?, ?, COALESCE(?, UTC_DATE()), ?, ?) "
       "ON DUPLICATE KEY UPDATE unit_price = VALUES(unit_price), "
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
    /* No validFrom: from today, so it is the one that applies (a dated
     * price before it would otherwise win over one filed as of 2000). */
    if (str_empty(valid_from))
        arg_null(&a);
    else
        arg_str(&a, valid_from);
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

/* ------------------------------------------------------------ buyer's view */

/* The buyer's price and the list price of product p today, as subqueries. */
#define OWN_PRICE(col)                                                                        \
    "(SELECT pr." col " FROM price pr WHERE pr.product_id = p.product_id AND pr.buyer_key = ? " \
    "AND pr.valid_from <= UTC_DATE() ORDER BY pr.valid_from DESC LIMIT 1)"
#define LIST_PRICE(col)                                                                       \
    "(SELECT pr." col " FROM price pr WHERE pr.product_id = p.product_id AND pr.buyer_key = 0 " \
    "AND pr.valid_from <= UTC_DATE() ORDER BY pr.valid_from DESC LIMIT 1)"

/* The publication is joined on its key, not asked in an EXISTS subquery per
 * line: a fifth of this statement's cost, the most expensive of a
 * SubmitOrder (docs/benchmarks.md). */
DB_SQL(q_line_prices,
       "SELECT j.idx, p.product_id, p.name, p.uom, p.sku, p.min_order_qty, "
       "p.active AND pu.product_id IS NOT NULL, "
       OWN_PRICE("unit_price") ", " LIST_PRICE("unit_price") " "
       "FROM JSON_TABLE(?, '$[*]' COLUMNS (idx FOR ORDINALITY, sku VARCHAR(64) PATH '$')) j "
       "JOIN product p ON p.seller_party_id = ? AND p.sku = j.sku "
       "LEFT JOIN publication pu ON pu.product_id = p.product_id AND pu.buyer_party_id = ?");

int store_line_prices(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      const char *skus_json, size_t count, struct line_price *prices,
                      int64_t *product_ids, char (*names)[NAME_BUF])
{
    struct db_args a;
    struct db_cols c;
    int64_t idx = 0, product_id = 0;
    char name[NAME_BUF], uom[CODE_MAX + 1], sku[SKU_MAX + 1];
    bool available = false, own_null = true, list_null = true, min_null = true;
    qty_t min_order = 0;
    money_t own = 0, list = 0;
    int rc;

    for (size_t i = 0; i < count; i++) {
        memset(&prices[i], 0, sizeof(prices[i]));
        product_ids[i] = 0;
        names[i][0] = '\0';
    }
    db_args_init(&a);
    arg_i64(&a, buyer_id);
    arg_str(&a, skus_json);
    arg_i64(&a, seller_id);
    arg_i64(&a, buyer_id);
    db_cols_init(&c);
    col_i64(&c, &idx);
    col_i64(&c, &product_id);
    col_str(&c, name, sizeof(name));
    col_str(&c, uom, sizeof(uom));
    col_str(&c, sku, sizeof(sku));
    col_qty(&c, &min_order);
    col_nullable(&c, &min_null);
    col_bool(&c, &available);
    col_money(&c, &own);
    col_nullable(&c, &own_null);
    col_money(&c, &list);
    col_nullable(&c, &list_null);
    rc = db_query(db, &q_line_prices, &a, &c);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(db, &q_line_prices, &c)) == 1) {
        struct line_price *lp;

        if (idx < 1 || (size_t)idx > count)
            continue;
        lp = &prices[idx - 1];
        lp->found = true;
        lp->available = available;
        lp->priced = !own_null || !list_null;
        lp->unit_price = !own_null ? own : list;
        lp->list_price = !list_null ? list : lp->unit_price;
        str_copy(lp->uom, sizeof(lp->uom), uom);
        str_copy(lp->sku, sizeof(lp->sku), sku);
        lp->has_min_order = !min_null;
        lp->min_order = min_order;
        product_ids[idx - 1] = product_id;
        str_copy(names[idx - 1], sizeof(names[0]), name);
    }
    db_done(db, &q_line_prices);
    return rc < 0 ? rc : 0;
}

DB_SQL(q_catalog,
       "SELECT * FROM (SELECT p.sku, p.name, c.code, p.uom, "
       "COALESCE(" OWN_PRICE("unit_price") ", " LIST_PRICE("unit_price") ") AS unit_price, "
       "p.returnable, IF(" OWN_PRICE("unit_price") " IS NOT NULL, " OWN_PRICE("return_price")
       ", " LIST_PRICE("return_price") "), "
       "p.available_qty, p.min_order_qty, p.updated_at "
       "FROM publication pu JOIN product p ON p.product_id = pu.product_id "
       "JOIN category c ON c.category_id = p.category_id "
       "WHERE pu.buyer_party_id = ? AND p.seller_party_id = ? AND p.active "
       "AND (? = '' OR c.code = ?) "
       "AND (? = '' OR p.name LIKE CONCAT('%', ?, '%') OR p.sku LIKE CONCAT('%', ?, '%')) "
       "AND (? = 0 OR p.updated_at >= FROM_UNIXTIME(?) OR pu.published_at >= FROM_UNIXTIME(?) "
       "OR EXISTS (SELECT 1 FROM price pr WHERE pr.product_id = p.product_id "
       "AND pr.buyer_key IN (0, ?) AND (pr.updated_at >= FROM_UNIXTIME(?) "
       "OR (pr.valid_from > DATE(FROM_UNIXTIME(?)) AND pr.valid_from <= UTC_DATE()))))) items "
       "WHERE unit_price IS NOT NULL ORDER BY sku");

/* The search text with LIKE's wildcards escaped, so "50%" means 50%. */
static void like_escape(char *out, size_t size, const char *in)
{
    size_t n = 0;

    for (const char *p = in; *p && n + 2 < size; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n] = '\0';
}

int store_catalog_page(struct db_conn *db, const struct catalog_filter *f,
                       struct catalog_item *out, size_t max, size_t *count, int64_t *total)
{
    struct catalog_item row;
    struct db_args a;
    struct db_cols c;
    char search[2 * TEXT_BUF(SEARCH_MAX)];
    char updated[32];
    bool ret_null = true, min_null = true;
    int64_t seen = 0;
    int rc;

    *count = 0;
    *total = 0;
    like_escape(search, sizeof(search), f->search);
    db_args_init(&a);
    arg_i64(&a, f->buyer_id); /* unit price: own */
    arg_i64(&a, f->buyer_id); /* return price: whether an own price applies */
    arg_i64(&a, f->buyer_id); /* return price: own */
    arg_i64(&a, f->buyer_id); /* publication */
    arg_i64(&a, f->seller_id);
    arg_str(&a, f->category_code);
    arg_str(&a, f->category_code);
    arg_str(&a, search);
    arg_str(&a, search);
    arg_str(&a, search);
    arg_i64(&a, f->changed_since); /* none asked */
    arg_i64(&a, f->changed_since); /* the product */
    arg_i64(&a, f->changed_since); /* its publication to this buyer */
    arg_i64(&a, f->buyer_id);      /* prices: the list's and this buyer's */
    arg_i64(&a, f->changed_since); /* a price written since */
    arg_i64(&a, f->changed_since); /* a price come into force since */
    memset(&row, 0, sizeof(row));
    db_cols_init(&c);
    col_str(&c, row.sku, sizeof(row.sku));
    col_str(&c, row.name, sizeof(row.name));
    col_str(&c, row.category_code, sizeof(row.category_code));
    col_str(&c, row.uom, sizeof(row.uom));
    col_money(&c, &row.unit_price);
    col_bool(&c, &row.returnable);
    col_money(&c, &row.return_price);
    col_nullable(&c, &ret_null);
    col_qty(&c, &row.available);
    col_qty(&c, &row.min_order);
    col_nullable(&c, &min_null);
    col_str(&c, updated, sizeof(updated));
    rc = db_query(db, &q_catalog, &a, &c);
    if (rc < 0)
        return rc;
    /* Paging in C over the ordered rows: a buyer's catalog is thousands of
     * rows at most, and the total comes from the same pass. */
    while ((rc = db_fetch(db, &q_catalog, &c)) == 1) {
        if (seen >= f->offset && *count < max && (int32_t)*count < f->limit) {
            row.has_return_price = !ret_null;
            row.has_min_order = !min_null;
            out[(*count)++] = row;
        }
        seen++;
    }
    db_done(db, &q_catalog);
    *total = seen;
    return rc < 0 ? rc : 0;
}
