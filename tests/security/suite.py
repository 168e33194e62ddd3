"""suite.py - the case registry and the hubs the cases share.

A case is a function taking the Context, registered with @case(group, name). It passes
by returning, fails by raising lib.Fail (any other exception is reported as an error),
and skips by raising lib.Skip. Hubs shared by several cases are started on first use
(ctx.hub(kind)) and stopped at the end, where their exit status is checked too.
"""

import time

from lib import Fail, Hub, healthz

CASES = []


def case(group, name):
    def register(fn):
        CASES.append((group, name, fn))
        return fn
    return register


# Cases that fail today for a reason the project knows and has not fixed yet, with the
# reason: they still run and print "gap" (or "FIXED" once they pass, to be taken off the
# list), and do not fail the run. Every entry is a promise in an open issue.
KNOWN_GAPS = {
}


# The shared hubs: settings by kind.
HUB_KINDS = {
    # Plaintext allowed on loopback (what `make run` does): most input cases use Basic.
    "plain": dict(EOS_ALLOW_PLAINTEXT_AUTH=1, EOS_THREADS=4),
    # The default: passwords in clear text refused without TLS.
    "strict": dict(EOS_THREADS=2),
}


class Context:
    def __init__(self, verbose=False):
        self.hubs = {}
        self.verbose = verbose
        self.notes = []
        self.stopped_status = {}

    def hub(self, kind):
        h = self.hubs.get(kind)
        if h is None or not h.alive():
            if h is not None:
                raise Fail(f"the shared hub '{kind}' died earlier (exit {h.proc.returncode}, "
                           f"log {h.log_path})")
            h = Hub(kind, **HUB_KINDS[kind])
            self.hubs[kind] = h
        return h

    def note(self, text):
        """A remark printed under the case's result line (measurements, what was seen)."""
        self.notes.append(text)

    def require_healthy(self, kind="plain"):
        h = self.hub(kind)
        ok, r = healthz(h)
        if not ok:
            raise Fail(f"hub '{kind}' no longer answers /healthz: {r!r}")

    def stop_all(self):
        """Stops the shared hubs; returns {kind: exit status}."""
        out = {}
        for kind, h in self.hubs.items():
            out[kind] = h.stop()
        self.hubs = {}
        return out


def timed(fn, *args, **kwargs):
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - start
