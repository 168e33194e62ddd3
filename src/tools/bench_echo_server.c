/*
 * bench_echo_server.c - eos-bench-echo: the bare gSOAP server of the benchmark.
 *
 *   eos-bench-echo [--host=127.0.0.1] [--port=8081] [--port-file=PATH]
 *
 * Serves GetServiceInfo from bench/echo.wsdl (the hub's own elements in the
 * hub's namespace) with a thread per connection and nothing else: no
 * authentication, no logging, no metrics, no database. It takes the same
 * gSOAP library, mode flags and limits as eos-hub, so the hub's echo rate E
 * over this server's R is what the hub's own machinery costs per request.
 * --port=0 takes a free port; the port is printed, and written to
 * --port-file when given. SIGTERM or SIGINT stops it: it stops accepting,
 * waits (up to 10 s) for open connections to end, and exits 0.
 *
 * Built from generated/bench/ (soapcpp2 -p benchEcho), never linked with the
 * hub's stubs: both define the same gSOAP functions.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchEchoH.h"
#include "EchoBinding.nsmap"

#define STOP_WAIT_S 10

struct echo_opts {
    char host[64];
    long port;
    const char *port_file; /* NULL: none */
};

static volatile sig_atomic_t stop_requested;
static atomic_long open_connections;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int __eos__GetServiceInfo(struct soap *soap, struct _eos__GetServiceInfoRequest *req,
                          struct _eos__GetServiceInfoResponse *resp)
{
    (void)soap;
    (void)req;
    resp->serviceVersion = (char *)"0.1.0";
    resp->contractVersion = (char *)"1";
    resp->serverTime = time(NULL);
    return SOAP_OK;
}

static void *serve_connection(void *arg)
{
    struct soap *soap = arg;

    soap_serve(soap); /* every request of the keep-alive connection */
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    atomic_fetch_sub(&open_connections, 1);
    return NULL;
}

static int parse_args(struct echo_opts *o, int argc, char **argv)
{
    snprintf(o->host, sizeof(o->host), "127.0.0.1");
    o->port = 8081;
    o->port_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char *end;

        if (strncmp(a, "--host=", 7) == 0 && strlen(a + 7) < sizeof(o->host)) {
            snprintf(o->host, sizeof(o->host), "%s", a + 7);
        } else if (strncmp(a, "--port=", 7) == 0) {
            errno = 0;
            o->port = strtol(a + 7, &end, 10);
            if (errno || end == a + 7 || *end || o->port < 0 || o->port > 65535)
                return -1;
        } else if (strncmp(a, "--port-file=", 12) == 0 && a[12]) {
            o->port_file = a + 12;
        } else {
            return -1;
        }
    }
    return 0;
}

/* The port the listening socket got (for --port=0). */
static int bound_port(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        return -1;
    if (addr.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&addr)->sin_port);
    if (addr.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
    return -1;
}

static int write_port_file(const char *path, int port)
{
    char tmp[4096];
    FILE *f;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -1;
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", port);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

/* Accepts until a signal asks to stop; a thread per connection. */
static void accept_loop(struct soap *master)
{
    while (!stop_requested) {
        struct soap *copy;
        pthread_t thread;
        pthread_attr_t attr;
        int one = 1;

        if (!soap_valid_socket(soap_accept(master))) {
            if (master->errnum && !stop_requested)
                fprintf(stderr, "eos-bench-echo: accept: %s\n", strerror(master->errnum));
            continue; /* accept_timeout: look at the stop flag again */
        }
        setsockopt(master->socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        copy = soap_copy(master);
        if (!copy) {
            soap_force_closesock(master);
            continue;
        }
        master->socket = SOAP_INVALID_SOCKET; /* the copy owns it now */
        atomic_fetch_add(&open_connections, 1);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attr, serve_connection, copy) != 0) {
            atomic_fetch_sub(&open_connections, 1);
            soap_force_closesock(copy);
            soap_free(copy);
        }
        pthread_attr_destroy(&attr);
    }
}

int main(int argc, char **argv)
{
    struct echo_opts o;
    struct soap *master;
    struct sigaction sa;
    int port, rc = 1;

    if (parse_args(&o, argc, argv) < 0) {
        fprintf(stderr, "usage: eos-bench-echo [--host=ADDR] [--port=N (0: any free)] "
                        "[--port-file=PATH]\n");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The hub's mode and limits (hub/server.c), so only the machinery differs. */
    master = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_STRICT | SOAP_XML_TREE | SOAP_IO_KEEPALIVE);
    if (!master)
        return 1;
    master->bind_flags = SO_REUSEADDR;
    master->accept_timeout = 1;
    master->recv_timeout = 10;
    master->send_timeout = 10;
    master->transfer_timeout = 30;
    master->max_keep_alive = 10000;
    master->recv_maxlength = 8388608;
    master->maxlevel = 24;
    master->maxoccurs = 1000;
    if (!soap_valid_socket(soap_bind(master, o.host, (int)o.port, 512))) {
        fprintf(stderr, "eos-bench-echo: cannot listen on %s:%ld: %s\n", o.host, o.port,
                strerror(master->errnum));
        goto out;
    }
    port = bound_port(master->master);
    if (port < 0 || (o.port_file && write_port_file(o.port_file, port) < 0)) {
        fprintf(stderr, "eos-bench-echo: cannot report the port\n");
        goto out;
    }
    printf("eos-bench-echo: listening on http://%s:%d/eos\n", o.host, port);
    fflush(stdout);
    accept_loop(master);
    for (int i = 0; i < STOP_WAIT_S * 10 && atomic_load(&open_connections) > 0; i++)
        usleep(100 * 1000);
    rc = atomic_load(&open_connections) > 0 ? 1 : 0;
    if (rc)
        fprintf(stderr, "eos-bench-echo: %ld connections still open at exit\n",
                atomic_load(&open_connections));
out:
    soap_destroy(master);
    soap_end(master);
    soap_free(master);
    return rc;
}
