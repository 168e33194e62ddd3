/*
 * err.h - the hub's error codes and the thread-local "last error".
 *
 * Every fallible function returns int: 0 on success, a negative enum eos_err
 * on failure. The code that detects a failure sets the message (and, for
 * validation failures, the field) once with eos_err_set(); callers pass the
 * code up unchanged. Each code maps 1:1 to a fault code of CONTRACT.md; the
 * mapping to SOAP faults is one table in api/fault.c.
 */
#ifndef EOS_BASE_ERR_H
#define EOS_BASE_ERR_H

#include <stdbool.h>

enum eos_err {
    EOS_OK = 0,
    EOS_EAUTH_REQUIRED = -1,     /* no credentials presented */
    EOS_EAUTH_FAILED = -2,       /* credentials presented but wrong, stale or replayed */
    EOS_EFORBIDDEN = -3,         /* role may not call this operation */
    EOS_ENOTFOUND = -4,          /* no such object, or another party's */
    EOS_EINVALID = -5,           /* VALIDATION_FAILED: a field is wrong (field is set) */
    EOS_EUNKNOWN_PRODUCT = -6,   /* SKU does not exist */
    EOS_ENOT_AVAILABLE = -7,     /* PRODUCT_NOT_AVAILABLE: unpublished or inactive */
    EOS_EPRICE_MISMATCH = -8,    /* buyer's expected price differs from the current one */
    EOS_ECREDIT = -9,            /* CREDIT_LIMIT_EXCEEDED */
    EOS_ECONFLICT = -10,         /* DUPLICATE_CONFLICT: same number, other content */
    EOS_ETRANSITION = -11,       /* INVALID_TRANSITION in a state machine */
    EOS_EVERSION = -12,          /* VERSION_CONFLICT: expectedVersion is stale */
    EOS_EAUTHORITY = -13,        /* PRICE_AUTHORITY_EXCEEDED */
    EOS_ENOT_RETURNABLE = -14,   /* NOT_RETURNABLE */
    EOS_EQUANTITY = -15,         /* QUANTITY_EXCEEDED */
    EOS_ELIMIT = -16,            /* LIMIT_EXCEEDED: too large, too many, too deep */
    EOS_EMALFORMED = -17,        /* MALFORMED_REQUEST */
    EOS_EUNAVAIL = -18,          /* SERVICE_UNAVAILABLE: retryable (DB away, shutting down) */
    EOS_EINTERNAL = -19,         /* INTERNAL: a bug or an unexpected library failure */
    EOS_ERETRY = -20,            /* deadlock / certification failure: the use case is re-run;
                                    never leaves svc/ */
    EOS_EDUPKEY = -21,           /* a unique key refused an insert; store/ and svc/ only, where
                                    it means "someone else created it first" */
};

#define EOS_ERR_MSG_MAX 512
#define EOS_ERR_FIELD_MAX 128

/* Sets the thread's last error and returns code, so callers can write
 * `return eos_err_set(EOS_EINVALID, "quantity", "must be > 0");`.
 * field may be NULL. The message must not contain internal details (SQL,
 * paths, library versions): it goes to the client. */
int eos_err_set(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The last error's code, message ("" if none) and field (NULL if none). */
int eos_err_code(void);
const char *eos_err_message(void);
const char *eos_err_field(void);

/* Forgets the last error (start of every request). */
void eos_err_clear(void);

/* The contract's fault code for an error code, e.g. "VALIDATION_FAILED". */
const char *eos_err_name(int code);

/* True when the client may retry the same request unchanged. */
bool eos_err_retryable(int code);

/* True when the caller's request is at fault (SOAP Client/Sender). */
bool eos_err_is_client(int code);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
