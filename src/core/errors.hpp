#pragma once
// One exception type that carries the exit status it should end the program with.
#include <stdexcept>
#include <string>

#include "core/exit_status.hpp"

namespace meter_sync {

class Failure : public std::runtime_error {
 public:
  Failure(ExitStatus status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  ExitStatus status() const { return status_; }

 private:
  ExitStatus status_;
};

inline Failure config_error(const std::string& m) { return Failure(ExitStatus::config, m); }
inline Failure usage_error(const std::string& m) { return Failure(ExitStatus::usage, m); }

}  // namespace meter_sync
