#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "core/metrics_text.hpp"

using namespace meter_sync;

namespace {

RunMetrics committed_run() {
  RunMetrics m;
  m.finished_at_us = 1795929530123456;
  m.success = true;
  m.exit_code = 65;
  m.duration_us = 2500000;
  m.counts = {3, 2, 1, 4};
  m.last_success_us = 1795929530123456;
  m.active_meters = 42;
  return m;
}

}  // namespace

TEST_CASE("metrics_text: prometheus_seconds keeps milliseconds") {
  CHECK(prometheus_seconds(1795929530123456) == "1795929530.123");
  CHECK(prometheus_seconds(0) == "0.000");
  CHECK(prometheus_seconds(5000) == "0.005");
  CHECK(prometheus_seconds(2500000) == "2.500");
  CHECK(prometheus_seconds(-1500000) == "-1.500");
  CHECK(prometheus_seconds(-5000) == "-0.005");
}

TEST_CASE("metrics_text: a committed run, every metric with HELP and TYPE") {
  const std::string text = metrics_text(committed_run());
  CHECK(text.find("meter_sync_last_run_timestamp_seconds 1795929530.123\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_success 1\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_exit_code 65\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_duration_seconds 2.500\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_meters{change=\"inserted\"} 3\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_meters{change=\"updated\"} 2\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_meters{change=\"deactivated\"} 1\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_meters{change=\"skipped\"} 4\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_success_timestamp_seconds 1795929530.123\n") != std::string::npos);
  CHECK(text.find("meter_sync_active_meters 42\n") != std::string::npos);

  // Each sample's metric has its HELP and TYPE lines before it, once.
  std::set<std::string> helped, typed, sampled;
  const std::regex help(R"(# HELP (\w+) .+)"), type(R"(# TYPE (\w+) gauge)"), sample(R"((\w+)(\{[^}]*\})? \S+)");
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // newline-terminated, the last line too
    const std::string line = text.substr(start, end - start);
    std::smatch m;
    if (std::regex_match(line, m, help)) CHECK(helped.insert(m[1]).second);
    else if (std::regex_match(line, m, type)) CHECK(typed.insert(m[1]).second);
    else if (std::regex_match(line, m, sample)) {
      CHECK(helped.count(m[1]) == 1);
      CHECK(typed.count(m[1]) == 1);
      sampled.insert(m[1]);
    } else FAIL("unexpected line: " << line);
    start = end + 1;
  }
  CHECK(sampled.size() == 7);
  CHECK(helped == sampled);
}

TEST_CASE("metrics_text: a failed run with no success yet and the local database unreachable") {
  RunMetrics m;
  m.finished_at_us = 1795929530000000;
  m.exit_code = 69;
  const std::string text = metrics_text(m);
  CHECK(text.find("meter_sync_last_run_success 0\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_exit_code 69\n") != std::string::npos);
  CHECK(text.find("meter_sync_last_run_meters{change=\"skipped\"} 0\n") != std::string::npos);
  CHECK(text.find("last_success_timestamp_seconds") == std::string::npos);
  CHECK(text.find("active_meters") == std::string::npos);
}
