/*
 * fuzz_serve.c - libFuzzer target: any bytes as an HTTP request, through the
 * real gSOAP serve path and our hooks and handlers (body guard, path
 * tracking, faults, GET routes, authentication up to the database).
 *
 * The database is configured on a socket that does not exist, so every
 * handler that reaches it answers SERVICE_UNAVAILABLE: the fuzzer spends its
 * time in parsing and mapping, where hostile input lands first, and needs no
 * server. Build and run with `make fuzz` (clang, libFuzzer, ASan, UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/log.h"
#include "base/paths.h"
#include "hub/routes.h"

static struct soap *soap;
static struct api_worker worker;
static struct api_settings settings;
static const uint8_t *input;
static size_t input_len, input_pos;

static size_t fuzz_recv(struct soap *s, char *buf, size_t len)
{
    size_t n = input_len - input_pos;

    (void)s;
    if (n > len)
        n = len;
    memcpy(buf, input + input_pos, n);
    input_pos += n;
    return n;
}

static int fuzz_send(struct soap *s, const char *buf, size_t len)
{
    (void)s;
    (void)buf;
    (void)len;
    return SOAP_OK;
}

static int fuzz_close(struct soap *s, SOAP_SOCKET fd)
{
    (void)s;
    (void)fd;
    return SOAP_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct db_config db;
    char dir[1024];

    (void)argc;
    (void)argv;
    log_current_level = LOG_LEVEL_ERROR;
    if (path_resource(dir, sizeof(dir), "EOS_WSDL_DIR", "wsdl") < 0 || routes_load(dir) < 0)
        abort();
    memset(&db, 0, sizeof(db));
    snprintf(db.socket, sizeof(db.socket), "/nonexistent/eos-fuzz.sock");
    snprintf(db.user, sizeof(db.user), "fuzz");
    snprintf(db.name, sizeof(db.name), "fuzz");
    auth_settings_defaults(&settings.auth);
    settings.auth.allow_plaintext = true;
    settings.service_version = "fuzz";
    settings.max_message = 1 << 20;
    settings.max_depth = 24;
    worker.db = db_new(&db);
    worker.settings = &settings;
    soap = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_STRICT | SOAP_XML_TREE);
    if (!soap || !worker.db)
        abort();
    soap->user = &worker;
    soap->recv_maxlength = 1 << 20;
    soap->maxlevel = 24;
    soap->maxoccurs = 10000;
    soap->maxlength = 1 << 20;
    soap->fget = routes_get;
    soap->fseterror = api_seterror;
    soap->feltbegin = api_path_begin;
    soap->feltendin = api_path_end;
    soap->frecv = fuzz_recv;
    api_guard_install(soap, &worker);
    soap->fsend = fuzz_send;
    soap->fclosesocket = fuzz_close;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input = data;
    input_len = size;
    input_pos = 0;
    soap->socket = SOAP_INVALID_SOCKET;
    soap->keep_alive = 0;
    soap->error = SOAP_OK;
    (void)api_serve_one(soap);
    soap_destroy(soap);
    soap_end(soap);
    return 0;
}
