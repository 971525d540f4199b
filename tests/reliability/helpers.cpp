#include "reliability/helpers.hpp"

#include <libpq-fe.h>

#include <set>
#include <sstream>
#include <thread>

namespace reliability {
namespace {

// concat_ws of the copied columns as text, json as jsonb; `active` replaced if given.
std::string meter_text(const std::string& alias, const std::string& active_override = "") {
  std::string sql = "concat_ws('|'";
  for (const auto& c : testing_support::meter_columns()) {
    std::string value = alias + "." + c;
    if (c == "register_map") value += "::jsonb";
    if (c == "active" && !active_override.empty()) value = active_override;
    sql += ", coalesce((" + value + ")::text, 'NULL')";
  }
  return sql + ")";
}

std::string database_names(TestDatabases& db) {
  return "(" + db.local("SELECT quote_literal(current_database())")[0][0].as<std::string>() + ", " +
         db.remote("SELECT quote_literal(current_database())")[0][0].as<std::string>() + ")";
}

}  // namespace

void add_remote_meters(TestDatabases& db, std::int64_t tenant, std::int64_t first_id,
                       std::int64_t last_id, const std::string& variant) {
  const std::string v = "'" + variant + "'";
  db.remote(
      "INSERT INTO meter (id, tenant_id, name, type, serial_number, installation_date, device_id,"
      " location_id, ip, port, protocol, status, register_map, notes, active, created_at,"
      " updated_at) SELECT g, " + std::to_string(tenant) + ", 'meter ' || g || ' ' || " + v +
      ", 'electric', 'SN-' || g || '-' || " + v + ", date '2024-01-01' + (g % 365) + length(" + v +
      "), g, g % 97, '10.0.' || (g / 256 % 256) || '.' || (g % 256), 502 + length(" + v + "),"
      " 'modbus', 'online ' || " + v + ", json_build_object('registers', json_build_array(g, g + 1,"
      " g + 2), 'scale', 0.1, 'unit', 'kWh', 'variant', " + v + ", 'label', repeat('x', 140)),"
      " 'notes ' || " + v + ", true, timestamptz '2024-03-01 10:00:00.123456+00' + g * interval '1 s',"
      " timestamptz '2024-03-02 11:00:00.654321+00' + length(" + v + ") * interval '1 day'"
      " FROM generate_series(" + std::to_string(first_id) + ", " + std::to_string(last_id) + ") g");
}

void key_remote_meters_by_tenant(TestDatabases& db) {
  db.remote("ALTER TABLE meter DROP CONSTRAINT meter_pkey; ALTER TABLE meter ADD PRIMARY KEY (tenant_id, id)");
}

std::string local_checksum(TestDatabases& db) {
  return db.local("SELECT coalesce(md5(string_agg(" + meter_text("m") +
                  ", E'\\n' ORDER BY m.id)), 'empty') FROM meter m")[0][0]
      .as<std::string>();
}

std::string expected_checksum(TestDatabases& db, std::int64_t tenant, std::int64_t previous) {
  const std::string t = std::to_string(tenant), p = std::to_string(previous);
  return db.remote("SELECT coalesce(md5(string_agg(line, E'\\n' ORDER BY id)), 'empty') FROM ("
                   " SELECT m.id, " + meter_text("m") + " AS line FROM meter m WHERE m.tenant_id = " + t +
                   " UNION ALL SELECT m.id, " + meter_text("m", "false") + " FROM meter m"
                   " WHERE m.tenant_id = " + p + " AND " + t + " <> " + p + " AND NOT EXISTS"
                   " (SELECT 1 FROM meter x WHERE x.tenant_id = " + t + " AND x.id = m.id)) s")[0][0]
      .as<std::string>();
}

Child start_meter_sync(const TestDatabases& db, const std::vector<std::string>& args,
                       const EnvOverrides& env) {
  return Child(meter_sync_argv(db.local_conninfo(), db.remote_conninfo(), args), env);
}

std::vector<std::string> meter_sync_argv(const std::string& local, const std::string& remote,
                                         const std::vector<std::string>& args) {
  std::vector<std::string> argv = {METER_SYNC_BINARY};
  if (!local.empty()) argv.insert(argv.end(), {"--local-db", local});
  if (!remote.empty()) argv.insert(argv.end(), {"--remote-db", remote});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string conn_param(const std::string& conninfo, const std::string& key) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    PQfreemem(error);
    return "";
  }
  std::string value;
  for (auto* o = options; o->keyword; ++o)
    if (o->val && key == o->keyword) value = o->val;
  PQconninfoFree(options);
  return value;
}

std::string with_port(const std::string& conninfo, int port) {
  return conninfo + " port=" + std::to_string(port);  // libpq: the last value of a keyword wins
}

bool wait_until(const std::function<bool()>& done, double seconds) {
  const auto start = std::chrono::steady_clock::now();
  while (!done()) {
    if (seconds_since(start) > seconds) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::int64_t meter_sync_backends(TestDatabases& db, bool waiting_on_lock_only) {
  return db.local_count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'meter-sync'"
                        " AND datname IN " + database_names(db) +
                        (waiting_on_lock_only ? " AND wait_event_type = 'Lock'" : ""));
}

bool wait_for_no_backends(TestDatabases& db, double seconds) {
  return wait_until([&] { return meter_sync_backends(db) == 0; }, seconds);
}

int error_lines(const std::string& err) {
  int n = 0;
  for (size_t pos = err.find("error:"); pos != std::string::npos; pos = err.find("error:", pos + 1)) ++n;
  return n;
}

std::string repeated_line(const std::string& text) {
  std::istringstream in(text);
  std::set<std::string> seen;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && !seen.insert(line).second) return line;
  return "";
}

LogRow last_log_row(TestDatabases& db) {
  if (db.local_count("SELECT count(*) FROM pg_tables WHERE tablename = 'meter_sync_log'") == 0)
    return {"none", ""};
  const auto rows = db.local("SELECT status, coalesce(error, '') FROM meter_sync_log ORDER BY id DESC LIMIT 1");
  if (rows.empty()) return {"none", ""};
  return {rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace reliability
