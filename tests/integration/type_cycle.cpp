#include "integration/type_cycle.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "support/compare.hpp"
#include "support/sync_run.hpp"

namespace testing_support {
namespace {

using Counts = std::vector<std::int64_t>;

void check_copy_exact(TestDatabases& db, const CycleOptions& o, const std::string& when) {
  const auto diffs = differences_from_remote(db, 1, o.remote_relation, o.always_skipped);
  std::string text;
  for (const auto& d : diffs) text += "\n  " + d;
  INFO("local copy differs from the remote " << when << ":" << text);
  CHECK(diffs.empty());
}

// The changed columns of each updated meter in a dry run, as "id:col,col".
std::vector<std::string> changed_columns(const nlohmann::json& dry) {
  std::vector<std::string> out;
  for (const auto& m : dry.at("result").value("updated_meters", nlohmann::json::array())) {
    std::string cols;
    for (const auto& c : m.at("changes").items()) cols += (cols.empty() ? "" : ",") + c.key();
    out.push_back((m.at("id").is_string() ? m.at("id").get<std::string>() : m.at("id").dump()) + ":" + cols);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void type_family_cycle(TestDatabases& db, const CycleOptions& o) {
  for (int id = 1; id <= 10; ++id) db.add_remote_meter(id, 1);
  db.add_remote_meter(11, 2);
  const int exit_code = o.always_skipped.empty() ? 0 : 65;
  const auto skipped = static_cast<std::int64_t>(o.always_skipped.size());

  CHECK(counts(run_json(db, {}, exit_code)) == Counts{10, 0, 0, skipped});
  check_copy_exact(db, o, "after the first run");

  auto before = local_rows_with_versions(db);
  CHECK(counts(run_json(db, {}, exit_code)) == Counts{0, 0, 0, skipped});
  CHECK(counts(run_json(db, {"--dry-run"}, exit_code)) == Counts{0, 0, 0, skipped});
  CHECK(counts(run_json(db, {"--full-fetch"}, exit_code)) == Counts{0, 0, 0, skipped});
  CHECK_MESSAGE(local_rows_with_versions(db) == before,
                "a rerun with nothing changed must rewrite no local row (xmin and bytes unchanged)");

  db.remote("UPDATE meter SET name = 'renamed' WHERE id = 2;"
            "UPDATE meter SET register_map = '{\"registers\": [1, 2, 3]}' WHERE id = 3;"
            "UPDATE meter SET register_map = '{\"registers\":[1,2]}' WHERE id = 4;"  // whitespace only
            "UPDATE meter SET updated_at = '2025-06-30 23:59:59.5+00' WHERE id = 5;"
            "UPDATE meter SET port = 503 WHERE id = 6;"
            "DELETE FROM meter WHERE id = 7;"
            "UPDATE meter SET tenant_id = 2 WHERE id = 8");
  db.add_remote_meter(12, 1);

  auto dry = run_json(db, {"--dry-run"}, exit_code);
  CHECK(counts(dry) == Counts{1, 4, 2, skipped});
  CHECK(sorted_ids(dry["result"]["inserted_ids"]) == std::vector<std::string>{"12"});
  CHECK(sorted_ids(dry["result"]["deleted_ids"]) == std::vector<std::string>{"7", "8"});
  CHECK(dry["result"]["deleted_ids"][0].is_number());  // the key's text is an integer
  CHECK(changed_columns(dry) ==
        std::vector<std::string>{"2:name", "3:register_map", "5:updated_at", "6:port"});
  CHECK_MESSAGE(local_rows_with_versions(db) == before, "a dry run must change nothing");

  CHECK(counts(run_json(db, {}, exit_code)) == Counts{1, 4, 2, skipped});
  check_copy_exact(db, o, "after the edit run");
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE NOT active") == 2);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id::text IN ('7', '8') AND NOT active") == 2);

  before = local_rows_with_versions(db);
  CHECK(counts(run_json(db, {}, exit_code)) == Counts{0, 0, 0, skipped});
  CHECK(counts(run_json(db, {"--full-fetch"}, exit_code)) == Counts{0, 0, 0, skipped});
  CHECK_MESSAGE(local_rows_with_versions(db) == before, "a rerun after the edits must rewrite no row");
}

}  // namespace testing_support
