"""test_returns_flow.py - a return from request to refund, then reconciliation, through zeep.

Started by scripts/run-tests (EOS_TEST_BUILD, EOS_TEST_VAR, the test database and
EOS_SECRET_KEY_FILE); starts its own hub on a free port. Every request carries a
WS-Security UsernameToken with PasswordDigest.

The walk: buyer1 orders; the seller's ERP (acme-erp) accepts, ships, invoices and takes a
partial payment (all dated in March 1999, which no other suite uses); buyer1 requests a return;
the ERP finds it by downloading the return feed, acknowledges, accepts it, confirms receipt and
marks the refund paid. Then buyer1 confirms each of its documents (shipment, invoice, payment,
refund) and reads its balance and statement. Balances are compared with readings taken before
the walk, since other suites' documents are on buyer1's account too. Exit status 0 when every
check held.
"""

import datetime
import os
import sys
import time
import unittest

from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hubproc import Hub  # noqa: E402

MARCH_1 = datetime.date(1999, 3, 1)
MARCH_31 = datetime.date(1999, 3, 31)
APRIL_1 = datetime.date(1999, 4, 1)
SHIP_DAY = datetime.date(1999, 3, 3)
INVOICE_DAY = datetime.date(1999, 3, 4)
PAYMENT_DAY = datetime.date(1999, 3, 5)


def today_utc():
    return datetime.datetime.now(datetime.timezone.utc).date()


def docs_in(service, **query):
    """Every document of a ListAccountDocuments query, page by page."""
    found, offset = [], 0
    while True:
        page = service.ListAccountDocuments(offset=offset, limit=500, **query)
        found.extend(page.document)
        offset += len(page.document)
        if not page.document or offset >= page.total:
            return found


def balance_of(service, **query):
    b = service.GetAccountBalance(**query)
    return {
        "currency": b.currency,
        "uninvoiced": b.uninvoicedAmount,
        "receivable": b.invoicedReceivable,
        "unapplied": b.unappliedPayments,
        "open": b.openOrderAmount,
        "limit": b.creditLimit,
        "available": b.availableCredit,
    }


class ReturnsFlow(unittest.TestCase):
    """The steps run in order and share what they made."""

    hub = None
    run_id = f"TRF-{os.getpid()}-{int(time.time()) % 100000}"
    made = {}

    @classmethod
    def setUpClass(cls):
        cls.hub = Hub("interop-returns.log", plaintext=False)
        cls.buyer = cls.hub.client("buyer1", digest=True)
        cls.erp = cls.hub.client("acme-erp", digest=True)

    @classmethod
    def tearDownClass(cls):
        assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def number(self, tag):
        return f"{self.run_id}-{tag}"

    def need(self, *keys):
        for key in keys:
            if key not in self.made:
                self.skipTest(f"an earlier step did not make {key}")

    def check_balance_arithmetic(self, b):
        self.assertEqual(b["currency"], "CNY")
        self.assertEqual(b["limit"], Decimal("100000.00"))
        self.assertEqual(b["available"], b["limit"] - b["open"] - b["receivable"])

    def moved(self, before, after):
        return {k: after[k] - before[k] for k in ("uninvoiced", "receivable", "unapplied", "open")}

    def download_all(self):
        """The ERP's download loop: batches until `more` is false; returns (returns, cursor)."""
        got, cursor = [], None
        while True:
            batch = self.erp.service.DownloadReturns(cursor=cursor, maxReturns=50)
            got.extend(batch["return"])
            self.assertTrue(batch.nextCursor.startswith("v1."))
            cursor = batch.nextCursor
            if not batch.more:
                return got, cursor

    def test_1_return_from_request_to_refund(self):
        buyer, erp = self.buyer.service, self.erp.service
        # Readings before the walk: the walk's effect is the difference.
        self.made["balance_before"] = balance_of(buyer)
        self.made["balance_mar4_before"] = balance_of(buyer, asOf=INVOICE_DAY)
        self.made["balance_mar31_before"] = balance_of(buyer, asOf=MARCH_31)

        placed = buyer.SubmitOrder(buyerOrderNo=self.number("order"), line=[
            {"lineNo": 1, "sku": "SKU-0006", "quantity": Decimal("4")},
            {"lineNo": 2, "sku": "SKU-0012", "quantity": Decimal("2")},
        ])
        self.assertEqual(placed.totalAmount, Decimal("180.00"))
        order_id = placed.orderId
        accepted = erp.UpdateOrderStatus(orderId=order_id, action="ACCEPT",
                                         expectedVersion=placed.version)
        self.assertEqual(accepted.status, "ACCEPTED")
        shipped = erp.RecordShipment(shipmentNo=self.number("SHP"), orderId=order_id,
                                     shipDate=SHIP_DAY,
                                     line=[{"lineNo": 1, "quantity": Decimal("4")},
                                           {"lineNo": 2, "quantity": Decimal("2")}])
        self.assertEqual(shipped.orderStatus, "SHIPPED")
        invoiced = erp.RecordInvoice(invoiceNo=self.number("INV"), orderId=order_id,
                                     invoiceDate=INVOICE_DAY, amount=Decimal("180.00"))
        self.assertEqual(invoiced.orderStatus, "INVOICED")
        paid = erp.RecordPayment(paymentNo=self.number("PAY"), buyerCode="BUY001",
                                 paymentDate=PAYMENT_DAY, amount=Decimal("100.00"),
                                 kind="RECEIPT", invoiceNo=[self.number("INV")])
        self.assertEqual(paid.paymentNo, self.number("PAY"))
        self.made["order_id"] = order_id

        # The buyer asks to return one of the four.
        requested = buyer.SubmitReturn(buyerReturnNo=self.number("RET"), orderId=order_id,
                                       line=[{"lineNo": 1, "quantity": Decimal("1"),
                                              "reason": "damaged"}])
        self.assertEqual(requested.status, "REQUESTED")
        self.assertEqual(requested.version, 1)
        self.assertIs(requested.duplicate, False)
        self.assertEqual(requested.totalAmount, Decimal("25.00"))
        self.assertEqual(requested.currency, "CNY")
        self.assertEqual([(l.lineNo, l.sku, l.quantity, l.unitPrice, l.lineAmount, l.reason)
                          for l in requested.line],
                         [(1, "SKU-0006", Decimal("1"), Decimal("25.00"), Decimal("25.00"),
                           "damaged")])
        return_id = requested.returnId
        self.assertGreater(return_id, 0)
        again = buyer.SubmitReturn(buyerReturnNo=self.number("RET"), orderId=order_id,
                                   line=[{"lineNo": 1, "quantity": Decimal("1"),
                                          "reason": "damaged"}])
        self.assertIs(again.duplicate, True)
        self.assertEqual(again.returnId, return_id)

        # The ERP finds it in the feed, acknowledges, and does not see it again.
        got, cursor = self.download_all()
        mine = [r for r in got if r.returnId == return_id]
        self.assertEqual(len(mine), 1)
        seen = mine[0]
        self.assertEqual(seen.buyerReturnNo, self.number("RET"))
        self.assertEqual(seen.orderId, order_id)
        self.assertEqual(seen.buyerCode, "BUY001")
        self.assertEqual(seen.sellerCode, "ACME")
        self.assertEqual(seen.status, "REQUESTED")
        self.assertEqual(seen.totalAmount, Decimal("25.00"))
        self.assertEqual([(l.lineNo, l.quantity) for l in seen.line], [(1, Decimal("1"))])
        acked = erp.AcknowledgeReturns(cursor=cursor)
        self.assertEqual(acked, cursor)
        got, _ = self.download_all()
        self.assertNotIn(return_id, [r.returnId for r in got])

        # Accept, receive, refund, each at the version the ERP last saw.
        version = seen.version
        for action, status in (("ACCEPT", "ACCEPTED"), ("RECEIVE", "RECEIVED"),
                               ("REFUND", "REFUNDED")):
            moved = erp.ProcessReturn(returnId=return_id, action=action,
                                      expectedVersion=version, reason=f"{action.lower()} via zeep")
            self.assertEqual(moved.returnId, return_id)
            self.assertEqual(moved.status, status)
            self.assertEqual(moved.version, version + 1)
            version = moved.version

        # The changed return comes back in the feed, as it is now.
        got, cursor = self.download_all()
        mine = [r for r in got if r.returnId == return_id]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0].status, "REFUNDED")
        self.assertEqual(mine[0].version, 4)
        self.assertEqual(erp.AcknowledgeReturns(cursor=cursor), cursor)

        status = buyer.GetReturnStatus(returnId=return_id)
        self.assertEqual(status.status, "REFUNDED")
        self.assertEqual(status.version, 4)
        self.assertEqual([(h.fromStatus, h.toStatus, h.actor, h.reason) for h in status.history],
                         [(None, "REQUESTED", "buyer1", None),
                          ("REQUESTED", "ACCEPTED", "acme-erp", "accept via zeep"),
                          ("ACCEPTED", "RECEIVED", "acme-erp", "receive via zeep"),
                          ("RECEIVED", "REFUNDED", "acme-erp", "refund via zeep")])
        self.assertEqual(buyer.GetReturnStatus(buyerReturnNo=self.number("RET")).returnId,
                         return_id)

        order = buyer.GetOrderStatus(orderId=order_id)
        self.assertEqual([(l.lineNo, l.shippedQuantity, l.returnedQuantity) for l in order.line],
                         [(1, Decimal("4"), Decimal("1")), (2, Decimal("2"), Decimal("0"))])
        self.made["return_id"] = return_id
        self.made["refund_day"] = today_utc()

    def my_documents(self, service, **extra):
        """This walk's four documents as service sees them: {(docType, docNo): document}."""
        want = {("SHIPMENT", self.number("SHP")), ("INVOICE", self.number("INV")),
                ("PAYMENT", self.number("PAY")), ("REFUND", self.number("RET"))}
        docs = docs_in(service, **{"from": MARCH_1, "to": MARCH_31}, **extra)
        docs += docs_in(service, docType="REFUND",
                        **{"from": self.made["refund_day"], "to": self.made["refund_day"]},
                        **extra)
        return {(d.docType, d.docNo): d for d in docs if (d.docType, d.docNo) in want}

    def test_2_buyer_confirms_each_document(self):
        self.need("order_id", "return_id", "refund_day")
        buyer, erp = self.buyer.service, self.erp.service
        order_id = self.made["order_id"]

        docs = self.my_documents(buyer)
        expected = {
            ("SHIPMENT", self.number("SHP")): (SHIP_DAY, order_id, Decimal("180.00")),
            ("INVOICE", self.number("INV")): (INVOICE_DAY, order_id, Decimal("180.00")),
            ("PAYMENT", self.number("PAY")): (PAYMENT_DAY, None, Decimal("100.00")),
            ("REFUND", self.number("RET")): (self.made["refund_day"], order_id,
                                             Decimal("25.00")),
        }
        self.assertEqual({k: (d.docDate, d.orderId, d.amount) for k, d in docs.items()},
                         expected)
        for doc in docs.values():
            self.assertIs(doc.confirmed, False)
            self.assertIsNone(doc.confirmedAt)

        # buyer2 sees none of them.
        self.assertEqual(self.my_documents(self.hub.client("buyer2", digest=True).service), {})

        for doc_type, doc_no in expected:
            done = buyer.ConfirmAccountDocument(docType=doc_type, docNo=doc_no, confirmed=True)
            self.assertEqual((done.docType, done.docNo, done.confirmed),
                             (doc_type, doc_no, True))
            self.assertIsNotNone(done.confirmedAt)
            age = datetime.datetime.now(datetime.timezone.utc) - done.confirmedAt
            self.assertLess(abs(age.total_seconds()), 300)

        docs = self.my_documents(buyer)
        self.assertEqual(set(docs), set(expected))
        for doc in docs.values():
            self.assertIs(doc.confirmed, True)
            self.assertIsNotNone(doc.confirmedAt)
        unconfirmed = docs_in(buyer, unconfirmedOnly=True, **{"from": MARCH_1, "to": MARCH_31})
        self.assertNotIn(self.number("INV"), [d.docNo for d in unconfirmed])

        # The seller sees who confirmed.
        seen = self.my_documents(erp, buyerCode="BUY001")
        self.assertEqual(set(seen), set(expected))
        for doc in seen.values():
            self.assertIs(doc.confirmed, True)
            self.assertEqual(doc.confirmedBy, "buyer1")
            self.assertEqual(doc.buyerCode, "BUY001")

    def test_3_balance_and_statement(self):
        self.need("order_id", "return_id", "refund_day", "balance_before")
        buyer = self.buyer.service

        # Shipped 180, invoiced 180, paid 100 of it, 25 credited by the return.
        after = balance_of(buyer)
        self.check_balance_arithmetic(after)
        self.assertEqual(self.moved(self.made["balance_before"], after),
                         {"uninvoiced": 0, "receivable": Decimal("80.00"),
                          "unapplied": Decimal("25.00"), "open": 0})
        # As of the invoice day: invoiced, nothing paid yet.
        mar4 = balance_of(buyer, asOf=INVOICE_DAY)
        self.check_balance_arithmetic(mar4)
        self.assertEqual(self.moved(self.made["balance_mar4_before"], mar4),
                         {"uninvoiced": 0, "receivable": Decimal("180.00"), "unapplied": 0,
                          "open": 0})
        # As of the end of March: paid in part; the refund came later.
        mar31 = balance_of(buyer, asOf=MARCH_31)
        self.assertEqual(self.moved(self.made["balance_mar31_before"], mar31),
                         {"uninvoiced": 0, "receivable": Decimal("80.00"), "unapplied": 0,
                          "open": 0})
        seller_view = balance_of(self.erp.service, buyerCode="BUY001")
        self.assertEqual(seller_view, after)

        march = buyer.GetAccountStatement(**{"from": MARCH_1, "to": MARCH_31})
        self.assertEqual(march.currency, "CNY")
        running = march.openingBalance
        for entry in march.entry:
            running += entry.debit - entry.credit
            self.assertEqual(entry.balance, running)
        self.assertEqual(march.closingBalance, running)
        mine = [(e.date, e.docType, e.docNo, e.debit, e.credit) for e in march.entry
                if e.docNo.startswith(self.run_id)]
        self.assertEqual(mine, [
            (INVOICE_DAY, "INVOICE", self.number("INV"), Decimal("180.00"), Decimal("0.00")),
            (PAYMENT_DAY, "PAYMENT", self.number("PAY"), Decimal("0.00"), Decimal("100.00")),
        ])
        # The next period opens where March closed, and holds the refund's credit.
        later = buyer.GetAccountStatement(**{"from": APRIL_1, "to": self.made["refund_day"]})
        self.assertEqual(later.openingBalance, march.closingBalance)
        refunds = [(e.date, e.debit, e.credit) for e in later.entry
                   if e.docType == "REFUND" and e.docNo == self.number("RET")]
        self.assertEqual(refunds, [(self.made["refund_day"], Decimal("0.00"), Decimal("25.00"))])
        # What the statement says is owed is what the balance says, on the same day.
        owed = balance_of(buyer, asOf=self.made["refund_day"])
        self.assertEqual(later.closingBalance, owed["receivable"] - owed["unapplied"])


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
