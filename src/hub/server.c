/*
 * server.c - connections and the workers that serve them.
 *
 * Every worker waits on one shared epoll set holding the listening socket and
 * every idle keep-alive connection. The worker an event wakes owns that
 * connection while it reads what has arrived without waiting (reqbuf.h): a
 * request not yet complete goes back to the set, so slow clients hold memory,
 * not workers; the TLS handshake is driven the same way. A complete request
 * is served with the worker's own gSOAP context and MariaDB connection, then
 * the connection goes back to the set (EPOLLONESHOT re-armed) or is closed.
 * Nothing passes between threads per request: no queue, no condition
 * variable. The sweep closes connections whose request or handshake outlives
 * the transfer or receive timeout, and idle ones past the idle timeout.
 *
 * Connections live in a fixed table of slots. An event carries its slot and
 * the slot's generation; closing a connection bumps the generation, so an
 * event that was already on its way for a closed connection is recognised and
 * dropped instead of touching a reused slot. A slot's state changes under
 * srv->lock: IDLE (in the set, nobody's), BUSY (a worker serves it), FREE.
 *
 * gSOAP serves one request per dispatch: the worker points its context at the
 * connection's socket (and TLS session), runs the request, and takes the
 * socket back unless gSOAP closed it (client asked to close, error, or the
 * keep-alive budget is spent).
 */
#include "hub/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
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
#include "hub/reqbuf.h"
#include "hub/routes.h"

enum conn_state {
    CONN_FREE,   /* the slot holds no connection */
    CONN_IDLE,   /* waiting in the epoll set for the client's next request */
    CONN_BUSY,   /* a worker is serving a request on it */
};

struct conn {
    int fd;                    /* -1 once gSOAP closed it */
    SSL *ssl;                  /* TLS session, or NULL */
    bool handshaken;           /* the TLS handshake is done */
    double opened;             /* monotonic seconds at accept */
    struct reqbuf in;          /* the request being read */
    enum conn_state state;
    uint32_t generation;       /* bumped at every close: events name it */
    unsigned requests;         /* served so far */
    time_t last_active;
    char peer[64];
    int peer_port;
    int next_free;             /* free list link (slot index), -1 at the end */
};

struct worker {
    struct hub_server *srv;
    struct soap *soap;         /* this worker's copy of the master context */
    struct api_worker api;     /* soap->user points here */
    struct conn *current;      /* the connection being served */
    pthread_t thread;
    bool started;
};

/* Tags in epoll_event.data.u64 besides connections (whose tag is slot+1 in
 * the low half and the generation in the high half). */
#define TAG_LISTEN 0u
#define TAG_STOP UINT64_MAX

struct hub_server {
    const struct hub_config *cfg;
    struct soap *master;
    int listen_fd;
    int epoll_fd;
    bool tls;
    pthread_mutex_t lock;      /* slots' state, the free list, open_conns */
    struct conn *slots;
    long nslots;
    int free_head;
    long open_conns;
    atomic_bool stopping;      /* no new connections; requests begun are finished */
    atomic_bool exiting;       /* the workers return */
    int exit_fd;               /* eventfd in the set: wakes every worker to exit */
    atomic_long next_sweep;    /* when the next idle sweep is due (UTC seconds) */
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

static uint64_t tag_of(struct hub_server *srv, struct conn *c)
{
    return (uint64_t)c->generation << 32 | (uint64_t)(c - srv->slots + 1);
}

/* Closes a connection its owner holds (BUSY) and frees the slot. */
static void conn_close(struct hub_server *srv, struct conn *c)
{
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl); /* frees the BIO too */
        ERR_clear_error(); /* a shutdown midway leaves errors for the thread's next connection */
    }
    if (c->fd >= 0) {
        epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    reqbuf_free(&c->in);
    pthread_mutex_lock(&srv->lock);
    c->fd = -1;
    c->ssl = NULL;
    c->handshaken = false;
    c->state = CONN_FREE;
    c->generation++;
    c->next_free = srv->free_head;
    srv->free_head = (int)(c - srv->slots);
    srv->open_conns--;
    pthread_mutex_unlock(&srv->lock);
    metrics_connections_add(-1);
}

static int conn_arm(struct hub_server *srv, struct conn *c, int op, bool want_write)
{
    struct epoll_event ev = {.events = (want_write ? EPOLLOUT : EPOLLIN) | EPOLLRDHUP |
                                       EPOLLONESHOT,
                             .data.u64 = tag_of(srv, c)};

    return epoll_ctl(srv->epoll_fd, op, c->fd, &ev);
}

static void peer_of(const struct sockaddr_storage *addr, struct conn *c)
{
    c->peer[0] = '\0';
    c->peer_port = 0;
    if (addr->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;

        inet_ntop(AF_INET, &in->sin_addr, c->peer, sizeof(c->peer));
        c->peer_port = ntohs(in->sin_port);
    } else if (addr->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;

        inet_ntop(AF_INET6, &in6->sin6_addr, c->peer, sizeof(c->peer));
        c->peer_port = ntohs(in6->sin6_port);
    }
}

/* Accepts every pending connection into a free slot, armed in the set. */
static void accept_new(struct hub_server *srv)
{
    for (;;) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof(addr);
        int fd = accept4(srv->listen_fd, (struct sockaddr *)&addr, &len,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        struct conn *c;
        int one = 1;

        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warn("accept: %s", strerror(errno));
            return;
        }
        pthread_mutex_lock(&srv->lock);
        if (srv->free_head < 0) {
            pthread_mutex_unlock(&srv->lock);
            log_warn("connection refused: %ld connections open (max-connections)",
                     srv->cfg->max_connections);
            close(fd);
            continue;
        }
        c = &srv->slots[srv->free_head];
        srv->free_head = c->next_free;
        c->fd = fd;
        c->ssl = NULL;
        c->state = CONN_IDLE;
        c->requests = 0;
        c->last_active = time(NULL);
        c->opened = now_seconds();
        peer_of(&addr, c);
        srv->open_conns++;
        /* Armed under the lock: its first event cannot find it half set up. */
        if (conn_arm(srv, c, EPOLL_CTL_ADD, false) < 0) {
            log_warn("epoll add: %s", strerror(errno));
            c->state = CONN_BUSY;
            pthread_mutex_unlock(&srv->lock);
            metrics_connections_add(1);
            conn_close(srv, c);
            continue;
        }
        pthread_mutex_unlock(&srv->lock);
        metrics_connections_add(1);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

/* Takes the connection an event names, if it still is the one the event was
 * armed for and nobody else holds it. */
static struct conn *claim(struct hub_server *srv, uint64_t tag)
{
    uint64_t slot = (tag & 0xffffffffu) - 1;
    struct conn *c = NULL;

    if (slot >= (uint64_t)srv->nslots)
        return NULL;
    pthread_mutex_lock(&srv->lock);
    if (srv->slots[slot].state == CONN_IDLE && srv->slots[slot].generation == (uint32_t)(tag >> 32)) {
        c = &srv->slots[slot];
        c->state = CONN_BUSY;
    }
    pthread_mutex_unlock(&srv->lock);
    return c;
}

/* Whether a connection waiting in the set has waited too long: a handshake or
 * a request begun and not finished within the transfer timeout, or silent
 * for the receive timeout midway; otherwise idle past the idle timeout. */
static bool expired(const struct hub_server *srv, const struct conn *c, double now,
                    time_t idle_limit)
{
    const struct hub_config *cfg = srv->cfg;

    if (srv->tls && !c->handshaken)
        return now - c->opened > (double)cfg->transfer_timeout;
    if (reqbuf_pending(&c->in))
        return now - c->in.first_byte > (double)cfg->transfer_timeout ||
               now - c->in.last_byte > (double)cfg->recv_timeout;
    return c->last_active < idle_limit;
}

enum sweep {
    SWEEP_EXPIRED,   /* those that waited too long (a worker, once a second) */
    SWEEP_UNBEGUN,   /* also those with no request begun (at stop) */
    SWEEP_ALL,       /* every waiting one (at exit) */
};

/* Whether a request has begun on a waiting connection: bytes read into its
 * buffer, or bytes in the socket no worker has read yet (all workers busy,
 * or the event not yet taken). Closing the latter at stop would drop a
 * request the client has sent whole. */
static bool request_begun(const struct conn *c)
{
    char b;

    return reqbuf_pending(&c->in) || recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* Closes connections waiting in the set, as mode says. */
static void sweep_idle(struct hub_server *srv, enum sweep mode)
{
    bool all = mode == SWEEP_ALL;

    time_t limit = time(NULL) - srv->cfg->idle_timeout;
    double now = now_seconds();

    for (long i = 0; i < srv->nslots; i++) {
        struct conn *c = &srv->slots[i];
        bool take, partial;

        pthread_mutex_lock(&srv->lock);
        take = c->state == CONN_IDLE &&
               (all || expired(srv, c, now, limit) ||
                (mode == SWEEP_UNBEGUN && !request_begun(c)));
        partial = take && mode == SWEEP_EXPIRED &&
                  (reqbuf_pending(&c->in) || (srv->tls && !c->handshaken));
        if (take)
            c->state = CONN_BUSY; /* ours now: a late event finds it taken */
        pthread_mutex_unlock(&srv->lock);
        if (partial)
            log_info("%s request incomplete after %.1fs: connection closed", c->peer,
                     now - (reqbuf_pending(&c->in) ? c->in.first_byte : c->opened));
        if (take)
            conn_close(srv, c);
    }
}

static void maybe_sweep(struct hub_server *srv)
{
    long now = (long)time(NULL);
    long due = atomic_load(&srv->next_sweep);

    if (now >= due && atomic_compare_exchange_strong(&srv->next_sweep, &due, now + 1))
        sweep_idle(srv, SWEEP_EXPIRED);
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
    soap->error = SOAP_OK;
    w->api.secure = srv->tls;
    w->current = c;
    /* What is left of the keep-alive budget; gSOAP lowers it to 0 when the
     * client asks to close, and then closes after the response. */
    c->requests++;
    soap->keep_alive = (int)(srv->cfg->max_keepalive - c->requests);
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
    /* A request whose end the framer could not tell was served from what
     * was read: the rest of the stream has no known boundary. */
    keep = soap->socket == c->fd && soap->keep_alive > 0 && !c->in.handover;
out:
    w->current = NULL;
    /* Take the socket back from gSOAP, or learn that gSOAP closed it. */
    if (soap->socket != c->fd) {
        c->fd = -1;
        c->ssl = NULL;
    } else {
        c->ssl = soap->ssl;
    }
    soap->ssl = NULL;
    soap->socket = SOAP_INVALID_SOCKET;
    soap_destroy(soap);
    soap_end(soap);
    return keep && c->fd >= 0;
}

/* Drives the TLS handshake as far as the socket allows: 1 done, 0 waiting
 * for the socket (*want_write: to be writable), -1 failed. */
static int tls_step(struct hub_server *srv, struct conn *c, bool *want_write)
{
    int r;

    if (!c->ssl) {
        c->ssl = SSL_new(srv->master->ctx);
        if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
            return -1;
    }
    ERR_clear_error();
    r = SSL_accept(c->ssl);
    if (r == 1) {
        c->handshaken = true;
        return 1;
    }
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        return 0;
    case SSL_ERROR_WANT_WRITE:
        *want_write = true;
        return 0;
    default:
        return -1;
    }
}

/* Reads and serves requests on a claimed connection while it has them
 * complete, then hands it back to the set to wait for more, or closes it. */
static void serve_conn(struct worker *w, struct conn *c)
{
    struct hub_server *srv = w->srv;
    bool want_write = false, rearmed = false;

    for (;;) {
        enum reqbuf_fill got;
        bool keep;

        if (srv->tls && !c->handshaken) {
            int r = tls_step(srv, c, &want_write);

            if (r < 0) {
                log_info("%s TLS handshake failed", c->peer);
                goto close;
            }
            if (r == 0)
                break;
        }
        got = reqbuf_fill(&c->in, c->fd, c->ssl, (unsigned long long)srv->cfg->max_message,
                          now_seconds(), &want_write);
        if (got == REQBUF_CLOSED)
            goto close;
        if (got == REQBUF_MORE)
            break;
        metrics_busy_add(1);
        ERR_clear_error(); /* gSOAP's TLS writes judge errors as reqbuf does */
        keep = serve_one(w, c);
        metrics_busy_add(-1);
        if (!keep || atomic_load(&srv->stopping))
            goto close;
        reqbuf_next(&c->in);
        c->last_active = time(NULL);
        /* More to serve now: a pipelined request already read, or one TLS
         * has decrypted, which the socket will not announce. */
        if (c->in.len == 0 && !(c->ssl && SSL_pending(c->ssl) > 0))
            break;
    }
    /* Back to the set, re-armed under the lock: a sweep cannot take it half
     * handed back. When stopping, only to finish a request begun. */
    pthread_mutex_lock(&srv->lock);
    if (!atomic_load(&srv->stopping) || reqbuf_pending(&c->in)) {
        c->state = CONN_IDLE;
        rearmed = conn_arm(srv, c, EPOLL_CTL_MOD, want_write) == 0;
        if (!rearmed)
            c->state = CONN_BUSY;
    }
    pthread_mutex_unlock(&srv->lock);
    if (rearmed)
        return;
close:
    conn_close(srv, c);
}

/* gSOAP's frecv under the guard: the request as read into the connection's
 * buffer, never the socket past it. A request handed over (its end unknown)
 * ends where the buffer does: a worker never waits on a client's socket. */
static size_t (*gsoap_frecv)(struct soap *, char *, size_t);

static size_t conn_recv(struct soap *soap, char *buf, size_t len)
{
    struct worker *w = (struct worker *)((char *)soap->user - offsetof(struct worker, api));

    if (!w->current)
        return gsoap_frecv(soap, buf, len);
    return reqbuf_take(&w->current->in, buf, len);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct hub_server *srv = w->srv;

    while (!atomic_load(&srv->exiting)) {
        struct epoll_event ev;
        int n = epoll_wait(srv->epoll_fd, &ev, 1, 1000);
        struct conn *c;

        if (n < 0 && errno != EINTR) {
            log_error("epoll_wait: %s", strerror(errno));
            break;
        }
        maybe_sweep(srv);
        if (n <= 0)
            continue;
        if (ev.data.u64 == TAG_STOP)
            break;
        if (ev.data.u64 == TAG_LISTEN) {
            accept_new(srv);
            continue;
        }
        c = claim(srv, ev.data.u64);
        if (c)
            serve_conn(w, c);
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

/* gSOAP's fclosesocket: after a fault, the client may still be sending (a
 * body over the limit, a refused request): closing at once would make the
 * kernel reset the connection and lose the fault on its way. Stop writing,
 * read and drop what still comes for a moment, then close. */
static int linger_close(struct soap *soap, SOAP_SOCKET fd)
{
    struct api_worker *w = soap->user;

    if (w && (w->call.refusal || w->call.error)) {
        char sink[4096];
        double until = now_seconds() + 0.5;
        struct pollfd p = {.fd = fd, .events = POLLIN};

        shutdown(fd, SHUT_WR);
        while (now_seconds() < until && poll(&p, 1, 100) > 0 && recv(fd, sink, sizeof(sink), 0) > 0)
            ;
    }
    return close(fd) == 0 ? SOAP_OK : SOAP_EOF;
}

/* gSOAP's fshutdownsocket, called before closing: stop writing only. Shutting
 * the reading side too would make linger_close's draining read nothing, and
 * the kernel reset the connection under a client still sending. Called while
 * TLS is being closed, its answer must not be 0: gSOAP would then wait up to 5
 * s for the client's close_notify, holding the worker for a client that has
 * its response already and may never answer. */
static int shutdown_write(struct soap *soap, SOAP_SOCKET fd, int how)
{
    int rc = shutdown(fd, SHUT_WR);

    (void)how;
    return soap->ssl ? SOAP_EOF : rc;
}

static void configure_soap(struct soap *soap, const struct hub_config *cfg)
{
    soap->recv_timeout = (int)cfg->recv_timeout;
    soap->send_timeout = (int)cfg->send_timeout;
    soap->transfer_timeout = (int)cfg->transfer_timeout;
    soap->accept_timeout = 1;
    /* The guard holds the body to max_message exactly; gSOAP's own count
     * (headers, chunked bytes counted twice, inflated bytes) is only a
     * backstop, well above. */
    soap->recv_maxlength = 2 * (ULONG64)cfg->max_message + 2 * SOAP_BUFLEN;
    soap->maxlevel = (unsigned)cfg->max_depth;
    soap->maxoccurs = (size_t)cfg->max_occurs;
    soap->maxlength = cfg->max_message;
    soap->max_keep_alive = (int)cfg->max_keepalive;
    soap->bind_flags = SO_REUSEADDR;
    soap->fget = routes_get;
    soap->fhead = routes_refuse;
    soap->fopt = routes_refuse;
    soap->fseterror = api_seterror;
    soap->fclosesocket = linger_close;
    soap->fshutdownsocket = shutdown_write;
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
    /* One worker wakes per new connection; every worker wakes to stop. */
    struct epoll_event listen_ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = TAG_LISTEN};
    struct epoll_event exit_ev = {.events = EPOLLIN, .data.u64 = TAG_STOP};

    if (!srv)
        return -1;
    srv->cfg = cfg;
    srv->listen_fd = -1;
    srv->epoll_fd = -1;
    srv->exit_fd = -1;
    srv->free_head = -1;
    pthread_mutex_init(&srv->lock, NULL);
    srv->nslots = cfg->max_connections;
    srv->slots = calloc((size_t)srv->nslots, sizeof(*srv->slots));
    if (!srv->slots)
        goto fail;
    for (long i = srv->nslots - 1; i >= 0; i--) {
        srv->slots[i].fd = -1;
        srv->slots[i].state = CONN_FREE;
        srv->slots[i].next_free = srv->free_head;
        srv->free_head = (int)i;
    }
    /* UTF-8 strings kept as UTF-8; strict XML validation; no id/href graphs. */
    srv->master = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_STRICT | SOAP_XML_TREE |
                            SOAP_IO_KEEPALIVE);
    if (!srv->master)
        goto fail;
    /* Responses are built whole in memory, then sent with their length: by
     * default gSOAP serializes every response twice, once to count its
     * length and once to send it. */
    soap_set_omode(srv->master, SOAP_IO_STORE);
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
    srv->exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (srv->epoll_fd < 0 || stop_fd < 0 || srv->exit_fd < 0 ||
        epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &listen_ev) < 0 ||
        epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->exit_fd, &exit_ev) < 0)
        goto fail;
    atomic_store(&srv->next_sweep, (long)time(NULL) + 1);
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
        gsoap_frecv = w->soap->frecv;
        w->soap->frecv = conn_recv;
        api_guard_install(w->soap, &w->api);
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

/* Stops the workers once: they finish the request they are serving. */
static void join_workers(struct hub_server *srv)
{
    uint64_t one = 1;

    atomic_store(&srv->stopping, true);
    atomic_store(&srv->exiting, true);
    if (srv->exit_fd >= 0 && write(srv->exit_fd, &one, sizeof(one)) < 0)
        log_warn("cannot wake the workers: %s", strerror(errno));
    for (long i = 0; srv->workers && i < srv->nworkers; i++) {
        if (srv->workers[i].started) {
            pthread_join(srv->workers[i].thread, NULL);
            srv->workers[i].started = false;
        }
    }
}

static long open_connections(struct hub_server *srv)
{
    long n;

    pthread_mutex_lock(&srv->lock);
    n = srv->open_conns;
    pthread_mutex_unlock(&srv->lock);
    return n;
}

int server_run(struct hub_server *srv)
{
    struct pollfd p = {.fd = stop_fd, .events = POLLIN};
    double deadline;

    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
    log_info("stopping: refusing new connections, finishing requests in progress");
    atomic_store(&srv->stopping, true);
    /* Closed, not just forgotten: the kernel would go on accepting. */
    epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, srv->listen_fd, NULL);
    close(srv->listen_fd);
    srv->listen_fd = -1;
    srv->master->master = SOAP_INVALID_SOCKET;
    /* Requests begun are finished: those being served, and those still
     * arriving, within the transfer timeout (the sweep cuts off the rest). */
    sweep_idle(srv, SWEEP_UNBEGUN);
    deadline = now_seconds() + (double)srv->cfg->transfer_timeout + 1.0;
    while (open_connections(srv) > 0 && now_seconds() < deadline)
        usleep(20000);
    join_workers(srv);
    sweep_idle(srv, SWEEP_ALL);
    log_info("stopped");
    return 0;
}

void server_free(struct hub_server *srv)
{
    if (!srv)
        return;
    join_workers(srv);
    for (long i = 0; srv->slots && i < srv->nslots; i++) {
        struct conn *c = &srv->slots[i];

        if (c->state != CONN_FREE) {
            c->state = CONN_BUSY;
            conn_close(srv, c);
        }
    }
    if (srv->workers)
        free_workers(srv);
    if (srv->epoll_fd >= 0)
        close(srv->epoll_fd);
    if (stop_fd >= 0) {
        close(stop_fd);
        stop_fd = -1;
    }
    if (srv->exit_fd >= 0)
        close(srv->exit_fd);
    if (srv->master) {
        soap_destroy(srv->master);
        soap_end(srv->master);
        soap_free(srv->master);
    }
    free(srv->slots);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
