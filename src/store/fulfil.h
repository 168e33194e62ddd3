/*
 * fulfil.h - shipments, invoices and payments in MariaDB.
 *
 * Each is unique by its seller's number (shipmentNo, invoiceNo, paymentNo)
 * and carries the SHA-256 of the request that created it, so a replay can be
 * told from a conflicting reuse of the number.
 */
#ifndef EOS_STORE_FULFIL_H
#define EOS_STORE_FULFIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/money.h"
#include "store/db.h"

struct doc_row {
    int64_t id;
    int64_t order_id;        /* shipments and invoices */
    int64_t buyer_id;
    money_t amount;
    money_t paid;            /* invoices: paid so far; payments: applied */
    char date[11];
    unsigned char content_hash[32];
};

/* By the seller's number: 1 found, 0 none, < 0 error. Invoices are locked
 * (FOR UPDATE) since payments change them. */
int store_shipment_by_no(struct db_conn *db, int64_t seller_id, const char *no,
                         struct doc_row *out);
int store_invoice_by_no(struct db_conn *db, int64_t seller_id, const char *no, bool lock,
                        struct doc_row *out);
int store_payment_by_no(struct db_conn *db, int64_t seller_id, const char *no,
                        struct doc_row *out);

/* Inserts a shipment and its lines (JSON array of {n, q, a}); EOS_EDUPKEY
 * when the number exists. */
int store_shipment_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id,
                          const char *no, int64_t order_id, const char *date, money_t amount,
                          const unsigned char hash[32], int64_t created_by,
                          const char *lines_json);

int store_invoice_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id, const char *no,
                         int64_t order_id, const char *date, money_t amount,
                         const unsigned char hash[32], int64_t created_by);

int store_payment_insert(struct db_conn *db, int64_t seller_id, int64_t buyer_id, const char *no,
                         const char *date, money_t amount, const char *kind,
                         const unsigned char hash[32], int64_t created_by, int64_t *id_out);

/* Applies part of a payment to an invoice: the application row, the
 * invoice's paid amount and the payment's applied amount. */
int store_payment_apply(struct db_conn *db, int64_t payment_id, int64_t invoice_id,
                        money_t amount);

#endif
