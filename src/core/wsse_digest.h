/*
 * wsse_digest.h - the WS-Security UsernameToken PasswordDigest rule:
 * Base64(SHA-1(nonce + created + password)), nonce taken as its raw bytes.
 */
#ifndef EOS_CORE_WSSE_DIGEST_H
#define EOS_CORE_WSSE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes standard base64 (with padding) into out; returns the byte count,
 * or -1 when text is not base64 or does not fit. */
int base64_decode(unsigned char *out, size_t size, const char *text);

/* True when digest_b64 is the digest of nonce, created and password. The
 * comparison takes the same time wherever the first difference is. */
bool wsse_digest_matches(const unsigned char *nonce, size_t nonce_len, const char *created,
                         const char *password, const char *digest_b64);

#endif
