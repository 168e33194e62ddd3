/*
 * bench_data.c - the benchmark's parties, users, catalog and preloaded orders.
 *
 * This is fixture loading, not a use case: the catalog and the orders are
 * written with set-based SQL so that half a million orders load in about a
 * minute. The SQL texts are built with snprintf from numbers and the prefix
 * (checked to be [A-Z0-9] by bench_opts), never from other input. Every
 * statement that returns rows is a prepared statement of store/stmt.h.
 */
#include "tools/bench_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "core/money.h"
#include "core/secretbox.h"
#include "store/db.h"
#include "store/party.h"
#include "store/stmt.h"
#include "svc/admin.h"

#define SQL_MAX 4096
#define PRELOAD_CHUNK 20000L                                /* orders per transaction */
#define BUYER_CREDIT (INT64_C(1000000000000) * MONEY_SCALE) /* never the limit */

void bench_sku(char *buf, size_t size, const char *prefix, long idx)
{
    snprintf(buf, size, "%s-%05ld", prefix, idx + 1);
}

void bench_username(char *buf, size_t size, const char *prefix, long idx)
{
    size_t i, n = strlen(prefix);
    char lower[BENCH_PREFIX_MAX + 1];

    for (i = 0; i < n && i < BENCH_PREFIX_MAX; i++)
        lower[i] =
            (prefix[i] >= 'A' && prefix[i] <= 'Z') ? (char)(prefix[i] - 'A' + 'a') : prefix[i];
    lower[i] = '\0';
    if (idx < 0)
        snprintf(buf, size, "%s-erp", lower);
    else
        snprintf(buf, size, "%s%02ld", lower, idx + 1);
}

static void report(const char *what)
{
    fprintf(stderr, "eos-bench: %s failed: %s (%s)\n", what, eos_err_message(),
            eos_err_name(eos_err_code()));
}

static int open_db(struct db_conn **out)
{
    struct db_config cfg;

    db_config_from_env(&cfg);
    if (db_open(out, &cfg) < 0) {
        report("connecting to the database");
        return -1;
    }
    return 0;
}

/* Runs SQL made from fmt; reports what failed. */
static int exec_sql(struct db_conn *db, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int exec_sql(struct db_conn *db, const char *what, const char *fmt, ...)
{
    char sql[SQL_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(sql)) {
        fprintf(stderr, "eos-bench: %s: statement too long\n", what);
        return -1;
    }
    if (db_exec_text(db, sql) < 0) {
        report(what);
        return -1;
    }
    return 0;
}

DB_SQL(q_count_orders, "SELECT COUNT(*) FROM purchase_order");
DB_SQL(q_count_tmp_products, "SELECT COUNT(*) FROM bench_tmp_product");
DB_SQL(q_count_tmp_buyers, "SELECT COUNT(*) FROM bench_tmp_buyer");
DB_SQL(q_max_order, "SELECT COALESCE(MAX(order_id), 0) FROM purchase_order");
DB_SQL(q_position_make,
       "INSERT IGNORE INTO feed_position (seller_party_id, feed) VALUES (?, 'ORDER')");
DB_SQL(
    q_position_lock,
    "SELECT last_seq FROM feed_position WHERE seller_party_id = ? AND feed = 'ORDER' FOR UPDATE");

/* One number from a query with optional one integer argument. */
static int query_i64(struct db_conn *db, struct db_sql *q, const int64_t *arg, int64_t *out,
                     const char *what)
{
    struct db_args a;
    struct db_cols c;
    int rc;

    db_args_init(&a);
    if (arg)
        arg_i64(&a, *arg);
    db_cols_init(&c);
    col_i64(&c, out);
    rc = db_query_one(db, q, &a, &c);
    if (rc < 0) {
        report(what);
        return -1;
    }
    if (rc == 0) {
        fprintf(stderr, "eos-bench: %s: no row\n", what);
        return -1;
    }
    return 0;
}

long bench_order_count(void)
{
    struct db_conn *db = NULL;
    int64_t n = -1;

    if (open_db(&db) == 0 && query_i64(db, &q_count_orders, NULL, &n, "counting orders") < 0)
        n = -1;
    db_close(db);
    return (long)n;
}

/* ------------------------------------------------------------ setup */

static int setup_parties(struct svc_ctx *ctx, const struct bench_opts *o)
{
    struct secret_key no_key;
    struct party_spec seller = {o->prefix, "Benchmark seller", "SELLER", "CNY", NULL, -1};
    struct user_spec erp = {NULL, "SELLER", o->prefix, o->password, 1000, 0};
    char code[BENCH_PREFIX_MAX + 24], name[64], user[80];

    memset(&no_key, 0, sizeof(no_key));
    if (svc_party_add(ctx, &seller, true) < 0) {
        report("adding the seller");
        return -1;
    }
    for (long i = 0; i < o->buyers; i++) {
        struct party_spec buyer = {code, name, "BUYER", NULL, o->prefix, BUYER_CREDIT};
        struct user_spec u = {user, "BUYER", code, o->password, 0, 0};

        snprintf(code, sizeof(code), "%s%02ld", o->prefix, i + 1);
        snprintf(name, sizeof(name), "Benchmark buyer %02ld", i + 1);
        bench_username(user, sizeof(user), o->prefix, i);
        if (svc_party_add(ctx, &buyer, true) < 0 || svc_user_add(ctx, &u, &no_key, true) < 0) {
            report(code);
            return -1;
        }
    }
    bench_username(user, sizeof(user), o->prefix, -1);
    erp.username = user;
    if (svc_user_add(ctx, &erp, &no_key, true) < 0) {
        report("adding the ERP user");
        return -1;
    }
    return 0;
}

/* Products PREFIX-00001.., list prices 10.25 .. 99.25, published to every
 * customer of the seller. INSERT IGNORE keeps what is already there. */
static int setup_catalog(struct db_conn *db, const struct bench_opts *o, int64_t seller)
{
    const char *p = o->prefix;
    long long s = (long long)seller;

    if (exec_sql(db, "adding the category",
                 "INSERT IGNORE INTO category (seller_party_id, code, name) "
                 "VALUES (%lld, '%s', 'Benchmark goods')",
                 s, p) < 0 ||
        exec_sql(db, "adding products",
                 "INSERT IGNORE INTO product (seller_party_id, sku, name, category_id, uom, "
                 "returnable, active, available_qty) "
                 "SELECT %lld, CONCAT('%s-', LPAD(q.seq, 5, '0')), "
                 "CONCAT('Benchmark product ', q.seq), c.category_id, 'EA', TRUE, TRUE, 1000000 "
                 "FROM seq_1_to_%ld q JOIN category c "
                 "ON c.seller_party_id = %lld AND c.code = '%s'",
                 s, p, o->products, s, p) < 0 ||
        exec_sql(db, "adding prices",
                 "INSERT IGNORE INTO price (product_id, buyer_party_id, valid_from, unit_price) "
                 "SELECT product_id, NULL, '2000-01-01', 10.25 + product_id %% 90 "
                 "FROM product WHERE seller_party_id = %lld",
                 s) < 0 ||
        exec_sql(db, "publishing products",
                 "INSERT IGNORE INTO publication (product_id, buyer_party_id) "
                 "SELECT p.product_id, a.buyer_party_id FROM product p JOIN customer_account a "
                 "ON a.seller_party_id = p.seller_party_id WHERE p.seller_party_id = %lld",
                 s) < 0)
        return -1;
    return 0;
}

int bench_setup(const struct bench_opts *o)
{
    struct db_conn *db = NULL;
    struct svc_ctx ctx = {0};
    struct party_row seller;
    int rc = -1;

    if (open_db(&db) < 0)
        goto out;
    ctx.db = db;
    if (setup_parties(&ctx, o) < 0)
        goto out;
    if (store_party_by_code(db, o->prefix, &seller) != 1) {
        fprintf(stderr, "eos-bench: seller %s not found after adding it\n", o->prefix);
        goto out;
    }
    if (db_begin(db) < 0 || setup_catalog(db, o, seller.party_id) < 0 || db_commit(db) < 0) {
        db_rollback(db);
        goto out;
    }
    rc = 0;
out:
    db_close(db);
    return rc;
}

/* ------------------------------------------------------------ preload */

/* Per-connection tables numbering the bench products and buyers 0..n-1, so
 * order k can take its buyer and products by arithmetic. */
static int preload_tables(struct db_conn *db, int64_t seller, const char *prefix, int64_t *products,
                          int64_t *buyers)
{
    long long s = (long long)seller;

    if (exec_sql(db, "creating bench_tmp_product",
                 "CREATE TEMPORARY TABLE IF NOT EXISTS bench_tmp_product ("
                 "idx INT NOT NULL PRIMARY KEY, product_id BIGINT NOT NULL, "
                 "sku VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL, "
                 "price DECIMAL(18,4) NOT NULL) ENGINE=MEMORY") < 0 ||
        exec_sql(db, "creating bench_tmp_buyer",
                 "CREATE TEMPORARY TABLE IF NOT EXISTS bench_tmp_buyer ("
                 "idx INT NOT NULL PRIMARY KEY, party_id BIGINT NOT NULL, "
                 "user_id BIGINT NOT NULL, username VARCHAR(64) NOT NULL) ENGINE=MEMORY") < 0 ||
        exec_sql(db, "clearing bench_tmp_product", "DELETE FROM bench_tmp_product") < 0 ||
        exec_sql(db, "clearing bench_tmp_buyer", "DELETE FROM bench_tmp_buyer") < 0 ||
        exec_sql(db, "numbering products",
                 "INSERT INTO bench_tmp_product "
                 "SELECT ROW_NUMBER() OVER (ORDER BY p.sku) - 1, p.product_id, p.sku, p.name, "
                 "r.unit_price FROM product p JOIN price r ON r.product_id = p.product_id "
                 "AND r.buyer_party_id IS NULL AND r.valid_from = '2000-01-01' "
                 "WHERE p.seller_party_id = %lld AND p.sku LIKE '%s-%%'",
                 s, prefix) < 0 ||
        exec_sql(db, "numbering buyers",
                 "INSERT INTO bench_tmp_buyer "
                 "SELECT ROW_NUMBER() OVER (ORDER BY u.username) - 1, u.party_id, u.user_id, "
                 "u.username FROM app_user u JOIN customer_account a "
                 "ON a.buyer_party_id = u.party_id AND a.seller_party_id = %lld "
                 "WHERE u.role = 'BUYER'",
                 s) < 0)
        return -1;
    if (query_i64(db, &q_count_tmp_products, NULL, products, "counting products") < 0 ||
        query_i64(db, &q_count_tmp_buyers, NULL, buyers, "counting buyers") < 0)
        return -1;
    if (*products == 0 || *buyers == 0) {
        fprintf(stderr, "eos-bench: no bench products or buyers for %s: run eos-bench setup\n",
                prefix);
        return -1;
    }
    return 0;
}

/* The statements of one chunk of n orders numbered base+1 .. base+n, whose
 * feed entries get last+1 .. last+n; inside the caller's transaction. */
static int preload_chunk(struct db_conn *db, const struct bench_opts *o, int64_t seller,
                         const char *currency, long long base, long long last, long n,
                         long long products, long long buyers)
{
    long long s = (long long)seller;
    long lines = o->preload_lines;
    /* Spread over the past, one second apart, oldest first. */
    static const char created[] =
        "UTC_TIMESTAMP(6) - INTERVAL 400 DAY + INTERVAL (%lld + o.seq) SECOND";
    char at[128];

    snprintf(at, sizeof(at), created, base);
    if (exec_sql(db, "preloading orders",
                 "INSERT INTO purchase_order (order_id, seller_party_id, buyer_party_id, "
                 "buyer_order_no, status, version, allow_adjust, currency, total_amount, "
                 "content_hash, created_by, created_at, updated_at) "
                 "SELECT %lld + o.seq, %lld, b.party_id, CONCAT('PRE-', %lld + o.seq), "
                 "'SUBMITTED', 1, TRUE, '%s', "
                 "(SELECT SUM(p.price) FROM seq_1_to_%ld l JOIN bench_tmp_product p "
                 "ON p.idx = ((%lld + o.seq) * %ld + l.seq) %% %lld), "
                 "UNHEX(SHA2(CONCAT('PRE-', %lld + o.seq), 256)), b.user_id, %s, %s "
                 "FROM seq_1_to_%ld o JOIN bench_tmp_buyer b ON b.idx = (%lld + o.seq) %% %lld",
                 base, s, base, currency, lines, base, lines, products, base, at, at, n, base,
                 buyers) < 0 ||
        exec_sql(db, "preloading order lines",
                 "INSERT INTO order_line (order_id, line_no, product_id, sku, name, quantity, "
                 "unit_price, list_price, line_amount) "
                 "SELECT %lld + o.seq, l.seq, p.product_id, p.sku, p.name, 1, p.price, p.price, "
                 "p.price FROM seq_1_to_%ld o JOIN seq_1_to_%ld l JOIN bench_tmp_product p "
                 "ON p.idx = ((%lld + o.seq) * %ld + l.seq) %% %lld",
                 base, n, lines, base, lines, products) < 0 ||
        exec_sql(db, "preloading order history",
                 "INSERT INTO order_history (order_id, version, at, from_status, to_status, "
                 "actor) SELECT %lld + o.seq, 1, %s, NULL, 'SUBMITTED', b.username "
                 "FROM seq_1_to_%ld o JOIN bench_tmp_buyer b ON b.idx = (%lld + o.seq) %% %lld",
                 base, at, n, base, buyers) < 0 ||
        exec_sql(db, "preloading feed entries",
                 "INSERT INTO feed_entry (seller_party_id, feed, object_id, seq, changed_at) "
                 "SELECT %lld, 'ORDER', %lld + o.seq, %lld + o.seq, %s FROM seq_1_to_%ld o",
                 s, base, last, at, n) < 0 ||
        exec_sql(db, "moving the feed position",
                 "UPDATE feed_position SET last_seq = %lld "
                 "WHERE seller_party_id = %lld AND feed = 'ORDER'",
                 last + n, s) < 0 ||
        exec_sql(db, "adding to the buyers' exposure",
                 "UPDATE customer_account a JOIN (SELECT buyer_party_id, SUM(total_amount) t "
                 "FROM purchase_order WHERE order_id > %lld AND order_id <= %lld "
                 "GROUP BY buyer_party_id) x ON x.buyer_party_id = a.buyer_party_id "
                 "SET a.open_order_amount = a.open_order_amount + x.t "
                 "WHERE a.seller_party_id = %lld",
                 base, base + n, s) < 0)
        return -1;
    return 0;
}

int bench_preload(long *added_out, const struct bench_opts *o, long orders)
{
    struct db_conn *db = NULL;
    struct party_row seller;
    int64_t have = 0, products = 0, buyers = 0, seller_id;
    long done = 0;
    int rc = -1;

    if (open_db(&db) < 0)
        goto out;
    if (store_party_by_code(db, o->prefix, &seller) != 1) {
        fprintf(stderr, "eos-bench: no seller %s: run eos-bench setup first\n", o->prefix);
        goto out;
    }
    seller_id = seller.party_id;
    if (query_i64(db, &q_count_orders, NULL, &have, "counting orders") < 0)
        goto out;
    if (have >= orders) {
        rc = 0;
        goto out;
    }
    if (preload_tables(db, seller_id, o->prefix, &products, &buyers) < 0)
        goto out;
    while (have + done < orders) {
        long n = orders - (long)have - done;
        int64_t base = 0, last = 0;
        struct db_args a;

        if (n > PRELOAD_CHUNK)
            n = PRELOAD_CHUNK;
        db_args_init(&a);
        arg_i64(&a, seller_id);
        if (db_begin(db) < 0 || db_exec(db, &q_position_make, &a, NULL) < 0) {
            report("preparing the feed position");
            goto fail_tx;
        }
        if (query_i64(db, &q_position_lock, &seller_id, &last, "locking the feed position") < 0 ||
            query_i64(db, &q_max_order, NULL, &base, "finding the last order") < 0 ||
            preload_chunk(db, o, seller_id, seller.currency, (long long)base, (long long)last, n,
                          (long long)products, (long long)buyers) < 0)
            goto fail_tx;
        if (db_commit(db) < 0) {
            report("committing preloaded orders");
            goto fail_tx;
        }
        done += n;
    }
    if (exec_sql(db, "acknowledging the preloaded feed",
                 "UPDATE feed_position SET acked_seq = GREATEST(acked_seq, last_seq - %ld) "
                 "WHERE seller_party_id = %lld AND feed = 'ORDER'",
                 o->backlog, (long long)seller_id) < 0)
        goto out;
    rc = 0;
    goto out;
fail_tx:
    db_rollback(db);
out:
    if (rc == 0 && added_out)
        *added_out = done;
    db_close(db);
    return rc;
}
