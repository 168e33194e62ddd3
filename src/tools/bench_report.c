/*
 * bench_report.c - printing runs and the suite's table.
 */
#include "tools/bench_report.h"

#include <time.h>
#include <unistd.h>

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

static double mib(long kib)
{
    return (double)kib / 1024.0;
}

unsigned long long bench_report_failures(const struct bench_result *r)
{
    return (unsigned long long)(r->main_stats.failed + r->side_stats.failed);
}

static void print_errors(FILE *out, const struct bench_stats *s)
{
    if (s->failed == 0) {
        fprintf(out, "none\n");
        return;
    }
    fprintf(out, "%llu:", (unsigned long long)s->failed);
    for (unsigned i = 0; i < s->errors.kinds; i++)
        fprintf(out, " %s %llu", s->errors.codes[i], (unsigned long long)s->errors.counts[i]);
    if (s->errors.other)
        fprintf(out, " (other codes) %llu", (unsigned long long)s->errors.other);
    fprintf(out, "\n");
}

static void print_latency(FILE *out, const struct bench_hist *h)
{
    fprintf(out, "p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
            ms(bench_hist_quantile(h, 0.50)), ms(bench_hist_quantile(h, 0.90)),
            ms(bench_hist_quantile(h, 0.99)), ms(h->max_us));
}

void bench_report_run(FILE *out, const struct bench_result *r, long warmup_ms)
{
    const struct bench_stats *m = &r->main_stats;
    bool items = r->scenario && r->scenario->rate_items;

    fprintf(out, "%s: %ld threads, %.1f s measured after %.1f s warm-up\n", r->label, r->threads,
            r->seconds, (double)warmup_ms / 1000.0);
    if (r->error[0]) {
        fprintf(out, "  not run: %s\n", r->error);
        return;
    }
    if (items)
        fprintf(out, "  throughput  %.1f %s (%llu in %llu steps)\n", bench_result_rate(r),
                r->scenario->unit, (unsigned long long)m->items,
                (unsigned long long)(m->ok + m->failed));
    else
        fprintf(out, "  throughput  %.1f %s (%llu ok)\n", bench_result_rate(r),
                r->scenario ? r->scenario->unit : "req/s", (unsigned long long)m->ok);
    fprintf(out, "  latency     ");
    print_latency(out, &m->hist);
    fprintf(out, "  errors      ");
    print_errors(out, m);
    if (r->side_stats.ok + r->side_stats.failed > 0) {
        const struct bench_stats *s = &r->side_stats;

        fprintf(out, "  beside it   %.1f submits/s, ",
                r->seconds > 0 ? (double)s->ok / r->seconds : 0.0);
        print_latency(out, &s->hist);
        fprintf(out, "  their errors ");
        print_errors(out, s);
    }
    if (r->rss_peak_kib > 0)
        fprintf(out, "  hub VmRSS   %.1f MiB at start, %.1f MiB at end, %.1f MiB peak\n",
                mib(r->rss_first_kib), mib(r->rss_last_kib), mib(r->rss_peak_kib));
}

void bench_report_title(FILE *out, const struct bench_opts *o)
{
    time_t now = time(NULL);
    struct tm tm;
    char when[32];

    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
    fprintf(out,
            "EOS Hub benchmark, %s, %ld CPUs, %.1f s windows after %.1f s warm-up, "
            "auth %s\n",
            when, sysconf(_SC_NPROCESSORS_ONLN), (double)o->seconds_ms / 1000.0,
            (double)o->warmup_ms / 1000.0, o->auth);
}

void bench_report_table(FILE *out, const struct bench_row *rows, size_t n)
{
    fprintf(out, "%-34s %7s %8s %10s %8s %8s %8s %8s %7s %8s\n", "scenario", "clients", "stored",
            "rate", "unit", "p50 ms", "p99 ms", "max ms", "errors", "RSS MiB");
    for (size_t i = 0; i < n; i++) {
        const struct bench_row *row = &rows[i];
        const struct bench_result *r = &row->result;
        const struct bench_hist *h = &r->main_stats.hist;
        char stored[24] = "-", rss[32] = "-";

        if (!row->ran) {
            fprintf(out, "%-34s %7ld  not run: %s\n", r->label, r->threads,
                    r->error[0] ? r->error : "skipped");
            continue;
        }
        if (row->stored >= 0)
            snprintf(stored, sizeof(stored), "%ld", row->stored);
        if (r->rss_peak_kib > 0)
            snprintf(rss, sizeof(rss), "%.1f", mib(r->rss_peak_kib));
        fprintf(out, "%-34s %7ld %8s %10.1f %8s %8.2f %8.2f %8.2f %7llu %8s\n", r->label,
                r->threads, stored, bench_result_rate(r), r->scenario ? r->scenario->unit : "-",
                ms(bench_hist_quantile(h, 0.50)), ms(bench_hist_quantile(h, 0.99)), ms(h->max_us),
                bench_report_failures(r), rss);
    }
}
