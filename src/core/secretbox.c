/*
 * secretbox.c - AES-256-GCM seal and open with OpenSSL's EVP interface.
 */
#include "core/secretbox.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

#define IV_LEN 12
#define TAG_LEN 16

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int secret_key_load(struct secret_key *key, const char *path)
{
    unsigned char buf[80];
    size_t n;
    FILE *f = fopen(path, "rb");
    int rc = -1;

    memset(key, 0, sizeof(*key));
    if (!f)
        return eos_err_set(EOS_EINVALID, "EOS_SECRET_KEY_FILE", "cannot open the key file");
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    /* A line ending is dropped from hex only: a raw key's last byte may be
     * 0x0a or 0x0d (2 keys in 256). */
    while (n > SECRETBOX_KEY_LEN && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    if (n == SECRETBOX_KEY_LEN) {
        memcpy(key->bytes, buf, SECRETBOX_KEY_LEN);
    } else if (n == 2 * SECRETBOX_KEY_LEN) {
        for (size_t i = 0; i < SECRETBOX_KEY_LEN; i++) {
            int hi = hexval(buf[2 * i]), lo = hexval(buf[2 * i + 1]);

            if (hi < 0 || lo < 0) {
                rc = eos_err_set(EOS_EINVALID, "EOS_SECRET_KEY_FILE", "the key file is not hex");
                goto out;
            }
            key->bytes[i] = (unsigned char)(hi << 4 | lo);
        }
    } else {
        rc = eos_err_set(EOS_EINVALID, "EOS_SECRET_KEY_FILE",
                         "the key file must hold 32 bytes or 64 hex digits");
        goto out;
    }
    key->loaded = 1;
    rc = 0;
out:
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

int secretbox_seal(unsigned char *out, size_t *out_len, const struct secret_key *key,
                   const char *plain, size_t len)
{
    EVP_CIPHER_CTX *ctx = NULL;
    int n = 0, fin = 0, rc = -1;

    if (!key->loaded || len > SECRETBOX_MAX_PLAIN)
        return eos_err_set(EOS_EINVALID, NULL, "no secret key, or secret too long");
    if (RAND_bytes(out, IV_LEN) != 1)
        return eos_err_set(EOS_EINTERNAL, NULL, "no randomness");
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->bytes, out) != 1 ||
        EVP_EncryptUpdate(ctx, out + IV_LEN, &n, (const unsigned char *)plain, (int)len) != 1 ||
        EVP_EncryptFinal_ex(ctx, out + IV_LEN + n, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + IV_LEN + n + fin) != 1) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "encryption failed");
        goto out;
    }
    *out_len = (size_t)(IV_LEN + n + fin + TAG_LEN);
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int secretbox_open(char *out, size_t size, const struct secret_key *key,
                   const unsigned char *box, size_t box_len)
{
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char tag[TAG_LEN];
    int n = 0, fin = 0, rc = -1;
    size_t clen;

    if (!key->loaded || box_len < SECRETBOX_OVERHEAD ||
        box_len - SECRETBOX_OVERHEAD >= size)
        return eos_err_set(EOS_EAUTH_FAILED, NULL, "authentication failed");
    clen = box_len - SECRETBOX_OVERHEAD;
    memcpy(tag, box + IV_LEN + clen, TAG_LEN);
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key->bytes, box) != 1 ||
        EVP_DecryptUpdate(ctx, (unsigned char *)out, &n, box + IV_LEN, (int)clen) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1 ||
        EVP_DecryptFinal_ex(ctx, (unsigned char *)out + n, &fin) != 1) {
        OPENSSL_cleanse(out, size);
        rc = eos_err_set(EOS_EAUTH_FAILED, NULL, "authentication failed");
        goto out;
    }
    out[n + fin] = '\0';
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}
