#include "core/health.hpp"

#include "core/time_format.hpp"

namespace meter_sync {

std::string age_text(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;  // a clock a little ahead: "0 s", not a negative age
  struct Unit {
    std::int64_t seconds;
    const char* name;
  };
  static const Unit units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
  for (std::size_t i = 0; i < std::size(units); ++i) {
    if (seconds < units[i].seconds && i + 1 < std::size(units)) continue;
    std::string out = std::to_string(seconds / units[i].seconds) + " " + units[i].name;
    if (i + 1 < std::size(units)) {
      const std::int64_t rest = seconds % units[i].seconds / units[i + 1].seconds;
      if (rest > 0) out += " " + std::to_string(rest) + " " + units[i + 1].name;
    }
    return out;
  }
  return "0 s";
}

std::string last_success_text(const StatusInfo& s) {
  if (!s.last_success_us) return "never";
  return iso8601_utc_ms(*s.last_success_us) + ", " +
         age_text((s.now_us - *s.last_success_us) / 1000000) + " ago";
}

std::optional<std::string> staleness(const StatusInfo& s, std::int64_t max_age_s) {
  std::string why;
  if (!s.last_success_us) {
    why = "no meter sync has succeeded yet";
  } else {
    const std::int64_t age_s = (s.now_us - *s.last_success_us) / 1000000;
    if (age_s <= max_age_s) return std::nullopt;
    why = "no meter sync has succeeded for " + age_text(age_s) + " (last success " +
          iso8601_utc_ms(*s.last_success_us) + ")";
  }
  why += ", more than --max-age allows (" + age_text(max_age_s) + ")";
  if (s.last && !s.last->success && s.last->error) why += "; the last run failed: " + *s.last->error;
  return why;
}

}  // namespace meter_sync
