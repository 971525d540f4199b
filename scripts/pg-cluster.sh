#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the demo, the tests and the benchmark.
#   scripts/pg-cluster.sh start DIR   -> initdb + start; prints "export PGHOST=... PGPORT=... PGUSER=..."
#   scripts/pg-cluster.sh stop DIR    -> stop and delete DIR
# initdb refuses to run as root, so as root the cluster runs as the system user
# "meter-sync-pg" (created on first use). Connections: TCP 127.0.0.1, trust auth,
# superuser "postgres". fsync is off: the data is thrown away anyway.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
CLUSTER_USER=meter-sync-pg

as_cluster_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$CLUSTER_USER" -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

start() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id -u "$CLUSTER_USER" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$CLUSTER_USER"
    chown "$CLUSTER_USER" "$dir"
    # every parent must be traversable by the cluster user
    local p=$dir
    while [ "$p" != / ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
  fi
  local port
  port=$(free_port)
  as_cluster_user "$PGBIN/initdb" -D "$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  mkdir -p "$dir/sock" && { [ "$(id -u)" != 0 ] || chown "$CLUSTER_USER" "$dir/sock"; }
  as_cluster_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
        -c shared_buffers=256MB" ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres"
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] && as_cluster_user "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -s stop || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 64 ;;
esac
