-- Scenario 3 on the remote: of the tenant's meters (numbered by id) 1% change,
-- 0.5% are deleted, 0.5% new ones are added. Each changed meter changes in ONE
-- field, the field rotating over eight columns (a tiny change included: updated_at
-- by one microsecond), so a change signal that misses a column shows as a wrong
-- count. Another 2% are rewritten without a change of value (re-saved rows: a new
-- row version; register_map re-serialised as different but equivalent JSON text):
-- a correct sync does not count them as updated.
-- Prints one line "<added> <changed> <deactivated>": what a correct sync inserts,
-- updates and deactivates (a deleted meter that was already inactive is not
-- deactivated). psql variables: n, tenant. Run with psql -qAt -F ' '.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE pick ON COMMIT DROP AS
  SELECT id, active, row_number() OVER (ORDER BY id) AS rn
  FROM meter WHERE tenant_id = :tenant;
UPDATE meter m
SET status = CASE WHEN p.rn / 100 % 8 = 0
                  THEN CASE WHEN m.status = 'fault' THEN 'online' ELSE 'fault' END
                  ELSE m.status END,
    notes = CASE WHEN p.rn / 100 % 8 = 1
                 THEN CASE WHEN m.notes IS NULL THEN 'changed by bench scenario 3' END
                 ELSE m.notes END,
    register_map = CASE WHEN p.rn / 100 % 8 = 2
                        THEN (m.register_map::jsonb || '{"firmware": "2.1"}')::json
                        ELSE m.register_map END,
    updated_at = CASE WHEN p.rn / 100 % 8 = 3
                      THEN m.updated_at + interval '1 microsecond'
                      ELSE m.updated_at END,
    active = CASE WHEN p.rn / 100 % 8 = 4 THEN NOT m.active ELSE m.active END,
    installation_date = CASE WHEN p.rn / 100 % 8 = 5
                             THEN m.installation_date + 1
                             ELSE m.installation_date END,
    device_id = CASE WHEN p.rn / 100 % 8 = 6
                     THEN CASE WHEN m.device_id IS NULL THEN 1 END
                     ELSE m.device_id END,
    name = CASE WHEN p.rn / 100 % 8 = 7 THEN m.name || ' (renamed)' ELSE m.name END
FROM pick p WHERE m.id = p.id AND p.rn % 100 = 0;
-- re-saved without a change of value
UPDATE meter m SET updated_at = m.updated_at
FROM pick p WHERE m.id = p.id AND p.rn % 100 = 25;
UPDATE meter m SET register_map = m.register_map::jsonb::text::json
FROM pick p WHERE m.id = p.id AND p.rn % 100 = 75;
DELETE FROM meter m USING pick p WHERE m.id = p.id AND p.rn % 200 = 50;
SELECT max(id) AS max_id FROM meter \gset
INSERT INTO meter SELECT * FROM bench.gen(:max_id + 1, :max_id + :n / 200, 0, :tenant);
SELECT :n / 200,
       (SELECT count(*) FROM pick WHERE rn % 100 = 0),
       (SELECT count(*) FROM pick WHERE rn % 200 = 50 AND active);
COMMIT;
-- the whole database: in the view scenario `meter` is bench.meter, a view
VACUUM ANALYZE;
