/*
 * account.h - reconciliation: the documents both parties confirm, the
 * balance summary and the statement of a buyer's account.
 */
#ifndef EOS_SVC_ACCOUNT_H
#define EOS_SVC_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ledger.h"
#include "store/recon.h"
#include "svc/ctx.h"

struct doc_filter_in {
    char doc_type[10];
    char from[DATE_LEN + 1];
    char to[DATE_LEN + 1];
    bool unconfirmed_only;
    int32_t offset;
    int32_t limit;
    char buyer_code[CODE_MAX + 1];
    char seller_code[CODE_MAX + 1];  /* "" : every seller of a buyer */
};

/* ListAccountDocuments: out has room for in->limit documents. */
int svc_list_documents(struct svc_ctx *ctx, const struct doc_filter_in *in,
                       struct account_doc *out, size_t *count, int64_t *total);

/* ConfirmAccountDocument (buyer): confirms or withdraws; *at receives when.
 * seller_code "" : the one seller that has a document of that number. */
int svc_confirm_document(struct svc_ctx *ctx, const char *doc_type, const char *doc_no,
                         const char *seller_code, bool confirmed, int64_t *at);

struct balance_result {
    char currency[4];
    money_t uninvoiced;
    money_t receivable;
    money_t unapplied;
    money_t open_orders;
    bool has_limit;
    money_t credit_limit;
    money_t available;      /* limit - open orders - receivable */
};

/* GetAccountBalance as of a day ("" : now). A seller names the buyer; a
 * buyer with several sellers names the seller. */
int svc_account_balance(struct svc_ctx *ctx, const char *as_of, const char *buyer_code,
                        const char *seller_code, struct balance_result *out);

struct statement_result {
    char currency[4];
    money_t opening;
    money_t closing;
    size_t count;
    struct statement_line *lines;   /* owned; free() */
};

/* GetAccountStatement from..to (inclusive). */
int svc_account_statement(struct svc_ctx *ctx, const char *from, const char *to,
                          const char *buyer_code, const char *seller_code,
                          struct statement_result *out);

#endif
