#include "app/status_command.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "app/json_output.hpp"
#include "app/logging.hpp"
#include "core/health.hpp"
#include "core/json_shapes.hpp"
#include "db/status_query.hpp"

namespace meter_sync::app {
namespace {

int report_failure(const Failure& failure, bool json) {
  const std::string message = scrub(failure.what());
  spdlog::error("{}", message);
  if (json) print_json(status_error_json(message));
  return to_int(failure.status());
}

}  // namespace

int status_command(const Settings& settings, const StatusOptions& options) {
  const bool json = options.json;
  try {
    Database local(Side::local, settings.local_db, settings);
    const StatusInfo status = read_status(local, meter_table(), settings.lock_key);
    // --max-age: a health check. The report is printed as usual; one line on stderr and
    // exit 1 when no run succeeded recently enough ("healthy" in the JSON says the same).
    std::optional<std::string> stale;
    if (options.max_age_s) stale = staleness(status, *options.max_age_s);
    if (json) {
      auto out = status_json(status);
      if (options.max_age_s) out["healthy"] = !stale;
      print_json(out);
    } else {
      std::cout << status_text(status) << std::flush;
    }
    if (stale) {
      spdlog::error("{}", scrub(*stale));
      return to_int(ExitStatus::failure);
    }
    return to_int(ExitStatus::ok);
  } catch (const Failure& failure) {
    return report_failure(failure, json);
  } catch (const std::exception& e) {  // a bug or a library surprise: still one clear line
    return report_failure(Failure(ExitStatus::failure, std::string("unexpected error: ") + e.what()), json);
  }
}

}  // namespace meter_sync::app
