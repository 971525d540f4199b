// Monitoring: the --metrics-file textfile (parsed by the Prometheus client's own parser and
// linted by promtool), status's last_success_at and --max-age, the progress line on a terminal.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_db.hpp"

using namespace testing_support;
namespace fs = std::filesystem;

namespace {

// A fresh directory for the metrics file, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "meter-sync-metrics-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() { fs::remove_all(path); }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    return out;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every sample of a metrics file as {"name" or "name{label=value}": value}, read by
// prometheus_client's text parser (Debian's python3-prometheus-client).
nlohmann::json parse_metrics(const fs::path& file) {
  const char* script =
      "import json, sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "out = {}\n"
      "for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    assert family.documentation, family.name + ' has no HELP'\n"
      "    assert family.type == 'gauge', family.name + ' is ' + family.type\n"
      "    for s in family.samples:\n"
      "        labels = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))\n"
      "        out[s.name + ('{' + labels + '}' if labels else '')] = s.value\n"
      "print(json.dumps(out))\n";
  const auto r = run_process({"/usr/bin/python3", "-c", script, file.string()});
  INFO(r.err);
  REQUIRE_MESSAGE(r.exit_code == 0, "python3-prometheus-client could not parse " << file << " (scripts/install-deps.sh installs it)");
  return parse_json(r.out);
}

void promtool_check_metrics(const fs::path& file) {
  const auto r = run_process({"/bin/sh", "-c", "promtool check metrics < \"$0\"", file.string()});
  INFO(r.out << r.err);
  CHECK_MESSAGE(r.exit_code == 0, "promtool check metrics failed (promtool comes from scripts/install-deps.sh)");
}

double epoch_seconds(TestDatabases& db, const std::string& sql) {
  return std::stod(db.local(sql)[0][0].as<std::string>());
}

}  // namespace

TEST_CASE("metrics file: a successful run, then a failed one") {
  TestDatabases db;
  TempDir dir;
  const fs::path file = dir.path / "meter-sync.prom";
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  db.add_remote_meter(6, 2);  // another tenant's: not counted
  db.remote("UPDATE meter SET name = '' WHERE id = 5");  // skipped
  db.local("INSERT INTO meter (id, name, type, status, active) VALUES (40, 'gone', 't', 's', true)");

  const auto r = db.meter_sync({"--metrics-file", file.string(), "run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 65);
  CHECK((fs::status(file).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read));
  CHECK(dir.entries() == std::vector<std::string>{"meter-sync.prom"});  // no temp file left
  promtool_check_metrics(file);
  auto m = parse_metrics(file);
  CHECK(m["meter_sync_last_run_success"] == 1);
  CHECK(m["meter_sync_last_run_exit_code"] == 65);
  CHECK(m["meter_sync_last_run_meters{change=inserted}"] == 4);
  CHECK(m["meter_sync_last_run_meters{change=updated}"] == 0);
  CHECK(m["meter_sync_last_run_meters{change=deactivated}"] == 1);
  CHECK(m["meter_sync_last_run_meters{change=skipped}"] == 1);
  CHECK(m["meter_sync_active_meters"] == 4);
  const double finished = epoch_seconds(db, "SELECT extract(epoch FROM finished_at) FROM meter_sync_log");
  CHECK(m["meter_sync_last_success_timestamp_seconds"].get<double>() == doctest::Approx(finished).epsilon(1e-11));
  CHECK(m["meter_sync_last_run_timestamp_seconds"].get<double>() == doctest::Approx(finished).epsilon(1e-11));
  CHECK(m["meter_sync_last_run_duration_seconds"].get<double>() > 0);
  CHECK(m["meter_sync_last_run_duration_seconds"].get<double>() < r.seconds + 0.01);
  const double last_success = m["meter_sync_last_success_timestamp_seconds"];

  // Failed: the remote table loses a column (78): nothing applied, the last success stays.
  db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
  const auto failed = db.meter_sync({"run"}, {{"METER_SYNC_METRICS_FILE", file.string()}});
  REQUIRE(failed.exit_code == 78);
  promtool_check_metrics(file);
  m = parse_metrics(file);
  CHECK(m["meter_sync_last_run_success"] == 0);
  CHECK(m["meter_sync_last_run_exit_code"] == 78);
  CHECK(m["meter_sync_last_run_meters{change=inserted}"] == 0);
  CHECK(m["meter_sync_last_run_meters{change=skipped}"] == 0);
  CHECK(m["meter_sync_last_success_timestamp_seconds"] == last_success);
  CHECK(m["meter_sync_last_run_timestamp_seconds"].get<double>() > last_success);
  CHECK(m["meter_sync_active_meters"] == 4);
  CHECK(dir.entries() == std::vector<std::string>{"meter-sync.prom"});

  SUBCASE("a dry run leaves the file as it is") {
    db.remote("ALTER TABLE meter RENAME COLUMN state TO status");
    const std::string before = slurp(file);
    REQUIRE(db.meter_sync({"--metrics-file", file.string(), "run", "--dry-run"}).exit_code == 65);
    CHECK(slurp(file) == before);
  }
}

TEST_CASE("metrics file: lock busy (75) and unreachable databases are runs too") {
  TestDatabases db;
  TempDir dir;
  const fs::path file = dir.path / "meter-sync.prom";
  db.add_remote_meter(1, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);

  SUBCASE("lock busy") {
    pqxx::connection holder(db.local_conninfo());
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(63837)");
    REQUIRE(db.meter_sync({"--metrics-file", file.string(), "run"}).exit_code == 75);
    const auto m = parse_metrics(file);
    CHECK(m["meter_sync_last_run_success"] == 0);
    CHECK(m["meter_sync_last_run_exit_code"] == 75);
    CHECK(m.contains("meter_sync_last_success_timestamp_seconds"));
    CHECK(m["meter_sync_active_meters"] == 1);
  }
  SUBCASE("remote unreachable: the local facts are still there") {
    const auto r = run_process({METER_SYNC_BINARY, "--local-db", db.local_conninfo(), "--remote-db",
                                "host=127.0.0.1 port=1 dbname=none connect_timeout=5", "--metrics-file",
                                file.string(), "run"});
    REQUIRE(r.exit_code == 69);
    const auto m = parse_metrics(file);
    CHECK(m["meter_sync_last_run_exit_code"] == 69);
    CHECK(m.contains("meter_sync_last_success_timestamp_seconds"));
    CHECK(m["meter_sync_active_meters"] == 1);
  }
  SUBCASE("local unreachable: what only the local database knows is left out") {
    const auto r = run_process({METER_SYNC_BINARY, "--local-db", "host=127.0.0.1 port=1 dbname=none connect_timeout=5",
                                "--remote-db", db.remote_conninfo(), "--metrics-file", file.string(), "run"});
    REQUIRE(r.exit_code == 69);
    promtool_check_metrics(file);
    const auto m = parse_metrics(file);
    CHECK(m["meter_sync_last_run_success"] == 0);
    CHECK(m["meter_sync_last_run_exit_code"] == 69);
    CHECK_FALSE(m.contains("meter_sync_last_success_timestamp_seconds"));
    CHECK_FALSE(m.contains("meter_sync_active_meters"));
  }
}

TEST_CASE("metrics file: a path that cannot be written is a warning; the exit status stays") {
  TestDatabases db;
  TempDir dir;
  db.add_remote_meter(1, 1);
  SUBCASE("missing directory") {
    const std::string path = (dir.path / "missing" / "meter-sync.prom").string();
    const auto r = db.meter_sync({"--metrics-file", path, "run", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(parse_json(r.out)["success"] == true);
    CHECK(r.err.find("warn") != std::string::npos);
    CHECK(r.err.find("metrics file " + path + " not written: cannot create a temporary file in") != std::string::npos);
  }
  SUBCASE("the path is a directory") {
    fs::create_directory(dir.path / "d.prom");
    const auto r = db.meter_sync({"--metrics-file", (dir.path / "d.prom").string(), "run"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("not written: cannot rename") != std::string::npos);
    CHECK(dir.entries() == std::vector<std::string>{"d.prom"});  // the temp file removed
  }
  SUBCASE("a failed run keeps its own exit status") {
    db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
    const auto r = db.meter_sync({"--metrics-file", (dir.path / "missing" / "m.prom").string(), "run"});
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("not written") != std::string::npos);
  }
}

TEST_CASE("metrics file: a reader never sees a half-written file while runs rewrite it") {
  TestDatabases db;
  TempDir dir;
  const fs::path file = dir.path / "meter-sync.prom";
  for (int id = 1; id <= 3; ++id) db.add_remote_meter(id, 1);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, torn{0};
  std::string bad;
  std::thread reader([&] {
    while (!done) {
      std::ifstream in(file, std::ios::binary);
      if (!in) continue;  // not written yet
      std::ostringstream s;
      s << in.rdbuf();
      const std::string text = s.str();
      ++reads;
      // whole: starts with the first HELP line, ends with the last metric's sample
      if (text.rfind("# HELP meter_sync_last_run_timestamp_seconds ", 0) != 0 ||
          text.find("\nmeter_sync_active_meters ") == std::string::npos || text.back() != '\n') {
        if (torn++ == 0) bad = text;
      }
    }
  });
  for (int i = 0; i < 8; ++i) {
    if (i % 2) db.remote("UPDATE meter SET name = name || 'x' WHERE id = 1");
    CHECK(db.meter_sync({"--metrics-file", file.string(), "run"}).exit_code == 0);
  }
  done = true;
  reader.join();
  INFO("first torn read: [" << bad << "]");
  MESSAGE("reads: " << reads.load() << ", torn: " << torn.load());
  CHECK(torn == 0);
  CHECK(reads > 8);
  CHECK(dir.entries() == std::vector<std::string>{"meter-sync.prom"});
}

TEST_CASE("status: last_success_at before any run, after a success, after a later failure") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  auto status = [&] {
    const auto r = db.meter_sync({"status", "--json"});
    REQUIRE(r.exit_code == 0);
    return parse_json(r.out);
  };
  CHECK(status()["last_success_at"].is_null());
  CHECK(db.meter_sync({"status"}).out.find("last success: never\n") != std::string::npos);

  const auto run = parse_json(db.meter_sync({"run", "--json"}).out);
  auto s = status();
  CHECK(s["last_success_at"] == run["result"]["timestamp"]);
  CHECK(s["last_success_at"] == s["last_sync_at"]);

  db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
  REQUIRE(db.meter_sync({"run"}).exit_code == 78);
  s = status();
  CHECK(s["last_sync_success"] == false);
  CHECK(s["last_sync_at"] != run["result"]["timestamp"]);
  CHECK(s["last_success_at"] == run["result"]["timestamp"]);
  const std::string text = db.meter_sync({"status"}).out;
  CHECK(text.find("last success: " + run["result"]["timestamp"].get<std::string>() + ", ") != std::string::npos);
  CHECK(text.find(" s ago\n") != std::string::npos);
}

TEST_CASE("status --max-age: a health check, both ways, with and without --json") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  SUBCASE("before any run: unhealthy") {
    const auto r = db.meter_sync({"status", "--max-age", "2h"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("last sync: never") == 0);  // the report is printed as usual
    CHECK(r.err == "meter-sync: error: no meter sync has succeeded yet, more than --max-age allows (2 h)\n");
    const auto j = db.meter_sync({"status", "--json", "--max-age", "2h"});
    CHECK(j.exit_code == 1);
    CHECK(parse_json(j.out)["healthy"] == false);
  }
  SUBCASE("a recent success: healthy; an old one: not") {
    REQUIRE(db.meter_sync({"run"}).exit_code == 0);
    auto r = db.meter_sync({"status", "--max-age", "2h"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    r = db.meter_sync({"status", "--json", "--max-age", "7200"});
    CHECK(r.exit_code == 0);
    CHECK(parse_json(r.out)["healthy"] == true);
    CHECK_FALSE(parse_json(db.meter_sync({"status", "--json"}).out).contains("healthy"));

    // Three hours ago, then a failure: stale, and the line says what failed.
    db.local("UPDATE meter_sync_log SET started_at = started_at - interval '3 hours 12 minutes',"
             " finished_at = finished_at - interval '3 hours 12 minutes'");
    db.remote("ALTER TABLE meter RENAME COLUMN status TO state");
    REQUIRE(db.meter_sync({"run"}).exit_code == 78);
    r = db.meter_sync({"status", "--max-age", "2h"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error: no meter sync has succeeded for 3 h 12 min (last success ") != std::string::npos);
    CHECK(r.err.find("the last run failed: ") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.find("3 h 12 min ago") != std::string::npos);
    r = db.meter_sync({"status", "--json", "--max-age", "1d"});
    CHECK(r.exit_code == 0);
    CHECK(parse_json(r.out)["healthy"] == true);
  }
  SUBCASE("an unreachable database stays 69") {
    const auto r = run_process({METER_SYNC_BINARY, "--local-db", "host=127.0.0.1 port=1 dbname=none", "status",
                                "--max-age", "2h"});
    CHECK(r.exit_code == 69);
  }
}
