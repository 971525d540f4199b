#include <doctest/doctest.h>

#include "core/json_shapes.hpp"

using namespace meter_sync;
using nlohmann::json;

TEST_CASE("run_json: result only when a sync was attempted, error only on failure") {
  const auto busy = run_json(false, "another meter sync is in progress", std::nullopt);
  CHECK(busy == json{{"success", false}, {"message", "another meter sync is in progress"}});

  RunReport ok{true, {1, 2, 3, 0}, std::nullopt, 1795608000123000};
  const auto j = run_json(true, "done", ok);
  CHECK(j["result"] == json{{"success", true}, {"inserted", 1}, {"updated", 2}, {"deleted", 3},
                            {"skipped", 0}, {"timestamp", "2026-11-25T12:00:00.123Z"}});
  RunReport failed{false, {}, std::string("boom"), 0};
  CHECK(run_json(false, "boom", failed)["result"]["error"] == "boom");
}

TEST_CASE("status_json: nulls and zeros before any run; the last run's values after") {
  StatusInfo s;
  s.meter_count = 4;
  const auto before = status_json(s);
  for (const char* key : {"last_sync_at", "last_sync_success", "last_sync_error"}) CHECK(before[key].is_null());
  CHECK(before["inserted_count"] == 0);
  CHECK(before["meter_count"] == 4);
  CHECK(before["is_syncing"] == false);

  s.last = LastRun{1795608000123000, false, std::string("remote down"), {5, 6, 7, 1}, "scheduled"};
  s.is_syncing = true;
  const auto after = status_json(s);
  CHECK(after["last_sync_at"] == "2026-11-25T12:00:00.123Z");
  CHECK(after["last_sync_success"] == false);
  CHECK(after["last_sync_error"] == "remote down");
  CHECK(after["deleted_count"] == 7);
  CHECK(after["is_syncing"] == true);
  CHECK(status_error_json("x") == json{{"success", false}, {"message", "x"}, {"error", "x"}});
}

TEST_CASE("skipped_json: null id stays null, integer ids are numbers, other keys strings") {
  CHECK(skipped_json({{std::nullopt, "id is null"}, {"7", "port"}, {"A-7", "x"}}) ==
        json::array({{{"id", nullptr}, {"reason", "id is null"}}, {{"id", 7}, {"reason", "port"}},
                     {{"id", "A-7"}, {"reason", "x"}}}));
}

TEST_CASE("id_json: a number only when the text is exactly an integer") {
  CHECK(id_json("3000000000") == json(3000000000LL));
  CHECK(id_json("-5") == json(-5));
  CHECK(id_json("007") == json("007"));  // a varchar key: kept as written
  CHECK(id_json("1e3") == json("1e3"));
  CHECK(id_json("") == json(""));
  CHECK(id_json("99999999999999999999") == json("99999999999999999999"));
}

TEST_CASE("changes_json: totals and the listed ids per kind, updates with their columns") {
  SyncCounts counts;
  counts.inserted = 12000;
  counts.updated = 1;
  counts.deleted = 0;
  ChangeLists lists;
  lists.inserted = {"1", "2"};
  lists.updated = {{"5", {{"name", "a", "b"}, {"register_map", std::nullopt, "{}"}}}};
  const auto j = changes_json(counts, lists);
  CHECK(j["inserted"] == json{{"total", 12000}, {"ids", {1, 2}}});
  CHECK(j["updated"]["meters"] == json::array({{{"id", 5}, {"columns", {"name", "register_map"}}}}));
  CHECK(j["deactivated"] == json{{"total", 0}, {"ids", json::array()}});
}

TEST_CASE("dry_run_json: updated meters with old and new values, long values shortened") {
  SyncOutcome o;
  o.counts.updated = 1;
  o.changes.updated = {{"5", {{"notes", std::string(500, 'x'), std::nullopt}}}};
  const auto j = dry_run_json(o);
  const auto& change = j["result"]["updated_meters"][0]["changes"]["notes"];
  CHECK(change["new"].is_null());
  CHECK(change["old"].get<std::string>().size() == 200);
  CHECK(j["result"]["updated_ids"] == json{5});
}

TEST_CASE("shorten: cuts at a character boundary") {
  CHECK(shorten("abc", 10) == "abc");
  CHECK(shorten(std::string(20, 'a'), 10) == "aaaaaaa...");
  const std::string umlauts = "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4";  // 6 x U+00E4, 12 bytes
  CHECK(shorten(umlauts, 8) == "\xc3\xa4\xc3\xa4...");
}

TEST_CASE("failure_json: success false and a message that is never empty") {
  CHECK(failure_json("lock busy") == json{{"success", false}, {"message", "lock busy"}});
  CHECK_FALSE(failure_json("")["message"].get<std::string>().empty());
  CHECK(run_json(false, "", std::nullopt)["message"] != "");
  CHECK(status_error_json("")["error"] == status_error_json("")["message"]);
}

TEST_CASE("to_json_line: invalid UTF-8 through every serialiser is replaced, never thrown") {
  const std::string bad = "no\xff\xfe" "db";  // a database name as POSTGRES_SYNC_DB may carry it
  const std::string replaced = "no\xef\xbf\xbd\xef\xbf\xbd" "db";  // two U+FFFD
  SyncOutcome outcome;
  outcome.skipped = {{MeterId("7"), "column name: " + bad}};
  outcome.counts.skipped = 1;
  outcome.changes.updated = {{MeterId("8"), {{"name", bad, "new " + bad}}}};
  outcome.changes.inserted = {MeterId(bad)};
  outcome.counts.updated = outcome.counts.inserted = 1;
  StatusInfo status;
  status.last = LastRun{0, false, bad, {}, bad};
  const std::vector<std::pair<const char*, json>> shapes = {
      {"run_json", run_json(false, bad, RunReport{false, {}, bad, 0})},
      {"dry_run_json", dry_run_json(outcome)},
      {"status_json", status_json(status)},
      {"status_error_json", status_error_json(bad)},
      {"failure_json", failure_json(bad)},
      {"skipped_json", skipped_json(outcome.skipped)},
      {"changes_json", changes_json(outcome.counts, outcome.changes)},
  };
  for (const auto& [name, j] : shapes) {
    INFO(name);
    CHECK_THROWS(j.dump());  // what crashed the tool before (type_error 316)
    std::string line;
    REQUIRE_NOTHROW(line = to_json_line(j));
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find(replaced) != std::string::npos);
    CHECK(json::parse(line).is_structured());
  }
}
