#pragma once
// How stale the local copy is: the age of the last successful run, and the health check of
// `status --max-age` (pure; times come from the database's clock).
#include <cstdint>
#include <optional>
#include <string>

#include "core/sync_result.hpp"

namespace meter_sync {

// 11 -> "11 s", 11520 -> "3 h 12 min", 183600 -> "2 d 3 h": the two largest units.
std::string age_text(std::int64_t seconds);

// "2026-11-30T05:18:50.123Z, 3 h 12 min ago", or "never".
std::string last_success_text(const StatusInfo& status);

// status --max-age: nullopt when a run succeeded within max_age_s seconds, else one line
// saying why not (and what the last run said, if it failed).
std::optional<std::string> staleness(const StatusInfo& status, std::int64_t max_age_s);

}  // namespace meter_sync
