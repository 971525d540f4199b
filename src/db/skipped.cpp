#include "db/skipped.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "core/sync_plan.hpp"

namespace meter_sync {

std::optional<MeterId> meter_id_of(const pqxx::field& key) {
  if (key.is_null()) return std::nullopt;  // a remote row without an id
  const auto json = nlohmann::json::parse(key.c_str());
  if (json.is_null()) return std::nullopt;
  return json.is_string() ? json.get<std::string>() : json.dump();
}

std::string key_order(const std::string& column) {
  const std::string text = column + " #>> '{}'";
  return "CASE WHEN " + text + " ~ '^-?[0-9]{1,18}$' THEN (" + text + ")::bigint END, " + text;
}

void read_skipped(pqxx::transaction_base& tx, SyncOutcome& outcome) {
  const std::string table = SyncPlan::skipped;
  outcome.counts.skipped = tx.exec1("SELECT count(*) FROM " + table)[0].as<std::int64_t>();
  outcome.skipped.clear();
  for (const auto& row : tx.exec("SELECT key, reason FROM " + table + " ORDER BY " + key_order("key") +
                                 " LIMIT " + std::to_string(max_listed_ids)))
    outcome.skipped.push_back({meter_id_of(row[0]), row[1].as<std::string>()});
}

void read_changes(pqxx::transaction_base& tx, SyncOutcome& outcome) {
  ChangeLists& lists = outcome.changes;
  lists = {};
  for (const std::string kind : {"inserted", "updated", "deleted"}) {
    const auto rows = tx.exec("SELECT key, columns, changes FROM " + std::string(SyncPlan::planned) +
                              " WHERE kind = " + tx.quote(kind) + " ORDER BY " + key_order("key") +
                              " LIMIT " + std::to_string(SyncPlan::max_recorded));
    for (const auto& row : rows) {
      const MeterId id = meter_id_of(row[0]).value_or("");
      if (kind == "inserted") lists.inserted.push_back(id);
      if (kind == "deleted") lists.deleted.push_back(id);
      if (kind != "updated") continue;
      UpdatedMeter meter{id, {}};
      const auto values = row[2].is_null() ? nlohmann::json::object() : nlohmann::json::parse(row[2].c_str());
      auto columns = row[1].as_array();
      for (auto item = columns.get_next(); item.first != pqxx::array_parser::juncture::done; item = columns.get_next()) {
        if (item.first != pqxx::array_parser::juncture::string_value) continue;
        ColumnChange change{item.second, std::nullopt, std::nullopt};
        if (values.contains(item.second)) {
          const auto& v = values[item.second];
          if (v["old"].is_string()) change.old_value = v["old"].get<std::string>();
          if (v["new"].is_string()) change.new_value = v["new"].get<std::string>();
        }
        meter.changes.push_back(change);
      }
      lists.updated.push_back(meter);
    }
  }
}

}  // namespace meter_sync
