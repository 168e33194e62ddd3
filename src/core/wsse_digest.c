/*
 * wsse_digest.c - PasswordDigest check and base64 decoding (OpenSSL).
 */
#include "core/wsse_digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

int base64_decode(unsigned char *out, size_t size, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    unsigned char tmp[1024];
    int n, pad = 0;

    if (len == 0 || len % 4 != 0 || len / 4 * 3 > sizeof(tmp))
        return -1;
    n = EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)len);
    if (n < 0)
        return -1;
    /* EVP_DecodeBlock counts padding as zero bytes. */
    if (text[len - 1] == '=')
        pad++;
    if (text[len - 2] == '=')
        pad++;
    n -= pad;
    if ((size_t)n > size)
        return -1;
    memcpy(out, tmp, (size_t)n);
    return n;
}

bool wsse_digest_matches(const unsigned char *nonce, size_t nonce_len, const char *created,
                         const char *password, const char *digest_b64)
{
    unsigned char expected[SHA_DIGEST_LENGTH];
    unsigned char given[64];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok;
    int n;

    n = base64_decode(given, sizeof(given), digest_b64);
    ok = md && EVP_DigestInit_ex(md, EVP_sha1(), NULL) == 1 &&
         EVP_DigestUpdate(md, nonce, nonce_len) == 1 &&
         EVP_DigestUpdate(md, created, strlen(created)) == 1 &&
         EVP_DigestUpdate(md, password, strlen(password)) == 1 &&
         EVP_DigestFinal_ex(md, expected, NULL) == 1;
    EVP_MD_CTX_free(md);
    if (!ok || n != SHA_DIGEST_LENGTH)
        return false;
    return CRYPTO_memcmp(expected, given, SHA_DIGEST_LENGTH) == 0;
}
