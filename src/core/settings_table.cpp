#include "core/settings_table.hpp"

#include <stdexcept>

#include "core/config.hpp"

namespace meter_sync {
namespace {

std::vector<SettingSpec> make_table() {
  using S = SettingSpec;
  const std::vector<std::string> pieces = {"HOST", "PORT", "DB", "USER", "PASSWORD"};
  auto piece_vars = [&](const std::string& prefix, bool sslmode) {
    std::vector<std::string> out;
    for (const auto& p : pieces) out.push_back(prefix + p);
    if (sslmode) out.push_back(prefix + "SSLMODE");
    return out;
  };
  const auto i = [](auto v) { return std::to_string(v); };
  std::vector<S> t;
  // --- global options ---------------------------------------------------------------
  t.push_back(S{"--env-file", "", Scope::global, Kind::text, "", "PATH", default_env_file, 0, 0, {},
                "Env file to read (dotenv syntax; the default only if it exists)", {}, {}});
  t.push_back(S{"--local-db", "", Scope::global, Kind::conninfo, "METER_SYNC_LOCAL_DB", "CONNINFO", "", 0, 0, {},
                "Local database: libpq connection string or URI", &FlagValues::local_db,
                piece_vars("POSTGRES_SYNC_", false)});
  t.push_back(S{"--remote-db", "", Scope::global, Kind::conninfo, "METER_SYNC_REMOTE_DB", "CONNINFO", "", 0, 0, {},
                "Remote database: libpq connection string or URI", &FlagValues::remote_db,
                piece_vars("POSTGRES_CLIENT_", true)});
  t.push_back(S{"--remote-table", "", Scope::global, Kind::text, "METER_SYNC_REMOTE_TABLE", "NAME", default_remote_table, 0, 0, {},
                "Remote table or view to read, optionally schema-qualified", &FlagValues::remote_table, {}});
  t.push_back(S{"--log-level", "", Scope::global, Kind::choice, "METER_SYNC_LOG_LEVEL", "LEVEL", default_log_level, 0, 0,
                {"trace", "debug", "info", "warn", "error", "off"}, "Log level", &FlagValues::log_level, {}});
  t.push_back(S{"--log-format", "", Scope::global, Kind::choice, "METER_SYNC_LOG_FORMAT", "FORMAT", "text", 0, 0,
                {"text", "json"}, "Log lines as text or one JSON object each", &FlagValues::log_format, {}});
  t.push_back(S{"--quiet", "-q", Scope::global, Kind::flag, "", "", "", 0, 0, {},
                "Same as --log-level warn; a successful run prints nothing", {}, {}});
  t.push_back(S{"--lock-key", "", Scope::global, Kind::integer, "METER_SYNC_LOCK_KEY", "N", i(default_lock_key),
                INT64_MIN, INT64_MAX, {}, "Advisory lock key", &FlagValues::lock_key, {}});
  t.push_back(S{"--connect-timeout", "", Scope::global, Kind::integer, "METER_SYNC_CONNECT_TIMEOUT", "SECONDS",
                i(default_connect_timeout_s), 1, 3600, {}, "Seconds to wait for a connection",
                &FlagValues::connect_timeout, {}});
  t.push_back(S{"--statement-timeout", "", Scope::global, Kind::integer, "METER_SYNC_STATEMENT_TIMEOUT", "SECONDS",
                i(default_statement_timeout_s), 0, 86400, {}, "Seconds a statement may run, 0 = no limit",
                &FlagValues::statement_timeout, {}});
  t.push_back(S{"--lock-timeout", "", Scope::global, Kind::integer, "METER_SYNC_LOCK_TIMEOUT", "SECONDS",
                i(default_lock_timeout_s), 0, 86400, {}, "Seconds to wait for a row or table lock",
                &FlagValues::lock_timeout, {}});
  t.push_back(S{"--metrics-file", "", Scope::global, Kind::text, "METER_SYNC_METRICS_FILE", "PATH", "", 0, 0, {},
                "Rewrite this Prometheus textfile after every run (node_exporter textfile collector)",
                &FlagValues::metrics_file, {}});
  // --- run --------------------------------------------------------------------------
  t.push_back(S{"--dry-run", "", Scope::run, Kind::flag, "", "", "", 0, 0, {},
                "Show what would change; change nothing, log nothing", {}, {}});
  t.push_back(S{"--json", "", Scope::run, Kind::flag, "", "", "", 0, 0, {}, "Print one JSON object on stdout", {}, {}});
  t.push_back(S{"--trigger", "", Scope::run, Kind::choice, "", "TRIGGER", "manual", 0, 0, {"scheduled", "manual"},
                "What started the run, recorded in meter_sync_log", {}, {}});
  t.push_back(S{"--max-deactivate-percent", "", Scope::run, Kind::integer, "METER_SYNC_MAX_DEACTIVATE_PERCENT", "P",
                i(default_max_deactivate_percent), 0, 100, {},
                "Refuse to deactivate more than P% of active meters (100 = off)",
                &FlagValues::max_deactivate_percent, {}});
  t.push_back(S{"--tenant-id", "", Scope::run, Kind::integer, "METER_SYNC_TENANT_ID", "N",
                "the local tenant table's row", INT64_MIN, INT64_MAX, {}, "Tenant to sync", &FlagValues::tenant_id, {}});
  t.push_back(S{"--full-fetch", "", Scope::run, Kind::flag, "", "", "", 0, 0, {},
                "Fetch and compare every remote row, not only those whose version changed", {}, {}});
  t.push_back(S{"--full-compare-every", "", Scope::run, Kind::duration, "METER_SYNC_FULL_COMPARE_EVERY", "DURATION",
                default_full_compare_every, 0, 0, {}, "Compare every row when the last full comparison is older than this (0 = never)",
                &FlagValues::full_compare_every, {}});
  // --- status -----------------------------------------------------------------------
  t.push_back(S{"--json", "", Scope::status, Kind::flag, "", "", "", 0, 0, {}, "Print one JSON object on stdout", {}, {}});
  t.push_back(S{"--max-age", "", Scope::status, Kind::duration, "", "DURATION", "", 0, 0, {},
                "Health check: exit 1 unless a sync succeeded within this duration (30m, 2h, 1d)", {}, {}});
  return t;
}

}  // namespace

const std::vector<SettingSpec>& settings_table() {
  static const std::vector<SettingSpec> table = make_table();
  return table;
}

const SettingSpec& setting(const std::string& flag) {
  for (const auto& s : settings_table())
    if (s.flag == flag && !s.env.empty()) return s;
  for (const auto& s : settings_table())
    if (s.flag == flag) return s;
  throw std::logic_error("no setting " + flag + " in settings_table");
}

std::string help_line(const SettingSpec& s) {
  std::string out = s.help;  // CLI11 adds the choices and the range from the checks
  if (!s.default_text.empty()) out += " (default " + s.default_text + ")";
  if (!s.env.empty()) out += " [env " + s.env + "]";
  return out;
}

std::string scope_name(Scope scope) {
  switch (scope) {
    case Scope::run: return "run";
    case Scope::status: return "status";
    case Scope::global: break;
  }
  return "";
}

}  // namespace meter_sync
