/*
 * db_internal.h - what store/ files share about a connection. Not for svc/.
 */
#ifndef EOS_STORE_DB_INTERNAL_H
#define EOS_STORE_DB_INTERNAL_H

#include <mysql.h>
#include <stdbool.h>

#include "store/db.h"

/* Upper bound on distinct SQL texts in the program; db_stmt() fails past it. */
#define DB_MAX_STMTS 256

struct db_conn {
    MYSQL *mysql;
    struct db_config cfg;
    bool admin;   /* no default database, multi-statement scripts allowed */
    bool broken;  /* the server went away: reconnect before the next use */
    bool in_tx;   /* a transaction is open */
    bool script_more;    /* a script's result is on the connection, not yet read */
    bool script_ends_tx; /* the script in flight ends with the transaction's end */
    MYSQL_STMT *stmts[DB_MAX_STMTS]; /* by struct db_sql slot */
};

/* Sets the thread's error from the connection's last MariaDB error and
 * returns the hub's code for it; the server's text is logged, never returned. */
int db_error(struct db_conn *conn, const char *what);
int db_error_from(struct db_conn *conn, unsigned code, const char *what, const char *detail);

#endif
