#include "app/signals.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <mutex>
#include <thread>

namespace meter_sync::app {
namespace {

std::atomic<int> g_received{0};
std::mutex g_mutex;
std::function<void()> g_action;  // guarded by g_mutex
std::function<void(int)> g_exit_hook;  // guarded by g_mutex

void watch(sigset_t set) {
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_received.exchange(signal) != 0 || !g_action) {
      if (g_exit_hook) g_exit_hook(signal);
      _exit(128 + signal);
    }
    g_action();
  }
}

}  // namespace

void start_signal_watch() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(watch, set).detach();  // lives as long as the process
  });
}

void set_exit_hook(std::function<void(int)> hook) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_exit_hook = std::move(hook);
}

const std::atomic<int>& received_signal() { return g_received; }

CancelAction::CancelAction(std::function<void()> action) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_action = std::move(action);
}

CancelAction::~CancelAction() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_action = nullptr;
}

}  // namespace meter_sync::app
