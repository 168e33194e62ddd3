/*
 * config.c - the settings table and its parser.
 */
#include "hub/config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

enum setting_type { SET_INT, SET_STR };

struct setting {
    const char *name;     /* flag: --name */
    const char *env;      /* environment variable */
    enum setting_type type;
    size_t offset;        /* in struct hub_config */
    size_t size;          /* SET_STR: buffer size */
    long min, max;        /* SET_INT bounds */
    const char *def;      /* default, as text */
    const char *help;
};

#define INT(n, e, field, lo, hi, d, h) \
    {n, e, SET_INT, offsetof(struct hub_config, field), 0, lo, hi, d, h}
#define STR(n, e, field, d, h) \
    {n, e, SET_STR, offsetof(struct hub_config, field), \
     sizeof(((struct hub_config *)0)->field), 0, 0, d, h}

static const struct setting settings[] = {
    STR("host", "EOS_HOST", host, "127.0.0.1", "address to listen on"),
    INT("port", "EOS_PORT", port, 1, 65535, "8080", "TCP port"),
    INT("threads", "EOS_THREADS", threads, 1, 1024, "16",
        "worker threads (requests in progress at once), each with a database connection"),
    INT("max-connections", "EOS_MAX_CONNECTIONS", max_connections, 1, 100000, "2000",
        "open client connections, idle keep-alive ones included"),
    INT("backlog", "EOS_BACKLOG", backlog, 1, 65535, "512", "connections queued before accept"),
    INT("recv-timeout", "EOS_RECV_TIMEOUT", recv_timeout, 1, 3600, "10",
        "seconds a request may stall"),
    INT("send-timeout", "EOS_SEND_TIMEOUT", send_timeout, 1, 3600, "10",
        "seconds a response may stall"),
    INT("transfer-timeout", "EOS_TRANSFER_TIMEOUT", transfer_timeout, 1, 3600, "30",
        "seconds a whole request may take to arrive (cuts off slow clients)"),
    INT("idle-timeout", "EOS_IDLE_TIMEOUT", idle_timeout, 1, 86400, "60",
        "seconds a keep-alive connection may sit idle"),
    INT("max-keepalive", "EOS_MAX_KEEPALIVE", max_keepalive, 1, 1000000, "10000",
        "requests served on one connection before it is closed"),
    INT("max-message", "EOS_MAX_MESSAGE", max_message, 1024, 1L << 30, "8388608",
        "bytes of one request's body (inflated, when sent gzip or deflate)"),
    INT("max-depth", "EOS_MAX_DEPTH", max_depth, 8, 1000, "24", "XML nesting levels"),
    INT("max-occurs", "EOS_MAX_OCCURS", max_occurs, 1000, 1000000, "10000",
        "items of one repeated element gSOAP reads before giving up (the contract's "
        "own limits, 500 lines and so on, are checked after)"),
    INT("allow-plaintext-auth", "EOS_ALLOW_PLAINTEXT_AUTH", allow_plaintext_auth, 0, 1, "0",
        "1: accept HTTP Basic and PasswordText without TLS (loopback development only)"),
    INT("auth-cache-ttl", "EOS_AUTH_CACHE_TTL", auth_cache_ttl, 0, 3600, "60",
        "seconds a verified password stays cached in memory (emptied within a second "
        "when any user changes)"),
    INT("auth-max-failures", "EOS_AUTH_MAX_FAILURES", auth_max_failures, 0, 1000000, "10",
        "failed logins of one user from one address before it is locked out (0: never)"),
    INT("auth-lockout", "EOS_AUTH_LOCKOUT", auth_lockout, 1, 86400, "300",
        "seconds failed logins are counted, and a lockout lasts"),
    STR("tls-cert", "EOS_TLS_CERT", tls_cert, "", "PEM certificate chain: serve HTTPS"),
    STR("tls-key", "EOS_TLS_KEY", tls_key, "", "PEM private key of the certificate"),
    STR("secret-key-file", "EOS_SECRET_KEY_FILE", secret_key_file, "",
        "key sealing passwords for WS-Security PasswordDigest (32 bytes or 64 hex digits)"),
    STR("wsdl-dir", "EOS_WSDL_DIR", wsdl_dir, "", "directory of eoshub.wsdl and eoshub.xsd"),
    STR("log-level", "EOS_LOG_LEVEL", log_level, "info", "error, warn, info or debug"),
    STR("trusted-proxies", "EOS_TRUSTED_PROXIES", trusted_proxies, "",
        "addresses of proxies (HAProxy) whose X-Forwarded-For names the client, comma-separated"),
};

static int set_value(struct hub_config *cfg, const struct setting *s, const char *value,
                     const char *origin, FILE *err)
{
    char *base = (char *)cfg + s->offset;
    int64_t v;

    if (s->type == SET_STR) {
        if (!str_copy(base, s->size, value)) {
            fprintf(err, "eos-hub: %s (%s) is too long\n", s->name, origin);
            return -1;
        }
        return 0;
    }
    if (!str_to_i64(value, &v) || v < s->min || v > s->max) {
        fprintf(err, "eos-hub: %s (%s) must be a whole number from %ld to %ld, not '%s'\n",
                s->name, origin, s->min, s->max, value);
        return -1;
    }
    *(long *)(void *)base = (long)v;
    return 0;
}

static void print_help(FILE *out)
{
    fprintf(out, "usage: eos-hub [--SETTING=VALUE ...]\n\nSettings (flag, environment, "
                 "default):\n");
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
        const struct setting *s = &settings[i];

        fprintf(out, "  --%-22s %-26s %s\n      %s", s->name, s->env, *s->def ? s->def : "(none)",
                s->help);
        if (s->type == SET_INT)
            fprintf(out, " [%ld..%ld]", s->min, s->max);
        fprintf(out, "\n");
    }
    fprintf(out, "\nDatabase: EOS_DB_HOST/EOS_DB_PORT or EOS_DB_SOCKET, EOS_DB_USER, "
                 "EOS_DB_PASSWORD, EOS_DB_NAME.\n");
}

int hub_config_load(struct hub_config *cfg, int argc, char **argv, FILE *out, FILE *err)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
        const char *env = getenv(settings[i].env);

        if (set_value(cfg, &settings[i], settings[i].def, "default", err) < 0)
            return -1;
        if (env && set_value(cfg, &settings[i], env, settings[i].env, err) < 0)
            return -1;
    }
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        const char *eq;
        const char *value;
        size_t len;
        const struct setting *s = NULL;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(out);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(err, "eos-hub: unexpected argument '%s' (see --help)\n", arg);
            return -1;
        }
        arg += 2;
        eq = strchr(arg, '=');
        len = eq ? (size_t)(eq - arg) : strlen(arg);
        for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
            if (strlen(settings[i].name) == len && strncmp(settings[i].name, arg, len) == 0)
                s = &settings[i];
        if (!s) {
            fprintf(err, "eos-hub: unknown setting --%.*s (see --help)\n", (int)len, arg);
            return -1;
        }
        if (eq) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            fprintf(err, "eos-hub: --%s needs a value\n", s->name);
            return -1;
        }
        if (set_value(cfg, s, value, "flag", err) < 0)
            return -1;
    }
    if ((cfg->tls_cert[0] == '\0') != (cfg->tls_key[0] == '\0')) {
        fprintf(err, "eos-hub: --tls-cert and --tls-key go together\n");
        return -1;
    }
    return 0;
}
