#include <pqxx/pqxx>

#include "db/connection.hpp"

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <spdlog/spdlog.h>

namespace meter_sync {

ConnParams session_params(const ConnParams& params, const Settings& s) {
  ConnParams out = params;
  auto set_default = [&](const std::string& key, const std::string& value) {
    out.emplace(key, value);  // keeps the user's value if there is one
  };
  set_default("connect_timeout", std::to_string(s.connect_timeout_s));
  set_default("application_name", "meter-sync");
  // Dead-peer bounds: a peer that vanishes without a FIN (a cut link, a lost host) is given
  // up after 10 s of silence plus 3 unanswered probes 3 s apart, or 20 s of unacknowledged
  // data. The server's side of the session gets the same values (dead_peer_settings_sql).
  // 20 s, not 60: a run cut off from both servers waits for one, then rolls back the other.
  set_default("keepalives", "1");
  set_default("keepalives_idle", "10");
  set_default("keepalives_interval", "3");
  set_default("keepalives_count", "3");
  set_default("tcp_user_timeout", "20000");  // milliseconds
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

std::string dead_peer_settings_sql(const ConnParams& effective, int server_version) {
  auto value = [&](const std::string& key) {
    const auto it = effective.find(key);
    return it == effective.end() ? std::string() : it->second;
  };
  auto is_number = [](const std::string& v) {
    return !v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos;
  };
  if (value("keepalives") == "0") return "";  // the user turned keepalives off on purpose
  // The server forgets a client that vanished only when its own TCP keepalive fires (2 hours
  // by default); until then the dead session keeps its transaction and the advisory lock.
  // On a Unix socket the server accepts and ignores these.
  std::string sql;
  for (const auto& [key, setting] : {std::pair<std::string, std::string>{"keepalives_idle", "tcp_keepalives_idle"},
                                     {"keepalives_interval", "tcp_keepalives_interval"},
                                     {"keepalives_count", "tcp_keepalives_count"}})
    if (is_number(value(key))) sql += " SET " + setting + " = " + value(key) + ";";
  if (server_version >= 120000 && is_number(value("tcp_user_timeout")))
    sql += " SET tcp_user_timeout = " + value("tcp_user_timeout") + ";";
  return sql;
}

Database::Database(Side side, const ConnParams& params, const Settings& settings)
    : label_(std::string(side == Side::local ? "local" : "remote") + " database " +
             describe_endpoint(params)) {
  try {
    const ConnParams effective = session_params(params, settings);
    conn_ = std::make_unique<pqxx::connection>(build_conninfo(effective));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // After the server drops us, libpqxx would silently reconnect with a new session,
    // losing the advisory lock and temp tables: fail instead.
    conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    const int version = conn_->server_version();
    pqxx::nontransaction(*conn_).exec(session_settings_sql(side, settings, version) +
                                      dead_peer_settings_sql(effective, version));
    if (side == Side::remote && spdlog::should_log(spdlog::level::debug)) log_standby_lag();
  } catch (const pqxx::broken_connection& e) {
    throw Failure(ExitStatus::unavailable, label_ + ": cannot connect: " + one_line(e.what()));
  } catch (const pqxx::failure& e) {
    throw Failure(classify_db_error(e), label_ + ": cannot connect: " + one_line(e.what()));
  }
}

void Database::log_standby_lag() {
  // A hot standby serves the same rows (and row versions) as its primary, as of its replay.
  const auto row = pqxx::nontransaction(*conn_).exec(
      "SELECT pg_is_in_recovery(), pg_is_in_recovery() AND pg_is_wal_replay_paused(),"
      " coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::text, 'unknown')")[0];
  if (!row[0].as<bool>()) return;
  spdlog::debug("{} is a hot standby: last replayed transaction {} s ago{}", label_, row[2].as<std::string>(),
                row[1].as<bool>() ? ", replay paused" : "");
}

std::string Database::lost_message(const std::exception& e) const {
  return label_ + ": connection lost (the server closed it, or stopped answering): " + one_line(e.what());
}

void Database::cancel() noexcept {
  try {
    if (conn_) conn_->cancel_query();
  } catch (...) {
  }
}

}  // namespace meter_sync
