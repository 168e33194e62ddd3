/*
 * bench_suite.h - what `make bench` measures, in order, and its one table.
 *
 * Against a running hub (--url) and eos-bench-echo (--raw-url), on the
 * database of EOS_DB_* already set up with eos-bench setup:
 *
 *   1. preload until --stored-small orders are stored
 *   2. echo at the hub (E), 3. echo at the bare gSOAP server (R)
 *   4. submit, --lines lines (S)       5. db-submit, in process (D)
 *   6. status                          7. the lines sweep: submit with each
 *                                         of --sweep lines, --sweep-threads clients
 *   8. preload until --stored-large orders are stored, the newest --backlog
 *      of them unacknowledged in the seller's feed
 *   9. submit again (S at the large store)
 *  10. download: the ERP working off the backlog while the others submit
 *
 * Each run's block goes to stderr as it finishes; then the table, the ratios
 * (E/R, C = 1/(1/R + 1/D), S/D, S/C, S large / S small, cost per line) and
 * the targets, met or missed, go to stdout.
 */
#ifndef EOS_TOOLS_BENCH_SUITE_H
#define EOS_TOOLS_BENCH_SUITE_H

#include "tools/bench_opts.h"

/* 0 when every run ran without a failed request, 1 otherwise. */
int bench_suite(const struct bench_opts *o);

#endif
