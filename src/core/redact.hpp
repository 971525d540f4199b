#pragma once
// Secrets never reach a log line: every message that leaves the program passes through here.
#include <string>
#include <vector>

namespace meter_sync {

// Replaces each secret, and any password=... or postgresql://user:password@ form, by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// The same secrets and forms overwritten by '*' one for one, so the text keeps its length:
// for the process's own arguments, which can only be overwritten in place.
std::string mask(std::string text, const std::vector<std::string>& secrets);

// The password of a postgresql:// URI as written (still percent-encoded), or "" if there is
// none. libpq quotes it when it cannot decode it, before any setting is known.
std::string uri_password(const std::string& conninfo);

}  // namespace meter_sync
