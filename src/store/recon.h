/*
 * recon.h - account documents for reconciliation: the list both parties see,
 * the buyer's confirmations, and the documents the ledger is computed from.
 */
#ifndef EOS_STORE_RECON_H
#define EOS_STORE_RECON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ledger.h"
#include "store/db.h"
#include "store/order.h"

struct account_doc {
    char doc_type[10];            /* SHIPMENT, INVOICE, PAYMENT, REFUND */
    char doc_no[DOCNO_BUF];
    char doc_date[DATE_LEN + 1];
    int64_t order_id;             /* 0 for payments */
    money_t amount;
    char buyer_code[CODE_MAX + 1];
    bool confirmed;
    int64_t confirmed_at;         /* UTC seconds; 0 when not confirmed */
    char confirmed_by[65];
};

struct doc_filter {
    struct party_scope scope;
    char doc_type[10];            /* "" : all */
    char from[DATE_LEN + 1];      /* "" : unbounded */
    char to[DATE_LEN + 1];
    bool unconfirmed_only;
    int32_t offset;
    int32_t limit;
};

/* One page of documents by date (then type and number) and the total. */
int store_doc_list(struct db_conn *db, const struct doc_filter *f, struct account_doc *out,
                   size_t max, size_t *count, int64_t *total);

/* The seller of the buyer's document of that type and number, among all its
 * sellers or only_seller (0: any): 1 found, 0 none, 2 several sellers have
 * one (*seller_id is then one of them). */
int store_doc_seller(struct db_conn *db, int64_t buyer_id, const char *doc_type,
                     const char *doc_no, int64_t only_seller, int64_t *seller_id);

/* Confirms or withdraws; *at receives the time recorded (UTC seconds). */
int store_doc_confirm(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      const char *doc_type, const char *doc_no, bool confirmed, const char *by,
                      int64_t *at);

/* Every ledger document of the buyer's account with the seller (caller frees *docs). */
int store_ledger_docs(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                      struct ledger_doc **docs, size_t *count);

/* The open order amount of the account as it stood at the end of `day`:
 * orders whose last status change by then left them open, less what was
 * invoiced by then. (Totals are today's: adjustments after the day count.) */
int store_open_orders_as_of(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                            const char *day, money_t *out);

#endif
