/*
 * ctx.h - what every use case receives: the caller and the worker's connection.
 */
#ifndef EOS_SVC_CTX_H
#define EOS_SVC_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/role.h"
#include "store/db.h"

/* The authenticated caller of a request. */
struct principal {
    int64_t user_id;
    int64_t party_id;          /* the user's party: a buyer, or the seller */
    enum role role;
    int32_t price_authority_bp; /* percent x 100 a seller may move a price from list */
    char username[65];
    char party_code[33];
    bool seller_party;          /* the user's party is a seller (for SELLER and ADMIN users) */
};

struct svc_ctx {
    struct db_conn *db;          /* the worker's connection; never shared */
    const struct principal *who; /* NULL only for anonymous operations */
};

/* A step of a use case run inside one transaction. It may be run again from
 * the start (after a deadlock), so it must reset whatever it writes to arg. */
typedef int (*svc_tx_fn)(struct svc_ctx *ctx, void *arg);

/* Runs fn in a transaction: commits when fn returns 0, rolls back otherwise.
 * A deadlock or certification failure (EOS_ERETRY) runs fn again, up to 3
 * times in all, then answers SERVICE_UNAVAILABLE (retryable). */
int svc_run_tx(struct svc_ctx *ctx, svc_tx_fn fn, void *arg);

/* Runs a read made of several queries on one consistent snapshot. */
int svc_run_read(struct svc_ctx *ctx, svc_tx_fn fn, void *arg);

#endif
