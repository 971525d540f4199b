// Issue 10: the incremental path trusts the row versions kept in meter_sync_state; a full
// comparison runs when the last one is older than --full-compare-every (default 24h), and the
// log row says whether a run compared everything.
#include <doctest/doctest.h>

#include "support/compare.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

bool full_comparison(TestDatabases& db) {
  auto details = last_log_details(db);
  INFO("details: " << details.dump());
  REQUIRE(details.contains("full_comparison"));
  return details["full_comparison"].get<bool>();
}

// As if every earlier run had happened `age` ago.
void age_log(TestDatabases& db, const std::string& age) {
  db.local("UPDATE meter_sync_log SET started_at = started_at - interval '" + age +
           "', finished_at = finished_at - interval '" + age + "'");
}

// Makes the stored remote version of meter `id` match its current remote row, so that the
// incremental path cannot see the remote change (a restored remote, a new xid sequence).
void hide_remote_change(TestDatabases& db, int id) {
  const auto xmin = db.remote("SELECT xmin::text FROM meter WHERE id = " + std::to_string(id))[0][0].as<std::string>();
  db.local("UPDATE meter_sync_state SET remote_xmin = '" + xmin + "'::xid WHERE id = " + std::to_string(id));
}

}  // namespace

TEST_CASE("full comparison: after the period, not before; the log and the debug log say so") {
  TestDatabases db;
  for (int id = 1; id <= 10; ++id) db.add_remote_meter(id, 1);
  run_json(db);
  CHECK(full_comparison(db) == true);  // the first load compares everything
  run_json(db);
  CHECK(full_comparison(db) == false);

  SUBCASE("default period: 24h") {
    age_log(db, "23 hours");
    run_json(db);
    CHECK(full_comparison(db) == false);
    age_log(db, "2 days");
    auto r = db.meter_sync({"--log-level", "debug", "run"});
    CHECK(r.exit_code == 0);
    CHECK(full_comparison(db) == true);
    INFO("debug log: " << r.err);
    CHECK(r.err.find("full comparison") != std::string::npos);
    run_json(db);
    CHECK(full_comparison(db) == false);  // the full one just ran
  }
  SUBCASE("--full-compare-every and METER_SYNC_FULL_COMPARE_EVERY") {
    age_log(db, "2 hours");
    run_json(db, {"--full-compare-every", "3h"});
    CHECK(full_comparison(db) == false);
    age_log(db, "2 hours");
    auto r = db.meter_sync({"run", "--json"}, {{"METER_SYNC_FULL_COMPARE_EVERY", std::string("1h")}});
    CHECK(r.exit_code == 0);
    CHECK(full_comparison(db) == true);
  }
  SUBCASE("0 means never") {
    age_log(db, "400 days");
    run_json(db, {"--full-compare-every", "0"});
    CHECK(full_comparison(db) == false);
  }
  SUBCASE("--full-fetch is a full comparison") {
    run_json(db, {"--full-fetch"});
    CHECK(full_comparison(db) == true);
  }
}

TEST_CASE("full comparison: a remote change the row versions hide is repaired by the next full comparison only") {
  TestDatabases db;
  for (int id = 1; id <= 10; ++id) db.add_remote_meter(id, 1);
  run_json(db);
  db.remote("UPDATE meter SET name = 'renamed', register_map = '{\"a\": 9}' WHERE id = 4");
  hide_remote_change(db, 4);

  CHECK(counts(run_json(db)) == std::vector<std::int64_t>{0, 0, 0, 0});  // incremental: unseen
  CHECK(full_comparison(db) == false);
  CHECK(db.local("SELECT name FROM meter WHERE id = 4")[0][0].as<std::string>() == "meter 4");

  age_log(db, "2 days");
  CHECK(counts(run_json(db)) == std::vector<std::int64_t>{0, 1, 0, 0});
  CHECK(full_comparison(db) == true);
  CHECK(differences_from_remote(db, 1).empty());
}
