#!/usr/bin/env python3
"""build_project.py - writes EosHub-soapui-project.xml from wsdl/examples/.

The SoapUI project is generated, not edited by hand: its requests are the examples, with the
demo credentials and the placeholders turned into project properties (${run} becomes
${#Project#run}, buyer1 in a UsernameToken ${#Project#buyerUser}, ...), and its "Order
lifecycle" test suite transfers what sequence.txt captures. After changing an example or
sequence.txt, run

    python3 tests/soapui/build_project.py

and commit both; tests/examples/test_soapui_consistency.py fails while they differ. The output
depends only on the inputs (ids are derived from names), so a rebuild without changes is
byte-identical. Standard library and lxml.
"""

import os
import re
import sys
import uuid
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))
import eos_examples as ex  # noqa: E402

OUTPUT = os.path.join(HERE, "EosHub-soapui-project.xml")
WSDL_URL = "http://127.0.0.1:8080/eos?wsdl"
INTERFACE = "EosHubBinding"
BINDING = "{urn:eoshub:v1}EosHubBinding"
NSDECL = "declare namespace eos='urn:eoshub:v1';\n"

# The demo users of the examples and the project properties that stand for them.
CREDENTIALS = {
    "buyer1": ("buyerUser", "buyerPassword"),
    "acme-erp": ("sellerUser", "sellerPassword"),
}
PASSWORD = "demo-pass"

# The "Order lifecycle" test case: its request steps, in the order of sequence.txt, and what
# each step's XPath Match assertion expects (response element path, expected content).
LIFECYCLE = [
    ("SubmitOrder", "//eos:SubmitOrderResponse/eos:status", "SUBMITTED"),
    ("DownloadOrders", "//eos:DownloadOrdersResponse/eos:nextCursor", "*"),
    ("AcknowledgeOrders", "//eos:AcknowledgeOrdersResponse/eos:acknowledgedCursor",
     "${#Project#cursor}"),
    ("UpdateOrderStatus", "//eos:UpdateOrderStatusResponse/eos:status", "ACCEPTED"),
    ("RecordShipment", "//eos:RecordShipmentResponse/eos:orderStatus", "SHIPPED"),
    ("RecordInvoice", "//eos:RecordInvoiceResponse/eos:orderStatus", "INVOICED"),
    ("RecordPayment", "//eos:RecordPaymentResponse/eos:paymentNo", "PAY-${#Project#run}"),
    ("GetOrderStatus", "//eos:GetOrderStatusResponse/eos:order/eos:status", "PAID"),
]

# Gives ${#Project#run} a new value before each run of the test case, so that its document
# numbers (PO-..., SHP-..., ...) are new and the walk can be repeated on the same hub.
SETUP_SCRIPT = """\
// A new project property "run" for each run: new document numbers (PO-run, SHP-run, ...),
// so the walk can be repeated on the same hub.
def run = new java.text.SimpleDateFormat("yyyyMMdd-HHmmss").format(new Date())
testCase.testSuite.project.setPropertyValue("run", run)
log.info("Order lifecycle: run " + run)"""


def uid(*names):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "eoshub-soapui:" + "/".join(names)))


def request_text(op):
    """The example of op as the project sends it: the envelope without the XML declaration and
    the leading comment, placeholders and credentials as project properties."""
    text = ex.read_example(op)
    text = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"^(\s*<!--.*?-->\s*)+", "", text, flags=re.S)
    text = ex.PLACEHOLDER.sub(lambda m: "${#Project#" + m.group(1) + "}", text)
    for user, (user_prop, password_prop) in CREDENTIALS.items():
        text = text.replace(f"<wsse:Username>{user}</wsse:Username>",
                            f"<wsse:Username>${{#Project#{user_prop}}}</wsse:Username>")
        if f"${{#Project#{user_prop}}}" in text:
            text = text.replace(f'#PasswordText">{PASSWORD}</wsse:Password>',
                                f'#PasswordText">${{#Project#{password_prop}}}</wsse:Password>')
    if "]]>" in text:
        raise ValueError(f"{op}: ']]>' cannot go into CDATA")
    return text.rstrip() + "\n"


def cdata(text):
    return "<![CDATA[" + text + "]]>"


def call(op, indent):
    """A con:call (an interface request) or the body of a test step's con:request."""
    pad = " " * indent
    return (f"{pad}<con:settings/>\n"
            f"{pad}<con:encoding>UTF-8</con:encoding>\n"
            f"{pad}<con:endpoint>${{#Project#endpoint}}</con:endpoint>\n"
            f"{pad}<con:request>{cdata(request_text(op))}</con:request>\n")


def request_tail(op, indent):
    pad = " " * indent
    return (f"{pad}<con:credentials>\n"
            f"{pad}  <con:authType>No Authorization</con:authType>\n"
            f"{pad}</con:credentials>\n"
            f"{pad}<con:jmsConfig JMSDeliveryMode=\"PERSISTENT\"/>\n"
            f"{pad}<con:jmsPropertyConfig/>\n"
            f"{pad}<con:wsaConfig mustUnderstand=\"NONE\" version=\"200508\""
            f" action=\"urn:eoshub:v1#{op}\"/>\n"
            f"{pad}<con:wsrmConfig version=\"1.2\"/>\n")


def operation(op):
    return (f"    <con:operation id=\"{uid('op', op)}\" isOneWay=\"false\""
            f" action=\"urn:eoshub:v1#{op}\" name=\"{op}\" bindingOperationName=\"{op}\""
            f" type=\"Request-Response\" inputName=\"\" receivesAttachments=\"false\""
            f" sendsAttachments=\"false\" anonymous=\"optional\">\n"
            f"      <con:settings/>\n"
            f"      <con:call id=\"{uid('call', op)}\" name=\"{op} example\">\n"
            + call(op, 8) + request_tail(op, 8) +
            f"      </con:call>\n"
            f"    </con:operation>\n")


def assertion(step, kind, name, config=None):
    head = f"            <con:assertion type=\"{kind}\" id=\"{uid('assert', step, name)}\"" \
           f" name=\"{name}\""
    if config is None:
        return head + "/>\n"
    return head + ">\n" + config + "            </con:assertion>\n"


def xpath_match(step, path, content):
    config = ("              <con:configuration>\n"
              f"                <path>{escape(NSDECL + path)}</path>\n"
              f"                <content>{escape(content)}</content>\n"
              f"                <allowWildcards>{'true' if content == '*' else 'false'}"
              "</allowWildcards>\n"
              "                <ignoreNamspaceDifferences>false</ignoreNamspaceDifferences>\n"
              "                <ignoreComments>false</ignoreComments>\n"
              "              </con:configuration>\n")
    return assertion(step, "XPath Match", "XPath Match", config)


def request_step(op, path, content):
    return (f"      <con:testStep type=\"request\" name=\"{op}\" id=\"{uid('step', op)}\">\n"
            f"        <con:settings/>\n"
            f"        <con:config xsi:type=\"con:RequestStep\""
            f" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
            f"          <con:interface>{INTERFACE}</con:interface>\n"
            f"          <con:operation>{op}</con:operation>\n"
            f"          <con:request name=\"{op}\" id=\"{uid('request', op)}\">\n"
            + call(op, 12)
            + assertion(op, "SOAP Response", "SOAP Response")
            # SoapUI's own naming: the "Not SOAP Fault" assertion has the type id
            # "SOAP Fault Assertion" (and "SOAP Fault" has "Not SOAP Fault Assertion").
            + assertion(op, "SOAP Fault Assertion", "Not SOAP Fault")
            + xpath_match(op, path, content)
            + request_tail(op, 12) +
            f"          </con:request>\n"
            f"        </con:config>\n"
            f"      </con:testStep>\n")


def transfer_step(op, captures):
    out = [f"      <con:testStep type=\"transfer\" name=\"Transfer from {op}\""
           f" id=\"{uid('transfer', op)}\">\n"
           f"        <con:settings/>\n"
           f"        <con:config xsi:type=\"con:PropertyTransfersStep\""
           f" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"]
    for name, element in captures.items():
        out.append(
            f"          <con:transfers setNullOnMissingSource=\"false\""
            f" transferTextContent=\"true\" failOnError=\"true\" ignoreEmpty=\"false\""
            f" transferToAll=\"false\" entitize=\"false\" transferChildNodes=\"false\">\n"
            f"            <con:name>{name}</con:name>\n"
            f"            <con:sourceType>Response</con:sourceType>\n"
            f"            <con:sourceStep>{op}</con:sourceStep>\n"
            f"            <con:sourcePath>{escape(NSDECL)}//eos:{op}Response/eos:{element}"
            f"</con:sourcePath>\n"
            f"            <con:targetType>{name}</con:targetType>\n"
            f"            <con:targetStep>#Project#</con:targetStep>\n"
            f"            <con:type>XPATH</con:type>\n"
            f"            <con:targetTransferType>XPATH</con:targetTransferType>\n"
            f"            <con:upgraded>true</con:upgraded>\n"
            f"          </con:transfers>\n")
    out.append("        </con:config>\n      </con:testStep>\n")
    return "".join(out)


def property_(name, value):
    return (f"    <con:property>\n      <con:name>{name}</con:name>\n"
            f"      <con:value>{escape(value)}</con:value>\n    </con:property>\n")


def build():
    ops = ex.operations()
    steps = dict(ex.load_sequence())
    order = [op for op, _ in ex.load_sequence()]
    if [s[0] for s in LIFECYCLE] != sorted((s[0] for s in LIFECYCLE), key=order.index):
        raise ValueError("LIFECYCLE must follow the order of sequence.txt")

    props = [("endpoint", "http://127.0.0.1:8080/eos")]
    props += [("buyerUser", "buyer1"), ("buyerPassword", PASSWORD),
              ("sellerUser", "acme-erp"), ("sellerPassword", PASSWORD)]
    props += [("run", "soapui-1"), ("ublOrder", ex.ubl_order_base64("soapui-1"))]
    props += [(k, v) for k, v in ex.SAMPLE_VALUES.items() if k != "run"]

    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           "<!--\n"
           "  EOS Hub for SoapUI 5.x: File > Import Project. GENERATED by\n"
           "  tests/soapui/build_project.py from wsdl/examples/ (do not edit by hand: change the\n"
           "  examples and run it). Credentials, the endpoint and the ids that earlier answers\n"
           "  give are project properties; see README.md, \"For integrators\".\n"
           "-->\n",
           f'<con:soapui-project id="{uid("project")}" activeEnvironment="Default"'
           ' name="EosHub" resourceRoot="" soapui-version="5.7.0" abortOnError="false"'
           ' runType="SEQUENTIAL" xmlns:con="http://eviware.com/soapui/config">\n',
           "  <con:description>EOS Hub, contract version 1 (urn:eoshub:v1): one example request"
           " per operation (wsdl/examples/) and the \"Order lifecycle\" test suite."
           "</con:description>\n",
           "  <con:settings/>\n",
           f'  <con:interface xsi:type="con:WsdlInterface" id="{uid("interface")}"'
           f' wsaVersion="NONE" name="{INTERFACE}" type="wsdl" bindingName="{BINDING}"'
           f' soapVersion="1_1" anonymous="optional" definition="{WSDL_URL}"'
           ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n',
           "    <con:settings/>\n",
           "    <con:endpoints>\n      <con:endpoint>${#Project#endpoint}</con:endpoint>\n"
           "    </con:endpoints>\n"]
    out += [operation(op) for op in ops]
    out.append("  </con:interface>\n")

    out.append(f'  <con:testSuite id="{uid("suite")}" name="Order lifecycle">\n'
               "    <con:description>A buyer's order from submission to payment, the seller's"
               " ERP working it through its feed; every request is the example of its"
               " operation.</con:description>\n"
               "    <con:settings/>\n"
               "    <con:runType>SEQUENTIAL</con:runType>\n"
               f'    <con:testCase id="{uid("case")}" failOnError="true"'
               ' failTestCaseOnErrors="true" keepSession="false" maxResults="0"'
               ' name="Order from submission to payment" searchProperties="true">\n'
               "      <con:settings/>\n")
    for op, path, content in LIFECYCLE:
        out.append(request_step(op, path, content))
        if steps[op]:
            out.append(transfer_step(op, steps[op]))
    out.append(f"      <con:setupScript>{escape(SETUP_SCRIPT)}</con:setupScript>\n"
               "      <con:properties/>\n"
               "    </con:testCase>\n"
               "    <con:properties/>\n"
               "  </con:testSuite>\n")

    out.append("  <con:properties>\n")
    out += [property_(k, v) for k, v in props]
    out.append("  </con:properties>\n"
               "  <con:wssContainer/>\n"
               "  <con:oAuth2ProfileContainer/>\n"
               "  <con:oAuth1ProfileContainer/>\n"
               "  <con:sensitiveInformation/>\n"
               "</con:soapui-project>\n")
    return "".join(out)


def main():
    args = sys.argv[1:]
    if args not in ([], ["--check"]):
        print(__doc__.strip() + "\n\nusage: build_project.py [--check]", file=sys.stderr)
        return 0 if args in (["-h"], ["--help"]) else 2
    text = build()
    if "--check" in args:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{OUTPUT} is stale: run {sys.argv[0]}", file=sys.stderr)
                return 1
        return 0
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(OUTPUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
