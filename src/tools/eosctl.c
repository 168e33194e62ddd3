/*
 * eosctl.c - the operator's command line: schema migrations, parties, users,
 * demo data, UBL order files in and out.
 *
 *   eosctl migrate
 *   eosctl party add --code C --name N --kind SELLER|BUYER|OPERATOR [--currency CNY]
 *                    [--seller CODE] [--credit-limit AMOUNT]
 *   eosctl user add USERNAME --role BUYER|SELLER|ADMIN --party CODE [--authority PCT]
 *                    (password read from stdin)
 *   eosctl demo
 *   eosctl import-orders --user BUYER_USER FILE...
 *   eosctl export-order ORDER_ID [--kind ORDER|ORDER_RESPONSE]
 *
 * The database comes from EOS_DB_* (see INSTALL); the key that seals passwords
 * for WS-Security digest from EOS_SECRET_KEY_FILE. Exit status: 0 success,
 * 1 failure, 2 bad usage.
 */
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/str.h"
#include "core/money.h"
#include "core/secretbox.h"
#include "store/db.h"
#include "store/migrate.h"
#include "svc/admin.h"
#include "svc/auth.h"
#include "svc/documents.h"

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

/* A password line with room past the longest password taken (256 bytes),
 * so that a longer one is refused, not cut. */
#define PASSWORD_LINE_MAX 1100

/* The terminal's settings while echo is off, for a signal to put back. */
static struct termios echo_saved;
static volatile sig_atomic_t echo_off;

static void echo_restore_and_die(int sig)
{
    if (echo_off)
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &echo_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reads one line from stdin; from a terminal, after a prompt on stderr and
 * with echo off, so that the password is not shown. Interrupted, it puts
 * the terminal back as it was. */
static bool read_line(char *buf, size_t size, const char *prompt)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct termios quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &echo_saved) == 0;
    bool ok;

    if (tty) {
        fputs(prompt, stderr);
        for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
            signal(signals[i], echo_restore_and_die);
        quiet = echo_saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = 1;
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    ok = fgets(buf, (int)size, stdin) != NULL;
    if (tty) {
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &echo_saved);
        echo_off = 0;
        for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
            signal(signals[i], SIG_DFL);
        fputc('\n', stderr);
    }
    return ok;
}

/* Reads one line (the password) from stdin, without its newline; typed at
 * a terminal, twice, and the two must match (-2, said on stderr, when they
 * do not; -1 when there is no password). */
static int read_password(char *buf, size_t size)
{
    char again[PASSWORD_LINE_MAX];
    size_t len;

    if (!read_line(buf, size, "password: "))
        return -1;
    if (isatty(STDIN_FILENO)) {
        bool same = read_line(again, sizeof(again), "again: ") && strcmp(buf, again) == 0;

        OPENSSL_cleanse(again, sizeof(again));
        if (!same) {
            OPENSSL_cleanse(buf, size);
            fprintf(stderr, "eosctl: the two passwords differ\n");
            return -2;
        }
    }
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
    char password[PASSWORD_LINE_MAX];
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
    if ((rc = read_password(password, sizeof(password))) < 0)
        return rc == -2 ? EXIT_USAGE
                        : usage_error(usage, "the password is read from stdin (one line)");
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

/* ------------------------------------------------------------ user passwd, enable, disable */

static int user_passwd_fn(struct svc_ctx *ctx, void *arg)
{
    struct user_add_args *u = arg;

    return svc_user_password(ctx, u->spec.username, u->spec.password, &u->key, 0);
}

static int cmd_user_passwd(int argc, char **argv)
{
    const char *usage = "user passwd USERNAME   (password on stdin)";
    struct user_add_args u = {0};
    char password[PASSWORD_LINE_MAX];
    int rc;

    if (argc != 2 || argv[1][0] == '-')
        return usage_error(usage, "USERNAME is required");
    u.spec.username = argv[1];
    if ((rc = read_password(password, sizeof(password))) < 0)
        return rc == -2 ? EXIT_USAGE
                        : usage_error(usage, "the password is read from stdin (one line)");
    u.spec.password = password;
    if (load_key(&u.key) < 0)
        return report(eos_err_code(), "user passwd");
    rc = with_db(user_passwd_fn, &u, "user passwd");
    OPENSSL_cleanse(password, sizeof(password));
    if (rc != 0)
        return 1;
    printf("user %s has a new password%s\n", u.spec.username,
           u.key.loaded ? " (PasswordDigest enabled)" : "");
    return 0;
}

struct user_active_args {
    const char *username;
    bool active;
};

static int user_active_fn(struct svc_ctx *ctx, void *arg)
{
    struct user_active_args *a = arg;

    return svc_user_set_active(ctx, a->username, a->active);
}

static int user_active(int argc, char **argv, bool active)
{
    struct user_active_args a = {argc == 2 ? argv[1] : NULL, active};
    const char *what = active ? "user enable" : "user disable";

    if (argc != 2 || argv[1][0] == '-')
        return usage_error(active ? "user enable USERNAME" : "user disable USERNAME",
                           "USERNAME is required");
    if (with_db(user_active_fn, &a, what) != 0)
        return 1;
    printf("user %s %s\n", a.username, active ? "enabled" : "disabled");
    return 0;
}

static int cmd_user_enable(int argc, char **argv)
{
    return user_active(argc, argv, true);
}

static int cmd_user_disable(int argc, char **argv)
{
    return user_active(argc, argv, false);
}

/* ------------------------------------------------------------ account add */

struct account_add_args {
    const char *buyer;
    const char *seller;
    money_t credit_limit;
};

static int account_add_fn(struct svc_ctx *ctx, void *arg)
{
    struct account_add_args *a = arg;

    return svc_account_add(ctx, a->buyer, a->seller, a->credit_limit);
}

static int cmd_account_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seller", required_argument, NULL, 's'},
        {"credit-limit", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0},
    };
    const char *usage = "account add BUYER --seller CODE [--credit-limit AMOUNT]";
    struct account_add_args a = {.credit_limit = -1};
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 's': a.seller = optarg; break;
        case 'l':
            if (money_parse(&a.credit_limit, optarg, "credit-limit") < 0 || a.credit_limit < 0)
                return usage_error(usage, "--credit-limit is a non-negative amount");
            break;
        default: return usage_error(usage, "unknown option");
        }
    }
    if (optind != argc - 1 || !a.seller)
        return usage_error(usage, "BUYER and --seller are required");
    a.buyer = argv[optind];
    if (with_db(account_add_fn, &a, "account add") != 0)
        return 1;
    printf("buyer %s has an account with %s\n", a.buyer, a.seller);
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

/* ------------------------------------------------------------ documents */

#define MAX_DOCUMENT (4u << 20)

/* Reads a whole file (at most MAX_DOCUMENT bytes) into *out (caller frees). */
static int read_document(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;
    int rc = -1;

    if (!f)
        return eos_err_set(EOS_ENOTFOUND, NULL, "cannot open the file");
    buf = malloc(MAX_DOCUMENT + 1);
    if (!buf) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    n = fread(buf, 1, MAX_DOCUMENT + 1, f);
    if (n > MAX_DOCUMENT) {
        rc = eos_err_set(EOS_ELIMIT, NULL, "larger than %u bytes", MAX_DOCUMENT);
        goto out;
    }
    *out = buf;
    *len = n;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

struct import_args {
    const char *username;
    char **files;
    int count;
    int failed;
};

static int import_fn(struct svc_ctx *ctx, void *arg)
{
    struct import_args *im = arg;
    struct principal who;
    int rc = svc_principal_of(ctx, im->username, &who);

    if (rc < 0)
        return rc;
    ctx->who = &who;
    for (int i = 0; i < im->count; i++) {
        struct submit_result r;
        char *xml = NULL;
        size_t len = 0;

        eos_err_clear();
        rc = read_document(im->files[i], &xml, &len);
        if (rc == 0)
            rc = svc_submit_order_document(ctx, xml, len, &r);
        if (rc == 0) {
            char total[MONEY_STR_MAX];

            printf("%s: %s orderId %lld total %s %s\n", im->files[i],
                   r.duplicate ? "duplicate" : "ok", (long long)r.order_id,
                   money_format(total, sizeof(total), r.total), r.currency);
            free(r.lines);
        } else {
            im->failed++;
            printf("%s: fault %s: %s%s%s%s\n", im->files[i], eos_err_name(rc), eos_err_message(),
                   eos_err_field() ? " [" : "", eos_err_field() ? eos_err_field() : "",
                   eos_err_field() ? "]" : "");
        }
        free(xml);
    }
    ctx->who = NULL;
    return 0;
}

static int cmd_import_orders(int argc, char **argv)
{
    static const struct option opts[] = {
        {"user", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    const char *usage = "import-orders --user BUYER_USER FILE...";
    struct import_args im = {0};
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'u')
            return usage_error(usage, "unknown option");
        im.username = optarg;
    }
    if (!im.username || optind >= argc)
        return usage_error(usage, "--user and at least one file are required");
    im.files = argv + optind;
    im.count = argc - optind;
    if (with_db(import_fn, &im, "import-orders") != 0)
        return 1;
    printf("%d file%s, %d refused\n", im.count, im.count == 1 ? "" : "s", im.failed);
    return im.failed ? 1 : 0;
}

struct export_args {
    int64_t order_id;
    enum order_document_kind kind;
};

static int export_fn(struct svc_ctx *ctx, void *arg)
{
    struct export_args *ex = arg;
    struct principal operator = {.role = ROLE_ADMIN};
    char *xml = NULL;
    size_t len = 0;
    int rc;

    str_copy(operator.username, sizeof(operator.username), "eosctl");
    ctx->who = &operator;
    rc = svc_order_document(ctx, ex->order_id, ex->kind, &xml, &len);
    /* Flushed here: a full disk or a closed stdout is a failure, not an
     * empty file and exit 0. */
    if (rc == 0 && (fwrite(xml, 1, len, stdout) != len || fflush(stdout) != 0 || ferror(stdout)))
        rc = eos_err_set(EOS_EINTERNAL, NULL, "cannot write the document");
    free(xml);
    ctx->who = NULL;
    return rc;
}

static int cmd_export_order(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    const char *usage = "export-order ORDER_ID [--kind ORDER|ORDER_RESPONSE]";
    struct export_args ex = {0, DOC_ORDER};
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'k')
            return usage_error(usage, "unknown option");
        if (strcmp(optarg, "ORDER") == 0)
            ex.kind = DOC_ORDER;
        else if (strcmp(optarg, "ORDER_RESPONSE") == 0)
            ex.kind = DOC_ORDER_RESPONSE;
        else
            return usage_error(usage, "--kind is ORDER or ORDER_RESPONSE");
    }
    if (optind != argc - 1 || !str_to_i64(argv[optind], &ex.order_id) || ex.order_id <= 0)
        return usage_error(usage, "one order id is required");
    return with_db(export_fn, &ex, "export-order");
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
    {"user passwd", cmd_user_passwd, "user passwd USERNAME",
     "Gives a user a new password, read from stdin (sealed for PasswordDigest when\n"
     "EOS_SECRET_KEY_FILE is set); its party, role and authority stay."},
    {"user disable", cmd_user_disable, "user disable USERNAME",
     "Keeps a user out: every hub refuses it within about a second."},
    {"user enable", cmd_user_enable, "user enable USERNAME", "Lets a disabled user in again."},
    {"account add", cmd_account_add, "account add BUYER --seller CODE [--credit-limit AMOUNT]",
     "Opens a buyer's account with one more seller (no limit unless --credit-limit), or sets\n"
     "the credit limit of one it has."},
    {"demo", cmd_demo, "demo",
     "Loads the demo seller, buyers, users and catalog (idempotent). Password: demo-pass\n"
     "or EOS_DEMO_PASSWORD."},
    {"import-orders", cmd_import_orders, "import-orders --user BUYER_USER FILE...",
     "Submits UBL 2.1 Order files as orders of the user's buyer party (the e-mail and file\n"
     "channel), one report line per file: ok, duplicate, or the fault with its reason."},
    {"export-order", cmd_export_order, "export-order ORDER_ID [--kind ORDER|ORDER_RESPONSE]",
     "Writes an order as a UBL 2.1 Order or OrderResponse to standard output."},
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

/* Whether c is one of the group's commands ("party add" of "party"). */
static bool in_group(const struct command *c, const char *group)
{
    size_t len = strlen(group);

    return strncmp(c->name, group, len) == 0 && c->name[len] == ' ';
}

/* "party", "user": the first word of two-word commands. */
static bool is_group(const char *word)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (in_group(&commands[i], word))
            return true;
    return false;
}

/* `eosctl party --help` lists the party commands (exit 0); `eosctl party`
 * alone or with an unknown subcommand lists them as a usage error. */
static int group_usage(const char *group, bool asked)
{
    FILE *out = asked ? stdout : stderr;

    if (!asked)
        fprintf(out, "eosctl: %s needs one of these commands:\n\n", group);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (in_group(&commands[i], group))
            fprintf(out, "  eosctl %s\n      %s\n\n", commands[i].usage, commands[i].help);
    return asked ? 0 : EXIT_USAGE;
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

        if (space ? argc >= 3 && in_group(&commands[i], argv[1]) && strcmp(argv[2], space + 1) == 0
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
    if (is_group(argv[1]))
        return group_usage(argv[1], argc >= 3 && wants_help(2, argv + 1));
    fprintf(stderr, "eosctl: unknown command '%s' (eosctl help lists the commands)\n", argv[1]);
    return EXIT_USAGE;
}
