// Issue 10: a dry run names, per meter it would update, exactly the changed columns with old and
// new values; a real run's log row lists the ids per kind and, for updates, the columns.
#include <doctest/doctest.h>

#include <algorithm>

#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

nlohmann::json by_id(const nlohmann::json& meters, int id) {
  for (const auto& m : meters)
    if (m.at("id") == id) return m;
  FAIL("meter " << id << " not listed in " << meters.dump());
  return {};
}

}  // namespace

TEST_CASE("field changes: the dry run shows each changed column with old and new values") {
  TestDatabases db;
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  run_json(db);
  db.remote("UPDATE meter SET name = 'renamed' WHERE id = 2;"
            "UPDATE meter SET register_map = '{\"registers\": [1, 2, 3]}' WHERE id = 3;"
            "UPDATE meter SET register_map = '{\"registers\":[1,2]}' WHERE id = 4");  // whitespace: no change

  auto dry = run_json(db, {"--dry-run"});
  auto meters = dry["result"]["updated_meters"];
  INFO("updated_meters: " << meters.dump());
  REQUIRE(meters.size() == 2);
  auto m2 = by_id(meters, 2), m3 = by_id(meters, 3);
  CHECK(m2["changes"] == nlohmann::json{{"name", {{"old", "meter 2"}, {"new", "renamed"}}}});
  REQUIRE(m3["changes"].size() == 1);
  auto rm = m3["changes"]["register_map"];
  CHECK(parse_json(rm["old"].get<std::string>()) == nlohmann::json{{"registers", {1, 2}}});
  CHECK(parse_json(rm["new"].get<std::string>()) == nlohmann::json{{"registers", {1, 2, 3}}});

  const auto text = db.meter_sync({"run", "--dry-run"});
  INFO("text dry run: " << text.out);
  CHECK(text.out.find("would update 2: name 'meter 2' -> 'renamed'") != std::string::npos);
  CHECK(text.out.find("would update 3: register_map ") != std::string::npos);
  CHECK(text.out.find("would update 4") == std::string::npos);
  CHECK(text.out.find("serial_number") == std::string::npos);
}

TEST_CASE("field changes: a real run's log row lists the ids per kind and the changed columns") {
  TestDatabases db;
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  run_json(db);
  auto details = last_log_details(db);
  CHECK(details["inserted"]["total"] == 5);
  CHECK(sorted_ids(details["inserted"]["ids"]) == std::vector<std::string>{"1", "2", "3", "4", "5"});

  db.remote("UPDATE meter SET name = 'renamed', register_map = '{\"x\": 1}' WHERE id = 2;"
            "UPDATE meter SET port = 503 WHERE id = 3; DELETE FROM meter WHERE id = 5");
  db.add_remote_meter(6, 1);
  run_json(db);
  details = last_log_details(db);
  INFO("details: " << details.dump());
  CHECK(details["inserted"] == nlohmann::json{{"total", 1}, {"ids", {6}}});
  CHECK(details["deactivated"] == nlohmann::json{{"total", 1}, {"ids", {5}}});
  CHECK(details["updated"]["total"] == 2);
  auto m2 = by_id(details["updated"]["meters"], 2)["columns"].get<std::vector<std::string>>();
  std::sort(m2.begin(), m2.end());
  CHECK(m2 == std::vector<std::string>{"name", "register_map"});
  CHECK(by_id(details["updated"]["meters"], 3)["columns"] == nlohmann::json{"port"});
}
