/*
 * bench_db.c - db-submit: svc_submit_order in process (see bench_db.h).
 */
#include "tools/bench_db.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "store/db.h"
#include "svc/auth.h"
#include "svc/orders.h"
#include "tools/bench_data.h"

struct dbsub_state {
    struct principal who; /* the thread's buyer, authenticated once */
    struct order_draft draft;
    struct order_draft_line *lines;     /* w->lines entries */
    struct submit_line_result *results; /* w->lines entries */
};

int bench_db_init(void)
{
    if (mysql_library_init(0, NULL, NULL) != 0) {
        fprintf(stderr, "eos-bench: cannot initialise the MariaDB client library\n");
        return -1;
    }
    return 0;
}

void bench_db_end(void)
{
    mysql_library_end();
}

static int dbsub_open(struct bench_worker *w)
{
    struct dbsub_state *st = calloc(1, sizeof(*st));
    struct db_config cfg;
    struct auth_settings auth;
    struct credentials cred;
    struct svc_ctx ctx;

    if (!st) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    w->priv = st;
    st->lines = calloc((size_t)w->lines, sizeof(*st->lines));
    st->results = calloc((size_t)w->lines, sizeof(*st->results));
    if (!st->lines || !st->results) {
        snprintf(w->error, sizeof(w->error), "out of memory");
        return -1;
    }
    bench_username(w->username, sizeof(w->username), w->opts->prefix, w->index % w->opts->buyers);
    db_config_from_env(&cfg);
    if (db_open(&w->db, &cfg) < 0) {
        snprintf(w->error, sizeof(w->error), "cannot open the database: %s", eos_err_message());
        return -1;
    }
    auth_settings_defaults(&auth);
    auth.allow_plaintext = true;
    memset(&cred, 0, sizeof(cred));
    cred.kind = CRED_BASIC;
    cred.username = w->username;
    cred.secret = w->opts->password;
    ctx.db = w->db;
    ctx.who = NULL;
    if (svc_authenticate(&ctx, &auth, &cred, &st->who) < 0) {
        snprintf(w->error, sizeof(w->error), "%s: %s", w->username, eos_err_message());
        return -1;
    }
    st->draft.allow_adjust = true;
    st->draft.lines = st->lines;
    return 0;
}

static void dbsub_step(struct bench_worker *w, struct bench_outcome *out)
{
    struct dbsub_state *st = w->priv;
    struct submit_result result;
    struct svc_ctx ctx = {w->db, &st->who};
    long products = w->opts->products;
    long start = (long)(bench_rand(w) % (uint64_t)products);
    int rc;

    for (long k = 0; k < w->lines; k++) {
        struct order_draft_line *l = &st->lines[k];

        memset(l, 0, sizeof(*l));
        l->line_no = (int32_t)k + 1;
        bench_sku(l->sku, sizeof(l->sku), w->opts->prefix, (start + k) % products);
        l->quantity = (qty_t)(1 + bench_rand(w) % 5) * QTY_SCALE;
    }
    snprintf(st->draft.buyer_order_no, sizeof(st->draft.buyer_order_no), "%s-%llu", w->tag,
             (unsigned long long)w->seq);
    st->draft.line_count = (size_t)w->lines;
    memset(&result, 0, sizeof(result));
    result.lines = st->results;
    eos_err_clear();
    rc = svc_submit_order(&ctx, &st->draft, &result);
    if (rc < 0) {
        str_copy(out->code, sizeof(out->code), eos_err_name(rc));
        return;
    }
    if (!result.stored || result.duplicate) {
        str_copy(out->code, sizeof(out->code),
                 result.duplicate ? "UNEXPECTED_DUPLICATE" : "UNEXPECTED_RESPONSE");
        return;
    }
    out->ok = true;
}

static void dbsub_close(struct bench_worker *w)
{
    struct dbsub_state *st = w->priv;

    if (st) {
        free(st->lines);
        free(st->results);
        free(st);
        w->priv = NULL;
    }
    db_close(w->db);
    w->db = NULL;
    mysql_thread_end();
}

const struct bench_scenario bench_db_submit = {
    .name = "db-submit",
    .help = "svc_submit_order in process, no SOAP and no HTTP: the database's ceiling (D)",
    .min_threads = 1,
    .unit = "req/s",
    .open = dbsub_open,
    .step = dbsub_step,
    .close = dbsub_close,
};
