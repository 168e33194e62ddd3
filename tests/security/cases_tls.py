"""cases_tls.py - TLS (issue 8, sixth bullet): a hub with EOS_TLS_CERT/EOS_TLS_KEY (a pair
from scripts/make-test-cert) serves zeep over HTTPS, verified against the certificate;
PasswordText and Basic work over it without EOS_ALLOW_PLAINTEXT_AUTH; TLS 1.0/1.1 and
weak cipher suites are refused (checked with hand-made ClientHellos, so the answer is the
server's, not the local OpenSSL's policy); plain HTTP on the port gets nowhere; stalled
handshakes do not hold the workers.
"""

import os
import socket
import ssl
import struct
import subprocess
import time

import lib
from lib import PASSWORD, Hub, Skip, check, var_path, ROOT
from suite import case


def cert_pair():
    d = var_path("security-tls")
    subprocess.run([os.path.join(ROOT, "scripts", "make-test-cert"), d], check=True,
                   capture_output=True, timeout=60)
    return os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")


def tls_hub(ctx):
    h = ctx.hubs.get("tls")
    if h is None or not h.alive():
        h = Hub("tls", tls=cert_pair(), EOS_THREADS=4, EOS_RECV_TIMEOUT=3,
                EOS_TRANSFER_TIMEOUT=5)
        ctx.hubs["tls"] = h
    return h


def verified_context(cert):
    c = ssl.create_default_context(cafile=cert)
    return c


@case("tls", "zeep-over-https")
def _(ctx):
    h = tls_hub(ctx)
    cert = h.tls[0]
    try:
        import requests
        import zeep
        from zeep.transports import Transport
        from zeep.wsse.username import UsernameToken
    except ImportError as e:
        raise Skip(f"zeep not importable by {os.sys.executable}: {e}")
    def https_session():
        # trust_env off: REQUESTS_CA_BUNDLE in the environment would override verify.
        sess = requests.Session()
        sess.trust_env = False
        sess.verify = cert
        return sess

    session = https_session()
    wsdl = h.url + "?wsdl"
    anon = zeep.Client(wsdl, transport=Transport(session=session))
    check(anon.service._binding_options["address"] == h.url,
          f"WSDL address {anon.service._binding_options['address']!r}, expected {h.url!r}")
    info = anon.service.GetServiceInfo()
    check(info.contractVersion == "1", f"GetServiceInfo: {info}")
    # PasswordText over TLS, without EOS_ALLOW_PLAINTEXT_AUTH.
    s2 = https_session()
    buyer = zeep.Client(wsdl, transport=Transport(session=s2),
                        wsse=UsernameToken("buyer1", PASSWORD))
    listed = buyer.service.ListOrders(limit=1)
    check(listed.total >= 0, f"ListOrders: {listed}")
    # HTTP Basic over TLS.
    s3 = https_session()
    s3.auth = ("buyer1", PASSWORD)
    basic = zeep.Client(wsdl, transport=Transport(session=s3))
    basic.service.GetAccountBalance()
    # And a wrong password is still refused.
    s4 = https_session()
    bad = zeep.Client(wsdl, transport=Transport(session=s4),
                      wsse=UsernameToken("buyer1", "not-the-password"))
    try:
        bad.service.ListOrders(limit=1)
        raise lib.Fail("a wrong PasswordText over TLS was accepted")
    except zeep.exceptions.Fault as f:
        code = f.detail.find(f"{{{lib.NS_EOS}}}error/{{{lib.NS_EOS}}}code")
        check(code is not None and code.text == "AUTH_FAILED", f"wrong password: {f}")
    # The certificate is the one we made (verification on, host name checked).
    with socket.create_connection((h.host, h.port), timeout=10) as raw:
        with verified_context(cert).wrap_socket(raw, server_hostname="localhost") as s:
            check(s.version() in ("TLSv1.2", "TLSv1.3"), f"negotiated {s.version()}")
            ctx.note(f"negotiated {s.version()} {s.cipher()[0]}")


@case("tls", "python-client-limited-to-tls11-fails")
def _(ctx):
    h = tls_hub(ctx)
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    try:
        c.set_ciphers("ALL:@SECLEVEL=0")
        c.minimum_version = ssl.TLSVersion.TLSv1
    except (ssl.SSLError, ValueError):
        pass
    c.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection((h.host, h.port), timeout=10) as raw:
        try:
            with c.wrap_socket(raw, server_hostname="localhost") as s:
                raise lib.Fail(f"a TLS 1.1 client connected ({s.version()}, {s.cipher()})")
        except (ssl.SSLError, ConnectionError, OSError) as e:
            ctx.note(f"refused: {type(e).__name__}: {str(e)[:100]}")


# ------------------------------------------------------------------ hand-made ClientHellos

def client_hello(version, ciphers, tls13=False):
    """A ClientHello record offering `version` (e.g. 0x0302 for TLS 1.1) and cipher suites."""
    def ext(kind, data):
        return struct.pack("!HH", kind, len(data)) + data
    groups = struct.pack("!H", 4) + struct.pack("!HH", 0x001d, 0x0017)
    sigs = [0x0804, 0x0805, 0x0401, 0x0501, 0x0403, 0x0201]
    sigalgs = struct.pack("!H", 2 * len(sigs)) + b"".join(struct.pack("!H", s) for s in sigs)
    name = b"localhost"
    sni = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = (ext(0x0000, sni) + ext(0x000a, groups) + ext(0x000b, b"\x01\x00") +
            ext(0x000d, sigalgs) + ext(0xff01, b"\x00"))
    suites = b"".join(struct.pack("!H", c) for c in ciphers)
    body = (struct.pack("!H", version) + os.urandom(32) + b"\x00" +
            struct.pack("!H", len(suites)) + suites + b"\x01\x00" +
            struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def server_answer(h, hello):
    """('alert', description) or ('server_hello', version) or ('closed', None)."""
    with socket.create_connection((h.host, h.port), timeout=10) as s:
        s.sendall(hello)
        s.settimeout(10)
        head = b""
        try:
            while len(head) < 5:
                chunk = s.recv(5 - len(head))
                if not chunk:
                    return ("closed", None)
                head += chunk
            kind, _, length = struct.unpack("!BHH", head)
            data = b""
            while len(data) < min(length, 64):
                chunk = s.recv(length - len(data))
                if not chunk:
                    break
                data += chunk
        except (ConnectionError, socket.timeout) as e:
            return ("closed", str(e))
    if kind == 0x15:
        return ("alert", data[1] if len(data) > 1 else None)
    if kind == 0x16 and data[:1] == b"\x02":
        return ("server_hello", struct.unpack("!H", data[4:6])[0])
    return ("other", kind)


STRONG = [0xC02F, 0xC030, 0xCCA8, 0xC02B, 0xC02C, 0xCCA9]  # ECDHE + AES-GCM / ChaCha20


@case("tls", "tls10-tls11-refused-tls12-served")
def _(ctx):
    h = tls_hub(ctx)
    problems = []
    for label, version in (("TLS 1.0", 0x0301), ("TLS 1.1", 0x0302)):
        ans = server_answer(h, client_hello(version, STRONG + [0xC013, 0xC014, 0x002F, 0x0035]))
        if ans[0] == "server_hello":
            problems.append(f"{label} ClientHello answered with a ServerHello "
                            f"(version {ans[1]:#06x})")
    ans = server_answer(h, client_hello(0x0303, STRONG))
    check(ans == ("server_hello", 0x0303), f"a TLS 1.2 ClientHello got {ans}")
    check(not problems, "; ".join(problems))


@case("tls", "weak-cipher-suites-refused")
def _(ctx):
    h = tls_hub(ctx)
    weak = {
        "RC4-SHA": [0x0005], "DES-CBC3-SHA": [0x000A], "AES128-SHA (no forward secrecy)": [0x002F],
        "AES256-SHA256 (no forward secrecy)": [0x003D], "NULL-SHA": [0x0002],
        "EXPORT / anonymous": [0x0003, 0x0018, 0x001B], "ECDHE-RSA-AES128-SHA (CBC)": [0xC013],
    }
    problems = []
    for label, suites in weak.items():
        ans = server_answer(h, client_hello(0x0303, suites))
        if ans[0] == "server_hello":
            problems.append(f"{label} accepted")
    check(not problems, "; ".join(problems))


@case("tls", "plain-http-on-tls-port")
def _(ctx):
    h = tls_hub(ctx)
    with socket.create_connection((h.host, h.port), timeout=10) as s:
        body = lib.envelope(lib.op_body("GetServiceInfo"))
        s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n{body}").encode())
        s.settimeout(10)
        try:
            data = s.recv(4096)
        except (ConnectionError, socket.timeout):
            data = b""
    check(b"GetServiceInfoResponse" not in data, "answered a plaintext request on the TLS port")
    ok, r = lib.healthz(h)
    check(ok, f"unhealthy afterwards: {r!r}")


@case("tls", "stalled-handshakes-do-not-starve-others")
def _(ctx):
    # Eight connections that send half a ClientHello and stall, on a hub with 4 workers.
    h = tls_hub(ctx)
    stalled = []
    hello = client_hello(0x0303, STRONG)
    try:
        for _ in range(8):
            s = socket.create_connection((h.host, h.port), timeout=10)
            s.sendall(hello[:20])
            stalled.append(s)
        time.sleep(0.5)
        lat, failures = [], []
        end = time.monotonic() + 5
        while time.monotonic() < end:
            start = time.monotonic()
            try:
                with socket.create_connection((h.host, h.port), timeout=15) as raw:
                    c = lib.insecure_client_context()
                    with c.wrap_socket(raw, server_hostname="localhost") as s:
                        body = lib.envelope(lib.op_body("GetServiceInfo"))
                        s.sendall((f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                                   f"Content-Length: {len(body)}\r\n\r\n{body}").encode())
                        r = lib.read_response(s, timeout=15)
                        if r.status != 200:
                            failures.append(repr(r))
            except (OSError, ssl.SSLError) as e:
                failures.append(f"{type(e).__name__}: {e}")
            lat.append(time.monotonic() - start)
            time.sleep(0.2)
    finally:
        for s in stalled:
            s.close()
    ctx.note(f"with 8 stalled handshakes: {len(lat)} HTTPS requests, slowest {max(lat):.2f}s")
    check(not failures, f"{len(failures)} requests failed: {failures[:2]}")
    check(max(lat) < 1.5, f"an HTTPS request waited {max(lat):.2f}s behind stalled handshakes")


@case("tls", "clients-keeping-a-closed-connection-open-do-not-hold-workers")
def _(ctx):
    # Eight HTTPS clients ask for "Connection: close", read their answer and then neither
    # close nor answer the hub's close_notify, on a hub with 4 workers. Closing such a
    # connection must not wait for the client (gSOAP's own close waits up to 5 s for it).
    h = tls_hub(ctx)
    lingering = []
    body = lib.envelope(lib.op_body("GetServiceInfo"))
    request = (f"POST /eos HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nConnection: close\r\n"
               f"Content-Length: {len(body)}\r\n\r\n{body}").encode()
    failures = []
    try:
        for _ in range(8):
            raw = socket.create_connection((h.host, h.port), timeout=15)
            s = lib.insecure_client_context().wrap_socket(raw, server_hostname="localhost")
            s.sendall(request)
            lingering.append(s)
        lat = []
        end = time.monotonic() + 3
        while time.monotonic() < end:
            start = time.monotonic()
            try:
                ok, r = lib.healthz(h)
                if not ok:
                    failures.append(repr(r))
            except (OSError, ssl.SSLError) as e:
                failures.append(f"{type(e).__name__}: {e}")
            lat.append(time.monotonic() - start)
            time.sleep(0.2)
        for s in lingering:
            r = lib.read_response(s, timeout=15)
            if r.status != 200:
                failures.append(f"a Connection: close request got {r!r}")
    finally:
        for s in lingering:
            s.close()
    ctx.note(f"beside 8 lingering clients: {len(lat)} requests, slowest {max(lat):.2f}s")
    check(not failures, f"{len(failures)} requests failed: {failures[:2]}")
    check(max(lat) < 1.5, f"a request waited {max(lat):.2f}s behind clients that linger")
