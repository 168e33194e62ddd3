/*
 * password.h - password hashes (PBKDF2-HMAC-SHA256, OpenSSL 3).
 *
 * A stored hash is one printable string:
 *     pbkdf2-sha256$<iterations>$<salt>$<hash>
 * iterations in decimal without leading zeros, salt 16 random bytes and hash
 * 32 bytes, both in standard base64 with padding (24 and 44 characters), e.g.
 *     pbkdf2-sha256$100000$3q2+7w...==$Jm9v...=
 * Python's hashlib.pbkdf2_hmac("sha256", ...) and base64.b64encode() give the
 * same fields (a unit test checks one), so tools can create users without
 * this code.
 *
 * PBKDF2 is slow on purpose (tens of ms at the default): never verify on
 * every request; cache a successful verification (DESIGN.md), keyed with
 * password_sha256_hex() of the presented secret. Nothing here logs or keeps
 * a password; buffers that held derived keys are cleansed.
 * All functions are thread-safe.
 */
#ifndef EOS_CORE_PASSWORD_H
#define EOS_CORE_PASSWORD_H

#include <stddef.h>

#define PASSWORD_DEFAULT_ITERATIONS 100000u
#define PASSWORD_MAX_ITERATIONS 10000000u /* bounds the cost of one verify */
#define PASSWORD_MAX_LEN 1024             /* bytes; longer passwords are refused */
#define PASSWORD_SALT_LEN 16
#define PASSWORD_KEY_LEN 32

/* Buffer size for password_hash(), including the NUL (a hash is at most 92
 * characters). */
#define PASSWORD_HASH_MAX 128

/* Buffer size for password_sha256_hex(): 64 hex digits and the NUL. */
#define PASSWORD_SHA256_HEX_LEN 65

/*
 * Hashes password with a fresh random salt and the given iteration count
 * (PASSWORD_DEFAULT_ITERATIONS in production; tests may use fewer) and
 * writes the stored form into out.
 *
 * Returns 0 on success. On error out is left alone and returns
 *   EOS_EINVALID  (field "password") password is NULL or longer than
 *                 PASSWORD_MAX_LEN bytes;
 *   EOS_EINTERNAL iterations outside 1..PASSWORD_MAX_ITERATIONS, size below
 *                 what the hash needs (PASSWORD_HASH_MAX always suffices),
 *                 or OpenSSL failed (no randomness).
 */
int password_hash(char *out, size_t size, const char *password, unsigned iterations);

/*
 * Checks password against a stored hash in constant time (CRYPTO_memcmp).
 *
 * Returns 0 when it matches. Returns EOS_EAUTH_FAILED when it does not, when
 * password is NULL or longer than PASSWORD_MAX_LEN, and when stored is NULL
 * or malformed (other scheme, iterations outside 1..PASSWORD_MAX_ITERATIONS
 * or with leading zeros, salt or hash not canonical base64 of 16 and 32
 * bytes, anything trailing); the message does not say which. Returns
 * EOS_EINTERNAL only when OpenSSL fails to compute the hash.
 */
int password_verify(const char *stored, const char *password);

/*
 * Writes the SHA-256 of data[0..len) as 64 lowercase hex digits and a NUL
 * into out (the key of the verification cache). data may be NULL when len
 * is 0.
 *
 * Returns 0, or EOS_EINTERNAL when OpenSSL fails (out of memory); out is then
 * left alone. The result must be checked: a cache keyed by an unwritten
 * buffer could match the wrong secret.
 */
int password_sha256_hex(char out[PASSWORD_SHA256_HEX_LEN], const void *data, size_t len)
    __attribute__((warn_unused_result));

#endif
