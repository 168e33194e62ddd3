/*
 * ops.h - the operations of the contract and who may call them.
 *
 * One row per operation: its name (for logs and metrics) and the roles that
 * may call it. The authorization check of every request reads this table and
 * nothing else.
 */
#ifndef EOS_API_OPS_H
#define EOS_API_OPS_H

enum api_op {
    OP_NONE = 0,            /* not a SOAP operation: GET, or a request that failed to parse */
    OP_GET_SERVICE_INFO,
    OP_GET_CATALOG,
    OP_SUBMIT_ORDER,
    OP_SUBMIT_ORDER_DOCUMENT,
    OP_GET_ORDER_STATUS,
    OP_LIST_ORDERS,
    OP_CANCEL_ORDER,
    OP_REQUEST_ORDER_CHANGE,
    OP_SUBMIT_RETURN,
    OP_GET_RETURN_STATUS,
    OP_LIST_ACCOUNT_DOCUMENTS,
    OP_CONFIRM_ACCOUNT_DOCUMENT,
    OP_GET_ACCOUNT_BALANCE,
    OP_GET_ACCOUNT_STATEMENT,
    OP_DOWNLOAD_ORDERS,
    OP_ACKNOWLEDGE_ORDERS,
    OP_UPDATE_ORDER_STATUS,
    OP_DECIDE_ORDER_CHANGE,
    OP_RECORD_SHIPMENT,
    OP_RECORD_INVOICE,
    OP_RECORD_PAYMENT,
    OP_GET_ORDER_DOCUMENT,
    OP_DOWNLOAD_RETURNS,
    OP_ACKNOWLEDGE_RETURNS,
    OP_PROCESS_RETURN,
    OP_UPSERT_PRODUCTS,
    OP_SET_PRICES,
    OP_PUBLISH_PRODUCTS,
    OP_UPDATE_STOCK,
    OP_SET_CREDIT_LIMIT,
    OP_COUNT
};

struct api_op_info {
    const char *name;  /* the contract's operation name */
    unsigned roles;    /* ROLE_BIT()s allowed; 0: anyone, no credentials needed */
};

extern const struct api_op_info api_ops[OP_COUNT];

#endif
