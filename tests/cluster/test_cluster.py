"""test_cluster.py - EOS Hub on a Galera cluster behind HAProxy, with a database node and a hub
node killed (kill -9) and brought back while buyers and an ERP work through HAProxy.

Needs a running cluster (`scripts/cluster up`; tests/cluster/run.sh starts and stops one) with
the demo data, and finds it the way scripts/cluster does (EOS_CLUSTER_VAR, EOS_CLUSTER_PORT_BASE).
Any python3 will do: plain HTTP and xml.etree, no SOAP library, so that every transport error
is seen as it happens and the request can be sent again byte for byte.

What runs, for --duration seconds (default 75):
  - buyers: --buyers threads (half buyer1, half buyer2) submit orders, each with a new
    buyerOrderNo; an order that got a retryable answer (SERVICE_UNAVAILABLE, a connection error,
    HAProxy's 502/503/504) is sent again, same number and same content, until it is answered;
  - the ERP (acme-erp): DownloadOrders (from its acknowledged position), ACCEPT each new order
    of this run (UpdateOrderStatus with the version it downloaded), AcknowledgeOrders;
  - the chaos: kill -9 Galera node --kill-db at 15% of the time, start it at 35% (it rejoins by
    IST), kill -9 hub --kill-hub at 55%, start it at 70%; each through scripts/cluster. By
    default the Galera node killed is the one the hubs write to (`scripts/cluster writer`;
    with EOS_CLUSTER_DB_ROUTE=node, node 2, hub 2's).
Then the buyers stop, the ERP drains its feed, and the checks run:
  1. no order lost or doubled: every answered submit's order exists exactly once, with the
     orderId it was answered with (GetOrderStatus, and a count on every Galera node);
  2. the feed skipped nothing: the ERP downloaded every order, and its last state (ACCEPTED,
     version 2);
  3. version histories: history versions are exactly 1..version, the last one's toStatus is
     the order's status;
  4. clients saw only retryable faults (SERVICE_UNAVAILABLE) or connection errors, and no read
     missed an earlier write (the ERP never downloads an order it accepted as still SUBMITTED);
  5. the Galera nodes hold the same data (count and checksum of this run's orders on each).
Prints a summary; exit status 1 on any violation, 2 when the cluster is not up.
"""

import argparse
import collections
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER = os.path.join(ROOT, "scripts", "cluster")
NS = "urn:eoshub:v1"
E = "{%s}" % NS
PASSWORD = os.environ.get("EOS_DEMO_PASSWORD") or "demo-pass"
WSSE_NS = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-wssecurity-secext-1.0.xsd")
PW_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-username-token-profile-1.0#PasswordText")
RETRYABLE_HTTP = {502, 503, 504}  # HAProxy's own answers when no hub could take the request
GIVE_UP_AFTER = 120.0  # seconds one request may keep failing retryably before it is a violation


def log(msg):
    sys.stdout.write("%8.2f  %s\n" % (time.monotonic() - T0, msg))
    sys.stdout.flush()


T0 = time.monotonic()


# ------------------------------------------------------------------ SOAP over plain HTTP

def esc(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def envelope(user, op, fields):
    """A SOAP 1.1 request with a PasswordText UsernameToken; fields: (name, value) pairs, a
    value may be a list of pairs (a nested element) or None (left out)."""
    def render(pairs):
        out = []
        for name, value in pairs:
            if value is None:
                continue
            inner = render(value) if isinstance(value, list) else esc(value)
            out.append("<eos:%s>%s</eos:%s>" % (name, inner, name))
        return "".join(out)

    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
            '<soapenv:Header><wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="%s">'
            '<wsse:UsernameToken><wsse:Username>%s</wsse:Username>'
            '<wsse:Password Type="%s">%s</wsse:Password></wsse:UsernameToken></wsse:Security>'
            '</soapenv:Header><soapenv:Body><eos:%sRequest xmlns:eos="%s">%s</eos:%sRequest>'
            '</soapenv:Body></soapenv:Envelope>'
            % (WSSE_NS, esc(user), PW_TEXT, esc(PASSWORD), op, NS, render(fields), op)
            ).encode("utf-8")


class Outcome:
    """What one HTTP exchange gave: kind is "ok" (body is the response element), "fault"
    (code, retryable), "conn" (no HTTP answer) or "proxy" (HAProxy's 502/503/504)."""

    def __init__(self, kind, body=None, code=None, retryable=False, detail=""):
        self.kind, self.body, self.code = kind, body, code
        self.retryable, self.detail = retryable, detail
        self.attempts = 1

    def label(self):
        return {"ok": "ok", "fault": "fault " + str(self.code), "conn": "connection error",
                "proxy": "HAProxy " + self.detail}[self.kind]


class Client:
    """One keep-alive connection to HAProxy, opened again after any error."""

    def __init__(self, host, port, path, user, stats):
        self.host, self.port, self.path, self.user = host, port, path, user
        self.stats = stats
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def once(self, op, fields):
        body = envelope(self.user, op, fields)
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request("POST", self.path, body, {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"urn:eoshub:v1#%s"' % op})
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as e:
            self.close()
            return Outcome("conn", detail=type(e).__name__)
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            root = None
        if root is not None:
            found = root.find(".//%s%sResponse" % (E, op))
            if resp.status == 200 and found is not None:
                return Outcome("ok", body=found)
            err = root.find(".//%serror" % E)
            if err is not None:
                return Outcome("fault", code=err.findtext(E + "code"),
                               retryable=(err.findtext(E + "retryable") == "true"),
                               detail=err.findtext(E + "message") or "")
        if resp.status in RETRYABLE_HTTP:
            self.close()
            return Outcome("proxy", detail=str(resp.status))
        return Outcome("fault", code="HTTP %d" % resp.status, detail=data[:200].decode(
            "utf-8", "replace"))

    def call(self, op, fields, accept=()):
        """Sends until answered: retryable outcomes (SERVICE_UNAVAILABLE, connection errors,
        HAProxy's 5xx) are counted and the same request is sent again, for at most
        GIVE_UP_AFTER seconds. Returns the last Outcome: ok, a fault in accept, or a
        violation the caller reports."""
        started = time.monotonic()
        delay = 0.1
        attempts = 0
        while True:
            out = self.once(op, fields)
            attempts += 1
            out.attempts = attempts
            self.stats.count(op, out)
            if out.kind == "ok" or (out.kind == "fault" and out.code in accept):
                return out
            retryable = (out.kind in ("conn", "proxy") or
                         (out.kind == "fault" and out.code == "SERVICE_UNAVAILABLE"
                          and out.retryable))
            if not retryable:
                return out
            if time.monotonic() - started > GIVE_UP_AFTER:
                out.detail = "still failing after %.0f s: %s" % (GIVE_UP_AFTER, out.detail)
                return out
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)


def text(el, name):
    return el.findtext(E + name)


# ------------------------------------------------------------------ bookkeeping

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes = collections.Counter()  # (op, label) -> n
        self.violations = []
        self.events = []  # (time, what)

    def count(self, op, out):
        with self.lock:
            self.outcomes[(op, out.label())] += 1

    def violation(self, msg):
        with self.lock:
            self.violations.append(msg)
            n = len(self.violations)
        if n <= 30:
            log("VIOLATION: " + msg)


class Orders:
    """Every order this run submitted and got an answer for."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_no = {}  # buyerOrderNo -> dict(order_id, user, version, duplicate, attempts)

    def add(self, no, **kw):
        with self.lock:
            self.by_no[no] = kw


# ------------------------------------------------------------------ the actors

SKUS = ["SKU-%04d" % i for i in range(1, 11)]  # published to both demo buyers


def buyer(args, stats, orders, user, idx, stop):
    c = Client(args.host, args.port, args.path, user, stats)
    rng = random.Random("%s-%d" % (args.run, idx))
    i = 0
    while not stop.is_set():
        i += 1
        no = "%s-%s-%d-%d" % (args.run, user, idx, i)
        lines = []
        for n, sku in enumerate(rng.sample(SKUS, rng.randint(1, 3)), 1):
            lines.append(("line", [("lineNo", n), ("sku", sku),
                                   ("quantity", rng.randint(1, 5))]))
        fields = [("buyerOrderNo", no), ("sellerCode", "ACME")] + lines
        t = time.monotonic()
        out = c.call("SubmitOrder", fields)
        if out.kind != "ok":
            stats.violation("SubmitOrder %s: %s %s" % (no, out.label(), out.detail))
            continue
        orders.add(no, order_id=int(text(out.body, "orderId")), user=user,
                   version=int(text(out.body, "version")),
                   duplicate=text(out.body, "duplicate") == "true",
                   ms=(time.monotonic() - t) * 1000)
    c.close()


class Erp:
    """acme-erp: downloads the order feed, accepts this run's new orders, acknowledges."""

    def __init__(self, args, stats):
        self.args, self.stats = args, stats
        self.c = Client(args.host, args.port, args.path, "acme-erp", stats)
        self.seen = {}  # orderId -> (version, status, buyerOrderNo), the last downloaded
        self.accepted = {}  # orderId -> version the accept answered
        self.downloads = self.entries = 0

    def batch(self, accept):
        """One download, its accepts, its acknowledgement. Returns (orders, more)."""
        out = self.c.call("DownloadOrders", [("maxOrders", 100)])
        if out.kind != "ok":
            self.stats.violation("DownloadOrders: %s %s" % (out.label(), out.detail))
            time.sleep(1)
            return 0, True
        self.downloads += 1
        got = out.body.findall(E + "order")
        self.entries += len(got)
        for o in got:
            oid, ver, st = int(text(o, "orderId")), int(text(o, "version")), text(o, "status")
            no = text(o, "buyerOrderNo")
            self.seen[oid] = (ver, st, no)
            if not accept or not no.startswith(self.args.run + "-"):
                continue
            if st == "SUBMITTED" and oid in self.accepted:
                self.stats.violation("order %d downloaded as SUBMITTED v%d after its accept "
                                     "answered v%d (a read missed a write)"
                                     % (oid, ver, self.accepted[oid]))
            elif st == "SUBMITTED":
                self.accept(oid, ver)
        cursor = text(out.body, "nextCursor")
        if got:
            ack = self.c.call("AcknowledgeOrders", [("cursor", cursor)])
            if ack.kind != "ok":
                self.stats.violation("AcknowledgeOrders: %s %s" % (ack.label(), ack.detail))
        return len(got), text(out.body, "more") == "true"

    def accept(self, oid, ver):
        fields = [("orderId", oid), ("action", "ACCEPT"), ("expectedVersion", ver)]
        out = self.c.call("UpdateOrderStatus", fields,
                          accept=("VERSION_CONFLICT", "INVALID_TRANSITION"))
        if out.kind == "ok":
            self.accepted[oid] = int(text(out.body, "version"))
            return
        if out.kind == "fault" and out.code in ("VERSION_CONFLICT", "INVALID_TRANSITION"):
            retried = out.attempts > 1
            st = self.c.call("GetOrderStatus", [("orderId", oid)])
            if (retried and st.kind == "ok"
                    and text(st.body.find(E + "order"), "status") == "ACCEPTED"):
                # The first attempt committed but its answer was lost; the retry found it done.
                self.accepted[oid] = int(text(st.body.find(E + "order"), "version"))
                return
            self.stats.violation("ACCEPT of order %d v%d: %s (not after a lost answer)"
                                 % (oid, ver, out.code))
            return
        self.stats.violation("ACCEPT of order %d: %s %s" % (oid, out.label(), out.detail))

    def drain(self, accept):
        """Downloads until the feed is empty."""
        while True:
            n, more = self.batch(accept)
            if n == 0 and not more:
                return

    def run(self, stop):
        while not stop.is_set():
            n, more = self.batch(True)
            if n == 0 and not more:
                time.sleep(0.2)


def cluster(*cmd):
    t = time.monotonic()
    p = subprocess.run([CLUSTER] + list(cmd), capture_output=True, text=True)
    took = time.monotonic() - t
    return p.returncode, took, (p.stdout + p.stderr).strip()


def chaos(args, stats, stop, plan):
    """Runs plan, [(fraction of the duration, command, node)], in order."""
    start = T_LOAD[0]
    for at, cmd, n in plan:
        wait = start + at * args.duration - time.monotonic()
        if wait > 0:
            stop.wait(wait)  # stopped early: the rest runs at once, so everything comes back
        log("chaos: scripts/cluster %s %d" % (cmd, n))
        rc, took, out = cluster(cmd, str(n))
        stats.events.append((time.monotonic() - start, "%s %d (took %.1f s)" % (cmd, n, took)))
        log("chaos: %s %d done in %.1f s (rc %d): %s" % (cmd, n, took, rc, out.splitlines()[-1]
                                                          if out else ""))
        if rc != 0:
            stats.violation("scripts/cluster %s %d failed: %s" % (cmd, n, out))


T_LOAD = [0.0]  # when the load started


# ------------------------------------------------------------------ the checks

def check_orders(args, stats, orders, erp):
    """Every answered order exists once, with its answer's id, full history, last state in
    the feed."""
    clients = {}
    lock = threading.Lock()

    def client_for(user):
        key = (user, threading.get_ident())
        with lock:
            if key not in clients:
                clients[key] = Client(args.host, args.port, args.path, user, stats)
            return clients[key]

    def one(item):
        no, o = item
        out = client_for(o["user"]).call("GetOrderStatus", [("buyerOrderNo", no)])
        if out.kind != "ok":
            return ["GetOrderStatus %s: %s %s" % (no, out.label(), out.detail)]
        order = out.body.find(E + "order")
        bad = []
        oid, ver, st = int(text(order, "orderId")), int(text(order, "version")), \
            text(order, "status")
        if oid != o["order_id"]:
            bad.append("%s: answered orderId %d, stored %d" % (no, o["order_id"], oid))
        hist = order.findall(E + "history")
        versions = [int(h.findtext(E + "version") or 0) for h in hist]
        if sorted(versions) != list(range(1, ver + 1)):
            bad.append("%s (order %d): history versions %s, version %d" % (no, oid, versions, ver))
        elif hist:
            last = max(hist, key=lambda h: int(h.findtext(E + "version")))
            if last.findtext(E + "toStatus") != st:
                bad.append("%s: status %s but last history entry says %s"
                           % (no, st, last.findtext(E + "toStatus")))
        if st != "ACCEPTED" or ver != 2:
            bad.append("%s (order %d): %s v%d, expected ACCEPTED v2 (the ERP accepted every "
                       "order it downloaded)" % (no, oid, st, ver))
        seen = erp.seen.get(oid)
        if seen is None:
            bad.append("%s (order %d): never in the ERP's feed (skipped)" % (no, oid))
        elif seen[:2] != (ver, st):
            bad.append("%s (order %d): the feed's last state v%d %s, the order's v%d %s"
                       % (no, oid, seen[0], seen[1], ver, st))
        return bad

    problems = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for bad in pool.map(one, list(orders.by_no.items())):
            for b in bad:
                problems += 1
                stats.violation(b)
    for c in clients.values():
        c.close()
    ids = [o["order_id"] for o in orders.by_no.values()]
    if len(set(ids)) != len(ids):
        stats.violation("%d answers share an orderId" % (len(ids) - len(set(ids))))
    return problems


def check_nodes(args, stats, expected):
    """This run's orders on every Galera node: same count (the answered ones), same checksum."""
    like = "'" + args.run + "-%'"
    sql = ("SET SESSION wsrep_sync_wait = 1; "
           "SELECT COUNT(*), COUNT(DISTINCT buyer_order_no), "
           "COALESCE(SUM(CRC32(CONCAT_WS('/', order_id, buyer_order_no, status, version, "
           "total_amount))), 0), "
           "(SELECT COUNT(*) FROM order_history h JOIN purchase_order p USING (order_id) "
           " WHERE p.buyer_order_no LIKE " + like + ") "
           "FROM purchase_order WHERE buyer_order_no LIKE " + like)
    results = {}
    for n in range(1, args.db_nodes + 1):
        p = subprocess.run([CLUSTER, "sql", str(n), "-N", "-B", "-e", sql],
                           capture_output=True, text=True)
        if p.returncode != 0:
            stats.violation("node %d: %s" % (n, p.stderr.strip()))
            continue
        results[n] = tuple(p.stdout.split())
        log("db%d: %s orders (%s distinct numbers), checksum %s, %s history rows"
            % ((n,) + results[n]))
    for n, r in results.items():
        if int(r[0]) != expected or int(r[1]) != expected:
            stats.violation("node %d holds %s orders of this run (%s distinct numbers), "
                            "%d were answered" % (n, r[0], r[1], expected))
    if len(set(results.values())) > 1:
        stats.violation("the Galera nodes differ: %s" % results)


def hub_logs():
    var = os.environ.get("EOS_CLUSTER_VAR") or os.path.join(
        os.environ.get("EOS_VAR_DIR") or os.path.join(ROOT, "var"), "cluster")
    logdir = os.path.join(var, "log")
    names = sorted(os.listdir(logdir)) if os.path.isdir(logdir) else []
    return [(n, os.path.join(logdir, n)) for n in names if n.startswith("hub")]


def hub_log_sizes():
    return {name: os.path.getsize(path) for name, path in hub_logs()}


def hub_log_errors(since):
    """Warnings and errors the hubs logged since the sizes in since, by message."""
    found = collections.Counter()
    for name, path in hub_logs():
        with open(path, errors="replace") as f:
            f.seek(since.get(name, 0))
            for line in f:
                m = re.match(r"\S+\s+(WARN|ERROR)\s+(.*)", line)
                if m:
                    msg = re.sub(r"\br=\d+ ", "", m.group(2)).strip()
                    found[(name, m.group(1) + " " + msg[:100])] += 1
    return found


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=75.0, help="seconds of load (75)")
    ap.add_argument("--buyers", type=int, default=6, help="buyer threads (6)")
    ap.add_argument("--kill-db", type=int, help="Galera node to kill (default: the writer)")
    ap.add_argument("--kill-hub", type=int, default=1, help="hub node to kill (1)")
    ap.add_argument("--no-chaos", action="store_true", help="load only, nothing killed")
    ap.add_argument("--url", help="HAProxy's endpoint (default: from scripts/cluster env)")
    args = ap.parse_args()
    args.run = "CT%d" % int(time.time())
    args.db_nodes = int(os.environ.get("EOS_CLUSTER_DB_NODES") or 3)

    rc, _, out = cluster("status")
    print(out)
    if rc != 0:
        print("test_cluster: the cluster is not up and healthy: run scripts/cluster up")
        return 2
    if not args.url:
        env = subprocess.run([CLUSTER, "env"], capture_output=True, text=True, check=True).stdout
        args.url = [l.split("=", 1)[1] for l in env.splitlines()
                    if l.startswith("export EOS_URL=")][0]
    if not args.kill_db:
        p = subprocess.run([CLUSTER, "writer"], capture_output=True, text=True)
        args.kill_db = int(p.stdout) if p.returncode == 0 and p.stdout.strip() else 2
    hostport, _, path = args.url.split("://", 1)[1].partition("/")
    args.host, _, port = hostport.partition(":")
    args.port, args.path = int(port or 80), "/" + path
    log("run %s against %s, %d buyers, %.0f s%s" % (
        args.run, args.url, args.buyers, args.duration, "" if args.no_chaos else
        ", killing Galera node %d and hub %d" % (args.kill_db, args.kill_hub)))
    log_start = hub_log_sizes()

    stats, orders = Stats(), Orders()
    setup = Client(args.host, args.port, args.path, "acme-erp", stats)
    for code in ("BUY001", "BUY002"):  # no credit limit: the load is not about credit
        out = setup.call("SetCreditLimit", [("buyerCode", code)])
        if out.kind != "ok":
            print("test_cluster: SetCreditLimit %s: %s %s" % (code, out.label(), out.detail))
            return 1
    erp = Erp(args, stats)
    erp.drain(False)  # what earlier runs left unacknowledged
    log("feed drained (%d earlier entries)" % erp.entries)
    erp.entries = erp.downloads = 0
    stats.outcomes.clear()

    stop, erp_stop = threading.Event(), threading.Event()
    threads = [threading.Thread(target=buyer, args=(args, stats, orders,
                                                    ("buyer1", "buyer2")[i % 2], i, stop))
               for i in range(args.buyers)]
    threads.append(threading.Thread(target=erp.run, args=(erp_stop,)))
    chaos_threads = []
    if not args.no_chaos:
        # Two timetables: the hub's does not wait for the Galera node's rejoin (IST under load
        # can take tens of seconds).
        for plan in ([(0.15, "kill-db", args.kill_db), (0.35, "start-db", args.kill_db)],
                     [(0.55, "kill-hub", args.kill_hub), (0.70, "start-hub", args.kill_hub)]):
            chaos_threads.append(threading.Thread(target=chaos, args=(args, stats, stop, plan)))
    threads += chaos_threads
    started = T_LOAD[0] = time.monotonic()
    for t in threads:
        t.start()
    last, report = 0, started + 10
    while time.monotonic() - started < args.duration:
        time.sleep(min(1.0, max(0.0, started + args.duration - time.monotonic())))
        if time.monotonic() >= report:
            n = len(orders.by_no)
            log("%d orders answered (%+d), ERP accepted %d" % (n, n - last, len(erp.accepted)))
            last, report = n, report + 10
    stop.set()
    for t in threads[:args.buyers]:
        t.join()
    load_s = time.monotonic() - started
    for t in chaos_threads:  # a restart still running finishes first
        t.join()
    erp_stop.set()
    threads[args.buyers].join()
    erp.drain(True)
    log("load done in %.1f s; ERP drained: %d downloads, %d entries, %d accepted"
        % (load_s, erp.downloads, erp.entries, len(erp.accepted)))

    rc, _, out = cluster("status")
    if rc != 0:
        stats.violation("cluster not healthy after the run:\n" + out)
    check_orders(args, stats, orders, erp)
    check_nodes(args, stats, len(orders.by_no))

    # Summary.
    answered = len(orders.by_no)
    dups = sum(1 for o in orders.by_no.values() if o["duplicate"])
    slow = sorted(o["ms"] for o in orders.by_no.values())
    print()
    print("=== summary of run %s (%.0f s of load, %.0f s in all)"
          % (args.run, load_s, time.monotonic() - T0))
    print("orders answered: %d (%.1f/s); answered duplicate=true after a lost answer: %d"
          % (answered, answered / load_s if load_s else 0, dups))
    if slow:
        print("SubmitOrder until answered, retries included: median %.0f ms, p99 %.0f ms, "
              "max %.0f ms" % (slow[len(slow) // 2], slow[int(len(slow) * 0.99)], slow[-1]))
    print("ERP: %d downloads, %d feed entries, %d orders accepted"
          % (erp.downloads, erp.entries, len(erp.accepted)))
    for at, what in stats.events:
        print("chaos at %5.1f s: %s" % (at, what))
    print("outcomes per operation (every attempt):")
    for (op, label), n in sorted(stats.outcomes.items()):
        print("  %-20s %-28s %7d" % (op, label, n))
    errs = hub_log_errors(log_start)
    if errs:
        print("hub log warnings and errors (for information):")
        for (name, msg), n in errs.most_common(12):
            print("  %-9s %5d  %s" % (name, n, msg))
    bad_faults = {k: n for k, n in stats.outcomes.items()
                  if k[1].startswith("fault") and k[1] != "fault SERVICE_UNAVAILABLE"
                  and not (k[0] == "UpdateOrderStatus" and k[1] in (
                      "fault VERSION_CONFLICT", "fault INVALID_TRANSITION"))}
    if bad_faults:
        stats.violation("non-retryable faults seen: %s" % bad_faults)
    if stats.violations:
        print("FAILED: %d violation(s); the first ones:" % len(stats.violations))
        for v in stats.violations[:20]:
            print("  " + v)
        return 1
    print("OK: no answered order lost or doubled, the feed skipped nothing, histories are "
          "complete, the nodes agree, clients saw only retryable failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
