-- Remote database of the benchmark: the `meter` table with N meters for the
-- benchmarked tenant and K*N meters of other tenants, interleaved by id (the
-- tenant's rows are spread over the whole heap, as in a shared table).
-- psql variables: n (tenant meters), k (other tenants' rows per tenant row), tenant,
-- id_type (int, or bigint for the varchar scenario).
\set ON_ERROR_STOP on
CREATE TABLE meter (
  id :id_type PRIMARY KEY,
  tenant_id int NOT NULL,
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
  register_map json,
  notes text,
  active boolean,
  created_at timestamptz,
  updated_at timestamptz
);

CREATE SCHEMA bench;

-- Row g of the generator. Tenant rows are those with g % (k+1) = 0; k = 0 makes
-- every row the tenant's (used for the meters added in scenario 3).
-- register_map is json text of ~230 characters whose key order and spacing are
-- NOT jsonb's canonical form, about 2% of meters are inactive, timestamps carry
-- microseconds.
CREATE FUNCTION bench.gen(lo int, hi int, k int, tenant int) RETURNS SETOF meter
LANGUAGE sql AS $$
SELECT g,
       CASE WHEN g % (k + 1) = 0 THEN tenant ELSE 1000 + g % 7 END,
       'Meter ' || g || ' ' || (ARRAY['Main hall','Pump house','Roof','Basement','Line 3'])[1 + g % 5],
       (ARRAY['electricity','water','gas','heat'])[1 + g % 4],
       CASE WHEN g % 13 = 0 THEN NULL ELSE 'SN-' || upper(substr(md5(g::text), 1, 12)) END,
       date '2015-01-01' + g % 3000,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 1 + g % 5000 END,
       1 + g % 800,
       '10.' || (g >> 16) % 256 || '.' || (g >> 8) % 256 || '.' || g % 256,
       CASE WHEN g % 3 = 0 THEN 502 ELSE 10000 + g % 50000 END,
       (ARRAY['modbus-tcp','mbus','dlms','iec-104'])[1 + g % 4],
       (ARRAY['online','online','online','offline','fault'])[1 + g % 5],
       format('{"version": 2, "byte_order": "big", "unit_id": %s, "registers": ['
              '{"address": %s, "name": "energy_total", "type": "uint32", "scale": 0.001, "unit": "kWh"}, '
              '{"address": %s, "name": "power", "type": "int32", "scale": 0.1, "unit": "W"}]}',
              1 + g % 247, 4096 + g % 1000, 8192 + g % 1000)::json,
       CASE WHEN g % 4 = 0 THEN NULL
            ELSE 'Installed by crew ' || g % 37 || ', cabinet ' || g % 91 || '; read every 15 min' END,
       g % 47 <> 0,
       timestamptz '2020-01-01 00:00:00+00' + g * interval '17 seconds' + (g::bigint * 7919 % 1000000) * interval '1 microsecond',
       timestamptz '2020-01-01 00:00:00+00' + g * interval '17 seconds' + (g % 1000) * interval '1 hour'
FROM generate_series(lo, hi) AS g
$$;

INSERT INTO meter SELECT * FROM bench.gen(1, :n * (:k + 1), :k, :tenant);
CREATE INDEX meter_tenant_id_idx ON meter (tenant_id);

-- The tenant's rows as generated, to restore the remote after scenario 3.
CREATE TABLE bench.meter_base AS SELECT * FROM meter WHERE tenant_id = :tenant;
ALTER TABLE bench.meter_base ADD PRIMARY KEY (id);
VACUUM ANALYZE meter;
VACUUM ANALYZE bench.meter_base;
