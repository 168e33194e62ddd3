"""test_examples.py - the request examples of wsdl/examples/ are valid and work, as written.

Static checks (no hub): every operation of the WSDL has exactly one example, listed once in
sequence.txt; each is a SOAP 1.1 envelope whose body is the operation's request element, valid
against wsdl/eoshub.xsd once its placeholders hold values of the right type; it carries a
WS-Security UsernameToken (PasswordText) of the demo user of the operation's role, none for
GetServiceInfo; it uses no placeholder that sequence.txt does not fill before it; its request
element declares its own namespace, so that `xmllint --xpath` can cut it out and
`xmllint --schema` validate it, as wsdl/examples/README.md tells integrators to.

The walk: every example is sent, raw over HTTP (urllib), in the order of sequence.txt, with
placeholders filled from earlier answers; each must get its operation's response (valid against
the XSD) or the fault it documents, and the answers must say what the examples' comments say
(totals, states). Then the idempotent retries: SubmitOrder, RecordShipment, RecordInvoice,
RecordPayment and SubmitReturn sent again answer duplicate=true. Then the whole walk again with a new ${run}, as a second integrator
would on the same hub. Then HTTP Basic instead of the UsernameToken.

Started by scripts/run-tests (EOS_TEST_BUILD, EOS_TEST_VAR, EOS_DB_*): the walk gets its own
database, eoshub_t_examples, made afresh with `eosctl migrate` and `eosctl demo` (so it depends
on no other suite, whatever they left in eoshub_test), and its own eos-hub on a free port. The
database is dropped when every check held, kept for a look otherwise.

By hand, against a hub that is already running (`make run`), with its demo data (it
acknowledges ACME's feeds):
    "$(scripts/python-zeep)" tests/examples/test_examples.py --url http://127.0.0.1:8080/eos
Exit status 0 when every check held.
"""

import base64
import datetime
import os
import shutil
import subprocess
import sys
import unittest
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop"))
import eos_examples as ex  # noqa: E402
from hubproc import NS, PASSWORD, Hub  # noqa: E402

from lxml import etree  # noqa: E402

TEST_DB = "eoshub_t_examples"
URL = None  # --url: a running hub instead of one of our own

# Who sends what: GetServiceInfo needs nobody, the seller's operations the ERP, the rest the
# buyer (GetOrderStatus, GetOrderDocument and friends serve both; the examples pick one).
SELLER_OPERATIONS = {
    "DownloadOrders", "AcknowledgeOrders", "UpdateOrderStatus", "DecideOrderChange",
    "RecordShipment", "RecordInvoice", "RecordPayment", "GetOrderDocument", "DownloadReturns",
    "AcknowledgeReturns", "ProcessReturn", "UpsertProducts", "SetPrices", "PublishProducts",
    "UpdateStock", "SetCreditLimit",
}


def user_of(op):
    if op == "GetServiceInfo":
        return None
    return "acme-erp" if op in SELLER_OPERATIONS else "buyer1"


# ------------------------------------------------------------------ the hub and its database

def db_client():
    """The mariadb command line client with the hub's account (EOS_DB_*)."""
    exe = shutil.which("mariadb") or shutil.which("mysql")
    if not exe:
        raise RuntimeError("no mariadb or mysql client to drop the test database")
    args = [exe, "--no-defaults", "-u", os.environ.get("EOS_DB_USER", "eos"),
            "-p" + os.environ.get("EOS_DB_PASSWORD", "eos")]
    if os.environ.get("EOS_DB_SOCKET"):
        args.append("--socket=" + os.environ["EOS_DB_SOCKET"])
    else:
        args += ["--host=" + os.environ.get("EOS_DB_HOST", "127.0.0.1"),
                 "--port=" + os.environ.get("EOS_DB_PORT", "3306")]
    return args


def drop_database(name):
    subprocess.run(db_client() + ["-e", f"DROP DATABASE IF EXISTS `{name}`"], check=True)


def start_hub():
    """An eos-hub on a free port over a fresh database, TEST_DB, with the demo data."""
    env = dict(os.environ, EOS_DB_NAME=TEST_DB)
    drop_database(TEST_DB)
    for command in ("migrate", "demo"):
        subprocess.run([os.path.join(os.environ["EOS_TEST_BUILD"], "eosctl"), command],
                       env=env, check=True, stdout=subprocess.DEVNULL)
    return Hub("examples.log", env=env)


# ------------------------------------------------------------------------------- the wire

class Answer:
    """A hub's answer: HTTP status, the element in the Body, and the fault code if a fault."""

    def __init__(self, status, text):
        self.status = status
        self.text = text
        self.envelope = ex.parse(text)
        self.element = ex.body_child(self.envelope)
        self.fault = None
        if self.element.tag == f"{{{ex.SOAP_ENV}}}Fault":
            code = self.element.find(f"detail/{NS}error/{NS}code")
            self.fault = code.text if code is not None else "(no eos:error code)"

    def child(self, path):
        """Text of the element at path (slash-separated local names in urn:eoshub:v1)."""
        found = self.element.find("/".join(NS + p for p in path.split("/")))
        return found.text if found is not None else None

    def children(self, path):
        return self.element.findall("/".join(NS + p for p in path.split("/")))


def post(url, op, envelope, basic=None):
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"urn:eoshub:v1#{op}"'}
    if basic:
        token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        headers["Authorization"] = "Basic " + token
    request = urllib.request.Request(url, data=envelope.encode("utf-8"), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:  # a SOAP fault comes with HTTP 500
        return Answer(e.code, e.read().decode("utf-8"))


def same_value(expected, got):
    """Decimals compare as numbers (12.5 is 12.50), the rest as text."""
    try:
        return Decimal(expected) == Decimal(got)
    except (InvalidOperation, TypeError):
        return expected == got


# ------------------------------------------------------------------- what answers must say

def check_catalog(t, a, values):
    prices = {i.findtext(NS + "sku"): i.findtext(NS + "unitPrice") for i in a.children("item")}
    t.assertTrue(same_value("11.25", prices.get("SKU-0001")), prices)


# A hub given with --url may hold more unacknowledged changes than one batch: the new order
# (return) is then in a later one.
def check_download_orders(t, a, values):
    ids = [o.findtext(NS + "orderId") for o in a.children("order")]
    if a.child("more") == "false":
        t.assertIn(values["orderId"], ids, "the new order is not in the feed")


def check_download_returns(t, a, values):
    ids = [r.findtext(NS + "returnId") for r in a.children("return")]
    if a.child("more") == "false":
        t.assertIn(values["returnId"], ids, "the new return is not in the feed")


def check_order_document(t, a, values):
    doc = etree.fromstring(base64.b64decode(a.child("document")))
    ubl = "urn:oasis:names:specification:ubl:schema:xsd:"
    t.assertEqual(doc.tag, f"{{{ubl}OrderResponse-2}}OrderResponse")
    code = doc.findtext(f"{{{ubl}CommonBasicComponents-2}}OrderResponseCode")
    t.assertEqual(code, "CA", "accepted with a changed price: CA")


def check_upsert(t, a, values):
    t.assertEqual(int(a.child("created")) + int(a.child("updated")), 1)


def check_documents(t, a, values):
    numbers = [d.findtext(NS + "docNo") for d in a.children("document")]
    t.assertIn(f"INV-{values['run']}", numbers)


def check_order_status(t, a, values):
    dates = {line.findtext(NS + "lineNo"): line.findtext(NS + "requestedDeliveryDate")
             for line in a.children("order/line")}
    t.assertEqual(dates.get("2"), "2026-06-20", "the approved change is in the order")


def check_statement(t, a, values):
    # The statement is the receivable: invoices debit, payments credit.
    numbers = [e.findtext(NS + "docNo") for e in a.children("entry")]
    for doc in ("INV", "PAY"):
        t.assertIn(f"{doc}-{values['run']}", numbers)


# Per operation: {response path: expected text, "${name}" meaning a placeholder's value}, and a
# function for what does not fit in a table. What the examples' comments promise.
EXPECT = {
    "GetServiceInfo": ({"contractVersion": "1"}, None),
    "GetCatalog": ({"currency": "CNY"}, check_catalog),
    "SubmitOrder": ({"status": "SUBMITTED", "version": "1", "duplicate": "false",
                     "currency": "CNY", "totalAmount": "212.50"}, None),
    "SubmitOrderDocument": ({"status": "SUBMITTED", "duplicate": "false",
                             "totalAmount": "64.50"}, None),
    "ListOrders": ({}, None),
    "RequestOrderChange": ({"status": "PENDING"}, None),
    "DecideOrderChange": ({"changeRequestId": "${changeRequestId}", "status": "APPROVED"},
                          None),
    "CancelOrder": ({"orderId": "${ublOrderId}", "status": "CANCELLED"}, None),
    "DownloadOrders": ({}, check_download_orders),
    "AcknowledgeOrders": ({"acknowledgedCursor": "${cursor}"}, None),
    "UpdateOrderStatus": ({"orderId": "${orderId}", "status": "ACCEPTED"}, None),
    "GetOrderDocument": ({}, check_order_document),
    "RecordShipment": ({"shipmentNo": "SHP-${run}", "orderStatus": "SHIPPED"}, None),
    "RecordInvoice": ({"invoiceNo": "INV-${run}", "orderStatus": "INVOICED"}, None),
    "RecordPayment": ({"paymentNo": "PAY-${run}", "unappliedAmount": "0"}, None),
    "GetOrderStatus": ({"order/orderId": "${orderId}", "order/status": "PAID",
                        "order/totalAmount": "207.50", "order/paidAmount": "207.50"},
                       check_order_status),
    "SubmitReturn": ({"status": "REQUESTED", "duplicate": "false", "totalAmount": "22.50"},
                     None),
    "GetReturnStatus": ({"return/returnId": "${returnId}", "return/status": "REQUESTED"}, None),
    "DownloadReturns": ({}, check_download_returns),
    "AcknowledgeReturns": ({"acknowledgedCursor": "${returnCursor}"}, None),
    "ProcessReturn": ({"returnId": "${returnId}", "status": "ACCEPTED"}, None),
    "ListAccountDocuments": ({}, check_documents),
    "ConfirmAccountDocument": ({"docNo": "INV-${run}", "confirmed": "true"}, None),
    "GetAccountBalance": ({"currency": "CNY", "creditLimit": "100000.00"}, None),
    "GetAccountStatement": ({}, check_statement),
    "UpsertProducts": ({}, check_upsert),
    "SetPrices": ({"updated": "2"}, None),
    "PublishProducts": ({}, None),
    "UpdateStock": ({"updated": "1"}, None),
    "SetCreditLimit": ({"buyerCode": "BUY002", "creditLimit": "5000.00"}, None),
}


# ----------------------------------------------------------------------------- the checks

class StaticChecks(unittest.TestCase):
    """The examples as files: complete, valid, consistent with sequence.txt."""

    def test_one_example_per_operation_and_one_step_each(self):
        ops = ex.operations()
        self.assertEqual(len(ops), 30)
        files = {f[:-4] for f in os.listdir(ex.EXAMPLES)
                 if f.endswith(".xml") and not f.endswith(".ubl.xml")}
        self.assertEqual(files, set(ops))
        steps = [op for op, _ in ex.load_sequence()]
        self.assertEqual(sorted(steps), sorted(ops), "sequence.txt lists each operation once")
        self.assertEqual(set(EXPECT), set(ops))

    def test_envelopes_are_soap_11_with_the_right_request_and_user(self):
        for op in ex.operations():
            with self.subTest(op=op):
                text = ex.read_example(op)
                env = ex.parse(ex.fill(text, dict(ex.SAMPLE_VALUES, ublOrder="AA==")))
                self.assertEqual(env.tag, f"{{{ex.SOAP_ENV}}}Envelope")
                self.assertEqual(ex.body_child(env).tag, f"{NS}{op}Request")
                self.assertEqual(ex.username(env), user_of(op))
                if user_of(op):
                    password = env.find(f".//{{{ex.WSSE}}}Password")
                    self.assertTrue(password.get("Type").endswith("#PasswordText"))
                    self.assertEqual(password.text, "demo-pass")

    def test_bodies_validate_against_the_xsd(self):
        values = dict(ex.SAMPLE_VALUES, ublOrder=ex.ubl_order_base64(ex.SAMPLE_VALUES["run"]))
        for op in ex.operations():
            with self.subTest(op=op):
                env = ex.parse(ex.fill(ex.read_example(op), values))
                self.assertEqual(ex.schema_errors(ex.body_child(env)), [])

    def test_each_body_declares_its_namespace(self):
        """So that the body's element, cut out of the envelope, is a document of its own."""
        for op in ex.operations():
            with self.subTest(op=op):
                request = ex.body_child(ex.parse(ex.fill(ex.read_example(op),
                                                         dict(ex.SAMPLE_VALUES, ublOrder=""))))
                self.assertNotIn(ex.EOS, request.getparent().nsmap.values())
                self.assertEqual(request.nsmap.get(request.prefix), ex.EOS)

    def test_the_xmllint_check_of_the_readme(self):
        """What wsdl/examples/README.md tells integrators to run, on GetCatalog (it has no
        placeholders): cut the body's element out with xmllint --xpath, validate it."""
        xmllint = shutil.which("xmllint")
        if not xmllint:
            self.skipTest("no xmllint")
        body = subprocess.run([xmllint, "--xpath", '/*/*[local-name()="Body"]/*',
                               ex.example_path("GetCatalog")],
                              capture_output=True, text=True, check=True)
        done = subprocess.run([xmllint, "--noout", "--schema", ex.XSD, "-"],
                              input=body.stdout, capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_placeholders_are_filled_before_they_are_used(self):
        known = set(ex.SENDER_CHOSEN)
        captured = set()
        for op, captures in ex.load_sequence():
            with self.subTest(op=op):
                missing = [p for p in ex.placeholders(ex.read_example(op)) if p not in known]
                self.assertEqual(missing, [], "used before sequence.txt fills them")
            known |= set(captures)
            captured |= set(captures)
        self.assertEqual(captured | set(ex.SENDER_CHOSEN), set(ex.SAMPLE_VALUES) | {"ublOrder"})

    def test_ubl_order_is_well_formed_and_for_the_demo_parties(self):
        doc = etree.fromstring(base64.b64decode(ex.ubl_order_base64("X1")))
        cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
        self.assertEqual(doc.findtext(cbc + "ID"), "UBL-X1")
        ids = [e.text for e in doc.iter(cbc + "ID")]
        self.assertIn("BUY001", ids)
        self.assertIn("ACME", ids)


class Walk(unittest.TestCase):
    """The examples sent to a hub, in order, twice, and the retries."""

    hub = None
    url = None
    walks = []  # the values of each finished walk

    @classmethod
    def setUpClass(cls):
        if URL:
            cls.url = URL
        elif os.environ.get("EOS_TEST_BUILD"):
            cls.hub = start_hub()
            cls.url = cls.hub.url
        else:
            raise unittest.SkipTest("no hub: run from scripts/run-tests, or pass --url URL")

    @classmethod
    def tearDownClass(cls):
        if cls.hub:
            assert cls.hub.stop() == 0, "eos-hub did not exit cleanly"

    def send(self, op, values, basic=None, strip_header=False):
        text = ex.read_example(op)
        envelope = ex.fill(text, values)
        if strip_header:
            env = ex.parse(envelope)
            env.remove(env.find(f"{{{ex.SOAP_ENV}}}Header"))
            envelope = etree.tostring(env, encoding="unicode")
        request = ex.body_child(ex.parse(envelope))
        self.assertEqual(ex.schema_errors(request), [], f"{op}: the request is not valid")
        return post(self.url, op, envelope, basic), ex.expected_fault(text)

    def walk(self, run):
        values = {"run": run, "ublOrder": ex.ubl_order_base64(run)}
        for op, captures in ex.load_sequence():
            with self.subTest(op=op, run=run):
                answer, fault = self.send(op, values)
                if fault:
                    self.assertEqual(answer.fault, fault, answer.text)
                    continue
                self.assertIsNone(answer.fault, f"{op}: {answer.text}")
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.element.tag, f"{NS}{op}Response")
                self.assertEqual(ex.schema_errors(answer.element), [],
                                 f"{op}: the response is not valid:\n{answer.text}")
                fields, check = EXPECT[op]
                for path, want in fields.items():
                    want = ex.fill(want, values)
                    got = answer.child(path)
                    self.assertTrue(same_value(want, got), f"{op} {path}: {got!r}, not {want!r}")
                if check:
                    check(self, answer, values)
                for name, element in captures.items():
                    got = answer.child(element)
                    self.assertTrue(got, f"{op}: no {element} in the answer for ${{{name}}}")
                    values[name] = got
        return values

    def test_1_walk_on_fresh_demo_data(self):
        run = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S") + \
            f"-{os.getpid()}"
        Walk.walks.append(self.walk(run))

    def test_2_retries_answer_the_first_result(self):
        if not Walk.walks:
            self.skipTest("the first walk did not finish")
        values = Walk.walks[0]
        answer, _ = self.send("SubmitOrder", values)
        self.assertIsNone(answer.fault, answer.text)
        self.assertEqual(answer.child("duplicate"), "true")
        self.assertEqual(answer.child("orderId"), values["orderId"])
        for op, number in (("RecordShipment", "shipmentNo"), ("RecordInvoice", "invoiceNo"),
                           ("RecordPayment", "paymentNo"), ("SubmitReturn", "buyerReturnNo")):
            with self.subTest(op=op):
                answer, _ = self.send(op, values)
                self.assertIsNone(answer.fault, answer.text)
                self.assertEqual(answer.child("duplicate"), "true")

    def test_3_walk_again_on_the_same_hub(self):
        if not Walk.walks:
            self.skipTest("the first walk did not finish")
        Walk.walks.append(self.walk(Walk.walks[0]["run"] + "-2"))
        self.assertNotEqual(Walk.walks[0]["orderId"], Walk.walks[1]["orderId"])

    def test_4_http_basic_instead_of_the_token(self):
        values = {"run": "unused"}
        answer, _ = self.send("GetCatalog", values, basic=("buyer1", PASSWORD),
                              strip_header=True)
        self.assertIsNone(answer.fault, answer.text)
        answer, _ = self.send("GetCatalog", values, strip_header=True)
        self.assertEqual(answer.fault, "AUTH_REQUIRED")


def main():
    global URL
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--url":
        URL = args[1]
        args = args[2:]
    result = unittest.main(argv=[sys.argv[0]] + args, verbosity=2, exit=False).result
    if result.wasSuccessful() and Walk.hub:
        drop_database(TEST_DB)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
