/*
 * bench_opts.c - the settings table of eos-bench and its parser.
 */
#include "tools/bench_opts.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

enum opt_type {
    OPT_INT,     /* a whole number within [min, max] */
    OPT_SECONDS, /* seconds with up to 3 decimals, kept in ms, within [min, max] ms */
    OPT_STR,     /* text that fits the field */
};

struct opt {
    const char *name; /* flag: --name */
    const char *env;  /* environment variable */
    enum opt_type type;
    size_t offset;   /* in struct bench_opts */
    size_t size;     /* OPT_STR: buffer size */
    long min, max;   /* OPT_INT and OPT_SECONDS (ms) bounds */
    const char *def; /* default, as text */
    const char *help;
};

#define INT(n, e, field, lo, hi, d, h)                                                             \
    {                                                                                              \
        n, e, OPT_INT, offsetof(struct bench_opts, field), 0, lo, hi, d, h                         \
    }
#define SECS(n, e, field, lo, hi, d, h)                                                            \
    {                                                                                              \
        n, e, OPT_SECONDS, offsetof(struct bench_opts, field), 0, lo, hi, d, h                     \
    }
#define STR(n, e, field, d, h)                                                                     \
    {                                                                                              \
        n, e, OPT_STR, offsetof(struct bench_opts, field),                                         \
            sizeof(((struct bench_opts *)0)->field), 0, 0, d, h                                    \
    }

static const struct opt opts[] = {
    STR("url", "BENCH_URL", url, "http://127.0.0.1:8080/eos", "the hub's SOAP endpoint"),
    STR("raw-url", "BENCH_RAW_URL", raw_url, "",
        "eos-bench-echo's endpoint (the bare gSOAP server, R)"),
    INT("threads", "BENCH_THREADS", threads, 1, 1024, "32",
        "client threads, each with its own keep-alive connection and buyer"),
    SECS("seconds", "BENCH_SECONDS", seconds_ms, 100, 86400000, "10",
         "measured window of each run, after the warm-up"),
    SECS("warmup", "BENCH_WARMUP", warmup_ms, 0, 600000, "2",
         "load before the measured window (not counted)"),
    INT("lines", "BENCH_LINES", lines, 1, 500, "5", "lines per SubmitOrder"),
    STR("sweep", "BENCH_SWEEP", sweep, "1,5,50,500",
        "suite: line counts of the SubmitOrder latency sweep"),
    SECS("sweep-seconds", "BENCH_SWEEP_SECONDS", sweep_ms, 100, 86400000, "5",
         "suite: measured window of each sweep step"),
    INT("sweep-threads", "BENCH_SWEEP_THREADS", sweep_threads, 1, 1024, "1",
        "suite: clients during the sweep (1: latency of one request alone)"),
    INT("stored-small", "BENCH_STORED_SMALL", stored_small, 0, 100000000, "10000",
        "suite: orders stored before the first submit run"),
    INT("stored-large", "BENCH_STORED_LARGE", stored_large, 0, 100000000, "500000",
        "suite: orders stored before the second submit run"),
    INT("backlog", "BENCH_BACKLOG", backlog, 0, 100000000, "200000",
        "suite and preload: newest preloaded orders left unacknowledged in the feed"),
    INT("orders", "BENCH_ORDERS", orders, 0, 100000000, "10000",
        "preload: orders the database should hold afterwards"),
    INT("preload-lines", "BENCH_PRELOAD_LINES", preload_lines, 1, 500, "5",
        "lines of each preloaded order"),
    STR("prefix", "BENCH_PREFIX", prefix, "BENCH",
        "seller code; buyers are PREFIX01.., users prefix01.. and prefix-erp"),
    INT("buyers", "BENCH_BUYERS", buyers, 1, 99, "32", "setup: bench buyers and their users"),
    INT("products", "BENCH_PRODUCTS", products, 1, 99999, "500",
        "setup: products published to every bench buyer (500 lets an order have 500 "
        "distinct SKUs)"),
    STR("password", "BENCH_PASSWORD", password, "bench-pass", "password of every bench user"),
    STR("auth", "BENCH_AUTH", auth, "basic",
        "basic (HTTP Basic) or text (WS-Security UsernameToken PasswordText)"),
    INT("hub-pid", "BENCH_HUB_PID", hub_pid, 0, 2147483647, "0",
        "eos-hub's pid: sample its VmRSS during runs (0: do not)"),
    SECS("rss-every", "BENCH_RSS_EVERY", rss_every_ms, 0, 86400000, "0",
         "print the hub's VmRSS this often during a run (0: only the peak)"),
    INT("batch", "BENCH_BATCH", batch, 1, 500, "100", "DownloadOrders maxOrders"),
    INT("timeout", "BENCH_TIMEOUT", timeout, 1, 3600, "30", "seconds one request may take"),
};

/* "12", "0.5", "2.125": seconds with at most 3 decimals, into ms. */
static bool parse_seconds(const char *s, int64_t *ms)
{
    const char *dot = strchr(s, '.');
    char whole[24];
    int64_t w, frac = 0;
    size_t wlen = dot ? (size_t)(dot - s) : strlen(s);
    int digits = 0;

    if (wlen == 0 || wlen >= sizeof(whole))
        return false;
    memcpy(whole, s, wlen);
    whole[wlen] = '\0';
    if (!str_to_i64(whole, &w) || w < 0 || w > 1000000000)
        return false;
    if (dot) {
        for (const char *p = dot + 1; *p; p++, digits++) {
            if (*p < '0' || *p > '9' || digits == 3)
                return false;
            frac = frac * 10 + (*p - '0');
        }
        if (digits == 0)
            return false;
        for (; digits < 3; digits++)
            frac *= 10;
    }
    *ms = w * 1000 + frac;
    return true;
}

static int set_value(struct bench_opts *o, const struct opt *s, const char *value,
                     const char *origin, FILE *err)
{
    char *base = (char *)o + s->offset;
    int64_t v = 0;

    switch (s->type) {
    case OPT_STR:
        if (!str_copy(base, s->size, value)) {
            fprintf(err, "eos-bench: %s (%s) is too long\n", s->name, origin);
            return -1;
        }
        return 0;
    case OPT_SECONDS:
        if (!parse_seconds(value, &v) || v < s->min || v > s->max) {
            fprintf(err, "eos-bench: %s (%s) must be seconds from %.3f to %.3f, not '%s'\n",
                    s->name, origin, (double)s->min / 1000.0, (double)s->max / 1000.0, value);
            return -1;
        }
        break;
    case OPT_INT:
        if (!str_to_i64(value, &v) || v < s->min || v > s->max) {
            fprintf(err, "eos-bench: %s (%s) must be a whole number from %ld to %ld, not '%s'\n",
                    s->name, origin, s->min, s->max, value);
            return -1;
        }
        break;
    }
    *(long *)(void *)base = (long)v;
    return 0;
}

static const struct opt *find(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    return NULL;
}

/* The prefix names parties and users in SQL text: letters and digits only. */
static int check(const struct bench_opts *o, FILE *err)
{
    if (o->prefix[0] == '\0' || strlen(o->prefix) > 12) {
        fprintf(err, "eos-bench: prefix must be 1 to 12 letters or digits\n");
        return -1;
    }
    for (const char *p = o->prefix; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
            fprintf(err, "eos-bench: prefix must be upper-case letters and digits, not '%s'\n",
                    o->prefix);
            return -1;
        }
    }
    if (strcmp(o->auth, "basic") != 0 && strcmp(o->auth, "text") != 0) {
        fprintf(err, "eos-bench: auth must be basic or text, not '%s'\n", o->auth);
        return -1;
    }
    return 0;
}

int bench_opts_load(struct bench_opts *out, int *npos, int argc, char **argv, FILE *err)
{
    struct bench_opts *o = out;
    int pos = 0;

    memset(o, 0, sizeof(*o));
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        const char *env = getenv(opts[i].env);

        if (set_value(o, &opts[i], opts[i].def, "default", err) < 0)
            return -1;
        if (!str_empty(env) && set_value(o, &opts[i], env, opts[i].env, err) < 0)
            return -1;
    }
    for (int a = 0; a < argc; a++) {
        const char *arg = argv[a];
        const char *eq, *value;
        const struct opt *s;

        if (strncmp(arg, "--", 2) != 0) {
            argv[pos++] = argv[a];
            continue;
        }
        eq = strchr(arg + 2, '=');
        s = find(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
        if (!s) {
            fprintf(err, "eos-bench: unknown setting %s (eos-bench help lists them)\n", arg);
            return -1;
        }
        if (eq) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            fprintf(err, "eos-bench: %s needs a value\n", arg);
            return -1;
        }
        if (set_value(o, s, value, arg, err) < 0)
            return -1;
    }
    *npos = pos;
    return check(o, err);
}

void bench_opts_help(FILE *out)
{
    fprintf(out, "Settings (flag, environment, default):\n");
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        const struct opt *s = &opts[i];

        fprintf(out, "  --%-15s %-20s %s\n      %s", s->name, s->env, *s->def ? s->def : "(none)",
                s->help);
        if (s->type == OPT_INT)
            fprintf(out, " [%ld..%ld]", s->min, s->max);
        else if (s->type == OPT_SECONDS)
            fprintf(out, " [%.1f..%.0f s]", (double)s->min / 1000.0, (double)s->max / 1000.0);
        fprintf(out, "\n");
    }
}

int bench_opts_sweep(long out[BENCH_SWEEP_MAX], const struct bench_opts *o)
{
    char buf[sizeof(o->sweep)];
    char *p = buf;
    int n = 0;

    str_copy(buf, sizeof(buf), o->sweep);
    while (*p) {
        char *comma = strchr(p, ',');
        int64_t v;

        if (comma)
            *comma = '\0';
        if (n == BENCH_SWEEP_MAX || !str_to_i64(p, &v) || v < 1 || v > 500)
            return -1;
        out[n++] = (long)v;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n > 0 ? n : -1;
}
