/*
 * test_secretbox.c - unit tests of src/core/secretbox.c: the key file's two
 * forms (32 raw bytes, 64 hex digits with an optional line ending) and
 * sealing, opening and refusing a tampered box.
 */
#include "core/secretbox.h"

#include "base/err.h"
#include "cunit_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Writes len bytes to a new temporary file; its path into path. */
static bool key_file(char path[32], const void *bytes, size_t len)
{
    int fd;

    snprintf(path, 32, "/tmp/eos-key-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return false;
    if (write(fd, bytes, len) != (ssize_t)len) {
        close(fd);
        return false;
    }
    return close(fd) == 0;
}

static int load(const void *bytes, size_t len, struct secret_key *key)
{
    char path[32];
    int rc;

    if (!key_file(path, bytes, len))
        return -1000;
    rc = secret_key_load(key, path);
    unlink(path);
    return rc;
}

/* A raw key's last byte may be a line feed or a carriage return (2 keys in
 * 256 that `head -c32 /dev/urandom` makes): it is key, not line ending. */
static void test_secretbox__raw_keys_ending_in_line_bytes(void)
{
    static const unsigned char ends[] = {'\n', '\r', 'x'};

    for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
        unsigned char raw[SECRETBOX_KEY_LEN];
        struct secret_key key;

        memset(raw, 0x41, sizeof(raw));
        raw[SECRETBOX_KEY_LEN - 1] = ends[i];
        CU_ASSERT_EQUAL(load(raw, sizeof(raw), &key), 0);
        CU_ASSERT_TRUE(key.loaded);
        CU_ASSERT_EQUAL(memcmp(key.bytes, raw, sizeof(raw)), 0);
    }
}

static void test_secretbox__hex_keys_with_line_endings(void)
{
    static const char *const endings[] = {"", "\n", "\r\n"};
    char hex[2 * SECRETBOX_KEY_LEN + 3];

    for (size_t i = 0; i < ARRAY_SIZE(endings); i++) {
        struct secret_key key;

        memset(hex, 'a', 2 * SECRETBOX_KEY_LEN);
        snprintf(hex + 2 * SECRETBOX_KEY_LEN, 3, "%s", endings[i]);
        CU_ASSERT_EQUAL(load(hex, strlen(hex), &key), 0);
        CU_ASSERT_EQUAL(key.bytes[0], 0xaa);
        CU_ASSERT_EQUAL(key.bytes[SECRETBOX_KEY_LEN - 1], 0xaa);
    }
}

static void test_secretbox__other_sizes_are_refused(void)
{
    unsigned char bytes[2 * SECRETBOX_KEY_LEN + 1];
    struct secret_key key;

    memset(bytes, 'a', sizeof(bytes));
    CU_ASSERT_EQUAL(load(bytes, SECRETBOX_KEY_LEN - 1, &key), EOS_EINVALID);
    CU_ASSERT_EQUAL(load(bytes, SECRETBOX_KEY_LEN + 1, &key), EOS_EINVALID);
    CU_ASSERT_EQUAL(load(bytes, sizeof(bytes), &key), EOS_EINVALID);
    bytes[3] = 'g'; /* not hex */
    CU_ASSERT_EQUAL(load(bytes, 2 * SECRETBOX_KEY_LEN, &key), EOS_EINVALID);
}

static void test_secretbox__seal_open_and_tamper(void)
{
    unsigned char raw[SECRETBOX_KEY_LEN], box[64 + SECRETBOX_OVERHEAD];
    struct secret_key key, other;
    char out[64];
    size_t len = 0;

    memset(raw, 7, sizeof(raw));
    CU_ASSERT_EQUAL_FATAL(load(raw, sizeof(raw), &key), 0);
    raw[0] = 8;
    CU_ASSERT_EQUAL_FATAL(load(raw, sizeof(raw), &other), 0);
    CU_ASSERT_EQUAL_FATAL(secretbox_seal(box, &len, &key, "demo-pass", 9), 0);
    CU_ASSERT_EQUAL(len, 9 + SECRETBOX_OVERHEAD);
    CU_ASSERT_EQUAL(secretbox_open(out, sizeof(out), &key, box, len), 0);
    CU_ASSERT_STRING_EQUAL(out, "demo-pass");
    CU_ASSERT_EQUAL(secretbox_open(out, sizeof(out), &other, box, len), EOS_EAUTH_FAILED);
    box[len - 1] ^= 1;
    CU_ASSERT_EQUAL(secretbox_open(out, sizeof(out), &key, box, len), EOS_EAUTH_FAILED);
}

int main(void)
{
    static const struct test_case tests[] = {
        {"test_secretbox__raw_keys_ending_in_line_bytes",
         test_secretbox__raw_keys_ending_in_line_bytes},
        {"test_secretbox__hex_keys_with_line_endings", test_secretbox__hex_keys_with_line_endings},
        {"test_secretbox__other_sizes_are_refused", test_secretbox__other_sizes_are_refused},
        {"test_secretbox__seal_open_and_tamper", test_secretbox__seal_open_and_tamper},
    };

    return cunit_run("secretbox", NULL, NULL, tests, ARRAY_SIZE(tests));
}
