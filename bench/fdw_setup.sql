-- One-time set-up of the hand-written SQL contender: a postgres_fdw foreign
-- table for the remote meter table (reached through the counting proxy).
-- psql variables: proxy_port, id_type (the remote id's type), schema_name and
-- table_name (the remote table or view).
\set ON_ERROR_STOP on
CREATE EXTENSION postgres_fdw;
CREATE SERVER bench_remote FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '127.0.0.1', port :'proxy_port', dbname 'remote', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER bench_remote OPTIONS (user 'postgres');
CREATE FOREIGN TABLE remote_meter (
  id :id_type, tenant_id int, name text, type text, serial_number text,
  installation_date date, device_id int, location_id int, ip text, port int,
  protocol text, status text, register_map json, notes text, active boolean,
  created_at timestamptz, updated_at timestamptz
) SERVER bench_remote OPTIONS (schema_name :'schema_name', table_name :'table_name');
