/*
 * test_ledger.c - unit tests of src/core/ledger.c: the worked ledger of
 * issue 5 (an order of 1000.00 shipped in two parts, invoiced, paid in part
 * against the invoice, an advance, a refunded return) with every balance
 * figure asserted at each step and as of each date; statements over one
 * period, adjacent periods, empty periods, same-date ordering, money paid
 * back, and four-decimal amounts summed without rounding.
 * Runs as its own binary; exits non-zero when any assertion failed.
 */
#include "core/ledger.h"

#include "base/err.h"

#include "cunit_run.h"

#include <CUnit/Basic.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A value no function under test writes: proves an out-parameter written. */
#define SENTINEL INT64_C(-7777777)

/* Money written the way people read it: M(1000, 0) is 1000.00,
 * M(0, 49) is 0.0049. */
#define M(units, ten_thousandths) ((money_t)(units)*MONEY_SCALE + (ten_thousandths))

/* The most lines any statement below can have. */
#define LINES_MAX 16

static void check(bool ok, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A CUnit assertion whose failure message names the table row (CUnit copies
 * the message). */
static void check(bool ok, unsigned line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define CHECK(ok, ...) check((ok), __LINE__, __VA_ARGS__)

/* Two money_format() buffers per call site are enough for the messages. */
struct fmt2 {
    char a[MONEY_STR_MAX];
    char b[MONEY_STR_MAX];
};

/* ------------------------------------------------------------ fixture */

/* The worked ledger of issue 5, one date per step; the payment against the
 * invoice is a receipt plus its application, on the same date. */
static const struct ledger_doc worked[] = {
    {LEDGER_SHIPMENT, "2026-01-05", "SH-001", M(600, 0)},
    {LEDGER_SHIPMENT, "2026-01-10", "SH-002", M(400, 0)},
    {LEDGER_INVOICE, "2026-01-15", "INV-001", M(1000, 0)},
    {LEDGER_RECEIPT, "2026-01-20", "PAY-001", M(700, 0)},
    {LEDGER_APPLICATION, "2026-01-20", "PAY-001", M(700, 0)},
    {LEDGER_RECEIPT, "2026-01-25", "PAY-002", M(50, 0)},
    {LEDGER_RETURN_CREDIT, "2026-01-30", "RET-001", M(100, 0)},
};

/* Each step of the worked ledger: how many documents of `worked` exist once
 * it is done, its date, and every balance figure then. Written out by hand. */
struct step {
    const char *what;
    size_t docs;
    const char *date;
    money_t uninvoiced;
    money_t receivable;
    money_t unapplied;
};

static const struct step steps[] = {
    {"shipped 600.00", 1, "2026-01-05", M(600, 0), 0, 0},
    {"shipped 400.00 more", 2, "2026-01-10", M(1000, 0), 0, 0},
    {"invoiced 1000.00", 3, "2026-01-15", 0, M(1000, 0), 0},
    {"paid 700.00 against the invoice", 5, "2026-01-20", 0, M(300, 0), 0},
    {"advance of 50.00, not applied", 6, "2026-01-25", 0, M(300, 0), M(50, 0)},
    {"return of 100.00 refunded", 7, "2026-01-30", 0, M(300, 0), M(150, 0)},
};

/* One line of a statement as it should come out. */
struct want_line {
    const char *date;
    const char *doc_type;
    const char *doc_no;
    money_t debit;
    money_t credit;
    money_t balance;
};

/* ------------------------------------------------------------ helpers */

static void check_balance(unsigned line, const char *what, const struct ledger_balance *got,
                          money_t uninvoiced, money_t receivable, money_t unapplied)
{
    struct fmt2 f[3];

    check(got->uninvoiced == uninvoiced && got->receivable == receivable &&
              got->unapplied == unapplied,
          line, "%s: uninvoiced %s (want %s), receivable %s (want %s), unapplied %s (want %s)",
          what, money_format(f[0].a, sizeof(f[0].a), got->uninvoiced),
          money_format(f[0].b, sizeof(f[0].b), uninvoiced),
          money_format(f[1].a, sizeof(f[1].a), got->receivable),
          money_format(f[1].b, sizeof(f[1].b), receivable),
          money_format(f[2].a, sizeof(f[2].a), got->unapplied),
          money_format(f[2].b, sizeof(f[2].b), unapplied));
}

#define CHECK_BALANCE(what, got, u, r, a) check_balance(__LINE__, (what), (got), (u), (r), (a))

/* Runs ledger_statement() over docs[0..count) and compares everything it
 * writes with the expected opening, lines and closing. */
static void check_statement(unsigned line, const struct ledger_doc *docs, size_t count,
                            const char *from, const char *to, money_t want_opening,
                            const struct want_line *want, size_t want_count, money_t want_closing)
{
    struct statement_line lines[LINES_MAX];
    money_t opening = SENTINEL, closing = SENTINEL;
    size_t n = 999;
    struct fmt2 f;

    CU_ASSERT_FATAL(count <= LINES_MAX);
    for (size_t i = 0; i < LINES_MAX; i++) {
        memset(&lines[i], 0, sizeof(lines[i]));
        lines[i].doc_type = "?";
        lines[i].debit = lines[i].credit = lines[i].balance = SENTINEL;
    }
    ledger_statement(docs, count, from, to, &opening, lines, &n, &closing);

    check(opening == want_opening, line, "%s..%s: opening %s, want %s", from, to,
          money_format(f.a, sizeof(f.a), opening), money_format(f.b, sizeof(f.b), want_opening));
    check(closing == want_closing, line, "%s..%s: closing %s, want %s", from, to,
          money_format(f.a, sizeof(f.a), closing), money_format(f.b, sizeof(f.b), want_closing));
    check(n == want_count, line, "%s..%s: %zu lines, want %zu", from, to, n, want_count);
    for (size_t i = 0; i < n && i < want_count; i++) {
        const struct statement_line *g = &lines[i];
        const struct want_line *w = &want[i];
        struct fmt2 d, c, b;

        check(strcmp(g->date, w->date) == 0 && strcmp(g->doc_type, w->doc_type) == 0 &&
                  strcmp(g->doc_no, w->doc_no) == 0 && g->debit == w->debit &&
                  g->credit == w->credit && g->balance == w->balance,
              line,
              "%s..%s line %zu: %s %s %s debit %s credit %s balance %s, "
              "want %s %s %s debit %s credit %s balance %s",
              from, to, i, g->date, g->doc_type, g->doc_no,
              money_format(d.a, sizeof(d.a), g->debit), money_format(c.a, sizeof(c.a), g->credit),
              money_format(b.a, sizeof(b.a), g->balance), w->date, w->doc_type, w->doc_no,
              money_format(d.b, sizeof(d.b), w->debit), money_format(c.b, sizeof(c.b), w->credit),
              money_format(b.b, sizeof(b.b), w->balance));
    }
}

#define CHECK_STATEMENT(docs, count, from, to, opening, want, closing)                             \
    check_statement(__LINE__, (docs), (count), (from), (to), (opening), (want), ARRAY_SIZE(want),  \
                    (closing))

/* The same with no lines expected. */
#define CHECK_STATEMENT_EMPTY(docs, count, from, to, opening, closing)                             \
    check_statement(__LINE__, (docs), (count), (from), (to), (opening), NULL, 0, (closing))

/* Only the opening, line count and closing of a statement. */
static void statement_totals(const struct ledger_doc *docs, size_t count, const char *from,
                             const char *to, money_t *opening, size_t *n, money_t *closing)
{
    struct statement_line lines[LINES_MAX];

    CU_ASSERT_FATAL(count <= LINES_MAX);
    ledger_statement(docs, count, from, to, opening, lines, n, closing);
}

/* ------------------------------------------------------------ balances */

/* Each step adds its documents; the balance of what exists so far (as_of
 * "": everything) is the step's figures. */
static void test_ledger__worked_balance_step_by_step(void)
{
    struct ledger_balance b;

    memset(&b, 0x5a, sizeof(b));
    ledger_balance(worked, 0, "", &b);
    CHECK_BALANCE("no documents", &b, 0, 0, 0);

    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        memset(&b, 0x5a, sizeof(b));
        ledger_balance(worked, steps[i].docs, "", &b);
        CHECK_BALANCE(steps[i].what, &b, steps[i].uninvoiced, steps[i].receivable,
                      steps[i].unapplied);
    }
    CU_ASSERT_EQUAL(steps[ARRAY_SIZE(steps) - 1].docs, ARRAY_SIZE(worked));
}

/* With every document present, as_of each step's date gives that step's
 * figures: documents dated after as_of do not count, those on it do. */
static void test_ledger__worked_balance_as_of_each_date(void)
{
    struct ledger_balance b;

    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        memset(&b, 0x5a, sizeof(b));
        ledger_balance(worked, ARRAY_SIZE(worked), steps[i].date, &b);
        CHECK_BALANCE(steps[i].date, &b, steps[i].uninvoiced, steps[i].receivable,
                      steps[i].unapplied);
    }
    /* "" is everything */
    ledger_balance(worked, ARRAY_SIZE(worked), "", &b);
    CHECK_BALANCE("as of \"\"", &b, 0, M(300, 0), M(150, 0));
}

/* Every day from before the first document to after the last: between two
 * document dates the figures are those of the earlier one. */
static void test_ledger__worked_balance_as_of_every_day(void)
{
    struct ledger_balance b;
    char date[32];

    ledger_balance(worked, ARRAY_SIZE(worked), "2025-12-31", &b);
    CHECK_BALANCE("2025-12-31", &b, 0, 0, 0);
    for (int day = 1; day <= 31; day++) {
        const struct step *s = NULL;

        snprintf(date, sizeof(date), "2026-01-%02d", day);
        for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
            if (strcmp(steps[i].date, date) <= 0)
                s = &steps[i];
        ledger_balance(worked, ARRAY_SIZE(worked), date, &b);
        if (s)
            CHECK_BALANCE(date, &b, s->uninvoiced, s->receivable, s->unapplied);
        else
            CHECK_BALANCE(date, &b, 0, 0, 0);
    }
    ledger_balance(worked, ARRAY_SIZE(worked), "2026-02-01", &b);
    CHECK_BALANCE("2026-02-01", &b, 0, M(300, 0), M(150, 0));
    ledger_balance(worked, ARRAY_SIZE(worked), "9999-12-31", &b);
    CHECK_BALANCE("9999-12-31", &b, 0, M(300, 0), M(150, 0));
}

/* The order of the documents in the array does not matter. */
static void test_ledger__balance_ignores_array_order(void)
{
    struct ledger_doc shuffled[ARRAY_SIZE(worked)];
    static const size_t order[ARRAY_SIZE(worked)] = {6, 2, 4, 0, 5, 3, 1};
    struct ledger_balance b;

    for (size_t i = 0; i < ARRAY_SIZE(worked); i++)
        shuffled[i] = worked[order[i]];
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        ledger_balance(shuffled, ARRAY_SIZE(shuffled), steps[i].date, &b);
        CHECK_BALANCE(steps[i].date, &b, steps[i].uninvoiced, steps[i].receivable,
                      steps[i].unapplied);
    }
    ledger_balance(shuffled, ARRAY_SIZE(shuffled), "", &b);
    CHECK_BALANCE("as of \"\"", &b, 0, M(300, 0), M(150, 0));
}

/* ------------------------------------------------------------ statements */

/* One period covering everything: invoices, receipts and return credits are
 * lines; shipments and applications are not. */
static void test_ledger__worked_statement_one_period(void)
{
    static const struct want_line want[] = {
        {"2026-01-15", "INVOICE", "INV-001", M(1000, 0), 0, M(1000, 0)},
        {"2026-01-20", "PAYMENT", "PAY-001", 0, M(700, 0), M(300, 0)},
        {"2026-01-25", "PAYMENT", "PAY-002", 0, M(50, 0), M(250, 0)},
        {"2026-01-30", "REFUND", "RET-001", 0, M(100, 0), M(150, 0)},
    };

    CHECK_STATEMENT(worked, ARRAY_SIZE(worked), "2026-01-01", "2026-01-31", 0, want, M(150, 0));
    /* the bounds are inclusive: the first and last document dates exactly */
    CHECK_STATEMENT(worked, ARRAY_SIZE(worked), "2026-01-05", "2026-01-30", 0, want, M(150, 0));
    CHECK_STATEMENT(worked, ARRAY_SIZE(worked), "2026-01-15", "2026-01-30", 0, want, M(150, 0));
}

/* The example split: the first period's closing is the second's
 * opening. */
static void test_ledger__worked_statement_adjacent_periods(void)
{
    static const struct want_line first[] = {
        {"2026-01-15", "INVOICE", "INV-001", M(1000, 0), 0, M(1000, 0)},
    };
    static const struct want_line second[] = {
        {"2026-01-20", "PAYMENT", "PAY-001", 0, M(700, 0), M(300, 0)},
        {"2026-01-25", "PAYMENT", "PAY-002", 0, M(50, 0), M(250, 0)},
        {"2026-01-30", "REFUND", "RET-001", 0, M(100, 0), M(150, 0)},
    };

    CHECK_STATEMENT(worked, ARRAY_SIZE(worked), "2026-01-01", "2026-01-19", 0, first, M(1000, 0));
    CHECK_STATEMENT(worked, ARRAY_SIZE(worked), "2026-01-20", "2026-01-31", M(1000, 0), second,
                    M(150, 0));
}

/* Split January after every day: the two halves always join up and together
 * hold the four lines; and each closing is receivable - unapplied as of its
 * `to` (the statement and the balance tell the same story). */
static void test_ledger__statement_periods_join_on_every_day(void)
{
    for (int day = 1; day <= 30; day++) {
        char a_to[32], b_from[32];
        money_t a_open = SENTINEL, a_close = SENTINEL, b_open = SENTINEL, b_close = SENTINEL;
        size_t a_n = 999, b_n = 999;
        struct ledger_balance bal;
        struct fmt2 f;

        snprintf(a_to, sizeof(a_to), "2026-01-%02d", day);
        snprintf(b_from, sizeof(b_from), "2026-01-%02d", day + 1);
        statement_totals(worked, ARRAY_SIZE(worked), "2026-01-01", a_to, &a_open, &a_n, &a_close);
        statement_totals(worked, ARRAY_SIZE(worked), b_from, "2026-01-31", &b_open, &b_n, &b_close);
        CHECK(a_open == 0, "split after %s: first opening %s", a_to,
              money_format(f.a, sizeof(f.a), a_open));
        CHECK(a_close == b_open, "split after %s: first closing %s, second opening %s", a_to,
              money_format(f.a, sizeof(f.a), a_close), money_format(f.b, sizeof(f.b), b_open));
        CHECK(b_close == M(150, 0), "split after %s: second closing %s", a_to,
              money_format(f.a, sizeof(f.a), b_close));
        CHECK(a_n + b_n == 4, "split after %s: %zu + %zu lines, want 4 in all", a_to, a_n, b_n);

        ledger_balance(worked, ARRAY_SIZE(worked), a_to, &bal);
        CHECK(a_close == bal.receivable - bal.unapplied,
              "as of %s: closing %s, receivable - unapplied %s", a_to,
              money_format(f.a, sizeof(f.a), a_close),
              money_format(f.b, sizeof(f.b), bal.receivable - bal.unapplied));
    }
}

/* A period without documents: nothing listed, opening = closing = whatever
 * was owed before it. */
static void test_ledger__statement_period_without_documents(void)
{
    /* before anything happened */
    CHECK_STATEMENT_EMPTY(worked, ARRAY_SIZE(worked), "2025-12-01", "2025-12-31", 0, 0);
    /* shipments only: not on the statement */
    CHECK_STATEMENT_EMPTY(worked, ARRAY_SIZE(worked), "2026-01-01", "2026-01-14", 0, 0);
    /* between the invoice and the payment */
    CHECK_STATEMENT_EMPTY(worked, ARRAY_SIZE(worked), "2026-01-16", "2026-01-19", M(1000, 0),
                          M(1000, 0));
    /* a single day without documents */
    CHECK_STATEMENT_EMPTY(worked, ARRAY_SIZE(worked), "2026-01-21", "2026-01-21", M(300, 0),
                          M(300, 0));
    /* after everything */
    CHECK_STATEMENT_EMPTY(worked, ARRAY_SIZE(worked), "2026-02-01", "2026-02-28", M(150, 0),
                          M(150, 0));
    /* no documents at all */
    CHECK_STATEMENT_EMPTY(worked, 0, "2026-01-01", "2026-01-31", 0, 0);
}

/* Documents of one date come out by document number, whatever their order in
 * the array; dates still come first, and the running balance follows the
 * printed order. */
static void test_ledger__statement_same_date_by_document_number(void)
{
    static const struct ledger_doc docs[] = {
        {LEDGER_RETURN_CREDIT, "2026-03-02", "D-0004", M(10, 0)},
        {LEDGER_RECEIPT, "2026-03-02", "D-0002", M(30, 0)},
        {LEDGER_INVOICE, "2026-03-02", "D-0003", M(5, 0)},
        {LEDGER_INVOICE, "2026-03-02", "D-0001", M(200, 0)},
        {LEDGER_SHIPMENT, "2026-03-02", "D-0000", M(200, 0)},
        {LEDGER_APPLICATION, "2026-03-02", "D-0002", M(30, 0)},
        {LEDGER_INVOICE, "2026-03-03", "A-0001", M(1, 0)},
        {LEDGER_INVOICE, "2026-03-01", "Z-0009", M(100, 0)},
    };
    static const struct want_line want[] = {
        {"2026-03-01", "INVOICE", "Z-0009", M(100, 0), 0, M(100, 0)},
        {"2026-03-02", "INVOICE", "D-0001", M(200, 0), 0, M(300, 0)},
        {"2026-03-02", "PAYMENT", "D-0002", 0, M(30, 0), M(270, 0)},
        {"2026-03-02", "INVOICE", "D-0003", M(5, 0), 0, M(275, 0)},
        {"2026-03-02", "REFUND", "D-0004", 0, M(10, 0), M(265, 0)},
        {"2026-03-03", "INVOICE", "A-0001", M(1, 0), 0, M(266, 0)},
    };
    static const struct want_line only_second[] = {
        {"2026-03-02", "INVOICE", "D-0001", M(200, 0), 0, M(300, 0)},
        {"2026-03-02", "PAYMENT", "D-0002", 0, M(30, 0), M(270, 0)},
        {"2026-03-02", "INVOICE", "D-0003", M(5, 0), 0, M(275, 0)},
        {"2026-03-02", "REFUND", "D-0004", 0, M(10, 0), M(265, 0)},
    };

    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-03-01", "2026-03-31", 0, want, M(266, 0));
    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-03-02", "2026-03-02", M(100, 0), only_second,
                    M(265, 0));
}

/* A REFUND payment (money paid back to the buyer) is a PAYMENT debit on the
 * statement and lowers the unapplied money. */
static void test_ledger__refund_paid_is_a_debit(void)
{
    struct ledger_doc docs[ARRAY_SIZE(worked) + 2];
    static const struct want_line want[] = {
        {"2026-01-15", "INVOICE", "INV-001", M(1000, 0), 0, M(1000, 0)},
        {"2026-01-20", "PAYMENT", "PAY-001", 0, M(700, 0), M(300, 0)},
        {"2026-01-25", "PAYMENT", "PAY-002", 0, M(50, 0), M(250, 0)},
        {"2026-01-30", "REFUND", "RET-001", 0, M(100, 0), M(150, 0)},
        {"2026-02-05", "PAYMENT", "RFP-001", M(100, 0), 0, M(250, 0)},
        {"2026-02-10", "PAYMENT", "RFP-002", M(50, 0), 0, M(300, 0)},
    };
    static const struct want_line february[] = {
        {"2026-02-05", "PAYMENT", "RFP-001", M(100, 0), 0, M(250, 0)},
        {"2026-02-10", "PAYMENT", "RFP-002", M(50, 0), 0, M(300, 0)},
    };
    struct ledger_balance b;

    memcpy(docs, worked, sizeof(worked));
    docs[ARRAY_SIZE(worked)] =
        (struct ledger_doc){LEDGER_REFUND_PAID, "2026-02-05", "RFP-001", M(100, 0)};
    docs[ARRAY_SIZE(worked) + 1] =
        (struct ledger_doc){LEDGER_REFUND_PAID, "2026-02-10", "RFP-002", M(50, 0)};

    ledger_balance(docs, ARRAY_SIZE(docs), "2026-01-31", &b);
    CHECK_BALANCE("before paying back", &b, 0, M(300, 0), M(150, 0));
    ledger_balance(docs, ARRAY_SIZE(docs), "2026-02-05", &b);
    CHECK_BALANCE("100.00 paid back", &b, 0, M(300, 0), M(50, 0));
    ledger_balance(docs, ARRAY_SIZE(docs), "2026-02-10", &b);
    CHECK_BALANCE("150.00 paid back", &b, 0, M(300, 0), 0);
    ledger_balance(docs, ARRAY_SIZE(docs), "", &b);
    CHECK_BALANCE("as of \"\"", &b, 0, M(300, 0), 0);

    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-01-01", "2026-02-28", 0, want, M(300, 0));
    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-02-01", "2026-02-28", M(150, 0), february,
                    M(300, 0));
    /* the buyer owes exactly its open receivable once nothing is unapplied */
    CU_ASSERT_EQUAL(b.receivable - b.unapplied, M(300, 0));
}

/* Four-decimal amounts are summed exactly: rounding each amount, or the sums,
 * to cents would change every figure below. */
static void test_ledger__four_decimal_amounts_not_rounded(void)
{
    static const struct ledger_doc docs[] = {
        {LEDGER_SHIPMENT, "2026-04-01", "S-1", M(10, 49)},
        {LEDGER_SHIPMENT, "2026-04-01", "S-2", M(10, 49)},
        {LEDGER_INVOICE, "2026-04-02", "I-1", M(12, 3456)},
        {LEDGER_RECEIPT, "2026-04-03", "P-1", M(5, 5555)},
        {LEDGER_APPLICATION, "2026-04-03", "P-1", M(5, 5555)},
        {LEDGER_RECEIPT, "2026-04-04", "P-2", M(0, 1)},
        {LEDGER_RETURN_CREDIT, "2026-04-05", "R-1", M(0, 49)},
        {LEDGER_REFUND_PAID, "2026-04-06", "P-3", M(0, 3)},
    };
    static const struct step rows[] = {
        {"two shipments of 10.0049", 0, "2026-04-01", M(20, 98), 0, 0},
        {"invoice 12.3456", 0, "2026-04-02", M(7, 6642), M(12, 3456), 0},
        {"5.5555 paid and applied", 0, "2026-04-03", M(7, 6642), M(6, 7901), 0},
        {"0.0001 unapplied", 0, "2026-04-04", M(7, 6642), M(6, 7901), M(0, 1)},
        {"0.0049 return credit", 0, "2026-04-05", M(7, 6642), M(6, 7901), M(0, 50)},
        {"0.0003 paid back", 0, "2026-04-06", M(7, 6642), M(6, 7901), M(0, 47)},
    };
    static const struct want_line want[] = {
        {"2026-04-02", "INVOICE", "I-1", M(12, 3456), 0, M(12, 3456)},
        {"2026-04-03", "PAYMENT", "P-1", 0, M(5, 5555), M(6, 7901)},
        {"2026-04-04", "PAYMENT", "P-2", 0, M(0, 1), M(6, 7900)},
        {"2026-04-05", "REFUND", "R-1", 0, M(0, 49), M(6, 7851)},
        {"2026-04-06", "PAYMENT", "P-3", M(0, 3), 0, M(6, 7854)},
    };
    static const struct want_line last_two[] = {
        {"2026-04-05", "REFUND", "R-1", 0, M(0, 49), M(6, 7851)},
        {"2026-04-06", "PAYMENT", "P-3", M(0, 3), 0, M(6, 7854)},
    };
    struct ledger_balance b;

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        ledger_balance(docs, ARRAY_SIZE(docs), rows[i].date, &b);
        CHECK_BALANCE(rows[i].what, &b, rows[i].uninvoiced, rows[i].receivable, rows[i].unapplied);
    }
    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-04-01", "2026-04-30", 0, want, M(6, 7854));
    CHECK_STATEMENT(docs, ARRAY_SIZE(docs), "2026-04-05", "2026-04-30", M(6, 7900), last_two,
                    M(6, 7854));
    /* statement and balance agree to the ten-thousandth */
    CU_ASSERT_EQUAL(b.receivable - b.unapplied, M(6, 7854));
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_ledger__worked_balance_step_by_step", test_ledger__worked_balance_step_by_step},
        {"test_ledger__worked_balance_as_of_each_date",
         test_ledger__worked_balance_as_of_each_date},
        {"test_ledger__worked_balance_as_of_every_day",
         test_ledger__worked_balance_as_of_every_day},
        {"test_ledger__balance_ignores_array_order", test_ledger__balance_ignores_array_order},
        {"test_ledger__worked_statement_one_period", test_ledger__worked_statement_one_period},
        {"test_ledger__worked_statement_adjacent_periods",
         test_ledger__worked_statement_adjacent_periods},
        {"test_ledger__statement_periods_join_on_every_day",
         test_ledger__statement_periods_join_on_every_day},
        {"test_ledger__statement_period_without_documents",
         test_ledger__statement_period_without_documents},
        {"test_ledger__statement_same_date_by_document_number",
         test_ledger__statement_same_date_by_document_number},
        {"test_ledger__refund_paid_is_a_debit", test_ledger__refund_paid_is_a_debit},
        {"test_ledger__four_decimal_amounts_not_rounded",
         test_ledger__four_decimal_amounts_not_rounded},
    };

    return cunit_run("ledger", NULL, NULL, tests, ARRAY_SIZE(tests));
}
