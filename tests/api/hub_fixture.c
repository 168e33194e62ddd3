/*
 * hub_fixture.c - starting and stopping a hub, and client credentials.
 */
#include "hub_fixture.h"

#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wsseapi.h"

static int free_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = -1;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* True when GET /healthz answers 200. */
static bool healthy(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    char buf[64] = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok = false;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) &&
        read(fd, buf, sizeof(buf) - 1) > 12)
        ok = strncmp(buf, "HTTP/1.1 200", 12) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

int test_hub_start(struct test_hub *hub, const char *name, const char *const *env)
{
    const char *build = getenv("EOS_TEST_BUILD");
    const char *var = getenv("EOS_TEST_VAR");
    char exe[512], port[16];

    memset(hub, 0, sizeof(*hub));
    if (!build || !var) {
        fprintf(stderr, "hub_fixture: EOS_TEST_BUILD and EOS_TEST_VAR must be set "
                        "(run through scripts/run-tests)\n");
        return -1;
    }
    hub->port = free_port();
    snprintf(exe, sizeof(exe), "%s/eos-hub", build);
    snprintf(port, sizeof(port), "%d", hub->port);
    snprintf(hub->endpoint, sizeof(hub->endpoint), "http://127.0.0.1:%d/eos", hub->port);
    snprintf(hub->log_path, sizeof(hub->log_path), "%s/%s.log", var, name);
    fflush(NULL);
    hub->pid = fork();
    if (hub->pid < 0)
        return -1;
    if (hub->pid == 0) {
        FILE *log = freopen(hub->log_path, "w", stderr);

        (void)log;
        setenv("EOS_PORT", port, 1);
        setenv("EOS_HOST", "127.0.0.1", 1);
        setenv("EOS_ALLOW_PLAINTEXT_AUTH", "1", 1);
        setenv("EOS_THREADS", "8", 1);
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execl(exe, exe, (char *)NULL);
        fprintf(stderr, "cannot exec %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        int status;

        if (healthy(hub->port))
            return 0;
        if (waitpid(hub->pid, &status, WNOHANG) == hub->pid) {
            fprintf(stderr, "hub_fixture: eos-hub exited at start; see %s\n", hub->log_path);
            hub->pid = 0;
            return -1;
        }
        usleep(50 * 1000);
    }
    fprintf(stderr, "hub_fixture: eos-hub not healthy after 15 s; see %s\n", hub->log_path);
    test_hub_stop(hub);
    return -1;
}

int test_hub_stop(struct test_hub *hub)
{
    int status = 0;

    if (hub->pid <= 0)
        return -1;
    kill(hub->pid, SIGTERM);
    if (waitpid(hub->pid, &status, 0) != hub->pid)
        return -1;
    hub->pid = 0;
    if (!WIFEXITED(status)) {
        fprintf(stderr, "hub_fixture: eos-hub died by signal %d; see %s\n", WTERMSIG(status),
                hub->log_path);
        return -1;
    }
    if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "hub_fixture: eos-hub exited %d; see %s\n", WEXITSTATUS(status),
                hub->log_path);
    return WEXITSTATUS(status);
}

struct soap *test_client(void)
{
    struct soap *soap = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_TREE | SOAP_IO_KEEPALIVE);

    if (soap) {
        soap->recv_timeout = 30;
        soap->send_timeout = 30;
        soap->connect_timeout = 5;
    }
    return soap;
}

void test_client_free(struct soap *soap)
{
    if (!soap)
        return;
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
}

void test_auth_none(struct soap *soap)
{
    soap->header = NULL;
    soap->userid = NULL;
    soap->passwd = NULL;
}

void test_auth_basic(struct soap *soap, const char *user, const char *password)
{
    test_auth_none(soap);
    soap->userid = user;
    soap->passwd = password;
}

void test_auth_text(struct soap *soap, const char *user, const char *password)
{
    test_auth_none(soap);
    soap_wsse_add_UsernameTokenText(soap, NULL, user, password);
}

void test_auth_digest(struct soap *soap, const char *user, const char *password)
{
    test_auth_none(soap);
    soap_wsse_add_UsernameTokenDigest(soap, NULL, user, password);
}

void test_auth_digest_raw(struct soap *soap, const char *user, const char *password,
                          const char *nonce, time_t created)
{
    unsigned char sha[EVP_MAX_MD_SIZE];
    unsigned char b64[64];
    unsigned char nonce_b64[128];
    char created_text[32];
    struct tm tm;
    unsigned len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    struct _wsse__Security *sec;
    struct _wsse__UsernameToken *token;

    test_auth_none(soap);
    gmtime_r(&created, &tm);
    strftime(created_text, sizeof(created_text), "%Y-%m-%dT%H:%M:%SZ", &tm);
    EVP_DigestInit_ex(md, EVP_sha1(), NULL);
    EVP_DigestUpdate(md, nonce, strlen(nonce));
    EVP_DigestUpdate(md, created_text, strlen(created_text));
    EVP_DigestUpdate(md, password, strlen(password));
    EVP_DigestFinal_ex(md, sha, &len);
    EVP_MD_CTX_free(md);
    EVP_EncodeBlock(b64, sha, (int)len);
    EVP_EncodeBlock(nonce_b64, (const unsigned char *)nonce, (int)strlen(nonce));
    sec = soap_wsse_add_Security(soap);
    token = soap_new__wsse__UsernameToken(soap, 1);
    token->Username = soap_strdup(soap, user);
    token->Password = soap_new__wsse__Password(soap, 1);
    token->Password->__item = soap_strdup(soap, (char *)b64);
    token->Password->Type = soap_strdup(
        soap,
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
        "#PasswordDigest");
    token->Nonce = soap_new_wsse__EncodedString(soap, 1);
    token->Nonce->__item = soap_strdup(soap, (char *)nonce_b64);
    token->wsu__Created = soap_strdup(soap, created_text);
    sec->UsernameToken = token;
}

const char *test_fault_code(struct soap *soap)
{
    struct SOAP_ENV__Detail *d;

    if (soap->error == SOAP_OK)
        return "";
    if (!soap->fault)
        return "?";
    d = soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;
    if (!d || !d->eos__error)
        return "?";
    return soap_eos__FaultCode2s(soap, d->eos__error->code);
}

bool test_fault_is_client(struct soap *soap)
{
    const char *code = soap->fault ? soap->fault->faultcode : NULL;

    return code && strstr(code, "Client") != NULL;
}

static const struct eos__ErrorDetail *fault_error(struct soap *soap)
{
    struct SOAP_ENV__Detail *d;

    if (soap->error == SOAP_OK || !soap->fault)
        return NULL;
    d = soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;
    return d ? d->eos__error : NULL;
}

const char *test_fault_field(struct soap *soap)
{
    const struct eos__ErrorDetail *e = fault_error(soap);

    return e && e->field ? e->field : "";
}

const char *test_fault_message(struct soap *soap)
{
    const struct eos__ErrorDetail *e = fault_error(soap);

    return e && e->message ? e->message : "";
}

void test_expect_fault(struct soap *soap, const char *code, const char *field, const char *file,
                       unsigned line)
{
    char what[512];
    const char *got = test_fault_code(soap);
    const char *got_field = test_fault_field(soap);

    snprintf(what, sizeof(what), "fault %s expected, got \"%s\" (%s, field %s)", code, got,
             test_fault_message(soap), got_field);
    CU_assertImplementation(strcmp(got, code) == 0, line, what, file, "", CU_FALSE);
    if (strcmp(got, code) != 0)
        return;
    snprintf(what, sizeof(what), "fault %s is a Client fault", code);
    CU_assertImplementation(test_fault_is_client(soap), line, what, file, "", CU_FALSE);
    if (field) {
        snprintf(what, sizeof(what), "fault %s names field \"%s\", got \"%s\"", code, field,
                 got_field);
        CU_assertImplementation(strcmp(got_field, field) == 0, line, what, file, "", CU_FALSE);
    }
}

void test_expect_ok(struct soap *soap, int rc, const char *file, unsigned line, bool fatal)
{
    char what[512];

    snprintf(what, sizeof(what), "call succeeds, got %s (%s, field %s)", test_fault_code(soap),
             test_fault_message(soap), test_fault_field(soap));
    CU_assertImplementation(rc == SOAP_OK, line, what, file, "", fatal ? CU_TRUE : CU_FALSE);
}

const char *test_demo_password(void)
{
    const char *pw = getenv("EOS_DEMO_PASSWORD");

    return pw && *pw ? pw : "demo-pass";
}

const char *test_nz(const char *s)
{
    return s ? s : "(null)";
}

int64_t test_dec(const char *s)
{
    int64_t whole = 0, frac = 0;
    int digits = 0;
    bool neg = false;
    const char *p = s;

    if (!p || !*p)
        return INT64_MIN;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    for (; *p >= '0' && *p <= '9'; p++)
        whole = whole * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 4)
                frac = frac * 10 + (*p - '0');
    if (*p != '\0' || digits > 4)
        return INT64_MIN;
    for (; digits < 4; digits++)
        frac *= 10;
    return (neg ? -1 : 1) * (whole * 10000 + frac);
}
