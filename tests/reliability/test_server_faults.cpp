// The local server itself fails mid-run (issue 14): a fast restart during the apply, and a
// disk that fills up during the apply. Exit 69 / 1, nothing half-applied, the next run converges.
#include <doctest/doctest.h>

#include <unistd.h>

#include <iostream>
#include <thread>

#include "reliability/host_runs.hpp"

using namespace reliability;
using testing_support::parse_json;

namespace {

// A statement on a test connection that the server restart may have broken: libpqxx
// reconnects on the next call.
template <typename F>
auto after_restart(F&& f) -> decltype(f()) {
  for (int attempt = 0;; ++attempt) {
    try {
      return f();
    } catch (const pqxx::broken_connection&) {
      if (attempt == 20) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

// The run that gets hit: every meter changed remotely; meter 1 held by another session, so
// the run waits in its UPDATE, part of the rows already written.
struct HeldRun {
  pqxx::connection holder;
  pqxx::work hold;
  std::future<ProcessResult> run;
  HeldRun(TestDatabases& db, const std::vector<std::string>& args)
      : holder(db.local_conninfo()), hold(holder) {
    hold.exec("SELECT 1 FROM meter WHERE id = 1 FOR UPDATE");
    run = in_background(start_meter_sync(db, args));
    REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
  }
};

}  // namespace

TEST_CASE("server faults: the local server restarts mid-apply: exit 69, nothing applied, status 69, next run converges") {
  PgServer& server = shared_server();
  UseServer use(server);
  TestDatabases db;
  add_remote_meters(db, 1, 1, 2000);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  db.remote("UPDATE meter SET notes = 'after restart', updated_at = now()");
  const std::string before = local_checksum(db);

  SUBCASE("pg_ctl restart -m fast") {
    HeldRun held(db, {"run", "--json"});
    server.restart_fast();
    const auto r = held.run.get();
    INFO(r.err);
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("local database") != std::string::npos);
    CHECK(parse_json(r.out)["success"] == false);
  }
  SUBCASE("stopped (status while it is down), then started") {
    HeldRun held(db, {"run", "--json"});
    server.pg_ctl({"-w", "-s", "-m", "fast", "stop"});
    const auto r = held.run.get();
    INFO(r.err);
    CHECK(r.exit_code == 69);
    const auto status = db.meter_sync({"status", "--json"});
    CHECK(status.exit_code == 69);
    const auto j = parse_json(status.out);
    CHECK(j["error"].get<std::string>().find("local database") != std::string::npos);
    server.restart_fast();  // pg_ctl restart starts a stopped server
  }
  after_restart([&] { return db.local("SELECT 1"); });  // the test's own sessions were cut too
  after_restart([&] { return db.remote("SELECT 1"); });
  CHECK(local_checksum(db) == before);  // nothing half-applied
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'succeeded'") == 1);
  const auto next = db.meter_sync({"run"});
  INFO(next.err);
  CHECK(next.exit_code == 0);
  CHECK(local_checksum(db) == expected_checksum(db, 1, 1));
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log") == 3);  // first, the hit one (failed or aborted), next
}

TEST_CASE("server faults: the local disk fills up during the apply: exit 1 naming the database, rolled back, converges") {
  if (geteuid() != 0) {
    MESSAGE("skipped: mounting a small filesystem needs root (CI runs the tests as root)");
    return;
  }
  PgServer& server = shared_server();
  UseServer use(server);
  std::string dir = "/tmp/meter-sync-small-disk.XXXXXX";
  REQUIRE(mkdtemp(dir.data()));
  must_run({"mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", dir});
  struct Unmount {
    std::string dir;
    ~Unmount() {
      run_cmd({"umount", "-l", dir});
      run_cmd({"rmdir", dir});
    }
  } unmount{dir};
  PgServer::chown_to_cluster_user(dir);
  const std::string tablespace = "small_disk_" + std::to_string(getpid());
  TestDatabases db;
  db.local("CREATE TABLESPACE " + tablespace + " LOCATION '" + dir + "'");
  db.local("ALTER TABLE meter SET TABLESPACE " + tablespace);
  add_remote_meters(db, 1, 1, 2000);  // about 1 MB: fits
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  add_remote_meters(db, 1, 2001, 20000);  // about 9 MB more: does not
  const std::string before = local_checksum(db);

  const auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("local database") != std::string::npos);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  CHECK(error_lines(r.err) == 1);
  CHECK(parse_json(r.out)["result"]["error"].get<std::string>().find("No space left on device") != std::string::npos);
  CHECK(local_checksum(db) == before);
  const LogRow row = last_log_row(db);
  CHECK(row.status == "failed");
  CHECK(row.error.find("No space left on device") != std::string::npos);

  must_run({"mount", "-o", "remount,size=64M", dir});  // space freed
  const auto next = db.meter_sync({"run"});
  INFO(next.err);
  CHECK(next.exit_code == 0);
  CHECK(local_checksum(db) == expected_checksum(db, 1, 1));
  std::cout << "local disk full during the apply: exit " << r.exit_code << " after " << r.seconds
            << " s; converged after the space was freed\n";
  db.local("ALTER TABLE meter SET TABLESPACE pg_default");
  db.local("DROP TABLESPACE " + tablespace);
}
