#pragma once
// The JSON documents other programs rely on (CONTRACT.md: run --json, status --json).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/sync_result.hpp"

namespace meter_sync {

// The `result` object of run --json; `error` only on failure.
struct RunReport {
  bool success = false;
  SyncCounts counts;
  std::optional<std::string> error;
  std::int64_t timestamp_us = 0;
};

nlohmann::json run_json(bool success, const std::string& message,
                        const std::optional<RunReport>& result);
nlohmann::json dry_run_json(const SyncOutcome& outcome);
nlohmann::json status_json(const StatusInfo& status);
// status --json when status could not be read: the failure shape plus "error" (the same text).
nlohmann::json status_error_json(const std::string& error);
// The failure shape every --json command prints when it fails before (or instead of) its own
// result: {"success": false, "message": "..."}; an empty message becomes a generic one.
nlohmann::json failure_json(const std::string& message);
nlohmann::json skipped_json(const std::vector<SkippedRow>& skipped);
// A meter id: a JSON number when the key's text is an integer, else a string.
nlohmann::json id_json(const MeterId& id);
// The log row's audit trail: per kind the total and the first ids (updates with their columns).
nlohmann::json changes_json(const SyncCounts& counts, const ChangeLists& changes);
// A value for a person: at most `max_bytes` bytes, cut at a character boundary, "..." added.
std::string shorten(const std::string& text, std::size_t max_bytes = 200);

// The one way to serialise: compact, one line (no newline), bytes that are not valid UTF-8
// replaced by U+FFFD instead of throwing (a database name or a server message may carry them).
std::string to_json_line(const nlohmann::json& j);

// One-line human summaries.
std::string run_summary(const SyncCounts& counts);
std::string status_text(const StatusInfo& status);

}  // namespace meter_sync
