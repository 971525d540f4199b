#pragma once
// Reading the env file only when no other user could have written it (core/env_file_policy).
#include <string>

#include "core/dotenv.hpp"

namespace meter_sync::app {

// Checks `path` and every directory above it, then reads it. Throws Failure(config, exit 78)
// naming the path, its mode and owner when another user could have changed it; warns when a
// file holding a password is readable by everyone.
EnvFile read_checked_env_file(const std::string& path);

}  // namespace meter_sync::app
