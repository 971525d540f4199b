#include "core/config.hpp"

#include <charconv>
#include <vector>

#include "core/errors.hpp"
#include "core/settings_table.hpp"

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

// Each pick_* applies the precedence to one row of the settings table: the flag's value
// (CLI11 has checked it against the same row), else the variable, else the default.
template <typename T>
T pick_integer(const std::optional<T>& flag, const SettingSpec& spec, const Sources& sources, T fallback) {
  if (flag) return *flag;
  if (auto f = sources.lookup(spec.env)) return static_cast<T>(parse_integer(*f, spec.min, spec.max));
  return fallback;
}

// A connection: the whole string (flag, else variable) is the base; the separate
// POSTGRES_<PREFIX>_* pieces (the row's also_env) fill in keywords it leaves unset. Never falls
// back to the other database's settings: what is missing stays a libpq default.
ConnParams pick_connection(const std::optional<std::string>& flag, const SettingSpec& spec,
                           const Sources& sources) {
  ConnParams params;
  if (flag) {
    params = parse_conninfo(*flag, spec.flag);
  } else if (auto f = sources.lookup(spec.env)) {
    params = parse_conninfo(f->value, f->origin);
  }
  static const std::vector<std::pair<std::string, std::string>> keywords = {
      {"_HOST", "host"}, {"_PORT", "port"}, {"_DB", "dbname"}, {"_USER", "user"},
      {"_PASSWORD", "password"}, {"_SSLMODE", "sslmode"}};
  for (const auto& var : spec.also_env) {
    for (const auto& [suffix, keyword] : keywords) {
      if (var.size() < suffix.size() || var.compare(var.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      if (params.count(keyword)) continue;
      if (auto f = sources.lookup(var); f && !f->value.empty()) params[keyword] = f->value;
    }
  }
  return params;
}

std::string pick_choice(const std::optional<std::string>& flag, const SettingSpec& spec, const Sources& sources) {
  if (flag) return *flag;  // CLI11 has checked it already
  auto f = sources.lookup(spec.env);
  if (!f) return spec.default_text;
  for (const auto& a : spec.choices)
    if (a == f->value) return a;
  std::string list;
  for (const auto& a : spec.choices) list += (list.empty() ? "" : "|") + a;
  throw config_error("invalid " + f->origin + ": '" + f->value + "', expected " + list);
}

std::int64_t pick_duration(const std::optional<std::string>& flag, const SettingSpec& spec,
                           const Sources& sources, std::int64_t fallback) {
  std::optional<Found> f;
  if (flag) f = Found{*flag, spec.flag};
  else f = sources.lookup(spec.env);
  if (!f) return fallback;
  if (auto seconds = parse_duration(f->value)) return *seconds;
  throw config_error("invalid " + f->origin + ": '" + f->value +
                     "' is not a duration (seconds, or a number with s, m, h or d)");
}

std::optional<std::string> pick_text(const std::optional<std::string>& flag, const SettingSpec& spec,
                                     const Sources& sources) {
  if (flag) return flag;
  if (auto f = sources.lookup(spec.env); f && !f->value.empty()) return f->value;
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
  Settings s;  // the defaults: the table's constants
  s.local_db = pick_connection(flags.local_db, setting("--local-db"), sources);
  s.remote_db = pick_connection(flags.remote_db, setting("--remote-db"), sources);
  s.log_level = pick_choice(flags.log_level, setting("--log-level"), sources);
  s.log_format = pick_choice(flags.log_format, setting("--log-format"), sources) == "json" ? LogFormat::json
                                                                                         : LogFormat::text;
  s.lock_key = pick_integer(flags.lock_key, setting("--lock-key"), sources, s.lock_key);
  s.tenant_id = flags.tenant_id;  // no default: the local tenant table decides
  if (const auto& spec = setting("--tenant-id"); !s.tenant_id)
    if (auto f = sources.lookup(spec.env)) s.tenant_id = parse_integer(*f, spec.min, spec.max);
  s.max_deactivate_percent =
      pick_integer(flags.max_deactivate_percent, setting("--max-deactivate-percent"), sources, s.max_deactivate_percent);
  s.connect_timeout_s = pick_integer(flags.connect_timeout, setting("--connect-timeout"), sources, s.connect_timeout_s);
  s.statement_timeout_s =
      pick_integer(flags.statement_timeout, setting("--statement-timeout"), sources, s.statement_timeout_s);
  s.lock_timeout_s = pick_integer(flags.lock_timeout, setting("--lock-timeout"), sources, s.lock_timeout_s);
  s.remote_table = pick_text(flags.remote_table, setting("--remote-table"), sources).value_or(s.remote_table);
  s.full_compare_every_s =
      pick_duration(flags.full_compare_every, setting("--full-compare-every"), sources, s.full_compare_every_s);
  s.metrics_file = pick_text(flags.metrics_file, setting("--metrics-file"), sources);
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
