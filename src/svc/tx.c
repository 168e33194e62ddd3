/*
 * tx.c - running a use case as one transaction, again after a deadlock.
 */
#include "svc/ctx.h"

#include <stddef.h>

#include "base/err.h"
#include "base/log.h"

#define MAX_ATTEMPTS 3

int svc_run_tx(struct svc_ctx *ctx, svc_tx_fn fn, void *arg)
{
    int rc = EOS_ERETRY;

    for (int attempt = 1; attempt <= MAX_ATTEMPTS && rc == EOS_ERETRY; attempt++) {
        rc = db_begin(ctx->db);
        if (rc == 0)
            rc = fn(ctx, arg);
        if (rc == 0)
            rc = db_commit(ctx->db);
        else
            db_rollback(ctx->db);
        if (rc == EOS_ERETRY)
            log_debug("tx: conflict on attempt %d, running the use case again", attempt);
    }
    if (rc == EOS_ERETRY)
        rc = eos_err_set(EOS_EUNAVAIL, NULL, "concurrent changes kept conflicting; retry");
    if (rc == EOS_EDUPKEY)
        rc = eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    return rc;
}

int svc_run_read(struct svc_ctx *ctx, svc_tx_fn fn, void *arg)
{
    int rc = db_begin_snapshot(ctx->db);

    if (rc == 0)
        rc = fn(ctx, arg);
    /* Read-only: ending it either way releases the snapshot. */
    db_rollback(ctx->db);
    if (rc == EOS_ERETRY)
        rc = eos_err_set(EOS_EUNAVAIL, NULL, "the read conflicted; retry");
    return rc;
}
