"""cases_authz.py - authorization (issue 8, fifth bullet): buyer2 tries every buyer operation
on buyer1's objects (orders, returns, account documents, change requests). Each answer is
NOT_FOUND, never FORBIDDEN, and the same as for an object that does not exist; buyer1's
objects are unchanged afterwards; nothing of buyer1's shows up in buyer2's lists; and
buyer1's own document numbers are no idempotency keys for buyer2.
"""

import base64
import re

import lib
from lib import (PASSWORD, check, expect_ok, scan_leaks, soap_call, sql, unique,
                 xml_escape)
from suite import case

E = "{" + lib.NS_EOS + "}"
NOWHERE = 8_999_999_999  # an id no object has


def as_user(h, user):
    def call(op, inner=""):
        return soap_call(h, op, inner, auth=(user, PASSWORD, "basic"))
    return call


def lines(*qty):
    return "".join(f"<e:line><e:lineNo>{i}</e:lineNo><e:sku>SKU-000{i}</e:sku>"
                   f"<e:quantity>{q}</e:quantity></e:line>" for i, q in enumerate(qty, 1))


def ubl_order(order_no, buyer_code):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f'<cbc:ID>{xml_escape(order_no)}</cbc:ID><cbc:IssueDate>2026-11-20</cbc:IssueDate>'
        f'<cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID>{buyer_code}'
        '</cbc:ID></cac:PartyIdentification></cac:Party></cac:BuyerCustomerParty>'
        '<cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>ACME</cbc:ID>'
        '</cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>'
        '<cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity unitCode="C62">2'
        '</cbc:Quantity><cac:Item><cac:SellersItemIdentification><cbc:ID>SKU-0001</cbc:ID>'
        '</cac:SellersItemIdentification></cac:Item></cac:LineItem></cac:OrderLine></Order>')


def make_objects(h):
    """buyer1's objects: order A (submitted, with a pending change request) and order B
    (accepted, shipped, invoiced, paid in part, with a return). Returns their keys."""
    b1, erp = as_user(h, "buyer1"), as_user(h, "acme-erp")
    o = {"A_no": unique("authzA"), "B_no": unique("authzB"), "S": unique("SHP"),
         "I": unique("INV"), "P": unique("PAY"), "RN": unique("RET")}
    a = expect_ok(b1("SubmitOrder", f"<e:buyerOrderNo>{o['A_no']}</e:buyerOrderNo>"
                                    f"{lines(2, 1)}"), "buyer1 SubmitOrder A")
    o["A"] = a.find("orderId")
    cr = expect_ok(b1("RequestOrderChange", f"<e:orderId>{o['A']}</e:orderId><e:change>"
                                            f"<e:lineNo>1</e:lineNo><e:newQuantity>3"
                                            f"</e:newQuantity></e:change>"),
                   "buyer1 RequestOrderChange A")
    o["CR"] = cr.find("changeRequestId")
    b = expect_ok(b1("SubmitOrder", f"<e:buyerOrderNo>{o['B_no']}</e:buyerOrderNo>"
                                    f"{lines(4, 1)}"), "buyer1 SubmitOrder B")
    o["B"] = b.find("orderId")
    total = b.find("totalAmount")
    expect_ok(erp("UpdateOrderStatus", f"<e:orderId>{o['B']}</e:orderId><e:action>ACCEPT"
                                       f"</e:action><e:expectedVersion>{b.find('version')}"
                                       f"</e:expectedVersion>"), "ACCEPT B")
    expect_ok(erp("RecordShipment", f"<e:shipmentNo>{o['S']}</e:shipmentNo><e:orderId>{o['B']}"
                                    f"</e:orderId><e:shipDate>1999-06-02</e:shipDate>"
                                    f"<e:line><e:lineNo>1</e:lineNo><e:quantity>4</e:quantity>"
                                    f"</e:line><e:line><e:lineNo>2</e:lineNo><e:quantity>1"
                                    f"</e:quantity></e:line>"), "RecordShipment B")
    expect_ok(erp("RecordInvoice", f"<e:invoiceNo>{o['I']}</e:invoiceNo><e:orderId>{o['B']}"
                                   f"</e:orderId><e:invoiceDate>1999-06-03</e:invoiceDate>"
                                   f"<e:amount>{total}</e:amount>"), "RecordInvoice B")
    expect_ok(erp("RecordPayment", f"<e:paymentNo>{o['P']}</e:paymentNo><e:buyerCode>BUY001"
                                   f"</e:buyerCode><e:paymentDate>1999-06-04</e:paymentDate>"
                                   f"<e:amount>1.00</e:amount><e:kind>RECEIPT</e:kind>"
                                   f"<e:invoiceNo>{o['I']}</e:invoiceNo>"), "RecordPayment")
    r = expect_ok(b1("SubmitReturn", f"<e:buyerReturnNo>{o['RN']}</e:buyerReturnNo><e:orderId>"
                                     f"{o['B']}</e:orderId><e:line><e:lineNo>1</e:lineNo>"
                                     f"<e:quantity>1</e:quantity></e:line>"),
                  "buyer1 SubmitReturn on B")
    o["R"] = r.find("returnId")
    return o


def snapshot(h, o):
    """What buyer1 sees of its objects, and their rows."""
    b1 = as_user(h, "buyer1")
    snap = {}
    for key in ("A", "B"):
        st = expect_ok(b1("GetOrderStatus", f"<e:orderId>{o[key]}</e:orderId>"), "snapshot")
        order = st.body.find(f"{E}order")
        snap[key] = (order.findtext(f"{E}status"), order.findtext(f"{E}version"),
                     order.findtext(f"{E}updatedAt"), len(order.findall(f"{E}history")),
                     tuple((c.findtext(f"{E}changeRequestId"), c.findtext(f"{E}status"))
                           for c in order.findall(f"{E}changeRequest")),
                     tuple((ln.findtext(f"{E}quantity"), ln.findtext(f"{E}returnedQuantity"))
                           for ln in order.findall(f"{E}line")))
    rs = expect_ok(b1("GetReturnStatus", f"<e:returnId>{o['R']}</e:returnId>"), "snapshot")
    ret = rs.body.find(f"{E}return")
    snap["R"] = (ret.findtext(f"{E}status"), ret.findtext(f"{E}version"),
                 len(ret.findall(f"{E}history")))
    docs = expect_ok(b1("ListAccountDocuments", "<e:from>1999-06-01</e:from><e:to>1999-06-30"
                                                "</e:to><e:limit>500</e:limit>"), "snapshot")
    snap["docs"] = sorted((d.findtext(f"{E}docType"), d.findtext(f"{E}docNo"),
                           d.findtext(f"{E}confirmed")) for d in docs.findall("document")
                          if d.findtext(f"{E}docNo") in (o["S"], o["I"], o["P"]))
    snap["rows"] = sql(
        f"SELECT (SELECT GROUP_CONCAT(CONCAT(order_id, status, version) ORDER BY order_id) FROM "
        f"purchase_order WHERE order_id IN ({o['A']}, {o['B']})), (SELECT CONCAT(status, "
        f"version) FROM return_order WHERE return_id = {o['R']}), (SELECT COUNT(*) FROM "
        f"document_confirmation), (SELECT COUNT(*) FROM change_request WHERE order_id IN "
        f"({o['A']}, {o['B']}))")
    return snap


def normal(fault, request=""):
    """A fault with what the request itself said (its values) and numbers taken out: an
    existing object of another party and no object at all must be answered alike."""
    message = fault["message"] or ""
    for value in sorted(re.findall(r">([^<>]+)<", request), key=len, reverse=True):
        message = message.replace(value, "<value>")
    return (fault["code"], re.sub(r"\d+", "#", message), fault["field"], fault["faultcode"])


@case("authz", "buyer2-sweep-over-buyer1-objects")
def _(ctx):
    h = ctx.hub("plain")
    o = make_objects(h)
    before = snapshot(h, o)
    b2 = as_user(h, "buyer2")
    nf = unique("nothing")
    A, B, R, CR = o["A"], o["B"], o["R"], o["CR"]
    # (label, operation, request on buyer1's object, the same on an object that does not exist)
    sweep = [
        ("GetOrderStatus by id", "GetOrderStatus", f"<e:orderId>{A}</e:orderId>",
         f"<e:orderId>{NOWHERE}</e:orderId>"),
        ("GetOrderStatus of the shipped order", "GetOrderStatus", f"<e:orderId>{B}</e:orderId>",
         f"<e:orderId>{NOWHERE}</e:orderId>"),
        ("GetOrderStatus by buyerOrderNo", "GetOrderStatus",
         f"<e:buyerOrderNo>{o['A_no']}</e:buyerOrderNo>", f"<e:buyerOrderNo>{nf}</e:buyerOrderNo>"),
        ("GetOrderStatus naming BUY001", "GetOrderStatus",
         f"<e:orderId>{A}</e:orderId><e:buyerCode>BUY001</e:buyerCode>",
         f"<e:orderId>{A}</e:orderId><e:buyerCode>NOSUCHBUYER</e:buyerCode>"),
        ("CancelOrder", "CancelOrder", f"<e:orderId>{A}</e:orderId><e:reason>x</e:reason>",
         f"<e:orderId>{NOWHERE}</e:orderId><e:reason>x</e:reason>"),
        ("CancelOrder with version", "CancelOrder",
         f"<e:orderId>{A}</e:orderId><e:expectedVersion>1</e:expectedVersion>",
         f"<e:orderId>{NOWHERE}</e:orderId><e:expectedVersion>1</e:expectedVersion>"),
        ("RequestOrderChange", "RequestOrderChange",
         f"<e:orderId>{B}</e:orderId><e:change><e:lineNo>1</e:lineNo><e:newQuantity>9"
         f"</e:newQuantity></e:change>",
         f"<e:orderId>{NOWHERE}</e:orderId><e:change><e:lineNo>1</e:lineNo><e:newQuantity>9"
         f"</e:newQuantity></e:change>"),
        ("RequestOrderChange on an order with a pending request", "RequestOrderChange",
         f"<e:orderId>{A}</e:orderId><e:change><e:lineNo>1</e:lineNo><e:newQuantity>9"
         f"</e:newQuantity></e:change>",
         f"<e:orderId>{NOWHERE}</e:orderId><e:change><e:lineNo>1</e:lineNo><e:newQuantity>9"
         f"</e:newQuantity></e:change>"),
        ("SubmitReturn on buyer1's order", "SubmitReturn",
         f"<e:buyerReturnNo>{unique('r2')}</e:buyerReturnNo><e:orderId>{B}</e:orderId>"
         f"<e:line><e:lineNo>1</e:lineNo><e:quantity>1</e:quantity></e:line>",
         f"<e:buyerReturnNo>{unique('r2')}</e:buyerReturnNo><e:orderId>{NOWHERE}</e:orderId>"
         f"<e:line><e:lineNo>1</e:lineNo><e:quantity>1</e:quantity></e:line>"),
        ("SubmitReturn reusing buyer1's return number", "SubmitReturn",
         f"<e:buyerReturnNo>{o['RN']}</e:buyerReturnNo><e:orderId>{B}</e:orderId>"
         f"<e:line><e:lineNo>1</e:lineNo><e:quantity>1</e:quantity></e:line>",
         f"<e:buyerReturnNo>{o['RN']}</e:buyerReturnNo><e:orderId>{NOWHERE}</e:orderId>"
         f"<e:line><e:lineNo>1</e:lineNo><e:quantity>1</e:quantity></e:line>"),
        ("GetReturnStatus by id", "GetReturnStatus", f"<e:returnId>{R}</e:returnId>",
         f"<e:returnId>{NOWHERE}</e:returnId>"),
        ("GetReturnStatus by buyerReturnNo", "GetReturnStatus",
         f"<e:buyerReturnNo>{o['RN']}</e:buyerReturnNo>",
         f"<e:buyerReturnNo>{nf}</e:buyerReturnNo>"),
        ("ConfirmAccountDocument shipment", "ConfirmAccountDocument",
         f"<e:docType>SHIPMENT</e:docType><e:docNo>{o['S']}</e:docNo><e:confirmed>true"
         f"</e:confirmed>", f"<e:docType>SHIPMENT</e:docType><e:docNo>{nf}</e:docNo>"
         f"<e:confirmed>true</e:confirmed>"),
        ("ConfirmAccountDocument invoice", "ConfirmAccountDocument",
         f"<e:docType>INVOICE</e:docType><e:docNo>{o['I']}</e:docNo><e:confirmed>true"
         f"</e:confirmed>", f"<e:docType>INVOICE</e:docType><e:docNo>{nf}</e:docNo>"
         f"<e:confirmed>true</e:confirmed>"),
        ("ConfirmAccountDocument payment withdrawn", "ConfirmAccountDocument",
         f"<e:docType>PAYMENT</e:docType><e:docNo>{o['P']}</e:docNo><e:confirmed>false"
         f"</e:confirmed>", f"<e:docType>PAYMENT</e:docType><e:docNo>{nf}</e:docNo>"
         f"<e:confirmed>false</e:confirmed>"),
        ("GetOrderDocument ORDER", "GetOrderDocument",
         f"<e:orderId>{A}</e:orderId><e:kind>ORDER</e:kind><e:format>UBL_2_1</e:format>",
         f"<e:orderId>{NOWHERE}</e:orderId><e:kind>ORDER</e:kind><e:format>UBL_2_1</e:format>"),
        ("GetOrderDocument ORDER_RESPONSE", "GetOrderDocument",
         f"<e:orderId>{B}</e:orderId><e:kind>ORDER_RESPONSE</e:kind><e:format>UBL_2_1"
         f"</e:format>", f"<e:orderId>{NOWHERE}</e:orderId><e:kind>ORDER_RESPONSE</e:kind>"
         f"<e:format>UBL_2_1</e:format>"),
        ("ListOrders naming BUY001", "ListOrders", "<e:buyerCode>BUY001</e:buyerCode>",
         "<e:buyerCode>NOSUCHBUYER</e:buyerCode>"),
        ("ListAccountDocuments naming BUY001", "ListAccountDocuments",
         "<e:buyerCode>BUY001</e:buyerCode>", "<e:buyerCode>NOSUCHBUYER</e:buyerCode>"),
        ("GetAccountBalance naming BUY001", "GetAccountBalance",
         "<e:buyerCode>BUY001</e:buyerCode>", "<e:buyerCode>NOSUCHBUYER</e:buyerCode>"),
        ("GetAccountStatement naming BUY001", "GetAccountStatement",
         "<e:from>1999-01-01</e:from><e:to>2099-12-31</e:to><e:buyerCode>BUY001</e:buyerCode>",
         "<e:from>1999-01-01</e:from><e:to>2099-12-31</e:to><e:buyerCode>NOSUCHBUYER"
         "</e:buyerCode>"),
        ("GetReturnStatus naming BUY001", "GetReturnStatus",
         f"<e:returnId>{R}</e:returnId><e:buyerCode>BUY001</e:buyerCode>",
         f"<e:returnId>{R}</e:returnId><e:buyerCode>NOSUCHBUYER</e:buyerCode>"),
    ]
    problems = []
    for label, op, theirs, nothing in sweep:
        res = b2(op, theirs)
        if not res.fault:
            problems.append(f"{label}: answered {res.describe()}")
            continue
        if res.fault["code"] != "NOT_FOUND":
            problems.append(f"{label}: {res.describe()} (expected NOT_FOUND)")
            continue
        scan_leaks(res.resp, allow=[o["A_no"], o["RN"], "NOSUCHBUYER"])
        for secret in (o["B_no"], o["S"], o["I"], o["P"], "buyer1"):
            if secret in res.resp.text and secret not in theirs:
                problems.append(f"{label}: the fault shows {secret!r}")
        ref = b2(op, nothing)
        if not ref.fault or normal(ref.fault, nothing) != normal(res.fault, theirs):
            problems.append(f"{label}: another party's object answered "
                            f"{normal(res.fault, theirs)}, no object "
                            f"{normal(ref.fault, nothing) if ref.fault else ref.describe()}")
    # Seller operations: refused by role, the same whether the object exists or not.
    for label, op, theirs, nothing in [
        ("UpdateOrderStatus", "UpdateOrderStatus",
         f"<e:orderId>{A}</e:orderId><e:action>CANCEL</e:action><e:expectedVersion>1"
         f"</e:expectedVersion>", f"<e:orderId>{NOWHERE}</e:orderId><e:action>CANCEL</e:action>"
         f"<e:expectedVersion>1</e:expectedVersion>"),
        ("DecideOrderChange", "DecideOrderChange",
         f"<e:changeRequestId>{CR}</e:changeRequestId><e:decision>APPROVE</e:decision>",
         f"<e:changeRequestId>{NOWHERE}</e:changeRequestId><e:decision>APPROVE</e:decision>"),
        ("ProcessReturn", "ProcessReturn",
         f"<e:returnId>{R}</e:returnId><e:action>ACCEPT</e:action><e:expectedVersion>1"
         f"</e:expectedVersion>", f"<e:returnId>{NOWHERE}</e:returnId><e:action>ACCEPT"
         f"</e:action><e:expectedVersion>1</e:expectedVersion>"),
    ]:
        res, ref = b2(op, theirs), b2(op, nothing)
        if not res.fault or not ref.fault or normal(res.fault, theirs) != normal(ref.fault,
                                                                                  nothing):
            problems.append(f"{label} (seller operation): {res.describe()} vs no object: "
                            f"{ref.describe()}")
    # Lists: nothing of buyer1's.
    listed = b2("ListOrders", "<e:limit>500</e:limit>")
    ids = {s.findtext(f"{E}orderId") for s in listed.findall("orderSummary")}
    if ids & {A, B}:
        problems.append(f"ListOrders of buyer2 shows buyer1's orders {ids & {A, B}}")
    docs = b2("ListAccountDocuments", "<e:limit>500</e:limit>")
    nos = {d.findtext(f"{E}docNo") for d in docs.findall("document")}
    if nos & {o["S"], o["I"], o["P"]}:
        problems.append(f"ListAccountDocuments of buyer2 shows {nos & {o['S'], o['I'], o['P']}}")
    stmt = b2("GetAccountStatement", "<e:from>1999-01-01</e:from><e:to>1999-12-31</e:to>")
    nos = {e.findtext(f"{E}docNo") for e in stmt.findall("entry")}
    if nos & {o["S"], o["I"], o["P"]}:
        problems.append(f"GetAccountStatement of buyer2 shows {nos & {o['S'], o['I'], o['P']}}")
    # Neighbouring ids: buyer2's own or NOT_FOUND, never buyer1's.
    for oid in range(int(A) - 3, int(B) + 4):
        st = b2("GetOrderStatus", f"<e:orderId>{oid}</e:orderId>")
        if st.fault:
            if st.fault["code"] != "NOT_FOUND":
                problems.append(f"GetOrderStatus {oid}: {st.describe()}")
        elif st.find("order/buyerCode") != "BUY002":
            problems.append(f"GetOrderStatus {oid} shows {st.find('order/buyerCode')}'s order")
    after = snapshot(h, o)
    for key in before:
        if before[key] != after[key]:
            problems.append(f"buyer1's {key} changed: {before[key]} -> {after[key]}")
    check(not problems, f"{len(problems)} problems: " + "; ".join(problems))
    ctx.note(f"{len(sweep)} buyer requests and 3 seller requests on buyer1's orders {A}, {B}, "
             f"return {R}, change request {CR}, documents {o['S']}, {o['I']}, {o['P']}")


@case("authz", "buyer1-numbers-are-no-keys-for-buyer2")
def _(ctx):
    # The idempotency key is per party: buyer2 reusing buyer1's buyerOrderNo gets an order of
    # its own (never "duplicate" of buyer1's, never a conflict revealing it exists).
    h = ctx.hub("plain")
    b1, b2 = as_user(h, "buyer1"), as_user(h, "buyer2")
    no = unique("key")
    theirs = expect_ok(b1("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>{lines(2)}"),
                       "buyer1 SubmitOrder")
    mine = expect_ok(b2("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>{lines(2)}"),
                     "buyer2 SubmitOrder with buyer1's number")
    problems = []
    if mine.find("duplicate") != "false" or mine.find("orderId") == theirs.find("orderId"):
        problems.append(f"buyer2 got duplicate={mine.find('duplicate')} orderId "
                        f"{mine.find('orderId')} (buyer1's is {theirs.find('orderId')})")
    # The same through a UBL document whose ID is buyer1's order number.
    no2 = unique("keyd")
    expect_ok(b1("SubmitOrder", f"<e:buyerOrderNo>{no2}</e:buyerOrderNo>{lines(2)}"), "buyer1")
    doc = base64.b64encode(ubl_order(no2, "BUY002").encode()).decode()
    res = b2("SubmitOrderDocument", f"<e:format>UBL_2_1</e:format><e:document>{doc}"
                                    f"</e:document>")
    if res.fault:
        problems.append(f"SubmitOrderDocument by buyer2 with buyer1's number: {res.describe()}")
    elif res.find("duplicate") != "false":
        problems.append(f"SubmitOrderDocument answered duplicate={res.find('duplicate')}")
    # buyer1's orders are still one each.
    for n in (no, no2):
        rows = lib.orders_with_no(n, "BUY001")
        if len(rows) != 1:
            problems.append(f"buyer1 has {len(rows)} orders numbered {n}")
    check(not problems, "; ".join(problems))
    # Tidy up buyer2's orders (credit limit 5000).
    for n in (no, no2):
        for oid, _ in lib.orders_with_no(n, "BUY002"):
            b2("CancelOrder", f"<e:orderId>{oid}</e:orderId>")
