// The command line and configuration as a user meets them.
#include <doctest/doctest.h>

#include <fstream>
#include <unistd.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/meter-sync-test-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("cli: bad command line -> 64; --version and --help -> 0") {
  CHECK(run_process({METER_SYNC_BINARY}).exit_code == 64);
  CHECK(run_process({METER_SYNC_BINARY, "frobnicate"}).exit_code == 64);
  CHECK(run_process({METER_SYNC_BINARY, "run", "--trigger", "sometimes"}).exit_code == 64);
  CHECK(run_process({METER_SYNC_BINARY, "run", "--max-deactivate-percent", "101"}).exit_code == 64);
  const auto v = run_process({METER_SYNC_BINARY, "--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.find(std::string("meter-sync ") + METER_SYNC_PROJECT_VERSION + " (libpq 15.") == 0);
  CHECK(v.out.find("libpqxx 6.4") != std::string::npos);
  const auto h = run_process({METER_SYNC_BINARY, "--help"});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("--remote-db") != std::string::npos);
}

TEST_CASE("config: env file and environment, with flag > environment > file") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  db.add_remote_meter(2, 7);
  const std::string file = write_temp("# the Sync server's .env\nexport METER_SYNC_LOCAL_DB=\"" +
                                      db.local_conninfo() + "\"\nMETER_SYNC_REMOTE_DB='" +
                                      db.remote_conninfo() + "'\nMETER_SYNC_TENANT_ID=7\nUNRELATED=1\n");
  SUBCASE("file alone") {
    CHECK(run_process({METER_SYNC_BINARY, "--env-file", file, "run"}).exit_code == 0);
    CHECK(db.local_count("SELECT id FROM meter") == 2);
  }
  SUBCASE("environment beats the file") {
    CHECK(run_process({METER_SYNC_BINARY, "--env-file", file, "run"}, {{"METER_SYNC_TENANT_ID", "1"}}).exit_code == 0);
    CHECK(db.local_count("SELECT id FROM meter") == 1);
  }
  SUBCASE("the flag beats the environment") {
    CHECK(run_process({METER_SYNC_BINARY, "--env-file", file, "run", "--tenant-id", "7"},
                      {{"METER_SYNC_TENANT_ID", "1"}}).exit_code == 0);
    CHECK(db.local_count("SELECT id FROM meter") == 2);
  }
  SUBCASE("POSTGRES_CLIENT_* pieces fill in what the string leaves out") {
    const auto port = db.local("SELECT current_setting('port')")[0][0].as<std::string>();
    const auto remote_db = db.remote("SELECT current_database()")[0][0].as<std::string>();
    const auto r = run_process({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "run", "--tenant-id", "1"},
                               {{"POSTGRES_CLIENT_HOST", "127.0.0.1"}, {"POSTGRES_CLIENT_PORT", port},
                                {"POSTGRES_CLIENT_DB", remote_db}, {"POSTGRES_CLIENT_USER", "postgres"}});
    CHECK(r.exit_code == 0);
  }
  unlink(file.c_str());
}

TEST_CASE("config: a broken env file or bad value -> 78 with path:line") {
  const std::string file = write_temp("A=1\nthis line is wrong\n");
  auto r = run_process({METER_SYNC_BINARY, "--env-file", file, "status"});
  CHECK(r.exit_code == 78);
  CHECK(r.err.find(file + ":2: expected KEY=VALUE") != std::string::npos);
  r = run_process({METER_SYNC_BINARY, "--env-file", "/nonexistent/meter-sync.env", "status", "--json"});
  CHECK(r.exit_code == 78);
  CHECK(parse_json(r.out)["error"].get<std::string>().find("/nonexistent/meter-sync.env") != std::string::npos);
  r = run_process({METER_SYNC_BINARY, "run", "--json"}, {{"METER_SYNC_LOCK_KEY", "abc"}});
  CHECK(r.exit_code == 78);
  CHECK(r.err.find("METER_SYNC_LOCK_KEY (environment)") != std::string::npos);
  CHECK(parse_json(r.out)["success"] == false);
  unlink(file.c_str());
}
