-- The floor's target: a fresh unlogged table with the remote's column types.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP TABLE IF EXISTS staging;
CREATE UNLOGGED TABLE staging (
  id int, name text, type text, serial_number text, installation_date date,
  device_id int, location_id int, ip text, port int, protocol text, status text,
  register_map json, notes text, active boolean, created_at timestamptz,
  updated_at timestamptz
);
