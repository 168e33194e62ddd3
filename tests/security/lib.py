"""lib.py - what the security cases share: hub processes, a raw HTTP/SOAP client, the
test database, and the checks every hostile request is held to.

Python 3 standard library only (zeep is used by the cases that want a real client).
Environment (scripts/run-tests sets it): EOS_TEST_BUILD (eos-hub, eosctl), EOS_TEST_VAR
(logs), EOS_DB_SOCKET or EOS_DB_HOST/EOS_DB_PORT, EOS_DB_USER, EOS_DB_PASSWORD,
EOS_DB_NAME, EOS_SECRET_KEY_FILE. Run on its own, run.py fills in the same defaults
run-tests would use (see defaults_from_checkout()).
"""

import base64
import datetime
import hashlib
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PASSWORD = os.environ.get("EOS_DEMO_PASSWORD") or "demo-pass"

NS_EOS = "urn:eoshub:v1"
NS_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_WSSE = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-wssecurity-secext-1.0.xsd")
NS_WSU = ("http://docs.oasis-open.org/wss/2004/01/"
          "oasis-200401-wss-wssecurity-utility-1.0.xsd")
PW_TEXT = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-username-token-profile-1.0#PasswordText")
PW_DIGEST = ("http://docs.oasis-open.org/wss/2004/01/"
             "oasis-200401-wss-username-token-profile-1.0#PasswordDigest")
B64_TYPE = ("http://docs.oasis-open.org/wss/2004/01/"
            "oasis-200401-wss-soap-message-security-1.0#Base64Binary")

CONTRACT_CODES = {
    "AUTH_REQUIRED", "AUTH_FAILED", "FORBIDDEN", "NOT_FOUND", "VALIDATION_FAILED",
    "UNKNOWN_PRODUCT", "PRODUCT_NOT_AVAILABLE", "PRICE_MISMATCH", "CREDIT_LIMIT_EXCEEDED",
    "DUPLICATE_CONFLICT", "INVALID_TRANSITION", "VERSION_CONFLICT", "PRICE_AUTHORITY_EXCEEDED",
    "NOT_RETURNABLE", "QUANTITY_EXCEEDED", "LIMIT_EXCEEDED", "MALFORMED_REQUEST",
    "SERVICE_UNAVAILABLE", "INTERNAL",
}

# Tables a refused request must leave alone (nonces and failed logins are the
# authentication's own bookkeeping and may move).
STORED_TABLES = (
    "purchase_order", "order_line", "order_history", "change_request", "change_request_line",
    "return_order", "return_line", "return_history", "shipment", "shipment_line", "invoice",
    "payment", "payment_application", "document_confirmation", "feed_entry", "product",
    "price", "publication",
)

# What a response must never show: SoapUI's default "sensitive information
# exposure" assertion and then some. Checked case-insensitively on headers and body.
LEAK_PATTERNS = [
    (r"sqlstate", "SQLSTATE"),
    (r"\bmariadb\b|\bmysql", "database product name"),
    (r"you have an error in your sql syntax|\berror \d{4}\b|\b1[0-9]{3} \(\w{5}\)",
     "SQL error text"),
    (r"\b(select|insert|update|delete)\b[^<]{0,80}\b(from|into|set|where)\b", "SQL text"),
    (r"gsoap|stdsoap|soapcpp2|wsdl2h", "gSOAP name"),
    (r"openssl|libxml|libssl|zlib", "library name"),
    (r"\b\d+\.\d+\.\d+[-.~]\w*(deb|ubuntu|maria)", "library version"),
    (r"2\.8\.1\d\d", "gSOAP version"),
    (r"10\.(5|6|11)\.\d+", "MariaDB version"),
    (r"(/work/|/usr/|/home/|/tmp/|/var/lib|/etc/|[a-z_]+\.c:\d+|\.so\b)", "file path"),
    (r"addresssanitizer|leaksanitizer|runtime error:|stack trace|traceback|segmentation",
     "crash or sanitizer text"),
    (r"eoshub_test|purchase_order|order_line|app_user|wsse_nonce", "schema name"),
]


class Fail(AssertionError):
    """A check that did not hold: the case fails with this message."""


class Skip(Exception):
    """The case cannot run here (says why)."""


def check(cond, message):
    if not cond:
        raise Fail(message)


# ------------------------------------------------------------------ settings

def defaults_from_checkout():
    """What scripts/run-tests would export, for running this suite by hand."""
    env = os.environ
    if not env.get("EOS_TEST_BUILD"):
        env["EOS_TEST_BUILD"] = os.path.join(ROOT, "build", "asan")
    if not env.get("EOS_TEST_VAR"):
        env["EOS_TEST_VAR"] = os.path.join(ROOT, "var", "test")
    os.makedirs(env["EOS_TEST_VAR"], exist_ok=True)
    if not (env.get("EOS_DB_SOCKET") or env.get("EOS_DB_HOST")):
        out = subprocess.run([os.path.join(ROOT, "scripts", "db"), "env"], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"export (\w+)=(.*)$", line)
            if m and not env.get(m.group(1)):
                env[m.group(1)] = m.group(2).strip("'\"")
    env.setdefault("EOS_DB_NAME", "eoshub_test")
    if env["EOS_DB_NAME"] != "eoshub_test" and not env.get("EOS_SECURITY_ANY_DB"):
        env["EOS_DB_NAME"] = "eoshub_test"
    if not env.get("EOS_SECRET_KEY_FILE"):
        key = os.path.join(env["EOS_TEST_VAR"], "secret.key")
        if not os.path.exists(key):  # as scripts/run-tests makes it
            with open(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(os.urandom(32).hex())
        env["EOS_SECRET_KEY_FILE"] = key
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=23")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")


def build_path(name):
    return os.path.join(os.environ["EOS_TEST_BUILD"], name)


def var_path(name):
    return os.path.join(os.environ["EOS_TEST_VAR"], name)


# ------------------------------------------------------------------ database

def db_args():
    e = os.environ
    args = ["mariadb", "--no-defaults", "-u", e.get("EOS_DB_USER", "eos"),
            "-p" + e.get("EOS_DB_PASSWORD", "eos")]
    if e.get("EOS_DB_SOCKET"):
        args.append("--socket=" + e["EOS_DB_SOCKET"])
    else:
        args += ["--host=" + e["EOS_DB_HOST"], "--port=" + e.get("EOS_DB_PORT", "3306"),
                 "--protocol=TCP"]
    return args + ["--batch", "--skip-column-names", "--raw",
                   "--default-character-set=utf8mb4", e.get("EOS_DB_NAME", "eoshub_test")]


def sql(query, timeout=30):
    """Rows of a query (lists of strings; NULL is 'NULL') through the mariadb client."""
    p = subprocess.run(db_args() + ["-e", query], capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise Fail(f"mariadb client failed: {p.stderr.decode(errors='replace').strip()}")
    text = p.stdout.decode("utf-8")
    return [line.split("\t") for line in text.split("\n") if line != ""]


def sql_value(query):
    rows = sql(query)
    return rows[0][0] if rows else None


def sql_quote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


def table_counts():
    q = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in STORED_TABLES)
    return dict(zip(STORED_TABLES, (int(v) for v in sql(q)[0])))


def counts_diff(before, after):
    return {t: after[t] - before[t] for t in before if after[t] != before[t]}


def db_unhex(s):
    """The mariadb client in --raw mode prints text as it is; HEX() round-trips bytes."""
    return bytes.fromhex(s).decode("utf-8")


# ------------------------------------------------------------------ processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# eos-hub's settings (src/hub/config.c) that a caller's environment must not leak into the
# hubs this suite starts.
HUB_SETTINGS = (
    "EOS_HOST", "EOS_PORT", "EOS_THREADS", "EOS_MAX_CONNECTIONS", "EOS_BACKLOG",
    "EOS_RECV_TIMEOUT", "EOS_SEND_TIMEOUT", "EOS_TRANSFER_TIMEOUT", "EOS_IDLE_TIMEOUT",
    "EOS_MAX_KEEPALIVE", "EOS_MAX_MESSAGE", "EOS_MAX_DEPTH", "EOS_MAX_OCCURS",
    "EOS_ALLOW_PLAINTEXT_AUTH", "EOS_AUTH_CACHE_TTL", "EOS_AUTH_MAX_FAILURES", "EOS_AUTH_LOCKOUT",
    "EOS_TLS_CERT", "EOS_TLS_KEY", "EOS_LOG_LEVEL", "EOS_TRUSTED_PROXIES",
)


class Hub:
    """An eos-hub process on a free port with the given settings (environment)."""

    all_started = []

    def __init__(self, name, tls=None, **settings):
        self.name = name
        self.port = free_port()
        self.host = "127.0.0.1"
        self.tls = tls  # (cert, key) or None
        env = dict(os.environ)
        for k in HUB_SETTINGS:  # only what the case asks for; the rest at their defaults
            env.pop(k, None)
        env.update({"EOS_PORT": str(self.port), "EOS_THREADS": "4", "EOS_HOST": self.host})
        if tls:
            env["EOS_TLS_CERT"], env["EOS_TLS_KEY"] = tls
        env.update({k: str(v) for k, v in settings.items()})
        self.settings = settings
        self.log_path = var_path(f"security-{name}.log")
        self.log = open(self.log_path, "ab")
        self.log.write(f"---- {time.strftime('%H:%M:%S')} starting {name} on {self.port}\n"
                       .encode())
        self.log.flush()
        self.proc = subprocess.Popen([build_path("eos-hub")], env=env, stdout=self.log,
                                     stderr=self.log, stdin=subprocess.DEVNULL, cwd=ROOT)
        Hub.all_started.append(self)
        self.wait_listening()

    @property
    def scheme(self):
        return "https" if self.tls else "http"

    @property
    def url(self):
        return f"{self.scheme}://{self.host}:{self.port}/eos"

    def wait_listening(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"eos-hub {self.name} exited at start-up with {self.proc.returncode} "
                           f"(log {self.log_path})")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise Fail(f"eos-hub {self.name} did not listen within {timeout}s")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=30):
        """SIGTERM and wait; the exit status (0 expected; 23 = a sanitizer report)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.close_log()
                return "hung"
        self.close_log()
        return self.proc.returncode

    def kill9(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.close_log()

    def close_log(self):
        if not self.log.closed:
            self.log.close()
        if self in Hub.all_started:
            Hub.all_started.remove(self)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    @classmethod
    def kill_all(cls):
        for h in list(cls.all_started):
            h.kill9()


# ------------------------------------------------------------------ raw HTTP

class Response:
    def __init__(self):
        self.status = None
        self.reason = ""
        self.headers = []  # (name, value)
        self.raw_head = b""
        self.body = b""
        self.elapsed = 0.0
        self.closed = None  # the server closed the connection after the response
        self.error = None  # no response: what happened instead

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self):
        if self.error:
            return f"<no response: {self.error} after {self.elapsed:.2f}s>"
        return (f"<HTTP {self.status} {len(self.body)} bytes {self.elapsed:.2f}s: "
                f"{self.text[:300]!r}>")


# The suite's connections come from an address of their own on the loopback network:
# failed logins are counted per user and source address, so other suites' failures (from
# 127.0.0.1) cannot lock the demo users out for this suite, nor this suite's for them.
# A /24 of 127/8 of this run's own (by pid), so reruns within the lockout window start clean.
RUN_NET = f"127.{1 + os.getpid() % 250}.{(os.getpid() // 250) % 250}"


def source_addr(n):
    """The loopback address n of this run's network (1..254)."""
    return f"{RUN_NET}.{n}"


DEFAULT_SOURCE = source_addr(100)
_source_ok = [None]


def connect(hub, timeout=10, source=None, tls_context=None):
    if source is None and _source_ok[0] is not False:
        try:
            s = socket.create_connection((hub.host, hub.port), timeout=timeout,
                                         source_address=(DEFAULT_SOURCE, 0))
            _source_ok[0] = True
        except OSError:
            if _source_ok[0]:
                raise
            _source_ok[0] = False  # no such address here: plain 127.0.0.1 then
            s = socket.create_connection((hub.host, hub.port), timeout=timeout)
    else:
        s = socket.create_connection((hub.host, hub.port), timeout=timeout,
                                     source_address=(source, 0) if source else None)
    if hub.tls:
        ctx = tls_context or insecure_client_context()
        s = ctx.wrap_socket(s, server_hostname="localhost")
    return s


def insecure_client_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def read_response(sock, timeout=10, head_only_method=False):
    """Reads one HTTP response from sock; returns a Response (error set if none came)."""
    r = Response()
    sock.settimeout(timeout)
    buf = b""
    try:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                r.error = "connection closed without a response" if not buf else \
                    "connection closed inside the response header"
                r.closed = True
                return r
            buf += chunk
            if len(buf) > 1 << 20:
                r.error = "response header too long"
                return r
        head, rest = buf.split(b"\r\n\r\n", 1)
        r.raw_head = head
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        r.status = int(parts[1])
        r.reason = parts[2] if len(parts) > 2 else ""
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                r.headers.append((k.strip(), v.strip()))
        length = r.header("Content-Length")
        te = (r.header("Transfer-Encoding") or "").lower()
        if head_only_method:
            r.body = b""
        elif length is not None:
            n = int(length)
            while len(rest) < n:
                chunk = sock.recv(65536)
                if not chunk:
                    r.error = "connection closed inside the body"
                    break
                rest += chunk
            r.body = rest[:n]
        elif "chunked" in te:
            body = b""
            while True:
                while b"\r\n" not in rest:
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("closed inside chunked body")
                    rest += chunk
                size_line, rest = rest.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("closed inside chunked body")
                    rest += chunk
                body += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    break
            r.body = body
        else:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                rest += chunk
            r.body = rest
            r.closed = True
    except socket.timeout:
        r.error = r.error or ("timed out waiting for the response" if r.status is None
                              else "timed out reading the body")
    except (ConnectionError, OSError) as e:
        r.error = r.error or f"{type(e).__name__}: {e}"
        r.closed = True
    return r


class ResponseStream:
    """Reads responses one after another from one connection, keeping what a read took
    past a response for the next: for pipelined requests, whose answers may come in one
    segment. Handles responses with a Content-Length only (the hub's)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buf += chunk

    def next(self, timeout=10):
        r = Response()
        self.sock.settimeout(timeout)
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
            head, self.buf = self.buf.split(b"\r\n\r\n", 1)
            r.raw_head = head
            lines = head.decode("latin-1").split("\r\n")
            r.status = int(lines[0].split(" ", 2)[1])
            r.headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]
                         if ":" in line]
            n = int(r.header("Content-Length") or "0")
            while len(self.buf) < n:
                self._fill()
            r.body, self.buf = self.buf[:n], self.buf[n:]
        except (socket.timeout, ConnectionError, OSError) as e:
            r.error = f"{type(e).__name__}: {e}"
        return r


def server_closed(sock, wait=0.5):
    """True when the peer has closed (EOF or reset) within `wait` seconds."""
    sock.settimeout(wait)
    try:
        data = sock.recv(1)
        return data == b""
    except socket.timeout:
        return False
    except (ConnectionError, OSError, ssl.SSLError):
        return True


def http_request(hub, method="POST", path="/eos", body=b"", headers=None, timeout=10,
                 source=None, raw=None, check_close=False, content_length=True):
    """One request on a fresh connection. `raw` sends those bytes instead of building one."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if raw is None:
        hs = [("Host", f"{hub.host}:{hub.port}")]
        names = {k.lower() for k, _ in (headers or [])}
        if content_length and body is not None and "content-length" not in names and \
                "transfer-encoding" not in names and method not in ("GET", "HEAD"):
            hs.append(("Content-Length", str(len(body))))
        hs += list(headers or [])
        raw = (f"{method} {path} HTTP/1.1\r\n" +
               "".join(f"{k}: {v}\r\n" for k, v in hs) + "\r\n").encode("latin-1") + (body or b"")
    start = time.monotonic()
    try:
        s = connect(hub, timeout=timeout, source=source)
    except OSError as e:
        r = Response()
        r.error = f"connect failed: {e}"
        return r
    try:
        try:
            s.sendall(raw)
        except OSError as e:
            # The server may refuse and close before reading everything: read what it said.
            pass
        r = read_response(s, timeout=timeout, head_only_method=(method == "HEAD"))
        r.elapsed = time.monotonic() - start
        if r.closed is None and check_close:
            r.closed = server_closed(s, 0.3)
        return r
    finally:
        s.close()


# ------------------------------------------------------------------ SOAP

def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def envelope(body, header="", v12=False, body_ns_decl=True):
    ns = NS_SOAP12 if v12 else NS_SOAP11
    h = f"<s:Header>{header}</s:Header>" if header else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<s:Envelope xmlns:s="{ns}" xmlns:e="{NS_EOS}">{h}<s:Body>{body}</s:Body>'
            f'</s:Envelope>')


def op_body(op, inner=""):
    return f"<e:{op}Request>{inner}</e:{op}Request>"


def now_created(offset_seconds=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def wsse_text(user, password):
    return (f'<wsse:Security xmlns:wsse="{NS_WSSE}" xmlns:wsu="{NS_WSU}"><wsse:UsernameToken>'
            f'<wsse:Username>{xml_escape(user)}</wsse:Username>'
            f'<wsse:Password Type="{PW_TEXT}">{xml_escape(password)}</wsse:Password>'
            f'</wsse:UsernameToken></wsse:Security>')


def wsse_digest(user, password, nonce=None, created=None):
    nonce = nonce if nonce is not None else os.urandom(16)
    created = created or now_created()
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode())
                              .digest()).decode()
    return (f'<wsse:Security xmlns:wsse="{NS_WSSE}" xmlns:wsu="{NS_WSU}"><wsse:UsernameToken>'
            f'<wsse:Username>{xml_escape(user)}</wsse:Username>'
            f'<wsse:Password Type="{PW_DIGEST}">{digest}</wsse:Password>'
            f'<wsse:Nonce EncodingType="{B64_TYPE}">{base64.b64encode(nonce).decode()}'
            f'</wsse:Nonce><wsu:Created>{created}</wsu:Created>'
            f'</wsse:UsernameToken></wsse:Security>')


def basic_header(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return ("Authorization", f"Basic {token}")


class SoapResult:
    """A parsed SOAP response: .fault (dict) or .body (the response element)."""

    def __init__(self, resp):
        self.resp = resp
        self.fault = None
        self.body = None
        self.parse_error = None
        if resp.error or not resp.body:
            return
        try:
            root = ET.fromstring(resp.body)
        except ET.ParseError as e:
            self.parse_error = str(e)
            return
        body = None
        for ns in (NS_SOAP11, NS_SOAP12):
            body = root.find(f"{{{ns}}}Body")
            if body is not None:
                self.version = 12 if ns == NS_SOAP12 else 11
                break
        if body is None:
            self.parse_error = "no SOAP Body"
            return
        f = body.find(f"{{{NS_SOAP11}}}Fault")
        if f is None:
            f = body.find(f"{{{NS_SOAP12}}}Fault")
        if f is None:
            self.body = body[0] if len(body) else None
            return
        fault = {"faultcode": None, "faultstring": None, "code": None, "message": None,
                 "field": None, "retryable": None}
        if f.tag == f"{{{NS_SOAP11}}}Fault":
            fault["faultcode"] = (f.findtext("faultcode") or "").strip()
            fault["faultstring"] = f.findtext("faultstring")
            detail = f.find("detail")
        else:
            fault["faultcode"] = (f.findtext(f"{{{NS_SOAP12}}}Code/{{{NS_SOAP12}}}Value") or "") \
                .strip()
            fault["faultstring"] = f.findtext(f"{{{NS_SOAP12}}}Reason/{{{NS_SOAP12}}}Text")
            detail = f.find(f"{{{NS_SOAP12}}}Detail")
        if detail is not None:
            err = detail.find(f"{{{NS_EOS}}}error")
            if err is not None:
                fault["code"] = err.findtext(f"{{{NS_EOS}}}code")
                fault["message"] = err.findtext(f"{{{NS_EOS}}}message")
                fault["field"] = err.findtext(f"{{{NS_EOS}}}field")
                fault["retryable"] = err.findtext(f"{{{NS_EOS}}}retryable")
        self.fault = fault

    def find(self, path):
        """Text of a child of the response element; path in eos names ('a/b')."""
        if self.body is None:
            return None
        p = "/".join(f"{{{NS_EOS}}}{x}" for x in path.split("/"))
        return self.body.findtext(p)

    def findall(self, path):
        if self.body is None:
            return []
        p = "/".join(f"{{{NS_EOS}}}{x}" for x in path.split("/"))
        return self.body.findall(p)

    def describe(self):
        if self.fault:
            f = self.fault
            return (f"fault {f['code']} ({f['faultcode']}, field={f['field']}): "
                    f"{f['message'] or f['faultstring']}")
        if self.body is not None:
            return f"response {self.body.tag}"
        if self.parse_error:
            return f"unparsable response ({self.parse_error}): {self.resp!r}"
        return repr(self.resp)


def soap_call(hub, op, inner="", auth=("buyer1", PASSWORD, "basic"), v12=False, timeout=30,
              source=None, extra_headers=(), body_xml=None, action=True):
    """Calls op with the request element's inner XML; auth = (user, password, kind) where
    kind is basic, text or digest; None sends no credentials."""
    header = ""
    headers = [("Content-Type", 'application/soap+xml; charset=utf-8; action="urn:eoshub:v1#%s"'
                % op if v12 else "text/xml; charset=utf-8")]
    if not v12 and action:
        headers.append(("SOAPAction", f'"urn:eoshub:v1#{op}"'))
    if auth:
        user, password, kind = auth
        if kind == "basic":
            headers.append(basic_header(user, password))
        elif kind == "text":
            header = wsse_text(user, password)
        elif kind == "digest":
            header = wsse_digest(user, password)
        else:
            raise ValueError(kind)
    xml = body_xml if body_xml is not None else envelope(op_body(op, inner), header, v12=v12)
    r = http_request(hub, body=xml, headers=headers + list(extra_headers), timeout=timeout,
                     source=source, check_close=False)
    return SoapResult(r)


def expect_ok(res, what=""):
    if res.fault or res.body is None:
        raise Fail(f"{what}: expected a response, got {res.describe()}")
    return res


def scan_leaks(resp, allow=()):
    """Raises Fail when a response (headers and body) shows internals. `allow` lists
    strings the client itself sent (echoed payloads), removed before scanning."""
    text = resp.raw_head.decode("latin-1") + "\n" + resp.text
    for a in allow:
        text = text.replace(a, "")
        text = text.replace(xml_escape(a), "")
    for pattern, what in LEAK_PATTERNS:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            start = max(0, m.start() - 60)
            raise Fail(f"response shows {what}: ...{text[start:m.end() + 60]!r}...")
    server = resp.header("Server")
    if server is not None and server != "EOS Hub":
        raise Fail(f"Server header names {server!r}")
    for h in ("X-Powered-By", "X-AspNet-Version", "X-Runtime"):
        if resp.header(h):
            raise Fail(f"response carries {h}: {resp.header(h)}")


def check_fault(res, code, v12=False, max_seconds=2.0, field=None, allow=(), retryable=None,
                client=None):
    """The contract's fault shape: HTTP 500 with faultcode Client/Server (SOAP 1.2: 400 with
    Sender, 500 with Receiver), <eos:error> with the expected code, a message, no leak."""
    r = res.resp
    if r.error and r.status is None:
        raise Fail(f"expected fault {code}, got no response: {r.error} after {r.elapsed:.2f}s")
    if res.fault is None:
        raise Fail(f"expected fault {code}, got {res.describe()} (HTTP {r.status})")
    f = res.fault
    codes = code if isinstance(code, (set, tuple, list)) else {code}
    if f["code"] not in codes:
        raise Fail(f"expected fault {'/'.join(sorted(codes))}, got {res.describe()}")
    if f["code"] not in CONTRACT_CODES:
        raise Fail(f"fault code {f['code']} is not a contract code")
    if client is None:
        client = f["code"] not in ("SERVICE_UNAVAILABLE", "INTERNAL")
    local = f["faultcode"].split(":")[-1]
    if v12:
        want_fc, want_http = ("Sender", 400) if client else ("Receiver", 500)
    else:
        want_fc, want_http = ("Client", 500) if client else ("Server", 500)
    if local != want_fc:
        raise Fail(f"faultcode {f['faultcode']}, expected {want_fc} ({res.describe()})")
    if r.status != want_http:
        raise Fail(f"HTTP {r.status} for a {want_fc} fault, expected {want_http}")
    if not f["message"] or not f["faultstring"]:
        raise Fail(f"fault without a message: {res.describe()}")
    if f["retryable"] not in ("true", "false"):
        raise Fail(f"fault without retryable: {res.describe()}")
    if retryable is not None and (f["retryable"] == "true") != retryable:
        raise Fail(f"retryable={f['retryable']}, expected {str(retryable).lower()}")
    if field is not None and f["field"] != field:
        raise Fail(f"fault names field {f['field']!r}, expected {field!r} ({res.describe()})")
    if r.elapsed > max_seconds:
        raise Fail(f"fault {f['code']} took {r.elapsed:.2f}s (limit {max_seconds}s)")
    ctype = (r.header("Content-Type") or "").lower()
    want_type = "application/soap+xml" if v12 else "text/xml"
    if want_type not in ctype:
        raise Fail(f"Content-Type {ctype!r} for a SOAP {'1.2' if v12 else '1.1'} fault")
    scan_leaks(r, allow=allow)
    return f


def healthz(hub, timeout=5):
    r = http_request(hub, "GET", "/healthz", timeout=timeout)
    return r.status == 200 and r.body.strip() == b"ok", r


def metrics(hub):
    r = http_request(hub, "GET", "/metrics")
    check(r.status == 200, f"/metrics answered {r!r}")
    values = {}
    for line in r.text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        try:
            values[name] = float(value)
        except ValueError:
            pass
    return values


def metric_sum(values, name):
    """Sum of every series of a metric (any labels)."""
    return sum(v for k, v in values.items() if k == name or k.startswith(name + "{"))


# ------------------------------------------------------------------ orders

RUN_ID = f"SEC{os.getpid()}-{int(time.time()) % 1000000}"
_seq = [0]
_seq_lock = threading.Lock()


def unique(tag):
    with _seq_lock:
        _seq[0] += 1
        return f"{RUN_ID}-{tag}-{_seq[0]}"


def order_lines_xml(n=1, sku="SKU-0001", qty="1"):
    return "".join(f"<e:line><e:lineNo>{i}</e:lineNo><e:sku>{sku}</e:sku>"
                   f"<e:quantity>{qty}</e:quantity></e:line>" for i in range(1, n + 1))


def submit_order_inner(order_no, lines=1, note=None, sku="SKU-0001", qty="1"):
    n = f"<e:note>{xml_escape(note)}</e:note>" if note is not None else ""
    return (f"<e:buyerOrderNo>{xml_escape(order_no)}</e:buyerOrderNo>{n}"
            + order_lines_xml(lines, sku, qty))


def orders_with_no(order_no, buyer_code=None):
    """(order_id, line count) of every stored order with this buyerOrderNo."""
    q = ("SELECT o.order_id, (SELECT COUNT(*) FROM order_line l WHERE l.order_id = o.order_id) "
         "FROM purchase_order o")
    if buyer_code:
        q += " JOIN party p ON p.party_id = o.buyer_party_id"
    q += f" WHERE o.buyer_order_no = {sql_quote(order_no)}"
    if buyer_code:
        q += f" AND p.code = {sql_quote(buyer_code)}"
    return [(int(a), int(b)) for a, b in sql(q)]


def eosctl(*args, stdin=None):
    p = subprocess.run([build_path("eosctl"), *args], input=stdin, capture_output=True,
                       text=True, timeout=60)
    if p.returncode != 0:
        raise Fail(f"eosctl {' '.join(args)} failed: {p.stderr.strip() or p.stdout.strip()}")
    return p.stdout


def make_user(username, role="BUYER", party="BUY001", password=PASSWORD):
    """A user of our own (so lockouts and failures touch no shared demo user)."""
    if sql_value(f"SELECT COUNT(*) FROM app_user WHERE username = {sql_quote(username)}") == "0":
        eosctl("user", "add", username, "--role", role, "--party", party, stdin=password + "\n")
    return username


def parallel(fns, timeout=120):
    """Runs callables in threads; returns their results (exceptions as values)."""
    results = [None] * len(fns)

    def run(i, fn):
        try:
            results[i] = fn()
        except BaseException as e:  # noqa: B902 - reported to the caller
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in
               enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
