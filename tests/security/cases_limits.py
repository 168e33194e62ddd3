"""cases_limits.py - limits from configuration (issue 8, third bullet): the message size,
slow clients (slowloris) against the transfer timeout, hundreds of idle keep-alive
connections, the keep-alive budget, the idle timeout and the connection cap.
"""

import gzip
import re
import resource
import socket
import threading
import time

from lib import (Fail, Hub, PASSWORD, ResponseStream, SoapResult, basic_header, check,
                 check_fault, connect, counts_diff, envelope, healthz, http_request, metrics,
                 op_body, order_lines_xml, orders_with_no, read_response, server_closed,
                 soap_call, submit_order_inner, table_counts, unique)
from suite import case

SMALL = 65536
BASIC = basic_header("buyer1", PASSWORD)
XML_HEADERS = [("Content-Type", "text/xml; charset=utf-8"), BASIC]


def small_hub(ctx):
    h = ctx.hubs.get("small")
    if h is None or not h.alive():
        h = Hub("small", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_MAX_MESSAGE=SMALL, EOS_THREADS=2)
        ctx.hubs["small"] = h
    return h


def padded_order(order_no, size):
    """A valid SubmitOrder of about `size` bytes: padded with blanks between elements."""
    env = envelope(op_body("SubmitOrder", f"<e:buyerOrderNo>{order_no}</e:buyerOrderNo>"
                                          f"{order_lines_xml()}"))
    pad = max(0, size - len(env))
    return env.replace("<e:line>", " " * pad + "<e:line>", 1)


def chunked_raw(body, chunk=4096, headers=XML_HEADERS):
    raw = ("POST /eos HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" +
           "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode()
    b = body.encode() if isinstance(body, str) else body
    for i in range(0, len(b), chunk):
        part = b[i:i + chunk]
        raw += b"%x\r\n" % len(part) + part + b"\r\n"
    return raw + b"0\r\n\r\n"


def over_limit(ctx, h, send, order_no):
    before = table_counts()
    r = send()
    res = SoapResult(r)
    problems = []
    if r.status is None:
        problems.append(f"no fault, {r.error}")
    else:
        try:
            check_fault(res, "LIMIT_EXCEEDED", max_seconds=3.0)
        except Fail as e:
            problems.append(str(e))
        if not r.closed:
            problems.append("the connection stayed open")
    check(not orders_with_no(order_no), "the order was stored")
    check(not counts_diff(before, table_counts()), "stored rows changed")
    ok, hz = healthz(h)
    check(ok, f"hub unhealthy afterwards: {hz!r}")
    check(not problems, "; ".join(problems))


@case("limits", "message-over-max-message")
def _(ctx):
    h = small_hub(ctx)
    no = unique("big")
    body = padded_order(no, 4 * SMALL)
    over_limit(ctx, h, lambda: http_request(h, body=body, headers=XML_HEADERS, timeout=15,
                                                check_close=True), no)


@case("limits", "chunked-message-over-max-message")
def _(ctx):
    h = small_hub(ctx)
    no = unique("bigc")
    raw = chunked_raw(padded_order(no, 4 * SMALL))
    over_limit(ctx, h, lambda: http_request(h, raw=raw, timeout=15, check_close=True), no)


@case("limits", "declared-length-over-max-message-refused-at-once")
def _(ctx):
    # Content-Length says 10 MB: no need to wait for (or read) the body.
    h = small_hub(ctx)
    s = connect(h, timeout=10)
    start = time.monotonic()
    try:
        s.sendall(("POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                   "Content-Length: 10000000\r\n\r\n").encode() + envelope("")[:60].encode())
        r = read_response(s, timeout=8)
        r.elapsed = time.monotonic() - start
    finally:
        s.close()
    res = SoapResult(r)
    check(r.status is not None, f"no answer within 8s ({r.error})")
    check_fault(res, "LIMIT_EXCEEDED", max_seconds=3.0)


@case("limits", "gzip-bomb")
def _(ctx):
    # 64 MB of blanks compressed to ~64 KB: the limit counts what is decompressed.
    h = small_hub(ctx)
    no = unique("bomb")
    body = gzip.compress(padded_order(no, 64 << 20).encode(), 9)
    over_limit(ctx, h, lambda: http_request(
        h, body=body, headers=XML_HEADERS + [("Content-Encoding", "gzip")], timeout=15,
        check_close=True), no)


@case("limits", "message-under-max-message-accepted")
def _(ctx):
    # 60% of the limit, sent whole and sent chunked: both must be served.
    h = small_hub(ctx)
    problems = []
    for label, make in (("Content-Length", lambda b: dict(body=b, headers=XML_HEADERS)),
                        ("chunked", lambda b: dict(raw=chunked_raw(b)))):
        no = unique("fits")
        body = padded_order(no, int(SMALL * 0.6))
        res = SoapResult(http_request(h, timeout=15, **make(body)))
        if res.fault or res.body is None:
            problems.append(f"{label} ({len(body)} bytes, limit {SMALL}): {res.describe()}")
        elif len(orders_with_no(no)) != 1:
            problems.append(f"{label}: not stored once")
    check(not problems, "; ".join(problems))


@case("limits", "default-max-message-8mib")
def _(ctx):
    h = ctx.hub("plain")
    no = unique("big8")
    body = padded_order(no, 9 << 20)
    over_limit(ctx, h, lambda: http_request(h, body=body, headers=XML_HEADERS, timeout=30,
                                                check_close=True), no)


# ------------------------------------------------------------------ slow clients

def slow_hub(ctx):
    h = ctx.hubs.get("slow")
    if h is None or not h.alive():
        h = Hub("slow", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_TRANSFER_TIMEOUT=3, EOS_RECV_TIMEOUT=2,
                EOS_THREADS=4)
        ctx.hubs["slow"] = h
    return h


class Slowloris(threading.Thread):
    """Sends a request's header one byte every `gap` seconds (under the recv timeout, so
    only the transfer timeout can stop it); records how long the server let it live.
    With reconnect, starts over whenever it is cut off, until stop is set."""

    def __init__(self, hub, gap=0.5, reconnect=False):
        super().__init__(daemon=True)
        self.hub, self.gap, self.reconnect = hub, gap, reconnect
        self.lifetimes = []
        self.stop = threading.Event()
        self.error = None

    def one(self):
        req = (b"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
               b"X-Padding: " + b"a" * 400 + b"\r\n")
        s = connect(self.hub, timeout=10)
        start = time.monotonic()
        try:
            for i in range(len(req)):
                if self.stop.is_set():
                    return
                try:
                    s.sendall(req[i:i + 1])
                except OSError:
                    break
                if server_closed(s, self.gap):
                    break
            else:
                self.lifetimes.append(None)  # never cut off
                return
            self.lifetimes.append(time.monotonic() - start)
        finally:
            s.close()

    def run(self):
        try:
            while not self.stop.is_set():
                self.one()
                if not self.reconnect:
                    return
        except Exception as e:  # noqa: BLE001
            self.error = e


def legit_latencies(h, seconds, op_every=0.2):
    """A well-behaved client's latencies (a new connection per request), for `seconds`."""
    lat, failures = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        res = soap_call(h, "GetServiceInfo", auth=None, timeout=10)
        if res.fault or res.body is None:
            failures.append(res.describe())
        lat.append(res.resp.elapsed)
        time.sleep(op_every)
    return lat, failures


@case("limits", "slowloris-cut-off-by-transfer-timeout")
def _(ctx):
    h = slow_hub(ctx)
    loris = Slowloris(h, gap=0.5)
    loris.start()
    lat, failures = legit_latencies(h, 7)
    loris.join(15)
    check(loris.error is None, f"slow client error: {loris.error}")
    check(loris.lifetimes, "the slow client never finished")
    life = loris.lifetimes[0]
    check(life is not None, "the slow client sent its whole header over ~200s and was never "
                            "cut off")
    ctx.note(f"slow client cut off after {life:.1f}s (transfer timeout 3s, recv timeout 2s); "
             f"other client: {len(lat)} requests, slowest {max(lat):.2f}s")
    check(life <= 3 + 2 + 1.5, f"cut off only after {life:.1f}s (transfer timeout 3s)")
    check(not failures, f"other client's requests failed: {failures[:3]}")
    check(max(lat) < 1.5, f"other client waited up to {max(lat):.2f}s")


@case("limits", "slowloris-many-connections-do-not-starve-others")
def _(ctx):
    # Twice as many slow connections as worker threads, reconnecting when cut off (what the
    # slowloris tool does). Requests from another client must keep being answered.
    h = slow_hub(ctx)
    attackers = [Slowloris(h, gap=0.5, reconnect=True) for _ in range(8)]
    for a in attackers:
        a.start()
    time.sleep(1.0)
    try:
        lat, failures = legit_latencies(h, 8)
    finally:
        for a in attackers:
            a.stop.set()
        for a in attackers:
            a.join(10)
    lives = [x for a in attackers for x in a.lifetimes if x is not None]
    slow = sorted(lat)[len(lat) // 2] if lat else None
    ctx.note(f"8 slow connections on 4 workers: other client {len(lat)} requests, median "
             f"{slow:.2f}s, slowest {max(lat):.2f}s; slow connections lived "
             f"{min(lives):.1f}-{max(lives):.1f}s" if lives else "no slow connection ended")
    check(not failures, f"{len(failures)} of the other client's requests failed: {failures[:2]}")
    check(max(lat) < 1.5, f"the other client waited up to {max(lat):.2f}s for GetServiceInfo "
                          f"while slow clients held the workers (median {slow:.2f}s)")


def server_answered_or_closed(sock, wait):
    """True when the peer sent something, closed or reset within `wait` seconds."""
    sock.settimeout(wait)
    try:
        sock.recv(1)
        return True
    except socket.timeout:
        return False
    except OSError:
        return True


@case("limits", "slow-body-cut-off-by-transfer-timeout")
def _(ctx):
    # Headers at once, then the body a byte at a time: the transfer timeout covers the body.
    h = slow_hub(ctx)
    no = unique("slowbody")
    body = envelope(op_body("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>"
                                          f"{order_lines_xml()}")).encode()
    s = connect(h, timeout=10)
    start = time.monotonic()
    cut = None
    try:
        s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{BASIC[0]}: "
                   f"{BASIC[1]}\r\nContent-Length: {len(body)}\r\n\r\n").encode())
        for i in range(len(body)):
            try:
                s.sendall(body[i:i + 1])
            except OSError:
                cut = time.monotonic() - start
                break
            # The server answering (a fault) or closing both mean it stopped waiting.
            if server_answered_or_closed(s, 0.5):
                cut = time.monotonic() - start
                break
            if time.monotonic() - start > 20:
                break
    finally:
        s.close()
    check(cut is not None, "a body trickling in for 20s was never cut off")
    check(cut <= 3 + 2 + 1.5, f"cut off after {cut:.1f}s (transfer timeout 3s)")
    time.sleep(0.5)
    check(not orders_with_no(no), "the partial order was stored")


# ------------------------------------------------------------------ many connections

@case("limits", "500-idle-keepalive-connections")
def _(ctx):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 500 + 200
    if soft < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
        except (ValueError, OSError):
            pass
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < need:
        raise Fail(f"ulimit -n is {soft}: 500 idle connections need about {need} descriptors")
    h = ctx.hub("plain")
    socks = []
    try:
        # Half of them served one request first (idle keep-alive), half never sent a byte.
        for i in range(500):
            s = connect(h, timeout=10)
            socks.append(s)
            if i % 2 == 0:
                body = envelope(op_body("GetServiceInfo")).encode()
                s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                           f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
                r = read_response(s, timeout=10)
                check(r.status == 200, f"connection {i}: {r!r}")
        m = metrics(h)
        open_now = m.get("eos_connections_open", 0)
        lat = []
        for _ in range(10):
            ok, r = healthz(h, timeout=5)
            check(ok, f"/healthz with 500 idle connections open: {r!r}")
            lat.append(r.elapsed)
        no = unique("idle500")
        res = soap_call(h, "SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo>"
                                          f"{order_lines_xml()}", timeout=10)
        check(not res.fault and res.body is not None, f"SubmitOrder: {res.describe()}")
        # The keep-alive ones still work.
        s = socks[0]
        body = envelope(op_body("GetServiceInfo")).encode()
        s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
        r = read_response(s, timeout=10)
        check(r.status == 200, f"an idle keep-alive connection no longer served: {r!r}")
        ctx.note(f"eos_connections_open {open_now:.0f}; /healthz slowest {max(lat):.3f}s; "
                 f"SubmitOrder {res.resp.elapsed:.3f}s")
        check(max(lat) < 1.0, f"/healthz took up to {max(lat):.2f}s")
    finally:
        for s in socks:
            s.close()


def raw_post(op, inner, gz=False):
    body = envelope(op_body(op, inner)).encode()
    headers = XML_HEADERS + [("SOAPAction", f'"urn:eoshub:v1#{op}"')]
    if gz:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    return (f"POST /eos HTTP/1.1\r\nHost: x\r\n" +
            "".join(f"{k}: {v}\r\n" for k, v in headers) +
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@case("limits", "pipelined-requests-answered-in-order")
def _(ctx):
    # Requests sent back to back in one write (one of them gzipped), then one split in
    # two writes: each is answered, in the order sent, and each order is stored once.
    # The hub frames every request from its own buffer; bytes read past one request's
    # end are the next one's, and must not be dropped or handed to the first.
    h = small_hub(ctx)
    nos = [unique("pipe") for _ in range(4)]
    burst = (raw_post("SubmitOrder", submit_order_inner(nos[0])) +
             raw_post("SubmitOrder", submit_order_inner(nos[1]), gz=True) +
             raw_post("GetServiceInfo", "") +
             raw_post("SubmitOrder", submit_order_inner(nos[2])))
    last = raw_post("SubmitOrder", submit_order_inner(nos[3]))
    s = connect(h, timeout=10)
    try:
        stream = ResponseStream(s)
        s.sendall(burst)
        answers = [stream.next() for _ in range(4)]
        s.sendall(last[:len(last) // 2])
        time.sleep(0.2)
        s.sendall(last[len(last) // 2:])
        answers.append(stream.next())
    finally:
        s.close()
    expected = ["SubmitOrderResponse", "SubmitOrderResponse", "GetServiceInfoResponse",
                "SubmitOrderResponse", "SubmitOrderResponse"]
    for i, (r, element) in enumerate(zip(answers, expected)):
        check(r.status == 200 and element in r.text,
              f"pipelined request {i + 1}: expected {element}, got {r!r}")
    submitted = [a for a, e in zip(answers, expected) if e == "SubmitOrderResponse"]
    for no, r in zip(nos, submitted):
        rows = orders_with_no(no, "BUY001")
        check(len(rows) == 1, f"order {no} stored {len(rows)} times")
        m = re.search(r"<(?:\w+:)?orderId>(\d+)<", r.text)
        check(len(rows) == 1 and m and int(m.group(1)) == rows[0][0],
              f"the answer to {no} names another order: {r.text[:300]!r}")
    ctx.note("5 requests on one connection, 4 in one write and 1 split in two: "
             "all answered in order, each order stored once")


@case("limits", "keepalive-budget-closes-connection")
def _(ctx):
    h = Hub("keepalive", EOS_MAX_KEEPALIVE=3, EOS_IDLE_TIMEOUT=2)
    try:
        body = envelope(op_body("GetServiceInfo")).encode()
        req = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        s = connect(h, timeout=10)
        try:
            served = 0
            for _ in range(5):
                try:
                    s.sendall(req)
                except OSError:
                    break
                r = read_response(s, timeout=5)
                if r.status != 200:
                    break
                served += 1
                if (r.header("Connection") or "").lower() == "close":
                    break
            closed = server_closed(s, 2)
        finally:
            s.close()
        check(served == 3, f"{served} requests served on one connection with "
                           f"EOS_MAX_KEEPALIVE=3")
        check(closed, "connection left open after the keep-alive budget")
        # Idle timeout: a connection that sends nothing is closed after about 2s.
        s = connect(h, timeout=10)
        start = time.monotonic()
        try:
            closed = server_closed(s, 8)
        finally:
            s.close()
        took = time.monotonic() - start
        check(closed, "an idle connection was kept over 8s with EOS_IDLE_TIMEOUT=2")
        ctx.note(f"idle connection closed after {took:.1f}s (EOS_IDLE_TIMEOUT=2)")
    finally:
        status = h.stop()
    check(status == 0, f"hub exit status {status}")


@case("limits", "connection-cap-refuses-and-recovers")
def _(ctx):
    h = Hub("maxconn", EOS_MAX_CONNECTIONS=20)
    socks = []
    try:
        for _ in range(40):
            try:
                socks.append(connect(h, timeout=5))
            except OSError:
                break
        time.sleep(0.5)
        refused = sum(1 for s in socks if server_closed(s, 0.05))
        for s in socks:
            s.close()
        socks = []
        time.sleep(0.5)
        ok, r = healthz(h)
        check(ok, f"after the cap was hit: {r!r}")
        ctx.note(f"40 connections with EOS_MAX_CONNECTIONS=20: {refused} closed by the hub")
        check(refused >= 20, f"only {refused} of 40 connections refused with a cap of 20")
    finally:
        for s in socks:
            s.close()
        status = h.stop()
    check(status == 0, f"hub exit status {status}")


@case("limits", "requests-without-a-known-end-do-not-hold-workers")
def _(ctx):
    # Headers that give the body no length (a POST with neither Content-Length nor chunked,
    # a transfer coding the hub does not frame), then a byte every second, just under the
    # receive timeout: twice as many such connections as workers. Each gets an answer at
    # once, and another client's requests keep being answered.
    h = slow_hub(ctx)
    heads = [b"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n\r\n",
             b"POST /eos HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"]
    socks, answered = [], []
    stop = threading.Event()

    def dribble():
        while not stop.wait(1.0):
            for s in socks:
                try:
                    s.sendall(b"<")
                except OSError:
                    pass

    t = threading.Thread(target=dribble, daemon=True)
    try:
        for i in range(8):
            s = connect(h, timeout=10)
            s.sendall(heads[i % 2])
            socks.append(s)
        t.start()
        lat, failures = legit_latencies(h, 4)
        for s in socks:
            answered.append(server_answered_or_closed(s, 1.0))
    finally:
        stop.set()
        t.join(5)
        for s in socks:
            s.close()
    ctx.note(f"8 requests without a known end on 4 workers: other client {len(lat)} requests, "
             f"slowest {max(lat):.2f}s; {sum(answered)} of 8 answered or closed")
    check(not failures, f"{len(failures)} of the other client's requests failed: {failures[:2]}")
    check(max(lat) < 1.5, f"the other client waited up to {max(lat):.2f}s behind requests "
                          f"without a known end")
    check(all(answered), f"{8 - sum(answered)} of 8 such requests were neither answered nor "
                         f"closed")
