/*
 * returns.c - the return use cases.
 */
#include "svc/returns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "base/str.h"
#include "core/digest.h"
#include "store/feed.h"
#include "store/returns.h"
#include "svc/feed.h"
#include "svc/order_ops.h"
#include "svc/seller.h"

#define RETURN_MAX_LINES 500

static struct party_scope scope_of(const struct principal *who)
{
    struct party_scope s = {0, 0};

    if (who->role == ROLE_BUYER)
        s.buyer_id = who->party_id;
    else if (who->role == ROLE_SELLER)
        s.seller_id = who->party_id;
    return s;
}

static int load_view(struct svc_ctx *ctx, struct return_view *v)
{
    return store_return_details(ctx->db, v);
}

/* ------------------------------------------------------------ submit */

struct submit_job {
    const struct return_draft *d;
    unsigned char hash[32];
    struct return_view *out;
    bool *duplicate;
};

/* Adds a line's amount (never negative) to a return's total: 500 lines at
 * the largest prices would pass what a total can hold, and wrap. */
static int add_to_total(money_t *total, money_t amount)
{
    char max[MONEY_STR_MAX];

    if (amount > MONEY_MAX - *total)
        return eos_err_set(EOS_ELIMIT, NULL, "the return's total would pass %s",
                           money_format(max, sizeof(max), MONEY_MAX));
    *total += amount;
    return 0;
}

static const struct returnable_line *find_line(const struct returnable_line *lines, size_t n,
                                               int32_t line_no)
{
    for (size_t i = 0; i < n; i++)
        if (lines[i].line_no == line_no)
            return &lines[i];
    return NULL;
}

/* Prices the lines and writes them as JSON for the insert. */
static int price_lines(const struct return_draft *d, const struct returnable_line *lines,
                       size_t n, struct jbuf *j, money_t *total)
{
    char field[48], num[MONEY_STR_MAX];
    int rc;

    *total = 0;
    jbuf_raw(j, "[");
    for (size_t i = 0; i < d->line_count; i++) {
        const struct return_line_in *in = &d->lines[i];
        const struct returnable_line *l = find_line(lines, n, in->line_no);
        qty_t left;
        money_t price, amount;

        snprintf(field, sizeof(field), "line[%zu]/lineNo", i + 1);
        if (!l)
            return eos_err_set(EOS_EINVALID, field, "the order has no line %d", in->line_no);
        if (!l->returnable)
            return eos_err_set(EOS_ENOT_RETURNABLE, field, "%s cannot be returned", l->sku);
        left = l->shipped - l->returned - l->pending;
        snprintf(field, sizeof(field), "line[%zu]/quantity", i + 1);
        if (in->quantity > left) {
            char q[QTY_STR_MAX];

            return eos_err_set(EOS_EQUANTITY, field,
                               "line %d has %s shipped and not yet returned or requested",
                               in->line_no, qty_format(q, sizeof(q), left > 0 ? left : 0));
        }
        price = l->has_return_price ? l->return_price : l->paid_price;
        if ((rc = money_line_amount_checked(&amount, in->quantity, price, field)) < 0 ||
            (rc = add_to_total(total, amount)) < 0)
            return rc;
        jbuf_raw(j, i ? ",{\"n\":" : "{\"n\":");
        jbuf_i64(j, in->line_no);
        jbuf_raw(j, ",\"sku\":");
        jbuf_str(j, l->sku);
        jbuf_raw(j, ",\"q\":");
        jbuf_str(j, qty_format(num, sizeof(num), in->quantity));
        jbuf_raw(j, ",\"u\":");
        jbuf_str(j, money_format(num, sizeof(num), price));
        jbuf_raw(j, ",\"r\":");
        jbuf_str(j, money_format(num, sizeof(num), price));
        jbuf_raw(j, ",\"a\":");
        jbuf_str(j, money_format(num, sizeof(num), amount));
        jbuf_raw(j, ",\"why\":");
        jbuf_str(j, str_empty(in->reason) ? NULL : in->reason);
        jbuf_raw(j, "}");
    }
    jbuf_raw(j, "]");
    return jbuf_failed(j) ? eos_err_set(EOS_ELIMIT, "line", "too many lines") : 0;
}

static int submit_tx(struct svc_ctx *ctx, void *arg)
{
    struct submit_job *job = arg;
    const struct return_draft *d = job->d;
    struct party_scope scope = {ctx->who->party_id, 0};
    struct returnable_line *lines = NULL;
    struct order_header order;
    struct return_header existing;
    struct return_view *out = job->out;
    struct jbuf j;
    size_t n = 0;
    int rc;

    return_view_clear(out);
    *job->duplicate = false;
    jbuf_init(&j);
    /* The order's row lock serializes returns against it: two requests
     * cannot both take the same shipped quantity. */
    if ((rc = svc_lock_order(ctx, d->order_id, false, 0, &order)) < 0)
        goto out;
    rc = store_return_header_by_no(ctx->db, &scope, ctx->who->party_id, d->buyer_return_no, false,
                                   &existing);
    if (rc < 0)
        goto out;
    if (rc == 1) {
        if (memcmp(existing.content_hash, job->hash, 32) != 0) {
            rc = eos_err_set(EOS_ECONFLICT, "buyerReturnNo",
                             "buyerReturnNo %s was already used for a different return",
                             d->buyer_return_no);
            goto out;
        }
        out->h = existing;
        *job->duplicate = true;
        if ((rc = load_view(ctx, out)) < 0)
            goto out;
        /* The first answer, as it was: REQUESTED at version 1, at the agreed
         * return prices, whatever the seller has done since. */
        out->h.status = RETURN_REQUESTED;
        out->h.version = 1;
        out->h.total = 0;
        for (size_t i = 0; i < out->line_count && rc == 0; i++) {
            struct return_line_view *l = &out->lines[i];

            l->unit_price = l->reference_price;
            rc = money_line_amount_checked(&l->line_amount, l->quantity, l->unit_price, "line");
            out->h.total += l->line_amount;
        }
        goto out;
    }
    if ((rc = store_returnable_lines(ctx->db, order.order_id, order.buyer_id, &lines, &n)) < 0)
        goto out;
    memset(&out->h, 0, sizeof(out->h));
    if ((rc = price_lines(d, lines, n, &j, &out->h.total)) < 0)
        goto out;
    out->h.seller_id = order.seller_id;
    out->h.buyer_id = order.buyer_id;
    out->h.order_id = order.order_id;
    str_copy(out->h.buyer_return_no, sizeof(out->h.buyer_return_no), d->buyer_return_no);
    str_copy(out->h.currency, sizeof(out->h.currency), order.currency);
    str_copy(out->h.seller_code, sizeof(out->h.seller_code), order.seller_code);
    str_copy(out->h.buyer_code, sizeof(out->h.buyer_code), order.buyer_code);
    memcpy(out->h.content_hash, job->hash, 32);
    rc = store_return_insert(ctx->db, &out->h, ctx->who->user_id, j.data);
    if (rc == EOS_EDUPKEY)
        rc = EOS_ERETRY; /* a racing twin committed first: run again, answer duplicate */
    if (rc < 0 ||
        (rc = store_return_history_add(ctx->db, out->h.return_id, 1, NULL, "REQUESTED",
                                       ctx->who->username, NULL)) < 0 ||
        (rc = store_feed_touch(ctx->db, out->h.seller_id, FEED_RETURN, out->h.return_id)) < 0)
        goto out;
    /* Read back what was stored, so a replay answers exactly the same. */
    rc = store_return_header(ctx->db, &scope, out->h.return_id, false, &out->h);
    if (rc == 1)
        rc = load_view(ctx, out);
    else if (rc == 0)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
out:
    free(lines);
    jbuf_free(&j);
    return rc;
}

int svc_submit_return(struct svc_ctx *ctx, const struct return_draft *d, struct return_view *out,
                      bool *duplicate)
{
    struct submit_job job = {.d = d, .out = out, .duplicate = duplicate};
    struct digest dg;
    char field[48];
    int rc;

    memset(out, 0, sizeof(*out));
    if (ctx->who->role != ROLE_BUYER)
        return eos_err_set(EOS_EFORBIDDEN, NULL, "SubmitReturn acts for the caller's own party");
    if (str_empty(d->buyer_return_no))
        return eos_err_set(EOS_EINVALID, "buyerReturnNo", "required");
    if (d->line_count == 0)
        return eos_err_set(EOS_EINVALID, "line", "a return has at least one line");
    if (d->line_count > RETURN_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "line", "at most %d lines", RETURN_MAX_LINES);
    digest_init(&dg);
    digest_str(&dg, "return");
    digest_i64(&dg, d->order_id);
    digest_i64(&dg, (int64_t)d->line_count);
    for (size_t i = 0; i < d->line_count; i++) {
        const struct return_line_in *l = &d->lines[i];

        snprintf(field, sizeof(field), "line[%zu]/quantity", i + 1);
        if (l->quantity <= 0)
            rc = eos_err_set(EOS_EINVALID, field, "quantities are more than 0");
        else
            rc = 0;
        for (size_t k = 0; rc == 0 && k < i; k++) {
            if (d->lines[k].line_no == l->line_no) {
                snprintf(field, sizeof(field), "line[%zu]/lineNo", i + 1);
                rc = eos_err_set(EOS_EINVALID, field, "line %d appears twice", l->line_no);
            }
        }
        if (rc < 0) {
            digest_final(&dg, job.hash);
            return rc;
        }
        digest_i64(&dg, l->line_no);
        digest_i64(&dg, l->quantity);
        digest_str(&dg, l->reason);
    }
    if ((rc = digest_final(&dg, job.hash)) < 0)
        return rc;
    rc = svc_run_tx(ctx, submit_tx, &job);
    if (rc < 0)
        return_view_clear(out);
    return rc;
}

/* ------------------------------------------------------------ read */

struct get_job {
    int64_t return_id;
    const char *number;
    const char *buyer_code;
    struct return_view *out;
};

static int get_tx(struct svc_ctx *ctx, void *arg)
{
    struct get_job *job = arg;
    struct party_scope scope;
    int rc;

    return_view_clear(job->out);
    if (job->return_id > 0) {
        scope = scope_of(ctx->who);
        rc = store_return_header(ctx->db, &scope, job->return_id, false, &job->out->h);
    } else {
        if ((rc = svc_scope_buyer(ctx, job->buyer_code, &scope)) < 0)
            return rc;
        if (scope.buyer_id == 0)
            return eos_err_set(EOS_EINVALID, "buyerCode",
                               "naming a return by buyerReturnNo needs the buyerCode");
        rc = store_return_header_by_no(ctx->db, &scope, scope.buyer_id, job->number, false,
                                       &job->out->h);
    }
    if (rc < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, job->return_id > 0 ? "returnId" : "buyerReturnNo",
                           "no such return");
    return load_view(ctx, job->out);
}

int svc_get_return(struct svc_ctx *ctx, int64_t return_id, const char *buyer_return_no,
                   const char *buyer_code, struct return_view *out)
{
    struct get_job job = {return_id, buyer_return_no, buyer_code, out};
    int rc;

    memset(out, 0, sizeof(*out));
    if (return_id <= 0 && str_empty(buyer_return_no))
        return eos_err_set(EOS_EINVALID, "returnId", "name the return by returnId or buyerReturnNo");
    rc = svc_run_read(ctx, get_tx, &job);
    if (rc < 0)
        return_view_clear(out);
    return rc;
}

/* ------------------------------------------------------------ feed */

void return_batch_clear(struct return_batch *b)
{
    for (size_t i = 0; b->returns && i < b->count; i++)
        return_view_clear(&b->returns[i]);
    free(b->returns);
    memset(b, 0, sizeof(*b));
}

/* Loads the returns of a feed window into a struct return_batch. */
static int load_returns(struct svc_ctx *ctx, int64_t seller_id, const int64_t *ids, size_t n,
                        void *arg)
{
    struct return_batch *out = arg;
    struct party_scope scope = {0, seller_id};
    size_t found = 0;
    int rc;

    return_batch_clear(out);
    if (n == 0)
        return 0;
    out->returns = calloc(n, sizeof(*out->returns));
    if (!out->returns)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    out->count = n;
    rc = store_returns_read(ctx->db, &scope, ids, n, out->returns, &found);
    if (rc == 0 && found != n) /* the feed names only returns of its seller */
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    return rc;
}

int svc_download_returns(struct svc_ctx *ctx, const char *cursor, int max,
                         struct return_batch *out)
{
    struct feed_download d = {FEED_RETURN, cursor, max, "maxReturns", load_returns, out, 0,
                              false};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = svc_feed_download(ctx, &d);
    if (rc < 0) {
        return_batch_clear(out);
        return rc;
    }
    out->next_seq = d.next_seq;
    out->more = d.more;
    return 0;
}

int svc_ack_returns(struct svc_ctx *ctx, const char *cursor, int64_t *acked)
{
    int64_t seller_id = 0, seq = 0;
    int rc;

    if ((rc = svc_seller_party(ctx, &seller_id)) < 0 || (rc = feed_cursor_parse(cursor, &seq)) < 0)
        return rc;
    return svc_feed_ack(ctx, seller_id, FEED_RETURN, seq, acked);
}

/* ------------------------------------------------------------ process */

struct process_job {
    int64_t return_id;
    int64_t seller_id;         /* the caller's desk: an admin acts for its own seller */
    enum return_action action;
    int32_t expected;
    const struct return_adjustment *adj;
    size_t adj_count;
    const char *reason;
    struct return_change_result *out;
};

static int adjust_prices(struct svc_ctx *ctx, struct process_job *job, struct return_view *v)
{
    char field[48], p[MONEY_STR_MAX], r[MONEY_STR_MAX];
    money_t total = 0;
    int rc;

    if ((rc = load_view(ctx, v)) < 0)
        return rc;
    for (size_t i = 0; i < job->adj_count; i++) {
        const struct return_adjustment *a = &job->adj[i];
        struct return_line_view *l = NULL;

        for (size_t k = 0; k < v->line_count; k++)
            if (v->lines[k].line_no == a->line_no)
                l = &v->lines[k];
        snprintf(field, sizeof(field), "adjustment[%zu]/lineNo", i + 1);
        if (!l)
            return eos_err_set(EOS_EINVALID, field, "the return has no line %d", a->line_no);
        snprintf(field, sizeof(field), "adjustment[%zu]/unitPrice", i + 1);
        if (!money_within_percent(a->unit_price, l->reference_price,
                                  ctx->who->price_authority_bp))
            return eos_err_set(EOS_EAUTHORITY, field,
                               "%s is more than %d.%02d%% away from the agreed return price %s",
                               money_format(p, sizeof(p), a->unit_price),
                               ctx->who->price_authority_bp / 100,
                               ctx->who->price_authority_bp % 100,
                               money_format(r, sizeof(r), l->reference_price));
        if ((rc = money_line_amount_checked(&l->line_amount, l->quantity, a->unit_price, field)) <
            0)
            return rc;
        l->unit_price = a->unit_price;
        if ((rc = store_return_line_price(ctx->db, v->h.return_id, l->line_no, l->unit_price,
                                          l->line_amount)) < 0)
            return rc;
    }
    for (size_t k = 0; k < v->line_count; k++)
        if ((rc = add_to_total(&total, v->lines[k].line_amount)) < 0)
            return rc;
    v->h.total = total;
    return store_return_set_total(ctx->db, v->h.return_id, total);
}

/* UNREJECT: while the return was rejected, other returns may have taken the
 * quantity it asked for; it may come back only if the quantity is still there. */
static int recheck_quantities(struct svc_ctx *ctx, struct return_view *v)
{
    struct returnable_line *lines = NULL;
    struct order_header order;
    size_t n = 0;
    int rc;

    if ((rc = svc_lock_order(ctx, v->h.order_id, false, 0, &order)) < 0 ||
        (rc = load_view(ctx, v)) < 0 ||
        (rc = store_returnable_lines(ctx->db, v->h.order_id, v->h.buyer_id, &lines, &n)) < 0)
        goto out;
    for (size_t i = 0; i < v->line_count; i++) {
        const struct returnable_line *l = find_line(lines, n, v->lines[i].line_no);

        /* ProcessReturn has no lines: the action is what cannot be done. */
        if (l && v->lines[i].quantity > l->shipped - l->returned - l->pending) {
            rc = eos_err_set(EOS_EQUANTITY, "action",
                             "line %d: the quantity was taken by other returns meanwhile",
                             v->lines[i].line_no);
            goto out;
        }
    }
out:
    free(lines);
    return rc;
}

/* RECEIVE: the goods are back; the order records the returned quantities. */
static int receive(struct svc_ctx *ctx, struct return_view *v)
{
    struct order_header order;
    char reason[300];
    int rc;

    if ((rc = svc_lock_order(ctx, v->h.order_id, false, 0, &order)) < 0 ||
        (rc = store_return_receive(ctx->db, v->h.return_id, v->h.order_id)) < 0)
        return rc;
    snprintf(reason, sizeof(reason), "return %s received", v->h.buyer_return_no);
    return svc_move_order(ctx, &order, order.status, reason);
}

static int process_tx(struct svc_ctx *ctx, void *arg)
{
    struct process_job *job = arg;
    struct party_scope scope = {0, job->seller_id};
    struct return_view v;
    enum return_status to;
    bool changed = false;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = store_return_header(ctx->db, &scope, job->return_id, true, &v.h);
    if (rc == 0)
        rc = eos_err_set(EOS_ENOTFOUND, "returnId", "no such return");
    if (rc < 0)
        goto out;
    if (v.h.version != job->expected) {
        rc = eos_err_set(EOS_EVERSION, "expectedVersion",
                         "the return is at version %d, not %d: read it again", v.h.version,
                         job->expected);
        goto out;
    }
    if ((rc = return_transition(v.h.status, job->action, &to)) < 0)
        goto out;
    if (job->action == RETURN_ACT_UNREJECT && (rc = recheck_quantities(ctx, &v)) < 0)
        goto out;
    if (job->adj_count && (rc = adjust_prices(ctx, job, &v)) < 0)
        goto out;
    if (job->action == RETURN_ACT_RECEIVE && (rc = receive(ctx, &v)) < 0)
        goto out;
    if (job->action == RETURN_ACT_REFUND && (rc = store_return_refunded(ctx->db, v.h.return_id)) < 0)
        goto out;
    if ((rc = store_return_set_status(ctx->db, v.h.return_id, v.h.version, to, &changed)) < 0)
        goto out;
    if (!changed) {
        rc = eos_err_set(EOS_EVERSION, "expectedVersion", "the return changed meanwhile");
        goto out;
    }
    if ((rc = store_return_history_add(ctx->db, v.h.return_id, v.h.version + 1,
                                       return_status_name(v.h.status), return_status_name(to),
                                       ctx->who->username, job->reason)) < 0 ||
        (rc = store_feed_touch(ctx->db, v.h.seller_id, FEED_RETURN, v.h.return_id)) < 0)
        goto out;
    job->out->return_id = v.h.return_id;
    job->out->status = to;
    job->out->version = v.h.version + 1;
out:
    return_view_clear(&v);
    return rc;
}

int svc_process_return(struct svc_ctx *ctx, int64_t return_id, const char *action,
                       int32_t expected_version, const struct return_adjustment *adj,
                       size_t adj_count, const char *reason, struct return_change_result *out)
{
    struct process_job job = {return_id, 0, 0, expected_version, adj, adj_count, reason, out};
    int a, rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    a = return_action_parse(action);
    if (a < 0)
        return eos_err_set(EOS_EINVALID, "action", "unknown action");
    job.action = (enum return_action)a;
    if (adj_count && job.action != RETURN_ACT_ACCEPT)
        return eos_err_set(EOS_EINVALID, "adjustment", "adjustments go only with ACCEPT");
    if (adj_count > RETURN_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "adjustment", "at most %d adjustments", RETURN_MAX_LINES);
    for (size_t i = 0; i < adj_count; i++) {
        char field[48];

        if (adj[i].unit_price < 0) {
            snprintf(field, sizeof(field), "adjustment[%zu]/unitPrice", i + 1);
            return eos_err_set(EOS_EINVALID, field, "prices are not negative");
        }
        snprintf(field, sizeof(field), "adjustment[%zu]/lineNo", i + 1);
        for (size_t k = 0; k < i; k++)
            if (adj[k].line_no == adj[i].line_no)
                return eos_err_set(EOS_EINVALID, field, "line %d is adjusted twice",
                                   adj[i].line_no);
    }
    return svc_run_tx(ctx, process_tx, &job);
}
