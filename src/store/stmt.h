/*
 * stmt.h - prepared statements for store/ files: parameters in, rows out.
 *
 * Each store file declares its SQL next to the code that uses it:
 *
 *     DB_SQL(q_order_by_id, "SELECT status, version FROM purchase_order WHERE order_id = ?");
 *
 * and runs it with arguments and result columns bound to C variables:
 *
 *     struct db_args a;
 *     struct db_cols c;
 *     db_args_init(&a);
 *     arg_i64(&a, order_id);
 *     db_cols_init(&c);
 *     col_str(&c, status, sizeof(status));
 *     col_i32(&c, &version);
 *     rc = db_query_one(conn, &q_order_by_id, &a, &c);   (1 found, 0 none, < 0 error)
 *
 * The statement is prepared on its first use on a connection and kept there.
 * Argument values are copied into struct db_args, so temporaries may be passed.
 * Money and quantities travel as decimal strings, which the server converts
 * exactly into DECIMAL columns and back.
 */
#ifndef EOS_STORE_STMT_H
#define EOS_STORE_STMT_H

#include <mysql.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "store/db.h"

#define DB_MAX_ARGS 48
#define DB_MAX_COLS 40
#define DB_NUM_STR 40 /* buffer for one decimal value as text */

struct db_sql {
    const char *text;
    int slot; /* index in every connection's statement cache; -1 until first use */
};

#define DB_SQL(name, sql) static struct db_sql name = {sql, -1}

struct db_args {
    MYSQL_BIND bind[DB_MAX_ARGS];
    union {
        long long i;
        char text[DB_NUM_STR];
    } value[DB_MAX_ARGS];
    unsigned long length[DB_MAX_ARGS];
    my_bool is_null[DB_MAX_ARGS];
    unsigned count;
    bool overflow; /* more than DB_MAX_ARGS were added: a bug, reported by db_exec */
};

/* Converts a fetched text column into its C value after each row. */
enum db_conv {
    CONV_NONE,
    CONV_MONEY,
    CONV_QTY,
};

struct db_cols {
    MYSQL_BIND bind[DB_MAX_COLS];
    unsigned long length[DB_MAX_COLS];
    my_bool is_null[DB_MAX_COLS];
    my_bool error[DB_MAX_COLS];
    bool *null_out[DB_MAX_COLS];   /* where to report NULL, if the caller asked */
    enum db_conv conv[DB_MAX_COLS];
    void *conv_out[DB_MAX_COLS];
    char conv_text[DB_MAX_COLS][DB_NUM_STR];
    unsigned count;
    bool overflow;
};

void db_args_init(struct db_args *a);
void arg_i64(struct db_args *a, int64_t v);
void arg_str(struct db_args *a, const char *s); /* NULL binds SQL NULL */
void arg_strn(struct db_args *a, const char *s, size_t len);
void arg_bin(struct db_args *a, const void *bytes, size_t len);
void arg_money(struct db_args *a, money_t v);
void arg_qty(struct db_args *a, qty_t v);
void arg_null(struct db_args *a);
void arg_bool(struct db_args *a, bool v);

void db_cols_init(struct db_cols *c);
void col_i64(struct db_cols *c, int64_t *out);
void col_i32(struct db_cols *c, int32_t *out);
void col_bool(struct db_cols *c, bool *out);
/* A string column into buf (size bytes, terminated; longer values are cut). */
void col_str(struct db_cols *c, char *buf, size_t size);
void col_bin(struct db_cols *c, void *buf, size_t size);
void col_money(struct db_cols *c, money_t *out);
void col_qty(struct db_cols *c, qty_t *out);
/* Marks the column added last as nullable: *is_null says whether it was NULL
 * (the value is then 0 or ""). */
void col_nullable(struct db_cols *c, bool *is_null);

/* Executes a statement without a result. *affected (may be NULL) gets the
 * number of rows changed. A duplicate key answers EOS_EDUPKEY. */
int db_exec(struct db_conn *conn, struct db_sql *q, struct db_args *a,
            unsigned long long *affected);

/* The AUTO_INCREMENT value the last db_exec generated. */
int64_t db_insert_id(struct db_conn *conn, struct db_sql *q);

/* Executes a query and keeps its whole result; then db_fetch() row by row
 * (1: a row is in the columns, 0: no more, < 0 error) and db_done() at the end,
 * also after an error. */
int db_query(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c);
int db_fetch(struct db_conn *conn, struct db_sql *q, struct db_cols *c);
void db_done(struct db_conn *conn, struct db_sql *q);

/* Query expected to give at most one row: 1 found (columns filled), 0 none,
 * < 0 error. */
int db_query_one(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c);

/* Runs a query and collects every row: after each fetch the `size` bytes at
 * row (the struct the columns are bound into) are appended to a growing
 * array. *items (caller frees; NULL when empty) and *count are set even on
 * failure, with what was collected. */
int db_query_all(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c,
                 const void *row, size_t size, void **items, size_t *count);

/* The next result set of a script in flight (db_begin_snapshot_reading,
 * db_script_send), collected as db_query_all does. Result sets are taken in
 * the script's order; statements without one (SET, START) are passed over. */
int db_script_rows(struct db_conn *conn, struct db_cols *c, const void *row, size_t size,
                   void **items, size_t *count);

/* The prepared statement of q on conn (prepared on first use), or NULL with
 * the error set. For store files that need the raw API. */
MYSQL_STMT *db_stmt(struct db_conn *conn, struct db_sql *q);

#endif
