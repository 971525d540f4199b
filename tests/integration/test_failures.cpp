// Runs that cannot succeed: the exit code, the one-line message, the log row, the JSON.
#include <doctest/doctest.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

std::string last_log_error(TestDatabases& db) {
  return db.local("SELECT coalesce(error, '') FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0].as<std::string>();
}

int error_lines(const std::string& err) {
  int n = 0;
  for (size_t pos = err.find("error:"); pos != std::string::npos; pos = err.find("error:", pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("run: lock held by another session -> 75 at once, nothing else happens") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  pqxx::connection holder(db.local_conninfo());
  pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(63837)");

  const auto r = db.meter_sync({"run", "--json"});
  CHECK(r.exit_code == 75);
  const auto j = parse_json(r.out);
  CHECK(j["success"] == false);
  CHECK(j.contains("result") == false);
  CHECK(j["message"].get<std::string>().find("another meter sync is in progress") != std::string::npos);
  CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  CHECK(db.local_count("SELECT count(*) FROM pg_tables WHERE tablename = 'meter_sync_log'") == 0);

  SUBCASE("status sees it as syncing, without waiting") {
    CHECK(parse_json(db.meter_sync({"status", "--json"}).out)["is_syncing"] == true);
  }
  SUBCASE("another lock key is independent") {
    CHECK(db.meter_sync({"--lock-key", "42", "run"}).exit_code == 0);
  }
}

TEST_CASE("run: tenant problems -> 78, logged as a failed run") {
  SUBCASE("no tenant row") {
    SchemaOptions options;
    options.tenants = {};
    TestDatabases db(options);
    const auto r = db.meter_sync({"run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("table tenant has no row") != std::string::npos);
    CHECK(last_log_error(db).find("table tenant has no row") != std::string::npos);
  }
  SUBCASE("two tenant rows") {
    SchemaOptions options;
    options.tenants = {1, 2};
    TestDatabases db(options);
    const auto r = db.meter_sync({"run", "--json"});
    CHECK(r.exit_code == 78);
    CHECK(parse_json(r.out)["result"]["error"].get<std::string>().find("more than one row") != std::string::npos);
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'failed'") == 1);
    SUBCASE("--tenant-id settles it") {
      db.add_remote_meter(1, 2);
      CHECK(db.meter_sync({"run", "--tenant-id", "2"}).exit_code == 0);
      CHECK(db.local_count("SELECT count(*) FROM meter") == 1);
    }
  }
  SUBCASE("no tenant table") {
    TestDatabases db;
    db.local("DROP TABLE tenant");
    const auto r = db.meter_sync({"run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("table tenant not found") != std::string::npos);
  }
}

TEST_CASE("run: a missing column or table -> 78 naming it") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  SUBCASE("local column") {
    db.local("ALTER TABLE meter DROP COLUMN protocol");
    const auto r = db.meter_sync({"run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("local database") != std::string::npos);
    CHECK(r.err.find("table meter lacks column protocol") != std::string::npos);
    CHECK(error_lines(r.err) == 1);
  }
  SUBCASE("remote tenant column") {
    db.remote("ALTER TABLE meter DROP COLUMN tenant_id");
    const auto r = db.meter_sync({"run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("remote database") != std::string::npos);
    CHECK(r.err.find("lacks column tenant_id") != std::string::npos);
  }
  SUBCASE("remote table") {
    db.remote("DROP TABLE meter");
    const auto r = db.meter_sync({"run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("table meter not found") != std::string::npos);
  }
  CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'failed'") == 1);
}

TEST_CASE("run: unreachable remote -> 69, local unchanged, failure logged, no password shown") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.remote("DELETE FROM meter");
  const auto r = run_process({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "--remote-db",
                              "postgresql://reader:S3cretPw@127.0.0.1:1/remote", "run", "--json"});
  CHECK(r.exit_code == 69);
  CHECK(r.err.find("remote database 127.0.0.1:1/remote") != std::string::npos);
  CHECK(error_lines(r.err) == 1);
  CHECK(r.out.find("S3cretPw") == std::string::npos);
  CHECK(r.err.find("S3cretPw") == std::string::npos);
  const auto j = parse_json(r.out);
  CHECK(j["result"]["success"] == false);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 1);
  CHECK(last_log_error(db).find("remote database 127.0.0.1:1/remote") != std::string::npos);
  CHECK(last_log_error(db).find("S3cretPw") == std::string::npos);
}

TEST_CASE("run and status: unreachable local -> 69, one JSON object, one error line") {
  for (const std::string cmd : {"run", "status"}) {
    CAPTURE(cmd);
    const auto r = run_process({METER_SYNC_BINARY, "--local-db",
                                "host=127.0.0.1 port=1 dbname=sync user=u password=Hunter2pw",
                                "--remote-db", "host=127.0.0.1 port=1", cmd, "--json"});
    CHECK(r.exit_code == 69);
    CHECK(error_lines(r.err) == 1);
    CHECK(r.err.find("local database 127.0.0.1:1/sync") != std::string::npos);
    CHECK((r.out + r.err).find("Hunter2pw") == std::string::npos);
    const auto j = parse_json(r.out);
    if (cmd == "status") CHECK(j["error"].get<std::string>().find("127.0.0.1:1/sync") != std::string::npos);
    else CHECK(j.contains("result") == false);
  }
}

TEST_CASE("run: a run killed before it finished is reported as aborted, then closed by the next") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.local("INSERT INTO meter_sync_log (trigger) VALUES ('scheduled')");  // as a killed run leaves it

  const auto status = parse_json(db.meter_sync({"status", "--json"}).out);
  CHECK(status["last_sync_success"] == false);
  CHECK(status["last_sync_error"].get<std::string>().find("aborted") == 0);

  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'aborted'") == 1);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
  CHECK(parse_json(db.meter_sync({"status", "--json"}).out)["last_sync_success"] == true);
}
