#include "support/sync_run.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace testing_support {

nlohmann::json run_json(TestDatabases& db, const std::vector<std::string>& extra, int expected_exit) {
  std::vector<std::string> args = {"run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = db.meter_sync(args);
  INFO("meter-sync run --json stderr: " << r.err);
  INFO("stdout: " << r.out);
  REQUIRE(r.exit_code == expected_exit);
  return parse_json(r.out);
}

nlohmann::json last_log_details(TestDatabases& db) {
  const auto rows = db.local("SELECT details::text FROM meter_sync_log ORDER BY id DESC LIMIT 1");
  REQUIRE(rows.size() == 1);
  return parse_json(rows[0][0].as<std::string>());
}

std::vector<std::int64_t> counts(const nlohmann::json& run) {
  const auto& r = run.at("result");
  return {r.at("inserted").get<std::int64_t>(), r.at("updated").get<std::int64_t>(),
          r.at("deleted").get<std::int64_t>(), r.at("skipped").get<std::int64_t>()};
}

std::vector<std::string> sorted_ids(const nlohmann::json& list) {
  std::vector<std::pair<long double, std::string>> keyed;
  for (const auto& id : list) {
    const std::string text = id.is_string() ? id.get<std::string>() : id.dump();
    keyed.emplace_back(std::stold(text), text);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (const auto& k : keyed) out.push_back(k.second);
  return out;
}

}  // namespace testing_support
