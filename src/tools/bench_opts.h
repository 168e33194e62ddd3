/*
 * bench_opts.h - eos-bench's settings: one table of flags and environment
 * variables with bounds and defaults (like eos-hub's hub/config.c).
 *
 * Every setting is read from its BENCH_* variable, then from --name=VALUE or
 * --name VALUE on the command line, which wins. Durations are seconds with up
 * to three decimals ("0.5") and are kept in milliseconds.
 */
#ifndef EOS_TOOLS_BENCH_OPTS_H
#define EOS_TOOLS_BENCH_OPTS_H

#include <stdio.h>

#define BENCH_URL_MAX 256
#define BENCH_PREFIX_MAX 16
#define BENCH_SWEEP_MAX 8 /* line counts in one latency sweep */

struct bench_opts {
    char url[BENCH_URL_MAX];     /* the hub's SOAP endpoint */
    char raw_url[BENCH_URL_MAX]; /* eos-bench-echo's endpoint; "" : none */
    long threads;                /* client threads, each with one keep-alive connection */
    long seconds_ms;             /* measured window of one run */
    long warmup_ms;              /* load before the window: connections, caches, plans */
    long lines;                  /* lines per SubmitOrder */
    char sweep[64];              /* line counts of the latency sweep, e.g. "1,5,50,500" */
    long sweep_ms;               /* measured window of each sweep step */
    long sweep_threads;          /* clients during the sweep (1: the latency of one request) */
    long stored_small;           /* orders stored before the first submit run */
    long stored_large;           /* orders stored before the second one */
    long backlog;                /* preloaded orders left unacknowledged in the seller's feed */
    long orders;                 /* preload: orders the database should hold */
    long preload_lines;          /* lines of each preloaded order */
    char prefix[BENCH_PREFIX_MAX + 1]; /* party codes: seller PREFIX, buyers PREFIX01.. */
    long buyers;                       /* bench buyers (and their users) */
    long products;                     /* bench products, all published to every bench buyer */
    char password[128];                /* password of every bench user */
    char auth[8];                      /* "basic" (HTTP Basic) or "text" (UsernameToken) */
    long hub_pid;                      /* eos-hub's pid, for VmRSS; 0: not sampled */
    long rss_every_ms;                 /* > 0: print the hub's VmRSS this often during a run */
    long batch;                        /* DownloadOrders maxOrders */
    long timeout;                      /* seconds a request may take before it fails */
};

/* Fills *out from the defaults, the BENCH_* environment and argv. Arguments
 * that are not --settings are moved, in order, to the front of argv and
 * counted in *npos. Fails (-1) with a message on err for an unknown setting
 * or a value out of bounds. */
int bench_opts_load(struct bench_opts *out, int *npos, int argc, char **argv, FILE *err);

/* Prints every setting with its variable, default, bounds and meaning. */
void bench_opts_help(FILE *out);

/* The sweep's line counts: fills out (up to BENCH_SWEEP_MAX) and returns how
 * many, or -1 when o->sweep is not a list of 1..500. */
int bench_opts_sweep(long out[BENCH_SWEEP_MAX], const struct bench_opts *o);

#endif
