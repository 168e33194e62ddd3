/*
 * demo.c - the fixed demo data README, the examples and the tests rely on.
 *
 * Seller ACME (CNY) with its ERP user acme-erp (price authority 10%) and an
 * operator user admin; buyers BUY001 (credit 100000.00, user buyer1) and
 * BUY002 (credit 5000.00, user buyer2). Products SKU-0001..SKU-0020 in three
 * categories; SKU-0001..0010 published to both buyers, SKU-0011..0015 to
 * BUY001 only, SKU-0016..0020 to nobody; SKU-0005 is not returnable; BUY001
 * has its own lower price on SKU-0001..0003.
 */
#include "svc/admin.h"

#include <stdio.h>

#include "base/err.h"
#include "store/catalog.h"
#include "store/party.h"

#define DEMO_PRODUCTS 20

static const char *const product_names[DEMO_PRODUCTS] = {
    "A4 copy paper, 500 sheets", "Ballpoint pens, box of 50", "Stapler, heavy duty",
    "Lever arch file", "Whiteboard markers, 4 colours", "Desk organiser", "Sticky notes, 12 pads",
    "Scissors, 21 cm", "Correction tape", "Envelopes C5, box of 500", "USB-C cable, 2 m",
    "Wireless mouse", "Keyboard, US layout", "Laptop stand", "Monitor arm",
    "Hand soap, 5 l", "Paper towels, 12 rolls", "Disinfectant spray", "Floor cleaner, 5 l",
    "Bin liners, 100 pcs",
};

static const char *category_of(int i)
{
    return i < 10 ? "OFFICE" : i < 15 ? "IT" : "CLEANING";
}

/* List price of product i (0-based): 12.50, 15.00, ... in steps of 2.50. */
static money_t list_price(int i)
{
    return (money_t)(1000 + 250 * (i + 1)) * (MONEY_SCALE / 100);
}

struct demo_ids {
    int64_t seller, buyer1, buyer2;
};

static int demo_catalog_tx(struct svc_ctx *ctx, void *arg)
{
    struct demo_ids *ids = arg;
    char sku[16];
    int rc;

    for (int i = 0; i < DEMO_PRODUCTS; i++) {
        struct product_in p = {0};
        int64_t product_id = 0;
        bool created;
        int changed;

        snprintf(sku, sizeof(sku), "SKU-%04d", i + 1);
        p.sku = sku;
        p.name = product_names[i];
        p.category_code = category_of(i);
        p.uom = i < 10 ? "EA" : i < 15 ? "EA" : "BOX";
        p.returnable = i != 4; /* SKU-0005 */
        p.active = true;
        p.has_available = true;
        p.available = 1000 * QTY_SCALE;
        if ((rc = store_product_upsert(ctx->db, ids->seller, &p, &created)) < 0)
            return rc;
        if ((rc = store_product_id(ctx->db, ids->seller, sku, &product_id)) < 0)
            return rc;
        if ((rc = store_price_set(ctx->db, product_id, 0, NULL, list_price(i), -1)) < 0)
            return rc;
        /* BUY001's own price: 10% below list on SKU-0001..0003. */
        if (i < 3 && (rc = store_price_set(ctx->db, product_id, ids->buyer1, NULL,
                                           list_price(i) / 10 * 9, -1)) < 0)
            return rc;
        if (i < 15 && (rc = store_publish(ctx->db, product_id, ids->buyer1, true, &changed)) < 0)
            return rc;
        if (i < 10 && (rc = store_publish(ctx->db, product_id, ids->buyer2, true, &changed)) < 0)
            return rc;
    }
    return 0;
}

static int party_id(struct svc_ctx *ctx, const char *code, int64_t *out)
{
    struct party_row row;
    int rc = store_party_by_code(ctx->db, code, &row);

    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, NULL, "demo party %s missing", code);
    if (rc == 1)
        *out = row.party_id;
    return rc < 0 ? rc : 0;
}

int svc_demo_load(struct svc_ctx *ctx, const char *password, const struct secret_key *key)
{
    static const struct party_spec parties[] = {
        {"ACME", "ACME Trading Co.", "SELLER", "CNY", NULL, -1},
        {"BUY001", "First Buyer Ltd.", "BUYER", NULL, "ACME", 100000 * MONEY_SCALE},
        {"BUY002", "Second Buyer GmbH", "BUYER", NULL, "ACME", 5000 * MONEY_SCALE},
    };
    const struct user_spec users[] = {
        {"acme-erp", "SELLER", "ACME", password, 1000, 0},
        {"admin", "ADMIN", "ACME", password, 10000, 0},
        {"buyer1", "BUYER", "BUY001", password, 0, 0},
        {"buyer2", "BUYER", "BUY002", password, 0, 0},
    };
    struct demo_ids ids = {0};
    int rc;

    for (size_t i = 0; i < ARRAY_SIZE(parties); i++)
        if ((rc = svc_party_add(ctx, &parties[i], true)) < 0)
            return rc;
    for (size_t i = 0; i < ARRAY_SIZE(users); i++)
        if ((rc = svc_user_add(ctx, &users[i], key, true)) < 0)
            return rc;
    if ((rc = party_id(ctx, "ACME", &ids.seller)) < 0 ||
        (rc = party_id(ctx, "BUY001", &ids.buyer1)) < 0 ||
        (rc = party_id(ctx, "BUY002", &ids.buyer2)) < 0)
        return rc;
    return svc_run_tx(ctx, demo_catalog_tx, &ids);
}
