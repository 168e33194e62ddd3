/*
 * admin.c - parties and users.
 */
#include "svc/admin.h"

#include <openssl/crypto.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "core/password.h"
#include "core/role.h"
#include "store/party.h"

struct party_job {
    const struct party_spec *p;
    bool upsert;
};

static int party_add_tx(struct svc_ctx *ctx, void *arg)
{
    struct party_job *job = arg;
    const struct party_spec *p = job->p;
    struct party_row existing, seller;
    int64_t id = 0;
    int rc;

    rc = store_party_by_code(ctx->db, p->code, &existing);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        if (!job->upsert)
            return eos_err_set(EOS_ECONFLICT, "code", "party %s exists", p->code);
        id = existing.party_id;
    } else {
        rc = store_party_insert(ctx->db, p->code, p->name, p->kind, p->currency, &id);
        if (rc < 0)
            return rc == EOS_EDUPKEY ? EOS_ERETRY : rc;
    }
    if (strcmp(p->kind, "BUYER") != 0 || str_empty(p->seller_code))
        return 0;
    rc = store_party_by_code(ctx->db, p->seller_code, &seller);
    if (rc < 0)
        return rc;
    if (rc == 0 || strcmp(seller.kind, "SELLER") != 0)
        return eos_err_set(EOS_ENOTFOUND, "seller", "no seller %s", p->seller_code);
    return store_account_upsert(ctx->db, seller.party_id, id, p->credit_limit);
}

int svc_party_add(struct svc_ctx *ctx, const struct party_spec *p, bool upsert)
{
    struct party_job job = {p, upsert};

    if (str_empty(p->code) || strlen(p->code) > 32)
        return eos_err_set(EOS_EINVALID, "code", "a party code is 1 to 32 characters");
    if (str_empty(p->name))
        return eos_err_set(EOS_EINVALID, "name", "a party needs a name");
    if (strcmp(p->kind, "SELLER") != 0 && strcmp(p->kind, "BUYER") != 0 &&
        strcmp(p->kind, "OPERATOR") != 0)
        return eos_err_set(EOS_EINVALID, "kind", "kind is SELLER, BUYER or OPERATOR");
    if (strcmp(p->kind, "SELLER") == 0 && (str_empty(p->currency) || strlen(p->currency) != 3))
        return eos_err_set(EOS_EINVALID, "currency", "a seller needs an ISO 4217 currency");
    return svc_run_tx(ctx, party_add_tx, &job);
}

struct user_job {
    const struct user_spec *u;
    const char *hash;
    const unsigned char *sealed;
    size_t sealed_len;
    bool upsert;
};

static int user_add_tx(struct svc_ctx *ctx, void *arg)
{
    struct user_job *job = arg;
    const struct user_spec *u = job->u;
    struct party_row party;
    struct user_row existing;
    int rc;

    rc = store_party_by_code(ctx->db, u->party_code, &party);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "party", "no party %s", u->party_code);
    if (strcmp(u->role, "BUYER") == 0 && strcmp(party.kind, "BUYER") != 0)
        return eos_err_set(EOS_EINVALID, "role", "a BUYER user belongs to a buyer party");
    if (strcmp(u->role, "SELLER") == 0 && strcmp(party.kind, "SELLER") != 0)
        return eos_err_set(EOS_EINVALID, "role", "a SELLER user belongs to a seller party");
    rc = store_user_by_name(ctx->db, u->username, &existing);
    if (rc < 0)
        return rc;
    if (rc == 1 && !job->upsert)
        return eos_err_set(EOS_ECONFLICT, "username", "user %s exists", u->username);
    if (rc == 1)
        return store_user_update(ctx->db, existing.user_id, party.party_id, u->role, job->hash,
                                 job->sealed, (unsigned long)job->sealed_len, u->authority_bp);
    rc = store_user_insert(ctx->db, u->username, party.party_id, u->role, job->hash, job->sealed,
                           (unsigned long)job->sealed_len, u->authority_bp, NULL);
    return rc == EOS_EDUPKEY ? EOS_ERETRY : rc;
}

int svc_user_add(struct svc_ctx *ctx, const struct user_spec *u, const struct secret_key *key,
                 bool upsert)
{
    char hash[PASSWORD_HASH_MAX];
    unsigned char sealed[SECRETBOX_MAX_PLAIN + SECRETBOX_OVERHEAD];
    struct user_job job = {u, hash, NULL, 0, upsert};
    size_t len;
    int rc;

    if (str_empty(u->username) || strlen(u->username) > 64)
        return eos_err_set(EOS_EINVALID, "username", "a user name is 1 to 64 characters");
    if (role_parse(u->role) < 0)
        return eos_err_set(EOS_EINVALID, "role", "role is BUYER, SELLER or ADMIN");
    if (str_empty(u->password) || strlen(u->password) < 8)
        return eos_err_set(EOS_EINVALID, "password", "a password has at least 8 characters");
    if (u->authority_bp < 0 || u->authority_bp > 10000)
        return eos_err_set(EOS_EINVALID, "authority", "price authority is 0 to 100 percent");
    len = strlen(u->password);
    if (len > SECRETBOX_MAX_PLAIN)
        return eos_err_set(EOS_EINVALID, "password", "a password has at most %d characters",
                           SECRETBOX_MAX_PLAIN);
    rc = password_hash(hash, sizeof(hash), u->password,
                       u->iterations ? u->iterations : PASSWORD_DEFAULT_ITERATIONS);
    if (rc < 0)
        return rc;
    if (key && key->loaded) {
        rc = secretbox_seal(sealed, &job.sealed_len, key, u->password, len);
        if (rc < 0)
            return rc;
        job.sealed = sealed;
    }
    rc = svc_run_tx(ctx, user_add_tx, &job);
    OPENSSL_cleanse(sealed, sizeof(sealed));
    return rc;
}
