/*
 * party.h - parties, customer accounts, users and WS-Security nonces in MariaDB.
 */
#ifndef EOS_STORE_PARTY_H
#define EOS_STORE_PARTY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "core/order.h"
#include "store/db.h"

struct party_row {
    int64_t party_id;
    char code[33];
    char name[NAME_BUF];
    char kind[10];     /* SELLER, BUYER or OPERATOR */
    char currency[4];  /* "" when not a seller */
};

struct user_row {
    int64_t user_id;
    int64_t party_id;
    char username[65];
    char role[8];
    char password_hash[201];
    unsigned char digest_secret[512];
    unsigned long digest_secret_len; /* 0: no sealed password, digest refused */
    int32_t price_authority_bp;
    bool active;
    char party_code[33];
    char party_kind[10];   /* SELLER, BUYER or OPERATOR */
};

/* Sets a user's active flag. */
int store_user_set_active(struct db_conn *db, int64_t user_id, bool active);

/* Inserts a party; EOS_EDUPKEY when the code exists. */
int store_party_insert(struct db_conn *db, const char *code, const char *name, const char *kind,
                       const char *currency, int64_t *id_out);

/* 1 found, 0 none, < 0 error. */
int store_party_by_code(struct db_conn *db, const char *code, struct party_row *out);

/* Creates or updates the account of buyer with seller; credit_limit < 0 means none. */
int store_account_upsert(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                         money_t credit_limit);

/* Inserts a user; EOS_EDUPKEY when the name exists. digest may be NULL. */
int store_user_insert(struct db_conn *db, const char *username, int64_t party_id,
                      const char *role, const char *password_hash,
                      const unsigned char *digest, unsigned long digest_len,
                      int32_t authority_bp, int64_t *id_out);

/* Replaces a user's password (hash and sealed copy) and role settings. */
int store_user_update(struct db_conn *db, int64_t user_id, int64_t party_id, const char *role,
                      const char *password_hash, const unsigned char *digest,
                      unsigned long digest_len, int32_t authority_bp);

/* 1 found, 0 none, < 0 error. */
int store_user_by_name(struct db_conn *db, const char *username, struct user_row *out);

/* A fingerprint of every user's credentials and standing (password, active,
 * role, party): it changes when any of them changes, whoever changed it. */
int store_users_fingerprint(struct db_conn *db, int64_t *out);

/* Records a nonce until expires (UTC seconds). EOS_EDUPKEY when it was seen:
 * a replay. Expired nonces are swept now and then by the same call. */
int store_nonce_remember(struct db_conn *db, const unsigned char hash[32], int64_t expires);

/* Failed logins of a user from a source within the last `window` seconds. */
int store_auth_failures(struct db_conn *db, const char *username, const char *source,
                        int window, int *failures);

/* Counts an attempt as a failure ahead of its check, if fewer than `limit`
 * are counted in the window (a new window when the last one is over):
 * *reserved says whether it was. Attempts in parallel take turns, so no more
 * than `limit` are ever reserved. Rows whose window is over are swept now
 * and then by the same call. */
int store_auth_attempt_reserve(struct db_conn *db, const char *username, const char *source,
                               int window, int limit, bool *reserved);

/* Takes back one failure counted ahead of a check that then passed. */
int store_auth_failure_undo(struct db_conn *db, const char *username, const char *source);

#endif
