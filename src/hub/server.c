/*
 * server.c - connections, the poller and the workers.
 *
 * A connection is in one of three states, and only its current owner touches
 * it: IDLE (in the epoll set, owned by the main thread), QUEUED (waiting for a
 * worker) or BUSY (a worker is serving a request on it). The state changes
 * under srv->lock; epoll uses EPOLLONESHOT so a connection fires once and is
 * re-armed only when a worker hands it back.
 *
 * gSOAP serves one request per dispatch: the worker points its context at the
 * connection's socket (and TLS session), runs soap_begin_serve and
 * soap_serve_request, and takes the socket back unless gSOAP closed it
 * (client asked to close, error, or the keep-alive budget is spent).
 */
#include "hub/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "hub/metrics.h"
#include "hub/routes.h"

enum conn_state {
    CONN_IDLE,   /* waiting in the epoll set for the client's next request */
    CONN_QUEUED, /* has bytes to read, waiting for a worker */
    CONN_BUSY,   /* a worker is serving a request on it */
};

struct conn {
    int fd;                    /* -1 once gSOAP closed it */
    SSL *ssl;                  /* TLS session, or NULL */
    BIO *bio;
    enum conn_state state;
    unsigned requests;         /* served so far */
    time_t last_active;
    char peer[64];
    int peer_port;
    struct conn *next_queued;  /* ready queue link */
    struct conn *prev, *next;  /* list of all connections */
};

struct worker {
    struct hub_server *srv;
    struct soap *soap;         /* this worker's copy of the master context */
    struct api_worker api;
    pthread_t thread;
    bool started;
};

struct hub_server {
    const struct hub_config *cfg;
    struct soap *master;
    int listen_fd;
    int epoll_fd;
    bool tls;
    pthread_mutex_t lock;
    pthread_cond_t ready;      /* signalled when the queue grows or on stop */
    struct conn *queue_head, *queue_tail;
    struct conn *all;
    long open_conns;
    bool stopping;
    struct worker *workers;
    long nworkers;
};

static int stop_fd = -1;              /* eventfd the signal handler writes */
static atomic_ulong request_counter;

void server_request_stop(void)
{
    uint64_t one = 1;

    if (stop_fd >= 0 && write(stop_fd, &one, sizeof(one)) < 0)
        return; /* nothing else is safe in a signal handler */
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ connections */

/* Frees a connection the caller owns; it must not be in the queue. */
static void conn_close(struct hub_server *srv, struct conn *c)
{
    pthread_mutex_lock(&srv->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->all = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->open_conns--;
    pthread_mutex_unlock(&srv->lock);
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl); /* frees the BIO too */
    }
    if (c->fd >= 0) {
        epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    metrics_connections_add(-1);
    free(c);
}

static int conn_arm(struct hub_server *srv, struct conn *c, int op)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, .data.ptr = c};

    return epoll_ctl(srv->epoll_fd, op, c->fd, &ev);
}

static void accept_new(struct hub_server *srv)
{
    for (;;) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof(addr);
        int fd = accept4(srv->listen_fd, (struct sockaddr *)&addr, &len, SOCK_CLOEXEC);
        struct conn *c;
        int one = 1;

        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn("accept: %s", strerror(errno));
            return;
        }
        pthread_mutex_lock(&srv->lock);
        if (srv->open_conns >= srv->cfg->max_connections) {
            pthread_mutex_unlock(&srv->lock);
            log_warn("connection refused: %ld connections open (max-connections)",
                     srv->cfg->max_connections);
            close(fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        if (!c) {
            pthread_mutex_unlock(&srv->lock);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->state = CONN_IDLE;
        c->last_active = time(NULL);
        c->next = srv->all;
        if (srv->all)
            srv->all->prev = c;
        srv->all = c;
        srv->open_conns++;
        pthread_mutex_unlock(&srv->lock);
        metrics_connections_add(1);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (addr.ss_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)&addr;

            inet_ntop(AF_INET, &in->sin_addr, c->peer, sizeof(c->peer));
            c->peer_port = ntohs(in->sin_port);
        } else if (addr.ss_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;

            inet_ntop(AF_INET6, &in6->sin6_addr, c->peer, sizeof(c->peer));
            c->peer_port = ntohs(in6->sin6_port);
        }
        if (conn_arm(srv, c, EPOLL_CTL_ADD) < 0) {
            log_warn("epoll add: %s", strerror(errno));
            conn_close(srv, c);
        }
    }
}

static void enqueue(struct hub_server *srv, struct conn *c)
{
    pthread_mutex_lock(&srv->lock);
    c->state = CONN_QUEUED;
    c->next_queued = NULL;
    if (srv->queue_tail)
        srv->queue_tail->next_queued = c;
    else
        srv->queue_head = c;
    srv->queue_tail = c;
    pthread_cond_signal(&srv->ready);
    pthread_mutex_unlock(&srv->lock);
}

/* Closes idle connections past the idle timeout (or all idle ones when
 * stopping). Runs in the main thread, which owns idle connections. */
static void sweep_idle(struct hub_server *srv, bool all)
{
    time_t limit = time(NULL) - srv->cfg->idle_timeout;

    for (;;) {
        struct conn *victim = NULL;

        pthread_mutex_lock(&srv->lock);
        for (struct conn *c = srv->all; c; c = c->next) {
            if (c->state == CONN_IDLE && (all || c->last_active < limit)) {
                victim = c;
                c->state = CONN_BUSY; /* ours now: no event may queue it */
                break;
            }
        }
        pthread_mutex_unlock(&srv->lock);
        if (!victim)
            return;
        conn_close(srv, victim);
    }
}

/* ------------------------------------------------------------ one request */

static void log_request(struct worker *w, struct conn *c, unsigned long id, double ms)
{
    struct soap *soap = w->soap;
    struct api_call *call = &w->api.call;

    if (call->http_get) {
        log_debug("r=%lu %s GET %s %d %.1fms", id, c->peer, soap->path, soap->error, ms);
        return;
    }
    if (!log_enabled(LOG_LEVEL_INFO))
        return;
    log_write(LOG_LEVEL_INFO, "r=%lu %s %s user=%s party=%s %s %.1fms%s%s", id, c->peer,
              api_ops[call->op].name, call->user[0] ? call->user : "-",
              call->party[0] ? call->party : "-", call->error ? "fault" : "ok", ms,
              call->error ? " code=" : "", call->error ? eos_err_name(call->error) : "");
}

/* Serves one request on c. Returns true when the connection stays open for
 * the next one. */
static bool serve_one(struct worker *w, struct conn *c)
{
    struct hub_server *srv = w->srv;
    struct soap *soap = w->soap;
    unsigned long id = atomic_fetch_add(&request_counter, 1) + 1;
    double start = now_seconds();
    bool keep;

    soap->socket = c->fd;
    soap->port = c->peer_port;
    snprintf(soap->host, sizeof(soap->host), "%s", c->peer);
    soap->ssl = c->ssl;
    soap->bio = c->bio;
    soap->error = SOAP_OK;
    memset(&w->api.call, 0, sizeof(w->api.call));
    w->api.secure = srv->tls;
    if (srv->tls && !c->ssl) {
        if (soap_ssl_accept(soap)) {
            log_info("r=%lu %s TLS handshake failed", id, c->peer);
            keep = false;
            goto out;
        }
        c->ssl = soap->ssl;
        c->bio = soap->bio;
    }
    /* What is left of the keep-alive budget; gSOAP lowers it to 0 when the
     * client asks to close, and then closes after the response. */
    soap->keep_alive = (int)(srv->cfg->max_keepalive - c->requests);
    c->requests++;
    if (api_serve_one(soap) == SOAP_EOF) {
        keep = false; /* the client closed its idle connection: nothing to log */
        goto out;
    }
    {
        double seconds = now_seconds() - start;

        log_request(w, c, id, seconds * 1000.0);
        if (!w->api.call.http_get)
            metrics_record(w->api.call.op, w->api.call.error, seconds);
    }
    keep = soap->socket == c->fd && soap->keep_alive > 0;
out:
    /* Take the socket back from gSOAP, or learn that gSOAP closed it. */
    if (soap->socket != c->fd) {
        c->fd = -1;
        c->ssl = NULL;
        c->bio = NULL;
    } else {
        c->ssl = soap->ssl;
        c->bio = soap->bio;
    }
    soap->ssl = NULL;
    soap->bio = NULL;
    soap->socket = SOAP_INVALID_SOCKET;
    soap_destroy(soap);
    soap_end(soap);
    return keep && c->fd >= 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct hub_server *srv = w->srv;

    for (;;) {
        struct conn *c;
        bool keep, stopping, rearmed;

        pthread_mutex_lock(&srv->lock);
        while (!srv->queue_head && !srv->stopping)
            pthread_cond_wait(&srv->ready, &srv->lock);
        c = srv->queue_head;
        if (c) {
            srv->queue_head = c->next_queued;
            if (!srv->queue_head)
                srv->queue_tail = NULL;
            c->state = CONN_BUSY;
        }
        stopping = srv->stopping;
        pthread_mutex_unlock(&srv->lock);
        if (!c)
            break; /* stopping and nothing queued */
        if (stopping) {
            conn_close(srv, c); /* not yet started: refused */
            continue;
        }
        metrics_busy_add(1);
        keep = serve_one(w, c);
        metrics_busy_add(-1);
        /* TLS may hold a decrypted request already: serve it without waiting
         * for the socket to become readable again. */
        if (keep && c->ssl && SSL_pending(c->ssl) > 0) {
            enqueue(srv, c);
            continue;
        }
        /* Re-arming under the lock: the poller can neither queue nor sweep
         * the connection before it is fully handed back. */
        rearmed = false;
        pthread_mutex_lock(&srv->lock);
        if (keep && !srv->stopping) {
            c->state = CONN_IDLE;
            c->last_active = time(NULL);
            rearmed = conn_arm(srv, c, EPOLL_CTL_MOD) == 0;
            if (!rearmed)
                c->state = CONN_BUSY;
        }
        pthread_mutex_unlock(&srv->lock);
        if (!rearmed)
            conn_close(srv, c);
    }
    return NULL;
}

/* ------------------------------------------------------------ set-up */

static int setup_tls(struct hub_server *srv)
{
    const struct hub_config *cfg = srv->cfg;

    if (soap_ssl_server_context(srv->master, SOAP_SSL_NO_AUTHENTICATION | SOAP_TLSv1_2 |
                                                 SOAP_TLSv1_3,
                                NULL, NULL, NULL, NULL, NULL, NULL, NULL)) {
        log_error("TLS: cannot create the server context");
        return -1;
    }
    if (SSL_CTX_use_certificate_chain_file(srv->master->ctx, cfg->tls_cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(srv->master->ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(srv->master->ctx) != 1) {
        log_error("TLS: cannot load %s and %s (PEM certificate chain and its key)", cfg->tls_cert,
                  cfg->tls_key);
        return -1;
    }
    SSL_CTX_set_min_proto_version(srv->master->ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(srv->master->ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!MD5:!RC4");
    srv->tls = true;
    return 0;
}

static int (*gsoap_posthdr)(struct soap *, const char *, const char *);

/* Names no library or version in the Server header: scanners flag those. */
static int posthdr(struct soap *soap, const char *key, const char *value)
{
    if (key && strcmp(key, "Server") == 0)
        value = "EOS Hub";
    return gsoap_posthdr(soap, key, value);
}

static void configure_soap(struct soap *soap, const struct hub_config *cfg)
{
    soap->recv_timeout = (int)cfg->recv_timeout;
    soap->send_timeout = (int)cfg->send_timeout;
    soap->transfer_timeout = (int)cfg->transfer_timeout;
    soap->accept_timeout = 1;
    soap->recv_maxlength = (ULONG64)cfg->max_message;
    soap->maxlevel = (unsigned)cfg->max_depth;
    soap->maxoccurs = (size_t)cfg->max_occurs;
    soap->maxlength = cfg->max_message;
    soap->max_keep_alive = (int)cfg->max_keepalive;
    soap->bind_flags = SO_REUSEADDR;
    soap->fget = routes_get;
    soap->fseterror = api_seterror;
    soap->fpreparerecv = api_body_guard;
    soap->feltbegin = api_path_begin;
    soap->feltendin = api_path_end;
    gsoap_posthdr = soap->fposthdr;
    soap->fposthdr = posthdr;
}

static void free_workers(struct hub_server *srv)
{
    for (long i = 0; i < srv->nworkers; i++) {
        struct worker *w = &srv->workers[i];

        if (w->soap) {
            soap_destroy(w->soap);
            soap_end(w->soap);
            soap_free(w->soap);
        }
        db_close(w->api.db);
    }
    free(srv->workers);
    srv->workers = NULL;
}

int server_start(struct hub_server **out, const struct hub_config *cfg,
                 const struct db_config *db, const struct api_settings *settings)
{
    struct hub_server *srv = calloc(1, sizeof(*srv));
    struct epoll_event ev = {.events = EPOLLIN};

    if (!srv)
        return -1;
    srv->cfg = cfg;
    srv->listen_fd = -1;
    srv->epoll_fd = -1;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->ready, NULL);
    /* UTF-8 strings kept as UTF-8; strict XML validation; no id/href graphs. */
    srv->master = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_STRICT | SOAP_XML_TREE |
                            SOAP_IO_KEEPALIVE);
    if (!srv->master)
        goto fail;
    configure_soap(srv->master, cfg);
    if (cfg->tls_cert[0] && setup_tls(srv) < 0)
        goto fail;
    if (!soap_valid_socket(soap_bind(srv->master, cfg->host, (int)cfg->port, (int)cfg->backlog))) {
        log_error("cannot listen on %s:%ld: %s", cfg->host, cfg->port, strerror(errno));
        goto fail;
    }
    srv->listen_fd = srv->master->master;
    if (fcntl(srv->listen_fd, F_SETFL, O_NONBLOCK) < 0)
        goto fail;
    srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (srv->epoll_fd < 0 || stop_fd < 0)
        goto fail;
    ev.data.ptr = &srv->listen_fd;
    if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &ev) < 0)
        goto fail;
    ev.data.ptr = &stop_fd;
    if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, stop_fd, &ev) < 0)
        goto fail;
    srv->nworkers = cfg->threads;
    srv->workers = calloc((size_t)srv->nworkers, sizeof(*srv->workers));
    if (!srv->workers)
        goto fail;
    for (long i = 0; i < srv->nworkers; i++) {
        struct worker *w = &srv->workers[i];

        w->srv = srv;
        w->soap = soap_copy(srv->master);
        w->api.db = db_new(db);
        w->api.settings = settings;
        if (!w->soap || !w->api.db)
            goto fail;
        w->soap->user = &w->api;
        /* Connect now so the first requests do not pay for it; a database
         * that is away is retried on use. */
        (void)db_ensure(w->api.db);
    }
    for (long i = 0; i < srv->nworkers; i++) {
        if (pthread_create(&srv->workers[i].thread, NULL, worker_main, &srv->workers[i]) != 0)
            goto fail;
        srv->workers[i].started = true;
    }
    *out = srv;
    return 0;
fail:
    server_free(srv);
    return -1;
}

int server_run(struct hub_server *srv)
{
    struct epoll_event events[64];
    time_t last_sweep = time(NULL);

    for (;;) {
        int n = epoll_wait(srv->epoll_fd, events, 64, 1000);
        bool stop = false;

        if (n < 0 && errno != EINTR) {
            log_error("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;

            if (tag == &srv->listen_fd)
                accept_new(srv);
            else if (tag == &stop_fd)
                stop = true;
            else
                enqueue(srv, tag);
        }
        if (stop)
            break;
        if (time(NULL) != last_sweep) {
            last_sweep = time(NULL);
            sweep_idle(srv, false);
        }
    }
    log_info("stopping: refusing new connections, finishing requests in progress");
    epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, srv->listen_fd, NULL);
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_cond_broadcast(&srv->ready);
    pthread_mutex_unlock(&srv->lock);
    sweep_idle(srv, true);
    for (long i = 0; i < srv->nworkers; i++) {
        if (srv->workers[i].started) {
            pthread_join(srv->workers[i].thread, NULL);
            srv->workers[i].started = false;
        }
    }
    sweep_idle(srv, true);
    log_info("stopped");
    return 0;
}

void server_free(struct hub_server *srv)
{
    if (!srv)
        return;
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_cond_broadcast(&srv->ready);
    pthread_mutex_unlock(&srv->lock);
    for (long i = 0; i < srv->nworkers; i++)
        if (srv->workers && srv->workers[i].started)
            pthread_join(srv->workers[i].thread, NULL);
    while (srv->all) {
        struct conn *c = srv->all;

        c->state = CONN_BUSY;
        conn_close(srv, c);
    }
    if (srv->workers)
        free_workers(srv);
    if (srv->epoll_fd >= 0)
        close(srv->epoll_fd);
    if (stop_fd >= 0) {
        close(stop_fd);
        stop_fd = -1;
    }
    if (srv->master) {
        soap_destroy(srv->master);
        soap_end(srv->master);
        soap_free(srv->master);
    }
    pthread_cond_destroy(&srv->ready);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
