/*
 * auth.c - the start of every operation: who is calling, may they, and the
 * SOAP header out of the way.
 */
#include "api/api.h"

#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "core/role.h"

#define PASSWORD_TEXT_TYPE \
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
#define PASSWORD_DIGEST_TYPE \
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"

/* True when a SOAPAction names op: "urn:eoshub:v1#Op", quoted or not. */
static bool action_matches(const char *action, const char *op)
{
    static const char prefix[] = "urn:eoshub:v1#";
    size_t len = strlen(action);

    if (len >= 2 && action[0] == '"' && action[len - 1] == '"') {
        action++;
        len -= 2;
    }
    return len == sizeof(prefix) - 1 + strlen(op) &&
           strncmp(action, prefix, sizeof(prefix) - 1) == 0 &&
           strncmp(action + sizeof(prefix) - 1, op, strlen(op)) == 0;
}

/* Reads the UsernameToken of the wsse:Security header, else HTTP Basic. */
/* Whether addr is one of the comma-separated addresses in list. */
static bool in_list(const char *list, const char *addr)
{
    size_t n = strlen(addr);

    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len;

        while (*p == ' ')
            p++;
        len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == n && n > 0 && memcmp(p, addr, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* The address failed logins are counted against: the peer's, or behind a
 * trusted proxy the last address in X-Forwarded-For (the one the proxy saw;
 * those before it are the client's word and prove nothing). */
static const char *client_address(struct soap *soap, const char *trusted)
{
    const char *from = soap->proxy_from, *last;

    if (str_empty(trusted) || str_empty(from) || !in_list(trusted, soap->host))
        return soap->host;
    last = strrchr(from, ',');
    last = last ? last + 1 : from;
    while (*last == ' ')
        last++;
    return str_empty(last) ? soap->host : last;
}

static void read_credentials(struct soap *soap, struct credentials *cred)
{
    struct _wsse__UsernameToken *token = NULL;

    memset(cred, 0, sizeof(*cred));
    if (soap->header && soap->header->wsse__Security)
        token = soap->header->wsse__Security->UsernameToken;
    if (token) {
        const char *type = token->Password ? token->Password->Type : NULL;

        time_t created = 0;

        cred->username = token->Username;
        cred->secret = token->Password ? token->Password->__item : NULL;
        /* Nonce and Created: required with a digest, checked when a text
         * token carries them. */
        cred->nonce_b64 = token->Nonce ? token->Nonce->__item : NULL;
        cred->created = token->wsu__Created;
        if (cred->created && soap_s2dateTime(soap, cred->created, &created) == SOAP_OK)
            cred->created_at = (int64_t)created;
        soap->error = SOAP_OK; /* a bad Created is our AUTH_FAILED, not a parse error */
        if (type && strcmp(type, PASSWORD_DIGEST_TYPE) == 0) {
            cred->kind = CRED_DIGEST;
        } else if (!type || strcmp(type, PASSWORD_TEXT_TYPE) == 0) {
            cred->kind = CRED_TEXT;
        } else {
            cred->kind = CRED_TEXT;
            cred->secret = NULL; /* unknown password type: fails as a wrong password */
        }
    } else if (soap->userid) {
        cred->kind = CRED_BASIC;
        cred->username = soap->userid;
        cred->secret = soap->passwd;
    }
}

int api_begin(struct soap *soap, enum api_op op, struct svc_ctx *ctx)
{
    struct api_worker *w = soap->user;
    struct credentials cred;
    unsigned roles = api_ops[op].roles;
    int rc;

    w->call.op = op;
    ctx->db = w->db;
    ctx->who = NULL;
    rc = api_guard_markup(w);
    if (rc < 0)
        return api_fault(soap, rc);
    /* A SOAPAction, when sent, must name the operation of the body: a proxy
     * or firewall deciding on the action must not be told one thing while
     * the hub does another. */
    if (!str_empty(soap->action) && !action_matches(soap->action, api_ops[op].name))
        return api_fail(soap, EOS_EMALFORMED, NULL,
                        "the SOAPAction does not name the operation of the body (%s)",
                        api_ops[op].name);
    if (roles == 0) {
        soap->header = NULL;
        return SOAP_OK;
    }
    read_credentials(soap, &cred);
    cred.secure = w->secure;
    cred.source = client_address(soap, w->settings->trusted_proxies);
    /* Never echo the caller's security header back in the response. */
    soap->header = NULL;
    rc = svc_authenticate(ctx, &w->settings->auth, &cred, &w->who);
    if (rc < 0)
        return api_fault(soap, rc);
    str_copy(w->call.user, sizeof(w->call.user), w->who.username);
    str_copy(w->call.party, sizeof(w->call.party), w->who.party_code);
    if (!(roles & ROLE_BIT(w->who.role)))
        return api_fail(soap, EOS_EFORBIDDEN, NULL, "%s may not call %s",
                        role_name(w->who.role), api_ops[op].name);
    ctx->who = &w->who;
    return SOAP_OK;
}
