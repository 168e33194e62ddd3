/*
 * catalog.h - categories, products, prices and publication in MariaDB.
 */
#ifndef EOS_STORE_CATALOG_H
#define EOS_STORE_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/money.h"
#include "core/order.h"
#include "store/db.h"

struct product_in {
    const char *sku;
    const char *name;
    const char *category_code;
    const char *uom;
    bool returnable;
    bool active;
    bool has_available;  /* false: keep the stored quantity (0 for a new product) */
    qty_t available;
    bool has_min_order;
    qty_t min_order;
};

/* Finds or creates the seller's category with this code (name = code when new). */
int store_category_ensure(struct db_conn *db, int64_t seller_id, const char *code,
                          const char *name, int64_t *id_out);

/* Creates or updates a product by (seller, sku); *created says which. */
int store_product_upsert(struct db_conn *db, int64_t seller_id, const struct product_in *p,
                         bool *created);

/* 1 found (*id_out set), 0 no such sku for the seller, < 0 error. */
int store_product_id(struct db_conn *db, int64_t seller_id, const char *sku, int64_t *id_out);

/* Sets a list price (buyer_id 0) or a buyer's price from valid_from ("" or NULL:
 * 2000-01-01, i.e. always); return_price < 0: none. */
int store_price_set(struct db_conn *db, int64_t product_id, int64_t buyer_id,
                    const char *valid_from, money_t unit_price, money_t return_price);

/* Publishes (or withdraws) a product to a buyer; *changed is 1 when it changed. */
int store_publish(struct db_conn *db, int64_t product_id, int64_t buyer_id, bool publish,
                  int *changed);

/* Sets a product's available quantity; *found is false when no such product. */
int store_stock_set(struct db_conn *db, int64_t seller_id, const char *sku, qty_t available,
                    bool *found);

/* Prices for a submission: for each SKU of skus_json (a JSON array of
 * strings, in line order) the product, its name and what the buyer pays:
 * prices[i], product_ids[i] and names[i] (201 bytes each) for the i-th SKU;
 * an unknown SKU leaves prices[i].found false. Own price over list price,
 * the latest valid_from not after today (UTC). */
int store_line_prices(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      const char *skus_json, size_t count, struct line_price *prices,
                      int64_t *product_ids, char (*names)[NAME_BUF]);

/* One page of the buyer's catalog (published, active, priced) by SKU, and the
 * total matching. */
int store_catalog_page(struct db_conn *db, const struct catalog_filter *f,
                       struct catalog_item *out, size_t max, size_t *count, int64_t *total);

#endif
