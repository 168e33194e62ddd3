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
#include "store/account.h"
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
    bool buyer = strcmp(p->kind, "BUYER") == 0, seller = strcmp(p->kind, "SELLER") == 0;

    /* As the SOAP API takes codes, so that callers can send this one. */
    if (str_empty(p->code) || strlen(p->code) > 32 || !str_is_code(p->code, "._-"))
        return eos_err_set(EOS_EINVALID, "code",
                           "a party code is 1 to 32 letters, digits and ._- characters");
    if (str_empty(p->name) || strspn(p->name, " ") == strlen(p->name) ||
        utf8_chars(p->name) > 200 || !utf8_valid_text(p->name, strlen(p->name)) ||
        strpbrk(p->name, "\t\r\n"))
        return eos_err_set(EOS_EINVALID, "name", "a party's name is 1 to 200 characters, one line");
    if (!seller && !buyer && strcmp(p->kind, "OPERATOR") != 0)
        return eos_err_set(EOS_EINVALID, "kind", "kind is SELLER, BUYER or OPERATOR");
    /* Capital letters: the database's check ignores case, and an account
     * kept in "eur" would refuse every document in EUR. */
    if (seller && (str_empty(p->currency) || !str_is_currency_code(p->currency)))
        return eos_err_set(EOS_EINVALID, "currency",
                           "a seller needs an ISO 4217 currency (three capital letters)");
    if (!seller && !str_empty(p->currency))
        return eos_err_set(EOS_EINVALID, "currency", "only a seller keeps a currency");
    /* A buyer trades through an account with its seller: without one it
     * could never order, and no later call could give it one. */
    if (buyer && str_empty(p->seller_code))
        return eos_err_set(EOS_EINVALID, "seller", "a buyer needs the seller it buys from");
    if (!buyer && !str_empty(p->seller_code))
        return eos_err_set(EOS_EINVALID, "seller", "only a buyer has a seller");
    return svc_run_tx(ctx, party_add_tx, &job);
}

struct account_job {
    const char *buyer_code;
    const char *seller_code;
    money_t credit_limit;
};

static int account_add_tx(struct svc_ctx *ctx, void *arg)
{
    struct account_job *job = arg;
    struct party_row buyer, seller;
    struct account_row acct;
    int rc;

    if ((rc = store_party_by_code(ctx->db, job->buyer_code, &buyer)) < 0)
        return rc;
    if (rc == 0 || strcmp(buyer.kind, "BUYER") != 0)
        return eos_err_set(EOS_ENOTFOUND, "buyer", "no buyer %s", job->buyer_code);
    if ((rc = store_party_by_code(ctx->db, job->seller_code, &seller)) < 0)
        return rc;
    if (rc == 0 || strcmp(seller.kind, "SELLER") != 0)
        return eos_err_set(EOS_ENOTFOUND, "seller", "no seller %s", job->seller_code);
    /* Without a limit given, an account there keeps the one it has. */
    if (job->credit_limit < 0 &&
        (rc = store_account_get(ctx->db, seller.party_id, buyer.party_id, false, &acct)) != 0)
        return rc < 0 ? rc : 0;
    return store_account_upsert(ctx->db, seller.party_id, buyer.party_id, job->credit_limit);
}

int svc_account_add(struct svc_ctx *ctx, const char *buyer_code, const char *seller_code,
                    money_t credit_limit)
{
    struct account_job job = {buyer_code, seller_code, credit_limit};

    if (str_empty(buyer_code) || str_empty(seller_code))
        return eos_err_set(EOS_EINVALID, str_empty(buyer_code) ? "buyer" : "seller", "required");
    return svc_run_tx(ctx, account_add_tx, &job);
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
    /* An operator works at a seller's desk or the operator's own; a buyer
     * party's admin would act for a buyer with an operator's reach. */
    if (strcmp(u->role, "ADMIN") == 0 && strcmp(party.kind, "BUYER") == 0)
        return eos_err_set(EOS_EINVALID, "role",
                           "an ADMIN user belongs to a seller or operator party");
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

int svc_user_password(struct svc_ctx *ctx, const char *username, const char *password,
                      const struct secret_key *key, unsigned iterations)
{
    struct user_row user;
    struct user_spec u;
    int rc;

    if (str_empty(username))
        return eos_err_set(EOS_EINVALID, "username", "required");
    if ((rc = store_user_by_name(ctx->db, username, &user)) < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "username", "no user %s", username);
    /* The same user, as it is, with another password. */
    u = (struct user_spec){user.username, user.role, user.party_code, password,
                           user.price_authority_bp, iterations};
    rc = svc_user_add(ctx, &u, key, true);
    OPENSSL_cleanse(&user, sizeof(user));
    return rc;
}

int svc_user_set_active(struct svc_ctx *ctx, const char *username, bool active)
{
    struct user_row user;
    int rc;

    if (str_empty(username))
        return eos_err_set(EOS_EINVALID, "username", "required");
    if ((rc = store_user_by_name(ctx->db, username, &user)) < 0)
        return rc;
    if (rc == 0)
        return eos_err_set(EOS_ENOTFOUND, "username", "no user %s", username);
    return store_user_set_active(ctx->db, user.user_id, active);
}

int svc_user_add(struct svc_ctx *ctx, const struct user_spec *u, const struct secret_key *key,
                 bool upsert)
{
    char hash[PASSWORD_HASH_MAX];
    unsigned char sealed[SECRETBOX_MAX_PLAIN + SECRETBOX_OVERHEAD];
    struct user_job job = {u, hash, NULL, 0, upsert};
    size_t len;
    int rc;

    /* Printable and without blanks or ':': HTTP Basic splits at the first
     * ':', and the request log prints the name in one field. */
    if (str_empty(u->username) || strlen(u->username) > 64 ||
        !utf8_valid_text(u->username, strlen(u->username)) || strpbrk(u->username, " \t\r\n:"))
        return eos_err_set(EOS_EINVALID, "username",
                           "a user name is 1 to 64 characters, without blanks or ':'");
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
