/*
 * ubl.h - UBL 2.1 documents: an Order read into a draft (SubmitOrderDocument,
 * `eosctl import-orders`), and an Order or OrderResponse written from a stored
 * order (GetOrderDocument, `eosctl export-order`).
 *
 * Reading is hardened for documents from strangers: no network, no DTD at all
 * (a document with a DOCTYPE is refused before its declarations are read, so
 * no entity is ever defined, let alone expanded), bounded size and element
 * depth, elements matched by namespace URI and local name, never by prefix.
 * libxml2 never prints: its errors become our error codes and messages.
 *
 * Faults name the element XPath-like with the conventional prefixes, whatever
 * prefixes the document used, e.g. "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity"
 * (the index counts cac:OrderLine elements from 1).
 *
 * Every function may be called from any thread at any time; the doc layer
 * initialises libxml2 once itself. Callers must not call xmlCleanupParser()
 * while the hub serves.
 */
#ifndef EOS_DOC_UBL_H
#define EOS_DOC_UBL_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "core/order.h"
#include "core/order_view.h"

#define UBL_NS_ORDER "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
#define UBL_NS_ORDER_RESPONSE "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
#define UBL_NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define UBL_NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

#define UBL_MAX_BYTES ((size_t)4 * 1024 * 1024) /* a larger document is EOS_ELIMIT */
#define UBL_MAX_DEPTH 64                        /* deeper element nesting is EOS_ELIMIT */
#define UBL_BUYER_CODES_MAX 8                   /* codes of the buyer read from one Order */

/* ------------------------------------------------------------ Order in */

/* What an Order says beyond the draft, for the caller to check against the
 * authenticated party and its account (the draft has no place for them). */
struct ubl_order_info {
    char issue_date[DATE_LEN + 1]; /* cbc:IssueDate, YYYY-MM-DD (any time zone dropped) */
    char currency[4];              /* cbc:DocumentCurrencyCode, else the prices' currencyID;
                                      "" when the document names none */
    char buyer_code[CODE_MAX + 1]; /* BuyerCustomerParty/SupplierAssignedAccountID (the code
                                      its seller gave it), else Party/PartyIdentification/ID
                                      (the first without schemeID, else the first); "" if none */
    /* Every code the document gives the buyer (the account ID and each
     * PartyIdentification/ID that fits a code), buyer_code among them: the
     * caller's party is the buyer when it is any of them. */
    char buyer_codes[UBL_BUYER_CODES_MAX][CODE_MAX + 1];
    size_t buyer_code_count;
};

/*
 * Parses a UBL 2.1 Order of len bytes (any encoding libxml2 detects from the
 * BOM or declaration; need not be NUL-terminated) into *out, and, when info is
 * not NULL, *info.
 *
 * Mapping (cac:/cbc: as in UBL; "Line" is /Order/cac:OrderLine[i]/cac:LineItem):
 *   cbc:ID                                                  -> buyer_order_no (required)
 *   cbc:IssueDate                                           -> info (required, a date)
 *   cbc:Note (each, joined by "\n")                         -> note
 *   cac:BuyerCustomerParty                                  -> info (required)
 *   cac:SellerSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID (the
 *     first without schemeID, else the first: a GLN or VAT number has one), else
 *   cac:SellerSupplierParty/cbc:CustomerAssignedAccountID   -> seller_code (required element,
 *                                                              the code may be absent: "")
 *   cac:Delivery/cac:DeliveryLocation/cbc:ID                -> ship_to_code
 *   cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate  -> delivery_date
 *   cac:OrderLine (1..ORDER_MAX_LINES, in document order)   -> lines
 *   Line/cbc:ID (integer 1..99999, unique)                  -> line_no
 *   Line/cbc:Quantity (> 0, at most 3 decimals)             -> quantity
 *   Line/cbc:Quantity/@unitCode (optional; the service holds
 *                      it against the product's unit)        -> unit_code
 *   Line/cac:Price/cbc:PriceAmount (>= 0, optional; a
 *                      cbc:BaseQuantity there must be 1)     -> expected_price
 *   Line/cac:Item (required)/cac:SellersItemIdentification/cbc:ID -> sku (required)
 *   Line/cac:Delivery/cac:RequestedDeliveryPeriod/cbc:StartDate -> line delivery_date
 * allow_adjust is true and validate_only false (UBL has neither). A line's
 * own cac:DeliveryLocation, and a cac:DeliveryAddress without a location
 * code, are refused: where goods go is never dropped. Other elements
 * not listed are ignored; an element listed above appearing twice where it is
 * read (e.g. two cbc:ID, two cac:Delivery) is refused rather than guessed.
 * Texts are trimmed of XML white space and limited in characters as the
 * draft's fields are (the notes together to NOTE_MAX); dates may carry a time
 * zone, dropped.
 * All amounts must be in one currency (DocumentCurrencyCode when given).
 *
 * Fails, leaving *out and *info untouched, with:
 *   EOS_ELIMIT      len > UBL_MAX_BYTES, elements nested deeper than
 *                   UBL_MAX_DEPTH, more than ORDER_MAX_LINES order lines
 *   EOS_EMALFORMED  not well-formed XML, a DOCTYPE (internal or external
 *                   subset), an entity reference; the message has the line
 *   EOS_EINVALID    root not {UBL_NS_ORDER}Order (field "/Order"), a required
 *                   element missing, empty or too long, a bad number, date
 *                   or line number; field is the element's path
 *   EOS_EINTERNAL   out of memory
 * The draft is not checked against the catalog or order_draft_validate():
 * the service does that as for SubmitOrder.
 */
int ubl_order_parse(struct order_draft *out, struct ubl_order_info *info, const char *xml,
                    size_t len);

/* The document path a SubmitOrder field of a draft from ubl_order_parse()
 * came from ("line[2]/sku" -> "/Order/cac:OrderLine[2]/cac:LineItem/cac:Item/
 * cac:SellersItemIdentification/cbc:ID"), written into out; field itself
 * when it has none (a path already, or NULL). */
const char *ubl_order_field(char *out, size_t size, const char *field);

/* Frees the lines of a draft filled by ubl_order_parse() and zeroes it.
 * NULL does nothing; so does a zeroed draft. */
void ubl_draft_free(struct order_draft *d);

/* ------------------------------------------------------------ Order out */

/*
 * Writes the order as a UBL 2.1 Order in UTF-8: UBLVersionID 2.1, ID =
 * buyerOrderNo, SalesOrderID = orderId, IssueDate = the UTC date of
 * created_at, Note, DocumentCurrencyCode, BuyerCustomerParty and
 * SellerSupplierParty (Party/PartyIdentification/ID = the party codes),
 * Delivery (ship-to location and requested date) when the order has either,
 * AnticipatedMonetaryTotal/PayableAmount = total, and per line LineItem with
 * ID, Quantity (no unitCode: the view has no unit of measure),
 * LineExtensionAmount, Delivery when the line has a date, Price/PriceAmount =
 * the current unit price, Item/Name and Item/SellersItemIdentification/ID.
 *
 * ubl_order_parse() of the result gives the order's draft back: the same
 * number, codes, dates, note and lines, each current unit price as the
 * expected price.
 *
 * On success *out is a NUL-terminated buffer the caller frees with free(), and
 * *len_out its length without the NUL. Fails, leaving both untouched, with
 * EOS_EINTERNAL when the view cannot be written (no valid currency, text that
 * is not valid UTF-8 or holds control characters) or memory runs out.
 */
int ubl_order_write(char **out, size_t *len_out, const struct order_view *v);

/* ------------------------------------------------------------ OrderResponse out */

/* UNCL4343 order response codes. */
enum ubl_response_code {
    UBL_RESPONSE_AB = 0, /* message acknowledged: received, not yet decided (SUBMITTED) */
    UBL_RESPONSE_AP = 1, /* accepted as sent */
    UBL_RESPONSE_CA = 2, /* accepted with changes: some line differs from what was ordered */
    UBL_RESPONSE_RE = 3, /* rejected: REJECTED, CANCELLED, or CLOSED from either */
};

/*
 * The response code for the order's state. SUBMITTED is AB; REJECTED and
 * CANCELLED are RE; CLOSED is RE when the history's last entry into CLOSED came
 * from REJECTED or CANCELLED; ACCEPTED and every later state is CA when some
 * line's quantity or unit price differs from what the buyer ordered
 * (ordered_quantity, ordered_unit_price: seller adjustments and approved
 * change requests overwrite the current ones), otherwise AP. This function
 * can't fail.
 */
enum ubl_response_code ubl_response_code(const struct order_view *v);

/* "AB", "AP", "CA", "RE"; "?" when out of range. */
const char *ubl_response_code_name(enum ubl_response_code code);

/*
 * Writes a UBL 2.1 OrderResponse in UTF-8: UBLVersionID 2.1, ID =
 * "<orderId>-<version>", SalesOrderID = orderId, IssueDate = the UTC date of
 * updated_at, OrderResponseCode (listID UNCL4343, see ubl_response_code()),
 * Note = the reason of the latest history entry when it has one,
 * DocumentCurrencyCode, OrderReference/ID = buyerOrderNo, SellerSupplierParty,
 * BuyerCustomerParty, LegalMonetaryTotal/PayableAmount = total (not with RE).
 * With CA, every line as a cac:OrderLine: LineItem with ID, LineStatusCode
 * (listID UNCL1229: 5 accepted without amendment, 3 changed, 7 not accepted
 * = changed to quantity 0), the current Quantity, LineExtensionAmount,
 * Delivery, Price/PriceAmount and Item, then OrderLineReference/LineID; with
 * AB, AP and RE no lines (the order stands as sent, or not at all).
 *
 * Ownership and failures as ubl_order_write().
 */
int ubl_order_response_write(char **out, size_t *len_out, const struct order_view *v);

#endif
