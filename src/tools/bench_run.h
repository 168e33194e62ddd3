/*
 * bench_run.h - eos-bench's run engine: N client threads, a warm-up, a fixed
 * measured window, per-thread statistics merged at the end.
 *
 * A scenario is a table row of three functions: open (in the client thread:
 * connect, authenticate, gather what its requests need), step (one request,
 * or one unit of work such as a download and its acknowledgement) and close.
 * The engine starts every thread, waits until all have opened, lets them run
 * for the warm-up, then counts what completes inside the measured window:
 * each thread records into its own histogram and counters, without locks.
 * Meanwhile the main thread samples the hub's VmRSS (when its pid is known).
 */
#ifndef EOS_TOOLS_BENCH_RUN_H
#define EOS_TOOLS_BENCH_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "tools/bench_hist.h"
#include "tools/bench_opts.h"

#define BENCH_CODE_MAX 40  /* a fault code, "SERVICE_UNAVAILABLE", "SOAP_EOF" */
#define BENCH_ERR_KINDS 12 /* distinct codes kept per statistics; more go to "other" */

struct bench_errors {
    unsigned kinds; /* codes[0..kinds) in use */
    char codes[BENCH_ERR_KINDS][BENCH_CODE_MAX];
    uint64_t counts[BENCH_ERR_KINDS];
    uint64_t other; /* failures past BENCH_ERR_KINDS codes */
};

struct bench_stats {
    struct bench_hist hist; /* latency of the successful steps */
    uint64_t ok;            /* successful steps */
    uint64_t failed;        /* failed steps (by code in errors) */
    uint64_t items;         /* what the steps moved, e.g. orders downloaded */
    struct bench_errors errors;
};

/* What one step reports. */
struct bench_outcome {
    bool ok;
    bool idle;                 /* nothing to do (an empty download): not counted, not timed */
    uint64_t items;            /* items moved by this step */
    char code[BENCH_CODE_MAX]; /* why it failed, when !ok */
};

struct soap;
struct db_conn;

/* One client thread. The scenario owns priv and whatever it opens. */
struct bench_worker {
    int index; /* 0 .. threads-1 */
    const struct bench_opts *opts;
    const char *url;               /* endpoint of this run */
    long lines;                    /* lines per order in this run */
    bool side;                     /* counted apart: the buyers submitting beside the ERP */
    char username[65];             /* the credentials this thread uses */
    struct soap *soap;             /* client context, one keep-alive connection */
    struct db_conn *db;            /* db-submit: this thread's MariaDB connection */
    void *priv;                    /* the scenario's per-thread state */
    uint64_t seq;                  /* steps started: makes document numbers unique */
    uint64_t rng;                  /* xorshift state */
    char tag[48];                  /* unique per run and thread: prefix of document numbers */
    char error[256];               /* why open failed */
    struct bench_stats main_stats; /* the scenario's own steps */
    struct bench_stats side_stats; /* steps of side threads */
};

struct bench_scenario {
    const char *name; /* "echo", "submit", ... */
    const char *help;
    long min_threads; /* download needs the ERP and at least one buyer */
    bool rate_items;  /* throughput is items/s (orders downloaded), not steps/s */
    const char *unit; /* of the throughput: "req/s", "orders/s" */
    /* In the client thread, before the warm-up: 0, or -1 with w->error set. */
    int (*open)(struct bench_worker *w);
    /* One step; fills out (cleared by the caller). */
    void (*step)(struct bench_worker *w, struct bench_outcome *out);
    /* Frees what open made; also after a failed open. May be NULL. */
    void (*close)(struct bench_worker *w);
};

/* One run of a scenario. */
struct bench_job {
    const struct bench_scenario *scenario;
    const char *label; /* row name in the report */
    const char *url;
    long threads;
    long lines;
    long warmup_ms;
    long seconds_ms;
};

struct bench_result {
    char label[64];
    const struct bench_scenario *scenario;
    long threads;
    long lines;
    double seconds; /* the measured window as it ran */
    struct bench_stats main_stats;
    struct bench_stats side_stats;
    long rss_first_kib; /* hub VmRSS at the window's start, end and peak; 0: unknown */
    long rss_last_kib;
    long rss_peak_kib;
    char error[320]; /* why the run could not start; "" when it ran */
};

/* Runs job with o's settings into *out. Returns 0 when the run took place
 * (its failed requests are in out's statistics), -1 when it could not start:
 * a thread could not open, or too few threads (out->error says why). */
int bench_run(struct bench_result *out, const struct bench_opts *o, const struct bench_job *job);

/* Records a failure code into errors. This function can't fail. */
void bench_errors_add(struct bench_errors *e, const char *code, uint64_t n);

/* Steps per second of the main threads (items per second when the scenario
 * says rate_items), 0 for an empty run. */
double bench_result_rate(const struct bench_result *r);

/* The hub's VmRSS in KiB, 0 when it cannot be read. */
long bench_rss_kib(long pid);

/* A pseudo-random number from the worker's own state. */
uint64_t bench_rand(struct bench_worker *w);

#endif
