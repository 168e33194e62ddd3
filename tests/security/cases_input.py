"""cases_input.py - every bad request gets a SOAP Fault with a contract code, fast, that leaks
nothing and stores nothing (issue 8, first bullet).

Each case sends one hostile request to the shared 'plain' hub as buyer1 (HTTP Basic; the
hub allows it on loopback), then checks: the fault's shape (lib.check_fault: HTTP 500 and
faultcode Client, or 400 and Sender for SOAP 1.2; <eos:error> with the expected code, a
message, retryable; no internals in headers or body), the time (FAST seconds), that no
order with the request's buyerOrderNo exists and that no stored table changed size.
"""

import gzip
import time

from lib import (Fail, NS_SOAP11, PASSWORD, SoapResult, basic_header, check, check_fault,
                 connect, counts_diff, envelope, expect_ok, http_request, op_body,
                 order_lines_xml,
                 orders_with_no, read_response, scan_leaks, table_counts, unique,
                 xml_escape, CONTRACT_CODES)
from suite import case

FAST = 3.0  # seconds: parse-level faults take milliseconds; the box may be loaded
WAIT = 6.0  # how long a case waits for an answer before calling it a hang
BASIC = basic_header("buyer1", PASSWORD)
XML_HEADERS = [("Content-Type", "text/xml; charset=utf-8"), BASIC]
MALFORMED = "MALFORMED_REQUEST"
INVALID = "VALIDATION_FAILED"
LIMIT = "LIMIT_EXCEEDED"
BAD_TEXT = {MALFORMED, INVALID}  # refused by the parser or by the field check: both fine


def order_xml(order_no, note_raw=None, lines=1, prolog="", header="", before_lines="",
              v12=False):
    """A SubmitOrder envelope; note_raw goes in as raw XML (not escaped)."""
    note = f"<e:note>{note_raw}</e:note>" if note_raw is not None else ""
    body = op_body("SubmitOrder", f"<e:buyerOrderNo>{xml_escape(order_no)}</e:buyerOrderNo>"
                   f"{before_lines}{note}{order_lines_xml(lines)}")
    env = envelope(body, header, v12=v12)
    if prolog:
        env = env.replace('<?xml version="1.0" encoding="UTF-8"?>',
                          '<?xml version="1.0" encoding="UTF-8"?>' + prolog, 1)
    return env


def field_names(field, element):
    """True when the fault's field names the element (its last step, index dropped)."""
    if not field:
        return False
    last = field.rstrip("/").split("/")[-1].split("[")[0]
    return last == element


def hub_of(ctx):
    return ctx.hub("plain")


def stored_later(order_no, seconds=4):
    """After a hang: did the hub store the order after all? Seconds it took, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if orders_with_no(order_no):
            return time.monotonic() - start
        time.sleep(0.5)
    return None


def refused(ctx, body=None, codes=MALFORMED, order_no=None, headers=None, v12=False, field=None,
            raw=None, send=None, max_seconds=FAST, status=None, method="POST", path="/eos"):
    """Sends a bad request and holds the answer to the rules above. Returns the fault."""
    h = hub_of(ctx)
    before = table_counts()
    if send is not None:
        resp = send(h)
    else:
        if headers is None:
            headers = ([("Content-Type", "application/soap+xml; charset=utf-8"), BASIC] if v12
                       else XML_HEADERS)
        resp = http_request(h, method=method, path=path, body=body, headers=headers, raw=raw,
                            timeout=WAIT)
    res = SoapResult(resp)
    try:
        if status is not None:
            check(resp.status in status, f"HTTP {resp.status}, expected one of {status}: "
                  f"{res.describe()}")
            check(res.fault is not None, f"no SOAP fault: {res.describe()}")
            check(res.fault["code"] in (codes if isinstance(codes, set) else {codes}),
                  f"expected {codes}, got {res.describe()}")
            check(resp.elapsed <= max_seconds, f"took {resp.elapsed:.2f}s")
            scan_leaks(resp)
            fault = res.fault
        else:
            fault = check_fault(res, codes, v12=v12, max_seconds=max_seconds)
        if field is not None:
            check(field_names(fault["field"], field),
                  f"fault names field {fault['field']!r}, not the element {field!r} "
                  f"({res.describe()})")
    except Fail as e:
        if order_no and resp.status is None:
            later = stored_later(order_no)
            if later is not None:
                raise Fail(f"{e}; and the hub stored the order {later:.1f}s after the client "
                           f"gave up") from None
        raise
    if order_no:
        found = orders_with_no(order_no)
        check(not found, f"refused with {fault['code']}, yet order {found} was stored")
    diff = counts_diff(before, table_counts())
    check(not diff, f"refused with {fault['code']}, yet stored rows changed: {diff}")
    return fault


# ------------------------------------------------------------------ malformed XML

@case("input", "truncated-xml-half")
def _(ctx):
    no = unique("trunc")
    env = order_xml(no)
    refused(ctx, env[:len(env) // 2], MALFORMED, order_no=no)


@case("input", "truncated-xml-missing-end-tags")
def _(ctx):
    no = unique("trunc")
    env = order_xml(no)
    refused(ctx, env[:env.index("</s:Body>")], MALFORMED, order_no=no)


@case("input", "mismatched-end-tag")
def _(ctx):
    no = unique("mis")
    refused(ctx, order_xml(no).replace("</e:buyerOrderNo>", "</e:buyerOrderNumber>"),
            MALFORMED, order_no=no)


@case("input", "unclosed-attribute-quote")
def _(ctx):
    no = unique("quote")
    refused(ctx, order_xml(no).replace("<e:SubmitOrderRequest>",
                                       '<e:SubmitOrderRequest a="1>'), MALFORMED, order_no=no)


@case("input", "stray-lt-in-text")
def _(ctx):
    no = unique("lt")
    refused(ctx, order_xml(no, note_raw="a < b"), BAD_TEXT, order_no=no)


@case("input", "content-after-the-envelope")
def _(ctx):
    # Not well-formed (a second top-level element); must be refused at once.
    no = unique("trail")
    refused(ctx, order_xml(no) + "<junk/>", MALFORMED, order_no=no)


@case("input", "non-xml-text-body")
def _(ctx):
    refused(ctx, "hello, this is not XML at all", MALFORMED)


@case("input", "json-body")
def _(ctx):
    refused(ctx, '{"SubmitOrder": {"buyerOrderNo": "x"}}', MALFORMED,
            headers=[("Content-Type", "application/json"), BASIC])


@case("input", "form-body")
def _(ctx):
    refused(ctx, "buyerOrderNo=x&sku=SKU-0001", MALFORMED,
            headers=[("Content-Type", "application/x-www-form-urlencoded"), BASIC])


@case("input", "binary-body")
def _(ctx):
    refused(ctx, bytes(range(256)) * 4, MALFORMED)


@case("input", "empty-body")
def _(ctx):
    refused(ctx, b"", MALFORMED)


@case("input", "xml-but-not-soap")
def _(ctx):
    refused(ctx, '<?xml version="1.0"?><order><no>1</no></order>', MALFORMED)


@case("input", "wrong-envelope-namespace")
def _(ctx):
    no = unique("envns")
    refused(ctx, order_xml(no).replace(NS_SOAP11, "http://example.com/not-soap"), MALFORMED,
            order_no=no)


@case("input", "empty-soap-body")
def _(ctx):
    refused(ctx, envelope(""), MALFORMED)


# ------------------------------------------------------------------ DOCTYPE and entities

def doctype_case(ctx, prolog, note_raw=None):
    no = unique("dtd")
    fault = refused(ctx, order_xml(no, note_raw=note_raw, prolog=prolog), MALFORMED, order_no=no)
    return fault


@case("input", "doctype-internal-subset")
def _(ctx):
    doctype_case(ctx, '<!DOCTYPE s:Envelope [<!ENTITY x "INJECTED">]>', "&x;")


@case("input", "doctype-external-system")
def _(ctx):
    doctype_case(ctx, '<!DOCTYPE s:Envelope SYSTEM "file:///etc/passwd">')


@case("input", "doctype-external-entity")
def _(ctx):
    doctype_case(ctx, '<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                 "&xxe;")


@case("input", "doctype-public")
def _(ctx):
    doctype_case(ctx, '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                      '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">')


@case("input", "doctype-billion-laughs")
def _(ctx):
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10))
    doctype_case(ctx, f"<!DOCTYPE lolz [{ents}]>", "&lol9;")


@case("input", "doctype-parameter-entity")
def _(ctx):
    doctype_case(ctx, '<!DOCTYPE s:Envelope [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> '
                      '%p;]>')


@case("input", "doctype-lowercase")
def _(ctx):
    # gSOAP skips any "<!...>" whatever its case; WS-I BP R1008 says refuse it.
    doctype_case(ctx, '<!doctype s:Envelope SYSTEM "file:///etc/passwd">')


@case("input", "doctype-after-blank")
def _(ctx):
    # gSOAP skips blanks after '<': "< !DOCTYPE" is a DOCTYPE to it.
    doctype_case(ctx, '< !DOCTYPE s:Envelope SYSTEM "file:///etc/passwd">')


@case("input", "doctype-inside-body")
def _(ctx):
    no = unique("dtd")
    env = order_xml(no).replace("<s:Body>", '<s:Body><!DOCTYPE x [<!ENTITY y "z">]>')
    refused(ctx, env, MALFORMED, order_no=no)


@case("input", "doctype-split-across-writes")
def _(ctx):
    no = unique("dtd")
    body = order_xml(no, prolog='<!DOCTYPE s:Envelope [<!ENTITY x "y">]>').encode()
    cut = body.index(b"<!DOC") + 3

    def send(h):
        head = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                f"{BASIC[0]}: {BASIC[1]}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        s = connect(h, timeout=WAIT)
        start = time.monotonic()
        try:
            s.sendall(head + body[:cut])
            time.sleep(0.3)
            try:
                s.sendall(body[cut:])
            except OSError:
                pass
            r = read_response(s, timeout=WAIT)
            r.elapsed = time.monotonic() - start
            return r
        finally:
            s.close()

    refused(ctx, send=send, codes=MALFORMED, order_no=no)


@case("input", "doctype-in-gzip-body")
def _(ctx):
    no = unique("dtd")
    body = gzip.compress(order_xml(no, prolog='<!DOCTYPE s:Envelope [<!ENTITY x "y">]>',
                                   note_raw="&x;").encode())
    refused(ctx, body, MALFORMED, order_no=no, headers=XML_HEADERS + [("Content-Encoding", "gzip")])


@case("input", "doctype-behind-a-coding-gsoap-does-not-inflate")
def _(ctx):
    # Plain bodies whose headers mention gzip or chunked elsewhere than as the
    # whole coding: gSOAP reads them as they are, so the guard must lex them
    # (a guard matching "gzip" anywhere in the headers skipped them).
    for extra in ([("Content-Encoding", "x-gzip")],
                  [("Content-Encoding", "identity"), ("X-Note", "gzip deflate chunked")],
                  [("X-Transfer-Encoding-Note", "chunked")]):
        no = unique("dtd")
        body = order_xml(no, prolog='<!DOCTYPE s:Envelope [<!ENTITY x "y">]>',
                         note_raw="&x;").encode()
        refused(ctx, body, MALFORMED, order_no=no, headers=XML_HEADERS + extra)


@case("input", "doctype-split-across-chunks")
def _(ctx):
    no = unique("dtd")
    body = order_xml(no, prolog='<!DOCTYPE s:Envelope [<!ENTITY x "y">]>').encode()
    cut = body.index(b"<!DOC") + 4
    raw = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{BASIC[0]}: {BASIC[1]}"
           f"\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
    for part in (body[:cut], body[cut:]):
        raw += b"%x\r\n" % len(part) + part + b"\r\n"
    refused(ctx, raw=raw + b"0\r\n\r\n", codes=MALFORMED, order_no=no)


@case("input", "undeclared-entity-reference")
def _(ctx):
    # Not well-formed without a declaration; gSOAP alone turns it into 0x7F.
    no = unique("ent")
    refused(ctx, order_xml(no, note_raw="a&xxe;b"), BAD_TEXT, order_no=no)


@case("input", "html-entity-reference")
def _(ctx):
    # XML knows five named entities; gSOAP also expands HTML ones (&eacute; and the like).
    no = unique("ent")
    refused(ctx, order_xml(no, note_raw="caf&eacute;"), BAD_TEXT, order_no=no)


@case("input", "charref-nul")
def _(ctx):
    # &#0; is no XML character; gSOAP ends the C string there ("abc&#0;def" -> "abc").
    no = unique("ref")
    refused(ctx, order_xml(no, note_raw="abc&#0;def"), BAD_TEXT, order_no=no)


@case("input", "charref-control")
def _(ctx):
    no = unique("ref")
    refused(ctx, order_xml(no, note_raw="abc&#1;def"), BAD_TEXT, order_no=no)


@case("input", "charref-noncharacter-fffe")
def _(ctx):
    no = unique("ref")
    refused(ctx, order_xml(no, note_raw="abc&#xFFFE;def"), BAD_TEXT, order_no=no)


@case("input", "charref-beyond-unicode")
def _(ctx):
    no = unique("ref")
    refused(ctx, order_xml(no, note_raw="abc&#x110000;def"), BAD_TEXT, order_no=no)


@case("input", "charref-surrogate")
def _(ctx):
    no = unique("ref")
    refused(ctx, order_xml(no, note_raw="abc&#xD800;def"), BAD_TEXT, order_no=no)


# ------------------------------------------------------------------ namespaces, elements, types

@case("input", "wrong-namespace-request")
def _(ctx):
    no = unique("ns")
    env = order_xml(no).replace('<e:SubmitOrderRequest>',
                                '<e:SubmitOrderRequest xmlns:e="urn:eoshub:v2">')
    refused(ctx, env, MALFORMED, order_no=no)


@case("input", "unqualified-children")
def _(ctx):
    no = unique("ns")
    body = (f'<e:SubmitOrderRequest><buyerOrderNo>{no}</buyerOrderNo>'
            f'<line><lineNo>1</lineNo><sku>SKU-0001</sku><quantity>1</quantity></line>'
            f'</e:SubmitOrderRequest>')
    refused(ctx, envelope(body), {MALFORMED, INVALID}, order_no=no)


@case("input", "unknown-element")
def _(ctx):
    no = unique("unk")
    refused(ctx, order_xml(no, before_lines="<e:discount>100</e:discount>"), {MALFORMED, INVALID},
            order_no=no, field="discount")


@case("input", "unknown-element-in-line")
def _(ctx):
    no = unique("unk")
    env = order_xml(no).replace("</e:quantity>", "</e:quantity><e:free>true</e:free>")
    refused(ctx, env, {MALFORMED, INVALID}, order_no=no, field="free")


@case("input", "element-twice")
def _(ctx):
    no = unique("dup")
    refused(ctx, order_xml(no, before_lines=f"<e:buyerOrderNo>{no}-2</e:buyerOrderNo>"),
            {MALFORMED, INVALID}, order_no=no)


@case("input", "required-element-missing")
def _(ctx):
    refused(ctx, envelope(op_body("SubmitOrder", order_lines_xml())), INVALID)


WRONG_TYPES = [
    # (element, where, value)
    ("lineNo", "line", "one"),
    ("lineNo", "line", "1.5"),
    ("quantity", "line", "1e3"),
    ("quantity", "line", "NaN"),
    ("quantity", "line", "INF"),
    ("quantity", "line", "0x10"),
    ("unitPrice", "line", "ten"),
    ("allowAdjust", "head", "yes"),
    ("validateOnly", "head", "2"),
    ("requestedDeliveryDate", "head", "tomorrow"),
    ("requestedDeliveryDate", "head", "2025-02-30T00:00:00Z"),
]


def order_with(no, element, where, value):
    """A SubmitOrder whose element (in the head or the line) carries value (escaped)."""
    v = xml_escape(value)
    if where == "head":
        order = ["sellerCode", "shipToCode", "requestedDeliveryDate", "allowAdjust",
                 "validateOnly", "note"]
        check(element in order, element)
        head = f"<e:{element}>{v}</e:{element}>"
        if element == "buyerOrderNo":
            head = ""
        body = (f"<e:buyerOrderNo>{xml_escape(no)}</e:buyerOrderNo>{head}"
                + order_lines_xml())
    elif where == "orderno":
        body = f"<e:buyerOrderNo>{v}</e:buyerOrderNo>" + order_lines_xml()
    else:
        fields = {"lineNo": "1", "sku": "SKU-0001", "quantity": "1"}
        extra = ""
        if element in fields:
            fields[element] = v
        elif element == "unitPrice":
            extra = f"<e:unitPrice>{v}</e:unitPrice>"
        elif element == "requestedDeliveryDate":
            extra = f"<e:requestedDeliveryDate>{v}</e:requestedDeliveryDate>"
        line = (f"<e:line><e:lineNo>{fields['lineNo']}</e:lineNo><e:sku>{fields['sku']}</e:sku>"
                f"<e:quantity>{fields['quantity']}</e:quantity>{extra}</e:line>")
        body = f"<e:buyerOrderNo>{xml_escape(no)}</e:buyerOrderNo>{line}"
    return envelope(op_body("SubmitOrder", body))


@case("input", "wrong-types")
def _(ctx):
    problems = []
    for element, where, value in WRONG_TYPES:
        no = unique("type")
        try:
            refused(ctx, order_with(no, element, where, value), INVALID, order_no=no,
                    field=element)
        except Fail as e:
            problems.append(f"{element}={value!r}: {e}")
    check(not problems, "; ".join(problems))


@case("input", "wrong-types-other-operations")
def _(ctx):
    problems = []
    for op, inner, element in [
        ("GetOrderStatus", "<e:orderId>abc</e:orderId>", "orderId"),
        ("GetOrderStatus", "<e:orderId>0</e:orderId>", "orderId"),
        ("GetOrderStatus", "<e:orderId>99999999999999999999</e:orderId>", "orderId"),
        ("ListOrders", "<e:offset>-1</e:offset>", "offset"),
        ("ListOrders", "<e:limit>0</e:limit>", "limit"),
        ("ListOrders", "<e:limit>501</e:limit>", "limit"),
        ("ListOrders", "<e:status>OPEN</e:status>", "status"),
        ("ListOrders", "<e:createdFrom>yesterday</e:createdFrom>", "createdFrom"),
        ("CancelOrder", "<e:orderId>1</e:orderId><e:expectedVersion>-1</e:expectedVersion>",
         "expectedVersion"),
        ("ListAccountDocuments", "<e:docType>RECEIPT</e:docType>", "docType"),
        ("GetCatalog", f"<e:search>{'s' * 101}</e:search>", "search"),
    ]:
        try:
            refused(ctx, envelope(op_body(op, inner)), INVALID, field=element)
        except Fail as e:
            problems.append(f"{op} {element}: {e}")
    check(not problems, "; ".join(problems))


# Values just outside each restriction of SubmitOrder (wsdl/eoshub.xsd), and for contrast
# values just inside that must be accepted (validateOnly: nothing is stored).
OUTSIDE = [
    ("buyerOrderNo", "orderno", "B" * 65, "DocumentNo maxLength 64"),
    ("buyerOrderNo", "orderno", "", "DocumentNo minLength 1"),
    ("buyerOrderNo", "orderno", " leading-space", "DocumentNo pattern [^\\s].*"),
    ("buyerOrderNo", "orderno", "\tleading-tab", "DocumentNo pattern [^\\s].*"),
    ("sellerCode", "head", "A" * 33, "Code maxLength 32"),
    ("sellerCode", "head", "", "Code minLength 1"),
    ("sellerCode", "head", "AC ME", "Code pattern"),
    ("shipToCode", "head", "DOCK'1", "Code pattern"),
    ("shipToCode", "head", "DOCK;1", "Code pattern"),
    ("requestedDeliveryDate", "head", "2025-13-01", "xsd:date"),
    ("requestedDeliveryDate", "head", "2025-02-29", "xsd:date"),
    ("requestedDeliveryDate", "head", "2030-01-31+15:00", "xsd:date time zone past 14:00"),
    ("requestedDeliveryDate", "head", "2030-01-31T00:00:00", "xsd:date (not a dateTime)"),
    ("note", "head", "n" * 2001, "Text maxLength 2000"),
    ("note", "head", "\U0001F600" * 2001, "Text maxLength 2000 (characters)"),
    ("lineNo", "line", "0", "LineNo minInclusive 1"),
    ("lineNo", "line", "100000", "LineNo maxInclusive 99999"),
    ("lineNo", "line", "-1", "LineNo minInclusive 1"),
    ("sku", "line", "S" * 65, "Sku maxLength 64"),
    ("sku", "line", "", "Sku minLength 1"),
    ("sku", "line", "SKU 0001", "Sku pattern"),
    ("sku", "line", "SKU<0001", "Sku pattern"),
    ("sku", "line", "SKU-0001'--", "Sku pattern"),
    ("quantity", "line", "0", "PositiveQuantity"),
    ("quantity", "line", "0.000", "PositiveQuantity"),
    ("quantity", "line", "-1", "PositiveQuantity"),
    ("quantity", "line", "1.0001", "Quantity fractionDigits 3"),
    ("quantity", "line", "1234567890", "Quantity totalDigits 12 (9 integer)"),
    ("quantity", "line", "", "Quantity (empty)"),
    ("unitPrice", "line", "-0.01", "NonNegativeMoney"),
    ("unitPrice", "line", "11.25001", "Money fractionDigits 4"),
    ("unitPrice", "line", "123456789012345", "Money totalDigits 18 (14 integer)"),
    ("requestedDeliveryDate", "line", "2025-04-31", "xsd:date"),
]

INSIDE = [
    ("buyerOrderNo", "orderno", None, "64 characters"),
    ("note", "head", "\U0001F600" * 2000, "2000 characters of 4 bytes each"),
    ("lineNo", "line", "99999", "LineNo maxInclusive"),
    ("quantity", "line", "0.001", "3 fraction digits"),
    ("unitPrice", "line", "11.2500", "4 fraction digits"),
    ("requestedDeliveryDate", "head", "2030-01-31Z", "xsd:date in UTC"),
    ("requestedDeliveryDate", "head", "2030-01-31+01:00", "xsd:date with its time zone"),
]


@case("input", "xsd-restrictions-just-outside")
def _(ctx):
    problems = []
    for element, where, value, rule in OUTSIDE:
        no = unique("xsd")
        try:
            refused(ctx, order_with(no, element, where, value), INVALID, order_no=no,
                    field=element)
        except Fail as e:
            problems.append(f"{element}={value[:20]!r} ({rule}): {e}")
    check(not problems, f"{len(problems)} of {len(OUTSIDE)}: " + "; ".join(problems))


@case("input", "xsd-restrictions-just-inside")
def _(ctx):
    from lib import soap_call
    h = hub_of(ctx)
    problems = []
    for element, where, value, rule in INSIDE:
        no = unique("in")
        if value is None:
            value = (no + "-" + "X" * 64)[:64]
        env = order_with(no, element, where, value).replace(
            "</e:buyerOrderNo>", "</e:buyerOrderNo><e:validateOnly>true</e:validateOnly>", 1)
        res = soap_call(h, "SubmitOrder", body_xml=env)
        if res.fault:
            if res.fault["code"] in ("PRICE_MISMATCH",) and element == "unitPrice":
                continue
            problems.append(f"{element} ({rule}): {res.describe()}")
    check(not problems, "; ".join(problems))


@case("input", "document-numbers-are-one-line")
def _(ctx):
    # shipmentNo, like every document number, is one line (the schema's pattern, which
    # gSOAP does not check): a line break inside is VALIDATION_FAILED naming it.
    body = op_body("RecordShipment", "<e:shipmentNo>S1&#10;X</e:shipmentNo><e:orderId>1</e:orderId>"
                                     "<e:shipDate>2024-05-02</e:shipDate><e:line><e:lineNo>1"
                                     "</e:lineNo><e:quantity>1</e:quantity></e:line>")
    refused(ctx, envelope(body), INVALID, field="shipmentNo",
            headers=[("Content-Type", "text/xml"), basic_header("acme-erp", PASSWORD)])


@case("input", "empty-credit-limit-means-none")
def _(ctx):
    # The contract: creditLimit empty means no limit. <creditLimit/> is what SoapUI sends.
    from lib import soap_call
    h = hub_of(ctx)
    erp = ("acme-erp", PASSWORD, "basic")
    res = expect_ok(soap_call(h, "SetCreditLimit", "<e:buyerCode>BUY002</e:buyerCode>"
                                                   "<e:creditLimit/>", auth=erp),
                    "SetCreditLimit with an empty creditLimit")
    try:
        check("creditLimit>" not in res.resp.text, f"a limit came back: {res.resp.text[:300]}")
    finally:
        expect_ok(soap_call(h, "SetCreditLimit", "<e:buyerCode>BUY002</e:buyerCode>"
                                                 "<e:creditLimit>5000.00</e:creditLimit>",
                            auth=erp), "the demo limit back")


# ------------------------------------------------------------------ sizes of lists

@case("input", "order-with-501-lines")
def _(ctx):
    no = unique("lines")
    refused(ctx, order_xml(no, lines=501), LIMIT, order_no=no, field="line")


@case("input", "order-with-0-lines")
def _(ctx):
    no = unique("lines")
    refused(ctx, order_xml(no, lines=0), INVALID, order_no=no, field="line")


@case("input", "order-with-20000-lines")
def _(ctx):
    # Past max-occurs (10000): gSOAP stops reading; still LIMIT_EXCEEDED naming the element.
    no = unique("lines")
    refused(ctx, order_xml(no, lines=20000), LIMIT, order_no=no, field="line")


@case("input", "line-without-its-quantity-is-validation-failed")
def _(ctx):
    # A required child missing is a validation failure naming its parent, not a list too
    # long: gSOAP reports both the same way.
    no = unique("noqty")
    body = op_body("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>"
                                  f"<e:line><e:lineNo>1</e:lineNo><e:sku>SKU-0001</e:sku></e:line>")
    refused(ctx, envelope(body), INVALID, order_no=no, field="line")


@case("input", "change-request-with-501-changes")
def _(ctx):
    changes = "".join(f"<e:change><e:lineNo>{i}</e:lineNo><e:newQuantity>2</e:newQuantity>"
                      f"</e:change>" for i in range(1, 502))
    refused(ctx, envelope(op_body("RequestOrderChange", f"<e:orderId>1</e:orderId>{changes}")),
            LIMIT, field="change")


@case("input", "return-with-501-lines")
def _(ctx):
    lines = "".join(f"<e:line><e:lineNo>{i}</e:lineNo><e:quantity>1</e:quantity></e:line>"
                    for i in range(1, 502))
    refused(ctx, envelope(op_body("SubmitReturn", f"<e:buyerReturnNo>{unique('r')}"
                                  f"</e:buyerReturnNo><e:orderId>1</e:orderId>{lines}")),
            LIMIT, field="line")


@case("input", "upsert-with-1001-products")
def _(ctx):
    products = "".join(f"<e:product><e:sku>SEC-{i}</e:sku><e:name>n</e:name>"
                       f"<e:categoryCode>IT</e:categoryCode><e:uom>EA</e:uom>"
                       f"<e:returnable>true</e:returnable><e:active>false</e:active></e:product>"
                       for i in range(1001))
    refused(ctx, envelope(op_body("UpsertProducts", products)), LIMIT, field="product",
            headers=[("Content-Type", "text/xml"), basic_header("acme-erp", PASSWORD)])


# ------------------------------------------------------------------ nesting

@case("input", "deep-nesting-in-header")
def _(ctx):
    # maxlevel (EOS_MAX_DEPTH, 24) must bound every part of the message.
    no = unique("deep")
    header = '<z:a xmlns:z="urn:x">' + "<z:a>" * 1000 + "</z:a>" * 1000 + "</z:a>"
    refused(ctx, order_xml(no, header=header), {LIMIT, MALFORMED}, order_no=no)


@case("input", "deep-nesting-in-body")
def _(ctx):
    refused(ctx, envelope("<x>" * 1000 + "</x>" * 1000), {LIMIT, MALFORMED})


@case("input", "deep-nesting-in-line")
def _(ctx):
    no = unique("deep")
    env = order_xml(no).replace("</e:quantity>", "</e:quantity>" + "<e:x>" * 200 + "</e:x>" * 200)
    refused(ctx, env, {LIMIT, MALFORMED, INVALID}, order_no=no)


@case("input", "markup-inside-string-field")
def _(ctx):
    # note is xsd:string (eos:Text): child elements are not allowed; gSOAP keeps them as text.
    no = unique("markup")
    refused(ctx, order_xml(no, note_raw="<b><i>bold</i></b>"), {INVALID, MALFORMED}, order_no=no)


@case("input", "deep-markup-inside-string-field")
def _(ctx):
    no = unique("markup")
    refused(ctx, order_xml(no, note_raw="<a>" * 100 + "x" + "</a>" * 100),
            {LIMIT, INVALID, MALFORMED}, order_no=no)


@case("input", "soap-markup-inside-string-field")
def _(ctx):
    # An attempt to smuggle a line through the note must not become text or a line.
    no = unique("markup")
    refused(ctx, order_xml(no, note_raw="<e:line><e:lineNo>9</e:lineNo><e:sku>SKU-0002</e:sku>"
                                        "<e:quantity>1</e:quantity></e:line>"),
            {INVALID, MALFORMED}, order_no=no)


@case("input", "many-attributes")
def _(ctx):
    # 40000 attributes on one element: about 560 KB, far under the 8 MiB limit. gSOAP
    # keeps attributes in a list it searches for each new one, so the cost grows with the
    # square of their number; the hub must refuse such a start tag, or at least answer
    # it as fast as any other request.
    no = unique("attrs")
    attrs = " ".join(f'a{i}="{i}"' for i in range(40000))
    env = order_xml(no).replace("<e:SubmitOrderRequest>", f"<e:SubmitOrderRequest {attrs}>")
    h = hub_of(ctx)
    r = http_request(h, body=env, headers=XML_HEADERS, timeout=60)
    res = SoapResult(r)
    check(r.status is not None, f"no answer: {r!r}")
    check(r.elapsed < FAST, f"{len(env)} bytes with 40000 attributes took {r.elapsed:.1f}s "
                            f"to answer ({res.describe()})")
    if res.fault:
        check(res.fault["code"] in CONTRACT_CODES, res.describe())
    scan_leaks(r)
    check(len(orders_with_no(no)) <= 1, "more than one order")


# ------------------------------------------------------------------ encodings

INVALID_UTF8 = [
    ("overlong-slash", b"\xc0\xaf"),
    ("lone-continuation", b"\x80"),
    ("truncated-sequence", b"\xe2\x82"),
    ("latin1-byte", b"M\xfcller"),
    ("utf16-surrogate", b"\xed\xa0\x80"),
    ("five-byte-form", b"\xf8\x88\x80\x80\x80"),
    ("beyond-u10ffff", b"\xf4\x90\x80\x80"),
    ("byte-ff", b"\xff"),
    # Well-formed UTF-8, but characters XML 1.0 does not allow: stored, they would make the
    # hub's own UBL documents unreadable.
    ("noncharacter-fffe", b"\xef\xbf\xbe"),
    ("noncharacter-ffff", b"\xef\xbf\xbf"),
]


@case("input", "invalid-utf8")
def _(ctx):
    problems = []
    for label, bad in INVALID_UTF8:
        no = unique("utf8")
        body = order_xml(no, note_raw="XX").encode().replace(b"XX", b"a" + bad + b"b")
        try:
            refused(ctx, body, BAD_TEXT, order_no=no)
        except Fail as e:
            stored = [r for r in __import__("lib").sql(
                f"SELECT HEX(note) FROM purchase_order WHERE buyer_order_no = '{no}'")]
            extra = f" (stored as hex {stored[0][0]})" if stored else ""
            problems.append(f"{label} {bad!r}: {e}{extra}")
    check(not problems, f"{len(problems)} of {len(INVALID_UTF8)}: " + "; ".join(problems))


@case("input", "invalid-utf8-in-element-name")
def _(ctx):
    no = unique("utf8")
    body = order_xml(no).encode().replace(b"<e:buyerOrderNo>", b"<e:buyer\xc0OrderNo>", 1)
    body = body.replace(b"</e:buyerOrderNo>", b"</e:buyer\xc0OrderNo>", 1)
    refused(ctx, body, {MALFORMED, INVALID}, order_no=no)


@case("input", "utf16le-with-bom")
def _(ctx):
    no = unique("u16")
    body = order_xml(no).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    refused(ctx, body, MALFORMED, order_no=no,
            headers=[("Content-Type", "text/xml; charset=utf-16"), BASIC])


@case("input", "utf16be-with-bom")
def _(ctx):
    no = unique("u16")
    body = b"\xfe\xff" + order_xml(no).replace('encoding="UTF-8"', 'encoding="UTF-16"') \
        .encode("utf-16-be")
    refused(ctx, body, MALFORMED, order_no=no,
            headers=[("Content-Type", "text/xml; charset=utf-16"), BASIC])


@case("input", "utf16le-without-bom")
def _(ctx):
    no = unique("u16")
    body = order_xml(no).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    refused(ctx, body, MALFORMED, order_no=no)


@case("input", "utf32-body")
def _(ctx):
    no = unique("u32")
    refused(ctx, order_xml(no).encode("utf-32"), MALFORMED, order_no=no)


@case("input", "declared-latin1-encoding")
def _(ctx):
    # gSOAP switches to Latin-1 on this declaration and would transcode; UTF-8 only here.
    no = unique("latin")
    body = order_xml(no, note_raw="M\u00fcller").replace('encoding="UTF-8"',
                                                          'encoding="ISO-8859-1"')
    refused(ctx, body.encode("latin-1"), BAD_TEXT, order_no=no)


# ------------------------------------------------------------------ operations and methods

@case("input", "unknown-operation")
def _(ctx):
    refused(ctx, envelope(op_body("DeleteAllOrders", "")), MALFORMED)


@case("input", "unknown-operation-soap12")
def _(ctx):
    refused(ctx, envelope(op_body("DeleteAllOrders", ""), v12=True), MALFORMED, v12=True)


@case("input", "validation-fault-soap12")
def _(ctx):
    no = unique("v12")
    env = order_xml(no, v12=True).replace("<e:lineNo>1</e:lineNo>", "<e:lineNo>0</e:lineNo>")
    refused(ctx, env, INVALID, v12=True, order_no=no, field="lineNo")


@case("input", "unknown-soapaction")
def _(ctx):
    no = unique("act")
    refused(ctx, order_xml(no), MALFORMED, order_no=no,
            headers=XML_HEADERS + [("SOAPAction", '"urn:eoshub:v1#DeleteAllOrders"')])


@case("input", "soapaction-of-another-operation")
def _(ctx):
    # A gateway that routes or authorizes by SOAPAction would see a harmless read here.
    no = unique("act")
    refused(ctx, order_xml(no), MALFORMED, order_no=no,
            headers=XML_HEADERS + [("SOAPAction", '"urn:eoshub:v1#GetServiceInfo"')])


@case("input", "get-on-endpoint")
def _(ctx):
    refused(ctx, b"", MALFORMED, method="GET", status=(400, 404, 405, 500))


@case("input", "put-delete-patch-on-endpoint")
def _(ctx):
    no = unique("put")
    problems = []
    for method in ("PUT", "DELETE", "PATCH"):
        try:
            refused(ctx, order_xml(no), MALFORMED, method=method, order_no=no,
                    status=(400, 405, 500))
        except Fail as e:
            problems.append(f"{method}: {e}")
    check(not problems, "; ".join(problems))


@case("input", "head-options-on-endpoint")
def _(ctx):
    h = hub_of(ctx)
    problems = []
    for method in ("HEAD", "OPTIONS"):
        r = http_request(h, method=method, headers=[BASIC], timeout=WAIT)
        if r.status is None or r.status < 400:
            problems.append(f"{method} /eos answered HTTP {r.status} "
                            f"(Content-Length {r.header('Content-Length')})")
        else:
            scan_leaks(r)
    check(not problems, "; ".join(problems) + " instead of a 4xx refusal")


@case("input", "unknown-path")
def _(ctx):
    h = hub_of(ctx)
    for path in ("/admin", "/eos/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/eos?wsdl=1"):
        r = http_request(h, method="GET", path=path, timeout=WAIT)
        check(r.status is not None and r.status >= 400, f"GET {path}: HTTP {r.status}")
        check(b"root:" not in r.body, f"GET {path} returned a system file")
        scan_leaks(r)


@case("input", "smuggled-request-in-body")
def _(ctx):
    # A whole second request inside the first one's body must never be executed.
    h = hub_of(ctx)
    no = unique("smuggle")
    inner_env = order_xml(no)
    inner = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{BASIC[0]}: "
             f"{BASIC[1]}\r\nContent-Length: {len(inner_env)}\r\n\r\n{inner_env}")
    outer = envelope(op_body("GetServiceInfo")) + inner
    raw = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
           f"Content-Length: {len(outer.encode())}\r\n\r\n{outer}").encode()
    s = connect(h, timeout=WAIT)
    try:
        s.sendall(raw)
        first = read_response(s, timeout=WAIT)
        second = read_response(s, timeout=2)
    finally:
        s.close()
    time.sleep(0.5)
    check(not orders_with_no(no), "the request hidden in the body was executed")
    check(first.status is not None, f"no answer to the outer request: {first!r}")
    check(second.status is None or SoapResult(second).fault is not None,
          f"a second response came for the hidden request: {SoapResult(second).describe()}")


@case("input", "hub-still-healthy")
def _(ctx):
    ctx.require_healthy("plain")
