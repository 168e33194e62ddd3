/*
 * bench_hist.h - eos-bench's latency histogram: log-linear buckets, no averages.
 *
 * Values are microseconds. Below 64 us every microsecond has its own bucket;
 * above, each power of two is cut into 32 buckets, so a bucket is never wider
 * than 1/32 (about 3 %) of the values it holds, from 64 us up to 38 hours.
 * Recording is one array increment, so each client thread keeps its own
 * histogram without locks and the run merges them at the end. Percentiles
 * are read from the buckets (the bucket's upper bound, never above the
 * largest value recorded); the exact minimum and maximum are kept beside.
 */
#ifndef EOS_TOOLS_BENCH_HIST_H
#define EOS_TOOLS_BENCH_HIST_H

#include <stdint.h>

#define BENCH_HIST_SUB_BITS 5 /* 32 buckets per power of two */
#define BENCH_HIST_SUB (1u << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_MAX_BITS 37 /* values up to 2^37 us */
#define BENCH_HIST_BUCKETS                                                                         \
    (2 * BENCH_HIST_SUB + (BENCH_HIST_MAX_BITS - BENCH_HIST_SUB_BITS - 1) * BENCH_HIST_SUB)

struct bench_hist {
    uint64_t count;                      /* values recorded */
    uint64_t min_us;                     /* exact; UINT64_MAX while empty */
    uint64_t max_us;                     /* exact */
    uint64_t bucket[BENCH_HIST_BUCKETS]; /* counts; index from bench_hist_index() */
};

/* Empties h. This function can't fail. */
void bench_hist_init(struct bench_hist *h);

/* Records one value; values past the range land in the last bucket (and
 * still count exactly in max_us). This function can't fail. */
void bench_hist_record(struct bench_hist *h, uint64_t us);

/* Adds every value of src to dst. This function can't fail. */
void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src);

/* The value at quantile q (0 < q <= 1) in microseconds: the upper bound of
 * the bucket holding the ceil(q * count)-th smallest value, capped at the
 * maximum. 0 when the histogram is empty. */
uint64_t bench_hist_quantile(const struct bench_hist *h, double q);

/* The bucket of a value, and the largest value a bucket holds (exposed for
 * the tests of the bucket layout). */
unsigned bench_hist_index(uint64_t us);
uint64_t bench_hist_upper(unsigned index);

#endif
