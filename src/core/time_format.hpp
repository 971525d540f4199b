#pragma once
#include <cstdint>
#include <string>

namespace meter_sync {

// Microseconds since the Unix epoch -> "2026-11-25T12:00:00.123Z" (UTC, milliseconds,
// the form JavaScript's Date parses).
std::string iso8601_utc_ms(std::int64_t epoch_us);

// Now, from the system clock, in microseconds since the epoch.
std::int64_t now_epoch_us();

}  // namespace meter_sync
