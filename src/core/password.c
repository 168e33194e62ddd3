/*
 * password.c - PBKDF2-HMAC-SHA256 password hashes in the stored form
 * "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" (see password.h).
 *
 * The parser of a stored hash is strict: it accepts exactly what
 * password_hash() writes (base64 fields are decoded and re-encoded and must
 * come out the same), so one password has one stored form per salt.
 */
#include "password.h"

#include "base/err.h"
#include "base/str.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SCHEME "pbkdf2-sha256"

/* Base64 length of n bytes, with padding, without the NUL. */
#define B64_LEN(n) (4 * (((n) + 2) / 3))

#define SALT_B64_LEN B64_LEN(PASSWORD_SALT_LEN) /* 24 */
#define KEY_B64_LEN B64_LEN(PASSWORD_KEY_LEN)   /* 44 */

/* A parsed stored hash. */
struct stored_hash {
    unsigned iterations;
    unsigned char salt[PASSWORD_SALT_LEN];
    unsigned char key[PASSWORD_KEY_LEN];
};

/* Length of password, or PASSWORD_MAX_LEN + 1 when it is longer. */
static size_t bounded_len(const char *password)
{
    return strnlen(password, PASSWORD_MAX_LEN + 1);
}

/* PBKDF2-HMAC-SHA256 of password into key. Returns 0 or EOS_EINTERNAL.
 * The callers have bounded len and iterations, so the int casts hold. */
static int derive(unsigned char key[PASSWORD_KEY_LEN], const char *password, size_t len,
                  const unsigned char salt[PASSWORD_SALT_LEN], unsigned iterations)
{
    int error = 0;

    if (PKCS5_PBKDF2_HMAC(password, (int)len, salt, PASSWORD_SALT_LEN, (int)iterations,
                          EVP_sha256(), PASSWORD_KEY_LEN, key) != 1)
        error = eos_err_set(EOS_EINTERNAL, NULL, "password hashing failed");
    return error;
}

/* Writes the base64 of src[0..n) and a NUL to dst, which holds B64_LEN(n) + 1. */
static void b64_encode(char *dst, const unsigned char *src, size_t n)
{
    EVP_EncodeBlock((unsigned char *)dst, src, (int)n);
}

/*
 * Decodes exactly n bytes from the len base64 characters at src. False when
 * len is not B64_LEN(n), the text is not base64, or it is not the canonical
 * encoding of those n bytes (checked by encoding them again).
 */
static bool b64_decode_exact(unsigned char *dst, size_t n, const char *src, size_t len)
{
    unsigned char decoded[B64_LEN(PASSWORD_KEY_LEN) / 4 * 3];
    char again[B64_LEN(PASSWORD_KEY_LEN) + 1];
    bool ok = false;

    if (n > PASSWORD_KEY_LEN || len != B64_LEN(n))
        goto out;
    if (EVP_DecodeBlock(decoded, (const unsigned char *)src, (int)len) < 0)
        goto out;
    b64_encode(again, decoded, n);
    if (memcmp(again, src, len) != 0)
        goto out;
    memcpy(dst, decoded, n);
    ok = true;

out:
    return ok;
}

/* Parses the decimal iteration count at *p up to the next '$', and moves *p
 * past that '$'. No sign, no leading zero, 1..PASSWORD_MAX_ITERATIONS. */
static bool parse_iterations(unsigned *out, const char **p)
{
    const char *s = *p;
    unsigned long value = 0;
    bool ok = false;

    if (*s < '1' || *s > '9')
        goto out;
    for (; *s >= '0' && *s <= '9'; s++) {
        value = value * 10 + (unsigned long)(*s - '0');
        if (value > PASSWORD_MAX_ITERATIONS)
            goto out;
    }
    if (*s != '$')
        goto out;
    *out = (unsigned)value;
    *p = s + 1;
    ok = true;

out:
    return ok;
}

/* Splits and decodes a stored hash. False when it is malformed in any way. */
static bool parse_stored(struct stored_hash *out, const char *stored)
{
    const char *p = stored;
    const char *dollar;
    bool ok = false;

    if (strncmp(p, SCHEME "$", sizeof(SCHEME)) != 0)
        goto out;
    p += sizeof(SCHEME);
    if (!parse_iterations(&out->iterations, &p))
        goto out;
    dollar = strchr(p, '$');
    if (!dollar || !b64_decode_exact(out->salt, sizeof(out->salt), p, (size_t)(dollar - p)))
        goto out;
    p = dollar + 1;
    if (!b64_decode_exact(out->key, sizeof(out->key), p, strlen(p)))
        goto out;
    ok = true;

out:
    return ok;
}

int password_hash(char *out, size_t size, const char *password, unsigned iterations)
{
    int error = EOS_EINTERNAL;
    unsigned char salt[PASSWORD_SALT_LEN];
    unsigned char key[PASSWORD_KEY_LEN];
    char salt_b64[SALT_B64_LEN + 1];
    char key_b64[KEY_B64_LEN + 1];
    char text[PASSWORD_HASH_MAX];
    size_t len = password ? bounded_len(password) : 0;
    int n;

    if (!password || len > PASSWORD_MAX_LEN) {
        error = eos_err_set(EOS_EINVALID, "password", "at most %d bytes", PASSWORD_MAX_LEN);
        goto out;
    }
    if (iterations == 0 || iterations > PASSWORD_MAX_ITERATIONS) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "password iteration count out of range");
        goto out;
    }
    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "no random bytes for a password salt");
        goto out;
    }
    error = derive(key, password, len, salt, iterations);
    if (error)
        goto out;

    b64_encode(salt_b64, salt, sizeof(salt));
    b64_encode(key_b64, key, sizeof(key));
    n = snprintf(text, sizeof(text), SCHEME "$%u$%s$%s", iterations, salt_b64, key_b64);
    if (n < 0 || (size_t)n >= size) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "password hash buffer too small");
        goto out;
    }
    memcpy(out, text, (size_t)n + 1);
    error = 0;

out:
    OPENSSL_cleanse(key, sizeof(key));
    return error;
}

int password_verify(const char *stored, const char *password)
{
    int error = EOS_EAUTH_FAILED;
    struct stored_hash parsed;
    unsigned char key[PASSWORD_KEY_LEN];
    size_t len = password ? bounded_len(password) : 0;

    memset(key, 0, sizeof(key));
    if (!stored || !password || len > PASSWORD_MAX_LEN)
        goto out;
    if (!parse_stored(&parsed, stored))
        goto out;
    if (derive(key, password, len, parsed.salt, parsed.iterations) != 0) {
        error = EOS_EINTERNAL; /* message set by derive() */
        goto out;
    }
    if (CRYPTO_memcmp(key, parsed.key, sizeof(key)) != 0)
        goto out;
    error = 0;

out:
    if (error == EOS_EAUTH_FAILED)
        eos_err_set(error, NULL, "authentication failed");
    OPENSSL_cleanse(key, sizeof(key));
    return error;
}

int password_sha256_hex(char out[PASSWORD_SHA256_HEX_LEN], const void *data, size_t len)
{
    int error = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32) {
        error = eos_err_set(EOS_EINTERNAL, NULL, "SHA-256 failed");
        goto out;
    }
    hex_encode(out, md, md_len);

out:
    OPENSSL_cleanse(md, sizeof(md));
    return error;
}
