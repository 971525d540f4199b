#include "core/time_format.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace meter_sync {

std::string iso8601_utc_ms(std::int64_t epoch_us) {
  // floor division, so that times before 1970 format correctly too
  std::int64_t seconds = epoch_us / 1000000;
  std::int64_t micros = epoch_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros / 1000));
  return buf;
}

std::int64_t now_epoch_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace meter_sync
