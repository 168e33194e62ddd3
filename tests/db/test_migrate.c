/*
 * test_migrate.c - the schema and the demo data on a real MariaDB: migrating
 * an empty database, migrating twice, loading the demo twice, what a
 * migration does to data stored before it.
 *
 * Works on its own database (EOS_DB_NAME with "_migrate" appended), dropped at
 * the start, so it neither needs nor disturbs the other suites' data.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/paths.h"
#include "cunit_run.h"
#include "core/secretbox.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/stmt.h"
#include "svc/admin.h"

static struct db_config cfg;
static char schema_dir[1024];

static int suite_init(void)
{
    char name[64];

    db_config_from_env(&cfg);
    snprintf(name, sizeof(name), "%.50s_migrate", cfg.name);
    snprintf(cfg.name, sizeof(cfg.name), "%s", name);
    if (path_resource(schema_dir, sizeof(schema_dir), "EOS_SCHEMA_DIR", "schema") < 0)
        return 1;
    return store_drop_database(&cfg) == 0 ? 0 : 1;
}

static int suite_cleanup(void)
{
    return store_drop_database(&cfg) == 0 ? 0 : 1;
}

/* One number from a query with no arguments; -1 on error. */
static int64_t count_of(struct db_conn *db, struct db_sql *q)
{
    struct db_cols c;
    int64_t n = -1;

    db_cols_init(&c);
    col_i64(&c, &n);
    if (db_query_one(db, q, NULL, &c) != 1)
        return -1;
    return n;
}

DB_SQL(q_tables, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()");
DB_SQL(q_migrations, "SELECT COUNT(*) FROM schema_migration");
DB_SQL(q_parties, "SELECT COUNT(*) FROM party");
DB_SQL(q_users, "SELECT COUNT(*) FROM app_user");
DB_SQL(q_leases, "SELECT COUNT(*) FROM schema_migration_lock");
DB_SQL(q_products, "SELECT COUNT(*) FROM product");
DB_SQL(q_publications, "SELECT COUNT(*) FROM publication");
DB_SQL(q_prices, "SELECT COUNT(*) FROM price");
DB_SQL(q_not_returnable, "SELECT COUNT(*) FROM product WHERE returnable = 0 AND sku = 'SKU-0005'");
DB_SQL(q_buyer2_limit,
       "SELECT COUNT(*) FROM customer_account a JOIN party p ON p.party_id = a.buyer_party_id "
       "WHERE p.code = 'BUY002' AND a.credit_limit = 5000");
DB_SQL(q_unpublished,
       "SELECT COUNT(*) FROM publication pu JOIN product p USING (product_id) "
       "WHERE p.sku >= 'SKU-0016'");

static void test_migrate__from_empty(void)
{
    struct db_conn *db = NULL;
    int applied = -1;

    CU_ASSERT_EQUAL_FATAL(store_migrate(&cfg, schema_dir, &applied), 0);
    CU_ASSERT_TRUE(applied >= 1);
    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    CU_ASSERT_EQUAL(count_of(db, &q_migrations), applied);
    /* Every table of the data model, plus schema_migration. */
    CU_ASSERT_TRUE(count_of(db, &q_tables) >= 24);
    db_close(db);
}

static void test_migrate__twice_is_a_no_op(void)
{
    struct db_conn *db = NULL;
    int applied = -1;
    int64_t before, after;

    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    before = count_of(db, &q_migrations);
    CU_ASSERT_EQUAL(store_migrate(&cfg, schema_dir, &applied), 0);
    CU_ASSERT_EQUAL(applied, 0);
    after = count_of(db, &q_migrations);
    CU_ASSERT_EQUAL(before, after);
    db_close(db);
}

static void load_demo(struct db_conn *db)
{
    struct svc_ctx ctx = {db, NULL};
    struct secret_key key = {.loaded = 1};

    memset(key.bytes, 7, sizeof(key.bytes));
    CU_ASSERT_EQUAL(svc_demo_load(&ctx, "demo-pass", &key), 0);
}

static void test_migrate__demo_twice_gives_the_same_data(void)
{
    struct db_conn *db = NULL;
    struct db_sql *queries[] = {&q_parties, &q_users, &q_products, &q_publications, &q_prices};
    int64_t first[5], second[5];

    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    load_demo(db);
    for (int i = 0; i < 5; i++)
        first[i] = count_of(db, queries[i]);
    CU_ASSERT_EQUAL(first[0], 3);  /* ACME, BUY001, BUY002 */
    CU_ASSERT_EQUAL(first[1], 4);  /* acme-erp, admin, buyer1, buyer2 */
    CU_ASSERT_EQUAL(first[2], 20);
    CU_ASSERT_EQUAL(first[3], 25); /* 15 to BUY001, 10 to BUY002 */
    CU_ASSERT_EQUAL(first[4], 23); /* 20 list prices, 3 of BUY001's own */
    CU_ASSERT_EQUAL(count_of(db, &q_not_returnable), 1);
    CU_ASSERT_EQUAL(count_of(db, &q_buyer2_limit), 1);
    CU_ASSERT_EQUAL(count_of(db, &q_unpublished), 0);
    load_demo(db);
    for (int i = 0; i < 5; i++)
        second[i] = count_of(db, queries[i]);
    CU_ASSERT_EQUAL(memcmp(first, second, sizeof(first)), 0);
    db_close(db);
}

/* Every reference between tables is a foreign key, so a bug or a hand-made
 * INSERT cannot leave a document without its account, its creator or its
 * seller. Probed by writing what the keys forbid. */
DB_SQL(q_acme_id, "SELECT party_id FROM party WHERE code = 'ACME'");
DB_SQL(q_feed_for, "INSERT INTO feed_entry (seller_party_id, feed, object_id, seq, changed_at) "
                   "VALUES (?, 'ORDER', 1, NULL, UTC_TIMESTAMP(6))");
DB_SQL(q_feed_clear, "DELETE FROM feed_entry WHERE object_id = 1");
DB_SQL(q_foreign_keys,
       "SELECT COUNT(*) FROM information_schema.referential_constraints "
       "WHERE constraint_schema = DATABASE() AND constraint_name IN ("
       "'fk_shipment_account', 'fk_shipment_user', 'fk_invoice_account', 'fk_invoice_user', "
       "'fk_payment_user', 'fk_return_account', 'fk_return_user', 'fk_confirmation_account', "
       "'fk_feed_entry_seller', 'fk_feed_position_seller')");

static void test_migrate__references_are_foreign_keys(void)
{
    struct db_conn *db = NULL;
    struct db_args a;
    int64_t acme;

    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    CU_ASSERT_EQUAL(count_of(db, &q_foreign_keys), 10);
    acme = count_of(db, &q_acme_id);
    CU_ASSERT_FATAL(acme > 0);
    db_args_init(&a);
    arg_i64(&a, acme + 1000000);
    CU_ASSERT_TRUE(db_exec(db, &q_feed_for, &a, NULL) < 0); /* no such seller */
    db_args_init(&a);
    arg_i64(&a, acme);
    CU_ASSERT_EQUAL(db_exec(db, &q_feed_for, &a, NULL), 0);
    CU_ASSERT_EQUAL(db_exec(db, &q_feed_clear, NULL, NULL), 0);
    db_close(db);
}

/* Links into dir the migrations of schema_dir whose names sort before
 * `before` (all of them when NULL); 0 on success. */
static int link_migrations(const char *dir, const char *before)
{
    struct dirent *e;
    DIR *d = opendir(schema_dir);
    char from[2048], to[2048], *source = realpath(schema_dir, NULL);
    int rc = d && source ? 0 : -1;

    while (rc == 0 && d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (before && strcmp(e->d_name, before) >= 0))
            continue;
        snprintf(from, sizeof(from), "%s/%s", source, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
        if (access(to, F_OK) != 0 && symlink(from, to) != 0)
            rc = -1;
    }
    if (d)
        closedir(d);
    free(source);
    return rc;
}

static void unlink_migrations(const char *dir)
{
    struct dirent *e;
    DIR *d = opendir(dir);
    char path[2048];

    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Two orders of BUY001 with ACME, the first with a change request, written
 * as the code before migration 006 wrote them. */
static const char *const orders_before_006[] = {
    "INSERT INTO purchase_order (seller_party_id, buyer_party_id, buyer_order_no, status, "
    "currency, total_amount, content_hash, created_by, created_at, updated_at) "
    "SELECT s.party_id, b.party_id, n.no, 'SUBMITTED', 'EUR', 0, UNHEX(SHA2(n.no, 256)), "
    "u.user_id, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM party s, party b, app_user u, "
    "(SELECT 'M-1' AS no UNION ALL SELECT 'M-2') n "
    "WHERE s.code = 'ACME' AND b.code = 'BUY001' AND u.username = 'buyer1'",
    "INSERT INTO change_request (order_id, requested_at, requested_by) "
    "SELECT order_id, UTC_TIMESTAMP(6), 'buyer1' FROM purchase_order WHERE buyer_order_no = 'M-1'",
};
DB_SQL(q_flagged, "SELECT COUNT(*) FROM purchase_order WHERE has_changes");
DB_SQL(q_flagged_m1, "SELECT COUNT(*) FROM purchase_order WHERE has_changes AND "
                     "buyer_order_no = 'M-1'");

/* A fresh database migrated up to (not including) `version`, with the demo
 * data and then `before` (SQL as the code before that migration wrote its
 * rows), migrated the rest of the way; *db is open on it afterwards. */
static void migrate_across(const char *version, const char *const *before, size_t n,
                           struct db_conn **db)
{
    char dir[] = "/tmp/eos-migrate-XXXXXX";

    *db = NULL;
    CU_ASSERT_EQUAL_FATAL(store_drop_database(&cfg), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    CU_ASSERT_EQUAL_FATAL(link_migrations(dir, version), 0);
    CU_ASSERT_EQUAL_FATAL(store_migrate(&cfg, dir, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(db_open(db, &cfg), 0);
    load_demo(*db);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(db_exec_text(*db, before[i]), 0);
    db_close(*db);
    *db = NULL;
    CU_ASSERT_EQUAL(link_migrations(dir, NULL), 0);
    CU_ASSERT_EQUAL(store_migrate(&cfg, dir, NULL), 0);
    unlink_migrations(dir);
    CU_ASSERT_EQUAL_FATAL(db_open(db, &cfg), 0);
}

/* Orders stored before the header carried has_changes get it from their
 * change requests when 006 adds the column. */
static void test_migrate__006_marks_orders_that_have_change_requests(void)
{
    struct db_conn *db = NULL;

    migrate_across("006", orders_before_006,
                   sizeof(orders_before_006) / sizeof(orders_before_006[0]), &db);
    CU_ASSERT_EQUAL(count_of(db, &q_flagged), 1);
    CU_ASSERT_EQUAL(count_of(db, &q_flagged_m1), 1);
    db_close(db);
}

/* A payment of BUY001 with ACME numbered P-a, confirmed by the buyer as
 * "P-A", as the code before migration 007 stored it (it matched whatever the
 * case). */
static const char *const confirmation_before_007[] = {
    "INSERT INTO payment (seller_party_id, buyer_party_id, payment_no, payment_date, amount, "
    "kind, content_hash, created_by, created_at) SELECT s.party_id, b.party_id, 'P-a', "
    "'2026-01-02', 10, 'ADVANCE', UNHEX(SHA2('P-a', 256)), u.user_id, UTC_TIMESTAMP(6) "
    "FROM party s, party b, app_user u "
    "WHERE s.code = 'ACME' AND b.code = 'BUY001' AND u.username = 'acme-erp'",
    "INSERT INTO document_confirmation (seller_party_id, buyer_party_id, doc_type, doc_no, "
    "confirmed, changed_at, changed_by) SELECT s.party_id, b.party_id, 'PAYMENT', 'P-A', TRUE, "
    "UTC_TIMESTAMP(6), 'buyer1' FROM party s, party b WHERE s.code = 'ACME' AND b.code = 'BUY001'",
};
DB_SQL(q_confirmed_p_a, "SELECT COUNT(*) FROM document_confirmation c JOIN payment p "
                        "ON p.seller_party_id = c.seller_party_id AND p.payment_no = c.doc_no "
                        "WHERE c.doc_type = 'PAYMENT' AND c.confirmed AND p.payment_no = 'P-a'");

/* Numbers become exact in 007: a confirmation stored in the buyer's own
 * spelling takes its document's, and stays matched to it. */
static void test_migrate__007_keeps_confirmations_typed_in_another_case(void)
{
    struct db_conn *db = NULL;

    migrate_across("007", confirmation_before_007,
                   sizeof(confirmation_before_007) / sizeof(confirmation_before_007[0]), &db);
    CU_ASSERT_EQUAL(count_of(db, &q_confirmed_p_a), 1);
    db_close(db);
}

/* Hubs starting together each migrate: on an empty database they take
 * turns, and every one of them succeeds. */
enum { MIGRATORS = 4 };

static void *migrator(void *arg)
{
    int *rc = arg;

    *rc = store_migrate(&cfg, schema_dir, NULL);
    return NULL;
}

static void test_migrate__at_once_from_several_processes(void)
{
    pthread_t threads[MIGRATORS];
    int rcs[MIGRATORS];
    struct db_conn *db = NULL;
    int64_t recorded;

    CU_ASSERT_EQUAL_FATAL(store_drop_database(&cfg), 0);
    for (int i = 0; i < MIGRATORS; i++) {
        rcs[i] = -1;
        CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[i], NULL, migrator, &rcs[i]), 0);
    }
    for (int i = 0; i < MIGRATORS; i++) {
        pthread_join(threads[i], NULL);
        CU_ASSERT_EQUAL(rcs[i], 0);
    }
    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    recorded = count_of(db, &q_migrations);
    CU_ASSERT_TRUE(recorded >= 8);
    CU_ASSERT_EQUAL(count_of(db, &q_leases), 0);
    db_close(db);
}

/* A migration that fails gives the lease back: the next run need not wait
 * for it to lapse. A lease its holder stopped renewing is taken over. */
static void test_migrate__the_lease_is_given_back_and_taken_over(void)
{
    char dir[] = "/tmp/eos-migrate-XXXXXX";
    char path[sizeof(dir) + 32];
    struct db_conn *db = NULL;
    FILE *f;

    CU_ASSERT_EQUAL_FATAL(store_migrate(&cfg, schema_dir, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    CU_ASSERT_EQUAL_FATAL(link_migrations(dir, NULL), 0);
    snprintf(path, sizeof(path), "%s/999_broken.sql", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("CREATE TABLE broken (;\n", f);
    fclose(f);
    CU_ASSERT_TRUE(store_migrate(&cfg, dir, NULL) < 0);
    unlink_migrations(dir);
    CU_ASSERT_EQUAL_FATAL(db_open(&db, &cfg), 0);
    CU_ASSERT_EQUAL(count_of(db, &q_leases), 0);
    /* A holder that died an hour ago. */
    CU_ASSERT_EQUAL(db_exec_text(db, "INSERT INTO schema_migration_lock (id, holder, since) "
                                     "VALUES (1, 'gone:1:0', UTC_TIMESTAMP(6) - INTERVAL 1 HOUR)"),
                    0);
    CU_ASSERT_EQUAL(store_migrate(&cfg, schema_dir, NULL), 0);
    CU_ASSERT_EQUAL(count_of(db, &q_leases), 0);
    db_close(db);
}

/* Two files of one version: the second would count as applied and never
 * run, so nothing is applied. */
static void test_migrate__two_files_of_one_version_are_refused(void)
{
    char dir[] = "/tmp/eos-migrate-XXXXXX";
    char path[sizeof(dir) + 32];
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/001_a.sql", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("CREATE TABLE a (id INT PRIMARY KEY);\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/001_b.sql", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("CREATE TABLE b (id INT PRIMARY KEY);\n", f);
    fclose(f);
    eos_err_clear();
    CU_ASSERT_EQUAL(store_migrate(&cfg, dir, NULL), EOS_EINVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(eos_err_message(), "same version"));
    unlink_migrations(dir);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_migrate__from_empty", test_migrate__from_empty},
        {"test_migrate__twice_is_a_no_op", test_migrate__twice_is_a_no_op},
        {"test_migrate__demo_twice_gives_the_same_data",
         test_migrate__demo_twice_gives_the_same_data},
        {"test_migrate__references_are_foreign_keys", test_migrate__references_are_foreign_keys},
        {"test_migrate__007_keeps_confirmations_typed_in_another_case",
         test_migrate__007_keeps_confirmations_typed_in_another_case},
        {"test_migrate__at_once_from_several_processes",
         test_migrate__at_once_from_several_processes},
        {"test_migrate__the_lease_is_given_back_and_taken_over",
         test_migrate__the_lease_is_given_back_and_taken_over},
        {"test_migrate__two_files_of_one_version_are_refused",
         test_migrate__two_files_of_one_version_are_refused},
        {"test_migrate__006_marks_orders_that_have_change_requests",
         test_migrate__006_marks_orders_that_have_change_requests},
    };

    return cunit_run("migrate", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
