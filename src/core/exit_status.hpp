#pragma once
// The exit codes of the contract (sysexits.h values), in one place.

namespace meter_sync {

enum class ExitStatus : int {
  ok = 0,
  failure = 1,        // anything else; rolled back
  usage = 64,         // bad command line
  data = 65,          // committed with skipped meters, or the mass-deactivation guard refused
  unavailable = 69,   // a database could not be reached or the connection was lost
  temporary = 75,     // lock busy, statement/lock timeout, serialization failure
  config = 78,        // tenant, missing table or column, env file, bad setting
  interrupted = 130,  // SIGINT (128 + 2)
  terminated = 143,   // SIGTERM (128 + 15)
};

inline int to_int(ExitStatus s) { return static_cast<int>(s); }

}  // namespace meter_sync
