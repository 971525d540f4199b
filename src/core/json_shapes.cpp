#include "core/json_shapes.hpp"

#include "core/health.hpp"
#include "core/time_format.hpp"

namespace meter_sync {

using nlohmann::json;

json run_json(bool success, const std::string& message, const std::optional<RunReport>& result) {
  json out = {{"success", success}, {"message", message}};
  if (result) {
    json r = {{"success", result->success},
              {"inserted", result->counts.inserted},
              {"updated", result->counts.updated},
              {"deleted", result->counts.deleted},
              {"skipped", result->counts.skipped},
              {"timestamp", iso8601_utc_ms(result->timestamp_us)}};
    if (result->error) r["error"] = *result->error;
    out["result"] = r;
  }
  return out;
}

json skipped_json(const std::vector<SkippedRow>& skipped) {
  json list = json::array();
  for (const auto& s : skipped)
    list.push_back({{"id", s.id ? json(*s.id) : json(nullptr)}, {"reason", s.reason}});
  return list;
}

json dry_run_json(const SyncOutcome& o) {
  const auto& c = o.counts;
  return {{"success", true},
          {"dry_run", true},
          {"message", "dry run: " + run_summary(c) + "; nothing changed"},
          {"tenant_id", o.tenant_id},
          {"result",
           {{"inserted", c.inserted},
            {"updated", c.updated},
            {"deleted", c.deleted},
            {"skipped", c.skipped},
            {"inserted_ids", o.planned.inserted},
            {"updated_ids", o.planned.updated},
            {"deleted_ids", o.planned.deleted},
            {"skipped_meters", skipped_json(o.skipped)},
            {"ids_listed_at_most", max_listed_ids}}}};
}

json status_json(const StatusInfo& s) {
  json out = {{"last_sync_at", nullptr},        {"last_sync_success", nullptr},
              {"last_sync_error", nullptr},     {"inserted_count", 0},
              {"updated_count", 0},             {"deleted_count", 0},
              {"skipped_count", 0},             {"meter_count", s.meter_count},
              {"is_syncing", s.is_syncing},     {"last_success_at", nullptr}};
  if (s.last_success_us) out["last_success_at"] = iso8601_utc_ms(*s.last_success_us);
  if (s.last) {
    out["last_sync_at"] = iso8601_utc_ms(s.last->finished_at_us);
    out["last_sync_success"] = s.last->success;
    if (s.last->error) out["last_sync_error"] = *s.last->error;
    out["inserted_count"] = s.last->counts.inserted;
    out["updated_count"] = s.last->counts.updated;
    out["deleted_count"] = s.last->counts.deleted;
    out["skipped_count"] = s.last->counts.skipped;
    out["last_sync_trigger"] = s.last->trigger;
  }
  return out;
}

json status_error_json(const std::string& error) { return {{"error", error}}; }

std::string run_summary(const SyncCounts& c) {
  return "inserted " + std::to_string(c.inserted) + ", updated " + std::to_string(c.updated) +
         ", deactivated " + std::to_string(c.deleted) + ", skipped " + std::to_string(c.skipped);
}

std::string status_text(const StatusInfo& s) {
  std::string out;
  if (!s.last) {
    out = "last sync: never\n";
  } else {
    const auto& l = *s.last;
    out = "last sync: " + iso8601_utc_ms(l.finished_at_us) + " (" + l.trigger + ") " +
          (l.success ? "succeeded" : "FAILED") + "\n";
    if (l.error) out += "error: " + *l.error + "\n";
    out += "last counts: " + run_summary(l.counts) + "\n";
  }
  out += "last success: " + last_success_text(s) + "\n";
  out += "active meters: " + std::to_string(s.meter_count) + "\n";
  out += std::string("sync in progress: ") + (s.is_syncing ? "yes" : "no") + "\n";
  return out;
}

}  // namespace meter_sync
