-- Remote database of the view scenario, run after gen.sql: the Client System's
-- newer schema. Its meter table `client.meter` has other column names (meter_id,
-- meter_name, meter_type, registers) and the tenants live in `client.tenant`;
-- the view :view (`api.meter` unless BENCH_VIEW says otherwise) joins the two and maps the columns back onto the names
-- meter-sync copies. meter-sync reads it with `--remote-table api.meter`; a view
-- has no xmin. `bench.meter` is a plain (updatable) view with the old names for
-- the harness alone: gen/mutate/restore run with search_path = bench, public.
-- psql variables: tenant, view (the view's name).
\set ON_ERROR_STOP on
CREATE SCHEMA client;
CREATE SCHEMA api;
ALTER TABLE public.meter SET SCHEMA client;
ALTER TABLE client.meter RENAME COLUMN id TO meter_id;
ALTER TABLE client.meter RENAME COLUMN name TO meter_name;
ALTER TABLE client.meter RENAME COLUMN type TO meter_type;
ALTER TABLE client.meter RENAME COLUMN register_map TO registers;

CREATE TABLE client.tenant (
  tenant_id int PRIMARY KEY,
  name text NOT NULL,
  archived boolean NOT NULL DEFAULT false
);
INSERT INTO client.tenant (tenant_id, name)
SELECT DISTINCT tenant_id, 'Tenant ' || tenant_id FROM client.meter;
INSERT INTO client.tenant (tenant_id, name, archived) VALUES (999, 'Archived tenant', true);

CREATE VIEW :view AS
SELECT m.meter_id AS id, t.tenant_id, m.meter_name AS name, m.meter_type AS type,
       m.serial_number, m.installation_date, m.device_id, m.location_id, m.ip, m.port,
       m.protocol, m.status, m.registers AS register_map, m.notes, m.active,
       m.created_at, m.updated_at
FROM client.meter m
JOIN client.tenant t ON t.tenant_id = m.tenant_id
WHERE NOT t.archived;

CREATE VIEW bench.meter AS
SELECT meter_id AS id, tenant_id, meter_name AS name, meter_type AS type, serial_number,
       installation_date, device_id, location_id, ip, port, protocol, status,
       registers AS register_map, notes, active, created_at, updated_at
FROM client.meter;
VACUUM ANALYZE;
