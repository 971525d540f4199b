// The progress line of `run`: drawn on a terminal (a pseudo-terminal from script(1)), erased at
// the end, and never written when stderr is not a terminal or the output is for a program.
#include <doctest/doctest.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

const std::string erase_line = "\r\033[K";

// meter-sync with its stdout and stderr on a pseudo-terminal; returns what the terminal got.
ProcessResult on_terminal(const TestDatabases& db, const std::string& args) {
  const std::string command = std::string(METER_SYNC_BINARY) + " " + args;
  return run_process({"/usr/bin/script", "-qfec", command, "/dev/null"},
                     {{"METER_SYNC_LOCAL_DB", db.local_conninfo()}, {"METER_SYNC_REMOTE_DB", db.remote_conninfo()}});
}

}  // namespace

TEST_CASE("progress: one updating line on a terminal, erased before the summary") {
  TestDatabases db;
  for (int id = 1; id <= 200; ++id) db.add_remote_meter(id, 1);
  const auto r = on_terminal(db, "run");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("meter-sync: connecting") != std::string::npos);
  CHECK(r.out.find("meter-sync: fetching ") != std::string::npos);
  CHECK(r.out.find(" of ~") != std::string::npos);  // the remote's estimate
  CHECK(r.out.find("meter-sync: committing") != std::string::npos);
  // Redrawn in place (carriage return, erase to the end), never a new line of its own.
  CHECK(r.out.find("(0:00)\r\n") == std::string::npos);
  const auto last_erase = r.out.rfind(erase_line);
  REQUIRE(last_erase != std::string::npos);
  CHECK(r.out.substr(last_erase + erase_line.size()) == "inserted 200, updated 0, deactivated 0, skipped 0\r\n");

  SUBCASE("a failure: the error line stands alone and the line is gone at the end") {
    db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
    const auto f = on_terminal(db, "run");
    CHECK(f.exit_code == 78);
    const auto error = f.out.find("meter-sync: error: ");
    REQUIRE(error != std::string::npos);
    CHECK(f.out.substr(error - erase_line.size(), erase_line.size()) == erase_line);
    CHECK(f.out.size() >= erase_line.size());
    CHECK(f.out.substr(f.out.size() - erase_line.size()) == erase_line);
  }
}

TEST_CASE("progress: nothing of it without a terminal, with --quiet, --json or --log-format json") {
  TestDatabases db;
  for (int id = 1; id <= 50; ++id) db.add_remote_meter(id, 1);
  auto no_progress = [](std::string text) {
    // a terminal turns each "\n" into "\r\n": any other carriage return would be the line's
    for (auto crlf = text.find("\r\n"); crlf != std::string::npos; crlf = text.find("\r\n", crlf)) text.erase(crlf, 1);
    CHECK(text.find('\r') == std::string::npos);
    CHECK(text.find('\033') == std::string::npos);
    CHECK(text.find("fetching") == std::string::npos);
    CHECK(text.find("connecting") == std::string::npos);
  };
  SUBCASE("pipes (cron mail, a log file)") {
    const auto r = db.meter_sync({"run"});
    REQUIRE(r.exit_code == 0);
    no_progress(r.err);
    no_progress(r.out);
  }
  SUBCASE("--quiet on a terminal") {
    const auto r = on_terminal(db, "--quiet run");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
  }
  SUBCASE("--json on a terminal") {
    const auto r = on_terminal(db, "run --json");
    REQUIRE(r.exit_code == 0);
    no_progress(r.out);
  }
  SUBCASE("--log-format json on a terminal") {
    const auto r = on_terminal(db, "--log-format json run");
    REQUIRE(r.exit_code == 0);
    no_progress(r.out);
  }
}
