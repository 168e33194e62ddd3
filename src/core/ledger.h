/*
 * ledger.h - a buyer's account with the seller, computed from its documents.
 *
 * Shipments make un-invoiced amounts; invoices turn them into receivables;
 * receipts and advances reduce receivables where applied to invoices and
 * otherwise stay unapplied; the credit of a refunded return is owed to the
 * buyer (it counts with the unapplied money); a payment of kind REFUND pays
 * such money back. All fixed-point.
 *
 * The statement is the running balance of what the buyer owes: invoices and
 * refunds paid out are debits; receipts, advances and return credits are
 * credits. Shipments (not yet invoiced) and applications (which only move
 * money between documents) do not change it.
 */
#ifndef EOS_CORE_LEDGER_H
#define EOS_CORE_LEDGER_H

#include <stddef.h>

#include "core/money.h"
#include "core/order.h"

enum ledger_kind {
    LEDGER_SHIPMENT,      /* goods delivered */
    LEDGER_INVOICE,       /* invoice issued */
    LEDGER_RECEIPT,       /* payment RECEIPT or ADVANCE received */
    LEDGER_REFUND_PAID,   /* payment REFUND: money paid back to the buyer */
    LEDGER_RETURN_CREDIT, /* a refunded return credited to the buyer */
    LEDGER_APPLICATION,   /* part of a receipt applied to an invoice */
};

struct ledger_doc {
    enum ledger_kind kind;
    char date[DATE_LEN + 1];          /* YYYY-MM-DD, compared as text */
    char doc_no[DOCNO_BUF];
    money_t amount;                   /* positive */
};

struct ledger_balance {
    money_t uninvoiced;   /* shipped, not yet invoiced */
    money_t receivable;   /* invoiced, not yet paid by applications */
    money_t unapplied;    /* receipts not applied, plus return credits, less refunds paid */
};

/* Sums the documents dated on or before as_of ("" : all). */
void ledger_balance(const struct ledger_doc *docs, size_t count, const char *as_of,
                    struct ledger_balance *out);

struct statement_line {
    char date[DATE_LEN + 1];
    const char *doc_type;             /* INVOICE, PAYMENT or REFUND (static text) */
    char doc_no[DOCNO_BUF];
    money_t debit;
    money_t credit;
    money_t balance;                  /* running, after this line */
};

/* The statement from `from` to `to` (inclusive dates): the opening balance
 * (everything before from), the lines in date order then by document number,
 * each with its running balance, and the closing balance. lines must have
 * room for count entries; *line_count receives how many were written. The
 * closing balance of one period is the opening balance of the next. */
void ledger_statement(const struct ledger_doc *docs, size_t count, const char *from,
                      const char *to, money_t *opening, struct statement_line *lines,
                      size_t *line_count, money_t *closing);

#endif
