// The local database cannot be reached, never answers, or is lost during a run: exit 69, one
// line naming the host, nothing printed twice; a run lost midway is reported as aborted.
#include <doctest/doctest.h>

#include "reliability/helpers.hpp"
#include "reliability/net_faults.hpp"

using namespace reliability;
using testing_support::parse_json;
using testing_support::run_process;

namespace {

// exit 69, one error line naming `label` (also in the JSON), no line printed twice.
void check_local_unavailable(const ProcessResult& r, const std::string& command, const std::string& label) {
  INFO("stderr: " << r.err);
  INFO("stdout: " << r.out);
  CHECK(r.exit_code == 69);
  CHECK(error_lines(r.err) == 1);
  CHECK(repeated_line(r.err) == "");
  CHECK(r.err.find(label) != std::string::npos);
  CHECK(r.out.find('\n') == r.out.size() - 1);  // exactly one JSON line
  const auto j = parse_json(r.out);
  if (command == "status") {
    CHECK(j["error"].get<std::string>().find(label) != std::string::npos);
  } else {
    CHECK(j["success"] == false);
    CHECK(j["message"].get<std::string>().find(label) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("local unreachable: closed port given through POSTGRES_SYNC_* -> 69 naming the host") {
  const int port = closed_port();
  const EnvOverrides env = {{"POSTGRES_SYNC_HOST", "127.0.0.1"}, {"POSTGRES_SYNC_PORT", std::to_string(port)},
                            {"POSTGRES_SYNC_DB", "sync"}, {"POSTGRES_SYNC_USER", "sync"},
                            {"POSTGRES_CLIENT_HOST", "127.0.0.1"}, {"POSTGRES_CLIENT_PORT", "1"}};
  for (const std::string command : {"run", "status"}) {
    CAPTURE(command);
    const auto r = run_process(meter_sync_argv("", "", {command, "--json"}), env);
    check_local_unavailable(r, command, "local database 127.0.0.1:" + std::to_string(port) + "/sync");
    CHECK(r.seconds < 3);
  }
}

TEST_CASE("local silent: 69 naming the host within the connect timeout + 2 s") {
  SilentListener silent;
  const std::string local = "host=127.0.0.1 port=" + std::to_string(silent.port()) + " dbname=sync";
  for (const std::string command : {"run", "status"}) {
    CAPTURE(command);
    const auto r = run_process(meter_sync_argv(local, "host=127.0.0.1 port=1", {"--connect-timeout", "2", command, "--json"}));
    check_local_unavailable(r, command, "local database 127.0.0.1:" + std::to_string(silent.port()) + "/sync");
    CHECK(r.seconds >= 1.5);
    CHECK(r.seconds < 4);
  }
}

TEST_CASE("local lost during a run: 69 naming the host, rolled back, reported aborted, next run converges") {
  TestDatabases db;
  for (int id = 1; id <= 50; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.remote("UPDATE meter SET name = 'renamed ' || id");
  const std::string before = local_checksum(db);
  const std::string host = conn_param(db.local_conninfo(), "host");
  if (host.empty() || host[0] == '/') {
    MESSAGE("skipped: the test cluster is not reached over TCP");
    return;
  }
  TcpProxy proxy(host, std::stoi(conn_param(db.local_conninfo(), "port")));

  // The run waits in its UPDATE for a row another session holds; then the network goes.
  pqxx::connection holder(db.local_conninfo());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM meter WHERE id = 7 FOR UPDATE");
  Child run(meter_sync_argv(with_port(db.local_conninfo(), proxy.port()), db.remote_conninfo(),
                            {"run", "--json", "--lock-timeout", "60"}));
  REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
  proxy.cut_now();
  const auto r = run.wait();
  check_local_unavailable(r, "run", "local database " + host + ":" + std::to_string(proxy.port()));
  CHECK(r.seconds < 10);

  hold.commit();
  REQUIRE(wait_for_no_backends(db));  // the orphaned backend finishes its UPDATE, then rolls back
  CHECK(local_checksum(db) == before);
  CHECK(last_log_row(db).status == "running");  // nobody could close it
  const auto status = parse_json(db.meter_sync({"status", "--json"}).out);
  CHECK(status["last_sync_success"] == false);
  CHECK(status["last_sync_error"].get<std::string>().rfind("aborted", 0) == 0);

  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  CHECK(db.local_meters() == db.remote_meters(1));
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'aborted'") == 1);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
}
