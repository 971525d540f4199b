#include "core/json_shapes.hpp"

#include <charconv>

#include "core/health.hpp"
#include "core/time_format.hpp"

namespace meter_sync {

using nlohmann::json;

json run_json(bool success, const std::string& message, const std::optional<RunReport>& result) {
  json out = success ? json{{"success", true}, {"message", message}} : failure_json(message);
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

json id_json(const MeterId& id) {
  std::int64_t value = 0;
  const char* end = id.data() + id.size();
  const auto [ptr, ec] = std::from_chars(id.data(), end, value);
  if (!id.empty() && ec == std::errc() && ptr == end && std::to_string(value) == id) return value;
  return id;
}


std::string shorten(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "...";
}

json skipped_json(const std::vector<SkippedRow>& skipped) {
  json list = json::array();
  for (const auto& s : skipped)
    list.push_back({{"id", s.id ? id_json(*s.id) : json(nullptr)}, {"reason", s.reason}});
  return list;
}

namespace {

json ids_json(const std::vector<MeterId>& ids, std::size_t at_most) {
  json list = json::array();
  for (std::size_t i = 0; i < ids.size() && i < at_most; ++i) list.push_back(id_json(ids[i]));
  return list;
}

std::optional<std::string> shortened(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return shorten(*value);
}

json updated_meters_json(const std::vector<UpdatedMeter>& updated, std::size_t at_most, bool with_values) {
  json list = json::array();
  for (std::size_t i = 0; i < updated.size() && i < at_most; ++i) {
    json columns = json::array();
    json changes = json::object();
    for (const auto& c : updated[i].changes) {
      columns.push_back(c.column);
      const auto old_value = shortened(c.old_value), new_value = shortened(c.new_value);
      changes[c.column] = {{"old", old_value ? json(*old_value) : json(nullptr)},
                           {"new", new_value ? json(*new_value) : json(nullptr)}};
    }
    json meter = {{"id", id_json(updated[i].id)}, {"columns", columns}};
    if (with_values) meter["changes"] = changes;
    list.push_back(meter);
  }
  return list;
}

}  // namespace

json changes_json(const SyncCounts& counts, const ChangeLists& changes) {
  const std::size_t all = changes.inserted.size() + changes.updated.size() + changes.deleted.size();
  return {{"inserted", {{"total", counts.inserted}, {"ids", ids_json(changes.inserted, all)}}},
          {"updated", {{"total", counts.updated}, {"meters", updated_meters_json(changes.updated, all, false)}}},
          {"deactivated", {{"total", counts.deleted}, {"ids", ids_json(changes.deleted, all)}}}};
}

namespace {

json updated_ids_json(const std::vector<UpdatedMeter>& updated) {
  std::vector<MeterId> ids;
  for (const auto& u : updated) ids.push_back(u.id);
  return ids_json(ids, max_listed_ids);
}

}  // namespace

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
            {"inserted_ids", ids_json(o.changes.inserted, max_listed_ids)},
            {"updated_ids", updated_ids_json(o.changes.updated)},
            {"deleted_ids", ids_json(o.changes.deleted, max_listed_ids)},
            {"updated_meters", updated_meters_json(o.changes.updated, max_listed_ids, true)},
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

json failure_json(const std::string& message) {
  return {{"success", false},
          {"message", message.empty() ? std::string("meter-sync failed without a message (a bug: please report it)")
                                      : message}};
}

json status_error_json(const std::string& error) {
  json out = failure_json(error);
  out["error"] = out["message"];
  return out;
}

std::string to_json_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

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
