/*
 * test_money.c - unit tests of src/core/money.c: parsing and printing of
 * money and quantities, line amounts, rounding and the price-authority band.
 * Runs as its own binary; exits non-zero when any assertion failed.
 */
#include "core/money.h"

#include "base/err.h"

#include <CUnit/Basic.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MSG_SYNTAX_MONEY "not a decimal with at most 4 fraction digits"
#define MSG_SYNTAX_QTY "not a decimal with at most 3 fraction digits"
#define MSG_RANGE_MONEY "out of range: at most 99999999999999.9999 in absolute value"
#define MSG_RANGE_QTY "out of range: at most 999999999.999 in absolute value"

/* A value no parser produces from the inputs below: proves *out untouched. */
#define SENTINEL INT64_C(-7777777)

static void check(bool ok, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A CUnit assertion whose failure message names the table row (CUnit copies
 * the message). */
static void check(bool ok, unsigned line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define CHECK(ok, ...) check((ok), __LINE__, __VA_ARGS__)

static const char *str_or_null(const char *s)
{
    return s ? s : "(null)";
}

struct parse_ok {
    const char *in;
    int64_t want;
};

struct parse_bad {
    const char *in;
    const char *msg; /* the exact error message */
};

static void test_money__parse_accepts(void)
{
    static const struct parse_ok rows[] = {
        {"0", 0},
        {"19.99", 199900},
        {"-0.5", -5000},
        {" 12.3400 ", 123400},
        {"1.", 10000},
        {".5", 5000},
        {"99999999999999.9999", MONEY_MAX},
        {"-99999999999999.9999", -MONEY_MAX},
        {"+7", 70000},
        {"007.25", 72500},
        {"1.50000", 15000},
        {"1.2345000", 12345},
        {"-0", 0},
        {"0.0001", 1},
        {"-.0001", -1},
        {"+.5", 5000},
        {"\t\r\n1\n", 10000},
        {"00000000000000000000000000000001", 10000},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t got = SENTINEL;
        int rc = money_parse(&got, rows[i].in, "amount");

        CHECK(rc == 0, "money_parse(\"%s\") returned %d", rows[i].in, rc);
        CHECK(got == rows[i].want, "money_parse(\"%s\") = %" PRId64 ", want %" PRId64, rows[i].in,
              got, rows[i].want);
    }
}

static void test_money__parse_refuses(void)
{
    static const struct parse_bad rows[] = {
        {"", MSG_SYNTAX_MONEY},
        {"abc", MSG_SYNTAX_MONEY},
        {"1e5", MSG_SYNTAX_MONEY},
        {"1.23456", MSG_SYNTAX_MONEY},
        {"1.23450001", MSG_SYNTAX_MONEY},
        {"12,50", MSG_SYNTAX_MONEY},
        {"--1", MSG_SYNTAX_MONEY},
        {"+-1", MSG_SYNTAX_MONEY},
        {"- 1", MSG_SYNTAX_MONEY},
        {"1.2.3", MSG_SYNTAX_MONEY},
        {"NaN", MSG_SYNTAX_MONEY},
        {"Infinity", MSG_SYNTAX_MONEY},
        {"0x10", MSG_SYNTAX_MONEY},
        {" ", MSG_SYNTAX_MONEY},
        {"1 2", MSG_SYNTAX_MONEY},
        {"1 .5", MSG_SYNTAX_MONEY},
        {".", MSG_SYNTAX_MONEY},
        {"-", MSG_SYNTAX_MONEY},
        {"+", MSG_SYNTAX_MONEY},
        {"-.", MSG_SYNTAX_MONEY},
        {"1\v", MSG_SYNTAX_MONEY},       /* vertical tab is not XML whitespace */
        {"\302\2401", MSG_SYNTAX_MONEY}, /* nor is U+00A0, a no-break space */
        {"100000000000000", MSG_RANGE_MONEY},
        {"-100000000000000", MSG_RANGE_MONEY},
        {"100000000000000.0", MSG_RANGE_MONEY},
        {"99999999999999999999999999999999", MSG_RANGE_MONEY},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t got = SENTINEL;
        int rc;

        eos_err_clear();
        rc = money_parse(&got, rows[i].in, "amount");
        CHECK(rc == EOS_EINVALID, "money_parse(\"%s\") returned %d, want EOS_EINVALID", rows[i].in,
              rc);
        CHECK(got == SENTINEL, "money_parse(\"%s\") wrote %" PRId64 " on failure", rows[i].in, got);
        CHECK(eos_err_code() == EOS_EINVALID, "money_parse(\"%s\"): last error %d", rows[i].in,
              eos_err_code());
        CHECK(strcmp(str_or_null(eos_err_field()), "amount") == 0,
              "money_parse(\"%s\"): field \"%s\"", rows[i].in, str_or_null(eos_err_field()));
        CHECK(strcmp(eos_err_message(), rows[i].msg) == 0,
              "money_parse(\"%s\"): message \"%s\", want \"%s\"", rows[i].in, eos_err_message(),
              rows[i].msg);
    }
}

static void test_money__parse_refuses_null(void)
{
    money_t got = SENTINEL;

    eos_err_clear();
    CU_ASSERT_EQUAL(money_parse(&got, NULL, "line[2].unitPrice"), EOS_EINVALID);
    CU_ASSERT_EQUAL(got, SENTINEL);
    CU_ASSERT_STRING_EQUAL(str_or_null(eos_err_field()), "line[2].unitPrice");
    CU_ASSERT_STRING_EQUAL(eos_err_message(), MSG_SYNTAX_MONEY);
}

static void test_money__qty_parse_accepts(void)
{
    static const struct parse_ok rows[] = {
        {"3", 3000},    {"0.333", 333}, {"1.5", 1500}, {"1.5000", 1500},           {" 2 ", 2000},
        {"-0.001", -1}, {".25", 250},   {"7.", 7000},  {"999999999.999", QTY_MAX},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        qty_t got = SENTINEL;
        int rc = qty_parse(&got, rows[i].in, "quantity");

        CHECK(rc == 0, "qty_parse(\"%s\") returned %d", rows[i].in, rc);
        CHECK(got == rows[i].want, "qty_parse(\"%s\") = %" PRId64 ", want %" PRId64, rows[i].in,
              got, rows[i].want);
    }
}

static void test_money__qty_parse_refuses(void)
{
    static const struct parse_bad rows[] = {
        {"", MSG_SYNTAX_QTY},          {"0.3333", MSG_SYNTAX_QTY},     {"1.0001", MSG_SYNTAX_QTY},
        {"1e3", MSG_SYNTAX_QTY},       {".", MSG_SYNTAX_QTY},          {"3 pcs", MSG_SYNTAX_QTY},
        {"1000000000", MSG_RANGE_QTY}, {"-1000000000", MSG_RANGE_QTY},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        qty_t got = SENTINEL;
        int rc;

        eos_err_clear();
        rc = qty_parse(&got, rows[i].in, "quantity");
        CHECK(rc == EOS_EINVALID, "qty_parse(\"%s\") returned %d", rows[i].in, rc);
        CHECK(got == SENTINEL, "qty_parse(\"%s\") wrote %" PRId64 " on failure", rows[i].in, got);
        CHECK(strcmp(str_or_null(eos_err_field()), "quantity") == 0,
              "qty_parse(\"%s\"): field \"%s\"", rows[i].in, str_or_null(eos_err_field()));
        CHECK(strcmp(eos_err_message(), rows[i].msg) == 0,
              "qty_parse(\"%s\"): message \"%s\", want \"%s\"", rows[i].in, eos_err_message(),
              rows[i].msg);
    }
}

struct format_row {
    int64_t in;
    const char *want;
};

static void test_money__format(void)
{
    static const struct format_row rows[] = {
        {15000, "1.50"},
        {199900, "19.99"},
        {3333, "0.3333"},
        {-20000, "-2.00"},
        {0, "0.00"},
        {1250, "0.125"},
        {-50, "-0.005"},
        {100, "0.01"},
        {1, "0.0001"},
        {-1, "-0.0001"},
        {12345678000, "1234567.80"},
        {MONEY_MAX, "99999999999999.9999"},
        {INT64_MAX, "922337203685477.5807"},
        {INT64_MIN, "-922337203685477.5808"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        char buf[MONEY_STR_MAX];
        char *ret = money_format(buf, sizeof(buf), rows[i].in);

        CHECK(ret == buf, "money_format(%" PRId64 ") did not return buf", rows[i].in);
        CHECK(strcmp(buf, rows[i].want) == 0, "money_format(%" PRId64 ") = \"%s\", want \"%s\"",
              rows[i].in, buf, rows[i].want);
    }
}

static void test_money__format_truncates_to_buffer(void)
{
    char buf[5];

    memset(buf, 'x', sizeof(buf));
    CU_ASSERT_PTR_EQUAL(money_format(buf, sizeof(buf), 199900), buf);
    CU_ASSERT_STRING_EQUAL(buf, "19.9");
    CU_ASSERT_PTR_EQUAL(qty_format(buf, sizeof(buf), 1234567), buf);
    CU_ASSERT_STRING_EQUAL(buf, "1234");
}

static void test_money__format_parses_back(void)
{
    static const money_t values[] = {0, 1, -1, 15000, 3333, -20000, 1250, MONEY_MAX, -MONEY_MAX};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(values); i++) {
        char buf[MONEY_STR_MAX];
        money_t back = SENTINEL;

        money_format(buf, sizeof(buf), values[i]);
        CHECK(money_parse(&back, buf, "amount") == 0 && back == values[i],
              "%" PRId64 " -> \"%s\" -> %" PRId64, values[i], buf, back);
    }
}

static void test_money__qty_format(void)
{
    static const struct format_row rows[] = {
        {3000, "3"},
        {333, "0.333"},
        {1500, "1.5"},
        {0, "0"},
        {-250, "-0.25"},
        {1, "0.001"},
        {10, "0.01"},
        {1000000, "1000"},
        {-7000, "-7"},
        {QTY_MAX, "999999999.999"},
        {INT64_MIN, "-9223372036854775.808"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        char buf[QTY_STR_MAX];
        char *ret = qty_format(buf, sizeof(buf), rows[i].in);

        CHECK(ret == buf, "qty_format(%" PRId64 ") did not return buf", rows[i].in);
        CHECK(strcmp(buf, rows[i].want) == 0, "qty_format(%" PRId64 ") = \"%s\", want \"%s\"",
              rows[i].in, buf, rows[i].want);
    }
}

struct line_row {
    qty_t qty;
    money_t price;
    money_t want;
};

static void test_money__line_amount(void)
{
    static const struct line_row rows[] = {
        {3000, 199900, 599700},           /* 3 x 19.99 = 59.97 */
        {333, 33333, 11100},              /* 0.333 x 3.3333 = 1.1099889 -> 1.11 */
        {1000, 50, 100},                  /* 1 x 0.005 -> 0.01, half away from zero */
        {-1000, 50, -100},                /* -1 x 0.005 -> -0.01 */
        {1000, -50, -100},                /* 1 x -0.005 -> -0.01 */
        {2500, 100, 300},                 /* 2.5 x 0.01 = 0.025 -> 0.03 */
        {2500, -100, -300},               /* 2.5 x -0.01 = -0.025 -> -0.03 */
        {1000000, 12345678, 12345678000}, /* 1000 x 1234.5678 = 1234567.80 */
        {1000, 49, 0},                    /* 0.0049 -> 0.00 */
        {-1000, 49, 0},                   /* -0.0049 -> 0.00, not -0.01 */
        {0, 199900, 0},
        {1500, 3333, 5000}, /* 1.5 x 0.3333 = 0.49995 -> 0.50 */
        {1, 10000, 0},      /* 0.001 x 1 = 0.001 -> 0.00 */
        {5, 10000, 100},    /* 0.005 x 1 -> 0.01 */
        {1000, 999999999999999900, 999999999999999900},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t got = money_line_amount(rows[i].qty, rows[i].price);
        money_t checked = SENTINEL;
        int rc = money_line_amount_checked(&checked, rows[i].qty, rows[i].price, "lineAmount");

        CHECK(got == rows[i].want,
              "money_line_amount(%" PRId64 ", %" PRId64 ") = %" PRId64 ", want %" PRId64,
              rows[i].qty, rows[i].price, got, rows[i].want);
        CHECK(rc == 0 && checked == rows[i].want,
              "money_line_amount_checked(%" PRId64 ", %" PRId64 ") = %d, %" PRId64, rows[i].qty,
              rows[i].price, rc, checked);
    }
}

static void test_money__line_amount_out_of_range(void)
{
    static const struct line_row rows[] = {
        /* qty, price, what money_line_amount() clamps to */
        {QTY_MAX, MONEY_MAX, 999999999999999900},
        {-QTY_MAX, MONEY_MAX, -999999999999999900},
        {INT64_MIN, INT64_MIN, 999999999999999900},
        {1000, MONEY_MAX, 999999999999999900}, /* rounds up to 10^14, one cent too far */
        {2000, 500000000000000000, 999999999999999900},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t checked = SENTINEL;
        money_t got;
        int rc;

        eos_err_clear();
        rc = money_line_amount_checked(&checked, rows[i].qty, rows[i].price, "line[1]");
        CHECK(rc == EOS_EINVALID && checked == SENTINEL,
              "money_line_amount_checked(%" PRId64 ", %" PRId64 ") = %d, %" PRId64, rows[i].qty,
              rows[i].price, rc, checked);
        CHECK(strcmp(str_or_null(eos_err_field()), "line[1]") == 0, "field \"%s\"",
              str_or_null(eos_err_field()));
        CHECK(strcmp(eos_err_message(),
                     "line amount out of range: at most 99999999999999.9999 in absolute value") ==
                  0,
              "message \"%s\"", eos_err_message());
        got = money_line_amount(rows[i].qty, rows[i].price);
        CHECK(got == rows[i].want,
              "money_line_amount(%" PRId64 ", %" PRId64 ") = %" PRId64 ", want %" PRId64,
              rows[i].qty, rows[i].price, got, rows[i].want);
    }
}

static void test_money__round2(void)
{
    static const struct {
        money_t in;
        money_t want;
    } rows[] = {
        {50, 100},      /* 0.0050 -> 0.01 */
        {49, 0},        /* 0.0049 -> 0.00 */
        {-50, -100},    /* -0.0050 -> -0.01 */
        {-49, 0},       /* -0.0049 -> 0.00 */
        {150, 200},     /* 0.0150 -> 0.02 */
        {149, 100},     /* 0.0149 -> 0.01 */
        {-150, -200},   /* -0.0150 -> -0.02 */
        {-149, -100},   /* -0.0149 -> -0.01 */
        {12345, 12300}, /* 1.2345 -> 1.23 */
        {12350, 12400}, /* 1.2350 -> 1.24 */
        {-12350, -12400},
        {-12349, -12300},
        {199950, 200000}, /* 19.995 -> 20.00 */
        {-199950, -200000},
        {0, 0},
        {199900, 199900},
        {INT64_MAX, INT64_C(9223372036854775800)},
        {INT64_MIN, INT64_C(-9223372036854775800)},
        {INT64_C(9223372036854775750), INT64_C(9223372036854775800)},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        money_t got = money_round2(rows[i].in);

        CHECK(got == rows[i].want, "money_round2(%" PRId64 ") = %" PRId64 ", want %" PRId64,
              rows[i].in, got, rows[i].want);
    }
}

static void test_money__within_percent(void)
{
    static const struct {
        money_t price;
        money_t reference;
        int32_t percent_x100;
        bool want;
    } rows[] = {
        {1100000, 1000000, 1000, true},  /* 110.00 vs 100.00 at 10%: exactly the boundary */
        {900000, 1000000, 1000, true},   /* 90.00: the lower boundary */
        {1099900, 1000000, 1000, true},  /* 109.99: one cent inside */
        {900100, 1000000, 1000, true},   /* 90.01: one cent inside */
        {1100100, 1000000, 1000, false}, /* 110.01: one cent outside */
        {899900, 1000000, 1000, false},  /* 89.99: one cent outside */
        {1100001, 1000000, 1000, false}, /* 110.0001: outside by the smallest unit */
        {1000000, 1000000, 0, true},     /* 0%: only the reference itself */
        {1000001, 1000000, 0, false},
        {204897, 199900, 250, true},      /* 19.99 at 2.5%: band 0.49975, 0.4997 is in */
        {204898, 199900, 250, false},     /* 0.4998 is out: the band is not rounded */
        {194903, 199900, 250, true},      /* 19.4903: 0.4997 below */
        {194902, 199900, 250, false},     /* 19.4902: 0.4998 below */
        {-1100000, -1000000, 1000, true}, /* a negative reference: the band is |reference| */
        {-1100100, -1000000, 1000, false},
        {1000000, 1000000, -1, false}, /* a negative percentage allows nothing */
        {0, 0, 1000, true},
        {1, 0, 1000, false},
        {INT64_MAX, INT64_MIN, INT32_MAX, true}, /* extremes do not overflow */
        {INT64_MAX, INT64_MIN, 10000, false},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        bool got = money_within_percent(rows[i].price, rows[i].reference, rows[i].percent_x100);

        CHECK(got == rows[i].want,
              "money_within_percent(%" PRId64 ", %" PRId64 ", %" PRId32 ") = %d, want %d",
              rows[i].price, rows[i].reference, rows[i].percent_x100, got, rows[i].want);
    }
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
        {"test_money__parse_accepts", test_money__parse_accepts},
        {"test_money__parse_refuses", test_money__parse_refuses},
        {"test_money__parse_refuses_null", test_money__parse_refuses_null},
        {"test_money__qty_parse_accepts", test_money__qty_parse_accepts},
        {"test_money__qty_parse_refuses", test_money__qty_parse_refuses},
        {"test_money__format", test_money__format},
        {"test_money__format_truncates_to_buffer", test_money__format_truncates_to_buffer},
        {"test_money__format_parses_back", test_money__format_parses_back},
        {"test_money__qty_format", test_money__qty_format},
        {"test_money__line_amount", test_money__line_amount},
        {"test_money__line_amount_out_of_range", test_money__line_amount_out_of_range},
        {"test_money__round2", test_money__round2},
        {"test_money__within_percent", test_money__within_percent},
    };
    int status = 1;
    CU_pSuite suite;
    size_t i;

    if (CU_initialize_registry() != CUE_SUCCESS)
        goto out_cleanup; /* CU_cleanup_registry() copes with no registry */
    suite = CU_add_suite("money", NULL, NULL);
    if (!suite)
        goto out_cleanup;
    for (i = 0; i < ARRAY_SIZE(tests); i++)
        if (!CU_add_test(suite, tests[i].name, tests[i].func))
            goto out_cleanup;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto out_cleanup;
    if (CU_get_number_of_failures() == 0 && CU_get_number_of_tests_failed() == 0)
        status = 0;

out_cleanup:
    CU_cleanup_registry();
    return status;
}
