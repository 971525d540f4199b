// The first sync into an empty table reads the remote rows in ONE scan: valid rows straight
// into the table, rule breakers reported, and the versions recorded so the next run is
// incremental.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <thread>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

// Scans of the remote meter table so far. A backend flushes its statistics before it leaves
// pg_stat_activity, so wait for meter-sync's sessions to end first.
std::int64_t remote_meter_scans(TestDatabases& db) {
  for (int i = 0; i < 100; ++i) {
    if (db.remote("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  " AND application_name = 'meter-sync'")[0][0].as<std::int64_t>() == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return db.remote("SELECT pg_stat_clear_snapshot(); SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
                   " FROM pg_stat_user_tables WHERE relname = 'meter'")[0][0].as<std::int64_t>();
}

std::map<std::string, std::string> versions(pqxx::result rows) {
  std::map<std::string, std::string> out;
  for (const auto& row : rows) out[row[0].as<std::string>()] = row[1].as<std::string>();
  return out;
}

}  // namespace

TEST_CASE("initial load: one remote scan inserts the valid rows, reports the breakers, records the versions") {
  TestDatabases db;
  for (int id = 1; id <= 30; ++id) db.add_remote_meter(id, 1);
  for (int id = 31; id <= 33; ++id) db.add_remote_meter(id, 2);
  // Breakers, and values whose COPY text holds escaped tabs, newlines and backslashes.
  db.remote("ALTER TABLE meter ALTER name DROP NOT NULL;"
            "UPDATE meter SET port = 70000 WHERE id = 4; UPDATE meter SET name = NULL WHERE id = 5;"
            "UPDATE meter SET name = E'tab\\there\\\\back\\nline', notes = E'\\t', "
            "register_map = '{\"a\\tb\": \"x\\\\y\"}' WHERE id = 6");
  const std::int64_t scans_before = remote_meter_scans(db);

  const auto r = db.meter_sync({"run", "--json"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 65);  // committed, some skipped
  const auto result = parse_json(r.out)["result"];
  CHECK(result["inserted"] == 28);
  CHECK(result["skipped"] == 2);
  CHECK(remote_meter_scans(db) - scans_before == 1);  // was 3: valid rows, breakers, versions

  const auto details = parse_json(db.local("SELECT details FROM meter_sync_log")[0][0].as<std::string>());
  CHECK(details["fetch"] == "initial");
  CHECK(details["skipped"] == nlohmann::json::parse(R"([{"id": 4, "reason": "port outside 0-65535"},
                                                        {"id": 5, "reason": "name is null or empty"}])"));
  // the audit trail lists the first keys in key order (1, 2, 3, 6, ...), not as text (1, 10, 11, ...)
  const auto& ids = details["inserted"]["ids"];
  REQUIRE(ids.size() == 28);
  CHECK(nlohmann::json(std::vector<nlohmann::json>(ids.begin(), ids.begin() + 4)) == nlohmann::json{1, 2, 3, 6});
  auto remote_valid = db.remote_meters(1);
  remote_valid.erase(remote_valid.begin() + 3, remote_valid.begin() + 5);  // ids 4 and 5
  CHECK(db.local_meters() == remote_valid);

  // One state row per valid row: the remote's xmin, and the local row's own xmin.
  CHECK(versions(db.local("SELECT id::text, remote_xmin::text FROM meter_sync_state")) ==
        versions(db.remote("SELECT id::text, xmin::text FROM meter WHERE tenant_id = 1 AND id NOT IN (4, 5)")));
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_state s JOIN meter m USING (id) WHERE s.local_xmin = m.xmin") ==
        28);

  // So the next run is incremental and fetches only the breakers (which have no state).
  const auto again = db.meter_sync({"run", "--json"});
  REQUIRE(again.exit_code == 65);
  const auto again_details =
      parse_json(db.local("SELECT details FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0].as<std::string>());
  CHECK(again_details["fetch"] == "incremental");
  CHECK(again_details["fetched_rows"] == 2);
  CHECK(parse_json(again.out)["result"]["updated"] == 0);
  CHECK(parse_json(again.out)["result"]["skipped"] == 2);
}

TEST_CASE("initial load: a table emptied behind meter-sync's back (TRUNCATE meter) is loaded straight again") {
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.local("TRUNCATE meter");
  db.remote("UPDATE meter SET notes = 'changed' WHERE id = 3");
  const auto r = db.meter_sync({"run", "--json"});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(parse_json(r.out)["result"]["inserted"] == 20);
  // the old versions would collide with the new ones: the first load must not fall back to staging
  CHECK(parse_json(db.local("SELECT details FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0].as<std::string>())["fetch"] ==
        "initial");
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_state s JOIN meter m USING (id) WHERE s.local_xmin = m.xmin") ==
        20);
  CHECK(db.local_meters() == db.remote_meters(1));
}
