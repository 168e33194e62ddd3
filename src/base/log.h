/*
 * log.h - one line per event on stderr, request id first when there is one.
 *
 * Lines look like
 *   2026-11-29T19:00:00.123Z INFO  [r=42] message
 * The level is checked before anything is formatted, so a disabled debug line
 * costs one comparison.
 */
#ifndef EOS_BASE_LOG_H
#define EOS_BASE_LOG_H

enum log_level {
    LOG_LEVEL_ERROR = 0, /* the hub could not do what it should */
    LOG_LEVEL_WARN = 1,  /* something is wrong but was handled */
    LOG_LEVEL_INFO = 2,  /* one line per request, start-up and shutdown */
    LOG_LEVEL_DEBUG = 3, /* details for developers */
};

extern enum log_level log_current_level;

/* Parses "error", "warn", "info" or "debug"; returns -1 on anything else. */
int log_parse_level(const char *name);

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_enabled(level) ((level) <= log_current_level)
#define log_error(...) \
    do { \
        if (log_enabled(LOG_LEVEL_ERROR)) \
            log_write(LOG_LEVEL_ERROR, __VA_ARGS__); \
    } while (0)
#define log_warn(...) \
    do { \
        if (log_enabled(LOG_LEVEL_WARN)) \
            log_write(LOG_LEVEL_WARN, __VA_ARGS__); \
    } while (0)
#define log_info(...) \
    do { \
        if (log_enabled(LOG_LEVEL_INFO)) \
            log_write(LOG_LEVEL_INFO, __VA_ARGS__); \
    } while (0)
#define log_debug(...) \
    do { \
        if (log_enabled(LOG_LEVEL_DEBUG)) \
            log_write(LOG_LEVEL_DEBUG, __VA_ARGS__); \
    } while (0)

#endif
