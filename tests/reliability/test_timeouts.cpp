// Bounded waiting: lock and statement timeouts end a blocked run with 75 (rolled back, logged);
// every connection carries TCP keepalives and application_name=meter-sync.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "reliability/helpers.hpp"

using namespace reliability;
using testing_support::parse_json;
using testing_support::run_process;

namespace {

void prepare(TestDatabases& db) {
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.remote("UPDATE meter SET name = 'renamed ' || id");
}

// Runs `args` while another session holds `lock_sql` on `conninfo`: the run must give up with 75.
void check_times_out(TestDatabases& db, const std::string& conninfo, const std::string& lock_sql,
                     const std::vector<std::string>& args, const std::string& reason) {
  const std::string before = local_checksum(db);
  pqxx::connection holder(conninfo);
  pqxx::work hold(holder);
  hold.exec(lock_sql);
  const auto r = db.meter_sync(args);
  hold.abort();
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 75);
  CHECK(r.seconds < 6);
  CHECK(error_lines(r.err) == 1);
  CHECK(r.err.find(reason) != std::string::npos);
  REQUIRE(wait_for_no_backends(db));
  CHECK(local_checksum(db) == before);
  const LogRow row = last_log_row(db);
  CHECK(row.status == "failed");
  CHECK(row.error.find(reason) != std::string::npos);
}

}  // namespace

TEST_CASE("timeouts: a blocked run gives up with 75, rolled back and logged") {
  TestDatabases db;
  prepare(db);
  SUBCASE("local row lock: --lock-timeout") {
    check_times_out(db, db.local_conninfo(), "SELECT 1 FROM meter WHERE id = 3 FOR UPDATE",
                    {"--lock-timeout", "1", "run"}, "lock timeout");
  }
  SUBCASE("local table lock with no lock timeout: --statement-timeout") {
    check_times_out(db, db.local_conninfo(), "LOCK TABLE meter IN ACCESS EXCLUSIVE MODE",
                    {"--lock-timeout", "0", "--statement-timeout", "1", "run"}, "statement timeout");
  }
  SUBCASE("remote table lock: --statement-timeout on the remote") {
    check_times_out(db, db.remote_conninfo(), "LOCK TABLE meter IN ACCESS EXCLUSIVE MODE",
                    {"--statement-timeout", "1", "run"}, "remote database");
  }
}

TEST_CASE("timeouts: both connections carry TCP keepalives and application_name=meter-sync") {
  TestDatabases db;
  prepare(db);
  pqxx::connection holder(db.local_conninfo());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM meter WHERE id = 3 FOR UPDATE");
  Child run = start_meter_sync(db, {"run", "--lock-timeout", "60"});
  REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
  CHECK(meter_sync_backends(db) == 2);  // local and remote, both named

  // ss shows one timer per socket (a retransmission timer hides the keepalive one): sample a
  // few times until every socket of the process has shown its keepalive timer.
  const std::string pid = "pid=" + std::to_string(run.pid()) + ",";
  std::set<std::string> sockets, with_keepalive;
  bool have_ss = true;
  wait_until([&] {
    const auto ss = run_process({"/bin/sh", "-c", "command -v ss >/dev/null && ss -tnpoH state established"});
    have_ss = ss.exit_code == 0;
    std::istringstream lines(ss.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(pid) == std::string::npos) continue;
      std::istringstream fields(line);
      std::string recv_q, send_q, local_address;
      fields >> recv_q >> send_q >> local_address;
      sockets.insert(local_address);
      // meter-sync's keepalives_idle is 10 s; libpq's own default (the system's, 2 h) shows in min
      const auto timer = line.find("timer:(keepalive,");
      if (timer != std::string::npos && line.find("min", timer) == std::string::npos)
        with_keepalive.insert(local_address);
    }
    return !have_ss || (sockets.size() == 2 && with_keepalive == sockets);
  }, 3);
  if (have_ss) {
    CHECK(sockets.size() == 2);
    CHECK(with_keepalive == sockets);
  } else {
    MESSAGE("keepalive check skipped: no ss (iproute2) on this machine");
  }
  hold.commit();
  CHECK(run.wait().exit_code == 0);
}
