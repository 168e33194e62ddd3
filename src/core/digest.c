/*
 * digest.c - length-prefixed SHA-256 with OpenSSL EVP.
 */
#include "core/digest.h"

#include <openssl/evp.h>
#include <string.h>

#include "base/err.h"

void digest_init(struct digest *d)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        md = NULL;
    }
    d->md = md;
}

static void feed(struct digest *d, const void *bytes, size_t len)
{
    if (d->md && EVP_DigestUpdate(d->md, bytes, len) != 1) {
        EVP_MD_CTX_free(d->md);
        d->md = NULL;
    }
}

void digest_str(struct digest *d, const char *s)
{
    int64_t len = s ? (int64_t)strlen(s) : -1;

    digest_i64(d, len);
    if (s)
        feed(d, s, (size_t)len);
}

void digest_i64(struct digest *d, int64_t v)
{
    unsigned char b[8];

    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
    feed(d, b, sizeof(b));
}

int digest_final(struct digest *d, unsigned char out[32])
{
    int ok = d->md && EVP_DigestFinal_ex(d->md, out, NULL) == 1;

    EVP_MD_CTX_free(d->md);
    d->md = NULL;
    return ok ? 0 : eos_err_set(EOS_EINTERNAL, NULL, "internal error");
}
