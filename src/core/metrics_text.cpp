#include "core/metrics_text.hpp"

#include <cstdlib>

namespace meter_sync {
namespace {

void gauge(std::string& out, const std::string& name, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
}

void sample(std::string& out, const std::string& name, const std::string& value) {
  out += name + " " + value + "\n";
}

}  // namespace

std::string prometheus_seconds(std::int64_t us) {
  const std::lldiv_t ms = std::lldiv(us / 1000, 1000);  // truncated towards zero, as the format allows
  std::string frac = std::to_string(std::llabs(ms.rem));
  frac.insert(0, 3 - frac.size(), '0');
  return (us < 0 && ms.quot == 0 ? "-" : "") + std::to_string(ms.quot) + "." + frac;
}

std::string metrics_text(const RunMetrics& m) {
  std::string out;
  const std::string p = "meter_sync_";
  gauge(out, p + "last_run_timestamp_seconds", "When the last meter-sync run ended (Unix time).");
  sample(out, p + "last_run_timestamp_seconds", prometheus_seconds(m.finished_at_us));
  gauge(out, p + "last_run_success",
        "1 if the last run committed (some meters may have been skipped), 0 if it failed or did not run.");
  sample(out, p + "last_run_success", m.success ? "1" : "0");
  gauge(out, p + "last_run_exit_code", "Exit status of the last run (0 ok, 65 data, 69 unavailable, 75 busy, ...).");
  sample(out, p + "last_run_exit_code", std::to_string(m.exit_code));
  gauge(out, p + "last_run_duration_seconds", "How long the last run took, connecting included.");
  sample(out, p + "last_run_duration_seconds", prometheus_seconds(m.duration_us));
  gauge(out, p + "last_run_meters", "Meters the last run changed or skipped, by kind of change (0 if it failed).");
  const std::pair<const char*, std::int64_t> changes[] = {{"inserted", m.counts.inserted},
                                                         {"updated", m.counts.updated},
                                                         {"deactivated", m.counts.deleted},
                                                         {"skipped", m.counts.skipped}};
  for (const auto& [change, count] : changes)
    sample(out, p + "last_run_meters{change=\"" + change + "\"}", std::to_string(count));
  if (m.last_success_us) {
    gauge(out, p + "last_success_timestamp_seconds",
          "When the last successful run ended (Unix time), from meter_sync_log.");
    sample(out, p + "last_success_timestamp_seconds", prometheus_seconds(*m.last_success_us));
  }
  if (m.active_meters) {
    gauge(out, p + "active_meters", "Active meters in the local meter table after the last run.");
    sample(out, p + "active_meters", std::to_string(*m.active_meters));
  }
  return out;
}

}  // namespace meter_sync
