/*
 * test_feed_snapshot.c - a download loads its window on one snapshot, taken
 * after the window's numbers committed: an order is never delivered with its
 * header from before a change and its lines from after it.
 *
 * Works on its own database (EOS_DB_NAME with "_feedsnap" appended), made
 * and dropped here. The window's loader is the test's own: it reads a probe
 * table twice while another connection commits a row between the reads.
 */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/paths.h"
#include "core/secretbox.h"
#include "cunit_run.h"
#include "store/db.h"
#include "store/feed.h"
#include "store/migrate.h"
#include "store/stmt.h"
#include "svc/admin.h"
#include "svc/feed.h"

static struct db_config cfg;
static struct db_conn *db, *other;
static struct principal seller;

DB_SQL(q_acme, "SELECT party_id FROM party WHERE code = 'ACME'");
DB_SQL(q_probe_count, "SELECT COUNT(*) FROM probe");

static int64_t one_number(struct db_conn *conn, struct db_sql *q)
{
    struct db_cols c;
    int64_t n = -1;

    db_cols_init(&c);
    col_i64(&c, &n);
    return db_query_one(conn, q, NULL, &c) == 1 ? n : -1;
}

static int suite_init(void)
{
    struct secret_key key = {.loaded = 1};
    struct svc_ctx ctx;
    char schema_dir[1024], name[64];

    db_config_from_env(&cfg);
    snprintf(name, sizeof(name), "%.50s_feedsnap", cfg.name);
    snprintf(cfg.name, sizeof(cfg.name), "%s", name);
    if (path_resource(schema_dir, sizeof(schema_dir), "EOS_SCHEMA_DIR", "schema") < 0 ||
        store_drop_database(&cfg) < 0 || store_migrate(&cfg, schema_dir, NULL) < 0 ||
        db_open(&db, &cfg) < 0 || db_open(&other, &cfg) < 0)
        return 1;
    memset(key.bytes, 7, sizeof(key.bytes));
    ctx.db = db;
    ctx.who = NULL;
    if (svc_demo_load(&ctx, "demo-pass", &key) < 0 ||
        db_exec_text(db, "CREATE TABLE probe (id INT PRIMARY KEY) ENGINE=InnoDB") < 0)
        return 1;
    seller.party_id = one_number(db, &q_acme);
    seller.role = ROLE_SELLER;
    seller.seller_party = true;
    return seller.party_id > 0 ? 0 : 1;
}

static int suite_cleanup(void)
{
    db_close(other);
    db_close(db);
    return store_drop_database(&cfg) == 0 ? 0 : 1;
}

/* What the loader saw: the probe's rows before and after another
 * connection committed one more. */
struct probe_reads {
    int64_t before, after;
    size_t count;
};

static int load_probe(struct svc_ctx *ctx, int64_t seller_id, const int64_t *ids, size_t count,
                      void *batch)
{
    struct probe_reads *r = batch;

    (void)seller_id;
    (void)ids;
    r->count = count;
    r->before = one_number(ctx->db, &q_probe_count);
    if (db_exec_text(other, "INSERT INTO probe SELECT COALESCE(MAX(id), 0) + 1 FROM probe") < 0)
        return eos_err_set(EOS_EINTERNAL, NULL, "the other connection failed");
    r->after = one_number(ctx->db, &q_probe_count);
    return 0;
}

static void test_feed_snapshot__a_window_loads_on_one_snapshot(void)
{
    struct svc_ctx ctx = {db, &seller};
    struct probe_reads reads = {-1, -1, 0};
    struct feed_download d = {FEED_ORDER, NULL, 10, "maxOrders", load_probe, &reads, 0, false};

    CU_ASSERT_EQUAL_FATAL(store_feed_touch(db, seller.party_id, FEED_ORDER, 1), 0);
    CU_ASSERT_EQUAL_FATAL(svc_feed_download(&ctx, &d), 0);
    CU_ASSERT_EQUAL(reads.count, 1);
    CU_ASSERT_TRUE(reads.before >= 0);
    CU_ASSERT_EQUAL(reads.after, reads.before);
    /* The next read is a new snapshot: the row is there. */
    CU_ASSERT_EQUAL(one_number(db, &q_probe_count), reads.before + 1);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_feed_snapshot__a_window_loads_on_one_snapshot",
         test_feed_snapshot__a_window_loads_on_one_snapshot},
    };

    return cunit_run("feed_snapshot", suite_init, suite_cleanup, tests,
                     sizeof(tests) / sizeof(tests[0]));
}
