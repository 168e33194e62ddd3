#!/usr/bin/env bash
# tests/cluster/run.sh [TEST ARGS...]: what `make cluster-test` runs. Brings up a cluster of its
# own (scripts/cluster up, state in var/cluster-test, ports from 24100: it does not disturb a
# development cluster in var/cluster on 24000), runs tests/cluster/test_cluster.py against it
# (arguments passed on, e.g. --duration 60), then takes the cluster down again, also when the
# test failed (its logs stay in var/cluster-test/log). EOS_CLUSTER_KEEP=1 leaves it running.
# The first run initialises three Galera nodes (a minute or two); later runs reuse them.
# Exit status: the test's (0 all checks held, 1 a violation, 2 the cluster did not come up).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT" || exit 2
export EOS_CLUSTER_VAR=${EOS_CLUSTER_VAR:-$ROOT/var/cluster-test}
export EOS_CLUSTER_PORT_BASE=${EOS_CLUSTER_PORT_BASE:-24100}

started=$SECONDS
if ! scripts/cluster up; then
    echo "cluster-test: scripts/cluster up failed (logs: $EOS_CLUSTER_VAR/log)" >&2
    [[ ${EOS_CLUSTER_KEEP:-0} == 1 ]] || scripts/cluster down >/dev/null 2>&1
    exit 2
fi
up_s=$((SECONDS - started))
python3 tests/cluster/test_cluster.py "$@"
rc=$?
if [[ ${EOS_CLUSTER_KEEP:-0} == 1 ]]; then
    echo "cluster-test: cluster left running (EOS_CLUSTER_VAR=$EOS_CLUSTER_VAR scripts/cluster down)"
else
    scripts/cluster down
fi
echo "cluster-test: $( ((rc == 0)) && echo passed || echo FAILED) in $((SECONDS - started)) s" \
    "(cluster up: ${up_s} s)"
exit $rc
