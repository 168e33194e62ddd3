"""test_documents_flow.py - UBL 2.1 documents through the hub and through eosctl, with a
real third-party SOAP client (python3-zeep).

Started by scripts/run-tests (EOS_TEST_BUILD, EOS_TEST_VAR, the test database); starts its own
hub on a free port. The buyer (buyer1) places an order, the seller (acme-erp) accepts it with a
line declined and a price adjusted; the buyer fetches the Order document, which is the order as
placed, and sends it again under a new number: the new order has the lines and prices of the
first as ordered. The same document replayed is a duplicate; one in another currency or naming
another buyer is refused and stores nothing. Then eosctl imports documents from files (a good
one, the same again, a hostile one) and exports an OrderResponse. Exit status 0 when every check
held.
"""

import base64
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from decimal import Decimal

import zeep.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hubproc import Hub, fault_code  # noqa: E402

RUN = f"TD-{os.getpid()}-{int(time.time())}"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def with_id(xml, new_id):
    """The document with its Order ID (the buyerOrderNo) replaced."""
    out, n = re.subn(r"(<cbc:ID>)[^<]*(</cbc:ID>)", rf"\g<1>{new_id}\g<2>", xml, count=1)
    assert n == 1, "no cbc:ID in the document"
    return out


def fault_field(fault):
    detail = fault.detail
    field = detail.find("{urn:eoshub:v1}error/{urn:eoshub:v1}field") if detail is not None else None
    return field.text if field is not None else None


class DocumentsFlow(unittest.TestCase):
    hub = None

    @classmethod
    def setUpClass(cls):
        cls.hub = Hub("interop_documents.log")
        cls.buyer = cls.hub.client("buyer1")
        cls.erp = cls.hub.client("acme-erp", digest=True)

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def place_and_change(self, number):
        """An order of three lines, accepted with line 1 declined and line 2 at 23.00."""
        sent = self.buyer.service.SubmitOrder(
            buyerOrderNo=number, allowAdjust=True,
            line=[{"lineNo": 1, "sku": "SKU-0001", "quantity": Decimal("2")},
                  {"lineNo": 2, "sku": "SKU-0006", "quantity": Decimal("4")},
                  {"lineNo": 3, "sku": "SKU-0004", "quantity": Decimal("1.5")}])
        accepted = self.erp.service.UpdateOrderStatus(
            orderId=sent.orderId, action="ACCEPT", expectedVersion=1,
            adjustment=[{"lineNo": 1, "quantity": Decimal("0")},
                        {"lineNo": 2, "unitPrice": Decimal("23.00")}])
        self.assertEqual(accepted.status, "ACCEPTED")
        return sent

    def submit_document(self, xml):
        return self.buyer.service.SubmitOrderDocument(format="UBL_2_1",
                                                      document=xml.encode("utf-8"))

    def order_document(self, order_id, kind):
        doc = self.buyer.service.GetOrderDocument(orderId=order_id, kind=kind, format="UBL_2_1")
        return doc.decode("utf-8") if isinstance(doc, bytes) else base64.b64decode(doc).decode()

    def assert_refused(self, xml, number, code, field):
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.submit_document(xml)
        self.assertEqual(fault_code(caught.exception), code)
        self.assertEqual(fault_field(caught.exception), field)
        with self.assertRaises(zeep.exceptions.Fault) as missing:
            self.buyer.service.GetOrderStatus(buyerOrderNo=number)
        self.assertEqual(fault_code(missing.exception), "NOT_FOUND")

    def test_order_document_round_trip(self):
        first = self.place_and_change(f"{RUN}-A")
        xml = self.order_document(first.orderId, "ORDER")
        self.assertIn("<cbc:DocumentCurrencyCode>CNY</cbc:DocumentCurrencyCode>", xml)

        # Sent again as a new order: the lines and prices as first ordered.
        again = self.submit_document(with_id(xml, f"{RUN}-B"))
        self.assertFalse(again.duplicate)
        self.assertEqual(again.status, "SUBMITTED")
        self.assertEqual([(l.lineNo, l.sku, l.quantity, l.unitPrice) for l in again.line],
                         [(l.lineNo, l.sku, l.quantity, l.unitPrice) for l in first.line])
        self.assertEqual(again.totalAmount, first.totalAmount)

        # The same document again: the same order, answered as a duplicate.
        replay = self.submit_document(with_id(xml, f"{RUN}-B"))
        self.assertTrue(replay.duplicate)
        self.assertEqual(replay.orderId, again.orderId)
        # The same number in another currency is another order: a conflict, not the first.
        in_usd = re.sub(r'currencyID="CNY"', 'currencyID="USD"', with_id(xml, f"{RUN}-B")) \
            .replace("<cbc:DocumentCurrencyCode>CNY<", "<cbc:DocumentCurrencyCode>USD<")
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.submit_document(in_usd)
        self.assertEqual(fault_code(caught.exception), "DUPLICATE_CONFLICT")

        # The seller's changes are in the OrderResponse: accepted with changes (CA).
        response = self.order_document(first.orderId, "ORDER_RESPONSE")
        self.assertIn(">CA</cbc:OrderResponseCode>", response)

    def test_the_document_of_an_order_replays_it(self):
        # Placed by SubmitOrder without naming the seller; its Order document names ACME. Sent
        # under the same number it is the same order, answered as a duplicate.
        number = f"{RUN}-K"
        first = self.buyer.service.SubmitOrder(
            buyerOrderNo=number,
            line=[{"lineNo": 1, "sku": "SKU-0004", "quantity": Decimal("2"),
                   "unitPrice": Decimal("20.00")}])
        xml = self.order_document(first.orderId, "ORDER")
        self.assertIn("ACME", xml)
        replay = self.submit_document(xml)
        self.assertTrue(replay.duplicate)
        self.assertEqual(replay.orderId, first.orderId)

    def test_the_buyer_may_be_named_by_any_of_its_codes(self):
        # The seller's ERP number for the buyer first, the hub's code (in another case) after
        # it: the caller's party is among the buyer's codes, so the order is taken.
        first = self.buyer.service.SubmitOrder(
            buyerOrderNo=f"{RUN}-M",
            line=[{"lineNo": 1, "sku": "SKU-0004", "quantity": Decimal("1")}])
        xml = with_id(self.order_document(first.orderId, "ORDER"), f"{RUN}-N")
        self.assertIn("<cac:BuyerCustomerParty>", xml)
        named = xml.replace("<cac:BuyerCustomerParty>",
                            "<cac:BuyerCustomerParty><cbc:SupplierAssignedAccountID>ERP-4711"
                            "</cbc:SupplierAssignedAccountID>", 1).replace(">BUY001<", ">buy001<")
        taken = self.submit_document(named)
        self.assertFalse(taken.duplicate)
        self.assertNotEqual(taken.orderId, first.orderId)
        # Named by codes none of which is the caller's: refused.
        other = named.replace(">buy001<", ">BUY002<")
        self.assert_refused(with_id(other, f"{RUN}-O"), f"{RUN}-O", "VALIDATION_FAILED",
                            "/Order/cac:BuyerCustomerParty")

    def test_a_moved_delivery_date_is_a_change(self):
        # The seller approves a later date: the OrderResponse says accepted with changes (CA)
        # and shows the new date; the Order document is still the order as placed.
        sent = self.buyer.service.SubmitOrder(
            buyerOrderNo=f"{RUN}-L", allowAdjust=True,
            line=[{"lineNo": 1, "sku": "SKU-0004", "quantity": Decimal("1"),
                   "requestedDeliveryDate": "2030-01-10"}])
        self.erp.service.UpdateOrderStatus(orderId=sent.orderId, action="ACCEPT",
                                           expectedVersion=1)
        asked = self.buyer.service.RequestOrderChange(
            orderId=sent.orderId, change=[{"lineNo": 1, "newDeliveryDate": "2030-02-20"}])
        self.erp.service.DecideOrderChange(changeRequestId=asked.changeRequestId,
                                           decision="APPROVE")
        response = self.order_document(sent.orderId, "ORDER_RESPONSE")
        self.assertIn(">CA</cbc:OrderResponseCode>", response)
        self.assertIn("2030-02-20", response)
        placed = self.order_document(sent.orderId, "ORDER")
        self.assertIn("2030-01-10", placed)
        self.assertNotIn("2030-02-20", placed)

    def test_refused_documents_store_nothing(self):
        first = self.buyer.service.SubmitOrder(
            buyerOrderNo=f"{RUN}-C",
            line=[{"lineNo": 1, "sku": "SKU-0004", "quantity": Decimal("1")}])
        xml = self.order_document(first.orderId, "ORDER")
        other_currency = with_id(xml, f"{RUN}-D").replace(
            "<cbc:DocumentCurrencyCode>CNY<", "<cbc:DocumentCurrencyCode>USD<")
        other_currency = re.sub(r'currencyID="CNY"', 'currencyID="USD"', other_currency)
        self.assert_refused(other_currency, f"{RUN}-D", "VALIDATION_FAILED",
                            "/Order/cbc:DocumentCurrencyCode")
        # A quantity in another unit than the product's, a price for 12 units, a price that
        # is not the buyer's: each names the document's element, not a SubmitOrder field.
        in_dozens = with_id(xml, f"{RUN}-G").replace("<cbc:Quantity>",
                                                     '<cbc:Quantity unitCode="DZN">', 1)
        self.assert_refused(in_dozens, f"{RUN}-G", "VALIDATION_FAILED",
                            "/Order/cac:OrderLine[1]/cac:LineItem/cbc:Quantity")
        per_dozen = re.sub(r"(</cbc:PriceAmount>)", r"\1<cbc:BaseQuantity>12</cbc:BaseQuantity>",
                           with_id(xml, f"{RUN}-H"), count=1)
        self.assert_refused(per_dozen, f"{RUN}-H", "VALIDATION_FAILED",
                            "/Order/cac:OrderLine[1]/cac:LineItem/cac:Price/cbc:BaseQuantity")
        wrong_price = re.sub(r"(<cbc:PriceAmount[^>]*>)[^<]*", r"\g<1>0.01",
                             with_id(xml, f"{RUN}-I"), count=1)
        self.assert_refused(wrong_price, f"{RUN}-I", "PRICE_MISMATCH",
                            "/Order/cac:OrderLine[1]/cac:LineItem/cac:Price/cbc:PriceAmount")
        in_pieces = with_id(xml, f"{RUN}-J").replace("<cbc:Quantity>",
                                                     '<cbc:Quantity unitCode="C62">', 1)
        self.assertFalse(self.submit_document(in_pieces).duplicate)
        other_buyer = with_id(xml, f"{RUN}-E").replace(">BUY001<", ">BUY002<")
        self.assertNotEqual(other_buyer, with_id(xml, f"{RUN}-E"))
        self.assert_refused(other_buyer, f"{RUN}-E", "VALIDATION_FAILED",
                            "/Order/cac:BuyerCustomerParty")


class EosctlDocuments(unittest.TestCase):
    """eosctl import-orders and export-order, on the test database."""

    def eosctl(self, *args):
        return subprocess.run([os.path.join(os.environ["EOS_TEST_BUILD"], "eosctl"), *args],
                              capture_output=True, text=True, timeout=60)

    def test_import_and_export(self):
        with tempfile.TemporaryDirectory(dir=os.environ.get("EOS_TEST_VAR")) as tmp:
            good = os.path.join(tmp, "good.xml")
            hostile = os.path.join(tmp, "hostile.xml")
            number = f"{RUN}-F"
            with open(good, "w") as f:
                f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
       xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
       xmlns:cbc="{NS_CBC}">
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-11-29</cbc:IssueDate>
  <cac:BuyerCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID>BUY001</cbc:ID>
  </cac:PartyIdentification></cac:Party></cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>ACME</cbc:ID>
  </cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>
  <cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity>3</cbc:Quantity>
    <cac:Item><cac:SellersItemIdentification><cbc:ID>SKU-0004</cbc:ID>
    </cac:SellersItemIdentification></cac:Item></cac:LineItem></cac:OrderLine>
</Order>
""")
            with open(hostile, "w") as f:
                f.write('<?xml version="1.0"?><!DOCTYPE Order [<!ENTITY x "y">]><Order/>')

            r = self.eosctl("import-orders", "--user", "buyer1", good)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn(f"{good}: ok orderId", r.stdout)
            order_id = int(re.search(r"orderId (\d+)", r.stdout).group(1))
            again = self.eosctl("import-orders", "--user", "buyer1", good)
            self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
            self.assertIn(f"{good}: duplicate orderId {order_id}", again.stdout)
            bad = self.eosctl("import-orders", "--user", "buyer1", hostile, good)
            self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
            self.assertIn(f"{hostile}: fault MALFORMED_REQUEST", bad.stdout)
            self.assertIn("2 files, 1 refused", bad.stdout)

            out = self.eosctl("export-order", str(order_id), "--kind", "ORDER_RESPONSE")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn("OrderResponse", out.stdout)
            self.assertIn(">AB</cbc:OrderResponseCode>", out.stdout)
            lint = subprocess.run(["xmllint", "--noout", "-"], input=out.stdout, text=True,
                                  capture_output=True)
            self.assertEqual(lint.returncode, 0, lint.stderr)
            order = self.eosctl("export-order", str(order_id))
            self.assertEqual(order.returncode, 0, order.stderr)
            self.assertIn(f"<cbc:ID>{number}</cbc:ID>", order.stdout)
            refused = self.eosctl("export-order", "999999999")
            self.assertNotEqual(refused.returncode, 0)
            usage = self.eosctl("export-order", "1", "--kind", "INVOICE")
            self.assertEqual(usage.returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
