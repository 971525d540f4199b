// The command line (CLI11 lives in this one translation unit: it is slow to compile).
#include "app/cli.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <pqxx/version>

#include "app/env_file_check.hpp"
#include "app/json_output.hpp"
#include "app/logging.hpp"
#include "app/run_command.hpp"
#include "app/signals.hpp"
#include "app/status_command.hpp"
#include "core/errors.hpp"
#include "core/json_shapes.hpp"
#include "core/redact.hpp"
#include "core/settings_table.hpp"

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
  auto add_variable = [&](const std::string& name, bool conninfo) {
    if (auto it = env.find(name); it != env.end()) add(it->second, conninfo);
    if (auto it = file.find(name); it != file.end()) add(it->second.value, conninfo);
  };
  for (const auto& spec : settings_table()) {
    if (spec.kind != Kind::conninfo) continue;
    add_variable(spec.env, true);
    for (const auto& piece : spec.also_env)
      if (piece.size() > 9 && piece.compare(piece.size() - 9, 9, "_PASSWORD") == 0) add_variable(piece, false);
  }
  add_variable("PGPASSWORD", false);
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

// The options that are not settings (no environment name): bound to what the commands read.
CLI::Option* add_command_line_only(CLI::App& app, const std::string& names, const SettingSpec& spec,
                                   CommandLine& cl) {
  const std::string key = scope_name(spec.scope) + " " + spec.flag;
  const std::string help = help_line(spec);
  if (key == " --env-file") return app.add_option(names, cl.env_file, help);
  if (key == " --quiet") return app.add_flag(names, cl.quiet, help);
  if (key == "run --dry-run") return app.add_flag(names, cl.run.dry_run, help);
  if (key == "run --json") return app.add_flag(names, cl.run.json, help);
  if (key == "run --trigger") return app.add_option(names, cl.run.trigger, help);
  if (key == "run --full-fetch") return app.add_flag(names, cl.run.full_fetch, help);
  if (key == "status --json") return app.add_flag(names, cl.status_json, help);
  if (key == "status --max-age") return app.add_option(names, cl.status_max_age, help);
  throw std::logic_error("settings_table row '" + key + "' is bound to nothing in app/cli.cpp");
}

// The CLI11 options of one command, from the settings table: names, help, value name and check.
void add_options(CLI::App& app, Scope scope, CommandLine& cl) {
  for (const auto& spec : settings_table()) {
    if (spec.scope != scope) continue;
    const std::string names = spec.short_flag.empty() ? spec.flag : spec.short_flag + "," + spec.flag;
    CLI::Option* option = std::visit(
        [&](auto field) -> CLI::Option* {
          if constexpr (std::is_same_v<decltype(field), std::monostate>) {
            return add_command_line_only(app, names, spec, cl);
          } else {
            return app.add_option(names, cl.flags.*field, help_line(spec));
          }
        },
        spec.field);
    if (spec.kind != Kind::flag) option->type_name(spec.value_name);
    if (spec.kind == Kind::choice) option->check(CLI::IsMember(spec.choices));
    if (spec.kind == Kind::integer && !(spec.min == INT64_MIN && spec.max == INT64_MAX))
      option->check(CLI::Range(spec.min, spec.max));
    if (spec.kind == Kind::duration)
      option->check([](const std::string& v) { return parse_duration(v) ? std::string() : "not a duration: " + v; });
  }
}

// What the command line asks for, read from argv itself so that it holds even when the
// command line does not parse: `--json` anywhere counts.
struct Intent {
  bool json = false;
  std::string command;  // "run", "status" or "" (none recognised)
};

Intent read_intent(int argc, char** argv) {
  Intent intent;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json" || arg.rfind("--json=", 0) == 0) intent.json = true;
    if (intent.command.empty() && (arg == "run" || arg == "status")) intent.command = arg;
  }
  return intent;
}

// The failure object of the command asked for: status keeps its "error" key.
nlohmann::json failure_for(const Intent& intent, const std::string& message) {
  return intent.command == "status" ? status_error_json(message) : failure_json(message);
}

// Reports a failure that happened outside the commands (command line, settings, a bug):
// one line on stderr, and with --json the failure object on stdout.
int fail(const Intent& intent, ExitStatus status, const std::string& message, bool log = true) {
  const std::string clean = scrub(message);
  if (log) spdlog::error("{}", clean);
  if (intent.json) print_json(failure_for(intent, clean));
  return to_int(status);
}

int run_main(int argc, char** argv, const Intent& intent) {
  CommandLine cl;
  CLI::App app{"meter-sync: keeps the local PostgreSQL copy of a tenant's meters in step with "
               "the remote Client System database.",
               "meter-sync"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();
  auto* run = app.add_subcommand("run", "Sync the tenant's meters from the remote database now");
  auto* status = app.add_subcommand("status", "Show the last sync and the meter count");
  add_options(app, Scope::global, cl);
  add_options(*run, Scope::run, cl);
  add_options(*status, Scope::status, cl);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version or the error
    if (code == 0) return 0;       // --help, --version: text, as asked
    return fail(intent, ExitStatus::usage,
                std::string("bad command line: ") + e.what() + " (see meter-sync --help)", false);
  }

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
    return fail(intent, failure.status(), failure.what());
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

}  // namespace

// The one top-level catch (as ccache's ccache_main): whatever escapes still ends with one
// line on stderr, the failure object under --json, and an exit status from the table.
int main(int argc, char** argv) {
  start_signal_watch();
  const Intent intent = read_intent(argc, argv);
  // Stopped where nothing rolls back and reports (outside a run, or by a second signal): the
  // watcher ends the process; under --json the failure object is printed first (unless the
  // command's own object is out already).
  set_exit_hook([intent](int signal) {
    const std::string name = signal == SIGINT ? "SIGINT" : "SIGTERM";
    print_json(failure_for(intent, intent.command == "run"
                                       ? "interrupted by " + name + " and stopped at once; a run in "
                                             "progress is rolled back and reported as aborted"
                                       : "interrupted by " + name));
  });
  try {
    return run_main(argc, argv, intent);
  } catch (const Failure& failure) {
    return fail(intent, failure.status(), failure.what());
  } catch (const std::exception& e) {
    return fail(intent, ExitStatus::failure, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(intent, ExitStatus::failure, "internal error: an unknown exception");
  }
}

}  // namespace meter_sync::app
