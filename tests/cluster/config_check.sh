#!/usr/bin/env bash
# tests/cluster/config_check.sh: the short check of scripts/cluster's configuration, part of
# `make test`. Runs `scripts/cluster config` into temporary directories (nothing is started,
# no server is needed) and checks the generated files: every port distinct, the Galera settings
# that matter on every node, HAProxy's hub backends and health check, where each hub's database
# connection goes (route "writer": HAProxy's galera listener; route "node": its own Galera
# node), file modes, that a second run changes nothing, and, where the programs are installed,
# that haproxy -c and my_print_defaults accept the files. Takes a few seconds.
# Exit status 0 when every check held; prints each failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
CLUSTER=$ROOT/scripts/cluster
TMP=$(mktemp -d "${TMPDIR:-/tmp}/eos-cluster-config.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT

failures=0
checks=0
fail() {
    echo "config_check: FAIL: $*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1
    shift
    checks=$((checks + 1))
    "$@" >/dev/null 2>&1 || fail "$what"
}

# value FILE KEY: the value of KEY=... in an ini-style or env file (first occurrence)
value() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# config NAME=VALUE...: scripts/cluster config with its defaults (the caller's EOS_* settings,
# e.g. scripts/run-tests' EOS_DB_NAME, cleared) but for these.
config() {
    local v
    local -a unset=()
    for v in $(compgen -e EOS_); do unset+=(-u "$v"); done
    env "${unset[@]}" "$@" "$CLUSTER" config >/dev/null 2>&1
}

generate() { # generate DIR ROUTE BASE
    config EOS_CLUSTER_VAR="$1" EOS_CLUSTER_DB_ROUTE="$2" EOS_CLUSTER_PORT_BASE="$3" ||
        { fail "scripts/cluster config (route $2) failed"; return 1; }
}

# ports DIR: every port the files make something listen on, one a line
ports() {
    local d=$1 f
    for f in "$d"/db*.cnf; do
        value "$f" port
        sed -n 's/.*gmcast.listen_addr=tcp:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$f"
        sed -n 's/.*ist.recv_addr=127.0.0.1:\([0-9]*\).*/\1/p' "$f"
        sed -n 's/^wsrep_sst_receive_address=127.0.0.1:\([0-9]*\)$/\1/p' "$f"
    done
    for f in "$d"/hub*.env; do
        value "$f" EOS_PORT
    done
    sed -n 's/^ *bind 127.0.0.1:\([0-9]*\).*/\1/p' "$d/haproxy.cfg"
}

check_common() { # check_common DIR ROUTE BASE
    local d=$1 route=$2 base=$3 n f gm addr name p all
    for n in 1 2 3; do
        f=$d/db$n.cnf
        check "db$n.cnf exists, mode 600" test "$(stat -c %a "$f")" = 600
        check "db$n.cnf: binlog_format=ROW" grep -qx 'binlog_format=ROW' "$f"
        check "db$n.cnf: innodb_autoinc_lock_mode=2" grep -qx 'innodb_autoinc_lock_mode=2' "$f"
        check "db$n.cnf: innodb_flush_log_at_trx_commit=1" grep -qx 'innodb_flush_log_at_trx_commit=1' "$f"
        check "db$n.cnf: wsrep_on=ON" grep -qx 'wsrep_on=ON' "$f"
        check "db$n.cnf: wsrep_provider set" grep -q '^wsrep_provider=/.*libgalera_smm.so$' "$f"
        check "db$n.cnf: wsrep_sync_wait=1" grep -qx 'wsrep_sync_wait=1' "$f"
        check "db$n.cnf: mariabackup SST" grep -qx 'wsrep_sst_method=mariabackup' "$f"
        check "db$n.cnf: wsrep_sst_auth has a password" grep -q '^wsrep_sst_auth=eos_sst:[0-9a-f]\{32\}$' "$f"
        check "db$n.cnf: node name db$n" grep -qx "wsrep_node_name=db$n" "$f"
        check "db$n.cnf: SQL port $((base + 20 + n)) on loopback" \
            test "$(value "$f" port)/$(value "$f" bind-address)" = "$((base + 20 + n))/127.0.0.1"
        check "db$n.cnf: its own data directory" test "$(value "$f" datadir)" = "$d/db$n/data"
        check "db$n.cnf: socket under the run directory" test "$(value "$f" socket)" = "$d/run/db$n.sock"
        gm=$(sed -n 's/.*gmcast.listen_addr=tcp:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$f")
        check "db$n.cnf: gmcast port $((base + 30 + n))" test "$gm" = $((base + 30 + n))
        check "db$n.cnf: wsrep_node_address is the gmcast address" \
            test "$(value "$f" wsrep_node_address)" = "127.0.0.1:$gm"
        check "db$n.cnf: IST port $((base + 40 + n))" grep -q "ist.recv_addr=127.0.0.1:$((base + 40 + n));" "$f"
        check "db$n.cnf: SST port $((base + 50 + n))" \
            test "$(value "$f" wsrep_sst_receive_address)" = "127.0.0.1:$((base + 50 + n))"
        addr=$(value "$f" wsrep_cluster_address)
        check "db$n.cnf: cluster address lists the three nodes" \
            test "$addr" = "gcomm://127.0.0.1:$((base + 31)),127.0.0.1:$((base + 32)),127.0.0.1:$((base + 33))"
        name=$(value "$f" wsrep_cluster_name)
        check "db$n.cnf: the cluster's name" test "$name" = "eoshub-$base"
        if command -v my_print_defaults >/dev/null 2>&1; then
            check "db$n.cnf: my_print_defaults reads wsrep_sync_wait" \
                bash -c "my_print_defaults --defaults-file='$f' mysqld | grep -qx -- --wsrep_sync_wait=1"
        fi
    done
    all=$(ports "$d")
    local listeners=2 # HTTP and stats; route "writer" adds the galera listener
    [[ $route == writer ]] && listeners=3
    check "ports: 3 x 4 database ports + 2 hubs + HAProxy's listeners, all present" \
        test "$(wc -l <<<"$all")" -eq $((12 + 2 + listeners))
    check "ports: all distinct ($(tr '\n' ' ' <<<"$all"))" \
        test "$(sort <<<"$all" | uniq -d | wc -l)" -eq 0

    f=$d/haproxy.cfg
    check "haproxy.cfg mode 600" test "$(stat -c %a "$f")" = 600
    check "haproxy.cfg: frontend on $base" grep -q "^ *bind 127.0.0.1:$base\$" "$f"
    check "haproxy.cfg: HTTP mode" grep -q '^ *mode http$' "$f"
    check "haproxy.cfg: one thread" grep -q '^ *nbthread 1$' "$f"
    check "haproxy.cfg: roundrobin" grep -q '^ *balance roundrobin$' "$f"
    check "haproxy.cfg: health check GET /healthz" grep -q '^ *http-check send meth GET uri /healthz$' "$f"
    check "haproxy.cfg: health check expects 200" grep -q '^ *http-check expect status 200$' "$f"
    check "haproxy.cfg: checks enabled on the hubs" grep -q '^ *default-server check inter 1s' "$f"
    check "haproxy.cfg: stats page on $((base + 1))" grep -q "^ *bind 127.0.0.1:$((base + 1))\$" "$f"
    check "haproxy.cfg: retries only on connection failure" grep -q '^ *retry-on conn-failure$' "$f"
    for n in 1 2; do
        p=$(value "$d/hub$n.env" EOS_PORT)
        check "hub$n.env: port $((base + 10 + n))" test "$p" = $((base + 10 + n))
        check "haproxy.cfg: backend server hub$n on its port" grep -q "^ *server hub$n 127.0.0.1:$p\$" "$f"
        check "hub$n.env mode 600" test "$(stat -c %a "$d/hub$n.env")" = 600
        check "hub$n.env: database over TCP on loopback" test "$(value "$d/hub$n.env" EOS_DB_HOST)" = 127.0.0.1
        check "hub$n.env: the hub's database password" \
            test "$(value "$d/hub$n.env" EOS_DB_PASSWORD)" = "$(value "$d/secrets.env" DB_PASSWORD)"
        check "hub$n.env: the secret key file" test "$(value "$d/hub$n.env" EOS_SECRET_KEY_FILE)" = "$d/secret.key"
        check "hub$n.env: HAProxy's address is a trusted proxy" \
            test "$(value "$d/hub$n.env" EOS_TRUSTED_PROXIES)" = 127.0.0.1
    done
    check "secret.key: 64 hex digits, mode 600" \
        bash -c "grep -qx '[0-9a-f]\{64\}' '$d/secret.key' && test \$(stat -c %a '$d/secret.key') = 600"
    check "no placeholder left" bash -c "! grep -l '@[A-Z][A-Z_]*@' '$d'/*.cnf '$d'/*.env '$d/haproxy.cfg'"
    if command -v haproxy >/dev/null 2>&1; then
        check "haproxy -c accepts haproxy.cfg" haproxy -c -q -f "$f"
    fi
}

# --- route "writer" (the default)
W=$TMP/writer
generate "$W" writer 24000 || exit 1
check_common "$W" writer 24000
f=$W/haproxy.cfg
check "writer: galera listener on 24002, TCP" \
    bash -c "sed -n '/^listen galera/,/^\$/p' '$f' | grep -q '^ *bind 127.0.0.1:24002\$'"
check "writer: galera listener is TCP mode" \
    bash -c "sed -n '/^listen galera/,/^\$/p' '$f' | grep -q '^ *mode tcp\$'"
check "writer: one node at a time (stick table of size 1)" \
    bash -c "sed -n '/^listen galera/,/^\$/p' '$f' | grep -q 'stick-table type ip size 1'"
check "writer: external check runs galera-check" grep -q "^ *external-check command $W/galera-check\$" "$f"
check "writer: external checks allowed in global" grep -q '^ *insecure-fork-wanted$' "$f"
check "writer: dead node's sessions closed" grep -q 'on-marked-down shutdown-sessions' "$f"
check "writer: a refused connection marks the node down" \
    bash -c "sed -n '/^listen galera/,/^\$/p' '$f' | grep -q 'observe layer4 error-limit 1 on-error mark-down'"
for n in 1 2 3; do
    check "writer: galera server db$n" grep -q "^ *server db$n 127.0.0.1:$((24020 + n))\$" "$f"
done
for n in 1 2; do
    check "writer: hub$n goes through the galera listener" test "$(value "$W/hub$n.env" EOS_DB_PORT)" = 24002
done
check "writer: galera-check mode 700" test "$(stat -c %a "$W/galera-check")" = 700
check "writer: galera-check parses" sh -n "$W/galera-check"
# shellcheck disable=SC2016 # a literal awk expression
check "writer: galera-check asks for Synced" grep -qF '"wsrep_local_state" && $2 == 4' "$W/galera-check"

# Idempotent: a second run keeps the passwords and writes the same files.
cp -a "$W" "$TMP/writer.before"
generate "$W" writer 24000
check "a second config run changes nothing" diff -r -x '*.lock' -x run -x log "$TMP/writer.before" "$W"

# --- route "node": each hub straight to its own Galera node, no galera listener
N=$TMP/node
generate "$N" node 31000 || exit 1
check_common "$N" node 31000
for n in 1 2; do
    check "node: hub$n on Galera node $n's port" test "$(value "$N/hub$n.env" EOS_DB_PORT)" = $((31020 + n))
done
check "node: the hubs use different Galera nodes" \
    test "$(value "$N/hub1.env" EOS_DB_PORT)" != "$(value "$N/hub2.env" EOS_DB_PORT)"
check "node: no galera listener" bash -c "! grep -q '^listen galera' '$N/haproxy.cfg'"
check "node: no galera-check" test ! -e "$N/galera-check"

# --- settings are checked
check "the defaults are accepted" config EOS_CLUSTER_VAR="$TMP/good"
refused() { ! config "$@"; }
check "a bad route is refused" refused EOS_CLUSTER_VAR="$TMP/bad" EOS_CLUSTER_DB_ROUTE=both
check "a bad port base is refused" refused EOS_CLUSTER_VAR="$TMP/bad" EOS_CLUSTER_PORT_BASE=80

if ((failures)); then
    echo "config_check: $failures of $checks checks failed"
    exit 1
fi
echo "config_check: $checks checks passed"
