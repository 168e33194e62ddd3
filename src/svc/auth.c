/*
 * auth.c - authentication of a request, with the verification cache.
 */
#include "svc/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "core/password.h"
#include "core/wsse_digest.h"
#include "store/party.h"

#define CACHE_SLOTS 1024 /* direct-mapped by key hash: bounded, no eviction logic */

struct cache_entry {
    unsigned char key[32]; /* SHA-256 of username NUL secret */
    time_t expires;
    struct principal who;
};

static struct cache_entry cache[CACHE_SLOTS];
static atomic_ulong failures_total;
static atomic_ulong lockouts_total;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* A hash of a password nobody has, verified for unknown users so they take
 * as long as known ones. Made once, on first need. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    if (password_hash(dummy_hash, sizeof(dummy_hash), "no such user: timing equaliser",
                      PASSWORD_DEFAULT_ITERATIONS) < 0)
        dummy_hash[0] = '\0';
}

void auth_settings_defaults(struct auth_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->allow_plaintext = false;
    s->created_window = 300;
    s->cache_ttl = 60;
    s->max_failures = 10;
    s->lockout_window = 300;
}

unsigned long auth_failures_total(void)
{
    return atomic_load(&failures_total);
}

unsigned long auth_lockouts_total(void)
{
    return atomic_load(&lockouts_total);
}

static int fail(void)
{
    return eos_err_set(EOS_EAUTH_FAILED, NULL, "authentication failed");
}

/* The cache is keyed by user, source address and password: a password
 * verified for a caller at one address answers that caller only. Someone
 * guessing from elsewhere never reaches it, so the lockout (checked after a
 * cache miss) refuses a right guess as it refuses the wrong ones. */
static int cache_key(unsigned char out[32], const struct credentials *cred)
{
    const char *source = cred->source ? cred->source : "";
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, cred->username, strlen(cred->username) + 1) == 1 &&
             EVP_DigestUpdate(md, source, strlen(source) + 1) == 1 &&
             EVP_DigestUpdate(md, cred->secret, strlen(cred->secret)) == 1 &&
             EVP_DigestFinal_ex(md, out, NULL) == 1;

    EVP_MD_CTX_free(md);
    return ok ? 0 : eos_err_set(EOS_EINTERNAL, NULL, "internal error");
}

static unsigned slot_of(const unsigned char key[32])
{
    return ((unsigned)key[0] << 8 | key[1]) % CACHE_SLOTS;
}

static bool cache_get(const unsigned char key[32], struct principal *out)
{
    struct cache_entry *e = &cache[slot_of(key)];
    bool hit = false;

    pthread_mutex_lock(&cache_lock);
    if (e->expires > time(NULL) && CRYPTO_memcmp(e->key, key, 32) == 0) {
        *out = e->who;
        hit = true;
    }
    pthread_mutex_unlock(&cache_lock);
    return hit;
}

/* Counts the times the cache was emptied (under cache_lock): a verification
 * that read its user before an emptying is not put in after it. */
static unsigned cache_generation;

static unsigned cache_generation_now(void)
{
    unsigned g;

    pthread_mutex_lock(&cache_lock);
    g = cache_generation;
    pthread_mutex_unlock(&cache_lock);
    return g;
}

static void cache_put(const unsigned char key[32], const struct principal *who, int ttl,
                      unsigned generation)
{
    struct cache_entry *e = &cache[slot_of(key)];

    pthread_mutex_lock(&cache_lock);
    if (generation == cache_generation) {
        memcpy(e->key, key, 32);
        e->who = *who;
        e->expires = time(NULL) + ttl;
    }
    pthread_mutex_unlock(&cache_lock);
}

static void cache_empty_locked(void)
{
    memset(cache, 0, sizeof(cache));
    cache_generation++;
}

void auth_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    cache_empty_locked();
    pthread_mutex_unlock(&cache_lock);
}

/* The cache holds only while no user changed: once a second one request
 * reads the users' fingerprint, and when it moved (a password changed, a
 * user disabled or given another role, by eosctl or another hub) the cache
 * is emptied. A change takes effect within about a second on every hub, at
 * the cost of one query a second. */
static void cache_follow_users(struct svc_ctx *ctx)
{
    static atomic_llong next_check;
    static int64_t fingerprint;
    static bool known;
    long long due = atomic_load(&next_check);
    long long now = (long long)time(NULL);
    int64_t fp = 0;

    if (now < due || !atomic_compare_exchange_strong(&next_check, &due, now + 1))
        return;
    if (store_users_fingerprint(ctx->db, &fp) < 0) {
        eos_err_clear();
        auth_cache_clear(); /* unknown: nothing is vouched for */
        return;
    }
    pthread_mutex_lock(&cache_lock);
    if (known && fp != fingerprint)
        cache_empty_locked();
    fingerprint = fp;
    known = true;
    pthread_mutex_unlock(&cache_lock);
}

static int principal_from(const struct user_row *u, struct principal *out)
{
    int role = role_parse(u->role);

    if (role < 0 || !u->active)
        return fail();
    memset(out, 0, sizeof(*out));
    out->user_id = u->user_id;
    out->party_id = u->party_id;
    out->role = (enum role)role;
    out->price_authority_bp = u->price_authority_bp;
    str_copy(out->username, sizeof(out->username), u->username);
    str_copy(out->party_code, sizeof(out->party_code), u->party_code);
    out->seller_party = strcmp(u->party_kind, "SELLER") == 0;
    return 0;
}

/* A cached verification of this user and password, if any and allowed. */
static bool cached(const struct auth_settings *s, const struct credentials *cred,
                   struct principal *out)
{
    unsigned char key[32];

    if (!cred->secure && !s->allow_plaintext)
        return false;
    return cache_key(key, cred) == 0 && cache_get(key, out);
}

static int check_password(struct svc_ctx *ctx, const struct auth_settings *s,
                          const struct credentials *cred, struct principal *out)
{
    struct user_row user;
    unsigned char key[32];
    unsigned generation;
    int found, rc;

    if (!cred->secure && !s->allow_plaintext) {
        log_info("auth: plaintext password refused without TLS for %s", cred->username);
        /* A policy refusal, not a wrong guess: EOS_EAUTH_REQUIRED keeps it out
         * of the lockout count; the client is told AUTH_FAILED all the same. */
        return eos_err_set(EOS_EAUTH_REQUIRED, NULL,
                           "passwords in clear text are accepted only over TLS; use HTTPS "
                           "or PasswordDigest");
    }
    if ((rc = cache_key(key, cred)) < 0)
        return rc;
    generation = cache_generation_now();
    found = store_user_by_name(ctx->db, cred->username, &user);
    if (found < 0)
        return found;
    if (found == 0) {
        pthread_once(&dummy_once, make_dummy);
        (void)password_verify(dummy_hash, cred->secret);
        return fail();
    }
    if (password_verify(user.password_hash, cred->secret) < 0)
        return fail();
    if ((rc = principal_from(&user, out)) < 0)
        return rc;
    cache_put(key, out, s->cache_ttl, generation);
    return 0;
}

/* Created must be recent (and not from far in the future: a minute of clock
 * skew is tolerated), which bounds how long nonces must be remembered. */
static bool created_recent(const struct auth_settings *s, const struct credentials *cred)
{
    time_t now = time(NULL);

    if (str_empty(cred->created) || cred->created_at == 0 ||
        cred->created_at < now - s->created_window || cred->created_at > now + 60) {
        log_info("auth: missing, stale or future Created for %s", cred->username);
        return false;
    }
    return true;
}

/* Spends a token's nonce: remembered in the database (autocommit, so it is
 * spent even if the request fails later) until its Created can no longer
 * pass; a nonce seen before is a replay, refused across hub processes. It is
 * the user's nonce, not the name's: names match whatever their case or
 * trailing blanks, and the digest does not cover the name, so a token
 * replayed under another spelling of the name is the same replay. */
static int spend_nonce(struct svc_ctx *ctx, const struct auth_settings *s, int64_t user_id,
                       const unsigned char *nonce, size_t nonce_len)
{
    unsigned char key[32];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc;

    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(md, &user_id, sizeof(user_id)) != 1 ||
        EVP_DigestUpdate(md, nonce, nonce_len) != 1 ||
        EVP_DigestFinal_ex(md, key, NULL) != 1) {
        EVP_MD_CTX_free(md);
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    }
    EVP_MD_CTX_free(md);
    rc = store_nonce_remember(ctx->db, key, (int64_t)time(NULL) + s->created_window + 120);
    if (rc == EOS_EDUPKEY) {
        log_info("auth: replayed nonce for user %lld", (long long)user_id);
        return fail();
    }
    return rc < 0 ? rc : 0;
}

/* A PasswordText token may carry Nonce and Created too (SoapUI adds them):
 * then they hold as for a digest, so a captured token cannot be replayed.
 * Checked before the password; the nonce (into nonce, *nonce_len bytes, 0
 * without one) is spent once the token's user is known. */
static int text_token_fresh(const struct auth_settings *s, const struct credentials *cred,
                            unsigned char *nonce, size_t nonce_size, size_t *nonce_len)
{
    int n;

    *nonce_len = 0;
    if (cred->kind != CRED_TEXT)
        return 0;
    if (cred->created && !created_recent(s, cred))
        return fail();
    if (!cred->nonce_b64)
        return 0;
    n = base64_decode(nonce, nonce_size, cred->nonce_b64);
    if (n < 8)
        return fail();
    *nonce_len = (size_t)n;
    return 0;
}

/* The nonce of a text token whose password held, spent as its user's; a
 * replay clears *out and fails. */
static int spend_text_nonce(struct svc_ctx *ctx, const struct auth_settings *s,
                            struct principal *out, const unsigned char *nonce, size_t nonce_len)
{
    int rc;

    if (nonce_len == 0)
        return 0;
    if ((rc = spend_nonce(ctx, s, out->user_id, nonce, nonce_len)) < 0) {
        if (rc == EOS_EAUTH_FAILED)
            atomic_fetch_add(&failures_total, 1);
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

static int check_digest(struct svc_ctx *ctx, const struct auth_settings *s,
                        const struct credentials *cred, struct principal *out)
{
    struct user_row user;
    unsigned char nonce[128];
    char password[SECRETBOX_MAX_PLAIN + 1];
    int nonce_len, found, rc = -1;

    nonce_len = base64_decode(nonce, sizeof(nonce), cred->nonce_b64);
    if (nonce_len < 8 || !created_recent(s, cred))
        return fail();
    found = store_user_by_name(ctx->db, cred->username, &user);
    if (found < 0)
        return found;
    if (found == 0 || user.digest_secret_len == 0 ||
        secretbox_open(password, sizeof(password), &s->key, user.digest_secret,
                       user.digest_secret_len) < 0)
        return fail();
    if (!wsse_digest_matches(nonce, (size_t)nonce_len, cred->created, password, cred->secret)) {
        rc = fail();
        goto out;
    }
    if ((rc = spend_nonce(ctx, s, user.user_id, nonce, (size_t)nonce_len)) < 0)
        goto out;
    rc = principal_from(&user, out);
out:
    OPENSSL_cleanse(password, sizeof(password));
    return rc;
}

/* Takes back an attempt counted ahead of its check (see locked_out). */
static int attempt_uncount(struct svc_ctx *ctx, const struct credentials *cred, bool *counted)
{
    int rc = 0;

    if (*counted && (rc = store_auth_failure_undo(ctx->db, cred->username, cred->source)) < 0)
        log_warn("auth: cannot take back a counted attempt of %s", cred->username);
    *counted = false;
    return rc;
}

/* The lockout: too many recent failures of this user from this source.
 * Not locked, the attempt is counted as a failure before its password is
 * checked (*counted), and taken back when it passes. Attempts in parallel
 * take turns for the places under the limit, so no more than the limit
 * are checked. A locked-out flood costs one read, not a write. */
static int locked_out(struct svc_ctx *ctx, const struct auth_settings *s,
                      const struct credentials *cred, bool *locked, bool *counted)
{
    int failures = 0;
    int rc;

    *locked = *counted = false;
    if (s->max_failures <= 0 || str_empty(cred->source))
        return 0;
    rc = store_auth_failures(ctx->db, cred->username, cred->source, s->lockout_window, &failures);
    if (rc < 0 || (*locked = failures >= s->max_failures))
        return rc;
    rc = store_auth_attempt_reserve(ctx->db, cred->username, cred->source, s->lockout_window,
                                    s->max_failures, counted);
    *locked = rc == 0 && !*counted;
    return rc;
}

int svc_authenticate(struct svc_ctx *ctx, const struct auth_settings *s,
                     const struct credentials *cred, struct principal *out)
{
    unsigned char nonce[128];
    size_t nonce_len = 0;
    bool locked = false, counted = false;
    int rc;

    if (cred->kind == CRED_NONE)
        return eos_err_set(EOS_EAUTH_REQUIRED, NULL,
                           "credentials required: a WS-Security UsernameToken or HTTP Basic");
    if (str_empty(cred->username) || str_empty(cred->secret) || strlen(cred->username) > 64 ||
        strlen(cred->secret) > PASSWORD_MAX_LEN) {
        atomic_fetch_add(&failures_total, 1);
        return fail();
    }
    /* A stale text token is refused before anything else. */
    if ((rc = text_token_fresh(s, cred, nonce, sizeof(nonce), &nonce_len)) < 0) {
        atomic_fetch_add(&failures_total, 1);
        return rc;
    }
    /* A password this caller had verified a minute ago, from this address, is
     * no guess: the cache answers before the lockout (see cache_key). */
    cache_follow_users(ctx);
    if (cred->kind != CRED_DIGEST && cached(s, cred, out))
        return spend_text_nonce(ctx, s, out, nonce, nonce_len);
    if ((rc = locked_out(ctx, s, cred, &locked, &counted)) < 0) {
        (void)attempt_uncount(ctx, cred, &counted);
        return rc;
    }
    if (locked) {
        atomic_fetch_add(&lockouts_total, 1);
        log_info("auth: %s from %s is locked out", cred->username, cred->source);
        return eos_err_set(EOS_EAUTH_FAILED, NULL,
                           "too many failed attempts: try again in a few minutes");
    }
    rc = cred->kind == CRED_DIGEST ? check_digest(ctx, s, cred, out)
                                   : check_password(ctx, s, cred, out);
    if (rc == EOS_EAUTH_FAILED) { /* counted already */
        atomic_fetch_add(&failures_total, 1);
        return rc;
    }
    /* Passed, refused by policy (no guess) or failed for another reason. */
    if (counted) {
        char message[EOS_ERR_MSG_MAX];

        str_copy(message, sizeof(message), eos_err_message());
        (void)attempt_uncount(ctx, cred, &counted);
        if (rc < 0)
            eos_err_set(rc, NULL, "%s", message);
    }
    if (rc == EOS_EAUTH_REQUIRED)
        return eos_err_set(EOS_EAUTH_FAILED, NULL, "%s", "passwords in clear text are accepted "
                                                         "only over TLS; use HTTPS or "
                                                         "PasswordDigest");
    if (rc == 0 && cred->kind == CRED_TEXT)
        rc = spend_text_nonce(ctx, s, out, nonce, nonce_len);
    return rc;
}

int svc_principal_of(struct svc_ctx *ctx, const char *username, struct principal *out)
{
    struct user_row user;
    int rc = store_user_by_name(ctx->db, username, &user);

    if (rc < 0)
        return rc;
    if (rc == 0 || principal_from(&user, out) < 0)
        return eos_err_set(EOS_ENOTFOUND, "user", "no active user %s", username);
    return 0;
}
