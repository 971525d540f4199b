// status: before any run, after each kind of run, while a run holds the lock.
#include <doctest/doctest.h>

#include <regex>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

nlohmann::json status(TestDatabases& db) {
  const auto r = db.meter_sync({"status", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  return parse_json(r.out);
}

}  // namespace

TEST_CASE("status: before any run (no meter_sync_log yet) the last_* keys are null") {
  TestDatabases db;
  const auto s = status(db);
  CHECK(s["last_sync_at"].is_null());
  CHECK(s["last_sync_success"].is_null());
  CHECK(s["last_sync_error"].is_null());
  CHECK(s["inserted_count"] == 0);
  CHECK(s["updated_count"] == 0);
  CHECK(s["deleted_count"] == 0);
  CHECK(s["meter_count"] == 0);
  CHECK(s["is_syncing"] == false);
  CHECK(db.local_count("SELECT count(*) FROM pg_tables WHERE tablename = 'meter_sync_log'") == 0);
  const auto text = db.meter_sync({"status"});
  CHECK(text.out.find("last sync: never") == 0);
}

TEST_CASE("status: reflects the last finished run, success and failure") {
  TestDatabases db;
  for (int id = 1; id <= 3; ++id) db.add_remote_meter(id, 1);
  const auto run = parse_json(db.meter_sync({"run", "--json"}).out);
  auto s = status(db);
  CHECK(s["last_sync_success"] == true);
  CHECK(s["last_sync_error"].is_null());
  CHECK(s["inserted_count"] == 3);
  CHECK(s["meter_count"] == 3);
  CHECK(s["last_sync_at"] == run["result"]["timestamp"]);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  CHECK(std::regex_match(s["last_sync_at"].get<std::string>(), iso));

  db.remote("DELETE FROM meter WHERE id = 3");
  db.meter_sync({"run"});
  s = status(db);
  CHECK(s["deleted_count"] == 1);
  CHECK(s["inserted_count"] == 0);
  CHECK(s["meter_count"] == 2);

  db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
  CHECK(db.meter_sync({"run"}).exit_code == 78);
  s = status(db);
  CHECK(s["last_sync_success"] == false);
  CHECK(s["last_sync_error"].get<std::string>().find("lacks column status") != std::string::npos);
  CHECK(s["meter_count"] == 2);

  const auto text = db.meter_sync({"status"});
  CHECK(text.out.find("FAILED") != std::string::npos);
  CHECK(text.out.find("active meters: 2") != std::string::npos);
}

TEST_CASE("status: meter_count counts only active local meters") {
  TestDatabases db;
  db.local("INSERT INTO meter (id, name, type, status, active) VALUES"
           " (1, 'a', 't', 's', true), (2, 'b', 't', 's', false), (3, 'c', 't', 's', NULL), (4, 'd', 't', 's', true)");
  CHECK(status(db)["meter_count"] == 2);
}
