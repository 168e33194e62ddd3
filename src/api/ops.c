/*
 * ops.c - the operation table: names and permissions (CONTRACT.md, "Who may call what").
 */
#include "api/ops.h"

#include "core/role.h"

#define BUYER ROLE_BIT(ROLE_BUYER)
#define SELLER ROLE_BIT(ROLE_SELLER)
#define ADMIN ROLE_BIT(ROLE_ADMIN)

const struct api_op_info api_ops[OP_COUNT] = {
    [OP_NONE] = {"-", 0},
    [OP_GET_SERVICE_INFO] = {"GetServiceInfo", 0},
    [OP_GET_CATALOG] = {"GetCatalog", BUYER | ADMIN},
    [OP_SUBMIT_ORDER] = {"SubmitOrder", BUYER | ADMIN},
    [OP_SUBMIT_ORDER_DOCUMENT] = {"SubmitOrderDocument", BUYER | ADMIN},
    [OP_GET_ORDER_STATUS] = {"GetOrderStatus", BUYER | SELLER | ADMIN},
    [OP_LIST_ORDERS] = {"ListOrders", BUYER | SELLER | ADMIN},
    [OP_CANCEL_ORDER] = {"CancelOrder", BUYER | ADMIN},
    [OP_REQUEST_ORDER_CHANGE] = {"RequestOrderChange", BUYER | ADMIN},
    [OP_SUBMIT_RETURN] = {"SubmitReturn", BUYER | ADMIN},
    [OP_GET_RETURN_STATUS] = {"GetReturnStatus", BUYER | SELLER | ADMIN},
    [OP_LIST_ACCOUNT_DOCUMENTS] = {"ListAccountDocuments", BUYER | SELLER | ADMIN},
    [OP_CONFIRM_ACCOUNT_DOCUMENT] = {"ConfirmAccountDocument", BUYER | ADMIN},
    [OP_GET_ACCOUNT_BALANCE] = {"GetAccountBalance", BUYER | SELLER | ADMIN},
    [OP_GET_ACCOUNT_STATEMENT] = {"GetAccountStatement", BUYER | SELLER | ADMIN},
    [OP_DOWNLOAD_ORDERS] = {"DownloadOrders", SELLER | ADMIN},
    [OP_ACKNOWLEDGE_ORDERS] = {"AcknowledgeOrders", SELLER | ADMIN},
    [OP_UPDATE_ORDER_STATUS] = {"UpdateOrderStatus", SELLER | ADMIN},
    [OP_DECIDE_ORDER_CHANGE] = {"DecideOrderChange", SELLER | ADMIN},
    [OP_RECORD_SHIPMENT] = {"RecordShipment", SELLER | ADMIN},
    [OP_RECORD_INVOICE] = {"RecordInvoice", SELLER | ADMIN},
    [OP_RECORD_PAYMENT] = {"RecordPayment", SELLER | ADMIN},
    [OP_GET_ORDER_DOCUMENT] = {"GetOrderDocument", BUYER | SELLER | ADMIN},
    [OP_DOWNLOAD_RETURNS] = {"DownloadReturns", SELLER | ADMIN},
    [OP_ACKNOWLEDGE_RETURNS] = {"AcknowledgeReturns", SELLER | ADMIN},
    [OP_PROCESS_RETURN] = {"ProcessReturn", SELLER | ADMIN},
    [OP_UPSERT_PRODUCTS] = {"UpsertProducts", SELLER | ADMIN},
    [OP_SET_PRICES] = {"SetPrices", SELLER | ADMIN},
    [OP_PUBLISH_PRODUCTS] = {"PublishProducts", SELLER | ADMIN},
    [OP_UPDATE_STOCK] = {"UpdateStock", SELLER | ADMIN},
    [OP_SET_CREDIT_LIMIT] = {"SetCreditLimit", SELLER | ADMIN},
};
