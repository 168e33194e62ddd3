/*
 * ledger.c - balances and statements from documents.
 */
#include "core/ledger.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"

/* How each kind moves the statement: +1 debit, -1 credit, 0 not on it; and
 * its document type there. */
struct kind_info {
    int sign;
    const char *doc_type;
};

static const struct kind_info kinds[] = {
    [LEDGER_SHIPMENT] = {0, "SHIPMENT"},
    [LEDGER_INVOICE] = {+1, "INVOICE"},
    [LEDGER_RECEIPT] = {-1, "PAYMENT"},
    [LEDGER_REFUND_PAID] = {+1, "PAYMENT"},
    [LEDGER_RETURN_CREDIT] = {-1, "REFUND"},
    [LEDGER_APPLICATION] = {0, "PAYMENT"},
};

void ledger_balance(const struct ledger_doc *docs, size_t count, const char *as_of,
                    struct ledger_balance *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < count; i++) {
        const struct ledger_doc *d = &docs[i];

        if (!str_empty(as_of) && strcmp(d->date, as_of) > 0)
            continue;
        switch (d->kind) {
        case LEDGER_SHIPMENT:
            out->uninvoiced += d->amount;
            break;
        case LEDGER_INVOICE:
            out->uninvoiced -= d->amount;
            out->receivable += d->amount;
            break;
        case LEDGER_RECEIPT:
        case LEDGER_RETURN_CREDIT:
            out->unapplied += d->amount;
            break;
        case LEDGER_REFUND_PAID:
            out->unapplied -= d->amount;
            break;
        case LEDGER_APPLICATION:
            out->receivable -= d->amount;
            out->unapplied -= d->amount;
            break;
        }
    }
}

/* Date, then document number; the rest only makes the order total, so equal
 * numbers of different types (invoice 1001, payment 1001) always come out
 * the same way. */
static int by_date_then_number(const void *a, const void *b)
{
    const struct statement_line *x = a, *y = b;
    int c = strcmp(x->date, y->date);

    if (c == 0)
        c = strcmp(x->doc_no, y->doc_no);
    if (c == 0)
        c = strcmp(x->doc_type, y->doc_type);
    if (c == 0)
        c = (x->debit > y->debit) - (x->debit < y->debit);
    if (c == 0)
        c = (x->credit > y->credit) - (x->credit < y->credit);
    return c;
}

void ledger_statement(const struct ledger_doc *docs, size_t count, const char *from,
                      const char *to, money_t *opening, struct statement_line *lines,
                      size_t *line_count, money_t *closing)
{
    money_t balance = 0;
    size_t n = 0;

    for (size_t i = 0; i < count; i++) {
        const struct ledger_doc *d = &docs[i];
        const struct kind_info *k;

        if ((unsigned)d->kind >= sizeof(kinds) / sizeof(kinds[0]))
            continue;
        k = &kinds[d->kind];
        if (k->sign == 0)
            continue;
        if (strcmp(d->date, from) < 0) {
            balance += k->sign * d->amount;
            continue;
        }
        if (strcmp(d->date, to) > 0)
            continue;
        str_copy(lines[n].date, sizeof(lines[n].date), d->date);
        str_copy(lines[n].doc_no, sizeof(lines[n].doc_no), d->doc_no);
        lines[n].doc_type = k->doc_type;
        lines[n].debit = k->sign > 0 ? d->amount : 0;
        lines[n].credit = k->sign < 0 ? d->amount : 0;
        n++;
    }
    *opening = balance;
    if (n > 1)
        qsort(lines, n, sizeof(*lines), by_date_then_number);
    for (size_t i = 0; i < n; i++) {
        balance += lines[i].debit - lines[i].credit;
        lines[i].balance = balance;
    }
    *line_count = n;
    *closing = balance;
}
