// The web backend's contract (CONTRACT.md "Every --json output", "HTTP mapping"): every outcome
// of `run --json` and `status --json` prints exactly one JSON object with the exit status of
// the table; a failure has "success": false and a message the page can show. The objects are
// also checked against schema/*.json by the json_schema test (tests/support/process.cpp logs them).
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include "support/test_db.hpp"

using namespace testing_support;
using nlohmann::json;

namespace {

// stdout must be one JSON object on one line, nothing else.
json one_object(const ProcessResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(!r.out.empty());
  CHECK(r.out.back() == '\n');
  CHECK(r.out.find('\n') == r.out.size() - 1);
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  REQUIRE(j.is_object());
  REQUIRE(j.contains("success"));
  if (j["success"] == false) {
    REQUIRE(j["message"].is_string());
    CHECK(!j["message"].get<std::string>().empty());
  }
  return j;
}

// The mapping README and the man page give the backend author ("For web backends").
int http_status(int exit_code, const json& j) {
  if (exit_code == 0) return 200;
  if (exit_code == 65) return j["success"] == true ? 200 : 422;
  if (exit_code == 75) return 409;
  if (exit_code == 69) return 503;
  return 500;
}

std::string message_of(const json& j) { return j["message"].get<std::string>(); }

}  // namespace

TEST_CASE("web contract: every row of the HTTP mapping, from run --json") {
  TestDatabases db;
  for (int id = 1; id <= 12; ++id) db.add_remote_meter(id, 1);

  SUBCASE("committed: 0, success true, 200") {
    const auto r = db.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 0);
    CHECK(j["success"] == true);
    CHECK(j["result"]["inserted"] == 12);
    CHECK(http_status(r.exit_code, j) == 200);
  }
  SUBCASE("committed with a meter skipped: 65, success true, result.skipped > 0, 200") {
    db.remote("UPDATE meter SET name = '' WHERE id = 3");
    const auto r = db.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 65);
    CHECK(j["success"] == true);
    CHECK(j["result"]["skipped"] == 1);
    CHECK(j["result"]["inserted"] == 11);
    CHECK(http_status(r.exit_code, j) == 200);
  }
  SUBCASE("guard refused: 65, success false, 422") {
    REQUIRE(db.meter_sync({"run"}).exit_code == 0);
    db.remote("DELETE FROM meter");
    const auto r = db.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 65);
    CHECK(j["success"] == false);
    CHECK(message_of(j).find("--max-deactivate-percent") != std::string::npos);
    CHECK(j["result"]["success"] == false);
    CHECK(http_status(r.exit_code, j) == 422);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 12);
  }
  SUBCASE("lock busy: 75, success false, no result, 409") {
    pqxx::connection holder(db.local_conninfo());
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(63837)");
    const auto r = db.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 75);
    CHECK(j["success"] == false);
    CHECK_FALSE(j.contains("result"));
    CHECK(message_of(j).find("another meter sync is in progress") != std::string::npos);
    CHECK(http_status(r.exit_code, j) == 409);
  }
  SUBCASE("remote unreachable: 69, success false, 503") {
    const auto r = run_process({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "--remote-db",
                                "host=127.0.0.1 port=1 dbname=remote", "run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 69);
    CHECK(j["success"] == false);
    CHECK(message_of(j).find("remote database 127.0.0.1:1/remote") != std::string::npos);
    CHECK(http_status(r.exit_code, j) == 503);
  }
  SUBCASE("bad command line: 64, success false, 500") {
    const auto r = db.meter_sync({"run", "--json", "--bogus"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 64);
    CHECK(j["success"] == false);
    CHECK(message_of(j).find("--bogus") != std::string::npos);
    CHECK(http_status(r.exit_code, j) == 500);
  }
  SUBCASE("configuration: 78, success false, 500") {
    SchemaOptions two_tenants;
    two_tenants.tenants = {1, 2};
    TestDatabases two(two_tenants);
    const auto r = two.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 78);
    CHECK(j["success"] == false);
    CHECK(message_of(j).find("more than one row") != std::string::npos);
    CHECK(http_status(r.exit_code, j) == 500);
  }
  SUBCASE("any other failure: 1, success false, 500") {
    // An error the tool has no class for (SQLSTATE P0001 from a trigger): exit 1, rolled back.
    db.local("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
             "$$BEGIN RAISE EXCEPTION 'meter is frozen for maintenance'; END$$");
    db.local("CREATE TRIGGER frozen BEFORE INSERT ON meter FOR EACH ROW EXECUTE FUNCTION refuse()");
    const auto r = db.meter_sync({"run", "--json"});
    const auto j = one_object(r);
    CHECK(r.exit_code == 1);
    CHECK(j["success"] == false);
    CHECK(message_of(j).find("meter is frozen for maintenance") != std::string::npos);
    CHECK(http_status(r.exit_code, j) == 500);
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
}

TEST_CASE("web contract: --json prints one object with a message on every failure path") {
  const std::string bad_bytes = "no\xff\xfe" "db";
  const std::string replaced = "no\xef\xbf\xbd\xef\xbf\xbd" "db";  // U+FFFD twice
  for (const std::string cmd : {"run", "status"}) {
    CAPTURE(cmd);
    SUBCASE("a flag that does not exist: 64") {
      const auto r = run_process({METER_SYNC_BINARY, cmd, "--json", "--bogus"});
      CHECK(r.exit_code == 64);
      CHECK(message_of(one_object(r)).find("--bogus") != std::string::npos);
    }
    SUBCASE("--json before the bad flag or after it, even before the command: 64") {
      for (const auto& argv : std::vector<std::vector<std::string>>{
               {METER_SYNC_BINARY, "--bogus", cmd, "--json"},
               {METER_SYNC_BINARY, "--json", cmd}}) {
        const auto r = run_process(argv);
        CHECK(r.exit_code == 64);
        CHECK(one_object(r)["success"] == false);
      }
    }
    SUBCASE("a bad value: 64") {
      const auto r = run_process({METER_SYNC_BINARY, "--log-level", "loud", cmd, "--json"});
      CHECK(r.exit_code == 64);
      CHECK(message_of(one_object(r)).find("loud") != std::string::npos);
    }
    SUBCASE("bytes that are not UTF-8 in a setting: 78, replaced") {
      const auto r = run_process({METER_SYNC_BINARY, cmd, "--json"}, {{"METER_SYNC_LOCK_KEY", bad_bytes}});
      CHECK(r.exit_code == 78);
      const auto j = one_object(r);
      CHECK(message_of(j).find("METER_SYNC_LOCK_KEY") != std::string::npos);
      CHECK(message_of(j).find(replaced) != std::string::npos);
    }
    SUBCASE("bytes that are not UTF-8 on the command line: 64") {
      const auto r = run_process({METER_SYNC_BINARY, "--log-format", bad_bytes, cmd, "--json"});
      CHECK(r.exit_code == 64);
      CHECK(message_of(one_object(r)).find(replaced) != std::string::npos);
    }
    SUBCASE("a database name that is not UTF-8, local database down: 69, no crash") {
      const auto r = run_process({METER_SYNC_BINARY, cmd, "--json"},
                                 {{"METER_SYNC_LOCAL_DB", std::nullopt},
                                  {"POSTGRES_SYNC_HOST", "127.0.0.1"},
                                  {"POSTGRES_SYNC_PORT", "1"},
                                  {"POSTGRES_SYNC_DB", bad_bytes}});
      CHECK(r.exit_code == 69);
      const auto j = one_object(r);
      CHECK(message_of(j).find("local database 127.0.0.1:1/" + replaced) != std::string::npos);
      if (cmd == "status") CHECK(j["error"] == j["message"]);
    }
  }
}

TEST_CASE("web contract: a database name that is not UTF-8 on a reachable server") {
  TestDatabases db;
  const auto port = db.local("SELECT current_setting('port')")[0][0].as<std::string>();
  for (const std::string cmd : {"run", "status"}) {
    CAPTURE(cmd);
    const auto r = run_process({METER_SYNC_BINARY, "--remote-db", db.remote_conninfo(), cmd, "--json"},
                               {{"METER_SYNC_LOCAL_DB", std::nullopt},
                                {"POSTGRES_SYNC_HOST", "127.0.0.1"},
                                {"POSTGRES_SYNC_PORT", port},
                                {"POSTGRES_SYNC_USER", "postgres"},
                                {"POSTGRES_SYNC_DB", "no\xff\xfe" "db"}});
    INFO(r.err);
    CHECK(r.exit_code != 134);  // SIGABRT before
    CHECK((r.exit_code == 78 || r.exit_code == 69));
    CHECK(one_object(r)["success"] == false);
  }
}

TEST_CASE("web contract: --help and --version stay text") {
  const auto h = run_process({METER_SYNC_BINARY, "status", "--json", "--help"});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("--max-age") != std::string::npos);
  CHECK(h.out.front() != '{');
}

TEST_CASE("web contract: status --json stopped by SIGTERM still prints one object, exit 143") {
  TestDatabases db;
  // Someone (not meter-sync) holds the meter table: status waits for it, up to --lock-timeout.
  pqxx::connection holder(db.local_conninfo());
  pqxx::work hold(holder);
  hold.exec("LOCK TABLE meter IN ACCESS EXCLUSIVE MODE");
  Child child({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "status", "--json"});
  usleep(1500 * 1000);  // well inside the 30 s lock timeout
  child.signal(SIGTERM);
  const auto r = child.wait();
  CHECK(r.exit_code == 143);
  const auto j = one_object(r);
  CHECK(message_of(j) == "interrupted by SIGTERM");
  CHECK(j["error"] == j["message"]);
}
