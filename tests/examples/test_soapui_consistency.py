"""test_soapui_consistency.py - the SoapUI project and wsdl/examples/ say the same thing.

tests/soapui/EosHub-soapui-project.xml is generated from the examples by
tests/soapui/build_project.py; this test makes sure the two never drift, whoever edits which:
  - the project is well-formed XML (xmllint --noout, when xmllint is installed; lxml anyway), a
    SoapUI project with one WSDL interface loaded from http://127.0.0.1:8080/eos?wsdl;
  - it has every operation of wsdl/eoshub.wsdl, with its soapAction, and each operation's
    requests are identical to the operation's example once whitespace, namespace prefixes and
    comments are ignored, the credential properties (${#Project#buyerUser}, ...) are replaced by
    their values and the other project properties (${#Project#orderId}) by the examples'
    placeholders (${orderId});
  - the credentials are project properties (buyerUser, buyerPassword, sellerUser,
    sellerPassword), and every property a request uses is defined;
  - the "Order lifecycle" test suite walks SubmitOrder, DownloadOrders, AcknowledgeOrders,
    UpdateOrderStatus, RecordShipment, RecordInvoice, RecordPayment, GetOrderStatus in that order,
    each step's request identical to its example, each asserting a SOAP response, not a fault,
    and an XPath match (the last: the order PAID); the property transfers after a step take
    exactly what sequence.txt captures from that step's response, and every id a step needs was
    transferred before it.
No hub needed. Run by scripts/run-tests with the python that has zeep (and so lxml). Exit
status 0 when every check held.
"""

import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eos_examples as ex  # noqa: E402

from lxml import etree  # noqa: E402

PROJECT = os.path.join(ex.ROOT, "tests", "soapui", "EosHub-soapui-project.xml")
CON = "http://eviware.com/soapui/config"
C = {"con": CON}
CREDENTIALS = {"buyerUser": "buyer1", "buyerPassword": "demo-pass",
               "sellerUser": "acme-erp", "sellerPassword": "demo-pass"}
LIFECYCLE = ["SubmitOrder", "DownloadOrders", "AcknowledgeOrders", "UpdateOrderStatus",
             "RecordShipment", "RecordInvoice", "RecordPayment", "GetOrderStatus"]
PROJECT_PROPERTY = re.compile(r"\$\{#Project#([A-Za-z][A-Za-z0-9]*)\}")


def load_project():
    return etree.parse(PROJECT, etree.XMLParser(resolve_entities=False, no_network=True))


def project_properties(root):
    return {p.findtext("con:name", namespaces=C): p.findtext("con:value", namespaces=C) or ""
            for p in root.findall("con:properties/con:property", C)}


def normalised(request_text, properties):
    """A SoapUI request as the example would read: credentials by value, other project
    properties as ${name}."""
    def one(m):
        name = m.group(1)
        return properties[name] if name in CREDENTIALS else "${" + name + "}"
    return ex.shape(ex.parse(PROJECT_PROPERTY.sub(one, request_text)))


def example_shape(op):
    return ex.shape(ex.parse(ex.read_example(op)))


class SoapUIProject(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = load_project().getroot()
        cls.properties = project_properties(cls.root)

    def test_well_formed(self):
        xmllint = shutil.which("xmllint")
        if not xmllint:
            self.skipTest("no xmllint (lxml parsed it)")
        done = subprocess.run([xmllint, "--noout", PROJECT], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_a_soapui_project_with_the_hubs_wsdl(self):
        self.assertEqual(self.root.tag, f"{{{CON}}}soapui-project")
        interfaces = self.root.findall("con:interface", C)
        self.assertEqual(len(interfaces), 1)
        iface = interfaces[0]
        self.assertEqual(iface.get("type"), "wsdl")
        self.assertEqual(iface.get("definition"), "http://127.0.0.1:8080/eos?wsdl")
        self.assertEqual(iface.get("bindingName"), "{urn:eoshub:v1}EosHubBinding")
        self.assertEqual(iface.get("soapVersion"), "1_1")

    def test_credentials_are_project_properties(self):
        for name, value in CREDENTIALS.items():
            self.assertEqual(self.properties.get(name), value, name)

    def test_every_property_a_request_uses_is_defined(self):
        for request in self.root.iter(f"{{{CON}}}request"):
            for name in PROJECT_PROPERTY.findall(request.text or ""):
                self.assertIn(name, self.properties)
        for endpoint in self.root.iter(f"{{{CON}}}endpoint"):
            for name in PROJECT_PROPERTY.findall(endpoint.text or ""):
                self.assertIn(name, self.properties)

    def test_operation_requests_are_the_examples(self):
        iface = self.root.find("con:interface", C)
        ops = {o.get("name"): o for o in iface.findall("con:operation", C)}
        self.assertEqual(sorted(ops), sorted(ex.operations()))
        for name, op in ops.items():
            with self.subTest(op=name):
                self.assertEqual(op.get("action"), f"urn:eoshub:v1#{name}")
                self.assertEqual(op.get("bindingOperationName"), name)
                calls = op.findall("con:call", C)
                self.assertGreaterEqual(len(calls), 1)
                for call in calls:
                    text = call.findtext("con:request", namespaces=C)
                    self.assertEqual(normalised(text, self.properties), example_shape(name),
                                     f"request '{call.get('name')}' differs from "
                                     f"wsdl/examples/{name}.xml")

    def lifecycle_case(self):
        suites = [s for s in self.root.findall("con:testSuite", C)
                  if s.get("name") == "Order lifecycle"]
        self.assertEqual(len(suites), 1, "one test suite 'Order lifecycle'")
        cases = suites[0].findall("con:testCase", C)
        self.assertEqual(len(cases), 1)
        return cases[0]

    def test_order_lifecycle_steps_assertions_and_transfers(self):
        steps = self.lifecycle_case().findall("con:testStep", C)
        captures = dict(ex.load_sequence())
        requests = [s for s in steps if s.get("type") == "request"]
        self.assertEqual([s.findtext("con:config/con:operation", namespaces=C)
                          for s in requests], LIFECYCLE)

        transferred = {"run"}  # set by the test case's setup script
        pending = {}           # what the last request step's transfers must take
        for step in steps + [None]:
            if step is None or step.get("type") == "request":
                self.assertEqual(pending, {}, "transfers missing after a step")
            if step is None:
                break
            if step.get("type") == "transfer":
                for t in step.findall("con:config/con:transfers", C):
                    name = t.findtext("con:name", namespaces=C)
                    source = t.findtext("con:sourceStep", namespaces=C)
                    path = t.findtext("con:sourcePath", namespaces=C)
                    self.assertIn(name, pending, f"{step.get('name')}: {name} not in "
                                  "sequence.txt for this step")
                    op, element = pending.pop(name)
                    self.assertEqual(source, op)
                    self.assertTrue(path.strip().endswith(f"//eos:{op}Response/eos:{element}"),
                                    path)
                    self.assertIn("declare namespace eos='urn:eoshub:v1'", path)
                    self.assertEqual(t.findtext("con:targetStep", namespaces=C), "#Project#")
                    self.assertEqual(t.findtext("con:targetType", namespaces=C), name)
                    transferred.add(name)
                continue
            self.assertEqual(step.get("type"), "request", step.get("name"))
            op = step.findtext("con:config/con:operation", namespaces=C)
            request = step.find("con:config/con:request", C)
            with self.subTest(step=op):
                text = request.findtext("con:request", namespaces=C)
                self.assertEqual(normalised(text, self.properties), example_shape(op),
                                 f"step {op} differs from wsdl/examples/{op}.xml")
                used = set(ex.placeholders(ex.read_example(op)))
                self.assertEqual(used - transferred, set(),
                                 f"step {op} uses properties no earlier step transferred")
                kinds = {(a.get("type"), a.get("name"))
                         for a in request.findall("con:assertion", C)}
                self.assertIn(("SOAP Response", "SOAP Response"), kinds)
                # SoapUI's type id of "Not SOAP Fault" is "SOAP Fault Assertion".
                self.assertIn(("SOAP Fault Assertion", "Not SOAP Fault"), kinds)
                xpaths = request.findall("con:assertion[@type='XPath Match']", C)
                self.assertEqual(len(xpaths), 1)
                config = xpaths[0].find("con:configuration", C)
                self.assertIn("declare namespace eos='urn:eoshub:v1'", config.findtext("path"))
                if op == "GetOrderStatus":
                    self.assertTrue(config.findtext("path").strip().endswith(
                        "//eos:GetOrderStatusResponse/eos:order/eos:status"))
                    self.assertEqual(config.findtext("content"), "PAID")
            pending = {name: (op, element) for name, element in captures[op].items()}


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
