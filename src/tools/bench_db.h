/*
 * bench_db.h - the db-submit scenario: the SubmitOrder use case called in
 * process (svc_submit_order), no SOAP and no HTTP: the database's ceiling
 * for exactly the transaction a SubmitOrder runs (D in docs/benchmarks.md).
 *
 * Each thread opens its own MariaDB connection (EOS_DB_*), authenticates as
 * its bench buyer once through svc_authenticate (as the hub would), and then
 * submits orders of --lines lines like the submit scenario does.
 */
#ifndef EOS_TOOLS_BENCH_DB_H
#define EOS_TOOLS_BENCH_DB_H

#include "tools/bench_run.h"

extern const struct bench_scenario bench_db_submit;

/* The MariaDB client library's process-wide set-up, before any thread
 * connects (mysql_init is not thread-safe the first time). 0 or -1. */
int bench_db_init(void);

/* Its release, after every thread is gone. NULL-safe, can't fail. */
void bench_db_end(void);

#endif
