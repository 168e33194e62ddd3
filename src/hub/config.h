/*
 * config.h - eos-hub's settings: one table of name, environment variable,
 * bounds, default and help; values come from the environment, then flags.
 */
#ifndef EOS_HUB_CONFIG_H
#define EOS_HUB_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

struct hub_config {
    char host[256];
    long port;
    long threads;           /* worker threads: requests served at once */
    long max_connections;   /* open client connections, idle ones included */
    long backlog;           /* connections queued by the kernel before accept */
    long recv_timeout;      /* seconds a request may stall between bytes */
    long send_timeout;      /* seconds a response may stall */
    long transfer_timeout;  /* seconds one whole request may take to arrive */
    long idle_timeout;      /* seconds a keep-alive connection may sit idle */
    long max_keepalive;     /* requests per connection before it is closed */
    long max_message;       /* bytes of one request */
    long max_depth;         /* XML nesting levels */
    long max_occurs;        /* items of one repeated element */
    long allow_plaintext_auth; /* 1: passwords in clear accepted without TLS */
    long auth_cache_ttl;    /* seconds a verified password is cached */
    long auth_max_failures; /* failed logins of a user from one address before a lockout */
    long auth_lockout;      /* seconds failures are counted and a lockout lasts */
    char tls_cert[1024];
    char tls_key[1024];
    char secret_key_file[1024];
    char wsdl_dir[1024];
    char log_level[16];
    char trusted_proxies[1024]; /* peers whose X-Forwarded-For names the client */
};

/* Fills cfg from defaults, the environment and argv (--name=value or
 * --name value). Returns 0, or -1 after printing what is wrong to err.
 * --help prints the table to out and returns 1. */
int hub_config_load(struct hub_config *cfg, int argc, char **argv, FILE *out, FILE *err);

#endif
