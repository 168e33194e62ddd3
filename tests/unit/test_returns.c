/*
 * test_returns.c - unit tests of src/core/returns.c: status and action names
 * and their parsing, the transition table (every one of the 5x5 cells against
 * a grid written out here independently) and return_is_open().
 * Runs as its own binary; exits non-zero when any assertion failed.
 */
#include "core/returns.h"

#include "base/err.h"

#include "cunit_run.h"

#include <CUnit/Basic.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A value return_transition() never writes: proves *to untouched. */
#define STATUS_SENTINEL ((enum return_status)77)

/* "no transition" in the expected grid below */
#define REFUSED (-1)

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

static bool field_is(const char *want)
{
    const char *got = eos_err_field();

    return got != NULL && strcmp(got, want) == 0;
}

/* ------------------------------------------------------------ names */

static void test_returns__status_names_round_trip(void)
{
    static const char *const want[RETURN_STATUS_COUNT] = {
        "REQUESTED", "ACCEPTED", "REJECTED", "RECEIVED", "REFUNDED",
    };

    for (int s = 0; s < RETURN_STATUS_COUNT; s++) {
        const char *name = return_status_name((enum return_status)s);

        CHECK(strcmp(name, want[s]) == 0, "return_status_name(%d) = \"%s\", want \"%s\"", s, name,
              want[s]);
        CHECK(return_status_parse(want[s]) == s, "return_status_parse(\"%s\") = %d, want %d",
              want[s], return_status_parse(want[s]), s);
    }
    CU_ASSERT_STRING_EQUAL(return_status_name((enum return_status)RETURN_STATUS_COUNT), "?");
    CU_ASSERT_STRING_EQUAL(return_status_name((enum return_status) - 1), "?");
}

static void test_returns__action_names_round_trip(void)
{
    static const char *const want[RETURN_ACTION_COUNT] = {
        "ACCEPT", "REJECT", "UNREJECT", "RECEIVE", "REFUND",
    };

    for (int a = 0; a < RETURN_ACTION_COUNT; a++) {
        const char *name = return_action_name((enum return_action)a);

        CHECK(strcmp(name, want[a]) == 0, "return_action_name(%d) = \"%s\", want \"%s\"", a, name,
              want[a]);
        CHECK(return_action_parse(want[a]) == a, "return_action_parse(\"%s\") = %d, want %d",
              want[a], return_action_parse(want[a]), a);
    }
    CU_ASSERT_STRING_EQUAL(return_action_name((enum return_action)RETURN_ACTION_COUNT), "?");
    CU_ASSERT_STRING_EQUAL(return_action_name((enum return_action) - 1), "?");
}

static void test_returns__parse_refuses_unknown_names(void)
{
    static const char *const rows[] = {
        "",         "?",      "requested", "Accept",    "REFUNDED ", " REFUND",
        "RETURNED", "CANCEL", "SUBMITTED", "UN-REJECT", "REFUNDEDX", "RECEIV",
    };

    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        CHECK(return_status_parse(rows[i]) == -1, "return_status_parse(\"%s\") = %d", rows[i],
              return_status_parse(rows[i]));
        CHECK(return_action_parse(rows[i]) == -1, "return_action_parse(\"%s\") = %d", rows[i],
              return_action_parse(rows[i]));
    }
    CU_ASSERT_EQUAL(return_status_parse(NULL), -1);
    CU_ASSERT_EQUAL(return_action_parse(NULL), -1);
    /* A status is not an action and the other way round. */
    CU_ASSERT_EQUAL(return_status_parse("ACCEPT"), -1);
    CU_ASSERT_EQUAL(return_status_parse("REFUND"), -1);
    CU_ASSERT_EQUAL(return_action_parse("ACCEPTED"), -1);
    CU_ASSERT_EQUAL(return_action_parse("REFUNDED"), -1);
}

/* ------------------------------------------------------------ transitions */

/* What each cell should give, or REFUSED. Written out in full from
 * CONTRACT.md, independently of the table in returns.c. */
static const int expected[RETURN_STATUS_COUNT][RETURN_ACTION_COUNT] = {
    /* ACCEPT, REJECT, UNREJECT, RECEIVE, REFUND */
    [RETURN_REQUESTED] = {RETURN_ACCEPTED, RETURN_REJECTED, REFUSED, REFUSED, REFUSED},
    [RETURN_ACCEPTED] = {REFUSED, REFUSED, REFUSED, RETURN_RECEIVED, REFUSED},
    [RETURN_REJECTED] = {REFUSED, REFUSED, RETURN_REQUESTED, REFUSED, REFUSED},
    [RETURN_RECEIVED] = {REFUSED, REFUSED, REFUSED, REFUSED, RETURN_REFUNDED},
    [RETURN_REFUNDED] = {REFUSED, REFUSED, REFUSED, REFUSED, REFUSED},
};

static void test_returns__transition_table(void)
{
    int allowed = 0;
    int refused = 0;

    for (int s = 0; s < RETURN_STATUS_COUNT; s++) {
        for (int a = 0; a < RETURN_ACTION_COUNT; a++) {
            const char *sn = return_status_name((enum return_status)s);
            const char *an = return_action_name((enum return_action)a);
            int want = expected[s][a];
            enum return_status to = STATUS_SENTINEL;
            int rc;

            eos_err_clear();
            rc = return_transition((enum return_status)s, (enum return_action)a, &to);
            if (want == REFUSED) {
                char msg[128];

                refused++;
                snprintf(msg, sizeof(msg), "cannot %s a return that is %s", an, sn);
                CHECK(rc == EOS_ETRANSITION && to == STATUS_SENTINEL,
                      "%s + %s: rc %d, to %d, want EOS_ETRANSITION, untouched", sn, an, rc,
                      (int)to);
                CHECK(eos_err_code() == EOS_ETRANSITION, "%s + %s: eos_err_code() %d", sn, an,
                      eos_err_code());
                CHECK(field_is("action"), "%s + %s: field \"%s\", want \"action\"", sn, an,
                      str_or_null(eos_err_field()));
                CHECK(strcmp(eos_err_message(), msg) == 0, "%s + %s: message \"%s\", want \"%s\"",
                      sn, an, eos_err_message(), msg);
            } else {
                allowed++;
                CHECK(rc == 0 && (int)to == want, "%s + %s: rc %d, to %s, want %s", sn, an, rc,
                      return_status_name(to), return_status_name((enum return_status)want));
                CHECK(eos_err_code() == 0, "%s + %s: allowed but error %d set", sn, an,
                      eos_err_code());
            }
        }
    }
    /* The grid above has exactly five allowed cells out of 25. */
    CU_ASSERT_EQUAL(allowed, 5);
    CU_ASSERT_EQUAL(refused, 20);
}

/* The whole life of a return, and a reject / un-reject detour, one step at a
 * time from the status each step left. */
static void test_returns__transition_paths(void)
{
    static const struct {
        enum return_action action;
        enum return_status want;
    } path[] = {
        {RETURN_ACT_REJECT, RETURN_REJECTED}, {RETURN_ACT_UNREJECT, RETURN_REQUESTED},
        {RETURN_ACT_REJECT, RETURN_REJECTED}, {RETURN_ACT_UNREJECT, RETURN_REQUESTED},
        {RETURN_ACT_ACCEPT, RETURN_ACCEPTED}, {RETURN_ACT_RECEIVE, RETURN_RECEIVED},
        {RETURN_ACT_REFUND, RETURN_REFUNDED},
    };
    enum return_status s = RETURN_REQUESTED;

    for (size_t i = 0; i < ARRAY_SIZE(path); i++) {
        enum return_status to = STATUS_SENTINEL;
        int rc = return_transition(s, path[i].action, &to);

        CHECK(rc == 0 && to == path[i].want, "step %zu: %s + %s: rc %d, to %s, want %s", i,
              return_status_name(s), return_action_name(path[i].action), rc, return_status_name(to),
              return_status_name(path[i].want));
        s = to;
    }
    CU_ASSERT_EQUAL(s, RETURN_REFUNDED);
}

static void test_returns__transition_refusal_message(void)
{
    enum return_status to = STATUS_SENTINEL;

    eos_err_clear();
    CU_ASSERT_EQUAL(return_transition(RETURN_REFUNDED, RETURN_ACT_REFUND, &to), EOS_ETRANSITION);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_ETRANSITION);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "cannot REFUND a return that is REFUNDED");
    CU_ASSERT_STRING_EQUAL(str_or_null(eos_err_field()), "action");
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);

    /* receipt needs acceptance first: REQUESTED cannot be received */
    eos_err_clear();
    CU_ASSERT_EQUAL(return_transition(RETURN_REQUESTED, RETURN_ACT_RECEIVE, &to), EOS_ETRANSITION);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "cannot RECEIVE a return that is REQUESTED");
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);
}

static void test_returns__transition_out_of_range_is_internal(void)
{
    enum return_status to = STATUS_SENTINEL;

    eos_err_clear();
    CU_ASSERT_EQUAL(
        return_transition((enum return_status)RETURN_STATUS_COUNT, RETURN_ACT_ACCEPT, &to),
        EOS_EINTERNAL);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_EINTERNAL);
    CU_ASSERT_EQUAL(return_transition((enum return_status) - 1, RETURN_ACT_ACCEPT, &to),
                    EOS_EINTERNAL);
    CU_ASSERT_EQUAL(return_transition(RETURN_REQUESTED, (enum return_action) - 1, &to),
                    EOS_EINTERNAL);
    CU_ASSERT_EQUAL(
        return_transition(RETURN_REQUESTED, (enum return_action)RETURN_ACTION_COUNT, &to),
        EOS_EINTERNAL);
    CU_ASSERT_EQUAL(to, STATUS_SENTINEL);
}

/* ------------------------------------------------------------ predicates */

static void test_returns__is_open(void)
{
    static const struct {
        enum return_status s;
        bool open;
    } rows[] = {
        {RETURN_REQUESTED, true},          {RETURN_ACCEPTED, true},
        {RETURN_REJECTED, false},          {RETURN_RECEIVED, false},
        {RETURN_REFUNDED, false},          {(enum return_status)RETURN_STATUS_COUNT, false},
        {(enum return_status) - 1, false},
    };

    CU_ASSERT_EQUAL(ARRAY_SIZE(rows), RETURN_STATUS_COUNT + 2);
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        CHECK(return_is_open(rows[i].s) == rows[i].open, "return_is_open(%s (%d)) != %d",
              return_status_name(rows[i].s), (int)rows[i].s, rows[i].open);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_returns__status_names_round_trip", test_returns__status_names_round_trip},
        {"test_returns__action_names_round_trip", test_returns__action_names_round_trip},
        {"test_returns__parse_refuses_unknown_names", test_returns__parse_refuses_unknown_names},
        {"test_returns__transition_table", test_returns__transition_table},
        {"test_returns__transition_paths", test_returns__transition_paths},
        {"test_returns__transition_refusal_message", test_returns__transition_refusal_message},
        {"test_returns__transition_out_of_range_is_internal",
         test_returns__transition_out_of_range_is_internal},
        {"test_returns__is_open", test_returns__is_open},
    };

    return cunit_run("returns", NULL, NULL, tests, ARRAY_SIZE(tests));
}
