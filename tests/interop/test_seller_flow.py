"""test_seller_flow.py - an order's whole life between a buyer and the seller's ERP, both
driven by a real third-party SOAP client (python3-zeep).

Started by scripts/run-tests, which gives it the hub binary (EOS_TEST_BUILD), the test
database and the key that seals passwords for PasswordDigest; like test_interop.py, it starts
its own hub on a free port. The buyer (buyer1) signs with a UsernameToken PasswordText, the ERP
(acme-erp) with PasswordDigest. The ERP downloads the buyer's order from its feed, accepts it
with a price adjustment within its authority, ships it in two parts, invoices it and records
the payment; the buyer then sees it PAID, with every step in its history. Exit status 0 when
every check held.
"""

import os
import sys
import time
import unittest
from decimal import Decimal

import zeep.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hubproc import Hub, fault_code  # noqa: E402

RUN = f"TI-{os.getpid()}-{int(time.time())}"


class SellerFlow(unittest.TestCase):
    hub = None

    @classmethod
    def setUpClass(cls):
        cls.hub = Hub("interop_seller.log")
        cls.buyer = cls.hub.client("buyer1")
        cls.erp = cls.hub.client("acme-erp", digest=True)

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def drain(self):
        """Acknowledges everything pending in ACME's feed."""
        for _ in range(1000):
            batch = self.erp.service.DownloadOrders(maxOrders=500)
            self.erp.service.AcknowledgeOrders(cursor=batch.nextCursor)
            if not batch.order and not batch.more:
                return
        self.fail("the feed never drained")

    def test_order_from_download_to_paid(self):
        erp = self.erp.service
        self.drain()

        # The buyer orders: 10 x SKU-0004 (20.00) + 4 x SKU-0006 (25.00) = 300.00.
        sent = self.buyer.service.SubmitOrder(
            buyerOrderNo=f"{RUN}-flow", allowAdjust=True,
            line=[{"lineNo": 1, "sku": "SKU-0004", "quantity": Decimal("10")},
                  {"lineNo": 2, "sku": "SKU-0006", "quantity": Decimal("4")}])
        self.assertEqual(sent.status, "SUBMITTED")
        self.assertEqual(sent.totalAmount, Decimal("300.00"))
        order_id = sent.orderId

        # The ERP finds it in its feed, complete, and acknowledges the batch.
        batch = erp.DownloadOrders(maxOrders=100)
        self.assertFalse(batch.more)
        self.assertEqual([o.orderId for o in batch.order], [order_id])
        order = batch.order[0]
        self.assertEqual(order.buyerCode, "BUY001")
        self.assertEqual(order.buyerOrderNo, f"{RUN}-flow")
        self.assertEqual(order.status, "SUBMITTED")
        self.assertEqual([(l.sku, l.quantity, l.unitPrice) for l in order.line],
                         [("SKU-0004", Decimal("10"), Decimal("20.00")),
                          ("SKU-0006", Decimal("4"), Decimal("25.00"))])
        acked = erp.AcknowledgeOrders(cursor=batch.nextCursor)
        self.assertEqual(acked, batch.nextCursor)
        self.assertEqual(erp.DownloadOrders(maxOrders=100).order, [])

        # Accepted with a price 8% under list: within acme-erp's 10%.
        accepted = erp.UpdateOrderStatus(
            orderId=order_id, action="ACCEPT", expectedVersion=order.version,
            reason="line 2 at the agreed discount",
            adjustment=[{"lineNo": 2, "unitPrice": Decimal("23.00")}])
        self.assertEqual(accepted.status, "ACCEPTED")
        self.assertEqual(accepted.version, order.version + 1)

        # Shipped in two parts.
        first = erp.RecordShipment(shipmentNo=f"{RUN}-S1", orderId=order_id,
                                   shipDate="2024-06-01",
                                   line=[{"lineNo": 1, "quantity": Decimal("6")}])
        self.assertEqual(first.orderStatus, "PARTIALLY_SHIPPED")
        second = erp.RecordShipment(shipmentNo=f"{RUN}-S2", orderId=order_id,
                                    shipDate="2024-06-03",
                                    line=[{"lineNo": 1, "quantity": Decimal("4")},
                                          {"lineNo": 2, "quantity": Decimal("4")}])
        self.assertEqual(second.orderStatus, "SHIPPED")
        # A replayed shipment is answered, not recorded twice.
        again = erp.RecordShipment(shipmentNo=f"{RUN}-S1", orderId=order_id,
                                   shipDate="2024-06-01",
                                   line=[{"lineNo": 1, "quantity": Decimal("6")}])
        self.assertTrue(again.duplicate)

        # Invoiced for the adjusted total: 200.00 + 4 x 23.00 = 292.00.
        inv = erp.RecordInvoice(invoiceNo=f"{RUN}-I1", orderId=order_id,
                                invoiceDate="2024-06-04", amount=Decimal("292.00"))
        self.assertEqual(inv.orderStatus, "INVOICED")

        paid = erp.RecordPayment(paymentNo=f"{RUN}-P1", buyerCode="BUY001",
                                 paymentDate="2024-06-20", amount=Decimal("292.00"),
                                 kind="RECEIPT", invoiceNo=[f"{RUN}-I1"])
        self.assertEqual(paid.paymentNo, f"{RUN}-P1")
        self.assertEqual(paid.unappliedAmount, Decimal("0.00"))

        # The buyer sees it paid, and how it got there.
        seen = self.buyer.service.GetOrderStatus(orderId=order_id)
        self.assertEqual(seen.status, "PAID")
        self.assertEqual(seen.totalAmount, Decimal("292.00"))
        self.assertEqual(seen.shippedAmount, Decimal("292.00"))
        self.assertEqual(seen.invoicedAmount, Decimal("292.00"))
        self.assertEqual(seen.paidAmount, Decimal("292.00"))
        self.assertEqual([(l.quantity, l.unitPrice, l.lineAmount, l.shippedQuantity)
                          for l in seen.line],
                         [(Decimal("10"), Decimal("20.00"), Decimal("200.00"), Decimal("10")),
                          (Decimal("4"), Decimal("23.00"), Decimal("92.00"), Decimal("4"))])
        self.assertEqual([h.toStatus for h in seen.history],
                         ["SUBMITTED", "ACCEPTED", "PARTIALLY_SHIPPED", "SHIPPED", "INVOICED",
                          "PAID"])
        self.assertEqual([h.actor for h in seen.history],
                         ["buyer1"] + ["acme-erp"] * 5)
        self.assertEqual(seen.history[1].reason, "line 2 at the agreed discount")
        self.assertEqual([s.shipmentNo for s in seen.shipment], [f"{RUN}-S1", f"{RUN}-S2"])
        self.assertEqual([(i.invoiceNo, i.paidAmount) for i in seen.invoice],
                         [(f"{RUN}-I1", Decimal("292.00"))])

        # Each change put the order back in the feed: once, as it is now.
        batch = erp.DownloadOrders(maxOrders=100)
        self.assertEqual([(o.orderId, o.status) for o in batch.order], [(order_id, "PAID")])
        erp.AcknowledgeOrders(cursor=batch.nextCursor)

    def test_buyer_cannot_work_the_feed(self):
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.buyer.service.DownloadOrders()
        self.assertEqual(fault_code(caught.exception), "FORBIDDEN")

    def test_price_beyond_authority_is_refused(self):
        sent = self.buyer.service.SubmitOrder(
            buyerOrderNo=f"{RUN}-auth",
            line=[{"lineNo": 1, "sku": "SKU-0006", "quantity": Decimal("1")}])
        with self.assertRaises(zeep.exceptions.Fault) as caught:
            self.erp.service.UpdateOrderStatus(
                orderId=sent.orderId, action="ACCEPT", expectedVersion=sent.version,
                adjustment=[{"lineNo": 1, "unitPrice": Decimal("22.00")}])
        self.assertEqual(fault_code(caught.exception), "PRICE_AUTHORITY_EXCEEDED")
        cancelled = self.erp.service.UpdateOrderStatus(
            orderId=sent.orderId, action="CANCEL", expectedVersion=sent.version, reason="test")
        self.assertEqual(cancelled.status, "CANCELLED")


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
