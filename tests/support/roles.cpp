#include "support/roles.hpp"

#include <unistd.h>

#include <atomic>
#include <pqxx/pqxx>

#include "support/test_db.hpp"

namespace testing_support {

TestRole::TestRole(const std::string& prefix) {
  static std::atomic<int> counter{0};
  name_ = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  pqxx::connection admin(cluster_conninfo() + " dbname=postgres");
  pqxx::nontransaction tx(admin);
  tx.exec("DROP ROLE IF EXISTS " + name_);
  tx.exec("CREATE ROLE " + name_ + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
}

TestRole::~TestRole() {
  try {
    pqxx::connection admin(cluster_conninfo() + " dbname=postgres");
    pqxx::nontransaction(admin).exec("DROP ROLE IF EXISTS " + name_);
  } catch (...) {
  }
}

ProcessResult meter_sync_with(const std::string& local, const std::string& remote,
                              const std::vector<std::string>& args) {
  std::vector<std::string> argv = {METER_SYNC_BINARY, "--local-db", local, "--remote-db", remote};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

}  // namespace testing_support
