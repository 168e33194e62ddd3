"""hubproc.py - what the Python tests that start their own hub share: an eos-hub process on a
free port, a zeep client of it, and reading the contract's code out of a SOAP fault.

Used by the tests of tests/interop/ and by tests/examples/test_examples.py (which puts this
folder on sys.path). Each test starts its own hub, with its own log file and settings, and at
the end stops it with SIGTERM and checks that it exited cleanly.

Environment: scripts/run-tests sets EOS_TEST_BUILD (its BUILD_DIR, whose eos-hub is started),
EOS_TEST_VAR (var/test, where the hub's log goes; the system's temporary directory without it),
and, passed through to the hub, EOS_DB_* (the test database, eoshub_test),
EOS_SECRET_KEY_FILE (the key sealing the demo passwords for PasswordDigest), ASAN_OPTIONS and
UBSAN_OPTIONS. EOS_DEMO_PASSWORD is the demo users' password, "demo-pass" without it.
zeep is needed only by Hub.client(), so test_examples.py runs without it.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time

NS = "{urn:eoshub:v1}"
PASSWORD = os.environ.get("EOS_DEMO_PASSWORD") or "demo-pass"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """An eos-hub process on a free port, stopped with SIGTERM.

    log_name: the file in EOS_TEST_VAR that gets the hub's stdout and stderr. plaintext: whether
    the hub accepts PasswordText and HTTP Basic (EOS_ALLOW_PLAINTEXT_AUTH); threads: EOS_THREADS;
    env: the environment to start it in (this process's by default), EOS_PORT and those two
    added. Raises RuntimeError if the hub exits, or does not listen after 300 tries 50 ms apart;
    it is then not left running.
    """

    def __init__(self, log_name, plaintext=True, threads=4, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/eos"
        env = dict(os.environ if env is None else env, EOS_PORT=str(self.port),
                   EOS_ALLOW_PLAINTEXT_AUTH="1" if plaintext else "0", EOS_THREADS=str(threads))
        log_dir = os.environ.get("EOS_TEST_VAR") or tempfile.gettempdir()
        self.log = open(os.path.join(log_dir, log_name), "w")
        self.proc = subprocess.Popen([os.path.join(os.environ["EOS_TEST_BUILD"], "eos-hub")],
                                     env=env, stdout=self.log, stderr=self.log)
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        raise RuntimeError("eos-hub did not start")

    def stop(self):
        """Sends SIGTERM and returns the hub's exit status (0 when it shut down cleanly)."""
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=30)
        self.log.close()
        return status

    def client(self, user=None, password=PASSWORD, digest=False):
        """A zeep client built from this hub's ?wsdl. With user, every request carries a
        WS-Security UsernameToken: PasswordDigest (a fresh nonce and Created each time) if
        digest, PasswordText otherwise."""
        import zeep  # here, not at the top: test_examples.py imports this module without zeep
        from zeep.wsse.username import UsernameToken

        wsse = UsernameToken(user, password, use_digest=digest) if user else None
        return zeep.Client(self.url + "?wsdl", wsse=wsse)


def fault_code(fault):
    """The <eos:error><code> of a zeep Fault, None if its detail has none."""
    detail = fault.detail
    code = detail.find(f"{NS}error/{NS}code") if detail is not None else None
    return code.text if code is not None else None
