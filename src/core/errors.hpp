#pragma once
// One exception type that carries the exit status it should end the program with.
#include <stdexcept>
#include <string>

#include "core/exit_status.hpp"

namespace meter_sync {

class Failure : public std::runtime_error {
 public:
  Failure(ExitStatus status, const std::string& message, std::string sqlstate = {})
      : std::runtime_error(message), status_(status), sqlstate_(std::move(sqlstate)) {}
  ExitStatus status() const { return status_; }
  const std::string& sqlstate() const { return sqlstate_; }  // empty unless from the database

 private:
  ExitStatus status_;
  std::string sqlstate_;
};

inline Failure config_error(const std::string& m) { return Failure(ExitStatus::config, m); }
inline Failure usage_error(const std::string& m) { return Failure(ExitStatus::usage, m); }

}  // namespace meter_sync
