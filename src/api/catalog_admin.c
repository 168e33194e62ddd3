/*
 * catalog_admin.c - the seller's catalog operations: UpsertProducts,
 * SetPrices, PublishProducts, UpdateStock, SetCreditLimit.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "base/err.h"
#include "svc/seller.h"

#define MAX_ITEMS 1000

/* The item count of a list request, or a fault. */
static int count_of(int size, const char *field, size_t *n)
{
    if (size <= 0)
        return eos_err_set(EOS_EINVALID, field, "at least one item");
    if (size > MAX_ITEMS)
        return eos_err_set(EOS_ELIMIT, field, "at most %d items", MAX_ITEMS);
    *n = (size_t)size;
    return 0;
}

struct product_text {
    char sku[SKU_MAX + 1];
    char name[NAME_BUF];
    char category[CODE_MAX + 1];
    char uom[CODE_MAX + 1];
};

int __eos__UpsertProducts(struct soap *soap, struct _eos__UpsertProductsRequest *req,
                          struct _eos__UpsertProductsResponse *resp)
{
    struct svc_ctx ctx;
    struct product_in *products = NULL;
    struct product_text *text = NULL;
    char field[48];
    int created = 0, updated = 0;
    size_t n = 0;
    int rc;

    if (api_begin(soap, OP_UPSERT_PRODUCTS, &ctx))
        return soap->error;
    if ((rc = count_of(req->__sizeproduct, "product", &n)) < 0)
        return api_fault(soap, rc);
    products = calloc(n, sizeof(*products));
    text = calloc(n, sizeof(*text));
    if (!products || !text)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct _eos__UpsertProductsRequest_product *in = &req->product[i];
        struct product_in *p = &products[i];
        struct product_text *t = &text[i];

        if ((rc = in_sku(t->sku, sizeof(t->sku), in->sku,
                         in_field(field, sizeof(field), "product", i + 1, "sku"))) < 0 ||
            (rc = in_text(t->name, sizeof(t->name), in->name,
                          in_field(field, sizeof(field), "product", i + 1, "name"), true)) < 0 ||
            (rc = in_code(t->category, sizeof(t->category), in->categoryCode,
                          in_field(field, sizeof(field), "product", i + 1, "categoryCode"),
                          true)) < 0 ||
            (rc = in_code(t->uom, sizeof(t->uom), in->uom,
                          in_field(field, sizeof(field), "product", i + 1, "uom"), true)) < 0)
            break;
        p->sku = t->sku;
        p->name = t->name;
        p->category_code = t->category;
        p->uom = t->uom;
        p->returnable = in->returnable == xsd__boolean__true_;
        p->active = in->active == xsd__boolean__true_;
        p->has_available = in->availableQuantity != NULL;
        if (p->has_available &&
            (rc = in_qty(&p->available, in->availableQuantity,
                         in_field(field, sizeof(field), "product", i + 1, "availableQuantity"))) <
                0)
            break;
        p->has_min_order = in->minOrderQuantity != NULL;
        if (p->has_min_order &&
            (rc = in_qty(&p->min_order, in->minOrderQuantity,
                         in_field(field, sizeof(field), "product", i + 1, "minOrderQuantity"))) <
                0)
            break;
    }
    if (rc == 0)
        rc = svc_upsert_products(&ctx, products, n, &created, &updated);
    free(products);
    free(text);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->created = created;
    resp->updated = updated;
    return SOAP_OK;
}

int __eos__SetPrices(struct soap *soap, struct _eos__SetPricesRequest *req,
                     struct _eos__SetPricesResponse *resp)
{
    struct svc_ctx ctx;
    struct price_in *prices = NULL;
    char field[48];
    int updated = 0;
    size_t n = 0;
    int rc;

    if (api_begin(soap, OP_SET_PRICES, &ctx))
        return soap->error;
    if ((rc = count_of(req->__sizeprice, "price", &n)) < 0)
        return api_fault(soap, rc);
    if (!(prices = calloc(n, sizeof(*prices))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct _eos__SetPricesRequest_price *in = &req->price[i];
        struct price_in *p = &prices[i];

        if ((rc = in_sku(p->sku, sizeof(p->sku), in->sku,
                         in_field(field, sizeof(field), "price", i + 1, "sku"))) < 0 ||
            (rc = in_code(p->buyer_code, sizeof(p->buyer_code), in->buyerCode,
                          in_field(field, sizeof(field), "price", i + 1, "buyerCode"), false)) <
                0 ||
            (rc = in_money(&p->unit_price, in->unitPrice,
                           in_field(field, sizeof(field), "price", i + 1, "unitPrice"))) < 0 ||
            (rc = in_date(p->valid_from, in->validFrom,
                          in_field(field, sizeof(field), "price", i + 1, "validFrom"), false)) < 0)
            break;
        p->has_return_price = in->returnPrice != NULL;
        if (p->has_return_price)
            rc = in_money(&p->return_price, in->returnPrice,
                          in_field(field, sizeof(field), "price", i + 1, "returnPrice"));
    }
    if (rc == 0)
        rc = svc_set_prices(&ctx, prices, n, &updated);
    free(prices);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->updated = updated;
    return SOAP_OK;
}

int __eos__PublishProducts(struct soap *soap, struct _eos__PublishProductsRequest *req,
                           struct _eos__PublishProductsResponse *resp)
{
    struct svc_ctx ctx;
    char (*skus)[SKU_MAX + 1] = NULL;
    char (*buyers)[CODE_MAX + 1] = NULL;
    char field[48];
    size_t ns = 0, nb = 0;
    int changed = 0;
    int rc;

    if (api_begin(soap, OP_PUBLISH_PRODUCTS, &ctx))
        return soap->error;
    if ((rc = count_of(req->__sizesku, "sku", &ns)) < 0 ||
        (rc = count_of(req->__sizebuyerCode, "buyerCode", &nb)) < 0)
        return api_fault(soap, rc);
    skus = calloc(ns, sizeof(*skus));
    buyers = calloc(nb, sizeof(*buyers));
    if (!skus || !buyers)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < ns; i++)
        rc = in_sku(skus[i], sizeof(skus[i]), req->sku[i],
                    in_field(field, sizeof(field), "sku", i + 1, NULL));
    for (size_t i = 0; rc == 0 && i < nb; i++)
        rc = in_code(buyers[i], sizeof(buyers[i]), req->buyerCode[i],
                     in_field(field, sizeof(field), "buyerCode", i + 1, NULL), true);
    if (rc == 0)
        rc = svc_publish(&ctx, (const char(*)[SKU_MAX + 1])skus, ns,
                         (const char(*)[CODE_MAX + 1])buyers, nb,
                         req->publish == xsd__boolean__true_, &changed);
    free(skus);
    free(buyers);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->changed = changed;
    return SOAP_OK;
}

int __eos__UpdateStock(struct soap *soap, struct _eos__UpdateStockRequest *req,
                       struct _eos__UpdateStockResponse *resp)
{
    struct svc_ctx ctx;
    struct stock_in *items = NULL;
    char field[48];
    int updated = 0;
    size_t n = 0;
    int rc;

    if (api_begin(soap, OP_UPDATE_STOCK, &ctx))
        return soap->error;
    if ((rc = count_of(req->__sizeitem, "item", &n)) < 0)
        return api_fault(soap, rc);
    if (!(items = calloc(n, sizeof(*items))))
        return api_fail(soap, EOS_EINTERNAL, NULL, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if ((rc = in_sku(items[i].sku, sizeof(items[i].sku), req->item[i].sku,
                         in_field(field, sizeof(field), "item", i + 1, "sku"))) < 0)
            break;
        rc = in_qty(&items[i].available, req->item[i].availableQuantity,
                    in_field(field, sizeof(field), "item", i + 1, "availableQuantity"));
    }
    if (rc == 0)
        rc = svc_update_stock(&ctx, items, n, &updated);
    free(items);
    if (rc < 0)
        return api_fault(soap, rc);
    resp->updated = updated;
    return SOAP_OK;
}

int __eos__SetCreditLimit(struct soap *soap, struct _eos__SetCreditLimitRequest *req,
                          struct _eos__SetCreditLimitResponse *resp)
{
    struct svc_ctx ctx;
    char buyer[CODE_MAX + 1];
    money_t limit = 0;
    /* Absent or empty (<creditLimit/>, as SoapUI sends it): no limit. */
    bool has_limit = req->creditLimit && *req->creditLimit;
    int rc;

    if (api_begin(soap, OP_SET_CREDIT_LIMIT, &ctx))
        return soap->error;
    if ((rc = in_code(buyer, sizeof(buyer), req->buyerCode, "buyerCode", true)) < 0 ||
        (has_limit && (rc = in_money(&limit, req->creditLimit, "creditLimit")) < 0))
        return api_fault(soap, rc);
    if ((rc = svc_set_credit_limit(&ctx, buyer, has_limit, limit)) < 0)
        return api_fault(soap, rc);
    resp->buyerCode = soap_strdup(soap, buyer);
    resp->creditLimit = has_limit ? api_money(soap, limit) : NULL;
    return SOAP_OK;
}
