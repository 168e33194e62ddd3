/*
 * admin.h - operator use cases behind eosctl: parties, users, demo data.
 */
#ifndef EOS_SVC_ADMIN_H
#define EOS_SVC_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "core/secretbox.h"
#include "svc/ctx.h"

struct party_spec {
    const char *code;
    const char *name;
    const char *kind;         /* SELLER, BUYER or OPERATOR */
    const char *currency;     /* sellers: ISO 4217 */
    const char *seller_code;  /* buyers: the seller it has an account with (may be NULL) */
    money_t credit_limit;     /* buyers: < 0 none */
};

struct user_spec {
    const char *username;
    const char *role;         /* BUYER, SELLER or ADMIN */
    const char *party_code;
    const char *password;
    int32_t authority_bp;     /* price authority, percent x 100 */
    unsigned iterations;      /* PBKDF2 iterations; 0: the default */
};

/* Adds a party (and a buyer's account with its seller). With upsert, an
 * existing party is kept and its account updated; without, it is EOS_ECONFLICT. */
int svc_party_add(struct svc_ctx *ctx, const struct party_spec *p, bool upsert);

/* Adds a user, or with upsert replaces an existing user's password and role.
 * When key is loaded, the password is also sealed for PasswordDigest. */
int svc_user_add(struct svc_ctx *ctx, const struct user_spec *u, const struct secret_key *key,
                 bool upsert);

/* Gives an existing user a new password (and seals it when key is loaded);
 * its party, role and authority stay. EOS_ENOTFOUND naming "username". */
int svc_user_password(struct svc_ctx *ctx, const char *username, const char *password,
                      const struct secret_key *key, unsigned iterations);

/* Lets a user in again (active) or keeps it out (not active); hubs follow
 * within about a second (their password caches watch the users). */
int svc_user_set_active(struct svc_ctx *ctx, const char *username, bool active);

/* Opens a buyer's account with one more seller (credit_limit < 0: none), or
 * sets the credit limit of one it has (credit_limit < 0: keeps it). */
int svc_account_add(struct svc_ctx *ctx, const char *buyer_code, const char *seller_code,
                    money_t credit_limit);

/* Loads the fixed demo data of README (seller ACME, buyers BUY001 and BUY002,
 * users acme-erp, buyer1, buyer2, admin, products SKU-0001..SKU-0020).
 * Idempotent: running it again leaves the same data. */
int svc_demo_load(struct svc_ctx *ctx, const char *password, const struct secret_key *key);

#endif
