// Issue 9: local column types that differ from the remote's. Each family of type pairs runs the
// whole cycle (type_cycle.hpp): first run, reruns 0/0/0 with no row rewritten, dry runs, an
// edit of every kind, the copy compared with the remote in the remote's types.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "integration/type_cycle.hpp"
#include "support/compare.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

// The original Sync server's init script: ids, ports and timestamps as varchar.
std::map<std::string, std::string> deployed_sync_local_types() {
  return {{"id", "varchar(255)"},          {"device_id", "varchar(255)"}, {"location_id", "varchar(255)"},
          {"port", "varchar(10)"},         {"installation_date", "varchar(50)"},
          {"created_at", "varchar(50)"},   {"updated_at", "varchar(50)"}};
}

}  // namespace

TEST_CASE("column types: the deployed Sync schema (varchar ids, ports, timestamps) against bigint, integer, timestamptz, json") {
  SchemaOptions o;
  o.local_types = deployed_sync_local_types();
  o.local_register_map_type = "jsonb";
  o.remote_types = {{"id", "bigint"}, {"device_id", "bigint"}, {"location_id", "bigint"}};
  o.remote_register_map_type = "json";
  TestDatabases db(o);
  type_family_cycle(db);
  // The values are stored in the local type as an INSERT converts them, in UTC, ISO.
  CHECK(db.local("SELECT port || ' ' || installation_date || ' ' || created_at FROM meter WHERE id = '1'")[0][0]
            .as<std::string>() == "502 2024-03-01 2024-03-01 10:00:00.123456+00");
  // The comparison itself can fail, and compares in the remote's type: the port differs, the
  // same instant written with another offset does not.
  db.local("UPDATE meter SET port = '504', updated_at = '2024-03-02 12:00:00.654321+01' WHERE id = '1'");
  CHECK(differences_from_remote(db, 1) == std::vector<std::string>{"meter 1: port: local 504, remote 502"});
}

TEST_CASE("column types: the deployed Sync schema against a remote enum type (issue 9's 'done when')") {
  SchemaOptions o;
  o.local_types = deployed_sync_local_types();
  o.remote_preamble = "CREATE TYPE meter_type AS ENUM ('electric', 'water', 'gas')";
  o.remote_types = {{"id", "bigint"}, {"type", "meter_type"}};
  TestDatabases db(o);
  type_family_cycle(db);
}

TEST_CASE("column types: timestamp locally, timestamptz remotely") {
  SchemaOptions o;
  o.local_types = {{"created_at", "timestamp"}, {"updated_at", "timestamp"}, {"installation_date", "timestamp"}};
  o.remote_types = {{"installation_date", "timestamptz"}};
  TestDatabases db(o);
  type_family_cycle(db);
  CHECK(db.local("SELECT updated_at::text FROM meter WHERE id = 5")[0][0].as<std::string>() ==
        "2025-06-30 23:59:59.5");  // converted in UTC
}

TEST_CASE("column types: integer locally, bigint remotely; an id above 2^31 is skipped naming the column") {
  SchemaOptions o;
  o.remote_types = {{"id", "bigint"}, {"device_id", "bigint"}, {"port", "bigint"}};
  TestDatabases db(o);
  db.add_remote_meter(3000000000LL, 1);
  db.remote("UPDATE meter SET device_id = 7 WHERE id = 3000000000");  // only the key is out of range
  type_family_cycle(db, {{"3000000000"}});
  auto skipped = last_log_details(db)["skipped"];
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0]["id"] == 3000000000LL);  // a number: the key's text is an integer
  CHECK(skipped[0]["reason"].get<std::string>().rfind("column \"id\"", 0) == 0);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id::bigint = 3000000000") == 0);
}

TEST_CASE("column types: bigint locally, integer remotely") {
  SchemaOptions o;
  o.local_types = {{"id", "bigint"}, {"device_id", "bigint"}, {"port", "bigint"}};
  TestDatabases db(o);
  type_family_cycle(db);
}

TEST_CASE("column types: json and jsonb register_map, both ways") {
  SchemaOptions o;
  SUBCASE("json locally, jsonb remotely") {
    o.local_register_map_type = "json";
    o.remote_register_map_type = "jsonb";
  }
  SUBCASE("jsonb locally, json remotely") {
    o.local_register_map_type = "jsonb";
    o.remote_register_map_type = "json";
  }
  TestDatabases db(o);
  type_family_cycle(db);
}

TEST_CASE("column types: remote enum and domain types the local database lacks") {
  SchemaOptions o;
  o.remote_preamble =
      "CREATE TYPE meter_type AS ENUM ('electric', 'water', 'gas');"
      "CREATE DOMAIN port_number AS integer CHECK (VALUE BETWEEN 0 AND 65535);"
      "CREATE DOMAIN meter_status AS text NOT NULL";
  o.remote_types = {{"type", "meter_type"}, {"port", "port_number"}, {"status", "meter_status"}};
  TestDatabases db(o);
  type_family_cycle(db);
  db.remote("UPDATE meter SET type = 'water' WHERE id = 1");
  CHECK(counts(run_json(db)) == std::vector<std::int64_t>{0, 1, 0, 0});
  CHECK(db.local("SELECT type FROM meter WHERE id = 1")[0][0].as<std::string>() == "water");
  CHECK(differences_from_remote(db, 1).empty());
}
