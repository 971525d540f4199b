#pragma once
// Every option and setting of meter-sync, described once (as ccache's k_config_key_table):
// flag, environment name (also the env-file key), default, range or choices, help text.
// The CLI11 options and --help (app/cli.cpp), the precedence resolution (core/config.cpp),
// the bash completion (tools/settings_export.cpp) and the man-page test derive from it.
// A new setting: a row here, a FlagValues and a Settings field (config.hpp), one line in
// resolve_settings.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace meter_sync {

struct FlagValues;  // core/config.hpp

// The defaults that code elsewhere needs by name (the table's rows use the same constants).
constexpr std::int64_t default_lock_key = 63837;
constexpr int default_max_deactivate_percent = 50;
constexpr int default_connect_timeout_s = 10;
constexpr int default_statement_timeout_s = 600;
constexpr int default_lock_timeout_s = 30;
constexpr std::int64_t default_full_compare_every_s = 86400;
constexpr const char* default_full_compare_every = "24h";
constexpr const char* default_log_level = "info";
constexpr const char* default_remote_table = "meter";

enum class Scope { global, run, status };  // where the flag goes: before or after the command

enum class Kind {
  flag,      // a switch, no value
  text,      // free text (a name, a path)
  conninfo,  // a libpq connection string or URI
  integer,   // within [min, max]
  duration,  // seconds, or a number with s, m, h, d (parse_duration)
  choice,    // one of `choices`
};

// Where a flag's value lands in FlagValues (settings with an environment name), or nothing
// for command-line-only options, which app/cli.cpp binds by flag name.
using FlagField = std::variant<std::monostate, std::optional<std::string> FlagValues::*,
                               std::optional<std::int64_t> FlagValues::*, std::optional<int> FlagValues::*>;

struct SettingSpec {
  std::string flag;          // "--lock-key"
  std::string short_flag;    // "-q", or empty
  Scope scope = Scope::global;
  Kind kind = Kind::text;
  std::string env;           // "METER_SYNC_LOCK_KEY" (environment and env file); empty: command line only
  std::string value_name;    // "N", "PATH", ...: in --help and the man page
  std::string default_text;  // as --help shows it; empty: none
  std::int64_t min = 0, max = 0;     // Kind::integer
  std::vector<std::string> choices;  // Kind::choice
  std::string help;
  FlagField field;
  std::vector<std::string> also_env;  // other variables it reads (POSTGRES_SYNC_HOST, ...)
};

// All options, in --help order.
const std::vector<SettingSpec>& settings_table();

// The row of `flag` ("--lock-key"); throws std::logic_error if there is none (a bug).
const SettingSpec& setting(const std::string& flag);

// The help line as --help shows it: the help text, the default and the variable.
std::string help_line(const SettingSpec& spec);

// The name of a scope as the command line writes it ("run", "status"; "" for global).
std::string scope_name(Scope scope);

}  // namespace meter_sync
