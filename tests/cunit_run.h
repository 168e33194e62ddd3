/*
 * cunit_run.h - the main() of every CUnit test binary: one suite, a table of
 * tests, verbose output, exit status 0 only when every assertion held.
 */
#ifndef EOS_TESTS_CUNIT_RUN_H
#define EOS_TESTS_CUNIT_RUN_H

#include <CUnit/Basic.h>
#include <stddef.h>

struct test_case {
    const char *name;
    CU_TestFunc func;
};

static inline int cunit_run(const char *suite_name, CU_InitializeFunc init,
                            CU_CleanupFunc cleanup, const struct test_case *tests, size_t count)
{
    int status = 1;
    CU_pSuite suite;

    if (CU_initialize_registry() != CUE_SUCCESS)
        goto out;
    suite = CU_add_suite(suite_name, init, cleanup);
    if (!suite)
        goto out;
    for (size_t i = 0; i < count; i++)
        if (!CU_add_test(suite, tests[i].name, tests[i].func))
            goto out;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (CU_basic_run_tests() != CUE_SUCCESS)
        goto out;
    /* A failed suite initialisation runs no test: that is a failure too. */
    if (CU_get_number_of_failures() == 0 && CU_get_number_of_tests_failed() == 0 &&
        CU_get_number_of_suites_failed() == 0 && CU_get_number_of_tests_run() == count)
        status = 0;
out:
    CU_cleanup_registry();
    return status;
}

#endif
