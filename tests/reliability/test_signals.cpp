// SIGTERM and SIGINT while a run waits on the local database, on the remote one, or on a
// connection: the running statement is cancelled, everything rolled back, the failure logged
// as interrupted, exit 143 / 130.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "reliability/helpers.hpp"
#include "reliability/net_faults.hpp"

using namespace reliability;
using testing_support::parse_json;

namespace {

struct Interrupted {
  ProcessResult result;
  double seconds_after_signal = 0;
};

// Sends `sig` to `run` and waits for it.
Interrupted interrupt(Child& run, int sig) {
  const auto sent = std::chrono::steady_clock::now();
  run.signal(sig);
  Interrupted out{run.wait(), 0};
  out.seconds_after_signal = seconds_since(sent);
  return out;
}

void check_interrupted(TestDatabases& db, const Interrupted& i, int sig, const std::string& checksum_before) {
  const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  const std::string message = "interrupted by " + name + "; all changes rolled back";
  INFO("stderr: " << i.result.err);
  CHECK(i.result.exit_code == 128 + sig);
  CHECK(error_lines(i.result.err) == 1);
  CHECK(i.result.err.find(message) != std::string::npos);
  const auto j = parse_json(i.result.out);
  CHECK(j["success"] == false);
  CHECK(j["result"]["error"] == message);
  REQUIRE(wait_for_no_backends(db));
  CHECK(local_checksum(db) == checksum_before);
  const LogRow row = last_log_row(db);
  CHECK(row.status == "failed");
  CHECK(row.error == message);
  const auto status = parse_json(db.meter_sync({"status", "--json"}).out);
  CHECK(status["last_sync_success"] == false);
  CHECK(status["last_sync_error"] == message);
}

// A database with 50 synced meters and a pending change to each.
void prepare(TestDatabases& db) {
  for (int id = 1; id <= 50; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.remote("UPDATE meter SET name = 'renamed ' || id");
}

// Another session runs `lock_sql` in an open transaction on `conninfo`; a run started then
// waits on that lock (lock timeout 60 s) until `sig` arrives.
void interrupt_while_blocked(TestDatabases& db, const std::string& conninfo, const std::string& lock_sql, int sig) {
  const std::string before = local_checksum(db);
  pqxx::connection holder(conninfo);
  pqxx::work hold(holder);
  hold.exec(lock_sql);
  Child run = start_meter_sync(db, {"run", "--json", "--lock-timeout", "60"});
  REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
  const auto i = interrupt(run, sig);
  CHECK(i.seconds_after_signal < 2);
  hold.abort();
  check_interrupted(db, i, sig, before);
}

}  // namespace

TEST_CASE("signals: SIGTERM / SIGINT while the run waits on a local row lock") {
  for (const int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    TestDatabases db;
    prepare(db);
    interrupt_while_blocked(db, db.local_conninfo(), "SELECT 1 FROM meter WHERE id = 7 FOR UPDATE", sig);
  }
}

TEST_CASE("signals: SIGINT / SIGTERM while the remote fetch waits on a remote table lock") {
  for (const int sig : {SIGINT, SIGTERM}) {
    CAPTURE(sig);
    TestDatabases db;
    prepare(db);
    interrupt_while_blocked(db, db.remote_conninfo(), "LOCK TABLE meter IN ACCESS EXCLUSIVE MODE", sig);
  }
}

TEST_CASE("signals: SIGTERM while connecting to a silent remote ends within the connect timeout") {
  TestDatabases db;
  prepare(db);
  const std::string before = local_checksum(db);
  SilentListener silent;
  const auto remote = with_port(db.remote_conninfo(), silent.port());

  SUBCASE("one SIGTERM: the connection attempt ends at its timeout, then the run reports it") {
    Child run(meter_sync_argv(db.local_conninfo(), remote, {"--connect-timeout", "3", "run", "--json"}));
    REQUIRE(wait_until([&] { return silent.accepted() == 1; }, 10));
    const auto i = interrupt(run, SIGTERM);
    CHECK(i.seconds_after_signal < 3 + 2);
    check_interrupted(db, i, SIGTERM, before);
  }
  SUBCASE("a second SIGTERM ends the process at once; the run is then reported aborted") {
    Child run(meter_sync_argv(db.local_conninfo(), remote, {"--connect-timeout", "30", "run", "--json"}));
    REQUIRE(wait_until([&] { return silent.accepted() == 1; }, 10));
    run.signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto i = interrupt(run, SIGTERM);
    CHECK(i.result.exit_code == 143);
    CHECK(i.seconds_after_signal < 1);
    REQUIRE(wait_for_no_backends(db));
    CHECK(local_checksum(db) == before);
    CHECK(last_log_row(db).status == "running");
    const auto status = parse_json(db.meter_sync({"status", "--json"}).out);
    CHECK(status["last_sync_error"].get<std::string>().rfind("aborted", 0) == 0);
  }
}
