#include "support/test_db.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace testing_support {
namespace {

std::string create_database(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const std::string name = "t_" + prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  pqxx::connection admin(cluster_conninfo() + " dbname=postgres");
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  tx.exec("CREATE DATABASE " + name + " TEMPLATE template0");
  return name;
}

std::string meter_table_sql(const SchemaOptions& o, bool remote) {
  const auto& overrides = remote ? o.remote_types : o.local_types;
  auto col = [&](const std::string& name, const std::string& type, const std::string& extra = "") {
    const auto it = overrides.find(name);
    return name + " " + (it == overrides.end() ? type : it->second) + extra;
  };
  std::vector<std::string> cols = {
      col("id", "integer", " PRIMARY KEY"), col("name", "text", " NOT NULL"), col("type", "text", " NOT NULL"),
      col("serial_number", "text"), col("installation_date", "date"), col("device_id", "integer"),
      col("location_id", "integer"), col("ip", "text"), col("port", "integer"), col("protocol", "text"),
      col("status", "text", " NOT NULL"),
      col("register_map", remote ? o.remote_register_map_type : o.local_register_map_type),
      col("notes", "text"), col("active", "boolean"), col("created_at", "timestamptz"),
      col("updated_at", "timestamptz")};
  if (remote) cols.insert(cols.begin() + 1, "tenant_id integer NOT NULL");
  if (!remote && o.reorder_local_columns) std::reverse(cols.begin(), cols.end());
  if (!remote && o.extra_local_column) cols.insert(cols.begin() + 2, "site text NOT NULL DEFAULT 'here'");
  std::string sql = "CREATE TABLE meter (";
  for (size_t i = 0; i < cols.size(); ++i) sql += (i ? ", " : "") + cols[i];
  return sql + ")";
}

std::string meters_as_text_sql(const std::string& where) {
  std::string sql = "SELECT concat_ws('|'";
  for (const auto& c : meter_columns())
    sql += ", coalesce(" + c + (c == "register_map" ? "::jsonb" : "") + "::text, 'NULL')";
  return sql + ") FROM meter " + where + " ORDER BY id";
}

}  // namespace

std::string cluster_conninfo() {
  const char* v = std::getenv("METER_SYNC_TEST_PG");
  return v ? v : "";
}

const std::vector<std::string>& meter_columns() {
  static const std::vector<std::string> cols = {
      "id", "name", "type", "serial_number", "installation_date", "device_id", "location_id", "ip",
      "port", "protocol", "status", "register_map", "notes", "active", "created_at", "updated_at"};
  return cols;
}

TestDatabases::TestDatabases(const SchemaOptions& o)
    : local_name_(create_database("local")),
      remote_name_(create_database("remote")),
      local_conninfo_(cluster_conninfo() + " dbname=" + local_name_),
      remote_conninfo_(cluster_conninfo() + " dbname=" + remote_name_),
      local_conn_(local_conninfo_),
      remote_conn_(remote_conninfo_) {
  if (!o.remote_preamble.empty()) remote(o.remote_preamble);
  remote(meter_table_sql(o, true) + "; CREATE INDEX ON meter (tenant_id)");
  local(meter_table_sql(o, false));
  local("CREATE TABLE tenant (" + o.tenant_column + " integer, name text)");
  for (auto t : o.tenants) local("INSERT INTO tenant VALUES (" + std::to_string(t) + ", 'tenant')");
}

TestDatabases::~TestDatabases() {
  try {
    local_conn_.disconnect();
    remote_conn_.disconnect();
    pqxx::connection admin(cluster_conninfo() + " dbname=postgres");
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + local_name_ + " WITH (FORCE)");
    tx.exec("DROP DATABASE IF EXISTS " + remote_name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

pqxx::result TestDatabases::local(const std::string& sql) {
  pqxx::nontransaction tx(local_conn_);
  return tx.exec(sql);
}

pqxx::result TestDatabases::remote(const std::string& sql) {
  pqxx::nontransaction tx(remote_conn_);
  return tx.exec(sql);
}

std::int64_t TestDatabases::local_count(const std::string& sql) {
  return local(sql)[0][0].as<std::int64_t>();
}

ProcessResult TestDatabases::meter_sync(const std::vector<std::string>& args,
                                        const EnvOverrides& env) const {
  std::vector<std::string> argv = {METER_SYNC_BINARY, "--local-db", local_conninfo_, "--remote-db",
                                   remote_conninfo_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, env);
}

std::vector<std::string> TestDatabases::local_meters() {
  std::vector<std::string> out;
  for (const auto& row : local(meters_as_text_sql(""))) out.push_back(row[0].as<std::string>());
  return out;
}

std::vector<std::string> TestDatabases::remote_meters(std::int64_t tenant_id) {
  std::vector<std::string> out;
  for (const auto& row : remote(meters_as_text_sql("WHERE tenant_id = " + std::to_string(tenant_id))))
    out.push_back(row[0].as<std::string>());
  return out;
}

void TestDatabases::add_remote_meter(std::int64_t id, std::int64_t tenant_id, const std::string& name) {
  const std::string n = name.empty() ? "meter " + std::to_string(id) : name;
  pqxx::nontransaction tx(remote_conn_);
  tx.exec("INSERT INTO meter (id, tenant_id, name, type, serial_number, installation_date,"
          " device_id, location_id, ip, port, protocol, status, register_map, notes, active,"
          " created_at, updated_at) VALUES (" +
          std::to_string(id) + ", " + std::to_string(tenant_id) + ", " + tx.quote(n) +
          ", 'electric', 'SN-" + std::to_string(id) + "', '2024-03-01', " + std::to_string(id) +
          ", 7, '10.0.0.1', 502, 'modbus', 'online', '{\"registers\": [1, 2]}', NULL, true,"
          " '2024-03-01 10:00:00.123456+00', '2024-03-02 11:00:00.654321+00')");
}

nlohmann::json parse_json(const std::string& text) { return nlohmann::json::parse(text); }

}  // namespace testing_support
