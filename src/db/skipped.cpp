#include "db/skipped.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/sync_plan.hpp"

namespace meter_sync {

void read_skipped(pqxx::transaction_base& tx, SyncOutcome& outcome) {
  const std::string table = SyncPlan::skipped;
  outcome.counts.skipped = tx.exec1("SELECT count(*) FROM " + table)[0].as<std::int64_t>();
  outcome.skipped.clear();
  for (const auto& row : tx.exec("SELECT key, reason FROM " + table + " ORDER BY key LIMIT " +
                                 std::to_string(max_listed_ids))) {
    // the key is SQL NULL for a remote row without an id
    const auto key = row[0].is_null() ? nlohmann::json() : nlohmann::json::parse(row[0].c_str());
    outcome.skipped.push_back(
        {key.is_number_integer() ? std::optional(key.get<std::int64_t>()) : std::nullopt,
         row[1].as<std::string>()});
  }
}

}  // namespace meter_sync
