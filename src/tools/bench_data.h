/*
 * bench_data.h - the benchmark's own data: its seller, buyers, users and
 * catalog (setup), and orders loaded straight into the tables (preload).
 *
 * Names follow the prefix (--prefix, default BENCH): seller PREFIX, buyers
 * PREFIX01..PREFIXnn with users prefix01..prefixnn, the seller's ERP user
 * prefix-erp, products PREFIX-00001.. in category PREFIX. Parties and users go
 * through the operator use cases (svc/admin.h, PBKDF2 and all); the catalog
 * and the preloaded orders are multi-row INSERT ... SELECT statements over
 * MariaDB's sequence tables (seq_1_to_N), because loading half a million
 * orders one use case at a time would take longer than the benchmark.
 * The database is the one EOS_DB_* names.
 */
#ifndef EOS_TOOLS_BENCH_DATA_H
#define EOS_TOOLS_BENCH_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "tools/bench_opts.h"

/* "PREFIX-00042" for product idx 41 (0-based). */
void bench_sku(char *buf, size_t size, const char *prefix, long idx);

/* "prefix07" for buyer idx 6 (0-based); "prefix-erp" for idx < 0. */
void bench_username(char *buf, size_t size, const char *prefix, long idx);

/* Creates (or brings up to date) the seller, o->buyers buyers with credit
 * limits high enough never to refuse, their users, the ERP user, and
 * o->products products with list prices, published to every bench buyer.
 * Idempotent. 0, or -1 with a message on stderr. */
int bench_setup(const struct bench_opts *o);

/* Adds orders of the bench buyers (o->preload_lines lines each, every table a
 * submitted order writes: header, lines, history, feed entry, exposure)
 * until the database holds at least `orders` orders. Their feed entries are
 * numbered, and every one but the newest o->backlog is acknowledged.
 * *added_out (may be NULL) gets how many were added. 0, or -1 with a message
 * on stderr (orders of the chunks committed before the failure stay). */
int bench_preload(long *added_out, const struct bench_opts *o, long orders);

/* How many orders the database holds, or -1 with a message. */
long bench_order_count(void);

#endif
