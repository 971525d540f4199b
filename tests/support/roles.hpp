#pragma once
// A throwaway login role on the test cluster, for least-privilege runs. Declare it BEFORE the
// TestDatabases it is granted on: the role is dropped after the databases are gone.
#include <string>
#include <vector>

#include "support/process.hpp"

namespace testing_support {

class TestRole {
 public:
  explicit TestRole(const std::string& prefix);  // CREATE ROLE <prefix>_<pid>_<n> LOGIN NOSUPERUSER
  ~TestRole();
  TestRole(const TestRole&) = delete;
  TestRole& operator=(const TestRole&) = delete;

  const std::string& name() const { return name_; }
  // A connection string for this role: the later user= wins in libpq's key=value syntax.
  std::string conninfo(const std::string& base) const { return base + " user=" + name_; }

 private:
  std::string name_;
};

// meter-sync --local-db L --remote-db R <args...>
ProcessResult meter_sync_with(const std::string& local, const std::string& remote,
                              const std::vector<std::string>& args);

}  // namespace testing_support
