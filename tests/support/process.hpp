#pragma once
// Runs a program as a child process, capturing stdout and stderr. The stdout of every
// `meter-sync ... --json` run is appended to $METER_SYNC_JSON_LOG, if set, for the test that
// checks it against schema/ (tests/schema/validate_json_log.py).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal if killed by a signal
  std::string out, err;
  double seconds = 0;
};

using EnvOverrides = std::map<std::string, std::optional<std::string>>;  // nullopt = unset

// A started child; its output is collected by wait().
class Child {
 public:
  Child(const std::vector<std::string>& argv, const EnvOverrides& env = {});
  ~Child();
  Child(Child&&) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int pid() const { return pid_; }
  void signal(int sig) const;
  ProcessResult wait();

 private:
  int pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  double started_ = 0;
  std::vector<std::string> json_args_;  // a `meter-sync ... --json` run whose stdout is logged
};

ProcessResult run_process(const std::vector<std::string>& argv, const EnvOverrides& env = {});

}  // namespace testing_support
