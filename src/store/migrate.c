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
 * GET_LOCK would be simpler, but Galera refuses it; a row replicates. The
 * holder renews the lease after every migration and gives up when it finds
 * it taken; a lease not renewed for LEASE_STALE seconds is taken over, its
 * holder having died (a single migration must take less than that).
 */
#include "store/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
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

#define LEASE_STALE 900

/* The lease's row. Its statements name the database, since a connection
 * opened again after a failure has none selected; the holder is made of
 * characters that need no quoting (see store_migrate). */
struct lease {
    struct db_conn *db;
    const char *database;
    char holder[160];
};

/* Runs one lease statement (fmt: the database, then the holder); *affected
 * gets the rows it changed. */
static int lease_exec(struct lease *l, const char *fmt, unsigned long long *affected)
{
    char sql[512];
    int rc;

    snprintf(sql, sizeof(sql), fmt, l->database, l->holder);
    rc = db_exec_text(l->db, sql);
    if (affected)
        *affected = rc == 0 ? mysql_affected_rows(l->db->mysql) : 0;
    return rc;
}

#define LEASE_TAKE "INSERT INTO `%s`.schema_migration_lock (id, holder, since) " \
                   "VALUES (1, '%s', UTC_TIMESTAMP(6))"
#define LEASE_STEAL                                                                   \
    "UPDATE `%s`.schema_migration_lock SET holder = '%s', since = UTC_TIMESTAMP(6) " \
    "WHERE id = 1 AND since < UTC_TIMESTAMP(6) - INTERVAL " XSTR(LEASE_STALE) " SECOND"
#define LEASE_RENEW "UPDATE `%s`.schema_migration_lock SET since = UTC_TIMESTAMP(6) " \
                    "WHERE id = 1 AND holder = '%s'"
#define LEASE_GIVE "DELETE FROM `%s`.schema_migration_lock WHERE id = 1 AND holder = '%s'"
#define XSTR(x) STR(x)
#define STR(x) #x

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

/* Waits until this process holds the migration lease (see the top). A
 * Galera certification conflict with another taker is a wait, as a taken
 * row is. */
static int lease_take(struct lease *l)
{
    unsigned long long stolen = 0;
    int rc;

    for (int round = 0;; round++) {
        rc = lease_exec(l, LEASE_TAKE, NULL);
        if (rc != EOS_EDUPKEY && rc != EOS_ERETRY)
            return rc;
        rc = lease_exec(l, LEASE_STEAL, &stolen);
        if (rc < 0 && rc != EOS_ERETRY)
            return rc;
        if (rc == 0 && stolen > 0) {
            log_warn("migrate: took over a lease not renewed for %d s: its holder is gone",
                     LEASE_STALE);
            return 0;
        }
        if (round == 0)
            log_info("migrate: another process is migrating this database; waiting for it");
        usleep(200 * 1000);
    }
}

/* Keeps the lease, or says it was lost (taken over: this process was too
 * slow, and another may be migrating now). */
static int lease_renew(struct lease *l)
{
    unsigned long long renewed = 0;
    int rc = lease_exec(l, LEASE_RENEW, &renewed);

    if (rc == 0 && renewed == 0)
        rc = eos_err_set(EOS_EINTERNAL, "schema",
                         "the migration lease was taken over: another process migrates now");
    return rc;
}

static void lease_give(struct lease *l)
{
    if (lease_exec(l, LEASE_GIVE, NULL) < 0)
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

/* Who holds the lease, for the log and the row: host, pid and a random
 * part (containers may share both), in characters that need no quoting. */
static void holder_name(char *out, size_t size)
{
    char host[64] = "";
    unsigned random = 0;

    (void)gethostname(host, sizeof(host) - 1);
    for (char *p = host; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
            *p = '_';
    if (getrandom(&random, sizeof(random), 0) != (ssize_t)sizeof(random))
        random = (unsigned)time(NULL);
    snprintf(out, size, "%s:%ld:%08x", host, (long)getpid(), random);
}

int store_migrate(const struct db_config *cfg, const char *schema_dir, int *applied_out)
{
    struct db_conn *db = NULL;
    char *names[MAX_MIGRATIONS];
    char sql[256];
    struct lease lease = {NULL, cfg->name, ""};
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
    lease.db = db;
    holder_name(lease.holder, sizeof(lease.holder));
    if ((rc = lease_take(&lease)) < 0)
        goto out;
    leased = true;
    for (int i = 0; i < count; i++) {
        bool done = false;

        if ((rc = apply_one(db, schema_dir, names[i], &done)) < 0 ||
            (done && (rc = lease_renew(&lease)) < 0))
            goto out;
        applied += done;
    }
    if (applied_out)
        *applied_out = applied;
out:
    if (leased)
        lease_give(&lease);
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
