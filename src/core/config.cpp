#include "core/config.hpp"

#include <charconv>
#include <vector>

#include "core/errors.hpp"

extern char** environ;

namespace meter_sync {
namespace {

// One setting's value and where it came from, after precedence.
struct Found {
  std::string value;
  std::string origin;
};

class Sources {
 public:
  Sources(const Environment& env, const EnvFile& file) : env_(env), file_(file) {}

  // process environment > env file
  std::optional<Found> lookup(const std::string& name) const {
    if (auto it = env_.find(name); it != env_.end())
      return Found{it->second, name + " (environment)"};
    if (auto it = file_.find(name); it != file_.end())
      return Found{it->second.value, name + " (" + it->second.origin + ")"};
    return std::nullopt;
  }

 private:
  const Environment& env_;
  const EnvFile& file_;
};

std::int64_t parse_integer(const Found& f, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const char* end = f.value.data() + f.value.size();
  auto [ptr, ec] = std::from_chars(f.value.data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max)
    throw config_error("invalid " + f.origin + ": '" + f.value + "' is not an integer from " +
                       std::to_string(min) + " to " + std::to_string(max));
  return value;
}

template <typename T>
T pick_integer(const std::optional<T>& flag, const Sources& sources, const std::string& name,
               T fallback, std::int64_t min, std::int64_t max) {
  if (flag) return *flag;
  if (auto f = sources.lookup(name)) return static_cast<T>(parse_integer(*f, min, max));
  return fallback;
}

// A connection: the whole string (flag, else variable) is the base; the separate
// POSTGRES_<PREFIX>_* pieces fill in keywords it leaves unset. Never falls back to the
// other database's settings: what is missing stays a libpq default.
ConnParams pick_connection(const std::optional<std::string>& flag, const std::string& flag_name,
                           const Sources& sources, const std::string& whole_var,
                           const std::string& prefix, bool with_sslmode) {
  ConnParams params;
  if (flag) {
    params = parse_conninfo(*flag, flag_name);
  } else if (auto f = sources.lookup(whole_var)) {
    params = parse_conninfo(f->value, f->origin);
  }
  std::vector<std::pair<std::string, std::string>> pieces = {
      {"HOST", "host"}, {"PORT", "port"}, {"DB", "dbname"}, {"USER", "user"}, {"PASSWORD", "password"}};
  if (with_sslmode) pieces.emplace_back("SSLMODE", "sslmode");
  for (const auto& [suffix, keyword] : pieces) {
    if (params.count(keyword)) continue;
    if (auto f = sources.lookup(prefix + suffix); f && !f->value.empty()) params[keyword] = f->value;
  }
  return params;
}

const std::vector<std::string> log_levels = {"trace", "debug", "info", "warn", "error", "off"};

std::string pick_choice(const std::optional<std::string>& flag, const Sources& sources,
                        const std::string& name, const std::string& fallback,
                        const std::vector<std::string>& allowed) {
  if (flag) return *flag;  // CLI11 has checked it already
  auto f = sources.lookup(name);
  if (!f) return fallback;
  for (const auto& a : allowed)
    if (a == f->value) return a;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
  throw config_error("invalid " + f->origin + ": '" + f->value + "', expected " + list);
}

std::int64_t pick_duration(const std::optional<std::string>& flag, const std::string& flag_name,
                           const Sources& sources, const std::string& name, std::int64_t fallback) {
  std::optional<Found> f;
  if (flag) f = Found{*flag, flag_name};
  else f = sources.lookup(name);
  if (!f) return fallback;
  if (auto seconds = parse_duration(f->value)) return *seconds;
  throw config_error("invalid " + f->origin + ": '" + f->value +
                     "' is not a duration (seconds, or a number with s, m, h or d)");
}

std::optional<std::string> pick_text(const std::optional<std::string>& flag, const Sources& sources,
                                     const std::string& name) {
  if (flag) return flag;
  if (auto f = sources.lookup(name); f && !f->value.empty()) return f->value;
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> parse_duration(const std::string& text) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin || value < 0) return std::nullopt;
  std::int64_t unit = 1;
  if (ptr != end) {
    if (ptr + 1 != end) return std::nullopt;
    switch (*ptr) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: return std::nullopt;
    }
  }
  if (value > INT64_MAX / unit) return std::nullopt;
  return value * unit;
}

Settings resolve_settings(const FlagValues& flags, const Environment& env, const EnvFile& file) {
  const Sources sources(env, file);
  Settings s;
  s.local_db = pick_connection(flags.local_db, "--local-db", sources, "METER_SYNC_LOCAL_DB",
                               "POSTGRES_SYNC_", false);
  s.remote_db = pick_connection(flags.remote_db, "--remote-db", sources, "METER_SYNC_REMOTE_DB",
                                "POSTGRES_CLIENT_", true);
  s.log_level = pick_choice(flags.log_level, sources, "METER_SYNC_LOG_LEVEL", "info", log_levels);
  s.log_format = pick_choice(flags.log_format, sources, "METER_SYNC_LOG_FORMAT", "text",
                             {"text", "json"}) == "json"
                     ? LogFormat::json
                     : LogFormat::text;
  s.lock_key = pick_integer<std::int64_t>(flags.lock_key, sources, "METER_SYNC_LOCK_KEY", 63837,
                                          INT64_MIN, INT64_MAX);
  if (flags.tenant_id) {
    s.tenant_id = flags.tenant_id;
  } else if (auto f = sources.lookup("METER_SYNC_TENANT_ID")) {
    s.tenant_id = parse_integer(*f, INT64_MIN, INT64_MAX);
  }
  s.max_deactivate_percent = pick_integer(flags.max_deactivate_percent, sources,
                                          "METER_SYNC_MAX_DEACTIVATE_PERCENT", 50, 0, 100);
  s.connect_timeout_s =
      pick_integer(flags.connect_timeout, sources, "METER_SYNC_CONNECT_TIMEOUT", 10, 1, 3600);
  s.statement_timeout_s =
      pick_integer(flags.statement_timeout, sources, "METER_SYNC_STATEMENT_TIMEOUT", 600, 0, 86400);
  s.lock_timeout_s =
      pick_integer(flags.lock_timeout, sources, "METER_SYNC_LOCK_TIMEOUT", 30, 0, 86400);
  s.remote_table = pick_text(flags.remote_table, sources, "METER_SYNC_REMOTE_TABLE").value_or("meter");
  s.full_compare_every_s = pick_duration(flags.full_compare_every, "--full-compare-every", sources,
                                         "METER_SYNC_FULL_COMPARE_EVERY", 86400);
  s.metrics_file = pick_text(flags.metrics_file, sources, "METER_SYNC_METRICS_FILE");
  return s;
}

std::vector<std::string> secrets_of(const Settings& settings) {
  std::vector<std::string> out;
  for (const auto* params : {&settings.local_db, &settings.remote_db})
    if (auto it = params->find("password"); it != params->end() && !it->second.empty())
      out.push_back(it->second);
  return out;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace meter_sync
