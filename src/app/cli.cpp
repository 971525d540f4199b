// The command line (CLI11 lives in this one translation unit: it is slow to compile).
#include "app/cli.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <pqxx/version>

#include "app/env_file_check.hpp"
#include "app/logging.hpp"
#include "app/run_command.hpp"
#include "app/signals.hpp"
#include "app/status_command.hpp"
#include "core/errors.hpp"
#include "core/json_shapes.hpp"
#include "core/redact.hpp"

namespace meter_sync::app {
namespace {

std::string version_text() {
  const int pq = PQlibVersion();
  return std::string("meter-sync ") + METER_SYNC_VERSION + " (libpq " + std::to_string(pq / 10000) +
         "." + std::to_string(pq % 100) + ", libpqxx " + PQXX_VERSION + ")";
}

struct CommandLine {
  FlagValues flags;
  std::optional<std::string> env_file;
  bool quiet = false;
  RunOptions run;
  bool status_json = false;
  std::optional<std::string> status_max_age;
};

// Env file: --env-file must be readable; the default is read only when it exists.
EnvFile load_env_file(const std::optional<std::string>& path) {
  if (path) return read_checked_env_file(*path);
  if (access(default_env_file, F_OK) == 0) return read_checked_env_file(default_env_file);
  return {};
}

// Passwords as the user wrote them, before the settings are resolved: libpq quotes the part
// of a URI it cannot decode, password included.
std::vector<std::string> written_secrets(const FlagValues& flags, const Environment& env,
                                         const EnvFile& file) {
  std::vector<std::string> out;
  auto add = [&](const std::string& value, bool conninfo) {
    std::string secret = conninfo ? uri_password(value) : value;
    if (!secret.empty()) out.push_back(std::move(secret));
  };
  for (const auto* flag : {&flags.local_db, &flags.remote_db})
    if (*flag) add(**flag, true);
  for (const std::string name : {"METER_SYNC_LOCAL_DB", "METER_SYNC_REMOTE_DB", "POSTGRES_SYNC_PASSWORD",
                                 "POSTGRES_CLIENT_PASSWORD", "PGPASSWORD"}) {
    const bool conninfo = name.rfind("_DB") == name.size() - 3;
    if (auto it = env.find(name); it != env.end()) add(it->second, conninfo);
    if (auto it = file.find(name); it != file.end()) add(it->second.value, conninfo);
  }
  return out;
}

// `ps` shows the arguments for as long as the process runs: overwrite every password in them,
// in place and one for one (they are parsed already).
void hide_in_arguments(int argc, char** argv, const std::vector<std::string>& secrets) {
  for (int i = 1; i < argc; ++i) {
    const std::string masked = mask(argv[i], secrets);
    std::copy(masked.begin(), masked.end(), argv[i]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  start_signal_watch();
  CommandLine cl;
  CLI::App app{"meter-sync: keeps the local PostgreSQL copy of a tenant's meters in step with "
               "the remote Client System database.",
               "meter-sync"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--env-file", cl.env_file, "Env file to read (default /etc/meter-sync/meter-sync.env if it exists)");
  app.add_option("--local-db", cl.flags.local_db, "Local database: libpq connection string or URI");
  app.add_option("--remote-db", cl.flags.remote_db, "Remote database: libpq connection string or URI");
  app.add_option("--log-level", cl.flags.log_level, "trace|debug|info|warn|error|off (default info)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", cl.flags.log_format, "text|json (default text)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-q,--quiet", cl.quiet, "Same as --log-level warn; a successful run prints nothing");
  app.add_option("--lock-key", cl.flags.lock_key, "Advisory lock key (default 63837)");
  app.add_option("--connect-timeout", cl.flags.connect_timeout, "Seconds to wait for a connection (default 10)")
      ->check(CLI::Range(1, 3600));
  app.add_option("--statement-timeout", cl.flags.statement_timeout, "Seconds a statement may run, 0 = no limit (default 600)")
      ->check(CLI::Range(0, 86400));
  app.add_option("--lock-timeout", cl.flags.lock_timeout, "Seconds to wait for a row or table lock (default 30)")
      ->check(CLI::Range(0, 86400));
  app.add_option("--remote-table", cl.flags.remote_table,
                 "Remote table or view to read, optionally schema-qualified (default meter)");
  app.add_option("--metrics-file", cl.flags.metrics_file,
                 "Rewrite this Prometheus textfile after every run (node_exporter textfile collector)");

  auto* run = app.add_subcommand("run", "Sync the tenant's meters from the remote database now");
  run->add_flag("--dry-run", cl.run.dry_run, "Show what would change; change nothing, log nothing");
  run->add_flag("--json", cl.run.json, "Print one JSON object on stdout");
  run->add_option("--trigger", cl.run.trigger, "scheduled|manual (default manual), recorded in meter_sync_log")
      ->check(CLI::IsMember({"scheduled", "manual"}));
  run->add_option("--max-deactivate-percent", cl.flags.max_deactivate_percent,
                  "Refuse to deactivate more than P% of active meters (default 50; 100 = off)")
      ->check(CLI::Range(0, 100));
  run->add_option("--tenant-id", cl.flags.tenant_id, "Tenant to sync (default: the local tenant table's row)");
  run->add_flag("--full-fetch", cl.run.full_fetch,
                "Fetch and compare every remote row, not only those whose version changed");
  run->add_option("--full-compare-every", cl.flags.full_compare_every,
                  "Compare every row when the last full comparison is older than this (default 24h; 0 = never)")
      ->check([](const std::string& v) { return parse_duration(v) ? std::string() : "not a duration: " + v; });

  auto* status = app.add_subcommand("status", "Show the last sync and the meter count");
  status->add_flag("--json", cl.status_json, "Print one JSON object on stdout");
  status->add_option("--max-age", cl.status_max_age,
                     "Health check: exit 1 unless a sync succeeded within this duration (30m, 2h, 1d)")
      ->check([](const std::string& v) { return parse_duration(v) ? std::string() : "not a duration: " + v; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the error
    return code == 0 ? 0 : to_int(ExitStatus::usage);
  }

  const bool json = run->parsed() ? cl.run.json : cl.status_json;
  if (cl.quiet && !cl.flags.log_level) cl.flags.log_level = "warn";
  setup_logging(cl.flags.log_level.value_or("info"), cl.flags.log_format == std::string("json") ? LogFormat::json : LogFormat::text);
  Settings settings;
  std::vector<std::string> secrets;
  try {
    const Environment env = process_environment();
    const EnvFile file = load_env_file(cl.env_file);
    secrets = written_secrets(cl.flags, env, file);
    set_log_secrets(secrets);  // already for the messages about the settings themselves
    settings = resolve_settings(cl.flags, env, file);
  } catch (const Failure& failure) {
    const std::string message = scrub(failure.what());
    spdlog::error("{}", message);
    if (json && run->parsed()) std::cout << run_json(false, message, std::nullopt).dump() << std::endl;
    if (json && !run->parsed()) std::cout << status_error_json(message).dump() << std::endl;
    return to_int(failure.status());
  }
  for (auto& secret : secrets_of(settings)) secrets.push_back(std::move(secret));
  set_log_secrets(secrets);
  hide_in_arguments(argc, argv, secrets);
  setup_logging(settings.log_level, settings.log_format);

  cl.run.quiet = cl.quiet || settings.log_level == "warn" || settings.log_level == "error" || settings.log_level == "off";
  if (run->parsed()) return run_command(settings, cl.run);
  StatusOptions status_options;
  status_options.json = cl.status_json;
  if (cl.status_max_age) status_options.max_age_s = parse_duration(*cl.status_max_age);
  return status_command(settings, status_options);
}

}  // namespace meter_sync::app
