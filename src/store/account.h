/*
 * account.h - a buyer's account with a seller: credit limit and exposure.
 *
 * The exposure (open orders, receivable) is kept on the account row and moved
 * by every change that moves it, in the same transaction; the row lock taken
 * by store_account_lock() serializes one buyer's submissions, so two orders
 * can never both pass the credit check on the same headroom.
 */
#ifndef EOS_STORE_ACCOUNT_H
#define EOS_STORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "store/db.h"

struct account_row {
    int64_t seller_id;
    int64_t buyer_id;
    bool has_limit;
    money_t credit_limit;
    money_t open_orders;
    money_t receivable;
    char seller_code[33];
    char currency[4];
};

/* Finds the account of buyer with the seller (seller_code "" : the buyer's
 * only seller); with lock, FOR UPDATE. 1 found, 0 none (no account, or
 * several sellers and no code: *ambiguous says which), < 0 error. */
int store_account_find(struct db_conn *db, int64_t buyer_id, const char *seller_code, bool lock,
                       struct account_row *out, bool *ambiguous);

/* Reads the account, locking its row when lock is set. 1 found, 0 none,
 * < 0 error. */
int store_account_get(struct db_conn *db, int64_t seller_id, int64_t buyer_id, bool lock,
                      struct account_row *out);

/* Adds the deltas to the account's exposure. */
int store_account_adjust(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                         money_t open_delta, money_t receivable_delta);

#endif
