"""eos_examples.py - reading wsdl/examples/ for the tests of tests/examples/.

The examples are one SOAP 1.1 request envelope per operation (wsdl/examples/<Op>.xml), sent in
the order wsdl/examples/sequence.txt gives. Values that only earlier answers know are
placeholders, ${name}: sequence.txt says which response element fills which placeholder;
${run} and ${ublOrder} are chosen by the sender (see wsdl/examples/README).

Used by test_examples.py (sends them to a hub) and test_soapui_consistency.py (compares them with
the SoapUI project), and by tests/soapui/build_project.py. Standard library, and lxml (which
zeep needs anyway) for parsing and validating; without lxml only reading the files works.
"""

import base64
import os
import re
import xml.etree.ElementTree as ElementTree

try:
    from lxml import etree
except ImportError:  # tests/soapui/build_project.py needs no lxml
    etree = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "wsdl", "examples")
WSDL = os.path.join(ROOT, "wsdl", "eoshub.wsdl")
XSD = os.path.join(ROOT, "wsdl", "eoshub.xsd")
UBL_ORDER = os.path.join(EXAMPLES, "SubmitOrderDocument.ubl.xml")

EOS = "urn:eoshub:v1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"

PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9]*)\}")
EXPECT_FAULT = re.compile(r"<!--\s*expect-fault:\s*([A-Z_]+)\s*-->")

# Placeholders the sender chooses (not captured from an answer).
SENDER_CHOSEN = ("run", "ublOrder")

# Values of the right types, to validate the examples against the XSD without a hub.
SAMPLE_VALUES = {
    "run": "20260601-1",
    "orderId": "1",
    "version": "2",
    "ublOrderId": "2",
    "changeRequestId": "1",
    "cursor": "v1.sample",
    "returnId": "1",
    "returnVersion": "1",
    "returnCursor": "v1.sample",
}


def operations():
    """The operations of the WSDL's port type, in its order."""
    root = ElementTree.parse(WSDL).getroot()
    return [op.get("name") for op in root.findall(f"{{{WSDL_NS}}}portType/{{{WSDL_NS}}}operation")]


def example_path(op):
    return os.path.join(EXAMPLES, op + ".xml")


def read_example(op):
    with open(example_path(op), encoding="utf-8") as f:
        return f.read()


def load_sequence():
    """sequence.txt as a list of (operation, {placeholder: response child element})."""
    steps = []
    with open(os.path.join(EXAMPLES, "sequence.txt"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            captures = {}
            for word in words[1:]:
                name, sep, element = word.partition("=")
                if not sep or not name or not element:
                    raise ValueError(f"sequence.txt:{number}: '{word}' is not NAME=ELEMENT")
                captures[name] = element
            steps.append((words[0], captures))
    return steps


def expected_fault(text):
    """The fault code an example documents with <!-- expect-fault: CODE -->, or None."""
    m = EXPECT_FAULT.search(text)
    return m.group(1) if m else None


def strip_comments(text):
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def placeholders(text):
    """The placeholders an example uses outside its comments, in order of appearance."""
    seen = []
    for name in PLACEHOLDER.findall(strip_comments(text)):
        if name not in seen:
            seen.append(name)
    return seen


def fill(text, values):
    """text with every ${name} outside comments replaced by values[name] (XML-escaped).

    Raises KeyError naming the first placeholder that has no value."""
    def one(m):
        return xml_escape(str(values[m.group(1)]))

    # Comments keep their placeholders: they document them.
    parts = re.split(r"(<!--.*?-->)", text, flags=re.S)
    return "".join(p if p.startswith("<!--") else PLACEHOLDER.sub(one, p) for p in parts)


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ubl_order_base64(run):
    """SubmitOrderDocument.ubl.xml with its ${run} filled in, base64-encoded: ${ublOrder}."""
    with open(UBL_ORDER, encoding="utf-8") as f:
        text = f.read()
    return base64.b64encode(fill(text, {"run": run}).encode("utf-8")).decode("ascii")


def parse(text):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.fromstring(text.encode("utf-8"), parser)


def body_child(envelope):
    """The first element in the envelope's Body (the request or response element)."""
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    if body is None:
        raise ValueError("no soapenv:Body")
    for child in body:
        if isinstance(child.tag, str):
            return child
    raise ValueError("empty soapenv:Body")


def standalone(element):
    """A copy of element as the root of its own document, for schema validation."""
    return etree.fromstring(etree.tostring(element))


_schema = None


def schema():
    global _schema
    if _schema is None:
        _schema = etree.XMLSchema(etree.parse(XSD))
    return _schema


def schema_errors(element):
    """The XSD's complaints about element (a request or response element); [] if valid."""
    s = schema()
    if s.validate(standalone(element)):
        return []
    return [f"line {e.line}: {e.message}" for e in s.error_log]


def username(envelope):
    """The wsse:Username of the envelope's header, or None without a UsernameToken."""
    found = envelope.find(f"{{{SOAP_ENV}}}Header/{{{WSSE}}}Security/{{{WSSE}}}UsernameToken/"
                          f"{{{WSSE}}}Username")
    return found.text if found is not None else None


def shape(element):
    """element as nested tuples: (namespace-qualified tag, attributes, text, children), with
    comments dropped and whitespace-only text ignored, so that two envelopes that differ only
    in prefixes, indentation and comments compare equal."""
    children = [c for c in element if isinstance(c.tag, str)]
    text = (element.text or "").strip()
    # Text between children (mixed content) does not occur in SOAP envelopes; keep it anyway.
    text += "".join((c.tail or "").strip() for c in element)
    return (element.tag, tuple(sorted(element.attrib.items())), text,
            tuple(shape(c) for c in children))
