/*
 * server.h - the listener, the idle-connection poller and the worker pool.
 *
 * The main thread owns an epoll set holding the listening socket and every
 * idle keep-alive connection. When a connection has bytes to read it is queued
 * for a worker, which serves exactly one request on it (with the worker's own
 * gSOAP context and MariaDB connection) and hands it back to the poller. So a
 * worker is busy only while a request is in progress: hundreds of idle
 * keep-alive clients cost file descriptors, not threads, and never starve the
 * clients that are sending.
 */
#ifndef EOS_HUB_SERVER_H
#define EOS_HUB_SERVER_H

#include "api/api.h"
#include "hub/config.h"
#include "store/db.h"

struct hub_server;

/* Binds the port, sets up TLS when configured, starts the workers.
 * On success *out is the caller's, released with server_free(). */
int server_start(struct hub_server **out, const struct hub_config *cfg,
                 const struct db_config *db, const struct api_settings *settings);

/* Serves until server_request_stop(); then stops accepting, closes idle
 * connections, lets requests in progress finish and joins the workers. */
int server_run(struct hub_server *srv);

/* Asks the running server to stop. Async-signal-safe. */
void server_request_stop(void);

void server_free(struct hub_server *srv);

#endif
