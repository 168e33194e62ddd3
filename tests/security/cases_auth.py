"""cases_auth.py - authentication (issue 8, fourth bullet): PasswordText and Basic only over
TLS (unless EOS_ALLOW_PLAINTEXT_AUTH=1), digest nonces remembered across hub processes,
Created bounded, unknown user and wrong password alike in answer and time, and the
lockout after EOS_AUTH_MAX_FAILURES failures, visible in /metrics.

Failed logins are counted per user and source address in the shared database, so these
cases use users of their own (made with eosctl) or source addresses other than 127.0.0.1:
the demo users the other cases rely on are never locked out.
"""

import base64
import os
import re
import statistics
import threading

from lib import (B64_TYPE, Hub, PASSWORD, RUN_ID, SoapResult, check, check_fault, envelope,
                 expect_ok, http_request, make_user, metric_sum, metrics, now_created, op_body, soap_call,
                 source_addr, wsse_digest, wsse_text)
from suite import case

READ_OP = ("ListOrders", "<e:limit>1</e:limit>")
# Source addresses of their own for the cases that fail logins of demo users on purpose:
# failures are counted per user and address, and 127.0.0.1 must stay clear for the others.
SRC_PLAIN = source_addr(7)
SRC_DIGEST = source_addr(8)


def call(h, user, password, kind, source=None, op=READ_OP):
    return soap_call(h, op[0], op[1], auth=(user, password, kind), source=source)


def digest_call(h, header, source=None):
    body = envelope(op_body(*READ_OP), header)
    r = http_request(h, body=body, headers=[("Content-Type", "text/xml; charset=utf-8")],
                     source=source, timeout=30, check_close=False)
    return SoapResult(r)


@case("auth", "plaintext-refused-without-tls")
def _(ctx):
    strict = ctx.hub("strict")
    for kind in ("text", "basic"):
        res = call(strict, "buyer1", PASSWORD, kind, source=SRC_PLAIN)
        f = check_fault(res, "AUTH_FAILED", max_seconds=5)
        ctx.note(f"{kind} without TLS: {f['message']}")
    # The right password and a wrong one get the same refusal (no oracle without TLS).
    right = call(strict, "buyer1", PASSWORD, "basic", source=SRC_PLAIN).fault
    wrong = call(strict, "buyer1", "not-the-password", "basic", source=SRC_PLAIN).fault
    check(right["message"] == wrong["message"],
          f"right and wrong password answered differently without TLS: {right} / {wrong}")
    # PasswordDigest is fine without TLS; and with the setting on, both plaintext forms work.
    expect_ok(call(strict, "buyer1", PASSWORD, "digest", source=SRC_PLAIN),
              "PasswordDigest without TLS")
    plain = ctx.hub("plain")
    for kind in ("text", "basic"):
        expect_ok(call(plain, "buyer1", PASSWORD, kind), f"{kind} with EOS_ALLOW_PLAINTEXT_AUTH=1")


@case("auth", "no-credentials-and-bad-tokens")
def _(ctx):
    strict = ctx.hub("strict")
    check_fault(soap_call(strict, *READ_OP, auth=None), "AUTH_REQUIRED")
    user = "buyer1"
    bad_tokens = {
        "short nonce": wsse_digest(user, PASSWORD, nonce=b"1234567"),
        "empty digest": re.sub(r'(#PasswordDigest">)[^<]*', r"\1", wsse_digest(user, PASSWORD)),
        "no nonce": re.sub(r"<wsse:Nonce[^>]*>[^<]*</wsse:Nonce>", "",
                           wsse_digest(user, PASSWORD)),
        "no Created": re.sub(r"<wsu:Created>[^<]*</wsu:Created>", "",
                             wsse_digest(user, PASSWORD)),
        "unknown password type": wsse_digest(user, PASSWORD).replace("#PasswordDigest",
                                                                     "#PasswordPlain"),
        "garbage Created": wsse_digest(user, PASSWORD, created="yesterday"),
    }
    for label, header in bad_tokens.items():
        res = digest_call(strict, header, source=source_addr(9))
        try:
            check_fault(res, {"AUTH_FAILED", "AUTH_REQUIRED"}, max_seconds=5)
        except Exception as e:
            raise type(e)(f"{label}: {e}") from None


@case("auth", "digest-nonce-replay-refused-across-hubs")
def _(ctx):
    a = ctx.hub("strict")
    b = Hub("strict-b", EOS_THREADS=2)
    try:
        # Used on A first, then replayed on A and on B.
        header = wsse_digest("buyer1", PASSWORD)
        expect_ok(digest_call(a, header, SRC_DIGEST), "first use of a fresh nonce on hub A")
        check_fault(digest_call(a, header, SRC_DIGEST), "AUTH_FAILED")
        check_fault(digest_call(b, header, SRC_DIGEST), "AUTH_FAILED")
        # Used on B first, then replayed on A.
        header = wsse_digest("buyer1", PASSWORD)
        expect_ok(digest_call(b, header, SRC_DIGEST), "first use of a fresh nonce on hub B")
        check_fault(digest_call(a, header, SRC_DIGEST), "AUTH_FAILED")
        # The same nonce with a new Created (and so a new digest) is still a replay.
        nonce = os.urandom(16)
        expect_ok(digest_call(a, wsse_digest("buyer1", PASSWORD, nonce=nonce,
                                             created=now_created(-5)), SRC_DIGEST), "nonce N")
        check_fault(digest_call(b, wsse_digest("buyer1", PASSWORD, nonce=nonce,
                                               created=now_created()), SRC_DIGEST), "AUTH_FAILED")
    finally:
        status = b.stop()
    check(status == 0, f"hub B exit status {status}")


@case("auth", "text-token-with-nonce-and-created-is-not-replayable")
def _(ctx):
    # SoapUI adds Nonce and Created to PasswordText tokens: when present they hold as for a
    # digest (a replay or an old Created is refused); a bare text token still works.
    h = ctx.hub("plain")

    def text_call(nonce=None, created=None):
        extra = ""
        if nonce is not None:
            extra += (f'<wsse:Nonce EncodingType="{B64_TYPE}">'
                      f'{base64.b64encode(nonce).decode()}</wsse:Nonce>')
        if created is not None:
            extra += f"<wsu:Created>{created}</wsu:Created>"
        header = wsse_text("buyer1", PASSWORD).replace("</wsse:UsernameToken>",
                                                       extra + "</wsse:UsernameToken>")
        return digest_call(h, header, SRC_DIGEST)

    expect_ok(text_call(), "a bare PasswordText token")
    nonce = os.urandom(16)
    expect_ok(text_call(nonce, now_created()), "a fresh nonce and Created")
    check_fault(text_call(nonce, now_created()), "AUTH_FAILED")
    check_fault(text_call(os.urandom(16), now_created(-3600)), "AUTH_FAILED")
    expect_ok(text_call(created=now_created(-10)), "a recent Created without a nonce")
    check_fault(text_call(created=now_created(-3600)), "AUTH_FAILED")


@case("auth", "digest-created-skew")
def _(ctx):
    h = ctx.hub("strict")
    for offset, ok in ((-240, True), (30, True), (-330, False), (-3600, False), (150, False),
                       (86400, False)):
        res = digest_call(h, wsse_digest("buyer1", PASSWORD, created=now_created(offset)),
                          SRC_DIGEST)
        if ok:
            expect_ok(res, f"Created {offset:+d}s")
        else:
            try:
                check_fault(res, "AUTH_FAILED")
            except Exception as e:
                raise type(e)(f"Created {offset:+d}s: {e}") from None
    # A digest whose Created is old is refused even when its nonce was never seen.
    res = digest_call(h, wsse_digest("buyer1", PASSWORD, created="2001-01-01T00:00:00Z"),
                      SRC_DIGEST)
    check_fault(res, "AUTH_FAILED")


@case("auth", "unknown-user-and-wrong-password-alike")
def _(ctx):
    h = ctx.hub("plain")
    user = make_user(f"sec-time-{RUN_ID}"[:60])
    # Failures are counted per user and address: these come from an address of their own.
    src = source_addr(2)
    # Warm up: the dummy hash is made on first need.
    call(h, f"nobody-{RUN_ID}", "x", "basic", source=src)
    unknown, wrong, faults = [], [], {}
    for i in range(9):  # under the default lockout threshold of 10 per user and address
        for label, u in (("unknown", f"nobody-{RUN_ID}-{i}"), ("wrong", user)):
            res = call(h, u, f"wrong-{i}", "basic", source=src)
            f = check_fault(res, "AUTH_FAILED", max_seconds=10)
            faults.setdefault(label, set()).add(
                (res.resp.status, f["faultcode"], f["faultstring"], f["message"], f["field"],
                 f["retryable"], len(res.resp.body)))
            (unknown if label == "unknown" else wrong).append(res.resp.elapsed)
    check(faults["unknown"] == faults["wrong"],
          f"different answers: unknown user {faults['unknown']} / wrong password "
          f"{faults['wrong']}")
    mu, mw = statistics.median(unknown), statistics.median(wrong)
    ctx.note(f"median unknown user {mu * 1000:.0f} ms, wrong password {mw * 1000:.0f} ms "
             f"(9 tries each)")
    check(abs(mu - mw) <= max(0.05, 0.5 * max(mu, mw)),
          f"timing differs: unknown user {mu * 1000:.0f} ms vs wrong password "
          f"{mw * 1000:.0f} ms (medians of 9)")
    # The digest path too: unknown user and wrong password answer alike.
    f1 = check_fault(digest_call(h, wsse_digest(f"nobody-{RUN_ID}", "x"), source=src),
                     "AUTH_FAILED")
    f2 = check_fault(digest_call(h, wsse_digest(user, "wrong"), source=source_addr(3)),
                     "AUTH_FAILED")
    check(f1 == f2, f"digest: unknown user {f1} vs wrong password {f2}")


@case("auth", "lockout-holds-while-the-password-is-cached")
def _(ctx):
    # The owner's verified password sits in the hub's cache; someone guessing from another
    # address, once locked out, must be refused even when a guess is right (else the cache
    # tells them which guess was).
    owner, guesser = source_addr(9), source_addr(10)
    h = Hub("cached", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_AUTH_MAX_FAILURES=2, EOS_AUTH_LOCKOUT=300,
            EOS_AUTH_CACHE_TTL=300)
    try:
        user = make_user(f"sec-cache-{RUN_ID}"[:60])
        expect_ok(call(h, user, PASSWORD, "basic", source=owner), "the owner")
        for i in range(2):
            check_fault(call(h, user, f"guess-{i}", "basic", source=guesser), "AUTH_FAILED",
                        max_seconds=10)
        check_fault(call(h, user, PASSWORD, "basic", source=guesser), "AUTH_FAILED",
                    max_seconds=10)
        expect_ok(call(h, user, PASSWORD, "basic", source=owner), "the owner, still cached")
    finally:
        status = h.stop()
    check(status == 0, f"hub exited {status}")


@case("auth", "lockout-behind-a-trusted-proxy-counts-the-client")
def _(ctx):
    # Behind HAProxy every caller comes from the proxy's address: the lockout must count the
    # client the proxy names (the last X-Forwarded-For entry), or one caller's wrong
    # passwords lock everyone out. From an address that is not a trusted proxy the header
    # is the client's word and changes nothing.
    proxy, stranger = source_addr(7), source_addr(8)
    h = Hub("proxied", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_AUTH_MAX_FAILURES=2, EOS_AUTH_LOCKOUT=300,
            EOS_TRUSTED_PROXIES=f"10.9.9.9, {proxy}")
    try:
        user = make_user(f"sec-proxy-{RUN_ID}"[:60])

        def via(addr, client, password):
            xff = [("X-Forwarded-For", f"198.51.100.77, {client}")]
            return soap_call(h, READ_OP[0], READ_OP[1], auth=(user, password, "basic"),
                             source=addr, extra_headers=xff)

        for i in range(2):
            check_fault(via(proxy, "203.0.113.1", f"guess-{i}"), "AUTH_FAILED", max_seconds=10)
        check_fault(via(proxy, "203.0.113.1", PASSWORD), "AUTH_FAILED", max_seconds=10)
        expect_ok(via(proxy, "203.0.113.2", PASSWORD), "another client behind the same proxy")
        # Not a trusted proxy: counted against its own address, whatever it claims.
        for i in range(2):
            check_fault(via(stranger, "203.0.113.3", f"guess-{i}"), "AUTH_FAILED", max_seconds=10)
        check_fault(via(stranger, "203.0.113.4", PASSWORD), "AUTH_FAILED", max_seconds=10)
        expect_ok(via(proxy, "203.0.113.3", PASSWORD), "the client the stranger named")
    finally:
        status = h.stop()
    check(status == 0, f"hub exited {status}")


@case("auth", "lockout-after-max-failures")
def _(ctx):
    # From an address nothing else uses: earlier cases' failures must not count here.
    src = source_addr(5)
    h = Hub("lockout", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_AUTH_MAX_FAILURES=3, EOS_AUTH_LOCKOUT=300)
    other = None
    try:
        user = make_user(f"sec-lock-{RUN_ID}"[:60])
        m0 = metrics(h)
        for i in range(3):
            check_fault(call(h, user, f"guess-{i}", "basic", source=src), "AUTH_FAILED",
                        max_seconds=10)
        m1 = metrics(h)
        # Locked: the right password is refused, in every form.
        for kind in ("basic", "text", "digest"):
            res = call(h, user, PASSWORD, kind, source=src)
            try:
                f = check_fault(res, "AUTH_FAILED", max_seconds=10)
            except Exception as e:
                raise type(e)(f"right password ({kind}) while locked out: {e}") from None
        ctx.note(f"while locked: {f['message']!r}")
        m2 = metrics(h)
        failures = metric_sum(m1, "eos_auth_failures_total") - metric_sum(
            m0, "eos_auth_failures_total")
        lockouts = metric_sum(m2, "eos_auth_lockouts_total") - metric_sum(
            m1, "eos_auth_lockouts_total")
        check(failures == 3, f"eos_auth_failures_total rose by {failures}, expected 3")
        check(lockouts >= 3, f"eos_auth_lockouts_total rose by {lockouts}, expected 3")
        # Per user and address: another user from there, and this user from elsewhere, pass.
        expect_ok(call(h, "buyer2", PASSWORD, "basic", source=src),
                  "another user from the same address")
        expect_ok(call(h, user, PASSWORD, "basic", source=source_addr(6)),
                  "the same user from another address")
        # The count lives in the database: a second hub process refuses the user too.
        other = Hub("lockout-b", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_AUTH_MAX_FAILURES=3,
                    EOS_AUTH_LOCKOUT=300)
        check_fault(call(other, user, PASSWORD, "basic", source=src), "AUTH_FAILED",
                    max_seconds=10)
    finally:
        status = h.stop()
        status_b = other.stop() if other else 0
    check(status == 0 and status_b == 0, f"hub exit status {status}/{status_b}")


@case("auth", "lockout-holds-against-parallel-guesses")
def _(ctx):
    # Eight wrong passwords at once from one address, on a hub with 8 workers and a limit of
    # 3: every guess in flight takes a place under the limit before its password is checked,
    # so exactly 3 are checked; the others are refused as locked out, and so is the right
    # password after them. (Counting every guess and taking the extra ones back once let
    # the extras take back places that checked guesses had counted: 2 checked, then the
    # right password let in.)
    src = source_addr(11)
    h = Hub("lockout-parallel", EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_AUTH_MAX_FAILURES=3,
            EOS_AUTH_LOCKOUT=300, EOS_THREADS=8)
    try:
        user = make_user(f"sec-plock-{RUN_ID}"[:60])
        results = [None] * 8

        def guess(i):
            results[i] = call(h, user, f"guess-{i}", "basic", source=src)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        messages = [check_fault(r, "AUTH_FAILED", max_seconds=30)["message"] for r in results]
        checked = sum(1 for m in messages if "too many failed attempts" not in m)
        ctx.note(f"8 parallel guesses, limit 3: {checked} checked, {8 - checked} locked out")
        check(checked == 3, f"{checked} of 8 parallel guesses had their password checked, "
                            f"for a limit of 3")
        check_fault(call(h, user, PASSWORD, "basic", source=src), "AUTH_FAILED", max_seconds=10)
    finally:
        status = h.stop()
    check(status == 0, f"hub exit status {status}")
