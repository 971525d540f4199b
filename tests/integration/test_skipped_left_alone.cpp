// Issue 10: a skipped meter's local copy stays exactly as it is (not updated, not
// deactivated); a skipped meter missing locally is not inserted; the mass-deactivation guard
// counts the meters active BEFORE the run, whatever the same run inserts.
#include <doctest/doctest.h>

#include <algorithm>

#include "support/compare.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

using Counts = std::vector<std::int64_t>;

std::string row_bytes(TestDatabases& db, int id) {
  return db.local("SELECT xmin::text || ' ' || m::text FROM meter m WHERE id = " + std::to_string(id))[0][0].as<std::string>();
}

// n remote meters in one statement (add_remote_meter costs a round trip each).
void add_remote_meters(TestDatabases& db, int from, int to) {
  db.remote("INSERT INTO meter (id, tenant_id, name, type, status, port, register_map, active)"
            " SELECT g, 1, 'm' || g, 'electric', 'online', 502, '{\"a\": 1}', true FROM generate_series(" +
            std::to_string(from) + ", " + std::to_string(to) + ") g");
}

}  // namespace

TEST_CASE("skipped meters: a rejected edit and a rule breaker leave the local rows alone and active") {
  TestDatabases db;
  db.local("ALTER TABLE meter ALTER COLUMN serial_number TYPE varchar(10); ALTER TABLE meter ADD CHECK (device_id <> 999)");
  db.remote("ALTER TABLE meter ALTER COLUMN status DROP NOT NULL");
  for (int id = 1; id <= 8; ++id) db.add_remote_meter(id, 1);
  REQUIRE(counts(run_json(db)) == Counts{8, 0, 0, 0});
  const std::string r3 = row_bytes(db, 3), r4 = row_bytes(db, 4), r5 = row_bytes(db, 5);

  db.remote("UPDATE meter SET device_id = 999, name = 'renamed 3' WHERE id = 3;"       // the local CHECK rejects it
            "UPDATE meter SET serial_number = 'SN-far-too-long', notes = 'n' WHERE id = 4;"  // too long locally
            "UPDATE meter SET status = NULL, name = 'renamed 5' WHERE id = 5;"           // breaks a rule
            "UPDATE meter SET name = 'renamed 6' WHERE id = 6");                         // a good edit
  db.add_remote_meter(50, 1);
  db.add_remote_meter(51, 1);
  db.remote("UPDATE meter SET status = NULL WHERE id = 50; UPDATE meter SET device_id = 999 WHERE id = 51");

  auto dry = run_json(db, {"--dry-run"}, 65);
  CHECK(counts(dry) == Counts{0, 1, 0, 5});
  CHECK(dry["result"]["deleted_ids"].empty());

  auto r = run_json(db, {}, 65);
  CHECK(r["success"] == true);
  CHECK(counts(r) == Counts{0, 1, 0, 5});
  CHECK_MESSAGE(row_bytes(db, 3) == r3, "a meter whose edit the local table rejects must stay as it was");
  CHECK_MESSAGE(row_bytes(db, 4) == r4, "a meter whose value is too long locally must stay as it was");
  CHECK_MESSAGE(row_bytes(db, 5) == r5, "a meter whose remote row breaks a rule must stay as it was");
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 8);
  CHECK_MESSAGE(db.local_count("SELECT count(*) FROM meter WHERE id IN (50, 51)") == 0,
                "a skipped meter missing locally must not be inserted");
  CHECK(db.local("SELECT name FROM meter WHERE id = 6")[0][0].as<std::string>() == "renamed 6");
  std::vector<std::string> skipped;
  const auto details = last_log_details(db);
  for (const auto& s : details.at("skipped")) skipped.push_back(s.at("id").dump());
  std::sort(skipped.begin(), skipped.end());
  CHECK(skipped == std::vector<std::string>{"3", "4", "5", "50", "51"});

  // The same again (the incremental path): still left alone.
  CHECK(counts(run_json(db, {}, 65)) == Counts{0, 0, 0, 5});
  CHECK(row_bytes(db, 3) == r3);
  CHECK(row_bytes(db, 5) == r5);

  db.remote("UPDATE meter SET device_id = 7 WHERE id IN (3, 51); UPDATE meter SET serial_number = 'SN-4b' WHERE id = 4;"
            "UPDATE meter SET status = 'offline' WHERE id IN (5, 50)");
  CHECK(counts(run_json(db)) == Counts{2, 3, 0, 0});
  CHECK(differences_from_remote(db, 1).empty());
}

TEST_CASE("guard: 5 deleted, 10 rejected, 1000 added -> the rejected stay active, 5 of 20 deactivated") {
  // Issue 10's reproduction. The old code deactivated 15 of 20 (the rejected ones too) and did
  // not refuse, because it counted the active meters after the 1000 inserts.
  TestDatabases db;
  add_remote_meters(db, 1, 20);
  REQUIRE(counts(run_json(db)) == Counts{20, 0, 0, 0});
  db.local("ALTER TABLE meter ADD CHECK (notes IS DISTINCT FROM 'rejected')");
  db.remote("DELETE FROM meter WHERE id <= 5; UPDATE meter SET notes = 'rejected' WHERE id BETWEEN 6 AND 15");
  add_remote_meters(db, 1001, 2000);
  auto r = run_json(db, {}, 65);
  CHECK(r["success"] == true);
  CHECK(counts(r) == Counts{1000, 0, 5, 10});
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id BETWEEN 6 AND 20 AND active") == 15);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id <= 5 AND NOT active") == 5);
}

TEST_CASE("guard: more than half of the meters active before the run deleted, 1000 added in the same run -> refused") {
  TestDatabases db;
  add_remote_meters(db, 1, 20);
  REQUIRE(counts(run_json(db)) == Counts{20, 0, 0, 0});
  const auto before = local_rows_with_versions(db);
  db.remote("DELETE FROM meter WHERE id <= 11");  // 55 % of 20, and at least 10
  add_remote_meters(db, 1001, 2000);
  int exit_when_allowed = 0;
  SUBCASE("deletions alone") {}
  SUBCASE("with rejected edits in the same run") {
    db.local("ALTER TABLE meter ADD CHECK (notes IS DISTINCT FROM 'rejected')");
    db.remote("UPDATE meter SET notes = 'rejected' WHERE id IN (12, 13)");
    exit_when_allowed = 65;
  }
  auto r = run_json(db, {}, 65);
  CHECK(r["success"] == false);
  CHECK(r["result"]["success"] == false);
  CHECK_MESSAGE(local_rows_with_versions(db) == before, "a refused run must apply nothing");
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE NOT success AND error LIKE '%deactivate 11 of 20 %'") == 1);
  CHECK(counts(run_json(db, {"--max-deactivate-percent", "100"}, exit_when_allowed)).at(0) == 1000);
}
