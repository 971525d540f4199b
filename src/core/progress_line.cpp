#include "core/progress_line.hpp"

#include <algorithm>
#include <cstdio>

namespace meter_sync {
namespace {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::connecting: return "connecting";
    case Phase::fetching: return "fetching";
    case Phase::applying: return "applying";
    case Phase::committing: return "committing";
  }
  return "";
}

std::string megabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

std::string clock_time(double seconds) {
  const auto s = static_cast<long long>(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

}  // namespace

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return (n < 0 ? "-" : "") + digits;
}

std::string progress_line(const ProgressState& s, std::size_t width) {
  std::string line = std::string("meter-sync: ") + phase_name(s.phase);
  if (s.phase == Phase::fetching) {
    line += " " + thousands(s.rows);
    if (s.expected) line += " of ~" + thousands(std::max(*s.expected, s.rows));
    line += " rows, " + megabytes(static_cast<double>(s.bytes));
    if (s.fetch_s >= 0.5) line += ", " + megabytes(static_cast<double>(s.bytes) / s.fetch_s) + "/s";
  } else if (s.phase != Phase::connecting) {
    line += ", " + megabytes(static_cast<double>(s.bytes)) + " fetched";
  }
  line += " (" + clock_time(s.elapsed_s) + ")";
  if (line.size() > width) line.resize(width);
  return line;
}

}  // namespace meter_sync
