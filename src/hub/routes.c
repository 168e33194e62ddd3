/*
 * routes.c - the GET side of the hub: contract documents and operator endpoints.
 */
#include "hub/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "hub/metrics.h"

#define ADDRESS_MARK "http://127.0.0.1:8080/eos"

static char *wsdl_text; /* owned; the address placeholder splits it in two */
static size_t wsdl_len;
static char *xsd_text;
static size_t xsd_len;

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[1200];
    FILE *f;
    char *buf = NULL;
    long size;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && size < (1L << 24) &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(f);
    return buf;
}

int routes_load(const char *dir)
{
    wsdl_text = slurp(dir, "eoshub.wsdl", &wsdl_len);
    xsd_text = slurp(dir, "eoshub.xsd", &xsd_len);
    if (!wsdl_text || !xsd_text || !strstr(wsdl_text, ADDRESS_MARK)) {
        log_error("cannot read eoshub.wsdl and eoshub.xsd in %s", dir);
        routes_free();
        return eos_err_set(EOS_ENOTFOUND, "wsdl-dir", "WSDL files missing");
    }
    return 0;
}

void routes_free(void)
{
    free(wsdl_text);
    free(xsd_text);
    wsdl_text = xsd_text = NULL;
}

static int send_body(struct soap *soap, const char *type, const char *body, size_t len)
{
    soap->http_content = type;
    if (soap_response(soap, SOAP_FILE) || soap_send_raw(soap, body, len) || soap_end_send(soap))
        return soap->error;
    return SOAP_OK;
}

/* True when a Host header value is safe to put into the WSDL. */
static int host_ok(const char *host)
{
    size_t len = strlen(host);

    if (len == 0 || len > 255)
        return 0;
    for (const char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']'))
            return 0;
    return 1;
}

static int send_wsdl(struct soap *soap)
{
    struct api_worker *w = soap->user;
    const char *mark = strstr(wsdl_text, ADDRESS_MARK);
    const char *host = soap->endpoint;
    char address[400];
    size_t head = (size_t)(mark - wsdl_text);
    size_t tail_at = head + strlen(ADDRESS_MARK);

    /* gSOAP keeps the request's "http://Host/path" in soap->endpoint. */
    if (strncmp(host, "http://", 7) == 0)
        host += 7;
    else if (strncmp(host, "https://", 8) == 0)
        host += 8;
    str_copy(address, sizeof(address), host);
    address[strcspn(address, "/?")] = '\0';
    if (!host_ok(address))
        snprintf(address, sizeof(address), "127.0.0.1:%d", soap->port);
    soap->http_content = "text/xml; charset=utf-8";
    if (soap_response(soap, SOAP_FILE) || soap_send_raw(soap, wsdl_text, head) ||
        soap_send_raw(soap, w && w->secure ? "https://" : "http://", w && w->secure ? 8 : 7) ||
        soap_send_raw(soap, address, strlen(address)) || soap_send_raw(soap, "/eos", 4) ||
        soap_send_raw(soap, wsdl_text + tail_at, wsdl_len - tail_at) || soap_end_send(soap))
        return soap->error;
    return SOAP_OK;
}

int routes_get(struct soap *soap)
{
    struct api_worker *w = soap->user;
    const char *path = soap->path;

    if (w)
        w->call.http_get = true;
    if (strcmp(path, "/eos?wsdl") == 0 || strcmp(path, "/eos?WSDL") == 0 ||
        strcmp(path, "/?wsdl") == 0)
        return send_wsdl(soap);
    if (strcmp(path, "/eoshub.xsd") == 0 || strcmp(path, "/eos?xsd") == 0)
        return send_body(soap, "text/xml; charset=utf-8", xsd_text, xsd_len);
    if (strcmp(path, "/healthz") == 0) {
        if (w && db_alive(w->db))
            return send_body(soap, "text/plain", "ok\n", 3);
        soap->http_content = "text/plain";
        if (soap_response(soap, SOAP_FILE + 503) ||
            soap_send_raw(soap, "database unavailable\n", 21) || soap_end_send(soap))
            return soap->error;
        return SOAP_OK;
    }
    if (strcmp(path, "/metrics") == 0) {
        static const size_t size = 256 * 1024;
        char *buf = soap_malloc(soap, size);
        size_t len;

        if (!buf)
            return 500;
        len = metrics_render(buf, size);
        return send_body(soap, "text/plain; version=0.0.4", buf, len);
    }
    if (strncmp(path, "/eos", 4) == 0 && (path[4] == '\0' || path[4] == '?')) {
        /* GET on the endpoint itself: a fault like every other method but
         * POST, not an HTTP error page. */
        if (w)
            w->call.http_get = false;
        return SOAP_GET_METHOD;
    }
    return 404;
}

int routes_refuse(struct soap *soap)
{
    (void)soap;
    return 405;
}
