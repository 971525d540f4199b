#include <pqxx/pqxx>

#include "db/connection.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>

namespace meter_sync {

ConnParams session_params(const ConnParams& params, const Settings& s) {
  ConnParams out = params;
  auto set_default = [&](const std::string& key, const std::string& value) {
    out.emplace(key, value);  // keeps the user's value if there is one
  };
  set_default("connect_timeout", std::to_string(s.connect_timeout_s));
  set_default("application_name", "meter-sync");
  set_default("keepalives", "1");
  set_default("keepalives_idle", "30");
  set_default("keepalives_interval", "10");
  set_default("keepalives_count", "3");
  set_default("client_encoding", "UTF8");  // COPY lines pass through unchanged: same encoding
  return out;
}

std::string session_settings_sql(Side side, const Settings& s, int server_version) {
  // Same TimeZone and DateStyle on both sides, so timestamps travel as text exactly. Sent
  // as SQL rather than in the startup packet's "options", which PgBouncer refuses.
  std::string sql = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres';"
                    " SET statement_timeout = '" + std::to_string(s.statement_timeout_s) + "s';";
  if (side == Side::local)
    // random_page_cost 1.1 (SSD or cached data): a diff of a few thousand staged rows then
    // probes the meter table's key index instead of reading the whole table.
    sql += " SET lock_timeout = '" + std::to_string(s.lock_timeout_s) +
           "s'; SET work_mem = '128MB'; SET random_page_cost = 1.1;";
  // PostgreSQL 14+: a backend whose client died (kill -9) stops its statement within a
  // second and lets go of the advisory lock, instead of finishing the statement first.
  if (server_version >= 140000) sql += " SET client_connection_check_interval = '1s';";
  return sql;
}

Database::Database(Side side, const ConnParams& params, const Settings& settings)
    : label_(std::string(side == Side::local ? "local" : "remote") + " database " +
             describe_endpoint(params)) {
  try {
    conn_ = std::make_unique<pqxx::connection>(build_conninfo(session_params(params, settings)));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // After the server drops us, libpqxx would silently reconnect with a new session,
    // losing the advisory lock and temp tables: fail instead.
    conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    pqxx::nontransaction(*conn_).exec(session_settings_sql(side, settings, conn_->server_version()));
  } catch (const pqxx::broken_connection& e) {
    throw Failure(ExitStatus::unavailable, label_ + ": cannot connect: " + one_line(e.what()));
  } catch (const pqxx::failure& e) {
    throw Failure(classify_db_error(e), label_ + ": cannot connect: " + one_line(e.what()));
  }
}

void Database::cancel() noexcept {
  try {
    if (conn_) conn_->cancel_query();
  } catch (...) {
  }
}

}  // namespace meter_sync
