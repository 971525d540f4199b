#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/json_shapes.hpp"
#include "core/redact.hpp"
#include "core/time_format.hpp"

namespace meter_sync::app {
namespace {

std::vector<std::string>& secrets() {
  static std::vector<std::string> list;
  return list;
}

// Formats with an inner formatter (text) or as JSON, then removes secrets.
class SafeFormatter final : public spdlog::formatter {
 public:
  SafeFormatter(LogFormat format, std::string pattern)
      : format_(format), pattern_(std::move(pattern)),
        text_(std::make_unique<spdlog::pattern_formatter>(pattern_)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    const std::string payload = redact(std::string(msg.payload.data(), msg.payload.size()), secrets());
    if (format_ == LogFormat::json) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          msg.time.time_since_epoch()).count();
      const auto level = spdlog::level::to_string_view(msg.level);
      line = to_json_line(nlohmann::json{{"time", iso8601_utc_ms(us)},
                            {"level", std::string(level.data(), level.size())},
                            {"program", "meter-sync"},
                            {"message", payload}}) + "\n";
    } else {
      spdlog::memory_buf_t buf;
      text_->format(msg, buf);
      line = redact(std::string(buf.data(), buf.size()), secrets());
    }
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<SafeFormatter>(format_, pattern_);
  }

 private:
  LogFormat format_;
  std::string pattern_;
  std::unique_ptr<spdlog::formatter> text_;
};

}  // namespace

void set_log_secrets(std::vector<std::string> list) { secrets() = std::move(list); }

std::string scrub(const std::string& text) { return redact(text, secrets()); }

void setup_logging(const std::string& level, LogFormat format) {
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("meter-sync",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(l);
    return l;
  }();
  const auto lvl = spdlog::level::from_str(level);
  const bool detailed = lvl <= spdlog::level::debug;
  logger->set_formatter(std::make_unique<SafeFormatter>(
      format, detailed ? "%Y-%m-%dT%H:%M:%S.%e meter-sync: %l: %v" : "meter-sync: %l: %v"));
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::trace);
}

}  // namespace meter_sync::app
