/*
 * secretbox.h - sealing small secrets with AES-256-GCM under the operator's key.
 *
 * WS-Security PasswordDigest is SHA1(nonce + created + password): to check it,
 * the hub must know the password itself. For users allowed to use digest, the
 * password is kept sealed under a key the operator provides (a key file named by
 * EOS_SECRET_KEY_FILE), beside the PBKDF2 hash that every other path checks.
 *
 * A sealed box is: 12-byte random IV, ciphertext, 16-byte tag.
 */
#ifndef EOS_CORE_SECRETBOX_H
#define EOS_CORE_SECRETBOX_H

#include <stddef.h>

#define SECRETBOX_KEY_LEN 32
#define SECRETBOX_OVERHEAD (12 + 16)
#define SECRETBOX_MAX_PLAIN 256

struct secret_key {
    unsigned char bytes[SECRETBOX_KEY_LEN];
    int loaded; /* 0: no key configured, digest authentication is off */
};

/* Loads a key file: 32 raw bytes, or 64 hex digits (with optional newline).
 * Fails with EOS_EINVALID naming the problem (never the key). */
int secret_key_load(struct secret_key *key, const char *path);

/* Seals plain (len <= SECRETBOX_MAX_PLAIN) into out (len + SECRETBOX_OVERHEAD
 * bytes); *out_len receives the box length. */
int secretbox_seal(unsigned char *out, size_t *out_len, const struct secret_key *key,
                   const char *plain, size_t len);

/* Opens a box into out (size bytes, NUL-terminated). EOS_EAUTH_FAILED when the
 * box was not sealed under this key or was altered. */
int secretbox_open(char *out, size_t size, const struct secret_key *key,
                   const unsigned char *box, size_t box_len);

#endif
