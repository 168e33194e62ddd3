/*
 * err.c - thread-local last error, and the table of error codes.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct eos_err_state {
    int code;
    char message[EOS_ERR_MSG_MAX];
    char field[EOS_ERR_FIELD_MAX];
    bool has_field;
};

static _Thread_local struct eos_err_state last;

struct err_info {
    int code;
    const char *name;
    bool client;    /* the caller must change the request */
    bool retryable; /* the same request may succeed later */
};

static const struct err_info err_table[] = {
    {EOS_OK, "OK", false, false},
    {EOS_EAUTH_REQUIRED, "AUTH_REQUIRED", true, false},
    {EOS_EAUTH_FAILED, "AUTH_FAILED", true, false},
    {EOS_EFORBIDDEN, "FORBIDDEN", true, false},
    {EOS_ENOTFOUND, "NOT_FOUND", true, false},
    {EOS_EINVALID, "VALIDATION_FAILED", true, false},
    {EOS_EUNKNOWN_PRODUCT, "UNKNOWN_PRODUCT", true, false},
    {EOS_ENOT_AVAILABLE, "PRODUCT_NOT_AVAILABLE", true, false},
    {EOS_EPRICE_MISMATCH, "PRICE_MISMATCH", true, false},
    {EOS_ECREDIT, "CREDIT_LIMIT_EXCEEDED", true, false},
    {EOS_ECONFLICT, "DUPLICATE_CONFLICT", true, false},
    {EOS_ETRANSITION, "INVALID_TRANSITION", true, false},
    {EOS_EVERSION, "VERSION_CONFLICT", true, false},
    {EOS_EAUTHORITY, "PRICE_AUTHORITY_EXCEEDED", true, false},
    {EOS_ENOT_RETURNABLE, "NOT_RETURNABLE", true, false},
    {EOS_EQUANTITY, "QUANTITY_EXCEEDED", true, false},
    {EOS_ELIMIT, "LIMIT_EXCEEDED", true, false},
    {EOS_EMALFORMED, "MALFORMED_REQUEST", true, false},
    {EOS_EUNAVAIL, "SERVICE_UNAVAILABLE", false, true},
    {EOS_EINTERNAL, "INTERNAL", false, false},
    {EOS_ERETRY, "SERVICE_UNAVAILABLE", false, true},
    {EOS_EDUPKEY, "INTERNAL", false, false},
};

/* Codes are dense from 0 down to EOS_ERETRY, so the table is indexed by -code;
 * anything else is a bug and reported as INTERNAL. */
static const struct err_info *err_lookup(int code)
{
    if (code <= 0 && code > -(int)ARRAY_SIZE(err_table) && err_table[-code].code == code)
        return &err_table[-code];
    return &err_table[-EOS_EINTERNAL];
}

int eos_err_set(int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    last.code = code;
    va_start(ap, fmt);
    vsnprintf(last.message, sizeof(last.message), fmt, ap);
    va_end(ap);
    last.has_field = field != NULL;
    if (field)
        snprintf(last.field, sizeof(last.field), "%s", field);
    else
        last.field[0] = '\0';
    return code;
}

int eos_err_code(void)
{
    return last.code;
}

const char *eos_err_message(void)
{
    return last.message;
}

const char *eos_err_field(void)
{
    return last.has_field ? last.field : NULL;
}

void eos_err_clear(void)
{
    last.code = EOS_OK;
    last.message[0] = '\0';
    last.field[0] = '\0';
    last.has_field = false;
}

const char *eos_err_name(int code)
{
    return err_lookup(code)->name;
}

bool eos_err_retryable(int code)
{
    return err_lookup(code)->retryable;
}

bool eos_err_is_client(int code)
{
    return err_lookup(code)->client;
}
