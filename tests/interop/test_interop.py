"""test_interop.py - a real third-party SOAP client (python3-zeep) against a running hub.

Started by scripts/run-tests, which gives it the hub binary (EOS_TEST_BUILD) and the test
database; this script starts its own hub on a free port, loads ?wsdl from it, checks that
every operation of CONTRACT.md is there, calls GetServiceInfo, and checks that a wrong
password is answered AUTH_FAILED. Then a buyer's walk-through as buyer1 with a WS-Security
UsernameToken (PasswordDigest; the hub has EOS_SECRET_KEY_FILE from scripts/run-tests):
browse the catalog, submit an order, submit it again (duplicate), read its status, find it in
the list, request a change, submit a second order and cancel it; and a refused order whose
contract code zeep exposes in the fault detail. Exit status 0 when every check held.
"""

import os
import sys
import time
import unittest

from decimal import Decimal

import zeep.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hubproc import NS, Hub, fault_code  # noqa: E402

CONTRACT_OPERATIONS = {
    "GetServiceInfo",
    "GetCatalog", "SubmitOrder", "SubmitOrderDocument", "GetOrderStatus", "ListOrders",
    "CancelOrder", "RequestOrderChange", "SubmitReturn", "GetReturnStatus",
    "ListAccountDocuments", "ConfirmAccountDocument", "GetAccountBalance", "GetAccountStatement",
    "DownloadOrders", "AcknowledgeOrders", "UpdateOrderStatus", "DecideOrderChange",
    "RecordShipment", "RecordInvoice", "RecordPayment", "GetOrderDocument", "DownloadReturns",
    "AcknowledgeReturns", "ProcessReturn", "UpsertProducts", "SetPrices", "PublishProducts",
    "UpdateStock", "SetCreditLimit",
}


class Interop(unittest.TestCase):
    hub = None

    @classmethod
    def setUpClass(cls):
        cls.hub = Hub("interop.log")

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def test_wsdl_has_every_contract_operation(self):
        client = self.hub.client()
        binding = client.service._binding
        self.assertEqual(set(binding._operations), CONTRACT_OPERATIONS)
        self.assertEqual(client.service._binding_options["address"], self.hub.url)

    def test_get_service_info(self):
        info = self.hub.client().service.GetServiceInfo()
        self.assertEqual(info.contractVersion, "1")
        self.assertTrue(info.serviceVersion)

    def test_wrong_password_is_auth_failed(self):
        client = self.hub.client("buyer1", "wrong-password")
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            client.service.ListOrders()
        self.assertEqual(fault_code(caught.exception), "AUTH_FAILED")



class BuyerWalkThrough(unittest.TestCase):
    """buyer1 orders through zeep, every request signed with a PasswordDigest token."""

    hub = None
    run_id = f"TI-{int(time.time())}-{os.getpid()}"

    @classmethod
    def setUpClass(cls):
        # Plaintext passwords refused: only the digest can get in.
        cls.hub = Hub("interop-buyer.log", plaintext=False)
        # zeep's UsernameToken makes a fresh nonce and Created for every request.
        cls.buyer = cls.hub.client("buyer1", digest=True)

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def number(self, tag):
        return f"{self.run_id}-{tag}"

    def submit(self, number, lines, **extra):
        return self.buyer.service.SubmitOrder(buyerOrderNo=number, line=lines, **extra)

    def test_1_browse_submit_resubmit_status_list_change(self):
        service = self.buyer.service

        # Other suites (the seller's) may have published products of their own
        # to BUY001 by now: the demo's are checked, not the whole list.
        catalog = service.GetCatalog(limit=500)
        self.assertEqual(catalog.currency, "CNY")
        self.assertEqual(catalog.total, len(catalog.item))
        by_sku = {i.sku: i for i in catalog.item}
        demo = [f"SKU-{n:04d}" for n in range(1, 21)]
        self.assertEqual([sku for sku in demo if sku in by_sku], demo[:15])
        first = by_sku["SKU-0001"]
        self.assertEqual(first.unitPrice, Decimal("11.25"))
        self.assertEqual(first.name, "A4 copy paper, 500 sheets")
        self.assertEqual(by_sku["SKU-0004"].unitPrice, Decimal("20.00"))
        self.assertIs(by_sku["SKU-0005"].returnable, False)
        it_skus = [i.sku for i in catalog.item if i.categoryCode == "IT"]
        it = service.GetCatalog(categoryCode="IT", limit=2)
        self.assertEqual(it.total, len(it_skus))
        self.assertEqual([i.sku for i in it.item], it_skus[:2])

        # Order what the catalog showed, at the price it showed.
        number = self.number("walk")
        lines = [{"lineNo": 1, "sku": first.sku, "quantity": Decimal("3"),
                  "unitPrice": first.unitPrice},
                 {"lineNo": 2, "sku": "SKU-0004", "quantity": Decimal("0.333")}]
        placed = self.submit(number, lines, note="via zeep")
        self.assertEqual(placed.status, "SUBMITTED")
        self.assertEqual(placed.version, 1)
        self.assertIs(placed.duplicate, False)
        self.assertEqual(placed.currency, "CNY")
        self.assertEqual(placed.totalAmount, Decimal("40.41"))
        self.assertEqual([(l.lineNo, l.lineAmount) for l in placed.line],
                         [(1, Decimal("33.75")), (2, Decimal("6.66"))])
        order_id = placed.orderId
        self.assertGreater(order_id, 0)

        again = self.submit(number, lines, note="via zeep")
        self.assertIs(again.duplicate, True)
        self.assertEqual(again.orderId, order_id)
        self.assertEqual(again.totalAmount, Decimal("40.41"))

        status = service.GetOrderStatus(orderId=order_id)
        self.assertEqual(status.orderId, order_id)
        self.assertEqual(status.buyerOrderNo, number)
        self.assertEqual(status.buyerCode, "BUY001")
        self.assertEqual(status.sellerCode, "ACME")
        self.assertEqual(status.status, "SUBMITTED")
        self.assertEqual(status.note, "via zeep")
        self.assertEqual(len(status.line), 2)
        self.assertEqual(status.line[0].name, "A4 copy paper, 500 sheets")
        self.assertEqual(len(status.history), 1)
        self.assertEqual(status.history[0].actor, "buyer1")
        self.assertEqual(service.GetOrderStatus(buyerOrderNo=number).orderId, order_id)

        listed = service.ListOrders(status="SUBMITTED", limit=500)
        self.assertIn(order_id, [s.orderId for s in listed.orderSummary])
        self.assertGreaterEqual(listed.total, 1)

        change = service.RequestOrderChange(orderId=order_id, expectedVersion=1,
                                            change=[{"lineNo": 1,
                                                     "newQuantity": Decimal("5")}],
                                            reason="more paper")
        self.assertEqual(change.status, "PENDING")
        self.assertGreater(change.changeRequestId, 0)
        status = service.GetOrderStatus(orderId=order_id)
        self.assertEqual(len(status.changeRequest), 1)
        self.assertEqual(status.changeRequest[0].changeRequestId, change.changeRequestId)
        self.assertEqual(status.changeRequest[0].change[0].newQuantity, Decimal("5"))

    def test_2_second_order_is_cancelled(self):
        service = self.buyer.service
        placed = self.submit(self.number("walk-cancel"),
                             [{"lineNo": 1, "sku": "SKU-0011", "quantity": Decimal("1")}])
        self.assertEqual(placed.totalAmount, Decimal("37.50"))
        cancelled = service.CancelOrder(orderId=placed.orderId, expectedVersion=placed.version,
                                        reason="ordered by mistake")
        self.assertEqual(cancelled.orderId, placed.orderId)
        self.assertEqual(cancelled.status, "CANCELLED")
        self.assertEqual(cancelled.version, 2)
        status = service.GetOrderStatus(orderId=placed.orderId)
        self.assertEqual(status.status, "CANCELLED")
        self.assertEqual([h.toStatus for h in status.history], ["SUBMITTED", "CANCELLED"])
        self.assertEqual(status.history[1].reason, "ordered by mistake")

    def test_3_fault_detail_carries_the_contract_code(self):
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.submit(self.number("walk-unpublished"),
                        [{"lineNo": 1, "sku": "SKU-0016", "quantity": Decimal("1")}])
        self.assertEqual(fault_code(caught.exception), "PRODUCT_NOT_AVAILABLE")
        field = caught.exception.detail.find(f"{NS}error/{NS}field")
        self.assertEqual(field.text if field is not None else None, "line[1]/sku")
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.submit(self.number("walk-price"),
                        [{"lineNo": 1, "sku": "SKU-0001", "quantity": Decimal("1"),
                          "unitPrice": Decimal("12.50")}])
        self.assertEqual(fault_code(caught.exception), "PRICE_MISMATCH")
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.buyer.service.CancelOrder(orderId=900000000000)
        self.assertEqual(fault_code(caught.exception), "NOT_FOUND")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
