/*
 * bench_report.h - how eos-bench prints a run: a block per run (eos-bench run,
 * and the suite's progress on stderr) and the suite's one table.
 */
#ifndef EOS_TOOLS_BENCH_REPORT_H
#define EOS_TOOLS_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "tools/bench_run.h"

/* One row of the suite's table. */
struct bench_row {
    bool ran;    /* false: not run (skipped, or could not start) */
    long stored; /* orders stored when the run began; -1: not shown */
    struct bench_result result;
};

/* The block of one run: throughput, latency percentiles, errors by code,
 * the hub's VmRSS; for download also the submitting buyers beside the ERP. */
void bench_report_run(FILE *out, const struct bench_result *r, long warmup_ms);

/* The table's title line: date, CPUs, window. */
void bench_report_title(FILE *out, const struct bench_opts *o);

/* The table header and one line per row (rows not run show why). */
void bench_report_table(FILE *out, const struct bench_row *rows, size_t n);

/* Total failures of a result (main and side threads). */
unsigned long long bench_report_failures(const struct bench_result *r);

#endif
