// Ten `meter-sync run` at once: one applies, the others exit 75 at once, one log row; status
// sees the run without waiting for it.
#include <doctest/doctest.h>

#include <future>
#include <iostream>

#include "reliability/helpers.hpp"

using namespace reliability;
using testing_support::parse_json;

namespace {

using Runs = std::vector<std::future<ProcessResult>>;

Runs start_runs(const TestDatabases& db, int n, const std::vector<std::string>& args) {
  std::vector<Child> children;
  for (int i = 0; i < n; ++i) children.push_back(start_meter_sync(db, args));  // all started first
  Runs runs;
  for (auto& child : children)
    runs.push_back(std::async(std::launch::async, [c = std::move(child)]() mutable { return c.wait(); }));
  return runs;
}

int finished(Runs& runs) {
  int n = 0;
  for (auto& r : runs)
    if (r.wait_for(std::chrono::seconds(0)) == std::future_status::ready) ++n;
  return n;
}

}  // namespace

TEST_CASE("concurrency: 10 runs at once while the first is held up: one applies, nine exit 75") {
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  const auto previous = parse_json(db.meter_sync({"status", "--json"}).out);
  db.remote("UPDATE meter SET name = 'renamed' WHERE id = 1");

  // Another session holds meter 1: the run that gets the lock waits on it in its UPDATE.
  pqxx::connection holder(db.local_conninfo());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM meter WHERE id = 1 FOR UPDATE");

  Runs runs = start_runs(db, 10, {"run", "--json", "--lock-timeout", "120"});
  REQUIRE(wait_until([&] { return finished(runs) == 9 && meter_sync_backends(db, true) == 1; }, 30));

  const auto status = db.meter_sync({"status", "--json"});
  CHECK(status.exit_code == 0);
  CHECK(status.seconds < 3);  // never blocks on the running sync
  const auto j = parse_json(status.out);
  CHECK(j["is_syncing"] == true);
  CHECK(j["last_sync_at"] == previous["last_sync_at"]);  // the running one does not count yet
  CHECK(j["last_sync_success"] == true);
  CHECK(j["meter_count"] == 20);

  hold.commit();
  int applied = 0, busy = 0;
  for (auto& run : runs) {
    const auto r = run.get();
    INFO(r.err);
    const auto out = parse_json(r.out);
    if (r.exit_code == 0) {
      ++applied;
      CHECK(out["result"]["updated"] == 1);
    } else {
      ++busy;
      CHECK(r.exit_code == 75);
      CHECK(r.seconds < 5);
      CHECK(out["success"] == false);
      CHECK(out.contains("result") == false);
      CHECK(out["message"].get<std::string>().find("another meter sync is in progress") != std::string::npos);
      CHECK(error_lines(r.err) == 1);
    }
  }
  CHECK(applied == 1);
  CHECK(busy == 9);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log") == 2);  // the first run's and the winner's
  CHECK(db.local_meters() == db.remote_meters(1));
  CHECK(parse_json(db.meter_sync({"status", "--json"}).out)["is_syncing"] == false);
}

TEST_CASE("concurrency: 10 runs of a 50k-meter sync at once never overlap and apply once") {
  TestDatabases db;
  add_remote_meters(db, 1, 1, 50000);
  Runs runs = start_runs(db, 10, {"run", "--json"});
  int applied = 0, busy = 0;
  for (auto& run : runs) {
    const auto r = run.get();
    INFO(r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 75));
    (r.exit_code == 0 ? applied : busy) += 1;
  }
  std::cout << "10 simultaneous runs of a 50k sync: " << applied << " applied, " << busy << " exited 75\n";
  CHECK(applied >= 1);  // a run started after the winner finished may apply (nothing): allowed
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log") == applied);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'succeeded'") == applied);
  CHECK(db.local_count("SELECT sum(inserted_count) FROM meter_sync_log") == 50000);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log a JOIN meter_sync_log b ON a.id < b.id"
                       " AND a.started_at < b.finished_at AND b.started_at < a.finished_at") == 0);
  CHECK(db.local_meters() == db.remote_meters(1));
}
