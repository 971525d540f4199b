#pragma once
#include "core/config.hpp"

namespace meter_sync::app {

struct StatusOptions {
  bool json = false;
  std::optional<std::int64_t> max_age_s;  // health check: exit 1 unless a success this recent
};

// `meter-sync status`: returns the exit status.
int status_command(const Settings& settings, const StatusOptions& options);

}  // namespace meter_sync::app
