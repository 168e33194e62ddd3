/*
 * metrics.h - counters for /metrics (Prometheus text format).
 *
 * Requests and faults per operation, faults per code, a latency histogram per
 * operation, and gauges for connections and busy workers. Every counter is an
 * atomic: recording costs a few relaxed increments, nothing is locked.
 */
#ifndef EOS_HUB_METRICS_H
#define EOS_HUB_METRICS_H

#include <stddef.h>

#include "api/ops.h"

/* Records one served request: its operation, the error code of its fault
 * (0: none) and how long it took. */
void metrics_record(enum api_op op, int error, double seconds);

void metrics_connections_add(int delta);
void metrics_busy_add(int delta);

/* Writes the exposition text into buf; returns its length (cut at size). */
size_t metrics_render(char *buf, size_t size);

#endif
