"""cases_shutdown.py - SIGTERM (issue 8, "Shutdown"): requests in flight complete, new
connections are refused, the process exits with status 0.

In flight at the signal: three 500-line SubmitOrders sent just before it, and one
SubmitOrder whose body is half sent before the signal and the rest 2.5 s after (a worker
is reading it: it is in progress). A new connection tried 0.3 s after the signal must be
refused or closed at once, not left waiting until the old requests are done.
"""

import signal
import socket
import subprocess
import threading
import time

from lib import (Hub, PASSWORD, SoapResult, basic_header, check, connect, db_args, envelope,
                 http_request, op_body, order_lines_xml, orders_with_no, read_response, unique)
from suite import case

BASIC = basic_header("buyer1", PASSWORD)


def big_order(no, lines=500):
    return envelope(op_body("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>"
                                           f"{order_lines_xml(lines, qty='0.001')}"))


@case("shutdown", "sigterm-finishes-in-flight-refuses-new-exits-0")
def _(ctx):
    h = Hub("shutdown", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=6)
    try:
        # A warm-up, so the first request's costs do not blur the timing.
        http_request(h, body=big_order(unique("warm"), 10),
                     headers=[("Content-Type", "text/xml"), BASIC], timeout=30)
        results = {}

        def big(no):
            results[no] = http_request(h, body=big_order(no),
                                       headers=[("Content-Type", "text/xml"), BASIC],
                                       timeout=60, check_close=False)

        bigs = [unique("term") for _ in range(3)]
        threads = [threading.Thread(target=big, args=(no,), daemon=True) for no in bigs]
        # The trickled one: header and half the body now, the rest after the signal.
        slow_no = unique("termslow")
        body = big_order(slow_no, 20).encode()
        slow = connect(h, timeout=30)
        slow.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                      f"{BASIC[0]}: {BASIC[1]}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
                     + body[:len(body) // 2])
        slow_result = {}

        def finish_slow():
            # The rest of the trickled body, 2.5 s after the signal.
            time.sleep(max(0.0, 2.5 - (time.monotonic() - signalled[0])))
            try:
                slow.sendall(body[len(body) // 2:])
                slow_result["resp"] = read_response(slow, timeout=30)
            except OSError as e:
                slow_result["error"] = e
            finally:
                slow.close()

        for t in threads:
            t.start()
        time.sleep(0.15)
        signalled = [time.monotonic()]
        h.proc.send_signal(signal.SIGTERM)
        signalled[0] = time.monotonic()
        finisher = threading.Thread(target=finish_slow, daemon=True)
        finisher.start()
        # A new client after the signal.
        time.sleep(0.3)
        new_conn = "refused"
        try:
            s = socket.create_connection((h.host, h.port), timeout=5)
            start = time.monotonic()
            try:
                b = envelope(op_body("GetServiceInfo"))
                s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                           f"Content-Length: {len(b)}\r\n\r\n{b}").encode())
                r = read_response(s, timeout=8)
                waited = time.monotonic() - start
                if r.status is not None:
                    new_conn = f"served (HTTP {r.status})"
                elif waited > 1.0:
                    new_conn = (f"accepted by the kernel and left waiting {waited:.1f}s, until "
                                f"the process exited ({r.error})")
                else:
                    new_conn = f"closed after {waited:.2f}s"
            finally:
                s.close()
        except OSError:
            pass
        finisher.join(40)
        slow_resp = slow_result.get("resp")
        slow_err = slow_result.get("error")
        for t in threads:
            t.join(60)
        try:
            status = h.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            status = "still running 30s after SIGTERM"
        exited = time.monotonic() - signalled[0]
    finally:
        h.kill9()
    problems = []
    for no in bigs:
        r = results.get(no)
        res = SoapResult(r) if r else None
        if not r or res.fault or res.body is None:
            problems.append(f"500-line order in flight: {res.describe() if res else 'no result'}")
        elif orders_with_no(no) != [(int(res.find("orderId")), 500)]:
            problems.append(f"500-line order {no} answered but stored as {orders_with_no(no)}")
    if slow_resp is None:
        problems.append(f"the request being read at the signal got no answer ({slow_err})")
    else:
        res = SoapResult(slow_resp)
        if res.fault or res.body is None:
            problems.append(f"the request being read at the signal: {res.describe()}")
        elif len(orders_with_no(slow_no)) != 1:
            problems.append("the request being read at the signal was answered but not stored")
    if new_conn != "refused" and not new_conn.startswith("closed"):
        problems.append(f"a new connection 0.3s after SIGTERM was {new_conn}")
    if status != 0:
        problems.append(f"exit status {status}")
    ctx.note(f"exited {exited:.1f}s after SIGTERM with status {status}; new connection: "
             f"{new_conn}")
    check(not problems, "; ".join(problems))


@case("shutdown", "sigterm-idle-hub-exits-at-once")
def _(ctx):
    h = Hub("shutdown-idle", EOS_THREADS=2)
    socks = [connect(h) for _ in range(20)]  # idle keep-alive connections do not hold it up
    try:
        start = time.monotonic()
        h.proc.send_signal(signal.SIGTERM)
        status = h.proc.wait(timeout=30)
        took = time.monotonic() - start
    finally:
        for s in socks:
            s.close()
        h.kill9()
    check(status == 0, f"exit status {status}")
    check(took < 3, f"took {took:.1f}s to exit with 20 idle connections")


@case("shutdown", "sigterm-answers-requests-already-sent-on-idle-connections")
def _(ctx):
    # A keep-alive connection whose next request is in the socket, unread because the only
    # worker is busy, has begun a request: at SIGTERM it is answered, not closed. The worker
    # is held by a CancelOrder waiting on the order's row, locked here by a client of our own.
    h = Hub("shutdown-sent", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=1)
    holder = None
    try:
        first = unique("termsent")
        res = SoapResult(http_request(h, body=envelope(op_body(
            "SubmitOrder", f"<e:buyerOrderNo>{first}</e:buyerOrderNo>" + order_lines_xml(1))),
            headers=[("Content-Type", "text/xml"), BASIC]))
        check(res.body is not None and not res.fault, f"SubmitOrder: {res.describe()}")
        order_id = res.find("orderId")
        holder = subprocess.Popen(db_args() + ["--unbuffered"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        holder.stdin.write("BEGIN;\nSELECT order_id FROM purchase_order "
                           f"WHERE order_id = {int(order_id)} FOR UPDATE;\n")
        holder.stdin.flush()
        check(holder.stdout.readline().strip() == order_id, "the order's row is not locked")

        def post(sock, op, inner):
            b = envelope(op_body(op, inner)).encode()
            sock.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                          f"{BASIC[0]}: {BASIC[1]}\r\nContent-Length: {len(b)}\r\n\r\n").encode()
                         + b)

        idle = connect(h, timeout=30)
        busy = connect(h, timeout=30)
        try:
            post(idle, "GetServiceInfo", "")
            check(read_response(idle).status == 200, "GetServiceInfo not answered")
            post(busy, "CancelOrder", f"<e:orderId>{order_id}</e:orderId>")
            time.sleep(0.3)  # the worker waits on the row now
            sent = unique("termsent")
            post(idle, "SubmitOrder",
                 f"<e:buyerOrderNo>{sent}</e:buyerOrderNo>" + order_lines_xml(1))
            time.sleep(0.2)
            h.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)  # the hub has closed what it would close
            holder.stdin.write("COMMIT;\n")
            holder.stdin.close()
            cancelled = SoapResult(read_response(busy, timeout=20))
            answered = SoapResult(read_response(idle, timeout=20))
        finally:
            idle.close()
            busy.close()
        status = h.proc.wait(timeout=30)
    finally:
        if holder:
            holder.kill()
            holder.wait()
        h.kill9()
    check(cancelled.body is not None and not cancelled.fault,
          f"the request in progress at the signal: {cancelled.describe()}")
    check(answered.body is not None and not answered.fault,
          f"the request sent before the signal on an idle connection: {answered.describe()}")
    check(len(orders_with_no(sent)) == 1, f"{sent} stored {len(orders_with_no(sent))} times")
    check(status == 0, f"exit status {status}")
    ctx.note("a request waiting in an idle connection's socket at SIGTERM was answered and "
             "stored")
