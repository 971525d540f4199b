#include <pqxx/pqxx>

#include "db/status_query.hpp"

#include <pqxx/nontransaction>

#include "db/sync_log.hpp"

namespace meter_sync {
namespace {

const char* last_run_columns =
    "id, status, (extract(epoch FROM coalesce(finished_at, started_at)) * 1000000)::bigint,"
    " coalesce(success, false), error, inserted_count, updated_count, deleted_count,"
    " skipped_count, trigger FROM meter_sync_log";

LastRun to_last_run(const pqxx::row& r) {
  LastRun run;
  const bool running = r[1].as<std::string>() == "running";
  run.finished_at_us = r[2].as<std::int64_t>();
  run.success = r[3].as<bool>();
  if (running) run.error = aborted_error;  // only called for a run known to be dead
  else if (!r[4].is_null()) run.error = r[4].as<std::string>();
  run.counts = {r[5].as<std::int64_t>(), r[6].as<std::int64_t>(), r[7].as<std::int64_t>(),
                r[8].as<std::int64_t>()};
  run.trigger = r[9].as<std::string>();
  return run;
}

std::int64_t active_meter_count(pqxx::transaction_base& tx, const TableSpec& spec) {
  return tx.exec1("SELECT count(*) FROM " + quote_ident(spec.table) + " WHERE " +
                  quote_ident(spec.active_column) + " IS TRUE")[0]
      .as<std::int64_t>();
}

// Only after checking that meter_sync_log exists.
std::optional<std::int64_t> last_success_us(pqxx::transaction_base& tx) {
  const auto r = tx.exec1("SELECT (extract(epoch FROM max(finished_at)) * 1000000)::bigint"
                          " FROM meter_sync_log WHERE status = 'succeeded'");
  if (r[0].is_null()) return std::nullopt;
  return r[0].as<std::int64_t>();
}

}  // namespace

bool lock_is_held(pqxx::transaction_base& tx, std::int64_t lock_key) {
  // A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low 32 bits),
  // objsubid 1. Probing with pg_try_advisory_lock would take the lock: never do that here.
  // quoted: in -9223372036854775808::bigint the cast binds before the minus and overflows
  const std::string key = "'" + std::to_string(lock_key) + "'";
  return tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                  " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                  " AND classid = ((" + key + "::bigint >> 32) & 4294967295)::oid"
                  " AND objid = (" + key + "::bigint & 4294967295)::oid"
                  " AND objsubid = 1 AND granted)")[0]
      .as<bool>();
}

StatusInfo read_status(Database& local, const TableSpec& spec, std::int64_t lock_key) {
  return local.guarded([&] {
    pqxx::nontransaction tx(local.conn());  // each statement sees the latest commits
    tx.exec("SET lock_timeout = '5s'");
    StatusInfo status;
    status.now_us = tx.exec1("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")[0].as<std::int64_t>();
    status.meter_count = active_meter_count(tx, spec);
    if (tx.exec1("SELECT to_regclass('meter_sync_log') IS NULL")[0].as<bool>()) {
      status.is_syncing = lock_is_held(tx, lock_key);
      return status;
    }
    const auto newest = tx.exec(std::string("SELECT ") + last_run_columns +
                                " WHERE id >= coalesce((SELECT max(id) FROM meter_sync_log"
                                " WHERE status <> 'running'), 0) ORDER BY id DESC");
    status.is_syncing = lock_is_held(tx, lock_key);
    status.last_success_us = last_success_us(tx);
    for (const auto& row : newest) {
      if (row[1].as<std::string>() != "running") {
        status.last = to_last_run(row);
        break;
      }
      if (status.is_syncing) continue;  // a live run: the last finished one is older
      // Running without the lock: finished since we read it, or died. A run commits its
      // final row before it lets go of the lock, so a fresh read tells which.
      const auto now = tx.exec1(std::string("SELECT ") + last_run_columns +
                                " WHERE id = " + row[0].as<std::string>());
      status.last = to_last_run(now);
      break;
    }
    return status;
  });
}

MonitoringFacts read_monitoring_facts(pqxx::connection& local, const TableSpec& spec) noexcept {
  MonitoringFacts facts;
  if (!local.is_open()) return facts;
  try {
    pqxx::nontransaction tx(local);  // each statement on its own: one failing spoils nothing
    tx.exec("SET lock_timeout = '5s'");
    try {
      facts.active_meters = active_meter_count(tx, spec);
    } catch (const pqxx::sql_error&) {
      // no meter table, or no privilege: the run has said so already
    }
    if (!tx.exec1("SELECT to_regclass('meter_sync_log') IS NULL")[0].as<bool>())
      facts.last_success_us = last_success_us(tx);
  } catch (const std::exception&) {
    // the connection is gone: leave out what it would have told
  }
  return facts;
}

}  // namespace meter_sync
