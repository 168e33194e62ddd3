/*
 * catalog.h - a product as one buyer sees it: its price for that buyer and
 * its availability. Plain data filled by store, mapped by api.
 */
#ifndef EOS_CORE_CATALOG_H
#define EOS_CORE_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "core/order.h"

struct catalog_item {
    char sku[SKU_MAX + 1];
    char name[NAME_BUF];
    char category_code[CODE_MAX + 1];
    char uom[CODE_MAX + 1];
    money_t unit_price;       /* the buyer's own price if it has one, else the list price */
    bool returnable;
    bool has_return_price;
    money_t return_price;
    qty_t available;
    bool has_min_order;
    qty_t min_order;
};

struct catalog_filter {
    int64_t seller_id;
    int64_t buyer_id;
    char category_code[CODE_MAX + 1];  /* "" : any */
    char search[TEXT_BUF(SEARCH_MAX)];                  /* "" : any; matched in name and sku */
    int64_t changed_since;             /* UTC seconds; 0 : any */
    int32_t offset;
    int32_t limit;
};

#endif
