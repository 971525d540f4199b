#pragma once
// One database connection with the settings every meter-sync session needs, and the rule
// that turns any libpqxx error into a Failure naming this database.
#include <memory>
#include <string>
#include <utility>

#include <pqxx/connection>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "db/error_map.hpp"

namespace meter_sync {

enum class Side { local, remote };

class Database {
 public:
  // Connects; throws Failure(unavailable) naming the database.
  Database(Side side, const ConnParams& params, const Settings& settings);

  pqxx::connection& conn() { return *conn_; }
  const std::string& label() const { return label_; }  // "remote database host:port/db"

  // Runs f; a database exception leaves as Failure("<label>: <what>") with its exit status.
  template <typename F>
  auto guarded(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const pqxx::sql_error& e) {
      throw Failure(classify_db_error(e), label_ + ": " + one_line(e.what()), e.sqlstate());
    } catch (const pqxx::failure& e) {
      // A connection that died mid-COPY surfaces as a plain pqxx::failure: judge by the
      // connection's state, not by the exception type alone.
      if (lost()) throw Failure(ExitStatus::unavailable, lost_message(e));
      throw Failure(classify_db_error(e), label_ + ": " + one_line(e.what()));
    } catch (const pqxx::usage_error& e) {
      throw Failure(ExitStatus::failure, label_ + ": " + one_line(e.what()));
    }
  }

  // Asks the server to cancel the running statement (thread-safe; used on SIGINT/SIGTERM).
  void cancel() noexcept;

  // True once the connection has been lost (it is never silently re-established).
  bool lost() const noexcept { return conn_ && !conn_->is_open(); }

 private:
  void log_standby_lag();
  // "<label>: connection lost (...): <what>": libpqxx's text after the fact, such as "Could
  // not obtain client encoding: not connected", does not say that the connection is gone.
  std::string lost_message(const std::exception& e) const;  // debug output: a remote that is a standby, and how far behind
  std::string label_;
  std::unique_ptr<pqxx::connection> conn_;
};

// The connection string actually used: the user's parameters plus defaults (connect
// timeout, keepalives, UTF8, application_name) where the user set none.
ConnParams session_params(const ConnParams& params, const Settings& settings);

// The SET statements every session starts with: UTC, ISO dates, timeouts.
std::string session_settings_sql(Side side, const Settings& settings, int server_version);

// The server side of the dead-peer bounds: SET tcp_keepalives_idle/_interval/_count and
// tcp_user_timeout to the connection's own keepalives parameters (session_params' defaults
// or the user's), so the server drops a vanished client's session, transaction and advisory
// lock as soon as the client would give up. Empty when the user set keepalives=0.
std::string dead_peer_settings_sql(const ConnParams& effective, int server_version);

}  // namespace meter_sync
