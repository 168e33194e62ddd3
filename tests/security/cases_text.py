"""cases_text.py - text round-trips: "Müller 😀" and SQL, XPath and script payloads in the
string fields a buyer writes (buyerOrderNo, note, reason) are stored verbatim (prepared
statements) and come back XML-escaped (issue 8, second bullet).
"""

import lib
from lib import (check, expect_ok, scan_leaks, soap_call, sql, sql_quote, unique, xml_escape,
                 order_lines_xml)
from suite import case

PAYLOADS = [
    ("unicode", "M\u00fcller \U0001F600 \u4e2d\u6587 \u05e2\u05d1\u05e8\u05d9\u05ea \u202eRTL"),
    ("sql-quote", "x' OR '1'='1"),
    ("sql-drop", "'); DROP TABLE purchase_order; --"),
    ("sql-comment", "a\\'; SELECT SLEEP(5); -- \\"),
    ("sql-like", "100% _match_ \\% %"),
    ("xpath", "' or 1=1 or ''=' //order[buyerCode/text()='BUY002']"),
    ("script", "<script>alert('x')</script>"),
    ("html-attr", "\"><img src=x onerror=alert(1)>"),
    ("cdata-end", "]]><![CDATA[ & &amp; &lt; <!-- -->"),
    ("entities-as-text", "&xxe; &#0; &lt;b&gt;"),
    ("braces", "${jndi:ldap://127.0.0.1/a} {{7*7}} %s%n"),
]


def stored_text(column, table, key_col, key):
    rows = sql(f"SELECT HEX({column}) FROM {table} WHERE {key_col} = {sql_quote(key)}")
    check(rows, f"no {table} row with {key_col} = {key!r}")
    return None if rows[0][0] == "NULL" else lib.db_unhex(rows[0][0])


def check_escaped(resp, payload):
    """The raw response carries the payload only escaped: a '<' or '&' of the payload never
    appears as markup."""
    raw = resp.text
    if "<" in payload or "&" in payload:
        check(payload not in raw, f"payload {payload!r} appears unescaped in the response")


@case("text", "round-trip-in-buyerOrderNo-note-reason")
def _(ctx):
    h = ctx.hub("plain")
    problems = []
    for label, payload in PAYLOADS:
        order_no = (unique("t") + " " + payload)[:64]
        note = payload + " | " + label
        sub = soap_call(h, "SubmitOrder",
                        f"<e:buyerOrderNo>{xml_escape(order_no)}</e:buyerOrderNo>"
                        f"<e:note>{xml_escape(note)}</e:note>{order_lines_xml()}")
        if sub.fault:
            problems.append(f"{label}: SubmitOrder refused: {sub.describe()}")
            continue
        order_id = sub.find("orderId")
        # Stored verbatim.
        got_no = stored_text("buyer_order_no", "purchase_order", "order_id", order_id)
        got_note = stored_text("note", "purchase_order", "order_id", order_id)
        if got_no != order_no:
            problems.append(f"{label}: buyerOrderNo stored as {got_no!r}")
        if got_note != note:
            problems.append(f"{label}: note stored as {got_note!r}")
        # Found again by the text itself (a lookup with the payload as the key).
        st = soap_call(h, "GetOrderStatus",
                       f"<e:buyerOrderNo>{xml_escape(order_no)}</e:buyerOrderNo>")
        if st.fault:
            problems.append(f"{label}: GetOrderStatus by buyerOrderNo: {st.describe()}")
            continue
        if st.find("order/orderId") != order_id:
            problems.append(f"{label}: lookup by buyerOrderNo found {st.find('order/orderId')}")
        if st.find("order/buyerOrderNo") != order_no:
            problems.append(f"{label}: buyerOrderNo returned as {st.find('order/buyerOrderNo')!r}")
        if st.find("order/note") != note:
            problems.append(f"{label}: note returned as {st.find('order/note')!r}")
        check_escaped(st.resp, payload)
        scan_leaks(st.resp, allow=[order_no, note, payload])
        # The same request again is a duplicate of the same order (the content hash sees
        # the same text).
        again = soap_call(h, "SubmitOrder",
                          f"<e:buyerOrderNo>{xml_escape(order_no)}</e:buyerOrderNo>"
                          f"<e:note>{xml_escape(note)}</e:note>{order_lines_xml()}")
        if again.fault or again.find("duplicate") != "true" or again.find("orderId") != order_id:
            problems.append(f"{label}: resubmission: {again.describe()} "
                            f"duplicate={again.find('duplicate')}")
        # A reason travels into the history.
        reason = payload[:500]
        can = soap_call(h, "CancelOrder", f"<e:orderId>{order_id}</e:orderId>"
                                          f"<e:reason>{xml_escape(reason)}</e:reason>")
        if can.fault:
            problems.append(f"{label}: CancelOrder: {can.describe()}")
            continue
        st = soap_call(h, "GetOrderStatus", f"<e:orderId>{order_id}</e:orderId>")
        reasons = [e.findtext(f"{{{lib.NS_EOS}}}reason") for e in st.findall("order/history")]
        if reason not in reasons:
            problems.append(f"{label}: history reasons {reasons!r}")
        check_escaped(st.resp, payload)
    check(not problems, "; ".join(problems))
    # The tables the payloads aimed at are all still there.
    check(int(sql("SELECT COUNT(*) FROM purchase_order")[0][0]) > 0, "purchase_order emptied")


@case("text", "round-trip-in-change-and-return-reasons")
def _(ctx):
    h = ctx.hub("plain")
    payload = PAYLOADS[0][1] + " " + PAYLOADS[2][1] + " " + PAYLOADS[6][1]
    order_no = unique("tc")
    sub = expect_ok(soap_call(h, "SubmitOrder", f"<e:buyerOrderNo>{order_no}</e:buyerOrderNo>"
                                                f"{order_lines_xml(2)}"), "SubmitOrder")
    order_id = sub.find("orderId")
    chg = expect_ok(soap_call(h, "RequestOrderChange",
                              f"<e:orderId>{order_id}</e:orderId><e:change><e:lineNo>1</e:lineNo>"
                              f"<e:newQuantity>2</e:newQuantity></e:change>"
                              f"<e:reason>{xml_escape(payload)}</e:reason>"),
                    "RequestOrderChange")
    cr = chg.find("changeRequestId")
    st = expect_ok(soap_call(h, "GetOrderStatus", f"<e:orderId>{order_id}</e:orderId>"),
                   "GetOrderStatus")
    reasons = [c.findtext(f"{{{lib.NS_EOS}}}reason") for c in st.findall("order/changeRequest")]
    check(payload in reasons, f"change request {cr} reason came back as {reasons!r}")
    check_escaped(st.resp, payload)
    stored = sql(f"SELECT HEX(reason) FROM change_request WHERE change_request_id = {int(cr)}")
    check(stored and lib.db_unhex(stored[0][0]) == payload,
          f"change request reason stored as {stored!r}")


@case("text", "search-with-sql-wildcards")
def _(ctx):
    # GetCatalog's search is text, not a pattern: "%" must not list the whole catalog
    # unless a product name contains "%".
    h = ctx.hub("plain")
    res = expect_ok(soap_call(h, "GetCatalog", "<e:search>%</e:search>"), "GetCatalog")
    names = [i.findtext(f"{{{lib.NS_EOS}}}name") or "" for i in res.findall("item")]
    check(all("%" in n or "%" in (i.findtext(f"{{{lib.NS_EOS}}}sku") or "")
              for n, i in zip(names, res.findall("item"))),
          f"search '%' matched {len(names)} items whose names hold no '%' "
          f"(e.g. {names[:3]}): the text is used as a LIKE pattern")
    for payload in ("' OR '1'='1", "\\", "_"):
        r = soap_call(h, "GetCatalog", f"<e:search>{xml_escape(payload)}</e:search>")
        check(not r.fault or r.fault["code"] == "VALIDATION_FAILED", r.describe())
        scan_leaks(r.resp, allow=[payload])
