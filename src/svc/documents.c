/*
 * documents.c - UBL in and out around the order use cases.
 */
#include "svc/documents.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "doc/ubl.h"

/* Whether the document gives the buyer the caller's party code among its
 * codes (ubl_order_info.buyer_codes). */
static bool names_buyer(const struct ubl_order_info *info, const char *code)
{
    for (size_t i = 0; i < info->buyer_code_count; i++)
        if (strcasecmp(info->buyer_codes[i], code) == 0) /* codes match in any case */
            return true;
    return false;
}

int svc_submit_order_document(struct svc_ctx *ctx, const char *xml, size_t len,
                              struct submit_result *out)
{
    struct order_draft draft;
    struct ubl_order_info info;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&draft, 0, sizeof(draft));
    if ((rc = ubl_order_parse(&draft, &info, xml, len)) < 0)
        return rc;
    if (info.buyer_code_count > 0 && ctx->who->role == ROLE_BUYER &&
        !names_buyer(&info, ctx->who->party_code)) {
        rc = eos_err_set(EOS_EINVALID, "/Order/cac:BuyerCustomerParty",
                         "the document's buyer %s is not the caller's party %s", info.buyer_code,
                         ctx->who->party_code);
        goto out;
    }
    out->lines = calloc(draft.line_count, sizeof(*out->lines));
    if (!out->lines) {
        rc = eos_err_set(EOS_EINTERNAL, NULL, "out of memory");
        goto out;
    }
    str_copy(draft.currency, sizeof(draft.currency), info.currency);
    rc = svc_submit_order(ctx, &draft, out);
    /* The caller sent a document: a fault names its element, not the
     * SubmitOrder field the draft carried it in. */
    if (rc < 0 && eos_err_field()) {
        char message[EOS_ERR_MSG_MAX], path[EOS_ERR_FIELD_MAX];
        const char *field = ubl_order_field(path, sizeof(path), eos_err_field());

        if (field == path) {
            str_copy(message, sizeof(message), eos_err_message());
            rc = eos_err_set(rc, path, "%s", message);
        }
    }
    if (rc < 0) {
        free(out->lines);
        out->lines = NULL;
    }
out:
    ubl_draft_free(&draft);
    return rc;
}

int svc_order_document(struct svc_ctx *ctx, int64_t order_id, enum order_document_kind kind,
                       char **xml, size_t *len)
{
    struct order_view v;
    int rc;

    if ((rc = svc_get_order(ctx, order_id, NULL, NULL, &v)) < 0)
        return rc;
    if (kind == DOC_ORDER)
        rc = ubl_order_write(xml, len, &v);
    else
        rc = ubl_order_response_write(xml, len, &v);
    order_view_clear(&v);
    return rc;
}
