/*
 * main.c - eos-hub: reads its settings, starts the server, serves until
 * SIGTERM or SIGINT, then shuts down cleanly.
 *
 * The process exits only here, at start-up (bad settings, port taken) or after
 * a requested stop; never while serving. A database that is away at start-up
 * or later makes requests fail with SERVICE_UNAVAILABLE until it is back.
 */
#include <malloc.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/err.h"
#include "base/log.h"
#include "base/paths.h"
#include "hub/config.h"
#include "hub/routes.h"
#include "hub/server.h"

#define SERVICE_VERSION "1.0.0"

static void on_signal(int sig)
{
    (void)sig;
    server_request_stop();
}

static int load_settings(struct api_settings *settings, const struct hub_config *cfg)
{
    memset(settings, 0, sizeof(*settings));
    auth_settings_defaults(&settings->auth);
    settings->auth.allow_plaintext = cfg->allow_plaintext_auth != 0;
    settings->auth.cache_ttl = (int)cfg->auth_cache_ttl;
    settings->auth.max_failures = (int)cfg->auth_max_failures;
    settings->auth.lockout_window = (int)cfg->auth_lockout;
    settings->service_version = SERVICE_VERSION;
    settings->max_message = (unsigned long long)cfg->max_message;
    settings->max_depth = (int)cfg->max_depth;
    settings->trusted_proxies = cfg->trusted_proxies;
    if (cfg->secret_key_file[0] &&
        secret_key_load(&settings->auth.key, cfg->secret_key_file) < 0) {
        fprintf(stderr, "eos-hub: %s: %s\n", cfg->secret_key_file, eos_err_message());
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct hub_config cfg;
    struct db_config db;
    struct api_settings settings;
    struct hub_server *srv = NULL;
    struct sigaction sa;
    char wsdl_dir[1024];
    int level, rc;

    rc = hub_config_load(&cfg, argc, argv, stdout, stderr);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    level = log_parse_level(cfg.log_level);
    if (level < 0) {
        fprintf(stderr, "eos-hub: log-level is error, warn, info or debug\n");
        return 2;
    }
    log_current_level = (enum log_level)level;
    if (load_settings(&settings, &cfg) < 0)
        return 2;
    if (cfg.wsdl_dir[0])
        snprintf(wsdl_dir, sizeof(wsdl_dir), "%s", cfg.wsdl_dir);
    else if (path_resource(wsdl_dir, sizeof(wsdl_dir), "EOS_WSDL_DIR", "wsdl") < 0) {
        fprintf(stderr, "eos-hub: %s\n", eos_err_message());
        return 2;
    }
    if (routes_load(wsdl_dir) < 0)
        return 2;
    db_config_from_env(&db);

    /* Workers free what a request allocated when it ends; with one malloc
     * arena per thread, freed memory would stay spread over as many heaps. */
    mallopt(M_ARENA_MAX, 2);
    /* Fixed thresholds: by default glibc raises its mapping threshold after
     * the first large block is freed, and a burst of large responses (32
     * ListOrders pages of 500: RSS 133 MiB) then stays in the heap for good.
     * 4 MiB keeps such blocks in their own mappings, given back when freed,
     * while a feed batch's arrays (about 1 MiB) stay in the heap: mapping
     * and faulting those in on every batch cost 40 % of DownloadOrders. */
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (server_start(&srv, &cfg, &db, &settings) < 0) {
        routes_free();
        return 1;
    }
    log_info("eos-hub %s listening on %s://%s:%ld/eos (%ld workers%s)", SERVICE_VERSION,
             cfg.tls_cert[0] ? "https" : "http", cfg.host, cfg.port, cfg.threads,
             settings.auth.allow_plaintext ? ", plaintext passwords allowed" : "");
    rc = server_run(srv);
    server_free(srv);
    routes_free();
    OPENSSL_cleanse(&settings.auth.key, sizeof(settings.auth.key));
    return rc == 0 ? 0 : 1;
}
