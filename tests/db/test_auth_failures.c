/*
 * test_auth_failures.c - the lockout's failure counts: attempts reserve
 * places under the limit, one each, even in parallel; a window that is over
 * starts again; rows whose window is over are swept by the calls that
 * reserve, so names and addresses a client makes up do not pile up.
 *
 * Works on its own database (EOS_DB_NAME with "_authfail" appended), made and
 * dropped here.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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
    for (int i = 0; i < 300; i++) {
        bool reserved;

        CU_ASSERT_EQUAL_FATAL(
            store_auth_attempt_reserve(db, "recent", "192.0.2.2", 600, 1000, &reserved), 0);
        CU_ASSERT_TRUE(reserved);
    }
    CU_ASSERT_EQUAL(count(&q_rows), 0);
    CU_ASSERT_EQUAL(count(&q_recent), 1);
}

static int failures_of(const char *username)
{
    int n = -1;

    return store_auth_failures(db, username, "192.0.2.3", 600, &n) == 0 ? n : -1;
}

static void test_auth_failures__reservations_stop_at_the_limit(void)
{
    bool reserved;

    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL_FATAL(
            store_auth_attempt_reserve(db, "limit", "192.0.2.3", 600, 3, &reserved), 0);
        CU_ASSERT_TRUE(reserved);
    }
    CU_ASSERT_EQUAL(store_auth_attempt_reserve(db, "limit", "192.0.2.3", 600, 3, &reserved), 0);
    CU_ASSERT_FALSE(reserved);
    CU_ASSERT_EQUAL(failures_of("limit"), 3);
    /* A place taken back is free again. */
    CU_ASSERT_EQUAL(store_auth_failure_undo(db, "limit", "192.0.2.3"), 0);
    CU_ASSERT_EQUAL(store_auth_attempt_reserve(db, "limit", "192.0.2.3", 600, 3, &reserved), 0);
    CU_ASSERT_TRUE(reserved);
    CU_ASSERT_EQUAL(failures_of("limit"), 3);
}

static void test_auth_failures__a_window_that_is_over_starts_again(void)
{
    bool reserved;

    CU_ASSERT_EQUAL_FATAL(
        db_exec_text(db, "INSERT INTO auth_failure (username, source, window_start, failures) "
                         "VALUES ('old', '192.0.2.3', UTC_TIMESTAMP(6) - INTERVAL 1 HOUR, 3)"),
        0);
    CU_ASSERT_EQUAL(store_auth_attempt_reserve(db, "old", "192.0.2.3", 600, 3, &reserved), 0);
    CU_ASSERT_TRUE(reserved);
    CU_ASSERT_EQUAL(failures_of("old"), 1);
}

/* Attempts in parallel, each on its own connection, as hub workers are. */
enum { RACERS = 8, RACE_LIMIT = 3 };
static atomic_int race_reserved, race_errors, race_ready;

static void *racer(void *arg)
{
    struct db_conn *conn = NULL;
    bool reserved = false;

    (void)arg;
    if (db_open(&conn, &cfg) < 0) {
        atomic_fetch_add(&race_errors, 1);
        atomic_fetch_add(&race_ready, 1);
        return NULL;
    }
    atomic_fetch_add(&race_ready, 1);
    while (atomic_load(&race_ready) < RACERS)
        sched_yield();
    if (store_auth_attempt_reserve(conn, "parallel", "192.0.2.3", 600, RACE_LIMIT, &reserved) < 0)
        atomic_fetch_add(&race_errors, 1);
    else if (reserved)
        atomic_fetch_add(&race_reserved, 1);
    db_close(conn);
    return NULL;
}

static void test_auth_failures__parallel_attempts_reserve_no_more_than_the_limit(void)
{
    for (int round = 0; round < 10; round++) {
        pthread_t threads[RACERS];

        CU_ASSERT_EQUAL_FATAL(
            db_exec_text(db, "DELETE FROM auth_failure WHERE username = 'parallel'"), 0);
        atomic_store(&race_reserved, 0);
        atomic_store(&race_errors, 0);
        atomic_store(&race_ready, 0);
        for (int i = 0; i < RACERS; i++)
            CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[i], NULL, racer, NULL), 0);
        for (int i = 0; i < RACERS; i++)
            pthread_join(threads[i], NULL);
        CU_ASSERT_EQUAL(atomic_load(&race_errors), 0);
        CU_ASSERT_EQUAL(atomic_load(&race_reserved), RACE_LIMIT);
        CU_ASSERT_EQUAL(failures_of("parallel"), RACE_LIMIT);
    }
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_auth_failures__rows_past_their_window_are_swept",
         test_auth_failures__rows_past_their_window_are_swept},
        {"test_auth_failures__reservations_stop_at_the_limit",
         test_auth_failures__reservations_stop_at_the_limit},
        {"test_auth_failures__a_window_that_is_over_starts_again",
         test_auth_failures__a_window_that_is_over_starts_again},
        {"test_auth_failures__parallel_attempts_reserve_no_more_than_the_limit",
         test_auth_failures__parallel_attempts_reserve_no_more_than_the_limit},
    };

    return cunit_run("auth_failures", suite_init, suite_cleanup, tests,
                     sizeof(tests) / sizeof(tests[0]));
}
