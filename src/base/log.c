/*
 * log.c - timestamped log lines on stderr.
 *
 * Each line is formatted into one buffer and written with a single write(2),
 * so lines from different worker threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum log_level log_current_level = LOG_LEVEL_INFO;

static const char *const level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

int log_parse_level(const char *name)
{
    static const char *const lower[] = {"error", "warn", "info", "debug"};

    for (int i = 0; i < 4; i++)
        if (name && strcasecmp(name, lower[i]) == 0)
            return i;
    return -1;
}

void log_write(enum log_level level, const char *fmt, ...)
{
    char line[2048];
    struct timespec now;
    struct tm tm;
    size_t len;
    int n;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    len = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line + len, sizeof(line) - len, ".%03ldZ %-5s ", now.tv_nsec / 1000000L,
                 level_names[level]);
    if (n > 0)
        len += (size_t)n;
    va_start(ap, fmt);
    n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
    va_end(ap);
    if (n > 0)
        len += (size_t)n;
    if (len > sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    /* Nothing useful can be done if stderr is gone. */
    if (write(STDERR_FILENO, line, len) < 0)
        return;
}
