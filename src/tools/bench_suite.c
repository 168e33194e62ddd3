/*
 * bench_suite.c - the `make bench` sequence (see bench_suite.h).
 */
#include "tools/bench_suite.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tools/bench_client.h"
#include "tools/bench_data.h"
#include "tools/bench_db.h"
#include "tools/bench_report.h"

enum row_id {
    ROW_ECHO_HUB,  /* E */
    ROW_ECHO_RAW,  /* R */
    ROW_SUBMIT,    /* S, at the small store */
    ROW_DB_SUBMIT, /* D */
    ROW_STATUS,
    ROW_SUBMIT_LARGE,
    ROW_DOWNLOAD,
    ROW_SWEEP, /* first of the sweep's rows */
    ROW_MAX = ROW_SWEEP + BENCH_SWEEP_MAX,
};

struct suite {
    const struct bench_opts *o;
    struct bench_row rows[ROW_MAX];
    long sweep[BENCH_SWEEP_MAX];
    int sweep_count;
    bool failed; /* a run could not start, a preload failed or a request failed */
};

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int preload(struct suite *s, long orders)
{
    struct timespec t0;
    long added = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    fprintf(stderr, "eos-bench: preloading until %ld orders are stored\n", orders);
    if (bench_preload(&added, s->o, orders) < 0) {
        s->failed = true;
        return -1;
    }
    fprintf(stderr, "eos-bench: preloaded %ld orders in %.1f s\n", added, seconds_since(&t0));
    return 0;
}

/* Runs one row; with count_stored, notes how many orders were stored first.
 * Rows that do not load the hub (R, D) do not sample its VmRSS. */
static void run_row(struct suite *s, enum row_id id, const struct bench_scenario *sc,
                    const char *label, const char *url, long threads, long lines, long window_ms,
                    bool count_stored)
{
    struct bench_row *row = &s->rows[id];
    struct bench_job job = {sc, label, url, threads, lines, s->o->warmup_ms, window_ms};
    struct bench_opts o = *s->o;

    if (id == ROW_ECHO_RAW || id == ROW_DB_SUBMIT)
        o.hub_pid = 0;
    row->stored = count_stored ? bench_order_count() : -1;
    row->ran = bench_run(&row->result, &o, &job) == 0;
    bench_report_run(stderr, &row->result, s->o->warmup_ms);
    if (!row->ran || bench_report_failures(&row->result) > 0)
        s->failed = true;
}

static void skip_row(struct suite *s, enum row_id id, const char *label, const char *why)
{
    struct bench_row *row = &s->rows[id];

    row->ran = false;
    row->stored = -1;
    snprintf(row->result.label, sizeof(row->result.label), "%s", label);
    snprintf(row->result.error, sizeof(row->result.error), "%s", why);
    row->result.threads = s->o->threads;
}

static double rate(const struct suite *s, enum row_id id)
{
    return s->rows[id].ran ? bench_result_rate(&s->rows[id].result) : 0.0;
}

static double p_ms(const struct suite *s, enum row_id id, double q)
{
    return (double)bench_hist_quantile(&s->rows[id].result.main_stats.hist, q) / 1000.0;
}

static const char *verdict(bool known, bool met)
{
    return !known ? "n/a" : met ? "met" : "MISSED";
}

static void print_ratios(const struct suite *s)
{
    double e = rate(s, ROW_ECHO_HUB), r = rate(s, ROW_ECHO_RAW);
    double sub = rate(s, ROW_SUBMIT), d = rate(s, ROW_DB_SUBMIT);
    double st = rate(s, ROW_STATUS), dl = rate(s, ROW_DOWNLOAD);
    double large = rate(s, ROW_SUBMIT_LARGE);
    double c = r > 0 && d > 0 ? 1.0 / (1.0 / r + 1.0 / d) : 0.0;
    long first = 0, last = 0, peak = 0;

    for (int i = 0; i < ROW_MAX; i++) {
        const struct bench_result *res = &s->rows[i].result;

        if (!s->rows[i].ran || res->rss_peak_kib == 0 || i == ROW_ECHO_RAW || i == ROW_DB_SUBMIT)
            continue;
        if (first == 0)
            first = res->rss_first_kib;
        last = res->rss_last_kib;
        if (res->rss_peak_kib > peak)
            peak = res->rss_peak_kib;
    }
    printf("\nRatios and the targets of issue 7 (figures from this run only):\n");
    printf("  E/R                  %6.2f                 target >= 0.80       %s\n",
           r > 0 ? e / r : 0.0, verdict(e > 0 && r > 0, r > 0 && e / r >= 0.8));
    printf("  C = 1/(1/R + 1/D)    %8.1f req/s\n", c);
    printf("  submit/D             %6.2f\n", d > 0 ? sub / d : 0.0);
    printf("  submit/C             %6.2f                 target >= 0.80       %s\n",
           c > 0 ? sub / c : 0.0, verdict(c > 0 && sub > 0, c > 0 && sub / c >= 0.8));
    printf("  submit p99           %8.2f ms            target <= 50 ms      %s\n",
           p_ms(s, ROW_SUBMIT, 0.99), verdict(sub > 0, p_ms(s, ROW_SUBMIT, 0.99) <= 50.0));
    printf("  status               %8.1f req/s         target >= 5000/s     %s\n", st,
           verdict(st > 0, st >= 5000.0));
    printf("  status p99           %8.2f ms            target <= 15 ms      %s\n",
           p_ms(s, ROW_STATUS, 0.99), verdict(st > 0, p_ms(s, ROW_STATUS, 0.99) <= 15.0));
    printf("  download             %8.1f orders/s      target >= 10000/s    %s"
           "   (while %.1f submits/s)\n",
           dl, verdict(s->rows[ROW_DOWNLOAD].ran, dl >= 10000.0),
           s->rows[ROW_DOWNLOAD].result.seconds > 0
               ? (double)s->rows[ROW_DOWNLOAD].result.side_stats.ok /
                     s->rows[ROW_DOWNLOAD].result.seconds
               : 0.0);
    if (peak > 0)
        printf("  hub VmRSS            %8.1f MiB peak      target <= 64 MiB     %s"
               "   (%.1f MiB at the first run, %.1f at the end)\n",
               (double)peak / 1024.0, verdict(true, peak <= 64 * 1024), (double)first / 1024.0,
               (double)last / 1024.0);
    else
        printf("  hub VmRSS            not sampled (no --hub-pid)\n");
    printf("  submit large/small   %6.2f                 (1.00: flat with stored orders; %ld vs "
           "%ld stored)\n",
           sub > 0 ? large / sub : 0.0, s->rows[ROW_SUBMIT_LARGE].stored,
           s->rows[ROW_SUBMIT].stored);
    if (s->sweep_count > 1 && s->rows[ROW_SWEEP].ran &&
        s->rows[ROW_SWEEP + s->sweep_count - 1].ran) {
        int lastrow = s->sweep_count - 1;
        double first_p = p_ms(s, ROW_SWEEP, 0.5);
        double last_p = p_ms(s, (enum row_id)(ROW_SWEEP + lastrow), 0.5);
        long span = s->sweep[lastrow] - s->sweep[0];
        double slope = span > 0 ? (last_p - first_p) / (double)span : 0.0;

        printf("  cost per line        %8.3f ms            (p50, %ld -> %ld lines)\n", slope,
               s->sweep[0], s->sweep[lastrow]);
        for (int i = 1; i < lastrow; i++) {
            if (!s->rows[ROW_SWEEP + i].ran)
                continue;
            printf("  p50 at %3ld lines     %8.2f ms            (%.2f ms on the straight line; "
                   "linear when close)\n",
                   s->sweep[i], p_ms(s, (enum row_id)(ROW_SWEEP + i), 0.5),
                   first_p + slope * (double)(s->sweep[i] - s->sweep[0]));
        }
    }
}

int bench_suite(const struct bench_opts *o)
{
    static struct suite s; /* rows hold histograms: too large for the stack */
    char label[64];

    memset(&s, 0, sizeof(s));
    s.o = o;
    s.sweep_count = bench_opts_sweep(s.sweep, o);
    if (s.sweep_count < 0) {
        fprintf(stderr, "eos-bench: sweep must be up to %d line counts 1..500, like 1,5,50,500\n",
                BENCH_SWEEP_MAX);
        return 1;
    }
    if (preload(&s, o->stored_small) < 0)
        return 1;
    run_row(&s, ROW_ECHO_HUB, &bench_echo, "echo, hub (E)", o->url, o->threads, 0, o->seconds_ms,
            false);
    if (o->raw_url[0])
        run_row(&s, ROW_ECHO_RAW, &bench_echo, "echo, bare gSOAP (R)", o->raw_url, o->threads, 0,
                o->seconds_ms, false);
    else
        skip_row(&s, ROW_ECHO_RAW, "echo, bare gSOAP (R)", "no --raw-url");
    snprintf(label, sizeof(label), "submit, %ld lines (S)", o->lines);
    run_row(&s, ROW_SUBMIT, &bench_submit, label, o->url, o->threads, o->lines, o->seconds_ms,
            true);
    snprintf(label, sizeof(label), "db-submit, %ld lines (D)", o->lines);
    run_row(&s, ROW_DB_SUBMIT, &bench_db_submit, label, o->url, o->threads, o->lines, o->seconds_ms,
            true);
    run_row(&s, ROW_STATUS, &bench_status, "status", o->url, o->threads, o->lines, o->seconds_ms,
            false);
    for (int i = 0; i < s.sweep_count; i++) {
        snprintf(label, sizeof(label), "sweep: submit, %ld line%s", s.sweep[i],
                 s.sweep[i] == 1 ? "" : "s");
        run_row(&s, (enum row_id)(ROW_SWEEP + i), &bench_submit, label, o->url, o->sweep_threads,
                s.sweep[i], o->sweep_ms, false);
    }
    if (preload(&s, o->stored_large) == 0) {
        snprintf(label, sizeof(label), "submit, %ld lines, large store", o->lines);
        run_row(&s, ROW_SUBMIT_LARGE, &bench_submit, label, o->url, o->threads, o->lines,
                o->seconds_ms, true);
    } else {
        skip_row(&s, ROW_SUBMIT_LARGE, "submit, large store", "preload failed");
    }
    run_row(&s, ROW_DOWNLOAD, &bench_download, "download (ERP + submitters)", o->url, o->threads,
            o->lines, o->seconds_ms, false);

    printf("\n");
    bench_report_title(stdout, o);
    bench_report_table(stdout, s.rows, (size_t)(ROW_SWEEP + s.sweep_count));
    print_ratios(&s);
    fflush(stdout);
    return s.failed ? 1 : 0;
}
