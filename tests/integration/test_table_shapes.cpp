// Issue 9: a tenant id that is not a number, and the tool's own tables in another shape, are
// configuration errors (78) whose message names the table and what is wrong.
#include <doctest/doctest.h>

#include "support/sync_run.hpp"

using namespace testing_support;

TEST_CASE("table shapes: a tenant id that is not an integer -> 78 naming tenant and the column") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  db.local("DROP TABLE tenant; CREATE TABLE tenant (id text, name text); INSERT INTO tenant VALUES ('acme', 'Acme')");
  auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 78);
  CHECK(r.err.find("tenant") != std::string::npos);
  CHECK(r.err.find("id") != std::string::npos);
  CHECK(r.err.find("acme") != std::string::npos);
  CHECK(r.err.find("unexpected error") == std::string::npos);
  CHECK(parse_json(r.out)["success"] == false);
  CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
}

TEST_CASE("table shapes: the tool's own table in another shape -> 78 naming it") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  std::string table;
  SUBCASE("meter_sync_log") {
    table = "meter_sync_log";
    db.local("CREATE TABLE meter_sync_log (id int, note text)");
  }
  SUBCASE("meter_sync_state") {
    REQUIRE(db.meter_sync({"run"}).exit_code == 0);
    db.remote("UPDATE meter SET name = 'renamed' WHERE id = 1");
    table = "meter_sync_state";
    db.local("DROP TABLE meter_sync_state; CREATE TABLE meter_sync_state (id int, note text)");
  }
  const auto before = db.local_meters();
  auto r = db.meter_sync({"run"});
  INFO(r.err);
  CHECK(r.exit_code == 78);
  CHECK(r.err.find(table) != std::string::npos);
  CHECK(db.local_meters() == before);
}
