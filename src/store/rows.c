/*
 * rows.c - handing the rows of a batch read to their views.
 */
#include "store/rows.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

static int64_t id_at(const void *p)
{
    int64_t id;

    memcpy(&id, p, sizeof(id));
    return id;
}

void *view_find(const struct view_set *set, int64_t id)
{
    char *v = set->views;

    for (size_t i = 0; i < set->n; i++, v += set->size)
        if (id_at(v + set->id_off) == id)
            return v;
    return NULL;
}

/* Hands each view its rows' payloads (rows_take). */
static int rows_distribute(const struct view_set *set, const void *rows, size_t nrows,
                           size_t row_size, size_t off, size_t payload, size_t arr, size_t cnt)
{
    const char *r = rows;
    size_t i = 0;

    while (i < nrows) {
        int64_t id = id_at(r + i * row_size);
        char *v = view_find(set, id);
        size_t k = i;
        char *items;

        while (k < nrows && id_at(r + k * row_size) == id)
            k++;
        if (v) {
            size_t count = k - i;

            if (!(items = malloc(count * payload)))
                return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
            for (size_t j = 0; j < count; j++)
                memcpy(items + j * payload, r + (i + j) * row_size + off, payload);
            memcpy(v + arr, &items, sizeof(items));
            memcpy(v + cnt, &count, sizeof(count));
        }
        i = k;
    }
    return 0;
}

void script_select_in(struct jbuf *j, const char *select, const char *column, const char *ids,
                      const char *order)
{
    if (j->len)
        jbuf_raw(j, "; ");
    jbuf_raw(j, select);
    jbuf_raw(j, "WHERE ");
    jbuf_raw(j, column);
    jbuf_raw(j, " IN (");
    jbuf_raw(j, ids);
    jbuf_raw(j, ") ");
    jbuf_raw(j, order);
}

int rows_take(struct db_conn *db, const struct view_set *set, struct db_cols *c, const void *row,
              size_t row_size, size_t off, size_t payload, size_t arr, size_t cnt)
{
    void *rows = NULL;
    size_t n = 0;
    int rc = db_script_rows(db, c, row, row_size, &rows, &n);

    if (rc == 0)
        rc = rows_distribute(set, rows, n, row_size, off, payload, arr, cnt);
    free(rows);
    return rc;
}

void cols_history(struct db_cols *c, struct history_view *v)
{
    col_i64(c, &v->at);
    col_str(c, v->from_status, sizeof(v->from_status));
    col_str(c, v->to_status, sizeof(v->to_status));
    col_str(c, v->actor, sizeof(v->actor));
    col_str(c, v->reason, sizeof(v->reason));
    col_i32(c, &v->version);
}
