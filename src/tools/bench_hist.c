/*
 * bench_hist.c - log-linear latency histogram (see bench_hist.h for the layout).
 */
#include "tools/bench_hist.h"

#include <math.h>
#include <string.h>

void bench_hist_init(struct bench_hist *h)
{
    memset(h, 0, sizeof(*h));
    h->min_us = UINT64_MAX;
}

unsigned bench_hist_index(uint64_t us)
{
    unsigned msb, shift;

    if (us < 2 * BENCH_HIST_SUB)
        return (unsigned)us;
    if (us >> BENCH_HIST_MAX_BITS)
        return BENCH_HIST_BUCKETS - 1;
    msb = 63u - (unsigned)__builtin_clzll(us);
    shift = msb - BENCH_HIST_SUB_BITS;
    return 2 * BENCH_HIST_SUB + (shift - 1) * BENCH_HIST_SUB +
           (unsigned)((us >> shift) - BENCH_HIST_SUB);
}

uint64_t bench_hist_upper(unsigned index)
{
    unsigned shift;
    uint64_t top;

    if (index < 2 * BENCH_HIST_SUB)
        return index;
    shift = (index - 2 * BENCH_HIST_SUB) / BENCH_HIST_SUB + 1;
    top = (index - 2 * BENCH_HIST_SUB) % BENCH_HIST_SUB + BENCH_HIST_SUB;
    return ((top + 1) << shift) - 1;
}

void bench_hist_record(struct bench_hist *h, uint64_t us)
{
    h->bucket[bench_hist_index(us)]++;
    h->count++;
    if (us < h->min_us)
        h->min_us = us;
    if (us > h->max_us)
        h->max_us = us;
}

void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
    for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++)
        dst->bucket[i] += src->bucket[i];
    dst->count += src->count;
    if (src->min_us < dst->min_us)
        dst->min_us = src->min_us;
    if (src->max_us > dst->max_us)
        dst->max_us = src->max_us;
}

uint64_t bench_hist_quantile(const struct bench_hist *h, double q)
{
    uint64_t rank, seen = 0;

    if (h->count == 0)
        return 0;
    if (q <= 0)
        return h->min_us;
    rank = (uint64_t)ceil(q * (double)h->count);
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    for (unsigned i = 0; i < BENCH_HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            uint64_t upper = bench_hist_upper(i);

            return upper < h->max_us ? upper : h->max_us;
        }
    }
    return h->max_us;
}
