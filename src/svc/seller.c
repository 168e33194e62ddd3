/*
 * seller.c - the seller's order use cases: feed, decisions, change requests,
 * shipments, invoices and payments.
 */
#include "svc/seller.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/jbuf.h"
#include "base/str.h"
#include "core/digest.h"
#include "store/account.h"
#include "store/feed.h"
#include "store/fulfil.h"
#include "store/order.h"
#include "store/party.h"
#include "svc/exposure.h"
#include "svc/feed.h"
#include "svc/order_ops.h"

int svc_seller_party(struct svc_ctx *ctx, int64_t *seller_id)
{
    if (!ctx->who->seller_party || ctx->who->role == ROLE_BUYER)
        return eos_err_set(EOS_EFORBIDDEN, NULL, "this operation acts for a seller");
    *seller_id = ctx->who->party_id;
    return 0;
}

/* The buyer named by code, with an account at this seller, or NOT_FOUND. */
static int buyer_of(struct svc_ctx *ctx, int64_t seller_id, const char *code, const char *field,
                    struct account_row *acct)
{
    struct party_row party;
    int rc = store_party_by_code(ctx->db, code, &party);

    if (rc < 0)
        return rc;
    if (rc == 1 && strcmp(party.kind, "BUYER") == 0) {
        rc = store_account_get(ctx->db, seller_id, party.party_id, false, acct);
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    return eos_err_set(EOS_ENOTFOUND, field, "no customer %s", code);
}

/* ------------------------------------------------------------ cursors */

int feed_cursor_parse(const char *cursor, int64_t *seq)
{
    int64_t v;

    if (str_empty(cursor) || strncmp(cursor, "v1.", 3) != 0 || !str_to_i64(cursor + 3, &v) ||
        v < 0)
        return eos_err_set(EOS_EINVALID, "cursor", "not a cursor this hub handed out");
    *seq = v;
    return 0;
}

void feed_cursor_format(char *buf, size_t size, int64_t seq)
{
    snprintf(buf, size, "v1.%" PRId64, seq);
}

/* ------------------------------------------------------------ feed */

void feed_batch_clear(struct feed_batch *b)
{
    for (size_t i = 0; b->orders && i < b->count; i++)
        order_view_clear(&b->orders[i]);
    free(b->orders);
    memset(b, 0, sizeof(*b));
}

/* Loads the orders of a feed window into a struct feed_batch. */
static int load_orders(struct svc_ctx *ctx, int64_t seller_id, const int64_t *ids, size_t n,
                       void *arg)
{
    struct feed_batch *out = arg;
    struct party_scope scope = {0, seller_id};
    size_t found = 0;
    int rc;

    feed_batch_clear(out);
    if (n == 0)
        return 0;
    out->orders = calloc(n, sizeof(*out->orders));
    if (!out->orders)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    out->count = n;
    rc = store_orders_read(ctx->db, &scope, ids, n, out->orders, &found);
    if (rc == 0 && found != n) /* the feed names only orders of its seller */
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    return rc;
}

int svc_download_orders(struct svc_ctx *ctx, const char *cursor, int max, struct feed_batch *out)
{
    struct feed_download d = {FEED_ORDER, cursor, max, "maxOrders", load_orders, out, 0, false};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = svc_feed_download(ctx, &d);
    if (rc < 0) {
        feed_batch_clear(out);
        return rc;
    }
    out->next_seq = d.next_seq;
    out->more = d.more;
    return 0;
}

int svc_ack_orders(struct svc_ctx *ctx, const char *cursor, int64_t *acked)
{
    int64_t seller_id = 0, seq = 0;
    int rc;

    if ((rc = svc_seller_party(ctx, &seller_id)) < 0 || (rc = feed_cursor_parse(cursor, &seq)) < 0)
        return rc;
    return svc_feed_ack(ctx, seller_id, FEED_ORDER, seq, acked);
}

/* ------------------------------------------------------------ lines */

static struct order_line_view *find_line(struct order_view *v, int32_t line_no)
{
    for (size_t i = 0; i < v->line_count; i++)
        if (v->lines[i].line_no == line_no)
            return &v->lines[i];
    return NULL;
}

/* A new price must stay within the caller's authority around the list price. */
static int check_authority(struct svc_ctx *ctx, const struct order_line_view *l, money_t price,
                           const char *field)
{
    char p[MONEY_STR_MAX], lp[MONEY_STR_MAX];

    if (price == l->unit_price || money_within_percent(price, l->list_price,
                                                       ctx->who->price_authority_bp))
        return 0;
    return eos_err_set(EOS_EAUTHORITY, field,
                       "%s is more than %d.%02d%% away from the list price %s of line %d",
                       money_format(p, sizeof(p), price), ctx->who->price_authority_bp / 100,
                       ctx->who->price_authority_bp % 100, money_format(lp, sizeof(lp), l->list_price),
                       l->line_no);
}

/* Writes a line's new quantity, price (and date) and returns the new amount. */
static int set_line(struct svc_ctx *ctx, struct order_view *v, struct order_line_view *l,
                    qty_t qty, money_t price, const char *date, const char *field)
{
    money_t amount;
    int rc = money_line_amount_checked(&amount, qty, price, field);

    if (rc < 0)
        return rc;
    rc = store_order_line_set(ctx->db, v->h.order_id, l->line_no, qty, price, amount, date);
    if (rc == 0) {
        l->quantity = qty;
        l->unit_price = price;
        l->line_amount = amount;
    }
    return rc;
}

static money_t lines_total(const struct order_view *v)
{
    money_t total = 0;

    for (size_t i = 0; i < v->line_count; i++)
        total += v->lines[i].line_amount;
    return total;
}

/* Saves a changed total and moves the buyer's exposure by the difference.
 * Invoices are for amounts of the order, so the total may not fall below
 * what was invoiced (an invoice may have come since a change was asked). */
static int retotal(struct svc_ctx *ctx, struct order_view *v)
{
    money_t total = lines_total(v);
    money_t before = order_open_amount(v->h.status, v->h.total, v->h.invoiced);
    money_t after = order_open_amount(v->h.status, total, v->h.invoiced);
    char a[MONEY_STR_MAX];
    int rc;

    if (total == v->h.total)
        return 0;
    if (total < v->h.invoiced)
        return eos_err_set(EOS_EQUANTITY, NULL,
                           "the order has %s invoiced already: its total cannot fall below that",
                           money_format(a, sizeof(a), v->h.invoiced));
    if ((rc = store_order_set_total(ctx->db, v->h.order_id, total)) < 0 ||
        (rc = svc_exposure_add(ctx, v->h.seller_id, v->h.buyer_id, after - before)) < 0)
        return rc;
    v->h.total = total;
    return 0;
}

/* ------------------------------------------------------------ UpdateOrderStatus */

struct status_job {
    int64_t seller_id;
    int64_t order_id;
    enum order_action action;
    int32_t expected;
    const char *reason;
    const struct order_adjustment *adj;
    size_t adj_count;
    struct order_change_result *out;
};

static int apply_adjustments(struct svc_ctx *ctx, struct status_job *job, struct order_view *v)
{
    char field[48];
    int rc;

    if (!v->h.allow_adjust)
        return eos_err_set(EOS_ETRANSITION, "adjustment",
                           "the buyer did not allow adjustments of this order");
    if ((rc = store_order_details(ctx->db, v)) < 0)
        return rc;
    for (size_t i = 0; i < job->adj_count; i++) {
        const struct order_adjustment *a = &job->adj[i];
        struct order_line_view *l = find_line(v, a->line_no);
        money_t price;

        snprintf(field, sizeof(field), "adjustment[%zu]/lineNo", i + 1);
        if (!l)
            return eos_err_set(EOS_EINVALID, field, "the order has no line %d", a->line_no);
        price = a->has_price ? a->unit_price : l->unit_price;
        snprintf(field, sizeof(field), "adjustment[%zu]/unitPrice", i + 1);
        if (a->has_price && (rc = check_authority(ctx, l, price, field)) < 0)
            return rc;
        snprintf(field, sizeof(field), "adjustment[%zu]", i + 1);
        if ((rc = set_line(ctx, v, l, a->has_quantity ? a->quantity : l->quantity, price, NULL,
                           field)) < 0)
            return rc;
    }
    return retotal(ctx, v);
}

static int status_tx(struct svc_ctx *ctx, void *arg)
{
    struct status_job *job = arg;
    struct order_view v;
    enum order_status to;
    int rc;

    memset(&v, 0, sizeof(v));
    if ((rc = svc_lock_seller_order(ctx, job->seller_id, job->order_id, true, job->expected,
                                    &v.h)) < 0)
        goto out;
    if ((rc = order_transition(v.h.status, job->action, v.h.shipped > 0 || v.h.invoiced > 0,
                               &to)) < 0)
        goto out;
    if (job->adj_count && (rc = apply_adjustments(ctx, job, &v)) < 0)
        goto out;
    if ((rc = svc_move_order(ctx, &v.h, to, job->reason)) < 0)
        goto out;
    job->out->order_id = v.h.order_id;
    job->out->status = v.h.status;
    job->out->version = v.h.version;
out:
    order_view_clear(&v);
    return rc;
}

int svc_update_order_status(struct svc_ctx *ctx, int64_t order_id, const char *action,
                            int32_t expected_version, const char *reason,
                            const struct order_adjustment *adj, size_t adj_count,
                            struct order_change_result *out)
{
    struct status_job job = {0, order_id, 0, expected_version, reason, adj, adj_count, out};
    int a, rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    a = order_action_parse(action);
    if (a < 0)
        return eos_err_set(EOS_EINVALID, "action", "unknown action");
    job.action = (enum order_action)a;
    if (adj_count && job.action != ORDER_ACT_ACCEPT)
        return eos_err_set(EOS_EINVALID, "adjustment", "adjustments go only with ACCEPT");
    if (adj_count > ORDER_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "adjustment", "at most %d adjustments", ORDER_MAX_LINES);
    for (size_t i = 0; i < adj_count; i++) {
        char field[48];

        snprintf(field, sizeof(field), "adjustment[%zu]", i + 1);
        if (!adj[i].has_quantity && !adj[i].has_price)
            return eos_err_set(EOS_EINVALID, field, "an adjustment names a quantity or a price");
        if (adj[i].has_quantity && adj[i].quantity < 0) {
            snprintf(field, sizeof(field), "adjustment[%zu]/quantity", i + 1);
            return eos_err_set(EOS_EINVALID, field, "quantities are not negative");
        }
        if (adj[i].has_price && adj[i].unit_price < 0) {
            snprintf(field, sizeof(field), "adjustment[%zu]/unitPrice", i + 1);
            return eos_err_set(EOS_EINVALID, field, "prices are not negative");
        }
        snprintf(field, sizeof(field), "adjustment[%zu]/lineNo", i + 1);
        for (size_t k = 0; k < i; k++)
            if (adj[k].line_no == adj[i].line_no)
                return eos_err_set(EOS_EINVALID, field, "line %d is adjusted twice", adj[i].line_no);
    }
    return svc_run_tx(ctx, status_tx, &job);
}

/* ------------------------------------------------------------ DecideOrderChange */

struct decide_job {
    int64_t seller_id;
    int64_t change_id;
    bool approve;
    const char *reason;
    char *status;
    int32_t *order_version;
};

static int approve_change(struct svc_ctx *ctx, struct order_view *v, int64_t change_id)
{
    const struct change_view *c = NULL;
    char field[48], reason[64];
    int rc;

    for (size_t i = 0; i < v->change_count; i++)
        if (v->changes[i].id == change_id)
            c = &v->changes[i];
    if (!c)
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    if (v->h.status != ORDER_SUBMITTED && v->h.status != ORDER_ACCEPTED)
        return eos_err_set(EOS_ETRANSITION, NULL, "the order is %s: it can no longer change",
                           order_status_name(v->h.status));
    for (size_t i = 0; i < c->line_count; i++) {
        const struct change_line_view *cl = &c->lines[i];
        struct order_line_view *l = find_line(v, cl->line_no);
        qty_t qty;
        money_t price;

        snprintf(field, sizeof(field), "change[%zu]", i + 1);
        if (!l)
            return eos_err_set(EOS_EINVALID, field, "the order has no line %d", cl->line_no);
        qty = cl->has_quantity ? cl->quantity : l->quantity;
        price = cl->has_price ? cl->unit_price : l->unit_price;
        if (qty < l->shipped)
            return eos_err_set(EOS_EQUANTITY, field, "line %d has more shipped already",
                               cl->line_no);
        if (cl->has_price && (rc = check_authority(ctx, l, price, field)) < 0)
            return rc;
        if ((rc = set_line(ctx, v, l, qty, price, cl->delivery_date[0] ? cl->delivery_date : NULL,
                           field)) < 0)
            return rc;
    }
    if ((rc = retotal(ctx, v)) < 0)
        return rc;
    snprintf(reason, sizeof(reason), "change request %lld approved", (long long)change_id);
    return svc_move_order(ctx, &v->h, v->h.status, reason);
}

static int decide_tx(struct svc_ctx *ctx, void *arg)
{
    struct decide_job *job = arg;
    struct party_scope scope = {0, job->seller_id};
    struct order_view v;
    int64_t order_id = 0;
    char status[10] = "";
    int rc;

    memset(&v, 0, sizeof(v));
    rc = store_change_lock(ctx->db, &scope, job->change_id, &order_id, status);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "changeRequestId", "no such change request");
    if (strcmp(status, "PENDING") != 0)
        return eos_err_set(EOS_ETRANSITION, NULL, "the change request was already %s", status);
    if ((rc = svc_lock_order(ctx, order_id, false, 0, &v.h)) < 0 ||
        (rc = store_order_details(ctx->db, &v)) < 0)
        goto out;
    if (job->approve && (rc = approve_change(ctx, &v, job->change_id)) < 0)
        goto out;
    if (!job->approve &&
        (rc = store_feed_touch(ctx->db, v.h.seller_id, FEED_ORDER, v.h.order_id)) < 0)
        goto out;
    rc = store_change_decide(ctx->db, job->change_id, job->approve ? "APPROVED" : "REJECTED",
                             ctx->who->username, job->reason);
    if (rc == 0) {
        str_copy(job->status, 10, job->approve ? "APPROVED" : "REJECTED");
        *job->order_version = v.h.version;
    }
out:
    order_view_clear(&v);
    return rc;
}

int svc_decide_change(struct svc_ctx *ctx, int64_t change_id, const char *decision,
                      const char *reason, char status[10], int32_t *order_version)
{
    struct decide_job job = {0, change_id, false, reason, status, order_version};
    int rc;

    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (str_empty(decision) || (strcmp(decision, "APPROVE") != 0 && strcmp(decision, "REJECT") != 0))
        return eos_err_set(EOS_EINVALID, "decision", "APPROVE or REJECT");
    job.approve = strcmp(decision, "APPROVE") == 0;
    return svc_run_tx(ctx, decide_tx, &job);
}

/* ------------------------------------------------------------ shipments */

/* After shipped, invoiced or paid amounts changed: the status they call for,
 * with the version bump and history every change gets. */
static int progress_order(struct svc_ctx *ctx, struct order_view *v, const char *reason)
{
    bool any = false, all = true;
    enum order_status to;

    for (size_t i = 0; i < v->line_count; i++) {
        if (v->lines[i].shipped > 0)
            any = true;
        if (v->lines[i].shipped < v->lines[i].quantity)
            all = false;
    }
    to = order_status_after_fulfilment(v->h.status, any, all, v->h.total, v->h.invoiced,
                                       v->h.paid);
    return svc_move_order(ctx, &v->h, to, reason);
}

/* A shipmentNo or invoiceNo already used (lookup's answer in found, the
 * document in existing): 1 with the first document's answer in out when the
 * content is the same, < 0 with DUPLICATE_CONFLICT when it is not, 0 when
 * the number is new. */
static int doc_used(struct svc_ctx *ctx, int64_t seller_id, int found,
                    const struct doc_row *existing, const unsigned char *hash, const char *field,
                    const char *kind, const char *no, struct doc_result *out)
{
    struct party_scope scope = {0, seller_id};
    struct order_header h;
    int rc;

    if (found <= 0)
        return found;
    if (memcmp(existing->content_hash, hash, 32) != 0)
        return eos_err_set(EOS_ECONFLICT, field, "%s %s was already used for a different %s",
                           field, no, kind);
    if ((rc = store_order_header(ctx->db, &scope, existing->order_id, false, &h)) < 0)
        return rc;
    out->duplicate = true;
    if (rc == 1)
        out->order_status = h.status;
    return 1;
}

/* The answer to a request whose check failed before anything was written
 * (rc, a client fault), given what the number's lookup says now (used): a
 * twin request (the client's retry) may have committed the number while this
 * one waited for the order's lock, and then the twin's answer is this one's. */
static int twin_answer(int rc, int used)
{
    return used == 0 ? rc : used > 0 ? 0 : used;
}

struct shipment_job {
    int64_t seller_id;
    const struct shipment_in *in;
    unsigned char hash[32];
    struct doc_result *out;
};

static int shipment_used(struct svc_ctx *ctx, struct shipment_job *job)
{
    struct doc_row existing;
    int found = store_shipment_by_no(ctx->db, job->seller_id, job->in->shipment_no, &existing);

    return doc_used(ctx, job->seller_id, found, &existing, job->hash, "shipmentNo", "shipment",
                    job->in->shipment_no, job->out);
}

static int shipment_tx(struct svc_ctx *ctx, void *arg)
{
    struct shipment_job *job = arg;
    const struct shipment_in *in = job->in;
    struct order_view v;
    struct jbuf j;
    money_t amount = 0;
    bool wrote = false;
    char field[48], num[MONEY_STR_MAX], reason[300];
    int rc;

    if ((rc = shipment_used(ctx, job)) != 0)
        return rc > 0 ? 0 : rc;
    memset(&v, 0, sizeof(v));
    jbuf_init(&j);
    if ((rc = svc_lock_seller_order(ctx, job->seller_id, in->order_id, false, 0, &v.h)) < 0)
        goto out;
    if (!order_accepts_shipments(v.h.status)) {
        rc = eos_err_set(EOS_ETRANSITION, NULL, "an order that is %s takes no shipments",
                         order_status_name(v.h.status));
        goto out;
    }
    if ((rc = store_order_details(ctx->db, &v)) < 0)
        goto out;
    jbuf_raw(&j, "[");
    for (size_t i = 0; i < in->line_count; i++) {
        const struct doc_line_view *sl = &in->lines[i];
        struct order_line_view *l = find_line(&v, sl->line_no);
        money_t line_amount;

        snprintf(field, sizeof(field), "line[%zu]/quantity", i + 1);
        if (!l) {
            snprintf(field, sizeof(field), "line[%zu]/lineNo", i + 1);
            rc = eos_err_set(EOS_EINVALID, field, "the order has no line %d", sl->line_no);
            goto out;
        }
        if (sl->quantity > l->quantity - l->shipped) {
            char open[QTY_STR_MAX];

            rc = eos_err_set(EOS_EQUANTITY, field, "line %d has only %s left to ship",
                             l->line_no, qty_format(open, sizeof(open), l->quantity - l->shipped));
            goto out;
        }
        if ((rc = order_shipment_amount(&line_amount, l->shipped, sl->quantity, l->unit_price,
                                        field)) < 0)
            goto out;
        amount += line_amount;
        l->shipped += sl->quantity;
        jbuf_raw(&j, i ? ",{\"n\":" : "{\"n\":");
        jbuf_i64(&j, sl->line_no);
        jbuf_raw(&j, ",\"q\":");
        jbuf_str(&j, qty_format(num, sizeof(num), sl->quantity));
        jbuf_raw(&j, ",\"a\":");
        jbuf_str(&j, money_format(num, sizeof(num), line_amount));
        jbuf_raw(&j, "}");
    }
    jbuf_raw(&j, "]");
    if (jbuf_failed(&j)) {
        rc = eos_err_set(EOS_ELIMIT, "line", "too many lines");
        goto out;
    }
    wrote = true;
    rc = store_shipment_insert(ctx->db, job->seller_id, v.h.buyer_id, in->shipment_no,
                               v.h.order_id, in->ship_date, amount, job->hash, ctx->who->user_id,
                               j.data);
    if (rc == EOS_EDUPKEY)
        rc = EOS_ERETRY;
    if (rc < 0 || (rc = store_order_lines_ship(ctx->db, v.h.order_id, j.data)) < 0 ||
        (rc = store_order_add_amounts(ctx->db, v.h.order_id, amount, 0, 0)) < 0)
        goto out;
    v.h.shipped += amount;
    snprintf(reason, sizeof(reason), "shipment %s", in->shipment_no);
    if ((rc = progress_order(ctx, &v, reason)) < 0)
        goto out;
    job->out->order_status = v.h.status;
out:
    if (rc < 0 && !wrote && eos_err_is_client(rc))
        rc = twin_answer(rc, shipment_used(ctx, job));
    jbuf_free(&j);
    order_view_clear(&v);
    return rc;
}

int svc_record_shipment(struct svc_ctx *ctx, const struct shipment_in *in, struct doc_result *out)
{
    struct shipment_job job = {.in = in, .out = out};
    struct digest d;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (str_empty(in->shipment_no))
        return eos_err_set(EOS_EINVALID, "shipmentNo", "required");
    if (!date_valid(in->ship_date))
        return eos_err_set(EOS_EINVALID, "shipDate", "not a date (YYYY-MM-DD)");
    if (in->line_count == 0)
        return eos_err_set(EOS_EINVALID, "line", "a shipment has at least one line");
    if (in->line_count > ORDER_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "line", "at most %d lines", ORDER_MAX_LINES);
    digest_init(&d);
    digest_str(&d, "shipment");
    digest_i64(&d, in->order_id);
    digest_str(&d, in->ship_date);
    digest_i64(&d, (int64_t)in->line_count);
    for (size_t i = 0; i < in->line_count; i++) {
        char field[48];

        snprintf(field, sizeof(field), "line[%zu]/quantity", i + 1);
        if (in->lines[i].quantity <= 0) {
            digest_final(&d, job.hash); /* releases d */
            return eos_err_set(EOS_EINVALID, field, "quantities are more than 0");
        }
        for (size_t k = 0; k < i; k++) {
            if (in->lines[k].line_no == in->lines[i].line_no) {
                snprintf(field, sizeof(field), "line[%zu]/lineNo", i + 1);
                digest_final(&d, job.hash);
                return eos_err_set(EOS_EINVALID, field, "line %d appears twice",
                                   in->lines[i].line_no);
            }
        }
        digest_i64(&d, in->lines[i].line_no);
        digest_i64(&d, in->lines[i].quantity);
    }
    if ((rc = digest_final(&d, job.hash)) < 0)
        return rc;
    return svc_run_tx(ctx, shipment_tx, &job);
}

/* ------------------------------------------------------------ invoices */

struct invoice_job {
    int64_t seller_id;
    const struct invoice_in *in;
    unsigned char hash[32];
    struct doc_result *out;
};

static int invoice_used(struct svc_ctx *ctx, struct invoice_job *job)
{
    struct doc_row existing;
    int found = store_invoice_by_no(ctx->db, job->seller_id, job->in->invoice_no, false, &existing);

    return doc_used(ctx, job->seller_id, found, &existing, job->hash, "invoiceNo", "invoice",
                    job->in->invoice_no, job->out);
}

static int invoice_tx(struct svc_ctx *ctx, void *arg)
{
    struct invoice_job *job = arg;
    const struct invoice_in *in = job->in;
    struct order_view v;
    money_t before, after;
    bool wrote = false;
    char reason[300];
    int rc;

    if ((rc = invoice_used(ctx, job)) != 0)
        return rc > 0 ? 0 : rc;
    memset(&v, 0, sizeof(v));
    if ((rc = svc_lock_seller_order(ctx, job->seller_id, in->order_id, false, 0, &v.h)) < 0)
        goto out;
    if (v.h.status != ORDER_ACCEPTED && v.h.status != ORDER_PARTIALLY_SHIPPED &&
        v.h.status != ORDER_SHIPPED) {
        rc = eos_err_set(EOS_ETRANSITION, NULL, "an order that is %s takes no invoices",
                         order_status_name(v.h.status));
        goto out;
    }
    if (in->amount > v.h.total - v.h.invoiced) {
        char left[MONEY_STR_MAX];

        rc = eos_err_set(EOS_EQUANTITY, "amount", "only %s of the order is left to invoice",
                         money_format(left, sizeof(left), v.h.total - v.h.invoiced));
        goto out;
    }
    if ((rc = store_order_details(ctx->db, &v)) < 0)
        goto out;
    wrote = true;
    rc = store_invoice_insert(ctx->db, job->seller_id, v.h.buyer_id, in->invoice_no, v.h.order_id,
                              in->invoice_date, in->amount, job->hash, ctx->who->user_id);
    if (rc == EOS_EDUPKEY)
        rc = EOS_ERETRY;
    if (rc < 0 || (rc = store_order_add_amounts(ctx->db, v.h.order_id, 0, in->amount, 0)) < 0)
        goto out;
    /* Invoicing moves exposure from open orders to the receivable. */
    before = order_open_amount(v.h.status, v.h.total, v.h.invoiced);
    v.h.invoiced += in->amount;
    after = order_open_amount(v.h.status, v.h.total, v.h.invoiced);
    if ((rc = store_account_adjust(ctx->db, v.h.seller_id, v.h.buyer_id, after - before,
                                   in->amount)) < 0)
        goto out;
    snprintf(reason, sizeof(reason), "invoice %s", in->invoice_no);
    if ((rc = progress_order(ctx, &v, reason)) < 0)
        goto out;
    job->out->order_status = v.h.status;
out:
    if (rc < 0 && !wrote && eos_err_is_client(rc))
        rc = twin_answer(rc, invoice_used(ctx, job));
    order_view_clear(&v);
    return rc;
}

int svc_record_invoice(struct svc_ctx *ctx, const struct invoice_in *in, struct doc_result *out)
{
    struct invoice_job job = {.in = in, .out = out};
    struct digest d;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (str_empty(in->invoice_no))
        return eos_err_set(EOS_EINVALID, "invoiceNo", "required");
    if (!date_valid(in->invoice_date))
        return eos_err_set(EOS_EINVALID, "invoiceDate", "not a date (YYYY-MM-DD)");
    if (in->amount <= 0)
        return eos_err_set(EOS_EINVALID, "amount", "an invoice is for more than 0");
    digest_init(&d);
    digest_str(&d, "invoice");
    digest_i64(&d, in->order_id);
    digest_str(&d, in->invoice_date);
    digest_i64(&d, in->amount);
    if ((rc = digest_final(&d, job.hash)) < 0)
        return rc;
    return svc_run_tx(ctx, invoice_tx, &job);
}

/* ------------------------------------------------------------ payments */

struct payment_job {
    int64_t seller_id;
    int64_t buyer_id;              /* the paying customer, once resolved */
    const struct payment_in *in;
    unsigned char hash[32];
    struct doc_result *out;
};

/* Applies up to *left of the payment to one invoice, and moves its order. */
static int apply_to_invoice(struct svc_ctx *ctx, struct payment_job *job, int64_t payment_id,
                            size_t index, money_t *left)
{
    const struct payment_in *in = job->in;
    struct doc_row inv;
    struct order_view v;
    char field[48], reason[300];
    money_t take;
    int rc;

    memset(&v, 0, sizeof(v));
    snprintf(field, sizeof(field), "invoiceNo[%zu]", index + 1);
    rc = store_invoice_by_no(ctx->db, job->seller_id, in->invoice_nos[index], true, &inv);
    if (rc < 0)
        return rc;
    if (rc == 0 || inv.buyer_id != job->buyer_id)
        return eos_err_set(EOS_ENOTFOUND, field, "no invoice %s of this buyer",
                           in->invoice_nos[index]);
    take = inv.amount - inv.paid;
    if (take > *left)
        take = *left;
    if (take <= 0)
        return 0;
    if ((rc = store_payment_apply(ctx->db, payment_id, inv.id, take)) < 0)
        return rc;
    *left -= take;
    if ((rc = svc_lock_order(ctx, inv.order_id, false, 0, &v.h)) < 0 ||
        (rc = store_order_details(ctx->db, &v)) < 0 ||
        (rc = store_order_add_amounts(ctx->db, v.h.order_id, 0, 0, take)) < 0 ||
        (rc = store_account_adjust(ctx->db, v.h.seller_id, v.h.buyer_id, 0, -take)) < 0)
        goto out;
    v.h.paid += take;
    snprintf(reason, sizeof(reason), "payment %s", in->payment_no);
    rc = progress_order(ctx, &v, reason);
out:
    order_view_clear(&v);
    return rc;
}

static int payment_tx(struct svc_ctx *ctx, void *arg)
{
    struct payment_job *job = arg;
    const struct payment_in *in = job->in;
    struct account_row acct;
    struct doc_row existing;
    int64_t payment_id = 0;
    money_t left = in->amount;
    int rc;

    job->out->duplicate = false;
    rc = store_payment_by_no(ctx->db, job->seller_id, in->payment_no, &existing);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (memcmp(existing.content_hash, job->hash, 32) != 0)
            return eos_err_set(EOS_ECONFLICT, "paymentNo",
                               "paymentNo %s was already used for a different payment",
                               in->payment_no);
        job->out->duplicate = true;
        job->out->unapplied = existing.amount - existing.paid;
        return 0;
    }
    if ((rc = buyer_of(ctx, job->seller_id, in->buyer_code, "buyerCode", &acct)) < 0)
        return rc;
    rc = store_payment_insert(ctx->db, job->seller_id, acct.buyer_id, in->payment_no,
                              in->payment_date, in->amount, in->kind, job->hash,
                              ctx->who->user_id, &payment_id);
    if (rc == EOS_EDUPKEY)
        return EOS_ERETRY;
    if (rc < 0)
        return rc;
    job->buyer_id = acct.buyer_id;
    for (size_t i = 0; i < in->invoice_count; i++)
        if ((rc = apply_to_invoice(ctx, job, payment_id, i, &left)) < 0)
            return rc;
    job->out->unapplied = left;
    return 0;
}

int svc_record_payment(struct svc_ctx *ctx, const struct payment_in *in, struct doc_result *out)
{
    struct payment_job job = {.in = in, .out = out};
    struct digest d;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = svc_seller_party(ctx, &job.seller_id)) < 0)
        return rc;
    if (str_empty(in->payment_no))
        return eos_err_set(EOS_EINVALID, "paymentNo", "required");
    if (!date_valid(in->payment_date))
        return eos_err_set(EOS_EINVALID, "paymentDate", "not a date (YYYY-MM-DD)");
    if (in->amount <= 0)
        return eos_err_set(EOS_EINVALID, "amount", "a payment is for more than 0");
    if (strcmp(in->kind, "RECEIPT") != 0 && strcmp(in->kind, "ADVANCE") != 0 &&
        strcmp(in->kind, "REFUND") != 0)
        return eos_err_set(EOS_EINVALID, "kind", "RECEIPT, ADVANCE or REFUND");
    if (strcmp(in->kind, "REFUND") == 0 && in->invoice_count)
        return eos_err_set(EOS_EINVALID, "invoiceNo", "a refund is not applied to invoices");
    if (in->invoice_count > ORDER_MAX_LINES)
        return eos_err_set(EOS_ELIMIT, "invoiceNo", "at most %d invoices", ORDER_MAX_LINES);
    digest_init(&d);
    digest_str(&d, "payment");
    digest_str(&d, in->buyer_code);
    digest_str(&d, in->payment_date);
    digest_i64(&d, in->amount);
    digest_str(&d, in->kind);
    digest_i64(&d, (int64_t)in->invoice_count);
    for (size_t i = 0; i < in->invoice_count; i++) {
        for (size_t k = 0; k < i; k++) {
            if (strcmp(in->invoice_nos[k], in->invoice_nos[i]) == 0) {
                char field[48];

                digest_final(&d, job.hash);
                snprintf(field, sizeof(field), "invoiceNo[%zu]", i + 1);
                return eos_err_set(EOS_EINVALID, field, "invoice %s is named twice",
                                   in->invoice_nos[i]);
            }
        }
        digest_str(&d, in->invoice_nos[i]);
    }
    if ((rc = digest_final(&d, job.hash)) < 0)
        return rc;
    return svc_run_tx(ctx, payment_tx, &job);
}
