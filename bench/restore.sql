-- Undo scenario 3 on the remote: bring the tenant's rows back to bench.meter_base
-- touching only the rows that differ. psql variable: tenant.
\set ON_ERROR_STOP on
BEGIN;
DELETE FROM meter m
WHERE m.tenant_id = :tenant
  AND NOT EXISTS (SELECT 1 FROM bench.meter_base b WHERE b.id = m.id);
DELETE FROM meter m USING bench.meter_base b
WHERE m.id = b.id AND m::text <> b::text;
INSERT INTO meter SELECT b.* FROM bench.meter_base b
WHERE NOT EXISTS (SELECT 1 FROM meter m WHERE m.id = b.id);
COMMIT;
-- the whole database: in the view scenario `meter` is bench.meter, a view
VACUUM ANALYZE;
