// Issue 9: --remote-table names a view (schema-qualified, quoted schema name) that renames and
// joins a remote schema of another shape (meter keyed by meter_id, meter_element).
#include <doctest/doctest.h>

#include "support/compare.hpp"
#include "support/roles.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

const char* view_name = "\"Client\".meter_view";

void client_schema(TestDatabases& db, const std::string& reader) {
  db.remote(R"(DROP TABLE meter;
    CREATE SCHEMA "Client";
    CREATE TABLE "Client".meter (meter_id bigint PRIMARY KEY, tenant_id integer NOT NULL, name text NOT NULL,
      type text NOT NULL, serial_number text, installation_date date, ip text, port integer, protocol text,
      status text NOT NULL, register_map json, notes text, active boolean, created_at timestamptz,
      updated_at timestamptz);
    CREATE TABLE "Client".meter_element (meter_id bigint PRIMARY KEY REFERENCES "Client".meter ON DELETE CASCADE,
      device_id integer, location_id integer);
    CREATE VIEW "Client".meter_view AS
      SELECT m.meter_id AS id, m.tenant_id, m.name, m.type, m.serial_number, m.installation_date,
             e.device_id, e.location_id, m.ip, m.port, m.protocol, m.status, m.register_map, m.notes,
             m.active, m.created_at, m.updated_at
        FROM "Client".meter m LEFT JOIN "Client".meter_element e USING (meter_id);)");
  db.remote("GRANT USAGE ON SCHEMA \"Client\" TO " + reader + "; GRANT SELECT ON \"Client\".meter_view TO " + reader);
}

void add_client_meter(TestDatabases& db, int id, int tenant) {
  const std::string i = std::to_string(id);
  db.remote("INSERT INTO \"Client\".meter VALUES (" + i + ", " + std::to_string(tenant) + ", 'meter " + i +
            "', 'electric', 'SN-" + i + "', '2024-03-01', '10.0.0.1', 502, 'modbus', 'online',"
            " '{\"registers\": [1, 2]}', NULL, true, '2024-03-01 10:00:00.123456+00', '2024-03-02 11:00:00+00');"
            "INSERT INTO \"Client\".meter_element VALUES (" + i + ", " + i + ", 7)");
}

nlohmann::json run_view(TestDatabases& db, const std::string& remote, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"--remote-table", view_name, "run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = meter_sync_with(db.local_conninfo(), remote, args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return parse_json(r.out);
}

}  // namespace

TEST_CASE("remote view: renamed and joined columns through --remote-table, read by a role with SELECT on the view only") {
  using Counts = std::vector<std::int64_t>;
  TestRole reader("client_reader");
  TestDatabases db;
  client_schema(db, reader.name());
  for (int id = 1; id <= 6; ++id) add_client_meter(db, id, 1);
  add_client_meter(db, 7, 2);
  const std::string remote = reader.conninfo(db.remote_conninfo());

  CHECK(counts(run_view(db, remote)) == Counts{6, 0, 0, 0});
  CHECK(differences_from_remote(db, 1, view_name).empty());
  auto before = local_rows_with_versions(db);
  CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
  CHECK(counts(run_view(db, remote, {"--dry-run"})) == Counts{0, 0, 0, 0});
  CHECK(local_rows_with_versions(db) == before);

  db.remote("UPDATE \"Client\".meter SET name = 'renamed' WHERE meter_id = 1;"
            "UPDATE \"Client\".meter_element SET device_id = 99 WHERE meter_id = 2;"  // a joined column
            "UPDATE \"Client\".meter SET register_map = '{\"registers\":[1,2]}' WHERE meter_id = 3;"  // whitespace
            "DELETE FROM \"Client\".meter WHERE meter_id = 4;"
            "UPDATE \"Client\".meter SET tenant_id = 2 WHERE meter_id = 5");
  add_client_meter(db, 8, 1);
  CHECK(counts(run_view(db, remote, {"--dry-run"})) == Counts{1, 2, 2, 0});
  CHECK(local_rows_with_versions(db) == before);
  CHECK(counts(run_view(db, remote)) == Counts{1, 2, 2, 0});
  CHECK(differences_from_remote(db, 1, view_name).empty());
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id IN (4, 5) AND NOT active") == 2);

  before = local_rows_with_versions(db);
  CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
  CHECK(local_rows_with_versions(db) == before);

  SUBCASE("the same through METER_SYNC_REMOTE_TABLE") {
    db.remote("UPDATE \"Client\".meter SET notes = 'via env' WHERE meter_id = 6");
    auto r = run_process({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "--remote-db", remote, "run", "--json"},
                               {{"METER_SYNC_REMOTE_TABLE", std::string(view_name)}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(counts(parse_json(r.out)) == Counts{0, 1, 0, 0});
  }
}

// Issue 13: a view has no xmin; a 64-bit hash of each row's canonical text, computed by the
// remote and kept in meter_sync_state.remote_hash, is its version.
TEST_CASE("remote view: reruns move (key, row hash) pairs and fetch only the rows whose hash changed") {
  using Counts = std::vector<std::int64_t>;
  TestRole reader("client_reader");
  TestDatabases db;
  client_schema(db, reader.name());
  for (int id = 1; id <= 20; ++id) add_client_meter(db, id, 1);
  const std::string remote = reader.conninfo(db.remote_conninfo());
  auto fetch_of_last_run = [&] {
    const auto details = last_log_details(db);
    return std::pair(details["fetch"].get<std::string>(), details["fetched_rows"].get<std::int64_t>());
  };
  using Fetch = std::pair<std::string, std::int64_t>;

  CHECK(counts(run_view(db, remote)) == Counts{20, 0, 0, 0});
  // The view has no index, the local primary key rules out duplicates: the one-scan first load
  CHECK(fetch_of_last_run() == Fetch{"initial", 20});
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_state WHERE remote_hash IS NOT NULL") == 20);
  CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
  CHECK(fetch_of_last_run() == Fetch{"incremental", 0});

  // Same values, other spelling: JSON key order and spacing, and the servers' time zones.
  db.remote("UPDATE \"Client\".meter SET register_map = '{ \"registers\" :  [1,2] }' WHERE meter_id = 3");
  const std::string set_zone = "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), ";
  db.remote(set_zone + "'Asia/Kathmandu'); END$$");
  db.local(set_zone + "'America/St_Johns'); END$$");
  CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
  CHECK(fetch_of_last_run() == Fetch{"incremental", 0});

  db.remote("UPDATE \"Client\".meter_element SET device_id = 99 WHERE meter_id = 2;"  // a joined column
            "UPDATE \"Client\".meter SET created_at = created_at + interval '1 microsecond' WHERE meter_id = 5;"
            "DELETE FROM \"Client\".meter WHERE meter_id = 4");
  add_client_meter(db, 21, 1);
  CHECK(counts(run_view(db, remote)) == Counts{1, 2, 1, 0});
  CHECK(fetch_of_last_run() == Fetch{"incremental", 3});
  CHECK(differences_from_remote(db, 1, view_name).empty());

  // A local edit still counts (local xmin), as with tables.
  db.local("UPDATE meter SET name = 'edited here' WHERE id = 6");
  CHECK(counts(run_view(db, remote)) == Counts{0, 1, 0, 0});
  CHECK(fetch_of_last_run() == Fetch{"incremental", 1});
  CHECK(differences_from_remote(db, 1, view_name).empty());

  SUBCASE("a state table from 0.2.0 (no remote_hash) gets the column from its owner") {
    db.local("ALTER TABLE meter_sync_state DROP COLUMN remote_hash");
    CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
    CHECK(fetch_of_last_run().first == "full");
    CHECK(counts(run_view(db, remote)) == Counts{0, 0, 0, 0});
    CHECK(fetch_of_last_run() == Fetch{"incremental", 0});
  }
}
