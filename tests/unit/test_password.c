/*
 * test_password.c - unit tests of src/core/password.c: PBKDF2-SHA256 hashes,
 * their strict stored form, verification and the SHA-256 cache key.
 * Runs as its own binary; exits non-zero when any assertion failed.
 * Most tests use TEST_ITERATIONS to stay fast; one uses the default.
 */
#include "core/password.h"

#include "base/err.h"

#include <CUnit/Basic.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TEST_ITERATIONS 1000u

/* Made by another implementation, Python's hashlib:
 *   salt = bytes(range(16))
 *   key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000, 32) */
#define KAT_PASSWORD "correct horse battery staple"
#define KAT_SALT "AAECAwQFBgcICQoLDA0ODw=="
#define KAT_KEY "ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4="
#define KAT_STORED "pbkdf2-sha256$1000$" KAT_SALT "$" KAT_KEY
#define KAT_UTF8_PASSWORD "s\xc3\xa9same" /* "sésame" in UTF-8 */
#define KAT_UTF8_STORED                                                                            \
    "pbkdf2-sha256$1000$" KAT_SALT "$jp1MWNOW0tmamVJFolBq29nWOleLHVNftoAWaOuBYOY="

/* Length of a stored hash at TEST_ITERATIONS: "pbkdf2-sha256$" + "1000" + "$"
 * + 24 + "$" + 44. */
#define TEST_STORED_LEN 88

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

static void test_password__hash_then_verify(void)
{
    char stored[PASSWORD_HASH_MAX];

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), "s3cret!", TEST_ITERATIONS), 0);
    CU_ASSERT_EQUAL(strlen(stored), TEST_STORED_LEN);
    CU_ASSERT_EQUAL(strncmp(stored, "pbkdf2-sha256$1000$", 19), 0);
    CU_ASSERT_EQUAL(stored[19 + 24], '$');
    CU_ASSERT_EQUAL(password_verify(stored, "s3cret!"), 0);
}

static void test_password__default_iterations(void)
{
    char stored[PASSWORD_HASH_MAX];

    CU_ASSERT_EQUAL(PASSWORD_DEFAULT_ITERATIONS, 100000u);
    CU_ASSERT_EQUAL_FATAL(
        password_hash(stored, sizeof(stored), "s3cret!", PASSWORD_DEFAULT_ITERATIONS), 0);
    CU_ASSERT_EQUAL(strncmp(stored, "pbkdf2-sha256$100000$", 21), 0);
    CU_ASSERT_EQUAL(password_verify(stored, "s3cret!"), 0);
    CU_ASSERT_EQUAL(password_verify(stored, "s3cret?"), EOS_EAUTH_FAILED);
}

static void test_password__wrong_password_fails(void)
{
    static const char *const wrong[] = {
        "correct horse battery stapl",
        "correct horse battery staple ",
        "Correct horse battery staple",
        " correct horse battery staple",
        "",
    };
    char stored[PASSWORD_HASH_MAX];
    size_t i;

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), KAT_PASSWORD, TEST_ITERATIONS), 0);
    for (i = 0; i < ARRAY_SIZE(wrong); i++) {
        int rc;

        eos_err_clear();
        rc = password_verify(stored, wrong[i]);
        CHECK(rc == EOS_EAUTH_FAILED, "verify with \"%s\" returned %d", wrong[i], rc);
        CHECK(eos_err_code() == EOS_EAUTH_FAILED, "last error %d", eos_err_code());
        CHECK(strcmp(eos_err_message(), "authentication failed") == 0, "message \"%s\"",
              eos_err_message());
        CHECK(eos_err_field() == NULL, "field set on an authentication failure");
    }
    CU_ASSERT_EQUAL(password_verify(stored, KAT_PASSWORD), 0);
}

static void test_password__same_password_hashes_differ(void)
{
    char a[PASSWORD_HASH_MAX];
    char b[PASSWORD_HASH_MAX];

    CU_ASSERT_EQUAL_FATAL(password_hash(a, sizeof(a), "same", TEST_ITERATIONS), 0);
    CU_ASSERT_EQUAL_FATAL(password_hash(b, sizeof(b), "same", TEST_ITERATIONS), 0);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    /* the salts themselves differ, not only the keys */
    CU_ASSERT_NOT_EQUAL(memcmp(a + 19, b + 19, 24), 0);
    CU_ASSERT_EQUAL(password_verify(a, "same"), 0);
    CU_ASSERT_EQUAL(password_verify(b, "same"), 0);
}

static void test_password__verifies_hash_from_other_implementation(void)
{
    CU_ASSERT_EQUAL(password_verify(KAT_STORED, KAT_PASSWORD), 0);
    CU_ASSERT_EQUAL(password_verify(KAT_STORED, KAT_UTF8_PASSWORD), EOS_EAUTH_FAILED);
    CU_ASSERT_EQUAL(password_verify(KAT_UTF8_STORED, KAT_UTF8_PASSWORD), 0);
    CU_ASSERT_EQUAL(password_verify(KAT_UTF8_STORED, "sesame"), EOS_EAUTH_FAILED);
}

static void test_password__malformed_stored_fails(void)
{
    static const char *const rows[] = {
        "",
        "pbkdf2-sha256$x$y$z",
        "pbkdf2-sha256",
        "pbkdf2-sha256$",
        "pbkdf2-sha256$1000",
        "pbkdf2-sha256$1000$",
        "pbkdf2-sha256$1000$" KAT_SALT,
        "pbkdf2-sha256$1000$" KAT_SALT "$",
        /* truncated in the key, by one character and by half */
        "pbkdf2-sha256$1000$" KAT_SALT "$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$1000$" KAT_SALT "$ppsXnjrdPB4KryJ6DrOqKq",
        /* other scheme or spelling */
        "pbkdf2-sha1$1000$" KAT_SALT "$" KAT_KEY,
        "PBKDF2-SHA256$1000$" KAT_SALT "$" KAT_KEY,
        "$pbkdf2-sha256$1000$" KAT_SALT "$" KAT_KEY,
        /* iteration count not canonical or out of range */
        "pbkdf2-sha256$01000$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$+1000$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$-1000$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$ 1000$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$1000 $" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$0$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$10000001$" KAT_SALT "$" KAT_KEY,
        "pbkdf2-sha256$4294968296$" KAT_SALT "$" KAT_KEY, /* 2^32 + 1000 */
        "pbkdf2-sha256$99999999999999999999999$" KAT_SALT "$" KAT_KEY,
        /* salt: not canonical, unpadded, wrong length, empty, with space */
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODx==$" KAT_KEY,
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$" KAT_KEY,
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODwAA$" KAT_KEY,
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0O$" KAT_KEY,
        "pbkdf2-sha256$1000$$" KAT_KEY,
        "pbkdf2-sha256$1000$ AAECAwQFBgcICQoLDA0ODw==$" KAT_KEY,
        "pbkdf2-sha256$1000$AAECAwQFBgcI*QoLDA0ODw==$" KAT_KEY,
        /* key: trailing bytes, extra field, not base64 */
        KAT_STORED "\n",
        KAT_STORED " ",
        KAT_STORED "$",
        KAT_STORED "$extra",
        "pbkdf2-sha256$1000$" KAT_SALT "$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ5=",
        "pbkdf2-sha256$1000$" KAT_SALT "$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4A",
        "pbkdf2-sha256$1000$" KAT_SALT "$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4=AAAA",
    };
    size_t i;

    /* the rows are the good hash with one thing wrong: it must pass itself */
    CU_ASSERT_EQUAL_FATAL(password_verify(KAT_STORED, KAT_PASSWORD), 0);
    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        int rc;

        eos_err_clear();
        rc = password_verify(rows[i], KAT_PASSWORD);
        CHECK(rc == EOS_EAUTH_FAILED, "verify(\"%s\") returned %d", rows[i], rc);
        CHECK(strcmp(eos_err_message(), "authentication failed") == 0,
              "verify(\"%s\"): message \"%s\"", rows[i], eos_err_message());
    }
}

static void test_password__truncated_stored_fails(void)
{
    char stored[PASSWORD_HASH_MAX];
    size_t len;

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), "pw", TEST_ITERATIONS), 0);
    /* every proper prefix of a good hash is refused */
    for (len = strlen(stored); len-- > 0;) {
        char prefix[PASSWORD_HASH_MAX];
        int rc;

        snprintf(prefix, sizeof(prefix), "%.*s", (int)len, stored);
        rc = password_verify(prefix, "pw");
        CHECK(rc == EOS_EAUTH_FAILED, "prefix of %zu characters returned %d", len, rc);
    }
}

static void test_password__tampered_iterations_fail(void)
{
    static const char *const counts[] = {"1001", "999", "2000", "1"};
    char stored[PASSWORD_HASH_MAX];
    size_t i;

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), "pw", TEST_ITERATIONS), 0);
    CU_ASSERT_EQUAL_FATAL(strncmp(stored, "pbkdf2-sha256$1000$", 19), 0);
    CU_ASSERT_EQUAL(password_verify(stored, "pw"), 0);
    for (i = 0; i < ARRAY_SIZE(counts); i++) {
        char tampered[PASSWORD_HASH_MAX];
        int rc;

        /* same salt and key, another iteration count */
        snprintf(tampered, sizeof(tampered), "pbkdf2-sha256$%s$%s", counts[i], stored + 19);
        rc = password_verify(tampered, "pw");
        CHECK(rc == EOS_EAUTH_FAILED, "iterations %s: verify returned %d", counts[i], rc);
    }
}

static void test_password__tampered_salt_or_key_fails(void)
{
    /* where a character of the salt and one of the key sit in the string;
     * both carry 6 significant bits, so any other base64 letter there is a
     * canonical encoding of other bytes */
    static const size_t positions[] = {19 + 3, 19 + 24 + 1 + 3};
    char stored[PASSWORD_HASH_MAX];
    size_t i;

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), "pw", TEST_ITERATIONS), 0);
    for (i = 0; i < ARRAY_SIZE(positions); i++) {
        char tampered[PASSWORD_HASH_MAX];
        char *c = &tampered[positions[i]];
        int rc;

        snprintf(tampered, sizeof(tampered), "%s", stored);
        *c = *c == 'A' ? 'B' : 'A';
        rc = password_verify(tampered, "pw");
        CHECK(rc == EOS_EAUTH_FAILED, "\"%s\" returned %d", tampered, rc);
    }
    CU_ASSERT_EQUAL(password_verify(stored, "pw"), 0);
}

static void test_password__null_arguments_fail(void)
{
    char stored[PASSWORD_HASH_MAX] = "unchanged";

    CU_ASSERT_EQUAL(password_verify(NULL, "pw"), EOS_EAUTH_FAILED);
    CU_ASSERT_EQUAL(password_verify(KAT_STORED, NULL), EOS_EAUTH_FAILED);
    eos_err_clear();
    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), NULL, TEST_ITERATIONS), EOS_EINVALID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(eos_err_field());
    CU_ASSERT_STRING_EQUAL(eos_err_field(), "password");
    CU_ASSERT_STRING_EQUAL(stored, "unchanged");
}

static void test_password__length_limit(void)
{
    static char longest[PASSWORD_MAX_LEN + 1];
    static char too_long[PASSWORD_MAX_LEN + 2];
    char stored[PASSWORD_HASH_MAX] = "unchanged";

    memset(longest, 'p', PASSWORD_MAX_LEN);
    longest[PASSWORD_MAX_LEN] = '\0';
    memset(too_long, 'p', PASSWORD_MAX_LEN + 1);
    too_long[PASSWORD_MAX_LEN + 1] = '\0';

    eos_err_clear();
    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), too_long, TEST_ITERATIONS), EOS_EINVALID);
    CU_ASSERT_STRING_EQUAL(stored, "unchanged");
    CU_ASSERT_PTR_NOT_NULL_FATAL(eos_err_field());
    CU_ASSERT_STRING_EQUAL(eos_err_field(), "password");
    CU_ASSERT_STRING_EQUAL(eos_err_message(), "at most 1024 bytes");

    CU_ASSERT_EQUAL_FATAL(password_hash(stored, sizeof(stored), longest, TEST_ITERATIONS), 0);
    CU_ASSERT_EQUAL(password_verify(stored, longest), 0);
    CU_ASSERT_EQUAL(password_verify(stored, too_long), EOS_EAUTH_FAILED);
}

static void test_password__hash_refuses_bad_iterations(void)
{
    char stored[PASSWORD_HASH_MAX] = "unchanged";

    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), "pw", 0), EOS_EINTERNAL);
    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), "pw", PASSWORD_MAX_ITERATIONS + 1),
                    EOS_EINTERNAL);
    CU_ASSERT_STRING_EQUAL(stored, "unchanged");
    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), "pw", 1), 0);
    CU_ASSERT_EQUAL(strncmp(stored, "pbkdf2-sha256$1$", 16), 0);
    CU_ASSERT_EQUAL(password_verify(stored, "pw"), 0);
}

static void test_password__hash_refuses_small_buffer(void)
{
    char stored[TEST_STORED_LEN + 1];

    memset(stored, 'x', sizeof(stored));
    CU_ASSERT_EQUAL(password_hash(stored, TEST_STORED_LEN, "pw", TEST_ITERATIONS), EOS_EINTERNAL);
    CU_ASSERT_EQUAL(stored[0], 'x'); /* left alone */
    CU_ASSERT_EQUAL(password_hash(stored, sizeof(stored), "pw", TEST_ITERATIONS), 0);
    CU_ASSERT_EQUAL(strlen(stored), TEST_STORED_LEN);
}

static void test_password__sha256_hex(void)
{
    static const struct {
        const char *data;
        size_t len;
        const char *want;
    } rows[] = {
        {"abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {NULL, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"a\0b", 3, "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"},
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(rows); i++) {
        char out[PASSWORD_SHA256_HEX_LEN];
        int rc;

        memset(out, 'x', sizeof(out));
        rc = password_sha256_hex(out, rows[i].data, rows[i].len);
        CHECK(rc == 0, "row %zu returned %d", i, rc);
        CHECK(out[64] == '\0' && strcmp(out, rows[i].want) == 0, "row %zu: \"%.65s\"", i, out);
    }
}

int main(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
        {"test_password__hash_then_verify", test_password__hash_then_verify},
        {"test_password__default_iterations", test_password__default_iterations},
        {"test_password__wrong_password_fails", test_password__wrong_password_fails},
        {"test_password__same_password_hashes_differ", test_password__same_password_hashes_differ},
        {"test_password__verifies_hash_from_other_implementation",
         test_password__verifies_hash_from_other_implementation},
        {"test_password__malformed_stored_fails", test_password__malformed_stored_fails},
        {"test_password__truncated_stored_fails", test_password__truncated_stored_fails},
        {"test_password__tampered_iterations_fail", test_password__tampered_iterations_fail},
        {"test_password__tampered_salt_or_key_fails", test_password__tampered_salt_or_key_fails},
        {"test_password__null_arguments_fail", test_password__null_arguments_fail},
        {"test_password__length_limit", test_password__length_limit},
        {"test_password__hash_refuses_bad_iterations", test_password__hash_refuses_bad_iterations},
        {"test_password__hash_refuses_small_buffer", test_password__hash_refuses_small_buffer},
        {"test_password__sha256_hex", test_password__sha256_hex},
    };
    int status = 1;
    CU_pSuite suite;
    size_t i;

    if (CU_initialize_registry() != CUE_SUCCESS)
        goto out_cleanup; /* CU_cleanup_registry() copes with no registry */
    suite = CU_add_suite("password", NULL, NULL);
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
