#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: installs what is missing, builds,
# starts a throwaway PostgreSQL 15 cluster, runs ctest, stops the cluster.
# Extra arguments go to ctest (e.g. scripts/test.sh -L unit).
set -euo pipefail
. "$(dirname "$0")/common.sh"
install_deps
build -DMETER_SYNC_WERROR=ON
start_cluster
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 1200 "$@"
