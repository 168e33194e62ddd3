/*
 * rows.h - handing the rows of a batch read to the views they belong to.
 *
 * A batch read (order_details.c, returns.c) asks for one part of many
 * objects at once: the rows come back ordered by their object's id, each row
 * a struct whose first member is that int64 id, followed by the part's own
 * struct (the payload). Each view gets a new array of its payloads.
 */
#ifndef EOS_STORE_ROWS_H
#define EOS_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "base/jbuf.h"
#include "core/order_view.h"
#include "store/stmt.h"

/* The views of a batch: n structs of `size` bytes, each with its int64 id
 * `id_off` bytes in. */
struct view_set {
    void *views;
    size_t n;
    size_t size;
    size_t id_off;
};

/* Takes the read script's next result set (rows bound by c into the struct
 * at row, row_size bytes) and copies the payload of each view's rows
 * (payload bytes, `off` bytes into each row) into a new array (caller's,
 * freed with the view), stored `arr` bytes into the view, with its count
 * (size_t) `cnt` bytes in. Rows of an id no view has are dropped. 0, or < 0
 * (the views keep what was handed so far). */
int rows_take(struct db_conn *db, const struct view_set *set, struct db_cols *c, const void *row,
              size_t row_size, size_t off, size_t payload, size_t arr, size_t cnt);

/* The view with this id, or NULL. */
void *view_find(const struct view_set *set, int64_t id);

/* Appends "<select>WHERE <column> IN (<ids>) <order>" to a read script
 * (ids: "1,2,3"), after a "; " when the script has a statement already. */
void script_select_in(struct jbuf *j, const char *select, const char *column, const char *ids,
                      const char *order);

/* Binds a history entry's columns (at, from, to, actor, reason, version),
 * in the order the history SELECTs of orders and returns give them. */
void cols_history(struct db_cols *c, struct history_view *v);

#endif
