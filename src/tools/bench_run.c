/*
 * bench_run.c - threads, phases and the measured window of one run.
 *
 * The phase moves OPENING -> WARMUP -> MEASURE -> STOP, only from the main
 * thread. A step counts when it completes while the phase is MEASURE; steps
 * still in flight at STOP finish and are dropped, so the window is exactly
 * the time between the two phase changes.
 */
#include "tools/bench_run.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/str.h"

enum run_phase {
    PH_OPENING, /* threads connect and authenticate; steps run but do not count */
    PH_WARMUP,  /* every thread opened: load runs, nothing counts yet */
    PH_MEASURE, /* steps completing now count */
    PH_STOP,    /* threads finish their step and leave */
};

struct run_state {
    const struct bench_job *job;
    atomic_int phase;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a thread finished opening */
    long opened;            /* threads whose open succeeded */
    long refused;           /* threads whose open failed */
};

struct thread_slot {
    struct run_state *rs;
    struct bench_worker w;
    pthread_t thread;
    bool started;
};

static atomic_uint run_counter;

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

uint64_t bench_rand(struct bench_worker *w)
{
    uint64_t x = w->rng;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    w->rng = x;
    return x * 0x2545F4914F6CDD1DULL;
}

void bench_errors_add(struct bench_errors *e, const char *code, uint64_t n)
{
    for (unsigned i = 0; i < e->kinds; i++) {
        if (strcmp(e->codes[i], code) == 0) {
            e->counts[i] += n;
            return;
        }
    }
    if (e->kinds == BENCH_ERR_KINDS) {
        e->other += n;
        return;
    }
    str_copy(e->codes[e->kinds], sizeof(e->codes[0]), code);
    e->counts[e->kinds++] = n;
}

static void stats_init(struct bench_stats *s)
{
    memset(s, 0, sizeof(*s));
    bench_hist_init(&s->hist);
}

static void stats_merge(struct bench_stats *dst, const struct bench_stats *src)
{
    bench_hist_merge(&dst->hist, &src->hist);
    dst->ok += src->ok;
    dst->failed += src->failed;
    dst->items += src->items;
    for (unsigned i = 0; i < src->errors.kinds; i++)
        bench_errors_add(&dst->errors, src->errors.codes[i], src->errors.counts[i]);
    dst->errors.other += src->errors.other;
}

long bench_rss_kib(long pid)
{
    char path[64], line[256];
    long kib = 0;
    FILE *f;

    if (pid <= 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            char *end;

            kib = strtol(line + 6, &end, 10);
            if (end == line + 6 || kib < 0)
                kib = 0;
            break;
        }
    }
    fclose(f);
    return kib;
}

static void *thread_main(void *arg)
{
    struct thread_slot *slot = arg;
    struct run_state *rs = slot->rs;
    struct bench_worker *w = &slot->w;
    const struct bench_scenario *sc = rs->job->scenario;
    int rc = sc->open(w);

    pthread_mutex_lock(&rs->lock);
    if (rc == 0)
        rs->opened++;
    else
        rs->refused++;
    pthread_cond_signal(&rs->changed);
    pthread_mutex_unlock(&rs->lock);
    while (rc == 0 && atomic_load(&rs->phase) != PH_STOP) {
        struct bench_outcome out;
        struct bench_stats *st;
        uint64_t start, elapsed;

        memset(&out, 0, sizeof(out));
        w->seq++;
        start = now_us();
        sc->step(w, &out);
        elapsed = now_us() - start;
        if (!out.ok && !out.idle)
            sleep_ms(10); /* a server that refuses at once must not be spun against */
        if (atomic_load(&rs->phase) != PH_MEASURE || out.idle)
            continue;
        st = w->side ? &w->side_stats : &w->main_stats;
        st->items += out.items;
        if (out.ok) {
            st->ok++;
            bench_hist_record(&st->hist, elapsed);
        } else {
            st->failed++;
            bench_errors_add(&st->errors, out.code[0] ? out.code : "UNKNOWN", 1);
        }
    }
    if (sc->close)
        sc->close(w);
    return NULL;
}

/* Waits until every started thread has opened or failed to. */
static void wait_opened(struct run_state *rs, long started)
{
    pthread_mutex_lock(&rs->lock);
    while (rs->opened + rs->refused < started)
        pthread_cond_wait(&rs->changed, &rs->lock);
    pthread_mutex_unlock(&rs->lock);
}

/* Sleeps through the measured window, sampling the hub's VmRSS. */
static void measure_window(const struct bench_opts *o, const struct bench_job *job,
                           struct bench_result *out)
{
    uint64_t start = now_us(), end = start + (uint64_t)job->seconds_ms * 1000u;
    uint64_t next_print = start + (uint64_t)o->rss_every_ms * 1000u;

    out->rss_first_kib = bench_rss_kib(o->hub_pid);
    out->rss_peak_kib = out->rss_first_kib;
    for (;;) {
        uint64_t now = now_us();
        long rss;

        if (now >= end)
            break;
        sleep_ms((long)((end - now) / 1000u < 100 ? (end - now) / 1000u + 1 : 100));
        rss = bench_rss_kib(o->hub_pid);
        if (rss > out->rss_peak_kib)
            out->rss_peak_kib = rss;
        if (rss > 0 && o->rss_every_ms > 0 && now_us() >= next_print) {
            fprintf(stderr, "eos-bench: %s t=%.0fs hub VmRSS %.1f MiB\n", job->label,
                    (double)(now_us() - start) / 1e6, (double)rss / 1024.0);
            next_print += (uint64_t)o->rss_every_ms * 1000u;
        }
    }
    out->rss_last_kib = bench_rss_kib(o->hub_pid);
}

int bench_run(struct bench_result *out, const struct bench_opts *o, const struct bench_job *job)
{
    struct run_state rs = {.job = job};
    struct thread_slot *slots = NULL;
    unsigned run_no = atomic_fetch_add(&run_counter, 1) + 1;
    long started = 0;
    uint64_t t0, t1;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    str_copy(out->label, sizeof(out->label), job->label);
    out->scenario = job->scenario;
    out->threads = job->threads;
    out->lines = job->lines;
    stats_init(&out->main_stats);
    stats_init(&out->side_stats);
    if (job->threads < job->scenario->min_threads) {
        snprintf(out->error, sizeof(out->error), "%s needs at least %ld threads",
                 job->scenario->name, job->scenario->min_threads);
        return -1;
    }
    atomic_init(&rs.phase, PH_OPENING);
    pthread_mutex_init(&rs.lock, NULL);
    pthread_cond_init(&rs.changed, NULL);
    slots = calloc((size_t)job->threads, sizeof(*slots));
    if (!slots) {
        snprintf(out->error, sizeof(out->error), "out of memory");
        goto cleanup;
    }
    for (long i = 0; i < job->threads; i++) {
        struct bench_worker *w = &slots[i].w;

        slots[i].rs = &rs;
        w->index = (int)i;
        w->opts = o;
        w->url = job->url;
        w->lines = job->lines;
        w->rng = (now_us() ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL)) | 1u;
        snprintf(w->tag, sizeof(w->tag), "%lx%x-%u-%ld", (unsigned long)time(NULL),
                 (unsigned)getpid(), run_no, i);
        stats_init(&w->main_stats);
        stats_init(&w->side_stats);
    }
    for (long i = 0; i < job->threads; i++) {
        if (pthread_create(&slots[i].thread, NULL, thread_main, &slots[i]) != 0) {
            snprintf(out->error, sizeof(out->error), "cannot start thread %ld", i);
            break;
        }
        slots[i].started = true;
        started++;
    }
    wait_opened(&rs, started);
    if (started < job->threads || rs.refused > 0) {
        for (long i = 0; i < started && !out->error[0]; i++)
            if (slots[i].w.error[0])
                snprintf(out->error, sizeof(out->error), "thread %ld: %s", i, slots[i].w.error);
        atomic_store(&rs.phase, PH_STOP);
        goto join;
    }
    atomic_store(&rs.phase, PH_WARMUP);
    sleep_ms(job->warmup_ms);
    atomic_store(&rs.phase, PH_MEASURE);
    t0 = now_us();
    measure_window(o, job, out);
    atomic_store(&rs.phase, PH_STOP);
    t1 = now_us();
    out->seconds = (double)(t1 - t0) / 1e6;
    rc = 0;
join:
    for (long i = 0; i < job->threads; i++) {
        if (!slots[i].started)
            continue;
        pthread_join(slots[i].thread, NULL);
        stats_merge(&out->main_stats, &slots[i].w.main_stats);
        stats_merge(&out->side_stats, &slots[i].w.side_stats);
    }
cleanup:
    free(slots);
    pthread_cond_destroy(&rs.changed);
    pthread_mutex_destroy(&rs.lock);
    return rc;
}

double bench_result_rate(const struct bench_result *r)
{
    double n;

    if (r->seconds <= 0)
        return 0;
    n = r->scenario && r->scenario->rate_items ? (double)r->main_stats.items
                                               : (double)r->main_stats.ok;
    return n / r->seconds;
}
