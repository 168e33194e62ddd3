/*
 * account.c - reconciliation use cases.
 */
#include "svc/account.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "store/account.h"
#include "store/party.h"
#include "svc/order_ops.h"

static int check_limit(int32_t offset, int32_t limit)
{
    if (offset < 0)
        return eos_err_set(EOS_EINVALID, "offset", "offset is 0 or more");
    if (limit < 1 || limit > 500)
        return eos_err_set(EOS_EINVALID, "limit", "limit is 1 to 500");
    return 0;
}

static bool doc_type_ok(const char *t)
{
    return strcmp(t, "SHIPMENT") == 0 || strcmp(t, "INVOICE") == 0 || strcmp(t, "PAYMENT") == 0 ||
           strcmp(t, "REFUND") == 0;
}

/* Narrows the scope to the seller named by sellerCode: for a buyer, one it
 * has an account with; for an operator, any seller; a seller may name only
 * itself. A code the caller may not see is NOT_FOUND, like one that does
 * not exist. */
static int scope_seller(struct svc_ctx *ctx, const char *seller_code, struct party_scope *scope)
{
    struct account_row acct;
    struct party_row party;
    bool ambiguous = false;
    int rc;

    if (str_empty(seller_code))
        return 0;
    switch (ctx->who->role) {
    case ROLE_BUYER:
        rc = store_account_find(ctx->db, ctx->who->party_id, seller_code, false, &acct,
                                &ambiguous);
        if (rc == 1)
            scope->seller_id = acct.seller_id;
        break;
    case ROLE_SELLER:
        rc = strcasecmp(seller_code, ctx->who->party_code) == 0; /* codes match in any case */
        break;
    default:
        rc = store_party_by_code(ctx->db, seller_code, &party);
        if (rc == 1 && strcmp(party.kind, "SELLER") != 0)
            rc = 0;
        if (rc == 1)
            scope->seller_id = party.party_id;
        break;
    }
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "sellerCode", "no account with seller %s", seller_code);
    return rc < 0 ? rc : 0;
}

int svc_list_documents(struct svc_ctx *ctx, const struct doc_filter_in *in,
                       struct account_doc *out, size_t *count, int64_t *total)
{
    struct doc_filter f;
    int rc;

    memset(&f, 0, sizeof(f));
    if ((rc = check_limit(in->offset, in->limit)) < 0)
        return rc;
    if (!str_empty(in->doc_type) && !doc_type_ok(in->doc_type))
        return eos_err_set(EOS_EINVALID, "docType", "SHIPMENT, INVOICE, PAYMENT or REFUND");
    if ((!str_empty(in->from) && !date_valid(in->from)) || (!str_empty(in->to) && !date_valid(in->to)))
        return eos_err_set(EOS_EINVALID, str_empty(in->from) || date_valid(in->from) ? "to" : "from",
                           "not a date (YYYY-MM-DD)");
    if ((rc = svc_scope_buyer(ctx, in->buyer_code, &f.scope)) < 0 ||
        (rc = scope_seller(ctx, in->seller_code, &f.scope)) < 0)
        return rc;
    /* A seller reconciles one customer at a time (the contract): every
     * customer's documents in one list would tie on numbers each seller
     * gives out on its own. */
    if (ctx->who->role != ROLE_BUYER && f.scope.buyer_id == 0)
        return eos_err_set(EOS_EINVALID, "buyerCode", "name the buyer's account");
    str_copy(f.doc_type, sizeof(f.doc_type), in->doc_type);
    str_copy(f.from, sizeof(f.from), in->from);
    str_copy(f.to, sizeof(f.to), in->to);
    f.unconfirmed_only = in->unconfirmed_only;
    f.offset = in->offset;
    f.limit = in->limit;
    rc = store_doc_list(ctx->db, &f, out, (size_t)in->limit, count, total);
    return rc == EOS_ERETRY ? eos_err_set(EOS_EUNAVAIL, NULL, "retry") : rc;
}

struct confirm_job {
    const char *doc_type;
    const char *doc_no;
    const char *seller_code;
    bool confirmed;
    int64_t *at;
};

static int confirm_tx(struct svc_ctx *ctx, void *arg)
{
    struct confirm_job *job = arg;
    struct party_scope scope = {ctx->who->party_id, 0};
    int64_t seller_id = 0;
    int rc;

    if ((rc = scope_seller(ctx, job->seller_code, &scope)) < 0 ||
        (rc = store_doc_seller(ctx->db, ctx->who->party_id, job->doc_type, job->doc_no,
                               scope.seller_id, &seller_id)) < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "docNo", "no %s %s", job->doc_type, job->doc_no);
    /* Sellers number their documents on their own: which one is meant is
     * the buyer's to say, never the hub's to guess. */
    if (rc > 1)
        return eos_err_set(EOS_EINVALID, "sellerCode",
                           "%s %s comes from several of your sellers: name one in sellerCode",
                           job->doc_type, job->doc_no);
    return store_doc_confirm(ctx->db, seller_id, ctx->who->party_id, job->doc_type, job->doc_no,
                             job->confirmed, ctx->who->username, job->at);
}

int svc_confirm_document(struct svc_ctx *ctx, const char *doc_type, const char *doc_no,
                         const char *seller_code, bool confirmed, int64_t *at)
{
    struct confirm_job job = {doc_type, doc_no, seller_code, confirmed, at};

    if (ctx->who->role != ROLE_BUYER)
        return eos_err_set(EOS_EFORBIDDEN, NULL, "documents are confirmed by their buyer");
    if (str_empty(doc_type) || !doc_type_ok(doc_type))
        return eos_err_set(EOS_EINVALID, "docType", "SHIPMENT, INVOICE, PAYMENT or REFUND");
    if (str_empty(doc_no))
        return eos_err_set(EOS_EINVALID, "docNo", "required");
    return svc_run_tx(ctx, confirm_tx, &job);
}

/* The account the request is about: a buyer's own (with its only seller, or
 * the one named by sellerCode), a seller's customer named by buyerCode. */
static int find_account(struct svc_ctx *ctx, const char *buyer_code, const char *seller_code,
                        struct account_row *acct)
{
    struct party_scope scope;
    bool ambiguous = false;
    int rc;

    if ((rc = svc_scope_buyer(ctx, buyer_code, &scope)) < 0 ||
        (rc = scope_seller(ctx, seller_code, &scope)) < 0)
        return rc;
    if (ctx->who->role != ROLE_BUYER && scope.buyer_id == 0)
        return eos_err_set(EOS_EINVALID, "buyerCode", "name the buyer's account");
    rc = scope.seller_id ? store_account_get(ctx->db, scope.seller_id, scope.buyer_id, false, acct)
                         : store_account_find(ctx->db, scope.buyer_id, "", false, acct,
                                              &ambiguous);
    if (rc < 0)
        return rc;
    if (ambiguous)
        return eos_err_set(EOS_EINVALID, "sellerCode",
                           "the buyer has accounts with several sellers: name one in sellerCode");
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "buyerCode", "no such account");
    return 0;
}

struct balance_job {
    const char *as_of;
    const char *buyer_code;
    const char *seller_code;
    struct balance_result *out;
};

static int balance_read(struct svc_ctx *ctx, void *arg)
{
    struct balance_job *job = arg;
    struct balance_result *out = job->out;
    struct account_row acct;
    struct ledger_doc *docs = NULL;
    struct ledger_balance b;
    size_t n = 0;
    int rc;

    if ((rc = find_account(ctx, job->buyer_code, job->seller_code, &acct)) < 0)
        return rc;
    if ((rc = store_ledger_docs(ctx->db, acct.seller_id, acct.buyer_id, &docs, &n)) < 0)
        goto out;
    ledger_balance(docs, n, job->as_of, &b);
    str_copy(out->currency, sizeof(out->currency), acct.currency);
    out->uninvoiced = b.uninvoiced;
    out->receivable = b.receivable;
    out->unapplied = b.unapplied;
    out->open_orders = acct.open_orders;
    if (!str_empty(job->as_of) &&
        (rc = store_open_orders_as_of(ctx->db, acct.seller_id, acct.buyer_id, job->as_of,
                                      &out->open_orders)) < 0)
        goto out;
    out->has_limit = acct.has_limit;
    out->credit_limit = acct.credit_limit;
    out->available = acct.credit_limit - out->open_orders - out->receivable;
out:
    free(docs);
    return rc;
}

/* The account row, its documents and the open orders as of a day are read on
 * one snapshot: read one by one, an invoice committed between them would
 * count its amount both as an open order and as receivable. */
int svc_account_balance(struct svc_ctx *ctx, const char *as_of, const char *buyer_code,
                        const char *seller_code, struct balance_result *out)
{
    struct balance_job job = {as_of, buyer_code, seller_code, out};

    memset(out, 0, sizeof(*out));
    if (!str_empty(as_of) && !date_valid(as_of))
        return eos_err_set(EOS_EINVALID, "asOf", "not a date (YYYY-MM-DD)");
    return svc_run_read(ctx, balance_read, &job);
}

int svc_account_statement(struct svc_ctx *ctx, const char *from, const char *to,
                          const char *buyer_code, const char *seller_code,
                          struct statement_result *out)
{
    struct account_row acct;
    struct ledger_doc *docs = NULL;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!date_valid(from))
        return eos_err_set(EOS_EINVALID, "from", "not a date (YYYY-MM-DD)");
    if (!date_valid(to))
        return eos_err_set(EOS_EINVALID, "to", "not a date (YYYY-MM-DD)");
    if (strcmp(from, to) > 0)
        return eos_err_set(EOS_EINVALID, "to", "the period ends before it starts");
    if ((rc = find_account(ctx, buyer_code, seller_code, &acct)) < 0)
        return rc;
    if ((rc = store_ledger_docs(ctx->db, acct.seller_id, acct.buyer_id, &docs, &n)) < 0)
        goto out;
    out->lines = n ? calloc(n, sizeof(*out->lines)) : NULL;
    if (n && !out->lines) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    ledger_statement(docs, n, from, to, &out->opening, out->lines, &out->count, &out->closing);
    str_copy(out->currency, sizeof(out->currency), acct.currency);
out:
    free(docs);
    if (rc < 0) {
        free(out->lines);
        out->lines = NULL;
    }
    return rc == EOS_ERETRY ? eos_err_set(EOS_EUNAVAIL, NULL, "retry") : rc;
}
