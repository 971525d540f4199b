-- The hand-written SQL job a user would schedule instead of meter-sync: upsert
-- the tenant's rows through postgres_fdw, then deactivate the local meters that
-- disappeared remotely; one transaction. psql variables: tenant, remote_id (the
-- remote id as the local id's type: r.id, or r.id::varchar when they differ).
\set ON_ERROR_STOP on
BEGIN;
-- enough memory to hash the remote ids (else NOT IN rescans the remote per row)
SET LOCAL work_mem = '64MB';
-- values converted to a local varchar column as meter-sync converts them
SET LOCAL timezone = 'UTC';
SET LOCAL datestyle = 'ISO, YMD';

INSERT INTO meter (id, name, type, serial_number, installation_date, device_id,
                   location_id, ip, port, protocol, status, register_map, notes,
                   active, created_at, updated_at)
SELECT id, name, type, serial_number, installation_date, device_id,
       location_id, ip, port, protocol, status, register_map::jsonb, notes,
       active, created_at, updated_at
FROM remote_meter
WHERE tenant_id = :tenant
ON CONFLICT (id) DO UPDATE SET
  name = EXCLUDED.name, type = EXCLUDED.type, serial_number = EXCLUDED.serial_number,
  installation_date = EXCLUDED.installation_date, device_id = EXCLUDED.device_id,
  location_id = EXCLUDED.location_id, ip = EXCLUDED.ip, port = EXCLUDED.port,
  protocol = EXCLUDED.protocol, status = EXCLUDED.status,
  register_map = EXCLUDED.register_map, notes = EXCLUDED.notes,
  active = EXCLUDED.active, created_at = EXCLUDED.created_at,
  updated_at = EXCLUDED.updated_at
WHERE (meter.name, meter.type, meter.serial_number, meter.installation_date,
       meter.device_id, meter.location_id, meter.ip, meter.port, meter.protocol,
       meter.status, meter.register_map, meter.notes, meter.active,
       meter.created_at, meter.updated_at)
  IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.type, EXCLUDED.serial_number, EXCLUDED.installation_date,
       EXCLUDED.device_id, EXCLUDED.location_id, EXCLUDED.ip, EXCLUDED.port,
       EXCLUDED.protocol, EXCLUDED.status, EXCLUDED.register_map, EXCLUDED.notes,
       EXCLUDED.active, EXCLUDED.created_at, EXCLUDED.updated_at);

-- NOT IN (hashed subplan) rather than NOT EXISTS: a join against the foreign
-- table makes postgres_fdw fetch whole remote rows again (row marks for UPDATE);
-- the subplan fetches only the ids. The remote id is its primary key: never null.
UPDATE meter SET active = false
WHERE active
  AND id NOT IN (SELECT :remote_id FROM remote_meter r WHERE r.tenant_id = :tenant);
COMMIT;
