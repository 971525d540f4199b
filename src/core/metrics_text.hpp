#pragma once
// The Prometheus text exposition format (version 0.0.4) of one run's metrics, for
// node_exporter's textfile collector. Pure: the caller gathers the values.
#include <cstdint>
#include <optional>
#include <string>

#include "core/sync_result.hpp"

namespace meter_sync {

struct RunMetrics {
  std::int64_t finished_at_us = 0;  // when the run ended (epoch microseconds)
  bool success = false;             // committed (skipped meters included); false otherwise
  int exit_code = 0;
  std::int64_t duration_us = 0;
  SyncCounts counts;                // of a committed run; zeros otherwise
  // From the local database; left out of the text when unknown (none yet, or unreachable).
  std::optional<std::int64_t> last_success_us;
  std::optional<std::int64_t> active_meters;
};

// Every metric with # HELP and # TYPE lines, gauges, newline-terminated.
std::string metrics_text(const RunMetrics& metrics);

// Epoch microseconds as Prometheus seconds with millisecond precision: "1795929530.123".
std::string prometheus_seconds(std::int64_t us);

}  // namespace meter_sync
