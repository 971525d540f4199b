#!/usr/bin/env bash
# The main job end to end on a throwaway PostgreSQL 15 cluster with demo data:
# installs what is missing, builds, creates a `remote` (Client System) and a `local` (Sync)
# database with three tenants and a few dozen meters, syncs, changes the remote (one new,
# one edited, one deleted meter), syncs again, shows the status, stops the cluster.
set -euo pipefail
. "$(dirname "$0")/common.sh"
install_deps
build >/dev/null
start_cluster
createdb local
createdb remote

psql -q -v ON_ERROR_STOP=1 -d remote <<'SQL'
CREATE TABLE meter (
  id integer PRIMARY KEY, tenant_id integer NOT NULL, name text NOT NULL, type text NOT NULL,
  serial_number text, installation_date date, device_id integer, location_id integer, ip text,
  port integer, protocol text, status text NOT NULL, register_map json, notes text,
  active boolean, created_at timestamptz, updated_at timestamptz);
INSERT INTO meter
SELECT g, 1 + g % 3, 'Meter ' || g, (ARRAY['electricity', 'gas', 'water'])[1 + g % 3],
       'SN-' || lpad(g::text, 6, '0'), date '2023-01-01' + g, 100 + g, 1 + g % 5,
       '10.1.0.' || g, 502, 'modbus-tcp', 'online',
       json_build_object('voltage', json_build_array(40001, 2), 'current', json_build_array(40003, 2)),
       CASE WHEN g % 7 = 0 THEN 'roof, "north" side' END, true,
       now() - interval '30 days', now() - interval '1 day'
FROM generate_series(1, 72) g;
SQL
psql -q -v ON_ERROR_STOP=1 -d local <<'SQL'
CREATE TABLE tenant (id integer PRIMARY KEY, name text);
INSERT INTO tenant VALUES (1, 'Demo tenant');
-- The types deployed Sync databases have (ids, ports, timestamps as varchar): each remote
-- value is converted to the local column's type and compared in it.
CREATE TABLE meter (
  id varchar(255) PRIMARY KEY, name text NOT NULL, type text NOT NULL, serial_number text,
  installation_date varchar(50), device_id varchar(255), location_id varchar(255), ip text,
  port varchar(10), protocol text, status text NOT NULL, register_map jsonb, notes text,
  active boolean, created_at varchar(50), updated_at varchar(50));
SQL

export METER_SYNC_LOCAL_DB="host=$PGHOST port=$PGPORT user=$PGUSER dbname=local"
export METER_SYNC_REMOTE_DB="host=$PGHOST port=$PGPORT user=$PGUSER dbname=remote"
ms() {
  local rc=0
  echo "\$ meter-sync $*"
  "$BUILD_DIR/meter-sync" "$@" || rc=$?
  echo "(exit $rc)"
  echo
}

echo "== remote: 72 meters of 3 tenants; local tenant is 1 (24 meters); local ids, ports, timestamps are varchar"
ms status
ms run
ms run
echo "== remote changes: meter 1000 added, meter 3 renamed, meter 6 deleted"
psql -q -d remote -c "INSERT INTO meter (id, tenant_id, name, type, status, port, register_map, active, created_at, updated_at)
                      VALUES (1000, 1, 'New meter', 'electricity', 'online', 502, '{\"voltage\": [40001, 2]}', true, now(), now());
                      UPDATE meter SET name = 'Meter 3 (renamed)', updated_at = now() WHERE id = 3;
                      DELETE FROM meter WHERE id = 6;"
ms run --dry-run
ms run --json
ms status
ms status --json
