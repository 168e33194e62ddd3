/*
 * orders.c - buyers' order use cases: submit, read, list, cancel, request a
 * change; and the buyer's catalog.
 */
#include "svc/orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "base/str.h"
#include "store/account.h"
#include "store/catalog.h"
#include "store/feed.h"
#include "store/order.h"
#include "store/party.h"
#include "svc/exposure.h"
#include "svc/order_ops.h"

/* ------------------------------------------------------------ scope */

/* What the caller may see: its own orders (buyer), its customers' (seller),
 * everything (admin). */
static struct party_scope scope_of(const struct principal *who)
{
    struct party_scope s = {0, 0};

    if (who->role == ROLE_BUYER)
        s.buyer_id = who->party_id;
    else if (who->role == ROLE_SELLER)
        s.seller_id = who->party_id;
    return s;
}

/* Resolves a buyerCode filter into the scope. A buyer may only name itself;
 * a code nobody may see is NOT_FOUND. */
int svc_scope_buyer(struct svc_ctx *ctx, const char *buyer_code, struct party_scope *scope)
{
    struct account_row acct;
    struct party_row party;
    int rc;

    *scope = scope_of(ctx->who);
    if (str_empty(buyer_code))
        return 0;
    if (ctx->who->role == ROLE_BUYER) {
        if (strcmp(buyer_code, ctx->who->party_code) != 0)
            return eos_err_set(EOS_ENOTFOUND, "buyerCode", "no buyer %s", buyer_code);
        return 0;
    }
    rc = store_party_by_code(ctx->db, buyer_code, &party);
    if (rc < 0)
        return rc;
    /* A seller knows only its own customers: another seller's buyer is
     * answered as one that does not exist, so codes cannot be probed. */
    if (rc == 1 && strcmp(party.kind, "BUYER") == 0 && scope->seller_id &&
        (rc = store_account_get(ctx->db, scope->seller_id, party.party_id, false, &acct)) < 0)
        return rc;
    if (rc == 0 || strcmp(party.kind, "BUYER") != 0)
        return eos_err_set(EOS_ENOTFOUND, "buyerCode", "no buyer %s", buyer_code);
    scope->buyer_id = party.party_id;
    return 0;
}

static int require_buyer(struct svc_ctx *ctx, const char *what)
{
    if (ctx->who->role != ROLE_BUYER)
        return eos_err_set(EOS_EFORBIDDEN, NULL, "%s acts for the caller's own buyer party", what);
    return 0;
}

/* ------------------------------------------------------------ submit */

struct submit_job {
    const struct order_draft *d;
    struct submit_result *out;
    unsigned char hash[32];        /* version 2: set once the account is known */
    const char *skus_json;
    struct line_price *prices;
    int64_t *product_ids;
    char (*names)[NAME_BUF];
    struct priced_line *priced;
};

static int lines_json(const struct submit_job *job, struct jbuf *j)
{
    const struct order_draft *d = job->d;
    char num[MONEY_STR_MAX];

    jbuf_raw(j, "[");
    for (size_t i = 0; i < d->line_count; i++) {
        const struct order_draft_line *l = &d->lines[i];

        jbuf_raw(j, i ? ",{\"n\":" : "{\"n\":");
        jbuf_i64(j, l->line_no);
        jbuf_raw(j, ",\"p\":");
        jbuf_i64(j, job->product_ids[i]);
        /* The seller's spelling: the database found it whatever the case. */
        jbuf_raw(j, ",\"sku\":");
        jbuf_str(j, job->prices[i].sku);
        jbuf_raw(j, ",\"name\":");
        jbuf_str(j, job->names[i]);
        jbuf_raw(j, ",\"q\":");
        jbuf_str(j, qty_format(num, sizeof(num), l->quantity));
        jbuf_raw(j, ",\"u\":");
        jbuf_str(j, money_format(num, sizeof(num), job->priced[i].unit_price));
        jbuf_raw(j, ",\"l\":");
        jbuf_str(j, money_format(num, sizeof(num), job->prices[i].list_price));
        jbuf_raw(j, ",\"a\":");
        jbuf_str(j, money_format(num, sizeof(num), job->priced[i].line_amount));
        jbuf_raw(j, ",\"d\":");
        jbuf_str(j, str_empty(l->delivery_date) ? NULL : l->delivery_date);
        jbuf_raw(j, "}");
    }
    jbuf_raw(j, "]");
    return jbuf_failed(j) ? eos_err_set(EOS_ELIMIT, "line", "the order is too large") : 0;
}

/* The answer for an order already stored under this number. */
static int answer_duplicate(struct svc_ctx *ctx, struct submit_job *job,
                            const struct order_header *h)
{
    struct order_view v;
    struct submit_result *out = job->out;
    unsigned char hash_v1[32];
    int rc;

    /* Orders stored before version 2 hold the first form: asked for only
     * here, off the path of a new order. */
    if (memcmp(h->content_hash, job->hash, sizeof(job->hash)) != 0) {
        if ((rc = order_draft_hash_v1(job->d, hash_v1)) < 0)
            return rc;
        if (memcmp(h->content_hash, hash_v1, sizeof(hash_v1)) != 0)
            return eos_err_set(EOS_ECONFLICT, "buyerOrderNo",
                               "buyerOrderNo %s was already used for a different order "
                               "(orderId %lld)",
                               h->buyer_order_no, (long long)h->order_id);
    }
    memset(&v, 0, sizeof(v));
    v.h = *h;
    rc = store_order_details(ctx->db, &v);
    if (rc == 0 && v.line_count != job->d->line_count)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    if (rc == 0) {
        /* The first answer, as it was: SUBMITTED at version 1, priced as
         * ordered, whatever the seller has done to the order since. */
        out->stored = true;
        out->duplicate = true;
        out->order_id = h->order_id;
        out->status = ORDER_SUBMITTED;
        out->version = 1;
        str_copy(out->currency, sizeof(out->currency), h->currency);
        out->total = 0;
        out->line_count = v.line_count;
        for (size_t i = 0; i < v.line_count && rc == 0; i++) {
            struct submit_line_result *l = &out->lines[i];

            l->line_no = v.lines[i].line_no;
            str_copy(l->sku, sizeof(l->sku), v.lines[i].sku);
            l->quantity = v.lines[i].ordered_quantity;
            l->unit_price = v.lines[i].ordered_unit_price;
            rc = money_line_amount_checked(&l->line_amount, l->quantity, l->unit_price, "line");
            out->total += l->line_amount;
        }
    }
    order_view_clear(&v);
    return rc;
}

/* When buyerOrderNo is taken: 1 with the first order's answer in job->out,
 * < 0 with its conflict; 0 when the number is new. */
static int duplicate_of(struct svc_ctx *ctx, struct submit_job *job)
{
    struct party_scope scope = {ctx->who->party_id, 0};
    struct order_header h;
    int rc = store_order_header_by_no(ctx->db, &scope, ctx->who->party_id,
                                      job->d->buyer_order_no, false, &h);

    if (rc <= 0)
        return rc;
    rc = answer_duplicate(ctx, job, &h);
    return rc < 0 ? rc : 1;
}

static int submit_tx(struct svc_ctx *ctx, void *arg)
{
    struct submit_job *job = arg;
    const struct order_draft *d = job->d;
    const struct principal *who = ctx->who;
    struct submit_result *out = job->out;
    struct account_row acct;
    struct credit_position pos;
    struct order_header h;
    struct jbuf j;
    bool ambiguous = false;
    money_t total = 0;
    int rc, dup;

    out->stored = false;
    out->duplicate = false;
    out->line_count = 0;
    /* The account row lock serializes this buyer's submissions: the
     * duplicate check and the credit check below see every earlier order. */
    rc = store_account_find(ctx->db, who->party_id, d->seller_code, true, &acct, &ambiguous);
    if (rc < 0)
        return rc;
    if (rc == 0 && ambiguous)
        return eos_err_set(EOS_EINVALID, "sellerCode",
                           "you have accounts with several sellers: name one in sellerCode");
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "sellerCode", "no account with seller %s",
                           str_empty(d->seller_code) ? "(none)" : d->seller_code);
    /* A number already used answers its first order (or a conflict) whatever
     * the checks below would say now. It is looked up only when it matters:
     * when a check fails, for a validation, and when the insert finds the
     * number taken; a new order, the usual case, costs no lookup. */
    rc = 0;
    if (d->currency[0] != '\0' && strcmp(d->currency, acct.currency) != 0)
        rc = eos_err_set(EOS_EINVALID, "currency", "the account with %s is kept in %s, not %s",
                         acct.seller_code, acct.currency, d->currency);
    if (rc == 0)
        rc = store_line_prices(ctx->db, acct.seller_id, who->party_id, job->skus_json,
                               d->line_count, job->prices, job->product_ids, job->names);
    /* The same order whether the buyer named its seller or not, and in
     * whatever case it spelled the seller's SKUs (prices found them). */
    if ((dup = order_draft_hash(d, acct.seller_code, acct.currency, job->prices, job->hash)) < 0)
        return dup;
    if (rc == 0)
        rc = order_price_lines(d, job->prices, job->priced, &total);
    if (rc == 0) {
        pos.has_limit = acct.has_limit;
        pos.limit = acct.credit_limit;
        pos.open_orders = acct.open_orders;
        pos.receivable = acct.receivable;
        rc = order_credit_check(&pos, total);
    }
    if ((rc < 0 && eos_err_is_client(rc)) || (rc == 0 && d->validate_only)) {
        if ((dup = duplicate_of(ctx, job)) != 0)
            return dup < 0 ? dup : 0;
    }
    if (rc < 0)
        return rc;

    str_copy(out->currency, sizeof(out->currency), acct.currency);
    out->total = total;
    out->line_count = d->line_count;
    for (size_t i = 0; i < d->line_count; i++) {
        out->lines[i].line_no = d->lines[i].line_no;
        str_copy(out->lines[i].sku, sizeof(out->lines[i].sku), job->prices[i].sku);
        out->lines[i].quantity = d->lines[i].quantity;
        out->lines[i].unit_price = job->priced[i].unit_price;
        out->lines[i].line_amount = job->priced[i].line_amount;
    }
    if (d->validate_only)
        return 0;

    memset(&h, 0, sizeof(h));
    h.seller_id = acct.seller_id;
    h.buyer_id = who->party_id;
    str_copy(h.buyer_order_no, sizeof(h.buyer_order_no), d->buyer_order_no);
    h.allow_adjust = d->allow_adjust;
    str_copy(h.ship_to_code, sizeof(h.ship_to_code), d->ship_to_code);
    str_copy(h.delivery_date, sizeof(h.delivery_date), d->delivery_date);
    str_copy(h.note, sizeof(h.note), d->note);
    str_copy(h.currency, sizeof(h.currency), acct.currency);
    h.total = total;
    memcpy(h.content_hash, job->hash, sizeof(job->hash));
    rc = store_order_insert(ctx->db, &h, who->user_id);
    if (rc == EOS_EDUPKEY) {
        /* Taken: by an earlier order, or by a twin that committed while this
         * insert waited for its key. */
        if ((dup = duplicate_of(ctx, job)) != 0)
            return dup < 0 ? dup : 0;
        return EOS_ERETRY;
    }
    if (rc < 0)
        return rc;
    jbuf_init(&j);
    rc = lines_json(job, &j);
    if (rc == 0)
        rc = store_order_lines_insert(ctx->db, h.order_id, j.data);
    jbuf_free(&j);
    if (rc < 0)
        return rc;
    if ((rc = store_order_history_add(ctx->db, h.order_id, 1, NULL, "SUBMITTED", who->username,
                                      NULL)) < 0 ||
        (rc = store_feed_touch(ctx->db, acct.seller_id, FEED_ORDER, h.order_id)) < 0 ||
        (rc = store_account_adjust(ctx->db, acct.seller_id, who->party_id,
                                   order_open_amount(ORDER_SUBMITTED, total, 0), 0)) < 0)
        return rc;
    out->stored = true;
    out->order_id = h.order_id;
    out->status = ORDER_SUBMITTED;
    out->version = 1;
    return 0;
}

static int skus_json(const struct order_draft *d, struct jbuf *j)
{
    jbuf_raw(j, "[");
    for (size_t i = 0; i < d->line_count; i++) {
        if (i)
            jbuf_raw(j, ",");
        jbuf_str(j, d->lines[i].sku);
    }
    jbuf_raw(j, "]");
    return jbuf_failed(j) ? eos_err_set(EOS_ELIMIT, "line", "the order is too large") : 0;
}

int svc_submit_order(struct svc_ctx *ctx, const struct order_draft *draft,
                     struct submit_result *out)
{
    struct submit_job job = {.d = draft, .out = out};
    struct jbuf skus;
    size_t n = draft->line_count;
    int rc;

    if ((rc = require_buyer(ctx, "SubmitOrder")) < 0)
        return rc;
    if ((rc = order_draft_validate(draft)) < 0)
        return rc;
    jbuf_init(&skus);
    job.prices = calloc(n, sizeof(*job.prices));
    job.product_ids = calloc(n, sizeof(*job.product_ids));
    job.names = calloc(n, sizeof(*job.names));
    job.priced = calloc(n, sizeof(*job.priced));
    if (!job.prices || !job.product_ids || !job.names || !job.priced) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    if ((rc = skus_json(draft, &skus)) < 0)
        goto out;
    job.skus_json = skus.data;
    rc = svc_run_tx(ctx, submit_tx, &job);
out:
    jbuf_free(&skus);
    free(job.prices);
    free(job.product_ids);
    free(job.names);
    free(job.priced);
    return rc;
}

/* ------------------------------------------------------------ read */

int svc_get_order(struct svc_ctx *ctx, int64_t order_id, const char *buyer_order_no,
                  const char *buyer_code, struct order_view *out)
{
    struct party_scope scope = scope_of(ctx->who);
    struct order_header h;
    bool by_no = order_id <= 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (by_no && str_empty(buyer_order_no))
        return eos_err_set(EOS_EINVALID, "orderId", "name the order by orderId or buyerOrderNo");
    if (by_no) {
        /* The buyer's number names one order for good: its id, found
         * outside the snapshot, is read inside it. */
        if ((rc = svc_scope_buyer(ctx, buyer_code, &scope)) < 0)
            return rc;
        if (scope.buyer_id == 0)
            return eos_err_set(EOS_EINVALID, "buyerCode",
                               "naming an order by buyerOrderNo needs the buyerCode");
        rc = store_order_header_by_no(ctx->db, &scope, scope.buyer_id, buyer_order_no, false, &h);
        if (rc < 0)
            goto out;
        order_id = rc == 1 ? h.order_id : 0;
    }
    rc = order_id > 0 ? store_order_read(ctx->db, &scope, order_id, out) : 0;
    if (rc == 0)
        rc = eos_err_set(EOS_ENOTFOUND, by_no ? "buyerOrderNo" : "orderId",
                         "no such order");
out:
    if (rc == EOS_ERETRY)
        rc = eos_err_set(EOS_EUNAVAIL, NULL, "the read conflicted; retry");
    if (rc < 0)
        order_view_clear(out);
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ list */

int svc_list_orders(struct svc_ctx *ctx, struct order_filter_in *in, struct order_header *out,
                    size_t *count, int64_t *total)
{
    struct order_filter f;
    int rc;

    memset(&f, 0, sizeof(f));
    if (!str_empty(in->status) && order_status_parse(in->status) < 0)
        return eos_err_set(EOS_EINVALID, "status", "unknown status %s", in->status);
    if (!str_empty(in->created_from) && !date_valid(in->created_from))
        return eos_err_set(EOS_EINVALID, "createdFrom", "not a date (YYYY-MM-DD)");
    if (!str_empty(in->created_to) && !date_valid(in->created_to))
        return eos_err_set(EOS_EINVALID, "createdTo", "not a date (YYYY-MM-DD)");
    if (in->offset < 0)
        return eos_err_set(EOS_EINVALID, "offset", "offset is 0 or more");
    if (in->limit < 1 || in->limit > 500)
        return eos_err_set(EOS_EINVALID, "limit", "limit is 1 to 500");
    if ((rc = svc_scope_buyer(ctx, in->buyer_code, &f.scope)) < 0)
        return rc;
    str_copy(f.status, sizeof(f.status), in->status);
    str_copy(f.created_from, sizeof(f.created_from), in->created_from);
    str_copy(f.created_to, sizeof(f.created_to), in->created_to);
    f.offset = in->offset;
    f.limit = in->limit;
    rc = store_order_list(ctx->db, &f, out, (size_t)in->limit, count, total);
    return rc == EOS_ERETRY ? eos_err_set(EOS_EUNAVAIL, NULL, "retry") : rc;
}

/* ------------------------------------------------------------ cancel */

struct cancel_job {
    int64_t order_id;
    bool has_expected;
    int32_t expected;
    const char *reason;
    struct order_change_result *out;
};

/* Locks the order for a change by the caller and checks expectedVersion. */
static int lock_in_scope(struct svc_ctx *ctx, const struct party_scope *scope, int64_t order_id,
                         bool has_expected, int32_t expected, struct order_header *h)
{
    int rc = store_order_header(ctx->db, scope, order_id, true, h);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "orderId", "no such order");
    if (has_expected && h->version != expected)
        return eos_err_set(EOS_EVERSION, "expectedVersion",
                           "the order is at version %d, not %d: read it again", h->version,
                           expected);
    return 0;
}

int svc_lock_order(struct svc_ctx *ctx, int64_t order_id, bool has_expected, int32_t expected,
                   struct order_header *h)
{
    struct party_scope scope = scope_of(ctx->who);

    return lock_in_scope(ctx, &scope, order_id, has_expected, expected, h);
}

int svc_lock_seller_order(struct svc_ctx *ctx, int64_t seller_id, int64_t order_id,
                          bool has_expected, int32_t expected, struct order_header *h)
{
    struct party_scope scope = {0, seller_id};

    return lock_in_scope(ctx, &scope, order_id, has_expected, expected, h);
}

int svc_exposure_add(struct svc_ctx *ctx, int64_t seller_id, int64_t buyer_id, money_t delta)
{
    struct account_row acct;
    struct credit_position pos;
    int rc;

    if (delta > 0) {
        /* The row lock, as SubmitOrder takes it: the check sees every
         * other change to this exposure. */
        rc = store_account_get(ctx->db, seller_id, buyer_id, true, &acct);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
        pos = (struct credit_position){acct.has_limit, acct.credit_limit, acct.open_orders,
                                       acct.receivable};
        if ((rc = order_credit_check(&pos, delta)) < 0)
            return rc;
    }
    return store_account_adjust(ctx->db, seller_id, buyer_id, delta, 0);
}

/* Moves a locked order to a new status, with history, feed and exposure. */
int svc_move_order(struct svc_ctx *ctx, struct order_header *h, enum order_status to,
                   const char *reason)
{
    bool changed = false;
    money_t before = order_open_amount(h->status, h->total, h->invoiced);
    money_t after = order_open_amount(to, h->total, h->invoiced);
    int rc;

    rc = store_order_set_status(ctx->db, h->order_id, h->version, to, &changed);
    if (rc < 0)
        return rc;
    if (!changed)
        return eos_err_set(EOS_EVERSION, "expectedVersion", "the order changed meanwhile");
    if ((rc = store_order_history_add(ctx->db, h->order_id, h->version + 1,
                                      order_status_name(h->status), order_status_name(to),
                                      ctx->who->username, reason)) < 0 ||
        (rc = store_feed_touch(ctx->db, h->seller_id, FEED_ORDER, h->order_id)) < 0 ||
        (rc = svc_exposure_add(ctx, h->seller_id, h->buyer_id, after - before)) < 0)
        return rc;
    h->status = to;
    h->version++;
    return 0;
}

static int cancel_tx(struct svc_ctx *ctx, void *arg)
{
    struct cancel_job *job = arg;
    struct order_header h;
    enum order_status to;
    int rc;

    if ((rc = svc_lock_order(ctx, job->order_id, job->has_expected, job->expected, &h)) < 0)
        return rc;
    if ((rc = order_transition(h.status, ORDER_ACT_CANCEL, h.shipped > 0 || h.invoiced > 0,
                               &to)) < 0)
        return rc;
    if ((rc = svc_move_order(ctx, &h, to, job->reason)) < 0)
        return rc;
    job->out->order_id = h.order_id;
    job->out->status = h.status;
    job->out->version = h.version;
    return 0;
}

int svc_cancel_order(struct svc_ctx *ctx, int64_t order_id, bool has_expected,
                     int32_t expected_version, const char *reason,
                     struct order_change_result *out)
{
    struct cancel_job job = {order_id, has_expected, expected_version, reason, out};

    if (!str_empty(reason) && utf8_chars(reason) > REASON_MAX)
        return eos_err_set(EOS_EINVALID, "reason", "at most %d characters", REASON_MAX);
    return svc_run_tx(ctx, cancel_tx, &job);
}

/* ------------------------------------------------------------ change request */

struct change_job {
    int64_t order_id;
    bool has_expected;
    int32_t expected;
    const struct line_change *changes;
    size_t count;
    const char *reason;
    const char *json;
    int64_t *id_out;
};

static int change_tx(struct svc_ctx *ctx, void *arg)
{
    struct change_job *job = arg;
    struct order_view v;
    struct line_minimum *least = NULL;
    size_t least_count = 0;
    char field[48];
    money_t total;
    int rc;

    memset(&v, 0, sizeof(v));
    if ((rc = svc_lock_order(ctx, job->order_id, job->has_expected, job->expected, &v.h)) < 0)
        return rc;
    if (v.h.status != ORDER_SUBMITTED && v.h.status != ORDER_ACCEPTED)
        return eos_err_set(EOS_ETRANSITION, NULL,
                           "a change can be requested while the order is SUBMITTED or ACCEPTED, "
                           "not %s",
                           order_status_name(v.h.status));
    if (!v.h.allow_adjust)
        return eos_err_set(EOS_ETRANSITION, NULL, "this order does not allow adjustment");
    if ((rc = store_order_details(ctx->db, &v)) < 0 ||
        (rc = store_order_line_minimums(ctx->db, v.h.order_id, &least, &least_count)) < 0)
        goto out;
    total = v.h.total;
    for (size_t i = 0; i < job->count; i++) {
        const struct line_change *c = &job->changes[i];
        const struct order_line_view *line = NULL;
        money_t amount;

        for (size_t k = 0; k < v.line_count; k++)
            if (v.lines[k].line_no == c->line_no)
                line = &v.lines[k];
        if (!line) {
            snprintf(field, sizeof(field), "change[%zu]/lineNo", i + 1);
            rc = eos_err_set(EOS_EINVALID, field, "the order has no line %d", c->line_no);
            goto out;
        }
        if (c->has_quantity && c->quantity < line->shipped) {
            char q[QTY_STR_MAX];

            snprintf(field, sizeof(field), "change[%zu]/newQuantity", i + 1);
            rc = eos_err_set(EOS_EQUANTITY, field, "line %d has %s shipped already",
                             c->line_no, qty_format(q, sizeof(q), line->shipped));
            goto out;
        }
        /* A line may go (0), not shrink below what the product is sold in. */
        for (size_t k = 0; k < least_count && c->has_quantity && c->quantity > 0; k++) {
            char q[QTY_STR_MAX];

            if (least[k].line_no != c->line_no || least[k].least_null ||
                c->quantity >= least[k].least)
                continue;
            snprintf(field, sizeof(field), "change[%zu]/newQuantity", i + 1);
            rc = eos_err_set(EOS_EINVALID, field, "%s is sold %s at the least", line->sku,
                             qty_format(q, sizeof(q), least[k].least));
            goto out;
        }
        snprintf(field, sizeof(field), "change[%zu]", i + 1);
        if ((rc = money_line_amount_checked(&amount, c->has_quantity ? c->quantity : line->quantity,
                                            c->has_price ? c->unit_price : line->unit_price,
                                            field)) < 0)
            goto out;
        total += amount - line->line_amount;
    }
    /* Invoices are for amounts of the order: a change may not leave less
     * to pay than was invoiced already. */
    if (total < v.h.invoiced) {
        char a[MONEY_STR_MAX];

        rc = eos_err_set(EOS_EQUANTITY, "change", "the order has %s invoiced already: "
                         "its total cannot fall below that",
                         money_format(a, sizeof(a), v.h.invoiced));
        goto out;
    }
    rc = store_change_insert(ctx->db, v.h.order_id, ctx->who->username, job->reason, job->json,
                             job->id_out);
    if (rc == EOS_EDUPKEY) {
        rc = eos_err_set(EOS_ETRANSITION, NULL,
                         "the order already has a pending change request");
        goto out;
    }
    if (rc == 0)
        rc = store_feed_touch(ctx->db, v.h.seller_id, FEED_ORDER, v.h.order_id);
out:
    free(least);
    order_view_clear(&v);
    return rc;
}

static int validate_changes(const struct line_change *changes, size_t count, const char *reason)
{
    char field[48];

    if (count == 0)
        return eos_err_set(EOS_EINVALID, "change", "at least one change is needed");
    if (count > ORDER_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "change", "at most %d changes", ORDER_MAX_LINES);
    if (!str_empty(reason) && utf8_chars(reason) > REASON_MAX)
        return eos_err_set(EOS_EINVALID, "reason", "at most %d characters", REASON_MAX);
    for (size_t i = 0; i < count; i++) {
        const struct line_change *c = &changes[i];

        if (!c->has_quantity && !c->has_price && str_empty(c->delivery_date)) {
            snprintf(field, sizeof(field), "change[%zu]", i + 1);
            return eos_err_set(EOS_EINVALID, field,
                               "a change names a new quantity, unit price or delivery date");
        }
        if (c->has_quantity && c->quantity < 0) {
            snprintf(field, sizeof(field), "change[%zu]/newQuantity", i + 1);
            return eos_err_set(EOS_EINVALID, field, "quantities are not negative");
        }
        if (c->has_price && c->unit_price < 0) {
            snprintf(field, sizeof(field), "change[%zu]/newUnitPrice", i + 1);
            return eos_err_set(EOS_EINVALID, field, "prices are not negative");
        }
        if (!str_empty(c->delivery_date) && !date_valid(c->delivery_date)) {
            snprintf(field, sizeof(field), "change[%zu]/newDeliveryDate", i + 1);
            return eos_err_set(EOS_EINVALID, field, "not a date (YYYY-MM-DD)");
        }
        for (size_t k = 0; k < i; k++) {
            if (changes[k].line_no == c->line_no) {
                snprintf(field, sizeof(field), "change[%zu]/lineNo", i + 1);
                return eos_err_set(EOS_EINVALID, field, "line %d is changed twice", c->line_no);
            }
        }
    }
    return 0;
}

int svc_request_change(struct svc_ctx *ctx, int64_t order_id, bool has_expected,
                       int32_t expected_version, const struct line_change *changes,
                       size_t count, const char *reason, int64_t *change_id_out)
{
    struct change_job job = {order_id, has_expected, expected_version, changes, count, reason,
                             NULL, change_id_out};
    char num[MONEY_STR_MAX];
    struct jbuf j;
    int rc;

    if ((rc = validate_changes(changes, count, reason)) < 0)
        return rc;
    jbuf_init(&j);
    jbuf_raw(&j, "[");
    for (size_t i = 0; i < count; i++) {
        jbuf_raw(&j, i ? ",{\"n\":" : "{\"n\":");
        jbuf_i64(&j, changes[i].line_no);
        jbuf_raw(&j, ",\"q\":");
        jbuf_str(&j, changes[i].has_quantity ? qty_format(num, sizeof(num), changes[i].quantity)
                                             : NULL);
        jbuf_raw(&j, ",\"u\":");
        jbuf_str(&j, changes[i].has_price ? money_format(num, sizeof(num), changes[i].unit_price)
                                          : NULL);
        jbuf_raw(&j, ",\"d\":");
        jbuf_str(&j, str_empty(changes[i].delivery_date) ? NULL : changes[i].delivery_date);
        jbuf_raw(&j, "}");
    }
    jbuf_raw(&j, "]");
    if (jbuf_failed(&j)) {
        jbuf_free(&j);
        return eos_err_set(EOS_ELIMIT, "change", "too many changes");
    }
    job.json = j.data;
    rc = svc_run_tx(ctx, change_tx, &job);
    jbuf_free(&j);
    return rc;
}

/* ------------------------------------------------------------ catalog */

int svc_get_catalog(struct svc_ctx *ctx, const char *seller_code, struct catalog_filter *f,
                    struct catalog_item *out, size_t *count, int64_t *total, char currency[4])
{
    struct account_row acct;
    bool ambiguous = false;
    int rc;

    if ((rc = require_buyer(ctx, "GetCatalog")) < 0)
        return rc;
    if (f->offset < 0)
        return eos_err_set(EOS_EINVALID, "offset", "offset is 0 or more");
    if (f->limit < 1 || f->limit > 500)
        return eos_err_set(EOS_EINVALID, "limit", "limit is 1 to 500");
    rc = store_account_find(ctx->db, ctx->who->party_id, seller_code, false, &acct, &ambiguous);
    if (rc < 0)
        return rc;
    if (rc == 0 && ambiguous)
        return eos_err_set(EOS_EINVALID, "sellerCode",
                           "you have accounts with several sellers: name one in sellerCode");
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "sellerCode", "no account with that seller");
    f->seller_id = acct.seller_id;
    f->buyer_id = ctx->who->party_id;
    str_copy(currency, 4, acct.currency);
    rc = store_catalog_page(ctx->db, f, out, (size_t)f->limit, count, total);
    return rc == EOS_ERETRY ? eos_err_set(EOS_EUNAVAIL, NULL, "retry") : rc;
}
