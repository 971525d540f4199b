-- Local (Sync) database of the benchmark: `meter` as the Sync server has it
-- (no tenant_id, register_map jsonb) and the one-row `tenant` table.
-- psql variable: tenant.
\set ON_ERROR_STOP on
CREATE TABLE meter (
  id int PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL,
  serial_number text,
  installation_date date,
  device_id int,
  location_id int,
  ip text,
  port int,
  protocol text,
  status text NOT NULL,
  register_map jsonb,
  notes text,
  active boolean,
  created_at timestamptz,
  updated_at timestamptz
);
CREATE TABLE tenant (id int);
INSERT INTO tenant VALUES (:tenant);
