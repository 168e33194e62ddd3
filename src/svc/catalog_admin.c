/*
 * catalog_admin.c - the seller keeps its catalog: products, prices,
 * publication, stock, credit limits. Each call is one transaction; an error
 * in any item faults the whole call, naming the item.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "store/account.h"
#include "store/catalog.h"
#include "store/party.h"
#include "svc/order_ops.h"
#include "svc/seller.h"

#define MAX_ITEMS 1000

static int item_count(size_t count, const char *field)
{
    if (count == 0)
        return eos_err_set(EOS_EINVALID, field, "at least one item");
    if (count > MAX_ITEMS)
        return eos_err_set(EOS_ELIMIT, field, "at most %d items", MAX_ITEMS);
    return 0;
}

/* A customer of the seller by code: its party id, or NOT_FOUND naming field. */
static int customer_id(struct svc_ctx *ctx, int64_t seller_id, const char *code,
                       const char *field, int64_t *buyer_id)
{
    struct party_row party;
    struct account_row acct;
    int rc = store_party_by_code(ctx->db, code, &party);

    if (rc < 0)
        return rc;
    if (rc == 1 && strcmp(party.kind, "BUYER") == 0) {
        rc = store_account_get(ctx->db, seller_id, party.party_id, false, &acct);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            *buyer_id = party.party_id;
            return 0;
        }
    }
    return eos_err_set(EOS_ENOTFOUND, field, "no customer %s", code);
}

static int product_id(struct svc_ctx *ctx, int64_t seller_id, const char *sku, const char *field,
                      int64_t *id)
{
    int rc = store_product_id(ctx->db, seller_id, sku, id);

    if (rc == 0)
        return eos_err_set(EOS_EUNKNOWN_PRODUCT, field, "no product %s", sku);
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ UpsertProducts */

struct upsert_job {
    int64_t seller_id;
    const struct product_in *products;
    size_t count;
    int *created;
    int *updated;
};

static int upsert_tx(struct svc_ctx *ctx, void *arg)
{
    struct upsert_job *job = arg;
    int rc;

    *job->created = 0;
    *job->updated = 0;
    for (size_t i = 0; i < job->count; i++) {
        bool created = false;

        rc = store_product_upsert(ctx->db, job->seller_id, &job->products[i], &created);
        if (rc < 0) {
            char field[48];

            if (rc != EOS_EINVALID)
                return rc == EOS_EDUPKEY ? EOS_ERETRY : rc;
            snprintf(field, sizeof(field), "product[%zu]", i + 1);
            return eos_err_set(EOS_EINVALID, field, "%s", eos_err_message());
        }
        if (created)
            (*job->created)++;
        else
            (*job->updated)++;
    }
    return 0;
}

int svc_upsert_products(struct svc_ctx *ctx, const struct product_in *products, size_t count,
                        int *created, int *updated)
{
    struct upsert_job job = {0, products, count, created, updated};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0 || (rc = item_count(count, "product")) < 0)
        return rc;
    for (size_t i = 0; i < count; i++) {
        char field[48];

        for (size_t k = 0; k < i; k++) {
            /* The database compares SKUs whatever their case. */
            if (strcasecmp(products[k].sku, products[i].sku) == 0) {
                snprintf(field, sizeof(field), "product[%zu]/sku", i + 1);
                return eos_err_set(EOS_EINVALID, field, "%s appears twice", products[i].sku);
            }
        }
        if (products[i].has_available && products[i].available < 0) {
            snprintf(field, sizeof(field), "product[%zu]/availableQuantity", i + 1);
            return eos_err_set(EOS_EINVALID, field, "quantities are not negative");
        }
        if (products[i].has_min_order && products[i].min_order <= 0) {
            snprintf(field, sizeof(field), "product[%zu]/minOrderQuantity", i + 1);
            return eos_err_set(EOS_EINVALID, field, "a minimum order quantity is more than 0");
        }
    }
    return svc_run_tx(ctx, upsert_tx, &job);
}

/* ------------------------------------------------------------ SetPrices */

struct prices_job {
    int64_t seller_id;
    const struct price_in *prices;
    size_t count;
    int *updated;
};

static int prices_tx(struct svc_ctx *ctx, void *arg)
{
    struct prices_job *job = arg;
    char field[48];
    int rc;

    *job->updated = 0;
    for (size_t i = 0; i < job->count; i++) {
        const struct price_in *p = &job->prices[i];
        int64_t pid = 0, buyer = 0;

        snprintf(field, sizeof(field), "price[%zu]/sku", i + 1);
        if ((rc = product_id(ctx, job->seller_id, p->sku, field, &pid)) < 0)
            return rc;
        snprintf(field, sizeof(field), "price[%zu]/buyerCode", i + 1);
        if (!str_empty(p->buyer_code) &&
            (rc = customer_id(ctx, job->seller_id, p->buyer_code, field, &buyer)) < 0)
            return rc;
        rc = store_price_set(ctx->db, pid, buyer, p->valid_from, p->unit_price,
                             p->has_return_price ? p->return_price : -1);
        if (rc < 0)
            return rc;
        (*job->updated)++;
    }
    return 0;
}

int svc_set_prices(struct svc_ctx *ctx, const struct price_in *prices, size_t count, int *updated)
{
    struct prices_job job = {0, prices, count, updated};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0 || (rc = item_count(count, "price")) < 0)
        return rc;
    for (size_t i = 0; i < count; i++) {
        const char *bad = NULL, *why = "prices are not negative";
        char field[48];

        if (prices[i].unit_price < 0)
            bad = "unitPrice";
        else if (prices[i].has_return_price && prices[i].return_price < 0)
            bad = "returnPrice";
        else if (!str_empty(prices[i].valid_from) && !date_valid(prices[i].valid_from)) {
            bad = "validFrom";
            why = "not a date (YYYY-MM-DD)";
        }
        if (bad) {
            snprintf(field, sizeof(field), "price[%zu]/%s", i + 1, bad);
            return eos_err_set(EOS_EINVALID, field, "%s", why);
        }
    }
    return svc_run_tx(ctx, prices_tx, &job);
}

/* ------------------------------------------------------------ PublishProducts */

struct publish_job {
    int64_t seller_id;
    const char (*skus)[SKU_MAX + 1];
    size_t sku_count;
    const char (*buyers)[CODE_MAX + 1];
    size_t buyer_count;
    bool publish;
    int *changed;
};

static int publish_tx(struct svc_ctx *ctx, void *arg)
{
    struct publish_job *job = arg;
    char field[48];
    int rc;

    *job->changed = 0;
    for (size_t b = 0; b < job->buyer_count; b++) {
        int64_t buyer = 0;

        snprintf(field, sizeof(field), "buyerCode[%zu]", b + 1);
        if ((rc = customer_id(ctx, job->seller_id, job->buyers[b], field, &buyer)) < 0)
            return rc;
        for (size_t s = 0; s < job->sku_count; s++) {
            int64_t pid = 0;
            int changed = 0;

            snprintf(field, sizeof(field), "sku[%zu]", s + 1);
            if ((rc = product_id(ctx, job->seller_id, job->skus[s], field, &pid)) < 0 ||
                (rc = store_publish(ctx->db, pid, buyer, job->publish, &changed)) < 0)
                return rc;
            *job->changed += changed;
        }
    }
    return 0;
}

int svc_publish(struct svc_ctx *ctx, const char (*skus)[SKU_MAX + 1], size_t sku_count,
                const char (*buyers)[CODE_MAX + 1], size_t buyer_count, bool publish,
                int *changed)
{
    struct publish_job job = {0, skus, sku_count, buyers, buyer_count, publish, changed};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0 || (rc = item_count(sku_count, "sku")) < 0 ||
        (rc = item_count(buyer_count, "buyerCode")) < 0)
        return rc;
    return svc_run_tx(ctx, publish_tx, &job);
}

/* ------------------------------------------------------------ UpdateStock */

struct stock_job {
    int64_t seller_id;
    const struct stock_in *items;
    size_t count;
    int *updated;
};

static int stock_tx(struct svc_ctx *ctx, void *arg)
{
    struct stock_job *job = arg;
    int rc;

    *job->updated = 0;
    for (size_t i = 0; i < job->count; i++) {
        bool found = false;

        if ((rc = store_stock_set(ctx->db, job->seller_id, job->items[i].sku,
                                  job->items[i].available, &found)) < 0)
            return rc;
        if (!found) {
            char field[48];

            snprintf(field, sizeof(field), "item[%zu]/sku", i + 1);
            return eos_err_set(EOS_EUNKNOWN_PRODUCT, field, "no product %s", job->items[i].sku);
        }
        (*job->updated)++;
    }
    return 0;
}

int svc_update_stock(struct svc_ctx *ctx, const struct stock_in *items, size_t count,
                     int *updated)
{
    struct stock_job job = {0, items, count, updated};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0 || (rc = item_count(count, "item")) < 0)
        return rc;
    for (size_t i = 0; i < count; i++) {
        if (items[i].available < 0) {
            char field[48];

            snprintf(field, sizeof(field), "item[%zu]/availableQuantity", i + 1);
            return eos_err_set(EOS_EINVALID, field, "quantities are not negative");
        }
    }
    return svc_run_tx(ctx, stock_tx, &job);
}

/* ------------------------------------------------------------ SetCreditLimit */

struct credit_job {
    int64_t seller_id;
    const char *buyer_code;
    money_t limit; /* < 0: none */
};

static int credit_tx(struct svc_ctx *ctx, void *arg)
{
    struct credit_job *job = arg;
    int64_t buyer = 0;
    int rc;

    if ((rc = customer_id(ctx, job->seller_id, job->buyer_code, "buyerCode", &buyer)) < 0)
        return rc;
    return store_account_upsert(ctx->db, job->seller_id, buyer, job->limit);
}

int svc_set_credit_limit(struct svc_ctx *ctx, const char *buyer_code, bool has_limit,
                         money_t limit)
{
    struct credit_job job = {0, buyer_code, has_limit ? limit : -1};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (has_limit && limit < 0)
        return eos_err_set(EOS_EINVALID, "creditLimit", "a credit limit is not negative");
    return svc_run_tx(ctx, credit_tx, &job);
}
