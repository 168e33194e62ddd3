#!/usr/bin/env bash
# tests/bench/test_bench.sh - eos-bench runs every scenario against a real hub and prints its
# table. Correctness only, never speed: a few seconds per scenario at 3 clients, on whatever
# build it is given (the sanitizer build under `make test`).
#
# Environment (set by scripts/run-tests):
#   EOS_TEST_BUILD  directory of eos-hub, eos-bench and eos-bench-echo
#   EOS_TEST_VAR    scratch directory for logs and port files
#   EOS_DB_*        the migrated test database (eoshub_test)
# The bench's own seller BT, buyers BT01..BT03 (users bt01..bt03, bt-erp) and products
# BT-00001..BT-00500 are added to that database (eos-bench setup, idempotent), and its orders
# are theirs alone: the demo parties and other suites' data are not touched.
#
# Checks: `eos-bench suite` exits 0 (every request of every scenario succeeded, the preloads
# worked) and its table has a row for every scenario and nothing marked "not run".
# Exit status 0 on success, 1 on failure (the reason on stderr).
set -uo pipefail

BUILD=${EOS_TEST_BUILD:?run through scripts/run-tests (EOS_TEST_BUILD)}
VAR=${EOS_TEST_VAR:?run through scripts/run-tests (EOS_TEST_VAR)}
: "${EOS_DB_NAME:?run through scripts/run-tests (EOS_DB_*)}"
PREFIX=BT
BUYERS=3
OUT=$VAR/test_bench.out
HUB_LOG=$VAR/test_bench-hub.log
ECHO_LOG=$VAR/test_bench-echo.log
HUB_PID=
ECHO_PID=

fail() {
    echo "test_bench: $*" >&2
    exit 1
}

port_taken() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        port_taken "$p" || {
            echo "$p"
            return 0
        }
    done
    return 1
}

http_ok() {
    local reply=
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    IFS= read -r -t 5 reply <&3 || true
    exec 3<&- 3>&-
    [[ $reply == "HTTP/1.1 200"* ]]
}

db_sql() {
    local args=(--no-defaults -u "$EOS_DB_USER" "-p$EOS_DB_PASSWORD" --batch --skip-column-names)
    if [[ -n ${EOS_DB_SOCKET:-} ]]; then
        args+=(--socket="$EOS_DB_SOCKET")
    else
        args+=(--host="$EOS_DB_HOST" --port="${EOS_DB_PORT:-3306}")
    fi
    mariadb "${args[@]}" "$EOS_DB_NAME" -e "$1"
}

stop() {
    local pid=$1 name=$2 status=0
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    wait "$pid" || status=$?
    # Not this test's verdict (the hub's own suites judge its exit), but worth seeing.
    ((status == 0)) || echo "test_bench: warning: $name exited with status $status" >&2
}

cleanup() {
    stop "$HUB_PID" "eos-hub (log $HUB_LOG)"
    stop "$ECHO_PID" "eos-bench-echo (log $ECHO_LOG)"
}
trap cleanup EXIT

for exe in eos-hub eos-bench eos-bench-echo; do
    [[ -x $BUILD/$exe ]] || fail "$BUILD/$exe missing (make MODE=... test-binaries builds it)"
done
mkdir -p "$VAR"

"$BUILD/eos-bench" setup --prefix="$PREFIX" --buyers="$BUYERS" --products=500 ||
    fail "eos-bench setup failed"

rm -f "$VAR/test_bench-echo.port"
"$BUILD/eos-bench-echo" --port=0 --port-file="$VAR/test_bench-echo.port" >"$ECHO_LOG" 2>&1 &
ECHO_PID=$!
for _ in $(seq 100); do
    [[ -s $VAR/test_bench-echo.port ]] && break
    kill -0 "$ECHO_PID" 2>/dev/null || fail "eos-bench-echo did not start (see $ECHO_LOG)"
    sleep 0.1
done
ECHO_PORT=$(<"$VAR/test_bench-echo.port") || fail "eos-bench-echo wrote no port"

for attempt in 1 2 3; do
    HUB_PORT=$(free_port) || fail "no free port"
    EOS_HOST=127.0.0.1 EOS_PORT=$HUB_PORT EOS_THREADS=4 EOS_ALLOW_PLAINTEXT_AUTH=1 \
        "$BUILD/eos-hub" 2>"$HUB_LOG" &
    HUB_PID=$!
    for _ in $(seq 300); do
        http_ok "$HUB_PORT" /healthz && break
        kill -0 "$HUB_PID" 2>/dev/null || break
        sleep 0.1
    done
    http_ok "$HUB_PORT" /healthz && break
    stop "$HUB_PID" "eos-hub"
    HUB_PID=
    ((attempt < 3)) || fail "eos-hub did not start (see $HUB_LOG)"
done

# Preload targets above what the database holds, so both preloads add orders.
STORED=$(db_sql "SELECT COUNT(*) FROM purchase_order") || fail "cannot count orders"

"$BUILD/eos-bench" suite --url="http://127.0.0.1:$HUB_PORT/eos" \
    --raw-url="http://127.0.0.1:$ECHO_PORT/eos" --hub-pid="$HUB_PID" \
    --prefix="$PREFIX" --buyers="$BUYERS" --products=500 --threads=3 --lines=5 \
    --seconds=1 --warmup=0.3 --sweep=1,5,50,500 --sweep-seconds=0.5 --sweep-threads=1 \
    --stored-small=$((STORED + 200)) --stored-large=$((STORED + 1200)) --backlog=600 \
    --batch=100 >"$OUT" 2>"$VAR/test_bench.err"
rc=$?
cat "$OUT"
if ((rc != 0)); then
    tail -n 40 "$VAR/test_bench.err" >&2
    fail "eos-bench suite exited $rc (some request failed or a step could not run)"
fi

grep -q '^EOS Hub benchmark, ' "$OUT" || fail "no title line in the table"
grep -q '^scenario .* p99 ms ' "$OUT" || fail "no table header"
for row in 'echo, hub (E)' 'echo, bare gSOAP (R)' 'submit, 5 lines (S)' 'db-submit, 5 lines (D)' \
    'status ' 'submit, 5 lines, large store' 'download (ERP + submitters)' \
    'sweep: submit, 1 line ' 'sweep: submit, 5 lines' 'sweep: submit, 50 lines' \
    'sweep: submit, 500 lines'; do
    grep -qF -- "$row" "$OUT" || fail "no row '$row' in the table"
done
if grep -q 'not run' "$OUT"; then
    fail "a scenario did not run"
fi
grep -q '^  E/R ' "$OUT" || fail "no ratios under the table"
echo "test_bench: every scenario ran without errors"
