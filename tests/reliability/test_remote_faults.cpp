// The remote database goes away mid-stream, refuses connections, or never answers: exit 69
// within the connect timeout, the local table unchanged, the failure logged and shown by status.
#include <doctest/doctest.h>

#include <iostream>

#include "reliability/helpers.hpp"
#include "reliability/net_faults.hpp"

using namespace reliability;
using testing_support::parse_json;
using testing_support::run_process;

namespace {

// A failed run as the contract wants it: exit 69, one clear line naming the remote, the same
// reason in the JSON, the log row and status, and the local table as it was.
void check_remote_failure(TestDatabases& db, const ProcessResult& r, const std::string& remote_label,
                          const std::string& checksum_before) {
  INFO("stderr: " << r.err);
  INFO("stdout: " << r.out);
  CHECK(r.exit_code == 69);
  CHECK(error_lines(r.err) == 1);
  CHECK(repeated_line(r.err) == "");
  CHECK(r.err.find(remote_label) != std::string::npos);
  const auto j = parse_json(r.out);
  CHECK(j["success"] == false);
  CHECK(j["result"]["success"] == false);
  CHECK(j["result"]["error"].get<std::string>().find(remote_label) != std::string::npos);
  CHECK(local_checksum(db) == checksum_before);
  const LogRow row = last_log_row(db);
  CHECK(row.status == "failed");
  CHECK(row.error.find(remote_label) != std::string::npos);
  const auto status = parse_json(db.meter_sync({"status", "--json"}).out);
  CHECK(status["last_sync_success"] == false);
  CHECK(status["last_sync_error"].get<std::string>().find(remote_label) != std::string::npos);
  CHECK(status["is_syncing"] == false);
}

}  // namespace

TEST_CASE("remote lost mid-stream: exit 69, local unchanged, failure logged, status shows it") {
  TestDatabases db;
  add_remote_meters(db, 1, 1, 30000);
  std::int64_t min_stream = 5'000'000;
  SUBCASE("first load into an empty table") {}
  SUBCASE("every meter changed") {
    REQUIRE(db.meter_sync({"run"}).exit_code == 0);
    db.remote("UPDATE meter SET notes = 'changed', updated_at = now()");
  }
  SUBCASE("a few meters changed (fetched by key)") {
    REQUIRE(db.meter_sync({"run"}).exit_code == 0);
    db.remote("UPDATE meter SET notes = 'changed', updated_at = now() WHERE id % 100 = 0");
    min_stream = 300'000;
  }
  const std::string before = local_checksum(db);
  const auto failed_before = db.local_count("SELECT count(*) FROM pg_tables WHERE tablename = 'meter_sync_log'")
                                 ? db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'failed'")
                                 : 0;
  const std::string host = conn_param(db.remote_conninfo(), "host");
  if (host.empty() || host[0] == '/') {
    MESSAGE("skipped: the test cluster is not reached over TCP");
    return;
  }
  const int port = std::stoi(conn_param(db.remote_conninfo(), "port"));

  std::int64_t stream_bytes = 0;
  {  // how many bytes a complete fetch sends (a dry run changes nothing)
    TcpProxy proxy(host, port);
    const auto r = run_process(meter_sync_argv(db.local_conninfo(), with_port(db.remote_conninfo(), proxy.port()),
                                               {"run", "--dry-run", "--json"}));
    REQUIRE(r.exit_code == 0);
    stream_bytes = proxy.server_bytes();
  }
  REQUIRE(stream_bytes > min_stream);
  for (const double share : {0.0, 0.0001, 0.1, 0.5, 0.99}) {
    CAPTURE(share);
    TcpProxy proxy(host, port);
    if (share == 0.0) proxy.cut_now();  // accepts the connection and drops it at once
    else proxy.cut_after_server_bytes(static_cast<std::int64_t>(share * static_cast<double>(stream_bytes)));
    const auto r = run_process(meter_sync_argv(db.local_conninfo(), with_port(db.remote_conninfo(), proxy.port()),
                                               {"run", "--json"}));
    CHECK(proxy.cut());
    check_remote_failure(db, r, "remote database " + host + ":" + std::to_string(proxy.port()), before);
    CHECK(r.seconds < 30);
  }
  REQUIRE(wait_for_no_backends(db));
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'failed'") == failed_before + 5);

  // the network is back: the next run converges
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  CHECK(db.local_meters() == db.remote_meters(1));
}

TEST_CASE("remote unreachable or silent: exit 69 within the connect timeout + 2 s") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  const std::string before = local_checksum(db);
  double worst_closed = 0, worst_silent = 0;

  SUBCASE("closed port") {
    const int port = closed_port();
    const auto r = run_process(meter_sync_argv(db.local_conninfo(), with_port(db.remote_conninfo(), port),
                                               {"--connect-timeout", "2", "run", "--json"}));
    check_remote_failure(db, r, "remote database 127.0.0.1:" + std::to_string(port), before);
    CHECK(r.err.find("Connection refused") != std::string::npos);
    CHECK(r.seconds < 4);
    worst_closed = std::max(worst_closed, r.seconds);
  }
  SUBCASE("silent listener") {
    struct Case {
      std::vector<std::string> options;
      EnvOverrides env;
      int timeout;
    };
    const std::vector<Case> cases = {
        {{"--connect-timeout", "2"}, {}, 2},
        {{}, {{"METER_SYNC_CONNECT_TIMEOUT", "3"}}, 3},
        {{}, {}, 10},  // the default
    };
    for (const auto& c : cases) {
      CAPTURE(c.timeout);
      SilentListener silent;
      std::vector<std::string> args = c.options;
      args.insert(args.end(), {"run", "--json"});
      const auto r = run_process(meter_sync_argv(db.local_conninfo(), with_port(db.remote_conninfo(), silent.port()), args),
                                 c.env);
      check_remote_failure(db, r, "remote database 127.0.0.1:" + std::to_string(silent.port()), before);
      CHECK(r.err.find("timeout expired") != std::string::npos);
      CHECK(silent.accepted() >= 1);
      CHECK(r.seconds >= c.timeout - 0.5);
      CHECK(r.seconds < c.timeout + 2);
      worst_silent = std::max(worst_silent, r.seconds - c.timeout);
    }
  }
  if (worst_closed > 0) std::cout << "remote on a closed port: failed (69) after " << worst_closed << " s\n";
  if (worst_silent > 0)
    std::cout << "remote silent: failed (69) at most " << worst_silent << " s after the connect timeout\n";
}
