"""cases_db.py - MariaDB stopped under load (issue 8, "Database faults"): requests are
answered SERVICE_UNAVAILABLE (faultcode Server / SOAP 1.2 Receiver, retryable=true) while
it is away, the hub stays up, and once it is back the hub serves again by itself within
seconds; every order answered is stored once, and every order refused as retryable is
stored exactly once after the client's retry.

The server stopped is not the shared one (other suites' and other sessions' hubs use it):
scripts/db runs a second private MariaDB for this case under $EOS_TEST_VAR/security-db
(EOS_VAR_DIR), database eoshub_sec with the demo data. The first run initialises it (about
10-30 s); later runs reuse it. It is stopped again at the end, whatever happened.
"""

import os
import re
import subprocess
import threading
import time

import lib
from lib import (Hub, PASSWORD, Skip, SoapResult, basic_header, check, check_fault, envelope,
                 healthz, http_request, op_body, unique, var_path, ROOT)
from suite import case

BASIC = basic_header("buyer1", PASSWORD)
DB_NAME = "eoshub_sec"


class PrivateDb:
    def __init__(self):
        self.env = dict(os.environ)
        for k in ("EOS_DB_HOST", "EOS_DB_PORT", "EOS_DB_SOCKET"):
            self.env.pop(k, None)
        self.env["EOS_VAR_DIR"] = var_path("security-db")
        self.env["EOS_DB_NAME"] = DB_NAME
        self.env.setdefault("EOS_DB_USER", "eos")
        self.env.setdefault("EOS_DB_PASSWORD", "eos")
        self.socket = None

    def script(self, *args, timeout=180):
        return subprocess.run([os.path.join(ROOT, "scripts", "db"), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def start(self):
        p = self.script("start")
        if p.returncode != 0:
            raise Skip(f"cannot start a private MariaDB: {(p.stderr or p.stdout).strip()[-300:]}")
        out = self.script("env").stdout
        m = re.search(r"EOS_DB_SOCKET=(\S+)", out)
        self.socket = m.group(1).strip("'\"") if m else None
        check(self.socket, f"scripts/db env printed no socket: {out!r}")

    def stop(self):
        p = self.script("stop")
        check(p.returncode == 0, f"scripts/db stop: {p.stderr.strip()}")

    def db_env(self):
        return {"EOS_DB_SOCKET": self.socket, "EOS_DB_HOST": "", "EOS_DB_PORT": "",
                "EOS_DB_NAME": DB_NAME, "EOS_DB_USER": self.env["EOS_DB_USER"],
                "EOS_DB_PASSWORD": self.env["EOS_DB_PASSWORD"]}

    def fresh_database(self):
        env = dict(os.environ, **self.db_env())
        p = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}",
                            "-u", env["EOS_DB_USER"], f"-p{env['EOS_DB_PASSWORD']}",
                            "-e", f"DROP DATABASE IF EXISTS {DB_NAME}"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"drop {DB_NAME}: {p.stderr.strip()}")
        for args in (("migrate",), ("demo",)):
            p = subprocess.run([lib.build_path("eosctl"), *args], env=env, capture_output=True,
                               text=True, timeout=120)
            check(p.returncode == 0, f"eosctl {args[0]}: {p.stderr.strip() or p.stdout.strip()}")

    def sql(self, query):
        env = self.db_env()
        p = subprocess.run(["mariadb", "--no-defaults", f"--socket={self.socket}",
                            "-u", env["EOS_DB_USER"], f"-p{env['EOS_DB_PASSWORD']}", "--batch",
                            "--skip-column-names", DB_NAME, "-e", query],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, f"query on {DB_NAME}: {p.stderr.strip()}")
        return [line.split("\t") for line in p.stdout.splitlines() if line]


def order_env(no, v12=False):
    return envelope(op_body("SubmitOrder", f"<e:buyerOrderNo>{no}</e:buyerOrderNo><e:line>"
                                           f"<e:lineNo>1</e:lineNo><e:sku>SKU-0001</e:sku>"
                                           f"<e:quantity>0.001</e:quantity></e:line>"), v12=v12)


class Load(threading.Thread):
    def __init__(self, hub, tag):
        super().__init__(daemon=True)
        self.hub, self.tag = hub, tag
        self.stop = threading.Event()
        self.log = []  # (start, end, no, kind, result)

    def run(self):
        while not self.stop.is_set():
            no = unique(f"dbload{self.tag}")
            start = time.monotonic()
            r = http_request(self.hub, body=order_env(no),
                             headers=[("Content-Type", "text/xml"), BASIC], timeout=40,
                             check_close=False)
            res = SoapResult(r)
            kind = "ok" if res.body is not None and not res.fault else (
                "fault" if res.fault else "lost")
            self.log.append((start, time.monotonic(), no, kind, res))
            if kind != "ok":
                time.sleep(0.1)


@case("db", "mariadb-stopped-under-load-then-back")
def _(ctx):
    if not any(os.access(os.path.join(d, "mariadbd"), os.X_OK)
               for d in ("/usr/sbin", "/usr/bin", "/usr/local/sbin")):
        raise Skip("no mariadbd here to run a private server")
    db = PrivateDb()
    t0 = time.monotonic()
    db.start()
    t_started = time.monotonic()
    h = None
    loads = []
    status = 0
    try:
        db.fresh_database()
        ctx.note(f"private MariaDB up in {t_started - t0:.1f}s, {DB_NAME} made in "
                 f"{time.monotonic() - t_started:.1f}s")
        h = Hub("dbfault", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=4, **db.db_env())
        # One login first (the verified password is cached for the load that follows).
        http_request(h, body=envelope(op_body("ListOrders", "<e:limit>1</e:limit>")),
                     headers=[("Content-Type", "text/xml"), BASIC], timeout=60)
        loads = [Load(h, i) for i in range(4)]
        for ld in loads:
            ld.start()
        time.sleep(2.0)
        t_stop = time.monotonic()
        db.stop()
        t_down = time.monotonic()
        time.sleep(1.0)
        # While it is away: a SOAP 1.2 request, /healthz, a request needing no database.
        down12 = SoapResult(http_request(
            h, body=order_env(unique("db12"), v12=True),
            headers=[("Content-Type", "application/soap+xml; charset=utf-8"), BASIC],
            timeout=30))
        hz_ok, hz = healthz(h, timeout=15)
        info = SoapResult(http_request(h, body=envelope(op_body("GetServiceInfo")),
                                       headers=[("Content-Type", "text/xml")], timeout=15))
        time.sleep(2.0)
        t_start = time.monotonic()
        db.start()
        t_up = time.monotonic()
        deadline = t_up + 20
        while time.monotonic() < deadline:
            if any(e[3] == "ok" and e[0] > t_up for ld in loads for e in list(ld.log)):
                break
            time.sleep(0.2)
        time.sleep(0.5)
        for ld in loads:
            ld.stop.set()
        for ld in loads:
            ld.join(60)
        check_outcome(ctx, db, h, loads, t_stop, t_down, t_start, t_up, down12, hz_ok, hz, info)
    finally:
        for ld in loads:
            ld.stop.set()
        if h:
            status = h.stop()
        try:
            db.stop()
        except (lib.Fail, subprocess.TimeoutExpired):
            pass
    check(status == 0, f"hub exit status {status}")


def check_outcome(ctx, db, h, loads, t_stop, t_down, t_start, t_up, down12, hz_ok, hz, info):
    log = sorted((e for ld in loads for e in ld.log), key=lambda e: e[0])
    problems = []
    check(h.alive(), f"eos-hub exited while the database was away (log {h.log_path})")
    before = [e for e in log if e[1] < t_stop]
    check(any(e[3] == "ok" for e in before), "no order succeeded before the stop")
    during = [e for e in log if e[0] > t_down + 0.5 and e[1] < t_start]
    check(during, "no request was answered while the database was down")
    for start, end, no, kind, res in during:
        try:
            check_fault(res, "SERVICE_UNAVAILABLE", retryable=True, max_seconds=10)
        except lib.Fail as e:
            problems.append(f"while down: {e}")
            break
    try:
        check_fault(down12, "SERVICE_UNAVAILABLE", v12=True, retryable=True, max_seconds=10)
    except lib.Fail as e:
        problems.append(f"SOAP 1.2 while down: {e}")
    if hz_ok or hz.status != 503:
        problems.append(f"/healthz while down: {hz!r}")
    if info.fault or info.body is None:
        problems.append(f"GetServiceInfo while down: {info.describe()}")
    first_ok = min((e[1] for e in log if e[3] == "ok" and e[0] > t_up), default=None)
    resumed = (first_ok - t_up) if first_ok else None
    if resumed is None:
        problems.append("no order succeeded within 20s of the database's return")
    elif resumed > 10:
        problems.append(f"service resumed only {resumed:.1f}s after the database")
    ctx.note(f"{len(log)} requests; {len(during)} while down "
             f"({sum(1 for e in during if e[3] == 'fault')} faults); stop took "
             f"{t_down - t_stop:.1f}s, start {t_up - t_start:.1f}s; served again "
             + (f"{resumed:.1f}s after the database was up" if resumed is not None else "never"))
    # Every answered order is stored once; every retryable refusal, retried, is stored once.
    def counts():
        rows = db.sql("SELECT buyer_order_no, COUNT(*) FROM purchase_order WHERE buyer_order_no "
                      f"LIKE '{lib.RUN_ID}-dbload%' GROUP BY buyer_order_no")
        return {no: int(c) for no, c in rows}

    stored = counts()
    t_check = time.monotonic()
    retried = []
    for start, end, no, kind, res in log:
        if kind == "ok":
            if stored.get(no, 0) != 1:
                problems.append(f"answered order {no} stored {stored.get(no, 0)} times")
            continue
        if kind == "fault" and res.fault["retryable"] != "true":
            continue
        retry = SoapResult(http_request(h, body=order_env(no),
                                        headers=[("Content-Type", "text/xml"), BASIC],
                                        timeout=30))
        if retry.fault or retry.body is None:
            problems.append(f"retry of {no} ({kind}): {retry.describe()}")
        retried.append(no)
    stored = counts()
    ctx.note(f"{len(retried)} retried in {time.monotonic() - t_check:.1f}s")
    for no in retried:
        if stored.get(no, 0) != 1:
            problems.append(f"order {no}, retried after a retryable refusal, stored "
                            f"{stored.get(no, 0)} times")
    check(not problems, f"{len(problems)} problems: " + "; ".join(problems[:6]))
