"""cases_crash.py - kill -9 under load (issue 8, "Crash safety"): several threads submit
orders; eos-hub gets SIGKILL; a new hub starts. Every order whose response was received
exists with all its lines; no stored order lacks lines; resubmitting every order whose
response was lost, with the same buyerOrderNo and content, yields exactly one order.
"""

import random
import threading
import time

from lib import (Hub, PASSWORD, SoapResult, check, envelope, http_request, op_body,
                 basic_header, sql, sql_quote, unique, RUN_ID)
from suite import case

BASIC = basic_header("buyer1", PASSWORD)


def order_env(no, n):
    lines = "".join(f"<e:line><e:lineNo>{i}</e:lineNo><e:sku>SKU-000{1 + i % 9}</e:sku>"
                    f"<e:quantity>0.001</e:quantity></e:line>" for i in range(1, n + 1))
    return envelope(op_body("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>{lines}"))


class Submitter(threading.Thread):
    def __init__(self, hub, tag):
        super().__init__(daemon=True)
        self.hub, self.tag = hub, tag
        self.stop = threading.Event()
        self.sent = []  # (no, lines, outcome, order_id)

    def run(self):
        rng = random.Random(self.tag)
        while not self.stop.is_set():
            no = unique(f"crash{self.tag}")
            n = rng.choice((1, 3, 10, 30))
            r = http_request(self.hub, body=order_env(no, n),
                             headers=[("Content-Type", "text/xml"), BASIC], timeout=20,
                             check_close=False)
            res = SoapResult(r)
            if res.body is not None and not res.fault:
                self.sent.append((no, n, "ok", int(res.find("orderId"))))
            elif res.fault:
                self.sent.append((no, n, "fault:" + str(res.fault["code"]), None))
            elif r.error and r.error.startswith("connect failed"):
                self.sent.append((no, n, "unsent", None))  # the hub was gone: never sent
                time.sleep(0.05)
            else:
                self.sent.append((no, n, "lost", None))


def stored_orders():
    """{buyerOrderNo: [(order_id, line count)]} of every order of this run's crash case."""
    rows = sql("SELECT o.buyer_order_no, o.order_id, COUNT(l.line_no) FROM purchase_order o "
               "LEFT JOIN order_line l ON l.order_id = o.order_id WHERE o.buyer_order_no LIKE "
               f"{sql_quote(RUN_ID + '-crash%')} GROUP BY o.order_id")
    out = {}
    for no, oid, count in rows:
        out.setdefault(no, []).append((int(oid), int(count)))
    return out


@case("crash", "kill-9-under-load-loses-nothing-answered")
def _(ctx):
    h = Hub("crash", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=6)
    # One login first: the verified password is cached, so the load does not start with
    # six PBKDF2 runs at once.
    http_request(h, body=envelope(op_body("ListOrders", "<e:limit>1</e:limit>")),
                 headers=[("Content-Type", "text/xml"), BASIC], timeout=60)
    subs = [Submitter(h, i) for i in range(6)]
    for s in subs:
        s.start()
    time.sleep(4.0)
    for s in subs:  # no new request after this; those in flight are cut by the kill
        s.stop.set()
    h.kill9()
    for s in subs:
        s.join(30)
    sent = [x for s in subs for x in s.sent]
    ok = [x for x in sent if x[2] == "ok"]
    lost = [x for x in sent if x[2] == "lost"]
    faults = [x for x in sent if x[2].startswith("fault")]
    problems = []
    stored = stored_orders()
    # Every answered order is there, once, with all its lines.
    for no, n, _, oid in ok:
        if stored.get(no) != [(oid, n)]:
            problems.append(f"answered order {no} (id {oid}, {n} lines) stored as "
                            f"{stored.get(no)}")
    # No order of this run lacks lines (a half-written order).
    expected = {no: n for no, n, _, _ in sent}
    for no, rows in stored.items():
        for oid, count in rows:
            if no in expected and count != expected[no]:
                problems.append(f"order {no} stored with {count} of {expected[no]} lines")
    # Restart, resubmit what was lost: one order each, never two.
    h2 = Hub("crash-restart", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=4)
    try:
        dup, fresh = 0, 0
        resubmitted = []
        for no, n, _, _ in lost:
            res = SoapResult(http_request(h2, body=order_env(no, n),
                                          headers=[("Content-Type", "text/xml"), BASIC],
                                          timeout=30, check_close=False))
            if res.fault or res.body is None:
                problems.append(f"resubmitting lost order {no}: {res.describe()}")
                continue
            if res.find("duplicate") == "true":
                dup += 1
            else:
                fresh += 1
            resubmitted.append((no, n, int(res.find("orderId"))))
        stored = stored_orders()
        for no, n, oid in resubmitted:
            if stored.get(no) != [(oid, n)]:
                problems.append(f"after resubmitting {no}: stored as {stored.get(no)}")
        # An answered order reads back through the new hub.
        if ok:
            no, n, _, oid = ok[-1]
            st = SoapResult(http_request(
                h2, body=envelope(op_body("GetOrderStatus", f"<e:orderId>{oid}</e:orderId>")),
                headers=[("Content-Type", "text/xml"), BASIC], timeout=30))
            if st.fault or st.find("order/buyerOrderNo") != no:
                problems.append(f"GetOrderStatus {oid} after restart: {st.describe()}")
    finally:
        status = h2.stop()
    ctx.note(f"{len(sent)} submissions: {len(ok)} answered, {len(lost)} lost at the kill "
             f"({dup} were stored: duplicate=true on resubmission, {fresh} were not), "
             f"{len(faults)} faults {sorted(set(x[2] for x in faults))}")
    check(len(ok) >= 10, f"only {len(ok)} orders answered before the kill: load too light")
    check(status == 0, f"restarted hub exit status {status}")
    check(not problems, f"{len(problems)} problems: " + "; ".join(problems[:8]))
