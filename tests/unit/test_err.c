/*
 * test_err.c - unit tests of src/base/err.c: the thread-local last error and
 * the table of error codes (fault names, retryable, client's fault).
 * Runs as its own binary; exits non-zero when any assertion failed.
 */
#include "base/err.h"

#include <CUnit/Basic.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void test_err__set_returns_code_and_records_it(void)
{
    eos_err_clear();
    CU_ASSERT_EQUAL(eos_err_set(EOS_EINVALID, "quantity", "must be > %d", 0), EOS_EINVALID);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_EINVALID);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "must be > 0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(eos_err_field());
    CU_ASSERT_STRING_EQUAL(eos_err_field(), "quantity");
}

static void test_err__null_field(void)
{
    eos_err_set(EOS_EINVALID, "quantity", "first");
    CU_ASSERT_EQUAL(eos_err_set(EOS_ENOTFOUND, NULL, "no such order"), EOS_ENOTFOUND);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_ENOTFOUND);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "no such order");
    CU_ASSERT_PTR_NULL(eos_err_field());
}

static void test_err__clear(void)
{
    eos_err_set(EOS_EINVALID, "quantity", "must be > 0");
    eos_err_clear();
    CU_ASSERT_EQUAL(eos_err_code(), EOS_OK);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "");
    CU_ASSERT_PTR_NULL(eos_err_field());
}

static void test_err__truncates_long_message_and_field(void)
{
    char longer[EOS_ERR_MSG_MAX + 100];

    memset(longer, 'm', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    eos_err_set(EOS_EINVALID, longer, "%s", longer);
    CU_ASSERT_EQUAL(strlen(eos_err_message()), EOS_ERR_MSG_MAX - 1);
    CU_ASSERT_EQUAL(strncmp(eos_err_message(), longer, EOS_ERR_MSG_MAX - 1), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eos_err_field());
    CU_ASSERT_EQUAL(strlen(eos_err_field()), EOS_ERR_FIELD_MAX - 1);
}

static void test_err__names(void)
{
    static const struct {
        int code;
        const char *name;
    } rows[] = {
        {EOS_OK, "OK"},
        {EOS_EAUTH_REQUIRED, "AUTH_REQUIRED"},
        {EOS_EAUTH_FAILED, "AUTH_FAILED"},
        {EOS_EFORBIDDEN, "FORBIDDEN"},
        {EOS_ENOTFOUND, "NOT_FOUND"},
        {EOS_EINVALID, "VALIDATION_FAILED"},
        {EOS_EUNKNOWN_PRODUCT, "UNKNOWN_PRODUCT"},
        {EOS_ENOT_AVAILABLE, "PRODUCT_NOT_AVAILABLE"},
        {EOS_EPRICE_MISMATCH, "PRICE_MISMATCH"},
        {EOS_ECREDIT, "CREDIT_LIMIT_EXCEEDED"},
        {EOS_ECONFLICT, "DUPLICATE_CONFLICT"},
        {EOS_ETRANSITION, "INVALID_TRANSITION"},
        {EOS_EVERSION, "VERSION_CONFLICT"},
        {EOS_EAUTHORITY, "PRICE_AUTHORITY_EXCEEDED"},
        {EOS_ENOT_RETURNABLE, "NOT_RETURNABLE"},
        {EOS_EQUANTITY, "QUANTITY_EXCEEDED"},
        {EOS_ELIMIT, "LIMIT_EXCEEDED"},
        {EOS_EMALFORMED, "MALFORMED_REQUEST"},
        {EOS_EUNAVAIL, "SERVICE_UNAVAILABLE"},
        {EOS_EINTERNAL, "INTERNAL"},
        {EOS_ERETRY, "SERVICE_UNAVAILABLE"},
        {EOS_EDUPKEY, "INTERNAL"},
        /* codes that do not exist are reported as INTERNAL */
        {1, "INTERNAL"},
        {-1000, "INTERNAL"},
        {INT_MIN, "INTERNAL"},
        {INT_MAX, "INTERNAL"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        const char *got = eos_err_name(rows[i].code);
        char msg[160];

        snprintf(msg, sizeof(msg), "eos_err_name(%d) = \"%s\", want \"%s\"", rows[i].code, got,
                 rows[i].name);
        CU_assertImplementation(strcmp(got, rows[i].name) == 0 ? CU_TRUE : CU_FALSE, __LINE__, msg,
                                __FILE__, "", CU_FALSE);
    }
}

static void test_err__retryable(void)
{
    CU_ASSERT_TRUE(eos_err_retryable(EOS_EUNAVAIL));
    CU_ASSERT_TRUE(eos_err_retryable(EOS_ERETRY));
    CU_ASSERT_FALSE(eos_err_retryable(EOS_OK));
    CU_ASSERT_FALSE(eos_err_retryable(EOS_EINVALID));
    CU_ASSERT_FALSE(eos_err_retryable(EOS_EVERSION));
    CU_ASSERT_FALSE(eos_err_retryable(EOS_EINTERNAL));
    CU_ASSERT_FALSE(eos_err_retryable(EOS_EDUPKEY));
    CU_ASSERT_FALSE(eos_err_retryable(-1000));
}

static void test_err__is_client(void)
{
    CU_ASSERT_TRUE(eos_err_is_client(EOS_EINVALID));
    CU_ASSERT_TRUE(eos_err_is_client(EOS_EAUTH_FAILED));
    CU_ASSERT_TRUE(eos_err_is_client(EOS_EMALFORMED));
    CU_ASSERT_FALSE(eos_err_is_client(EOS_EUNAVAIL));
    CU_ASSERT_FALSE(eos_err_is_client(EOS_EINTERNAL));
    CU_ASSERT_FALSE(eos_err_is_client(-1000));
}

/* What the second thread saw before and after setting its own error. */
struct thread_seen {
    int code_before;
    int code_after;
};

static void *other_thread(void *arg)
{
    struct thread_seen *seen = arg;

    seen->code_before = eos_err_code();
    eos_err_set(EOS_ECONFLICT, NULL, "other thread");
    seen->code_after = eos_err_code();
    return NULL;
}

static void test_err__is_thread_local(void)
{
    struct thread_seen seen = {1, 1};
    pthread_t thread;

    eos_err_set(EOS_EINVALID, "quantity", "main thread");
    CU_ASSERT_EQUAL_FATAL(pthread_create(&thread, NULL, other_thread, &seen), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_join(thread, NULL), 0);
    CU_ASSERT_EQUAL(seen.code_before, EOS_OK);
    CU_ASSERT_EQUAL(seen.code_after, EOS_ECONFLICT);
    CU_ASSERT_EQUAL(eos_err_code(), EOS_EINVALID);
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "main thread");
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
        {"test_err__set_returns_code_and_records_it", test_err__set_returns_code_and_records_it},
        {"test_err__null_field", test_err__null_field},
        {"test_err__clear", test_err__clear},
        {"test_err__truncates_long_message_and_field", test_err__truncates_long_message_and_field},
        {"test_err__names", test_err__names},
        {"test_err__retryable", test_err__retryable},
        {"test_err__is_client", test_err__is_client},
        {"test_err__is_thread_local", test_err__is_thread_local},
    };
    int status = 1;
    CU_pSuite suite;
    size_t i;

    if (CU_initialize_registry() != CUE_SUCCESS)
        goto out_cleanup; /* CU_cleanup_registry() copes with no registry */
    suite = CU_add_suite("err", NULL, NULL);
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
