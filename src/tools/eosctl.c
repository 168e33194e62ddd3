/*
 * eosctl.c - the operator's command line: schema migrations, parties, users,
 * demo data.
 *
 *   eosctl migrate
 *   eosctl party add --code C --name N --kind SELLER|BUYER|OPERATOR [--currency CNY]
 *                    [--seller CODE] [--credit-limit AMOUNT]
 *   eosctl user add USERNAME --role BUYER|SELLER|ADMIN --party CODE [--authority PCT]
 *                    (password read from stdin)
 *   eosctl demo
 *
 * The database comes from EOS_DB_* (see INSTALL); the key that seals passwords
 * for WS-Security digest from EOS_SECRET_KEY_FILE. Exit status: 0 success,
 * 1 failure, 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/str.h"
#include "core/money.h"
#include "core/secretbox.h"
#include "store/db.h"
#include "store/migrate.h"
#include "svc/admin.h"

#define EXIT_USAGE 2

struct command {
    const char *name;    /* "party add" */
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
};

static int cmd_help(int argc, char **argv);

static int usage_error(const char *usage, const char *msg)
{
    fprintf(stderr, "eosctl: %s\nusage: eosctl %s\n", msg, usage);
    return EXIT_USAGE;
}

static int report(int rc, const char *what)
{
    if (rc == 0)
        return 0;
    fprintf(stderr, "eosctl: %s failed: %s%s%s%s (%s)\n", what, eos_err_message(),
            eos_err_field() ? " [" : "", eos_err_field() ? eos_err_field() : "",
            eos_err_field() ? "]" : "", eos_err_name(rc));
    return 1;
}

static int load_key(struct secret_key *key)
{
    const char *path = getenv("EOS_SECRET_KEY_FILE");

    memset(key, 0, sizeof(*key));
    if (str_empty(path))
        return 0;
    return secret_key_load(key, path);
}

static int with_db(int (*fn)(struct svc_ctx *, void *), void *arg, const char *what)
{
    struct db_config cfg;
    struct db_conn *db = NULL;
    struct svc_ctx ctx = {0};
    int rc;

    db_config_from_env(&cfg);
    rc = db_open(&db, &cfg);
    if (rc == 0) {
        ctx.db = db;
        rc = fn(&ctx, arg);
    }
    db_close(db);
    return report(rc, what);
}

/* Reads one line (the password) from stdin, without its newline. */
static int read_password(char *buf, size_t size)
{
    size_t len;

    if (!fgets(buf, (int)size, stdin))
        return -1;
    len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return len > 0 ? 0 : -1;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------ migrate */

static int cmd_migrate(int argc, char **argv)
{
    struct db_config cfg;
    char dir[1024];
    int applied = 0;
    int rc;

    if (argc > 1)
        return usage_error("migrate", "migrate takes no arguments");
    (void)argv;
    rc = path_resource(dir, sizeof(dir), "EOS_SCHEMA_DIR", "schema");
    if (rc < 0)
        return report(rc, "migrate");
    db_config_from_env(&cfg);
    rc = store_migrate(&cfg, dir, &applied);
    if (rc == 0)
        printf("migrate: database %s is up to date (%d migration%s applied now)\n", cfg.name,
               applied, applied == 1 ? "" : "s");
    return report(rc, "migrate");
}

/* ------------------------------------------------------------ party add */

static int party_add_fn(struct svc_ctx *ctx, void *arg)
{
    return svc_party_add(ctx, arg, false);
}

static int cmd_party_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"code", required_argument, NULL, 'c'},     {"name", required_argument, NULL, 'n'},
        {"kind", required_argument, NULL, 'k'},     {"currency", required_argument, NULL, 'y'},
        {"seller", required_argument, NULL, 's'},   {"credit-limit", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    const char *usage = "party add --code CODE --name NAME --kind SELLER|BUYER|OPERATOR "
                        "[--currency ISO] [--seller CODE] [--credit-limit AMOUNT]";
    struct party_spec p = {.credit_limit = -1};
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': p.code = optarg; break;
        case 'n': p.name = optarg; break;
        case 'k': p.kind = optarg; break;
        case 'y': p.currency = optarg; break;
        case 's': p.seller_code = optarg; break;
        case 'l':
            if (money_parse(&p.credit_limit, optarg, "credit-limit") < 0 || p.credit_limit < 0)
                return usage_error(usage, "--credit-limit is a non-negative amount");
            break;
        default: return usage_error(usage, "unknown option");
        }
    }
    if (optind != argc || !p.code || !p.name || !p.kind)
        return usage_error(usage, "--code, --name and --kind are required");
    if (with_db(party_add_fn, &p, "party add") != 0)
        return 1;
    printf("party %s added\n", p.code);
    return 0;
}

/* ------------------------------------------------------------ user add */

struct user_add_args {
    struct user_spec spec;
    struct secret_key key;
};

static int user_add_fn(struct svc_ctx *ctx, void *arg)
{
    struct user_add_args *u = arg;

    return svc_user_add(ctx, &u->spec, &u->key, false);
}

static int cmd_user_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},
        {"party", required_argument, NULL, 'p'},
        {"authority", required_argument, NULL, 'a'},
        {NULL, 0, NULL, 0},
    };
    const char *usage = "user add USERNAME --role BUYER|SELLER|ADMIN --party CODE "
                        "[--authority PERCENT]   (password on stdin)";
    struct user_add_args u = {0};
    char password[1100];
    money_t pct = 0;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': u.spec.role = optarg; break;
        case 'p': u.spec.party_code = optarg; break;
        case 'a':
            if (money_parse(&pct, optarg, "authority") < 0 || pct < 0 ||
                pct > 100 * MONEY_SCALE || pct % 100 != 0)
                return usage_error(usage, "--authority is a percentage 0..100 (2 decimals)");
            u.spec.authority_bp = (int32_t)(pct / 100);
            break;
        default: return usage_error(usage, "unknown option");
        }
    }
    if (optind != argc - 1 || !u.spec.role || !u.spec.party_code)
        return usage_error(usage, "USERNAME, --role and --party are required");
    u.spec.username = argv[optind];
    if (read_password(password, sizeof(password)) < 0)
        return usage_error(usage, "the password is read from stdin (one line)");
    u.spec.password = password;
    if (load_key(&u.key) < 0)
        return report(eos_err_code(), "user add");
    rc = with_db(user_add_fn, &u, "user add");
    memset(password, 0, sizeof(password));
    if (rc != 0)
        return 1;
    printf("user %s added%s\n", u.spec.username,
           u.key.loaded ? " (PasswordDigest enabled)" : "");
    return 0;
}

/* ------------------------------------------------------------ demo */

struct demo_args {
    const char *password;
    struct secret_key key;
};

static int demo_fn(struct svc_ctx *ctx, void *arg)
{
    struct demo_args *d = arg;

    return svc_demo_load(ctx, d->password, &d->key);
}

static int cmd_demo(int argc, char **argv)
{
    struct demo_args d = {0};
    const char *pw = getenv("EOS_DEMO_PASSWORD");

    (void)argv;
    if (argc > 1)
        return usage_error("demo", "demo takes no arguments");
    d.password = str_empty(pw) ? "demo-pass" : pw;
    if (load_key(&d.key) < 0)
        return report(eos_err_code(), "demo");
    if (with_db(demo_fn, &d, "demo") != 0)
        return 1;
    printf("demo data loaded: seller ACME (acme-erp), buyers BUY001 (buyer1) and BUY002 "
           "(buyer2), admin; password %s\n",
           str_empty(pw) ? "demo-pass" : "from EOS_DEMO_PASSWORD");
    return 0;
}

/* ------------------------------------------------------------ table */

static const struct command commands[] = {
    {"migrate", cmd_migrate, "migrate",
     "Creates the database if missing and applies pending schema migrations."},
    {"party add", cmd_party_add,
     "party add --code CODE --name NAME --kind SELLER|BUYER|OPERATOR [--currency ISO] "
     "[--seller CODE] [--credit-limit AMOUNT]",
     "Adds a seller, buyer or operator party; a buyer gets an account with --seller."},
    {"user add", cmd_user_add,
     "user add USERNAME --role BUYER|SELLER|ADMIN --party CODE [--authority PERCENT]",
     "Adds a user; the password is read from stdin and stored as a PBKDF2-SHA256 hash\n"
     "(and sealed for PasswordDigest when EOS_SECRET_KEY_FILE is set)."},
    {"demo", cmd_demo, "demo",
     "Loads the demo seller, buyers, users and catalog (idempotent). Password: demo-pass\n"
     "or EOS_DEMO_PASSWORD."},
    {"help", cmd_help, "help", "Shows this text."},
};

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("eosctl - EOS Hub administration\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        printf("  eosctl %s\n      %s\n\n", commands[i].usage, commands[i].help);
    printf("Database: EOS_DB_HOST/EOS_DB_PORT or EOS_DB_SOCKET, EOS_DB_USER, EOS_DB_PASSWORD,\n"
           "EOS_DB_NAME (default: the private server's socket var/run/mariadb.sock, eoshub).\n");
    return 0;
}

int main(int argc, char **argv)
{
    int level = log_parse_level(getenv("EOS_LOG_LEVEL"));

    log_current_level = level >= 0 ? (enum log_level)level : LOG_LEVEL_WARN;
    if (argc < 2)
        return usage_error("COMMAND [ARGS]   (eosctl help lists them)", "no command given");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        const char *name = commands[i].name;
        const char *space = strchr(name, ' ');
        int words = space ? 2 : 1;

        if (space ? (argc >= 3 && strncmp(argv[1], name, (size_t)(space - name)) == 0 &&
                     strlen(argv[1]) == (size_t)(space - name) && strcmp(argv[2], space + 1) == 0)
                  : strcmp(argv[1], name) == 0) {
            if (wants_help(argc - words, argv + words)) {
                printf("usage: eosctl %s\n\n%s\n", commands[i].usage, commands[i].help);
                return 0;
            }
            return commands[i].run(argc - words, argv + words);
        }
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(argc, argv);
    fprintf(stderr, "eosctl: unknown command '%s'", argv[1]);
    if (argc >= 3 && (strcmp(argv[1], "party") == 0 || strcmp(argv[1], "user") == 0))
        fprintf(stderr, " %s", argv[2]);
    fprintf(stderr, " (eosctl help lists the commands)\n");
    return EXIT_USAGE;
}
