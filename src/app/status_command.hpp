#pragma once
#include "core/config.hpp"

namespace meter_sync::app {

// `meter-sync status`: returns the exit status.
int status_command(const Settings& settings, bool json);

}  // namespace meter_sync::app
