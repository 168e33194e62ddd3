/*
 * db.c - MariaDB connections: open, session settings, reconnect, transactions,
 * and the translation of server errors into the hub's error codes.
 */
#include "store/db.h"
#include "store/db_internal.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"

/* Session settings every connection gets, whatever the server's defaults:
 * instants are UTC, text is utf8mb4, bad data is an error not a warning, and
 * reads see committed rows only (the feeds depend on it). */
static const char session_sql[] =
    "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, "
    "sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,"
    "NO_ZERO_DATE,NO_ZERO_IN_DATE', "
    "SESSION tx_isolation = 'READ-COMMITTED'";

static void env_copy(char *dst, size_t size, const char *name, const char *fallback)
{
    const char *v = getenv(name);

    str_copy(dst, size, str_empty(v) ? fallback : v);
}

void db_config_from_env(struct db_config *cfg)
{
    int64_t port = 0;

    memset(cfg, 0, sizeof(*cfg));
    env_copy(cfg->host, sizeof(cfg->host), "EOS_DB_HOST", "");
    env_copy(cfg->socket, sizeof(cfg->socket), "EOS_DB_SOCKET",
             str_empty(cfg->host) ? "var/run/mariadb.sock" : "");
    env_copy(cfg->user, sizeof(cfg->user), "EOS_DB_USER", "eos");
    env_copy(cfg->password, sizeof(cfg->password), "EOS_DB_PASSWORD", "eos");
    env_copy(cfg->name, sizeof(cfg->name), "EOS_DB_NAME", "eoshub");
    if (str_to_i64(getenv("EOS_DB_PORT"), &port) && port > 0 && port < 65536)
        cfg->port = (unsigned)port;
}

int db_error_from(struct db_conn *conn, unsigned code, const char *what, const char *detail)
{
    switch (code) {
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
        log_debug("db: %s: retryable conflict %u: %s", what, code, detail);
        return eos_err_set(EOS_ERETRY, NULL, "a concurrent change conflicted; retry");
    case ER_DUP_ENTRY:
    case ER_DUP_KEY:
        return eos_err_set(EOS_EDUPKEY, NULL, "duplicate");
    case ER_DATA_TOO_LONG:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_CONSTRAINT_FAILED:
    case ER_NO_REFERENCED_ROW_2:
        log_warn("db: %s: value refused by the schema (%u): %s", what, code, detail);
        return eos_err_set(EOS_EINVALID, NULL, "a value is out of the allowed range");
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_UNKNOWN_COM_ERROR: /* Galera: node not ready (WSREP has not yet prepared node) */
    case ER_QUERY_INTERRUPTED:
    case ER_ERROR_DURING_COMMIT: /* the outcome is unknown: the client's retry resolves it */
    case ER_OPTION_PREVENTS_STATEMENT: /* a read-only node (failover in progress) */
    case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
        if (conn)
            conn->broken = true;
        log_warn("db: %s: server unavailable (%u): %s", what, code, detail);
        return eos_err_set(EOS_EUNAVAIL, NULL, "the database is unavailable; retry later");
    default:
        log_error("db: %s: error %u: %s", what, code, detail);
        if (code >= 2000 && code < 3000 && conn)
            conn->broken = true; /* client-side errors leave the connection unknown */
        return eos_err_set(EOS_EINTERNAL, NULL, "internal database error");
    }
}

int db_error(struct db_conn *conn, const char *what)
{
    return db_error_from(conn, mysql_errno(conn->mysql), what, mysql_error(conn->mysql));
}

static int connect_mysql(struct db_conn *conn)
{
    const struct db_config *cfg = &conn->cfg;
    MYSQL *m = mysql_init(NULL);
    unsigned timeout = 5, rw_timeout = 30;
    /* Several statements per text query: migrations, the two statements
     * that open a snapshot, and read scripts (db_read_snapshot), each in one
     * round trip. Values from requests go only into prepared statements; a
     * script holds numbers the program formatted, so this opens no door to
     * injection. */
    unsigned long flags = CLIENT_MULTI_STATEMENTS;
    my_bool no_reconnect = 0;
    int rc = -1;

    if (!m)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    /* An administrator's connection waits as long as the server works: a
     * migration's ALTER of a large table takes minutes, and a client that
     * gave up would leave it running, unrecorded. */
    if (!conn->admin) {
        mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
        mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
    }
    /* Reconnecting silently would lose session settings and prepared
     * statements in the middle of a transaction: we do it ourselves. */
    mysql_optionsv(m, MYSQL_OPT_RECONNECT, &no_reconnect);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (!mysql_real_connect(m, str_empty(cfg->host) ? NULL : cfg->host, cfg->user, cfg->password,
                            conn->admin ? NULL : cfg->name, cfg->port,
                            str_empty(cfg->host) ? cfg->socket : NULL, flags)) {
        unsigned code = mysql_errno(m);

        log_warn("db: cannot connect to %s%s (%u): %s", str_empty(cfg->host) ? "socket " : "",
                 str_empty(cfg->host) ? cfg->socket : cfg->host, code, mysql_error(m));
        mysql_close(m);
        if (code == ER_BAD_DB_ERROR)
            return eos_err_set(EOS_EUNAVAIL, NULL, "the database does not exist; run eosctl migrate");
        return eos_err_set(EOS_EUNAVAIL, NULL, "the database is unavailable; retry later");
    }
    if (mysql_real_query(m, session_sql, sizeof(session_sql) - 1)) {
        rc = db_error_from(NULL, mysql_errno(m), "session setup", mysql_error(m));
        mysql_close(m);
        return rc;
    }
    conn->mysql = m;
    conn->broken = false;
    conn->in_tx = false;
    return 0;
}

static void drop_statements(struct db_conn *conn)
{
    for (int i = 0; i < DB_MAX_STMTS; i++) {
        if (conn->stmts[i]) {
            mysql_stmt_close(conn->stmts[i]);
            conn->stmts[i] = NULL;
        }
    }
}

static int open_conn(struct db_conn **out, const struct db_config *cfg, bool admin)
{
    struct db_conn *conn = calloc(1, sizeof(*conn));
    int rc;

    if (!conn)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    conn->cfg = *cfg;
    conn->admin = admin;
    rc = connect_mysql(conn);
    if (rc < 0) {
        free(conn);
        return rc;
    }
    *out = conn;
    return 0;
}

struct db_conn *db_new(const struct db_config *cfg)
{
    struct db_conn *conn = calloc(1, sizeof(*conn));

    if (conn) {
        conn->cfg = *cfg;
        conn->broken = true;
    }
    return conn;
}

int db_open(struct db_conn **out, const struct db_config *cfg)
{
    return open_conn(out, cfg, false);
}

int db_open_admin(struct db_conn **out, const struct db_config *cfg)
{
    return open_conn(out, cfg, true);
}

void db_close(struct db_conn *conn)
{
    if (!conn)
        return;
    drop_statements(conn);
    if (conn->mysql)
        mysql_close(conn->mysql);
    free(conn);
}

/* Closes the session at once: the server then rolls back what it held, and
 * its row locks go with it instead of outliving a client's timeout. */
static void disconnect(struct db_conn *conn)
{
    drop_statements(conn);
    if (conn->mysql) {
        mysql_close(conn->mysql);
        conn->mysql = NULL;
    }
    conn->broken = true;
    conn->in_tx = false;
    conn->script_more = false;
    conn->script_ends_tx = false;
}

int db_ensure(struct db_conn *conn)
{
    if (conn->mysql && !conn->broken)
        return 0;
    disconnect(conn);
    return connect_mysql(conn);
}

/* A Galera node serves only when it is synced with the cluster: a node that
 * is joining or cut off from the primary component answers pings while every
 * query fails. Standalone servers (wsrep off, or no wsrep at all) are ready. */
static bool cluster_ready(struct db_conn *conn)
{
    static const char on_sql[] = "SELECT @@wsrep_on";
    /* SHOW STATUS does not wait for causality (wsrep_sync_wait). */
    static const char state_sql[] =
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state')";
    bool ready = true, on = false;
    MYSQL_RES *res;
    MYSQL_ROW row;

    if (mysql_real_query(conn->mysql, on_sql, sizeof(on_sql) - 1) != 0)
        return true; /* 1193: a server without wsrep */
    if ((res = mysql_store_result(conn->mysql)) != NULL) {
        row = mysql_fetch_row(res);
        on = row && row[0] && strcmp(row[0], "1") == 0;
        mysql_free_result(res);
    }
    if (!on)
        return true;
    if (mysql_real_query(conn->mysql, state_sql, sizeof(state_sql) - 1) != 0 ||
        (res = mysql_store_result(conn->mysql)) == NULL)
        return false;
    while ((row = mysql_fetch_row(res)) != NULL) {
        if (!row[0] || !row[1])
            continue;
        if (strcmp(row[0], "wsrep_ready") == 0 && strcmp(row[1], "ON") != 0)
            ready = false;
        if (strcmp(row[0], "wsrep_local_state") == 0 && strcmp(row[1], "4") != 0)
            ready = false; /* 4: Synced */
    }
    mysql_free_result(res);
    return ready;
}

bool db_alive(struct db_conn *conn)
{
    /* A connection gone stale while idle (the server restarted, a proxy
     * failed over) is no verdict on the database: try a fresh one once. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (db_ensure(conn) < 0)
            return false;
        if (mysql_ping(conn->mysql) == 0)
            return cluster_ready(conn);
        conn->broken = true;
    }
    return false;
}

static int simple_query(struct db_conn *conn, const char *sql, size_t len, const char *what)
{
    if (db_ensure(conn) < 0)
        return eos_err_code();
    if (mysql_real_query(conn->mysql, sql, len))
        return db_error(conn, what);
    return 0;
}

static int start_plain(struct db_conn *conn, const char *reads)
{
    static const char sql[] = "START TRANSACTION";

    (void)reads;
    return simple_query(conn, sql, sizeof(sql) - 1, "begin");
}

#define SNAPSHOT_SQL                                       \
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; "     \
    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"

static int start_snapshot(struct db_conn *conn, const char *reads)
{
    (void)reads;
    return db_exec_script(conn, SNAPSHOT_SQL);
}

/* The snapshot with its reads and its end, as one script: the result sets
 * stay on the connection for db_script_rows(). */
static int start_snapshot_read(struct db_conn *conn, const char *reads)
{
    static const char head[] = SNAPSHOT_SQL "; ", tail[] = "; ROLLBACK";
    size_t len = sizeof(head) - 1 + strlen(reads) + sizeof(tail) - 1;
    char *sql = malloc(len + 1);
    int rc;

    if (!sql)
        return eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
    memcpy(sql, head, sizeof(head) - 1);
    strcpy(sql + sizeof(head) - 1, reads);
    strcat(sql, tail);
    rc = simple_query(conn, sql, len, "snapshot read");
    free(sql);
    conn->script_more = rc == 0;
    conn->script_ends_tx = rc == 0;
    return rc;
}

/* Starts a transaction. A connection found dead at this first statement (the
 * server restarted or failed over while the worker was idle) is opened again
 * once: nothing has been done on it yet, so nothing can be done twice. */
static int begin_with(struct db_conn *conn, int (*start)(struct db_conn *, const char *),
                      const char *reads)
{
    int rc = start(conn, reads);

    if (rc < 0 && conn->broken) {
        log_info("db: the connection was lost while idle; connecting again");
        rc = start(conn, reads);
    }
    if (rc == 0)
        conn->in_tx = true;
    return rc;
}

int db_begin(struct db_conn *conn)
{
    return begin_with(conn, start_plain, NULL);
}

int db_begin_snapshot(struct db_conn *conn)
{
    return begin_with(conn, start_snapshot, NULL);
}

int db_read_snapshot(struct db_conn *conn, const char *reads)
{
    /* Its START TRANSACTION would commit a transaction already open. */
    if (conn->in_tx) {
        log_error("db: a snapshot read inside a transaction");
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    return begin_with(conn, start_snapshot_read, reads);
}

int db_script(struct db_conn *conn, const char *reads)
{
    int rc = simple_query(conn, reads, strlen(reads), "script");

    conn->script_more = rc == 0;
    conn->script_ends_tx = false;
    return rc;
}

int db_commit(struct db_conn *conn)
{
    /* A script left unread (normally none) is read first: a failure there
     * rolls back, never leaves the work for the next BEGIN to commit. */
    int rc = db_script_end(conn);

    if (rc < 0) {
        db_rollback(conn);
        return rc;
    }
    if (mysql_commit(conn->mysql))
        rc = db_error(conn, "commit");
    conn->in_tx = false;
    if (conn->broken)
        disconnect(conn);
    return rc;
}

int db_script_end(struct db_conn *conn)
{
    bool ended = false;
    int rc = 0;

    while (conn->script_more) {
        MYSQL_RES *res = mysql_store_result(conn->mysql);
        int status;

        if (res) {
            mysql_free_result(res);
        } else if (mysql_field_count(conn->mysql) != 0) {
            /* Its rows failed midway: the server stopped the script there,
             * before a snapshot read's ROLLBACK. */
            rc = db_error(conn, "script result");
            conn->script_more = false;
            break;
        }
        status = mysql_next_result(conn->mysql);
        conn->script_more = status == 0;
        ended = status < 0;
        if (status > 0)
            rc = db_error(conn, "script");
    }
    /* The last statement, a snapshot read's ROLLBACK, ran: nothing is open. */
    if (ended && conn->script_ends_tx)
        conn->in_tx = false;
    if (!conn->script_more)
        conn->script_ends_tx = false;
    return rc;
}

void db_rollback(struct db_conn *conn)
{
    if (!conn->in_tx)
        return;
    (void)db_script_end(conn);
    if (!conn->in_tx)
        return;
    conn->in_tx = false;
    if (conn->broken || !conn->mysql || mysql_rollback(conn->mysql)) {
        disconnect(conn); /* the server rolls back what the session held */
        return;
    }
}

int db_exec_text(struct db_conn *conn, const char *sql)
{
    return simple_query(conn, sql, strlen(sql), "statement");
}

int db_exec_script(struct db_conn *conn, const char *sql)
{
    int status;

    if (simple_query(conn, sql, strlen(sql), "script") < 0)
        return eos_err_code();
    /* Drain every statement's result; the first failure stops the script. */
    do {
        MYSQL_RES *res = mysql_store_result(conn->mysql);

        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(conn->mysql) != 0)
            return db_error(conn, "script result");
        status = mysql_next_result(conn->mysql);
        if (status > 0)
            return db_error(conn, "script");
    } while (status == 0);
    return 0;
}

const char *db_name(const struct db_conn *conn)
{
    return conn->cfg.name;
}
