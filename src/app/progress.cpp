#include "app/progress.hpp"

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/copy_observer.hpp"

namespace meter_sync::app {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto redraw_every = std::chrono::milliseconds(200);

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col - 1U;
  return 79;
}

// The remote planner's row estimate for `query`: EXPLAIN plans it without running it. Under a
// savepoint, so that a failure leaves the snapshot transaction usable.
std::optional<std::int64_t> estimated_rows(pqxx::transaction_base& tx, const std::string& query) noexcept {
  try {
    tx.exec("SAVEPOINT meter_sync_progress");
    try {
      const auto plan = nlohmann::json::parse(tx.exec1("EXPLAIN (FORMAT JSON) " + query)[0].as<std::string>());
      tx.exec("RELEASE SAVEPOINT meter_sync_progress");
      return plan.at(0).at("Plan").at("Plan Rows").get<std::int64_t>();
    } catch (const std::exception&) {
      tx.exec("ROLLBACK TO SAVEPOINT meter_sync_progress");
      tx.exec("RELEASE SAVEPOINT meter_sync_progress");
    }
  } catch (const std::exception&) {
    // the run itself will meet and report whatever went wrong here
  }
  return std::nullopt;
}

Progress::Impl*& current() {
  static Progress::Impl* impl = nullptr;
  return impl;
}

}  // namespace

class Progress::Impl final : public CopyObserver {
 public:
  Impl() : started_(Clock::now()) {
    auto& sinks = spdlog::default_logger()->sinks();
    before_ = std::make_shared<LogGuard>(*this, true);
    after_ = std::make_shared<LogGuard>(*this, false);
    sinks.insert(sinks.begin(), before_);
    sinks.push_back(after_);
    set_copy_observer(this);
    thread_ = std::thread([this] { loop(); });
  }

  ~Impl() override { done(); }

  void done() noexcept {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      stopped_ = true;
      erase();
    }
    wake_.notify_all();
    thread_.join();
    set_copy_observer(nullptr);
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove_if(sinks.begin(), sinks.end(),
                               [&](const auto& s) { return s == before_ || s == after_; }),
                sinks.end());
  }

  void phase(Phase p) noexcept {
    phase_.store(p);
    std::lock_guard lock(mutex_);
    draw();
  }

  void copy_started(pqxx::transaction_base& remote_tx, const std::string& remote_query) noexcept override {
    const auto estimate = estimated_rows(remote_tx, remote_query);
    {
      std::lock_guard lock(mutex_);
      expected_ = estimate;
      rows_.store(0);
      fetch_started_ = Clock::now();
    }
    phase(Phase::fetching);
  }

  void row_copied(std::size_t bytes) noexcept override {
    rows_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(static_cast<std::int64_t>(bytes), std::memory_order_relaxed);
  }

  void copy_finished() noexcept override {
    {
      std::lock_guard lock(mutex_);
      fetch_before_ += seconds_since(fetch_started_);
    }
    phase(Phase::applying);
  }

 private:
  // Two sinks around the logger's own: the first erases the line before a log line is
  // written, the second draws it again after.
  class LogGuard final : public spdlog::sinks::sink {
   public:
    LogGuard(Impl& owner, bool before) : owner_(owner), before_(before) {}
    void log(const spdlog::details::log_msg&) override {
      std::lock_guard lock(owner_.mutex_);
      owner_.suspended_ = before_;
      if (before_) owner_.erase();
      else owner_.draw();
    }
    void flush() override {}
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

   private:
    Impl& owner_;
    bool before_;
  };

  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopped_) {
      draw();
      wake_.wait_for(lock, redraw_every);
    }
  }

  // With mutex_ held.
  void draw() noexcept {
    if (stopped_ || suspended_) return;
    ProgressState s;
    s.phase = phase_.load();
    s.rows = rows_.load(std::memory_order_relaxed);
    s.bytes = bytes_.load(std::memory_order_relaxed);
    s.expected = expected_;
    s.elapsed_s = seconds_since(started_);
    s.fetch_s = fetch_before_ + (s.phase == Phase::fetching ? seconds_since(fetch_started_) : 0.0);
    const std::string line = "\r" + progress_line(s, terminal_width()) + "\033[K";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    shown_ = true;
  }

  void erase() noexcept {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

  const Clock::time_point started_;
  std::atomic<Phase> phase_{Phase::connecting};
  std::atomic<std::int64_t> rows_{0}, bytes_{0};
  std::mutex mutex_;  // guards what follows, and stderr while drawing
  std::optional<std::int64_t> expected_;  // of the current stream
  Clock::time_point fetch_started_;
  double fetch_before_ = 0;  // seconds streamed in earlier streams
  std::condition_variable wake_;
  bool stopped_ = false, suspended_ = false, shown_ = false;
  std::shared_ptr<LogGuard> before_, after_;
  std::thread thread_;
};

bool progress_wanted(const Settings& settings, bool quiet, bool json) {
  return !quiet && !json && settings.log_format == LogFormat::text && ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(bool enabled) {
  if (!enabled) return;
  impl_ = std::make_unique<Impl>();
  current() = impl_.get();
}

Progress::~Progress() {
  if (impl_) current() = nullptr;
}

void progress_phase(Phase phase) {
  if (auto* impl = current()) impl->phase(phase);
}

void progress_done() {
  if (auto* impl = current()) impl->done();
}

}  // namespace meter_sync::app
