/*
 * migrate.c - schema migrations.
 *
 * A migration is a file schema/NNN_name.sql (NNN its version, ascending).
 * MariaDB commits DDL implicitly, so a migration is recorded only after every
 * statement in it succeeded; a migration that fails half-way must be mended by
 * hand (the log says which statement failed), which is why migrations are
 * small and create new objects rather than rewrite old ones.
 *
 * Hubs that start together (a cluster, each with `eosctl migrate` before
 * it) would run the same migration at once, and the second would fail on
 * what the first created. One process at a time holds a lease, a row in
 * schema_migration_lock claimed by its primary key; the others wait for it.
 * GET_LOCK would be simpler, but Galera refuses it; a row replicates. A
 * lease older than LEASE_STALE seconds is taken over: its holder died.
 */
#include "store/migrate.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "store/db_internal.h"
#include "store/stmt.h"

#define MAX_MIGRATIONS 256
#define MAX_SCRIPT (1024 * 1024)

DB_SQL(q_applied, "SELECT COUNT(*) FROM schema_migration WHERE version = ?");
DB_SQL(q_record, "INSERT INTO schema_migration (version, name) VALUES (?, ?)");

#define LEASE_STALE 300
DB_SQL(q_lease_take, "INSERT INTO schema_migration_lock (id, holder, since) "
                     "VALUES (1, ?, UTC_TIMESTAMP(6))");
DB_SQL(q_lease_steal, "UPDATE schema_migration_lock SET holder = ?, since = UTC_TIMESTAMP(6) "
                      "WHERE id = 1 AND since < UTC_TIMESTAMP(6) - INTERVAL 300 SECOND");
DB_SQL(q_lease_give, "DELETE FROM schema_migration_lock WHERE id = 1 AND holder = ?");

static bool name_ok(const char *name)
{
    if (str_empty(name) || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A migration file name: three digits, '_', something, ".sql". */
static int migration_version(const char *file)
{
    size_t len = strlen(file);

    if (len < 9 || file[3] != '_' || strcmp(file + len - 4, ".sql") != 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (file[i] < '0' || file[i] > '9')
            return -1;
    return (file[0] - '0') * 100 + (file[1] - '0') * 10 + (file[2] - '0');
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;

    if (!f)
        return NULL;
    buf = malloc(MAX_SCRIPT + 1);
    if (buf) {
        n = fread(buf, 1, MAX_SCRIPT, f);
        buf[n] = '\0';
        if (n == MAX_SCRIPT) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static int list_migrations(const char *dir, char **names, int *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return eos_err_set(EOS_EINVALID, "schema", "cannot read the schema directory %s", dir);
    while ((e = readdir(d)) != NULL) {
        if (migration_version(e->d_name) < 0)
            continue;
        if (n == MAX_MIGRATIONS) {
            closedir(d);
            for (int i = 0; i < n; i++)
                free(names[i]);
            return eos_err_set(EOS_ELIMIT, "schema", "too many migrations");
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
    /* A version is recorded by its number: a second file with it would
     * count as applied and never run. */
    for (int i = 1; i < n; i++) {
        if (migration_version(names[i]) == migration_version(names[i - 1])) {
            int rc = eos_err_set(EOS_EINVALID, "schema", "%s and %s have the same version",
                                 names[i - 1], names[i]);

            for (int k = 0; k < n; k++)
                free(names[k]);
            return rc;
        }
    }
    *count = n;
    return 0;
}

/* Waits until this process holds the migration lease (see the top). */
static int lease_take(struct db_conn *db, const char *holder)
{
    struct db_args a;
    unsigned long long stolen = 0;
    int rc;

    for (int round = 0;; round++) {
        db_args_init(&a);
        arg_str(&a, holder);
        rc = db_exec(db, &q_lease_take, &a, NULL);
        if (rc != EOS_EDUPKEY)
            return rc;
        db_args_init(&a);
        arg_str(&a, holder);
        if ((rc = db_exec(db, &q_lease_steal, &a, &stolen)) < 0)
            return rc;
        if (stolen > 0) {
            log_warn("migrate: took over a lease older than %d s: its holder is gone",
                     LEASE_STALE);
            return 0;
        }
        if (round == 0)
            log_info("migrate: another process is migrating this database; waiting for it");
        usleep(200 * 1000);
    }
}

static void lease_give(struct db_conn *db, const char *holder)
{
    struct db_args a;

    db_args_init(&a);
    arg_str(&a, holder);
    if (db_exec(db, &q_lease_give, &a, NULL) < 0)
        log_warn("migrate: cannot give the lease back; it lapses in %d s", LEASE_STALE);
}

static int apply_one(struct db_conn *db, const char *dir, const char *file, bool *applied)
{
    char path[1024];
    struct db_args a;
    struct db_cols c;
    int64_t seen = 0;
    char *script = NULL;
    int version = migration_version(file);
    int rc;

    *applied = false;
    db_args_init(&a);
    arg_i64(&a, version);
    db_cols_init(&c);
    col_i64(&c, &seen);
    rc = db_query_one(db, &q_applied, &a, &c);
    if (rc < 0)
        goto out;
    rc = 0;
    if (seen > 0)
        goto out;
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    script = read_file(path);
    if (!script) {
        rc = eos_err_set(EOS_EINVALID, "schema", "cannot read %s", path);
        goto out;
    }
    log_info("migrate: applying %s", file);
    rc = db_exec_script(db, script);
    if (rc < 0) {
        log_error("migrate: %s failed; the database may hold part of it", file);
        goto out;
    }
    db_args_init(&a);
    arg_i64(&a, version);
    arg_str(&a, file);
    rc = db_exec(db, &q_record, &a, NULL);
    if (rc == 0)
        *applied = true;
out:
    free(script);
    return rc;
}

int store_migrate(const struct db_config *cfg, const char *schema_dir, int *applied_out)
{
    struct db_conn *db = NULL;
    char *names[MAX_MIGRATIONS];
    static atomic_uint calls; /* two calls of one process are two holders */
    char sql[256], holder[200], host[100] = "";
    bool leased = false;
    int count = 0, applied = 0;
    int rc;

    if (!name_ok(cfg->name))
        return eos_err_set(EOS_EINVALID, "EOS_DB_NAME", "database names are letters, digits, _");
    rc = list_migrations(schema_dir, names, &count);
    if (rc < 0)
        return rc;
    rc = db_open_admin(&db, cfg);
    if (rc < 0)
        goto out;
    snprintf(sql, sizeof(sql),
             "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
             cfg->name);
    if ((rc = db_exec_text(db, sql)) < 0)
        goto out;
    if (mysql_select_db(db->mysql, cfg->name)) {
        rc = db_error(db, "select database");
        goto out;
    }
    rc = db_exec_text(db, "CREATE TABLE IF NOT EXISTS schema_migration ("
                          " version INT NOT NULL PRIMARY KEY,"
                          " name VARCHAR(200) NOT NULL,"
                          " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
                          ") ENGINE=InnoDB");
    if (rc < 0 ||
        (rc = db_exec_text(db, "CREATE TABLE IF NOT EXISTS schema_migration_lock ("
                               " id TINYINT NOT NULL PRIMARY KEY,"
                               " holder VARCHAR(200) NOT NULL,"
                               " since DATETIME(6) NOT NULL"
                               ") ENGINE=InnoDB")) < 0)
        goto out;
    (void)gethostname(host, sizeof(host) - 1);
    snprintf(holder, sizeof(holder), "%s:%ld:%u", host, (long)getpid(),
             atomic_fetch_add(&calls, 1));
    if ((rc = lease_take(db, holder)) < 0)
        goto out;
    leased = true;
    for (int i = 0; i < count; i++) {
        bool done = false;

        rc = apply_one(db, schema_dir, names[i], &done);
        if (rc < 0)
            goto out;
        applied += done;
    }
    if (applied_out)
        *applied_out = applied;
out:
    if (leased)
        lease_give(db, holder);
    for (int i = 0; i < count; i++)
        free(names[i]);
    db_close(db);
    return rc;
}

int store_drop_database(const struct db_config *cfg)
{
    struct db_conn *db = NULL;
    char sql[256];
    int rc;

    if (!name_ok(cfg->name))
        return eos_err_set(EOS_EINVALID, "EOS_DB_NAME", "database names are letters, digits, _");
    rc = db_open_admin(&db, cfg);
    if (rc < 0)
        return rc;
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", cfg->name);
    rc = db_exec_text(db, sql);
    db_close(db);
    return rc;
}
