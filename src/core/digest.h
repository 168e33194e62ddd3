/*
 * digest.h - SHA-256 of a request's content, field by field.
 *
 * Each field is fed with its length first, so ("AB","C") and ("A","BC")
 * differ. Used for the content hashes that tell an idempotent replay from a
 * conflicting reuse of a document number.
 */
#ifndef EOS_CORE_DIGEST_H
#define EOS_CORE_DIGEST_H

#include <stdint.h>

struct digest {
    void *md;    /* EVP_MD_CTX; NULL after a failure, which digest_final reports */
};

void digest_init(struct digest *d);
void digest_str(struct digest *d, const char *s);  /* NULL and "" differ */
void digest_i64(struct digest *d, int64_t v);
/* Writes the hash and releases d. Returns 0, or EOS_EINTERNAL if OpenSSL failed. */
int digest_final(struct digest *d, unsigned char out[32]);

#endif
