#!/usr/bin/env python3
"""run.py - EOS Hub's security suite (issue 8): hostile input, limits, authentication,
authorization, TLS, database faults, crash safety and shutdown.

Started by scripts/run-tests with EOS_TEST_BUILD, EOS_TEST_VAR, EOS_DB_* (the fresh
eoshub_test database with the demo data) and EOS_SECRET_KEY_FILE; run by hand it takes
the same defaults (build/asan, var/test, the private MariaDB's eoshub_test):

    python3 tests/security/run.py              # every case
    python3 tests/security/run.py -k input/    # cases whose group/name contains the text
    python3 tests/security/run.py --list

Starts its own eos-hub processes on free ports (logs: $EOS_TEST_VAR/security-*.log) and,
for the database-fault case, its own MariaDB server under $EOS_TEST_VAR/security-db (so
the shared one is never stopped). Prints one line per case; exits 1 if any case failed.
"""

import argparse
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lib  # noqa: E402
from lib import Fail, Hub, Skip  # noqa: E402
import suite  # noqa: E402
from suite import CASES, KNOWN_GAPS, Context  # noqa: E402

# Registration order is run order: the disruptive groups come last.
import cases_input  # noqa: E402,F401
import cases_text  # noqa: E402,F401
import cases_limits  # noqa: E402,F401
import cases_auth  # noqa: E402,F401
import cases_authz  # noqa: E402,F401
import cases_tls  # noqa: E402,F401
import cases_shutdown  # noqa: E402,F401
import cases_crash  # noqa: E402,F401
import cases_db  # noqa: E402,F401


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", action="append", default=[], help="run cases whose id contains this")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="print tracebacks")
    args = ap.parse_args()

    selected = [(g, n, f) for g, n, f in CASES
                if not args.k or any(k in f"{g}/{n}" for k in args.k)]
    if args.list:
        for g, n, _ in selected:
            print(f"{g}/{n}")
        return 0
    lib.defaults_from_checkout()
    hub_bin = lib.build_path("eos-hub")
    if not os.access(hub_bin, os.X_OK):
        print(f"security: no eos-hub in {os.environ['EOS_TEST_BUILD']} (build it first)")
        return 2

    # Fresh hub logs for this run.
    for name in os.listdir(os.environ["EOS_TEST_VAR"]):
        if name.startswith("security-") and name.endswith(".log"):
            os.remove(os.path.join(os.environ["EOS_TEST_VAR"], name))
    ctx = Context(verbose=args.verbose)
    results = {"ok": 0, "FAIL": 0, "ERROR": 0, "skip": 0, "gap": 0, "FIXED": 0}
    failed = []
    start_all = time.monotonic()
    print(f"security: {len(selected)} cases, hub {hub_bin}, database "
          f"{os.environ.get('EOS_DB_NAME')}, logs {os.environ['EOS_TEST_VAR']}/security-*.log",
          flush=True)
    try:
        for group, name, fn in selected:
            ctx.notes = []
            start = time.monotonic()
            try:
                fn(ctx)
                status, detail = "ok", ""
            except Skip as e:
                status, detail = "skip", str(e)
            except Fail as e:
                status, detail = "FAIL", str(e)
            except Exception as e:  # noqa: BLE001 - an error in the case itself
                status, detail = "ERROR", f"{type(e).__name__}: {e}"
                if args.verbose:
                    traceback.print_exc()
            took = time.monotonic() - start
            gap = KNOWN_GAPS.get(f"{group}/{name}")
            if gap and status == "FAIL":
                status, detail = "gap", f"{detail} [known: {gap}]"
            elif gap and status == "ok":
                status, detail = "FIXED", "passes now: take it off KNOWN_GAPS in suite.py"
            results[status] += 1
            line = f"{status:<5} {group}/{name} ({took:.2f}s)"
            if detail:
                line += f": {detail}"
            print(line, flush=True)
            for n in ctx.notes:
                print(f"        {n}", flush=True)
            if status in ("FAIL", "ERROR"):
                failed.append(f"{group}/{name}")
        # The shared hubs must stop cleanly: exit 0 after SIGTERM, which also means no
        # sanitizer report (run-tests makes those exit 23).
        start = time.monotonic()
        statuses = ctx.stop_all()
        bad = {k: v for k, v in statuses.items() if v != 0}
        status = "FAIL" if bad else "ok"
        results[status] += 1
        detail = f": exit status {bad} (see the hubs' logs)" if bad else ""
        print(f"{status:<5} hubs/shared-hubs-exit-cleanly ({time.monotonic() - start:.2f}s)"
              f"{detail}", flush=True)
        if bad:
            failed.append("hubs/shared-hubs-exit-cleanly")
    finally:
        Hub.kill_all()
    total = time.monotonic() - start_all
    print(f"security: {results['ok'] + results['FIXED']} passed, {results['FAIL']} failed, "
          f"{results['ERROR']} errors, {results['skip']} skipped, {results['gap']} known gaps "
          f"in {total:.1f}s")
    if failed:
        print("security: failed: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
