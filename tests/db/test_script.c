/*
 * test_script.c - read scripts on a real MariaDB: several queries on one
 * snapshot in one round trip (db_read_snapshot, db_script_rows), as
 * GetOrderStatus reads an order.
 *
 * Works on its own database (EOS_DB_NAME with "_script" appended), made
 * afresh at the start and dropped at the end.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "cunit_run.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/stmt.h"

static struct db_config cfg;
static struct db_conn *db;

static int suite_init(void)
{
    struct db_conn *admin = NULL;
    char name[64], sql[128];
    int rc;

    db_config_from_env(&cfg);
    snprintf(name, sizeof(name), "%.50s_script", cfg.name);
    snprintf(cfg.name, sizeof(cfg.name), "%s", name);
    if (store_drop_database(&cfg) < 0 || db_open_admin(&admin, &cfg) < 0)
        return 1;
    snprintf(sql, sizeof(sql), "CREATE DATABASE `%s`", cfg.name);
    rc = db_exec_text(admin, sql);
    db_close(admin);
    if (rc < 0 || db_open(&db, &cfg) < 0)
        return 1;
    return db_exec_text(db, "CREATE TABLE probe (id INT PRIMARY KEY) ENGINE=InnoDB") < 0;
}

static int suite_cleanup(void)
{
    db_close(db);
    return store_drop_database(&cfg) == 0 ? 0 : 1;
}

DB_SQL(q_in_tx, "SELECT @@in_transaction");

/* Whether the server holds a transaction open on the connection; -1 on error. */
static int in_transaction(void)
{
    struct db_cols c;
    int64_t v = -1;

    db_cols_init(&c);
    col_i64(&c, &v);
    return db_query_one(db, &q_in_tx, NULL, &c) == 1 ? (int)v : -1;
}

struct typed_row {
    int64_t big;
    int32_t small;
    bool flag;
    char text[8];
    bool text_null;
    money_t price;
    qty_t qty;
    unsigned char bytes[2];
};

static void bind_typed(struct db_cols *c, struct typed_row *r)
{
    db_cols_init(c);
    col_i64(c, &r->big);
    col_i32(c, &r->small);
    col_bool(c, &r->flag);
    col_str(c, r->text, sizeof(r->text));
    col_nullable(c, &r->text_null);
    col_money(c, &r->price);
    col_qty(c, &r->qty);
    col_bin(c, r->bytes, sizeof(r->bytes));
}

/* Text rows land in the columns as prepared fetches leave them: numbers,
 * booleans, NULL, decimals as fixed point, bytes, strings cut to size. */
static void test_script__result_sets_fill_typed_columns_in_order(void)
{
    struct typed_row row, *rows = NULL;
    struct db_cols c;
    size_t n = 0;

    CU_ASSERT_EQUAL_FATAL(
        db_read_snapshot(db, "SELECT 9007199254740993, -7, 1, NULL, 12.3400, 1.500, X'00FF' "
                             "UNION ALL SELECT 0, 0, 0, 'y', 0.0001, 0.001, X'0102'; "
                             "SELECT id FROM probe"),
        0);
    memset(&row, 0, sizeof(row));
    bind_typed(&c, &row);
    CU_ASSERT_EQUAL_FATAL(db_script_rows(db, &c, &row, sizeof(row), (void **)&rows, &n), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(rows[0].big, 9007199254740993LL);
    CU_ASSERT_EQUAL(rows[0].small, -7);
    CU_ASSERT_TRUE(rows[0].flag);
    CU_ASSERT_STRING_EQUAL(rows[0].text, ""); /* NULL reads as "" */
    CU_ASSERT_TRUE(rows[0].text_null);
    CU_ASSERT_EQUAL(rows[0].price, 123400);
    CU_ASSERT_EQUAL(rows[0].qty, 1500);
    CU_ASSERT_EQUAL(rows[0].bytes[0], 0x00);
    CU_ASSERT_EQUAL(rows[0].bytes[1], 0xFF);
    CU_ASSERT_FALSE(rows[1].flag);
    CU_ASSERT_STRING_EQUAL(rows[1].text, "y");
    CU_ASSERT_FALSE(rows[1].text_null);
    CU_ASSERT_EQUAL(rows[1].price, 1);
    CU_ASSERT_EQUAL(rows[1].qty, 1);
    free(rows);
    rows = NULL;
    /* The probe table is empty: a result set with no rows. */
    {
        int32_t id = 0;
        int32_t *ids = NULL;

        db_cols_init(&c);
        col_i32(&c, &id);
        CU_ASSERT_EQUAL(db_script_rows(db, &c, &id, sizeof(id), (void **)&ids, &n), 0);
        CU_ASSERT_EQUAL(n, 0);
        free(ids);
    }
    CU_ASSERT_EQUAL(db_script_end(db), 0);
    CU_ASSERT_EQUAL(in_transaction(), 0);
    db_rollback(db);
}

/* A string longer than its column is cut, terminated, not overflowed. */
static void test_script__long_strings_are_cut_to_their_column(void)
{
    struct typed_row row, *rows = NULL;
    struct db_cols c;
    size_t n = 0;

    CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, "SELECT 1, 1, 1, REPEAT('z', 5000), 1, 1, "
                                               "X'0102030405'"),
                          0);
    memset(&row, 0, sizeof(row));
    bind_typed(&c, &row);
    CU_ASSERT_EQUAL_FATAL(db_script_rows(db, &c, &row, sizeof(row), (void **)&rows, &n), 0);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_STRING_EQUAL(rows[0].text, "zzzzzzz");
    CU_ASSERT_EQUAL(rows[0].bytes[1], 0x02);
    free(rows);
    CU_ASSERT_EQUAL(db_script_end(db), 0);
}

/* Reading more result sets than the script has, or one with other columns
 * than bound, is an internal error; the rollback leaves the connection
 * clean and out of any transaction. */
static void test_script__a_mismatch_is_an_internal_error_and_the_connection_recovers(void)
{
    int32_t v = 0, *vs = NULL;
    int64_t a = 0, *as = NULL;
    struct db_cols c;
    size_t n = 0;

    CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, "SELECT 1, 2"), 0);
    db_cols_init(&c);
    col_i32(&c, &v);
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &v, sizeof(v), (void **)&vs, &n), EOS_EINTERNAL);
    free(vs);
    db_rollback(db);
    CU_ASSERT_EQUAL(in_transaction(), 0);

    CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, "SELECT 1"), 0);
    db_cols_init(&c);
    col_i64(&c, &a);
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &a, sizeof(a), (void **)&as, &n), 0);
    free(as);
    as = NULL;
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &a, sizeof(a), (void **)&as, &n), EOS_EINTERNAL);
    free(as);
    db_rollback(db);
    CU_ASSERT_EQUAL(in_transaction(), 0);
}

/* A statement that fails stops the script before its end: the error is
 * reported where its result set is read, and the rollback ends the
 * transaction the script had opened. */
static void test_script__a_failing_statement_is_reported_and_rolled_back(void)
{
    int64_t a = 0, *as = NULL;
    struct db_cols c;
    size_t n = 0;
    int rc;

    CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, "SELECT 1; SELECT * FROM no_such_table"), 0);
    db_cols_init(&c);
    col_i64(&c, &a);
    rc = db_script_rows(db, &c, &a, sizeof(a), (void **)&as, &n);
    free(as);
    as = NULL;
    if (rc == 0)
        rc = db_script_rows(db, &c, &a, sizeof(a), (void **)&as, &n);
    free(as);
    CU_ASSERT_TRUE(rc < 0);
    CU_ASSERT_EQUAL(in_transaction(), 1);
    db_rollback(db);
    CU_ASSERT_EQUAL(in_transaction(), 0);
}

/* A statement can fail after its columns went out, while its rows are
 * sent (here a subquery that finds two rows for the first one): the server
 * stops the script there, so its ROLLBACK never runs, and the rollback must
 * still end the transaction, whether the result was being read or left
 * unread. */
static void test_script__a_statement_failing_midway_is_rolled_back(void)
{
    static const char failing[] =
        "SELECT x.id, (SELECT y.id FROM probe y WHERE y.id >= x.id) FROM probe x ORDER BY x.id";
    int64_t pair[2], *rows = NULL, one = 0, *ones = NULL;
    struct db_cols c, o;
    size_t n = 0;

    CU_ASSERT_EQUAL_FATAL(db_exec_text(db, "DELETE FROM probe"), 0);
    CU_ASSERT_EQUAL_FATAL(db_exec_text(db, "INSERT INTO probe VALUES (1), (2)"), 0);
    db_cols_init(&c);
    col_i64(&c, &pair[0]);
    col_i64(&c, &pair[1]);
    db_cols_init(&o);
    col_i64(&o, &one);
    for (int read_it = 0; read_it < 2; read_it++) {
        CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, failing), 0);
        if (read_it)
            CU_ASSERT_TRUE(db_script_rows(db, &c, pair, sizeof(pair), (void **)&rows, &n) < 0);
        free(rows);
        rows = NULL;
        db_rollback(db);
        CU_ASSERT_EQUAL(in_transaction(), 0);
        /* A snapshot opens again: SET TRANSACTION fails inside an open one. */
        CU_ASSERT_EQUAL(db_read_snapshot(db, "SELECT 1"), 0);
        CU_ASSERT_EQUAL(db_script_rows(db, &o, &one, sizeof(one), (void **)&ones, &n), 0);
        CU_ASSERT_EQUAL(db_script_end(db), 0);
        CU_ASSERT_EQUAL(ones ? ones[0] : 0, 1);
        free(ones);
        ones = NULL;
    }
    CU_ASSERT_EQUAL(db_exec_text(db, "DELETE FROM probe"), 0);
}

DB_SQL(q_probe_count, "SELECT COUNT(*) FROM probe");

static int64_t probe_count(void)
{
    struct db_cols c;
    int64_t n = -1;

    db_cols_init(&c);
    col_i64(&c, &n);
    return db_query_one(db, &q_probe_count, NULL, &c) == 1 ? n : -1;
}

/* A commit with a script left unread reads it first; when the script failed,
 * the transaction is rolled back, not left for the next BEGIN to commit. */
static void test_script__a_commit_after_a_failed_script_rolls_back(void)
{
    int64_t before;

    before = probe_count();
    CU_ASSERT_FATAL(before >= 0);
    CU_ASSERT_EQUAL_FATAL(db_begin(db), 0);
    CU_ASSERT_EQUAL(db_exec_text(db, "INSERT INTO probe (id) VALUES (1001)"), 0);
    CU_ASSERT_EQUAL_FATAL(db_script(db, "SELECT 1; SELECT * FROM no_such_table"), 0);
    CU_ASSERT_TRUE(db_commit(db) < 0);
    CU_ASSERT_EQUAL(in_transaction(), 0);
    CU_ASSERT_EQUAL_FATAL(db_begin(db), 0);
    db_rollback(db);
    CU_ASSERT_EQUAL(probe_count(), before);

    /* A snapshot read is refused inside a transaction, which stays open:
     * its START TRANSACTION would have committed it. */
    CU_ASSERT_EQUAL_FATAL(db_begin(db), 0);
    CU_ASSERT_EQUAL(db_exec_text(db, "INSERT INTO probe (id) VALUES (1003)"), 0);
    CU_ASSERT_EQUAL(db_read_snapshot(db, "SELECT 1"), EOS_EINTERNAL);
    CU_ASSERT_EQUAL(in_transaction(), 1);
    db_rollback(db);
    CU_ASSERT_EQUAL(probe_count(), before);

    /* Read whole, the same script's work commits. */
    CU_ASSERT_EQUAL_FATAL(db_begin(db), 0);
    CU_ASSERT_EQUAL(db_exec_text(db, "INSERT INTO probe (id) VALUES (1002)"), 0);
    CU_ASSERT_EQUAL_FATAL(db_script(db, "SELECT 1; SELECT 2"), 0);
    CU_ASSERT_EQUAL(db_commit(db), 0);
    CU_ASSERT_EQUAL(probe_count(), before + 1);
}

static void *insert_meanwhile(void *arg)
{
    struct db_conn *other = NULL;

    (void)arg;
    usleep(150 * 1000);
    if (db_open(&other, &cfg) == 0) {
        db_exec_text(other, "INSERT INTO probe (id) VALUES (1), (2), (3)");
        db_close(other);
    }
    return NULL;
}

/* Every query of a script reads the same snapshot: rows committed by
 * another connection between its first and its last query are not seen. */
static void test_script__all_queries_read_one_snapshot(void)
{
    int64_t count = -1, *before = NULL, *after = NULL;
    int64_t slept = 0, *sleeps = NULL;
    struct db_cols c, s;
    size_t n = 0;
    pthread_t t;

    db_exec_text(db, "DELETE FROM probe");
    CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, insert_meanwhile, NULL), 0);
    CU_ASSERT_EQUAL(db_read_snapshot(db, "SELECT COUNT(*) FROM probe; SELECT SLEEP(0.5); "
                                         "SELECT COUNT(*) FROM probe"),
                    0);
    db_cols_init(&c);
    col_i64(&c, &count);
    db_cols_init(&s);
    col_i64(&s, &slept);
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &count, sizeof(count), (void **)&before, &n), 0);
    CU_ASSERT_EQUAL(db_script_rows(db, &s, &slept, sizeof(slept), (void **)&sleeps, &n), 0);
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &count, sizeof(count), (void **)&after, &n), 0);
    CU_ASSERT_EQUAL(db_script_end(db), 0);
    pthread_join(t, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_EQUAL(before[0], 0);
    CU_ASSERT_EQUAL(after[0], 0);
    free(before);
    free(after);
    free(sleeps);
    /* A later script sees them. */
    CU_ASSERT_EQUAL_FATAL(db_read_snapshot(db, "SELECT COUNT(*) FROM probe"), 0);
    CU_ASSERT_EQUAL(db_script_rows(db, &c, &count, sizeof(count), (void **)&after, &n), 0);
    CU_ASSERT_EQUAL(db_script_end(db), 0);
    CU_ASSERT_EQUAL(after ? after[0] : -1, 3);
    free(after);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_script__result_sets_fill_typed_columns_in_order",
         test_script__result_sets_fill_typed_columns_in_order},
        {"test_script__long_strings_are_cut_to_their_column",
         test_script__long_strings_are_cut_to_their_column},
        {"test_script__a_mismatch_is_an_internal_error_and_the_connection_recovers",
         test_script__a_mismatch_is_an_internal_error_and_the_connection_recovers},
        {"test_script__a_failing_statement_is_reported_and_rolled_back",
         test_script__a_failing_statement_is_reported_and_rolled_back},
        {"test_script__a_statement_failing_midway_is_rolled_back",
         test_script__a_statement_failing_midway_is_rolled_back},
        {"test_script__all_queries_read_one_snapshot", test_script__all_queries_read_one_snapshot},
        {"test_script__a_commit_after_a_failed_script_rolls_back",
         test_script__a_commit_after_a_failed_script_rolls_back},
    };

    return cunit_run("script", suite_init, suite_cleanup, tests, sizeof(tests) / sizeof(tests[0]));
}
