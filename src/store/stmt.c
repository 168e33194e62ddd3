/*
 * stmt.c - prepared statements cached per connection, argument and column
 * binding, and the conversions of DECIMAL text to fixed-point values.
 */
#include "store/stmt.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "store/db_internal.h"

static atomic_int next_slot;

/* Gives q its slot number the first time any connection uses it. */
static int slot_of(struct db_sql *q)
{
    int slot = __atomic_load_n(&q->slot, __ATOMIC_ACQUIRE);

    if (slot < 0) {
        int mine = atomic_fetch_add(&next_slot, 1);
        int expected = -1;

        if (__atomic_compare_exchange_n(&q->slot, &expected, mine, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            slot = mine;
        else
            slot = expected; /* another thread numbered it first; ours is wasted */
    }
    return slot;
}

MYSQL_STMT *db_stmt(struct db_conn *conn, struct db_sql *q)
{
    int slot = slot_of(q);
    MYSQL_STMT *st;

    if (slot >= DB_MAX_STMTS) {
        eos_err_set(EOS_EINTERNAL, NULL, "internal error");
        log_error("db: more than %d distinct statements; raise DB_MAX_STMTS", DB_MAX_STMTS);
        return NULL;
    }
    if (db_ensure(conn) < 0)
        return NULL;
    st = conn->stmts[slot];
    if (st)
        return st;
    st = mysql_stmt_init(conn->mysql);
    if (!st) {
        db_error(conn, "stmt init");
        return NULL;
    }
    if (mysql_stmt_prepare(st, q->text, (unsigned long)strlen(q->text))) {
        db_error_from(conn, mysql_stmt_errno(st), q->text, mysql_stmt_error(st));
        mysql_stmt_close(st);
        return NULL;
    }
    conn->stmts[slot] = st;
    return st;
}

/* ------------------------------------------------------------ arguments */

void db_args_init(struct db_args *a)
{
    a->count = 0;
    a->overflow = false;
}

static MYSQL_BIND *next_arg(struct db_args *a)
{
    MYSQL_BIND *b;

    if (a->count >= DB_MAX_ARGS) {
        a->overflow = true;
        return NULL;
    }
    b = &a->bind[a->count];
    memset(b, 0, sizeof(*b));
    a->is_null[a->count] = 0;
    a->length[a->count] = 0;
    b->is_null = &a->is_null[a->count];
    b->length = &a->length[a->count];
    a->count++;
    return b;
}

void arg_i64(struct db_args *a, int64_t v)
{
    MYSQL_BIND *b = next_arg(a);

    if (!b)
        return;
    a->value[a->count - 1].i = v;
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = &a->value[a->count - 1].i;
}

void arg_bool(struct db_args *a, bool v)
{
    arg_i64(a, v ? 1 : 0);
}

void arg_strn(struct db_args *a, const char *s, size_t len)
{
    MYSQL_BIND *b = next_arg(a);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_STRING;
    if (!s) {
        a->is_null[a->count - 1] = 1;
        return;
    }
    /* The statement reads the caller's string during execute; db_args lives
     * no longer than the call that runs it. */
    b->buffer = (void *)s;
    b->buffer_length = (unsigned long)len;
    a->length[a->count - 1] = (unsigned long)len;
}

void arg_str(struct db_args *a, const char *s)
{
    arg_strn(a, s, s ? strlen(s) : 0);
}

void arg_bin(struct db_args *a, const void *bytes, size_t len)
{
    MYSQL_BIND *b = next_arg(a);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_BLOB;
    if (!bytes) {
        a->is_null[a->count - 1] = 1;
        return;
    }
    b->buffer = (void *)bytes;
    b->buffer_length = (unsigned long)len;
    a->length[a->count - 1] = (unsigned long)len;
}

static void arg_text_copy(struct db_args *a, const char *text)
{
    MYSQL_BIND *b = next_arg(a);
    char *dst;
    size_t len;

    if (!b)
        return;
    dst = a->value[a->count - 1].text;
    len = strlen(text);
    if (len >= DB_NUM_STR)
        len = DB_NUM_STR - 1;
    memcpy(dst, text, len);
    dst[len] = '\0';
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = dst;
    b->buffer_length = (unsigned long)len;
    a->length[a->count - 1] = (unsigned long)len;
}

void arg_money(struct db_args *a, money_t v)
{
    char buf[MONEY_STR_MAX];

    arg_text_copy(a, money_format(buf, sizeof(buf), v));
}

void arg_qty(struct db_args *a, qty_t v)
{
    char buf[QTY_STR_MAX];

    arg_text_copy(a, qty_format(buf, sizeof(buf), v));
}

void arg_null(struct db_args *a)
{
    MYSQL_BIND *b = next_arg(a);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_NULL;
    a->is_null[a->count - 1] = 1;
}

/* ------------------------------------------------------------ columns */

void db_cols_init(struct db_cols *c)
{
    c->count = 0;
    c->overflow = false;
}

static MYSQL_BIND *next_col(struct db_cols *c)
{
    MYSQL_BIND *b;
    unsigned i = c->count;

    if (i >= DB_MAX_COLS) {
        c->overflow = true;
        return NULL;
    }
    b = &c->bind[i];
    memset(b, 0, sizeof(*b));
    b->is_null = &c->is_null[i];
    b->length = &c->length[i];
    b->error = &c->error[i];
    c->null_out[i] = NULL;
    c->conv[i] = CONV_NONE;
    c->conv_out[i] = NULL;
    c->count++;
    return b;
}

void col_i64(struct db_cols *c, int64_t *out)
{
    MYSQL_BIND *b = next_col(c);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_LONGLONG;
    b->buffer = out;
}

void col_i32(struct db_cols *c, int32_t *out)
{
    MYSQL_BIND *b = next_col(c);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_LONG;
    b->buffer = out;
}

void col_bool(struct db_cols *c, bool *out)
{
    MYSQL_BIND *b = next_col(c);

    if (!b)
        return;
    /* Fetched as a tiny int into the text scratch, converted after the fetch. */
    b->buffer_type = MYSQL_TYPE_TINY;
    b->buffer = c->conv_text[c->count - 1];
    c->conv_out[c->count - 1] = out;
}

void col_str(struct db_cols *c, char *buf, size_t size)
{
    MYSQL_BIND *b = next_col(c);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = buf;
    b->buffer_length = (unsigned long)size;
}

void col_bin(struct db_cols *c, void *buf, size_t size)
{
    MYSQL_BIND *b = next_col(c);

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_BLOB;
    b->buffer = buf;
    b->buffer_length = (unsigned long)size;
}

static void col_decimal(struct db_cols *c, void *out, enum db_conv conv)
{
    MYSQL_BIND *b = next_col(c);
    unsigned i = c->count - 1;

    if (!b)
        return;
    b->buffer_type = MYSQL_TYPE_STRING;
    b->buffer = c->conv_text[i];
    b->buffer_length = DB_NUM_STR;
    c->conv[i] = conv;
    c->conv_out[i] = out;
}

void col_money(struct db_cols *c, money_t *out)
{
    col_decimal(c, out, CONV_MONEY);
}

void col_qty(struct db_cols *c, qty_t *out)
{
    col_decimal(c, out, CONV_QTY);
}

void col_nullable(struct db_cols *c, bool *is_null)
{
    if (c->count > 0)
        c->null_out[c->count - 1] = is_null;
}

/* After a fetch: terminate strings, convert decimals and booleans, report
 * NULLs. A NULL in a column not marked nullable reads as zero or "". */
static int finish_row(struct db_cols *c)
{
    for (unsigned i = 0; i < c->count; i++) {
        MYSQL_BIND *b = &c->bind[i];
        bool null = c->is_null[i];

        if (c->null_out[i])
            *c->null_out[i] = null;
        if (b->buffer_type == MYSQL_TYPE_STRING || b->buffer_type == MYSQL_TYPE_BLOB) {
            unsigned long len = c->length[i];
            char *text = b->buffer;

            if (null)
                len = 0;
            if (b->buffer_type == MYSQL_TYPE_STRING) {
                if (len >= b->buffer_length)
                    len = b->buffer_length - 1;
                text[len] = '\0';
            }
        }
        if (b->buffer_type == MYSQL_TYPE_TINY && c->conv_out[i]) {
            *(bool *)c->conv_out[i] = !null && c->conv_text[i][0] != 0;
        } else if (c->conv[i] != CONV_NONE) {
            int64_t v = 0;
            int rc = 0;

            if (!null)
                rc = c->conv[i] == CONV_MONEY ? money_parse(&v, c->conv_text[i], "db")
                                              : qty_parse(&v, c->conv_text[i], "db");
            if (rc < 0) {
                log_error("db: cannot read decimal '%s'", c->conv_text[i]);
                return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
            }
            *(int64_t *)c->conv_out[i] = v;
        } else if (null && b->buffer_type == MYSQL_TYPE_LONGLONG) {
            *(int64_t *)b->buffer = 0;
        } else if (null && b->buffer_type == MYSQL_TYPE_LONG) {
            *(int32_t *)b->buffer = 0;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ execution */

/* A statement that failed (a deadlock, a lock wait timeout) is reset before
 * anyone runs it again: a cached statement left mid-result answers its next
 * execution with "server has gone away". Returns the error code. */
static int stmt_failed(struct db_conn *conn, MYSQL_STMT *st, struct db_sql *q)
{
    int rc = db_error_from(conn, mysql_stmt_errno(st), q->text, mysql_stmt_error(st));

    mysql_stmt_reset(st);
    return rc;
}

static int bind_and_execute(struct db_conn *conn, MYSQL_STMT *st, struct db_sql *q,
                            struct db_args *a)
{
    if (a && a->overflow) {
        log_error("db: too many arguments for: %s", q->text);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    if (mysql_stmt_param_count(st) != (a ? a->count : 0)) {
        log_error("db: %lu parameters, %u bound: %s", mysql_stmt_param_count(st),
                  a ? a->count : 0, q->text);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    if (a && a->count && mysql_stmt_bind_param(st, a->bind))
        return db_error_from(conn, mysql_stmt_errno(st), q->text, mysql_stmt_error(st));
    if (mysql_stmt_execute(st))
        return stmt_failed(conn, st, q);
    return 0;
}

int db_exec(struct db_conn *conn, struct db_sql *q, struct db_args *a,
            unsigned long long *affected)
{
    MYSQL_STMT *st = db_stmt(conn, q);
    int rc;

    if (!st)
        return eos_err_code();
    rc = bind_and_execute(conn, st, q, a);
    if (rc == 0 && affected)
        *affected = mysql_stmt_affected_rows(st);
    return rc;
}

int64_t db_insert_id(struct db_conn *conn, struct db_sql *q)
{
    MYSQL_STMT *st = db_stmt(conn, q);

    return st ? (int64_t)mysql_stmt_insert_id(st) : 0;
}

int db_query(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c)
{
    MYSQL_STMT *st = db_stmt(conn, q);
    int rc;

    if (!st)
        return eos_err_code();
    if (c->overflow) {
        log_error("db: too many columns for: %s", q->text);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    if (mysql_stmt_field_count(st) != c->count) {
        log_error("db: %u columns, %u bound: %s", mysql_stmt_field_count(st), c->count, q->text);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    rc = bind_and_execute(conn, st, q, a);
    if (rc < 0)
        return rc;
    if (mysql_stmt_bind_result(st, c->bind) || mysql_stmt_store_result(st)) {
        rc = stmt_failed(conn, st, q);
        mysql_stmt_free_result(st);
        return rc;
    }
    return 0;
}

int db_fetch(struct db_conn *conn, struct db_sql *q, struct db_cols *c)
{
    MYSQL_STMT *st = conn->stmts[q->slot];
    int r = mysql_stmt_fetch(st);

    if (r == MYSQL_NO_DATA)
        return 0;
    if (r == 1)
        return stmt_failed(conn, st, q);
    /* MYSQL_DATA_TRUNCATED: a string longer than its buffer; finish_row cuts it. */
    if (finish_row(c) < 0)
        return eos_err_code();
    return 1;
}

void db_done(struct db_conn *conn, struct db_sql *q)
{
    if (q->slot >= 0 && q->slot < DB_MAX_STMTS && conn->stmts[q->slot])
        mysql_stmt_free_result(conn->stmts[q->slot]);
}

int db_query_one(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c)
{
    int rc = db_query(conn, q, a, c);

    if (rc < 0)
        return rc;
    rc = db_fetch(conn, q, c);
    db_done(conn, q);
    return rc;
}

/* Appends the `size` bytes at row to the growing array *arr (cap rows). */
static int append_row(char **arr, size_t *cap, size_t *count, const void *row, size_t size)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        char *grown = realloc(*arr, ncap * size);

        if (!grown)
            return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        *arr = grown;
        *cap = ncap;
    }
    memcpy(*arr + *count * size, row, size);
    (*count)++;
    return 0;
}

int db_query_all(struct db_conn *conn, struct db_sql *q, struct db_args *a, struct db_cols *c,
                 const void *row, size_t size, void **items, size_t *count)
{
    size_t cap = 0;
    char *arr = NULL;
    int rc;

    *items = NULL;
    *count = 0;
    rc = db_query(conn, q, a, c);
    if (rc < 0)
        return rc;
    while ((rc = db_fetch(conn, q, c)) == 1)
        if ((rc = append_row(&arr, &cap, count, row, size)) < 0)
            break;
    db_done(conn, q);
    *items = arr;
    return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ read scripts */

/* One text-protocol row into the columns, as a prepared fetch would leave
 * it, then the same finishing. */
static int text_row(struct db_cols *c, MYSQL_ROW row, const unsigned long *len)
{
    for (unsigned i = 0; i < c->count; i++) {
        MYSQL_BIND *b = &c->bind[i];
        const char *text = row[i];
        unsigned long n = text ? len[i] : 0;

        c->is_null[i] = text == NULL;
        c->length[i] = n;
        switch (b->buffer_type) {
        case MYSQL_TYPE_LONGLONG:
            *(int64_t *)b->buffer = text ? strtoll(text, NULL, 10) : 0;
            break;
        case MYSQL_TYPE_LONG:
            *(int32_t *)b->buffer = text ? (int32_t)strtol(text, NULL, 10) : 0;
            break;
        case MYSQL_TYPE_TINY:
            *(char *)b->buffer = (char)(text && strtol(text, NULL, 10) != 0);
            break;
        case MYSQL_TYPE_STRING:
            memcpy(b->buffer, text ? text : "", n < b->buffer_length ? n : b->buffer_length - 1);
            break;
        default: /* MYSQL_TYPE_BLOB */
            memcpy(b->buffer, text ? text : "", n < b->buffer_length ? n : b->buffer_length);
            break;
        }
    }
    return finish_row(c);
}

/* Moves to the script's next result, if any. */
static int script_next(struct db_conn *conn)
{
    int status = mysql_next_result(conn->mysql);

    conn->script_more = status == 0;
    return status > 0 ? db_error(conn, "script") : 0;
}

int db_script_rows(struct db_conn *conn, struct db_cols *c, const void *row, size_t size,
                   void **items, size_t *count)
{
    MYSQL_RES *res;
    MYSQL_ROW r;
    size_t cap = 0;
    char *arr = NULL;
    int rc = 0;

    *items = NULL;
    *count = 0;
    /* SET and START TRANSACTION answer without a result set: past them. */
    while (conn->script_more && mysql_field_count(conn->mysql) == 0)
        if ((rc = script_next(conn)) < 0)
            return rc;
    if (!conn->script_more) {
        log_error("db: the script has fewer result sets than are read");
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    if (c->overflow || mysql_field_count(conn->mysql) != c->count) {
        log_error("db: %u columns in the script's result, %u bound",
                  mysql_field_count(conn->mysql), c->count);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    if (!(res = mysql_store_result(conn->mysql))) {
        /* The statement failed while sending its rows, and the server
         * stopped the script with it: nothing more comes, not even a
         * snapshot read's ROLLBACK (db_rollback ends the transaction). */
        conn->script_more = false;
        return db_error(conn, "script result");
    }
    while (rc == 0 && (r = mysql_fetch_row(res)) != NULL) {
        if ((rc = text_row(c, r, mysql_fetch_lengths(res))) == 0)
            rc = append_row(&arr, &cap, count, row, size);
    }
    mysql_free_result(res);
    *items = arr;
    if (rc == 0)
        rc = script_next(conn);
    return rc;
}
