/*
 * auth.h - who is calling: credentials in, a principal out.
 *
 * Three ways to present credentials (CONTRACT.md): HTTP Basic, a WS-Security
 * UsernameToken with PasswordText, or one with PasswordDigest + Nonce +
 * Created. Text and Basic are checked against the PBKDF2 hash; since PBKDF2 is
 * slow on purpose, a success is cached for a minute in a small in-memory map
 * keyed by SHA-256 of user and secret, so keep-alive clients pay it once.
 * Digest needs the password itself, kept sealed under the operator's key; its
 * nonces are remembered in MariaDB, so a replay is refused by every hub node.
 *
 * Every failure answers AUTH_FAILED with the same message, and an unknown user
 * costs the same PBKDF2 work as a wrong password, so neither the answer nor
 * its timing tells whether a user exists.
 */
#ifndef EOS_SVC_AUTH_H
#define EOS_SVC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/secretbox.h"
#include "svc/ctx.h"

enum cred_kind {
    CRED_NONE,   /* nothing presented */
    CRED_BASIC,  /* HTTP Basic user and password */
    CRED_TEXT,   /* UsernameToken PasswordText */
    CRED_DIGEST, /* UsernameToken PasswordDigest */
};

struct credentials {
    enum cred_kind kind;
    const char *username;
    const char *secret;        /* the password, or for digest the base64 digest */
    const char *nonce_b64;     /* the Nonce (base64): required for digest, optional for text */
    const char *created;       /* the wsu:Created text (digest: as hashed); optional for text */
    int64_t created_at;        /* Created as UTC seconds; 0 if it did not parse */
    bool secure;               /* the request came over TLS */
    const char *source;        /* the client's address, for the lockout */
};

struct auth_settings {
    struct secret_key key;     /* for sealed passwords (digest); may be unloaded */
    bool allow_plaintext;      /* accept Basic and PasswordText without TLS */
    int created_window;        /* seconds a digest's Created may lie in the past */
    int cache_ttl;             /* seconds a verified password stays cached */
    int max_failures;          /* failed logins of a user from a source before lockout; 0: off */
    int lockout_window;        /* seconds failures are counted and a lockout lasts */
};

/* Counters for /metrics: failed authentications, and attempts refused
 * because their user and source were locked out. */
unsigned long auth_failures_total(void);
unsigned long auth_lockouts_total(void);

void auth_settings_defaults(struct auth_settings *s);

/* Checks the credentials; on success fills *out. Fails with EOS_EAUTH_REQUIRED
 * (nothing presented), EOS_EAUTH_FAILED, or EOS_EUNAVAIL (database away). */
int svc_authenticate(struct svc_ctx *ctx, const struct auth_settings *s,
                     const struct credentials *cred, struct principal *out);

/* The principal of a user by name, without a password: for operator tools
 * acting on a user's behalf (eosctl import-orders). NOT_FOUND if unknown. */
int svc_principal_of(struct svc_ctx *ctx, const char *username, struct principal *out);

/* Forgets every cached verification (tests; a password change on this node). */
void auth_cache_clear(void);

#endif
