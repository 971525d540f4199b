# Shared by scripts/demo.sh, scripts/test.sh and bench/: install, build, throwaway cluster.
# Source it; it defines functions only.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}

install_deps() { "$ROOT/scripts/install-deps.sh"; }

build() {
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

# start_cluster: starts a throwaway cluster in a temp dir, exports PG* and METER_SYNC_TEST_PG,
# and stops it when the calling script exits.
start_cluster() {
  CLUSTER_DIR=$(mktemp -d /tmp/meter-sync-pg.XXXXXX)
  trap 'stop_cluster' EXIT
  eval "$("$ROOT/scripts/pg-cluster.sh" start "$CLUSTER_DIR/pg" | tail -n 1)"
  export METER_SYNC_TEST_PG="host=$PGHOST port=$PGPORT user=$PGUSER"
}

stop_cluster() {
  [ -n "${CLUSTER_DIR:-}" ] || return 0
  "$ROOT/scripts/pg-cluster.sh" stop "$CLUSTER_DIR/pg" || true
  rm -rf "$CLUSTER_DIR"
  CLUSTER_DIR=
}
