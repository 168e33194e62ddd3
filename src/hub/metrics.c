/*
 * metrics.c - atomic counters and their Prometheus rendering.
 */
#include "hub/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/err.h"
#include "svc/auth.h"

static const double bucket_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define BUCKETS (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))
#define ERR_CODES 22 /* -EOS_EDUPKEY + 1 */

static atomic_ulong requests[OP_COUNT];
static atomic_ulong faults[OP_COUNT];
static atomic_ulong faults_by_code[ERR_CODES];
static atomic_ulong latency_buckets[OP_COUNT][BUCKETS + 1];
static atomic_ulong latency_micros[OP_COUNT];
static atomic_long connections;
static atomic_long busy;

void metrics_record(enum api_op op, int error, double seconds)
{
    size_t b = 0;

    if ((unsigned)op >= OP_COUNT)
        op = OP_NONE;
    atomic_fetch_add_explicit(&requests[op], 1, memory_order_relaxed);
    if (error < 0) {
        atomic_fetch_add_explicit(&faults[op], 1, memory_order_relaxed);
        if (-error < ERR_CODES)
            atomic_fetch_add_explicit(&faults_by_code[-error], 1, memory_order_relaxed);
    }
    while (b < BUCKETS && seconds > bucket_bounds[b])
        b++;
    atomic_fetch_add_explicit(&latency_buckets[op][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&latency_micros[op], (unsigned long)(seconds * 1e6),
                              memory_order_relaxed);
}

void metrics_connections_add(int delta)
{
    atomic_fetch_add_explicit(&connections, delta, memory_order_relaxed);
}

void metrics_busy_add(int delta)
{
    atomic_fetch_add_explicit(&busy, delta, memory_order_relaxed);
}

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->len >= o->size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
    if (o->len > o->size)
        o->len = o->size;
}

size_t metrics_render(char *buf, size_t size)
{
    struct out o = {buf, size, 0};

    emit(&o, "# HELP eos_requests_total SOAP requests served, by operation and outcome.\n"
             "# TYPE eos_requests_total counter\n");
    for (int op = 0; op < OP_COUNT; op++) {
        unsigned long n = atomic_load(&requests[op]), f = atomic_load(&faults[op]);

        if (n == 0)
            continue;
        emit(&o, "eos_requests_total{operation=\"%s\",outcome=\"ok\"} %lu\n", api_ops[op].name,
             n - f);
        emit(&o, "eos_requests_total{operation=\"%s\",outcome=\"fault\"} %lu\n", api_ops[op].name,
             f);
    }
    emit(&o, "# HELP eos_faults_total Faults answered, by contract fault code.\n"
             "# TYPE eos_faults_total counter\n");
    for (int c = 1; c < ERR_CODES; c++) {
        unsigned long n = atomic_load(&faults_by_code[c]);

        if (n)
            emit(&o, "eos_faults_total{code=\"%s\"} %lu\n", eos_err_name(-c), n);
    }
    emit(&o, "# HELP eos_request_duration_seconds Time from request to response.\n"
             "# TYPE eos_request_duration_seconds histogram\n");
    for (int op = 0; op < OP_COUNT; op++) {
        unsigned long cumulative = 0;

        if (atomic_load(&requests[op]) == 0)
            continue;
        for (size_t b = 0; b <= BUCKETS; b++) {
            cumulative += atomic_load(&latency_buckets[op][b]);
            if (b < BUCKETS)
                emit(&o, "eos_request_duration_seconds_bucket{operation=\"%s\",le=\"%g\"} %lu\n",
                     api_ops[op].name, bucket_bounds[b], cumulative);
            else
                emit(&o, "eos_request_duration_seconds_bucket{operation=\"%s\",le=\"+Inf\"} %lu\n",
                     api_ops[op].name, cumulative);
        }
        emit(&o, "eos_request_duration_seconds_sum{operation=\"%s\"} %.6f\n", api_ops[op].name,
             (double)atomic_load(&latency_micros[op]) / 1e6);
        emit(&o, "eos_request_duration_seconds_count{operation=\"%s\"} %lu\n", api_ops[op].name,
             cumulative);
    }
    emit(&o, "# HELP eos_auth_failures_total Failed authentications.\n"
             "# TYPE eos_auth_failures_total counter\neos_auth_failures_total %lu\n",
         auth_failures_total());
    emit(&o, "# HELP eos_auth_lockouts_total Attempts refused while their user and address were "
             "locked out.\n# TYPE eos_auth_lockouts_total counter\neos_auth_lockouts_total %lu\n",
         auth_lockouts_total());
    emit(&o, "# HELP eos_connections_open Client connections open now.\n"
             "# TYPE eos_connections_open gauge\neos_connections_open %ld\n",
         atomic_load(&connections));
    emit(&o, "# HELP eos_workers_busy Worker threads serving a request now.\n"
             "# TYPE eos_workers_busy gauge\neos_workers_busy %ld\n",
         atomic_load(&busy));
    return o.len;
}
