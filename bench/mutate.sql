-- Scenario 3 on the remote: of the tenant's meters (numbered by id) 1% change,
-- 0.5% are deleted, 0.5% new ones are added. Prints one line
-- "<added> <changed> <deactivated>": what a correct sync inserts, updates and
-- deactivates (a deleted meter that was already inactive is not deactivated).
-- psql variables: n, tenant. Run with psql -qAt.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE pick ON COMMIT DROP AS
  SELECT id, active, row_number() OVER (ORDER BY id) AS rn
  FROM meter WHERE tenant_id = :tenant;
UPDATE meter m
SET status = CASE WHEN m.status = 'fault' THEN 'online' ELSE 'fault' END,
    notes = 'changed by bench scenario 3',
    updated_at = m.updated_at + interval '1 day',
    register_map = CASE WHEN p.rn % 200 = 0
                        THEN (m.register_map::jsonb || '{"firmware": "2.1"}')::json
                        ELSE m.register_map END
FROM pick p WHERE m.id = p.id AND p.rn % 100 = 0;
DELETE FROM meter m USING pick p WHERE m.id = p.id AND p.rn % 200 = 50;
SELECT max(id) AS max_id FROM meter \gset
INSERT INTO meter SELECT * FROM bench.gen(:max_id + 1, :max_id + :n / 200, 0, :tenant);
SELECT :n / 200,
       (SELECT count(*) FROM pick WHERE rn % 100 = 0),
       (SELECT count(*) FROM pick WHERE rn % 200 = 50 AND active);
COMMIT;
VACUUM ANALYZE meter;
