/*
 * bench_main.c - eos-bench, the load generator of EOS Hub (docs/benchmarks.md).
 *
 *   eos-bench setup                  bench seller, buyers, users and catalog (EOS_DB_*)
 *   eos-bench preload --orders N     orders loaded by SQL until N are stored
 *   eos-bench run SCENARIO           one scenario: echo, submit, status, download, db-submit
 *   eos-bench suite                  everything `make bench` measures, and its one table
 *   eos-bench help                   commands and settings
 *
 * Settings are --name=VALUE flags or BENCH_* variables (bench_opts.c). Exit
 * status: 0 success, 1 a failure (a request failed, or something could not
 * run), 2 bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "soapH.h"
#include "tools/bench_client.h"
#include "tools/bench_data.h"
#include "tools/bench_db.h"
#include "tools/bench_opts.h"
#include "tools/bench_report.h"
#include "tools/bench_suite.h"

#define EXIT_USAGE 2

struct command {
    const char *name;
    int (*run)(const struct bench_opts *o, int argc, char **argv);
    const char *usage;
    const char *help;
};

static const struct bench_scenario *const scenarios[] = {
    &bench_echo, &bench_submit, &bench_status, &bench_download, &bench_db_submit,
};

static int cmd_help(const struct bench_opts *o, int argc, char **argv);

static int cmd_setup(const struct bench_opts *o, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "eos-bench: setup takes only settings\n");
        return EXIT_USAGE;
    }
    if (bench_setup(o) < 0)
        return 1;
    printf("bench data ready: seller %s, %ld buyers, %ld products\n", o->prefix, o->buyers,
           o->products);
    return 0;
}

static int cmd_preload(const struct bench_opts *o, int argc, char **argv)
{
    long added = 0;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "eos-bench: preload takes only settings (--orders N)\n");
        return EXIT_USAGE;
    }
    if (bench_preload(&added, o, o->orders) < 0)
        return 1;
    printf("preload: %ld orders added, %ld stored\n", added, bench_order_count());
    return 0;
}

static int cmd_run(const struct bench_opts *o, int argc, char **argv)
{
    static struct bench_result result; /* histograms: too large for the stack */
    const struct bench_scenario *sc = NULL;
    struct bench_job job;

    if (argc != 2) {
        fprintf(stderr, "eos-bench: run takes one scenario (eos-bench help lists them)\n");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
        if (strcmp(argv[1], scenarios[i]->name) == 0)
            sc = scenarios[i];
    if (!sc) {
        fprintf(stderr, "eos-bench: unknown scenario '%s' (eos-bench help lists them)\n", argv[1]);
        return EXIT_USAGE;
    }
    job.scenario = sc;
    job.label = sc->name;
    job.url = o->url;
    job.threads = o->threads;
    job.lines = o->lines;
    job.warmup_ms = o->warmup_ms;
    job.seconds_ms = o->seconds_ms;
    if (bench_run(&result, o, &job) < 0) {
        bench_report_run(stdout, &result, o->warmup_ms);
        return 1;
    }
    bench_report_run(stdout, &result, o->warmup_ms);
    return bench_report_failures(&result) > 0 ? 1 : 0;
}

static int cmd_suite(const struct bench_opts *o, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "eos-bench: suite takes only settings\n");
        return EXIT_USAGE;
    }
    return bench_suite(o);
}

static const struct command commands[] = {
    {"setup", cmd_setup, "setup [--prefix P] [--buyers N] [--products N] [--password PW]",
     "Creates or refreshes the bench seller, buyers (credit never the limit), their users,\n"
     "the ERP user and the catalog, published to every bench buyer (EOS_DB_*)."},
    {"preload", cmd_preload, "preload --orders N [--preload-lines L] [--backlog K]",
     "Adds bench orders by SQL (header, lines, history, feed entry, exposure) until the\n"
     "database holds N orders; all but the newest K feed entries are acknowledged."},
    {"run", cmd_run, "run echo|submit|status|download|db-submit [--url U] [--threads N] ...",
     "Runs one scenario and prints requests/s, errors by fault code and latency percentiles."},
    {"suite", cmd_suite, "suite --url U --raw-url R [--hub-pid PID] ...",
     "Everything `make bench` measures, ending with one table and the ratios."},
    {"help", cmd_help, "help", "Shows this text."},
};

/* Prints text, indenting every line after the first like the first. */
static void print_indented(const char *text, const char *indent)
{
    fputs(indent, stdout);
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            fputs(indent, stdout);
    }
    putchar('\n');
}

static int cmd_help(const struct bench_opts *o, int argc, char **argv)
{
    (void)o;
    (void)argc;
    (void)argv;
    printf("eos-bench - load generator of EOS Hub (docs/benchmarks.md)\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        printf("  eos-bench %s\n", commands[i].usage);
        print_indented(commands[i].help, "      ");
        printf("\n");
    }
    printf("Scenarios:\n");
    for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
        printf("  %s\n", scenarios[i]->name);
        print_indented(scenarios[i]->help, "      ");
    }
    printf("\n");
    bench_opts_help(stdout);
    printf("\nDatabase (setup, preload, db-submit, suite): EOS_DB_HOST/EOS_DB_PORT or "
           "EOS_DB_SOCKET,\nEOS_DB_USER, EOS_DB_PASSWORD, EOS_DB_NAME.\n");
    return 0;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    const struct command *cmd = NULL;
    int npos = 0, rc;

    log_current_level = LOG_LEVEL_WARN;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        argv[1] = (char *)"help";
    if (bench_opts_load(&o, &npos, argc - 1, argv + 1, stderr) < 0)
        return EXIT_USAGE;
    if (npos == 0) {
        fprintf(stderr, "usage: eos-bench COMMAND [--SETTING=VALUE ...]  (eos-bench help)\n");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "eos-bench: unknown command '%s' (eos-bench help lists them)\n", argv[1]);
        return EXIT_USAGE;
    }
    if (bench_db_init() < 0)
        return 1;
    soap_ssl_init();
    rc = cmd->run(&o, npos, argv + 1);
    bench_db_end();
    return rc;
}
