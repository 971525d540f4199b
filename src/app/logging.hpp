#pragma once
// spdlog to stderr: "meter-sync: level: message" (timestamps with debug and trace), or one
// JSON object per line. Every line is scrubbed of the configured secrets.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace meter_sync::app {

void setup_logging(const std::string& level, LogFormat format);
void set_log_secrets(std::vector<std::string> secrets);

// `text` with the configured secrets removed: for anything printed outside the logger.
std::string scrub(const std::string& text);

}  // namespace meter_sync::app
