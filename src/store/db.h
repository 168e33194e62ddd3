/*
 * db.h - one MariaDB connection, its transactions and its settings.
 *
 * A struct db_conn belongs to one thread (a hub worker, a tool). It keeps the
 * statements it prepared, so each SQL text is prepared once per connection.
 * When the server goes away (restart, network), the failing call answers
 * EOS_EUNAVAIL and marks the connection broken; the next db_ensure() opens a
 * new one, and statements are prepared again on first use.
 *
 * Deadlocks, lock wait timeouts and Galera certification failures answer
 * EOS_ERETRY: the caller rolls back and runs its whole use case again.
 */
#ifndef EOS_STORE_DB_H
#define EOS_STORE_DB_H

#include <stdbool.h>

struct db_config {
    char host[256];     /* "" : use the socket */
    unsigned port;      /* 0: default 3306 */
    char socket[256];   /* unix socket path, used when host is "" */
    char user[64];
    char password[128];
    char name[64];      /* database */
};

struct db_conn;

/* Fills cfg from EOS_DB_HOST, EOS_DB_PORT, EOS_DB_SOCKET, EOS_DB_USER,
 * EOS_DB_PASSWORD and EOS_DB_NAME; without host or socket, the private server's
 * socket var/run/mariadb.sock (relative to the working directory). */
void db_config_from_env(struct db_config *cfg);

/* Connects and prepares the session (UTC, utf8mb4, strict mode, READ COMMITTED).
 * On success *out is the caller's, closed with db_close(). */
int db_open(struct db_conn **out, const struct db_config *cfg);

/* A connection object that connects on first use (db_ensure), so a hub can
 * start while its database is still away. NULL only when out of memory. */
struct db_conn *db_new(const struct db_config *cfg);

/* Like db_open but without selecting a database, and allowing several
 * statements per query (migrations). */
int db_open_admin(struct db_conn **out, const struct db_config *cfg);

/* Closes the connection and frees its statements; NULL does nothing. */
void db_close(struct db_conn *conn);

/* Makes sure the connection is usable, reconnecting if it broke.
 * Fails with EOS_EUNAVAIL while the server is unreachable. */
int db_ensure(struct db_conn *conn);

/* True when the server answered a ping just now. */
bool db_alive(struct db_conn *conn);

int db_begin(struct db_conn *conn);
/* A read-only transaction on one consistent snapshot (REPEATABLE READ for
 * this transaction only), for reads made of several queries. */
int db_begin_snapshot(struct db_conn *conn);
/* A read of several queries on one consistent snapshot in one round trip:
 * the snapshot's start, reads (SELECTs separated by ';') and its end go as one
 * script. The result sets are taken in order with db_script_rows()
 * (store/stmt.h), then db_script_end() reads the end. The text holds only
 * numbers the program formatted, never a value from a request: those go
 * through prepared statements. After a failure, db_rollback() ends it. Not
 * inside a transaction (EOS_EINTERNAL): its start would commit that one. */
int db_read_snapshot(struct db_conn *conn, const char *reads);
/* The same reads inside the transaction that is open (or none): a batch of
 * orders' parts in one round trip. */
int db_script(struct db_conn *conn, const char *reads);
/* Reads what is left of the script, a snapshot read's end included. */
int db_script_end(struct db_conn *conn);
int db_commit(struct db_conn *conn);
/* Rolls back if a transaction is open; safe to call at any time. */
void db_rollback(struct db_conn *conn);

/* Runs SQL text with no parameters and no result (DDL, SET). */
int db_exec_text(struct db_conn *conn, const char *sql);

/* Runs a script of several statements (a migration file). */
int db_exec_script(struct db_conn *conn, const char *sql);

/* The database name the connection was opened with. */
const char *db_name(const struct db_conn *conn);

#endif
