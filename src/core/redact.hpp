#pragma once
// Secrets never reach a log line: every message that leaves the program passes through here.
#include <string>
#include <vector>

namespace meter_sync {

// Replaces each secret, and any password=... or postgresql://user:password@ form, by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace meter_sync
