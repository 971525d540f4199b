#pragma once
// A fresh pair of databases (local and remote) on the test cluster, with the meter schema
// in a chosen variant, and a way to run the meter-sync binary against them.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "support/doctest_strings.hpp"
#include "support/process.hpp"

namespace testing_support {

// "host=... port=... user=..." of the test cluster (METER_SYNC_TEST_PG); empty if unset.
std::string cluster_conninfo();

struct SchemaOptions {
  std::string local_register_map_type = "jsonb";
  std::string remote_register_map_type = "json";
  bool reorder_local_columns = false;  // local columns in reverse order
  bool extra_local_column = false;     // local adds "site text NOT NULL DEFAULT 'here'"
  std::string tenant_column = "id";    // the local tenant table's column: id or tenant_id
  std::vector<std::int64_t> tenants = {1};  // rows of the local tenant table
  // Per copied column, a type replacing the default on that side, e.g. {"id", "varchar(255)"}
  // (deployed Sync databases store ids, ports and timestamps as varchar).
  std::map<std::string, std::string> local_types, remote_types;
  std::string remote_preamble;  // SQL run on the remote first, e.g. CREATE TYPE ... AS ENUM
};

// The copied columns, in the contract's order.
const std::vector<std::string>& meter_columns();

class TestDatabases {
 public:
  explicit TestDatabases(const SchemaOptions& options = {});
  ~TestDatabases();
  TestDatabases(const TestDatabases&) = delete;
  TestDatabases& operator=(const TestDatabases&) = delete;

  const std::string& local_conninfo() const { return local_conninfo_; }
  const std::string& remote_conninfo() const { return remote_conninfo_; }

  pqxx::result local(const std::string& sql);
  pqxx::result remote(const std::string& sql);
  std::int64_t local_count(const std::string& sql);  // first column of the first row

  // meter-sync --local-db L --remote-db R <args...>
  ProcessResult meter_sync(const std::vector<std::string>& args, const EnvOverrides& env = {}) const;

  // Copied columns as text, one string per meter ordered by id: local, or remote for a tenant.
  std::vector<std::string> local_meters();
  std::vector<std::string> remote_meters(std::int64_t tenant_id);

  // Adds a plain valid remote meter.
  void add_remote_meter(std::int64_t id, std::int64_t tenant_id, const std::string& name = "");

 private:
  std::string local_name_, remote_name_, local_conninfo_, remote_conninfo_;
  pqxx::connection local_conn_, remote_conn_;
};

nlohmann::json parse_json(const std::string& text);

}  // namespace testing_support
