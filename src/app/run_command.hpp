#pragma once
#include <string>

#include "core/config.hpp"

namespace meter_sync::app {

struct RunOptions {
  bool dry_run = false;
  bool json = false;
  bool quiet = false;
  bool full_fetch = false;  // compare every remote row, not only those whose version changed
  std::string trigger = "manual";
};

// `meter-sync run`: returns the exit status.
int run_command(const Settings& settings, const RunOptions& options);

}  // namespace meter_sync::app
