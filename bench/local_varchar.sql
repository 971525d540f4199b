-- Local (Sync) database of the varchar scenario: `meter` as deployed Sync
-- databases have it, with varchar where the remote has bigint, integer, date
-- and timestamptz (and jsonb against the remote's json), and the one-row
-- `tenant` table. meter-sync converts each remote value as an INSERT would (in
-- UTC, ISO) and compares in the local type. psql variable: tenant.
\set ON_ERROR_STOP on
CREATE TABLE meter (
  id varchar(255) PRIMARY KEY,
  name varchar(255) NOT NULL,
  type varchar(50) NOT NULL,
  serial_number varchar(255),
  installation_date varchar(50),
  device_id varchar(255),
  location_id varchar(255),
  ip varchar(45),
  port varchar(10),
  protocol varchar(50),
  status varchar(50) NOT NULL,
  register_map jsonb,
  notes text,
  active boolean,
  created_at varchar(50),
  updated_at varchar(50)
);
CREATE TABLE tenant (id int);
INSERT INTO tenant VALUES (:tenant);
