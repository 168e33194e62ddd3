/*
 * test_auth_failures.c - the lockout's failure counts stay bounded: rows
 * whose window is over are swept by the calls that add failures, so names
 * and addresses a client makes up do not pile up.
 *
 * Works on its own database (EOS_DB_NAME with "_authfail" appended), made and
 * dropped here.
 */
#include <stdio.h>

#include "base/paths.h"
#include "cunit_run.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/party.h"
#include "store/stmt.h"

static struct db_config cfg;
static struct db_conn *db;

static int suite_init(void)
{
    char schema_dir[1024], name[64];

    db_config_from_env(&cfg);
    snprintf(name, sizeof(name), "%.50s_authfail", cfg.name);
    snprintf(cfg.name, sizeof(cfg.name), "%s", name);
    if (path_resource(schema_dir, sizeof(schema_dir), "EOS_SCHEMA_DIR", "schema") < 0 ||
        store_drop_database(&cfg) < 0 || store_migrate(&cfg, schema_dir, NULL) < 0)
        return 1;
    return db_open(&db, &cfg) < 0;
}

static int suite_cleanup(void)
{
    db_close(db);
    return store_drop_database(&cfg) == 0 ? 0 : 1;
}

DB_SQL(q_rows, "SELECT COUNT(*) FROM auth_failure WHERE username LIKE 'made-up-%'");
DB_SQL(q_recent, "SELECT COUNT(*) FROM auth_failure WHERE username = 'recent'");

static int64_t count(struct db_sql *q)
{
    struct db_cols c;
    int64_t n = -1;

    db_cols_init(&c);
    col_i64(&c, &n);
    return db_query_one(db, q, NULL, &c) == 1 ? n : -1;
}

static void test_auth_failures__rows_past_their_window_are_swept(void)
{
    CU_ASSERT_EQUAL_FATAL(
        db_exec_text(db, "INSERT INTO auth_failure (username, source, window_start, failures) "
                         "SELECT CONCAT('made-up-', seq), '192.0.2.1', "
                         "UTC_TIMESTAMP(6) - INTERVAL 1 DAY, 1 FROM seq_1_to_50"),
        0);
    CU_ASSERT_EQUAL(count(&q_rows), 50);
    /* Enough failures that the sweep runs at least once. */
    for (int i = 0; i < 300; i++)
        CU_ASSERT_EQUAL_FATAL(store_auth_failure_add(db, "recent", "192.0.2.2", 600), 0);
    CU_ASSERT_EQUAL(count(&q_rows), 0);
    CU_ASSERT_EQUAL(count(&q_recent), 1);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_auth_failures__rows_past_their_window_are_swept",
         test_auth_failures__rows_past_their_window_are_swept},
    };

    return cunit_run("auth_failures", suite_init, suite_cleanup, tests,
                     sizeof(tests) / sizeof(tests[0]));
}
