#pragma once
// SIGINT/SIGTERM: a watcher thread records the signal and runs the current cancel action
// (cancel the running statements), so a run rolls back, logs the failure and exits 130/143.
// With no cancel action in place, or on a second signal, the process exits at once.
#include <atomic>
#include <functional>

namespace meter_sync::app {

// Blocks SIGINT and SIGTERM in the calling thread (call before starting any other thread)
// and starts the watcher. Idempotent.
void start_signal_watch();

// Called in the watcher thread just before it ends the process itself (no cancel action in
// place, or a second signal), with the signal: the last chance to print (cli: the --json
// failure object). Set once, before anything can be interrupted.
void set_exit_hook(std::function<void(int signal)> hook);

// The signal received (0 if none).
const std::atomic<int>& received_signal();

// Installs `action` for the lifetime of the object.
class CancelAction {
 public:
  explicit CancelAction(std::function<void()> action);
  ~CancelAction();
  CancelAction(const CancelAction&) = delete;
  CancelAction& operator=(const CancelAction&) = delete;
};

}  // namespace meter_sync::app
