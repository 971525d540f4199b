#pragma once
// Settings and their precedence, written once:
//   command-line flag > process environment > env file > built-in default (libpq's for connections).
// Names, defaults and ranges come from the table in core/settings_table.
// The environment and the env file are passed in as maps so the rules are testable.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/conninfo.hpp"
#include "core/dotenv.hpp"
#include "core/settings_table.hpp"

namespace meter_sync {

using Environment = std::map<std::string, std::string>;

enum class LogFormat { text, json };

// What the command line gave (unset = not given).
struct FlagValues {
  std::optional<std::string> local_db, remote_db, log_level, log_format, remote_table, metrics_file,
      full_compare_every;
  std::optional<std::int64_t> lock_key, tenant_id;
  std::optional<int> max_deactivate_percent, connect_timeout, statement_timeout, lock_timeout;
};

struct Settings {
  ConnParams local_db;   // libpq keywords; empty map = all libpq defaults
  ConnParams remote_db;
  std::string log_level = default_log_level;
  LogFormat log_format = LogFormat::text;
  std::int64_t lock_key = default_lock_key;
  std::optional<std::int64_t> tenant_id;
  int max_deactivate_percent = default_max_deactivate_percent;
  int connect_timeout_s = default_connect_timeout_s;
  int statement_timeout_s = default_statement_timeout_s;
  int lock_timeout_s = default_lock_timeout_s;
  std::string remote_table = default_remote_table;         // table or view, optionally schema-qualified
  std::int64_t full_compare_every_s = default_full_compare_every_s;   // 0 = never
  std::optional<std::string> metrics_file;     // Prometheus textfile, rewritten after each run
};

// "90", "90s", "30m", "2h", "1d" -> seconds; nullopt if not such a duration.
std::optional<std::int64_t> parse_duration(const std::string& text);

constexpr const char* default_env_file = "/etc/meter-sync/meter-sync.env";

// Applies the precedence; throws Failure(config) naming the variable and where it came from.
Settings resolve_settings(const FlagValues& flags, const Environment& env, const EnvFile& file);

// The passwords among the settings, so that messages can be scrubbed of them.
std::vector<std::string> secrets_of(const Settings& settings);

// The process environment as a map.
Environment process_environment();

}  // namespace meter_sync
