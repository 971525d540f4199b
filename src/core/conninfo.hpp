#pragma once
// libpq connection strings: parse (key=value or URI), merge, rebuild, describe without secrets.
#include <map>
#include <string>

namespace meter_sync {

using ConnParams = std::map<std::string, std::string>;  // libpq keyword -> value

// Parses a key=value string or a postgresql:// URI with libpq itself; throws Failure(config)
// naming `setting` (never echoing the string, which may hold a password).
ConnParams parse_conninfo(const std::string& conninfo, const std::string& setting);

// Builds a key=value string with every value quoted as libpq expects.
std::string build_conninfo(const ConnParams& params);

// "host:port/dbname" for messages: what was configured, libpq defaults otherwise.
std::string describe_endpoint(const ConnParams& params);

}  // namespace meter_sync
