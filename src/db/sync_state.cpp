#include "db/sync_state.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include "core/errors.hpp"
#include "db/schema.hpp"

namespace meter_sync {
namespace {

bool log_table_exists(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT to_regclass('meter_sync_log') IS NOT NULL")[0].as<bool>();
}

}  // namespace

std::string state_signature(const SyncPlan& plan, std::int64_t tenant_id, const std::string& remote_system) {
  return plan.signature() + " tenant:" + std::to_string(tenant_id) + " system:" + remote_system;
}

bool state_can_hold_row_hashes(pqxx::dbtransaction& tx, const std::string& where) {
  const auto row = tx.exec1(
      "SELECT c.oid IS NULL OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
      " AND a.attname = 'remote_hash' AND NOT a.attisdropped), pg_has_role(c.relowner, 'USAGE')"
      " FROM (SELECT to_regclass(" + tx.quote(SyncPlan::state) + ") AS oid) r LEFT JOIN pg_class c ON c.oid = r.oid");
  if (row[0].as<bool>()) return true;
  if (row[1].as<bool>()) {
    tx.exec(std::string("ALTER TABLE ") + SyncPlan::state + " ADD COLUMN remote_hash bigint");
    return true;
  }
  spdlog::warn("{}: table {} has no column remote_hash, so a remote view's rows are compared in full on every run;"
               " its owner can add it: ALTER TABLE {} ADD COLUMN remote_hash bigint",
               where, SyncPlan::state, SyncPlan::state);
  return false;
}

bool prepare_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::string& signature,
                        const std::string& where) {
  const std::string table = SyncPlan::state;
  std::vector<std::string> columns = plan.spec().key;
  columns.push_back("remote_xmin");
  columns.push_back("local_xmin");
  if (plan.remote_versions() == RemoteVersions::row_hash) columns.push_back("remote_hash");
  if (!check_tool_table(tx, table, columns, {"SELECT", "INSERT", "UPDATE", "DELETE"}, where)) {
    require_create_privilege(tx, table, where);
    tx.exec(plan.create_state_table());
    return false;
  }
  // Keys of another type (the local key column's type changed): the table must be rebuilt.
  const Relation state = describe_relation(tx, quote_ident(table), where, table);
  for (const auto& k : plan.spec().key) {
    if (state.columns.at(k).type == plan.local_type(k).type) continue;
    const bool owner = tx.exec1("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass(" +
                                tx.quote(table) + ")")[0].as<bool>();
    if (!owner)
      throw config_error(where + ": table " + table + " has column " + k + " of type " + state.columns.at(k).type +
                         " but meter." + k + " is " + plan.local_type(k).type +
                         ": drop meter_sync_state (meter-sync recreates it) or recreate it with that type");
    tx.exec("DROP TABLE " + table);
    tx.exec(plan.create_state_table());
    return false;
  }
  if (log_table_exists(tx)) {
    const auto last = tx.exec("SELECT details->>'state_signature' FROM meter_sync_log"
                              " WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1");
    if (!last.empty() && !last[0][0].is_null() && last[0][0].as<std::string>() == signature) return true;
  }
  tx.exec("DELETE FROM " + table);  // recorded under other rules: start afresh
  return false;
}

bool full_comparison_due(pqxx::transaction_base& tx, std::int64_t period_s) {
  if (period_s <= 0) return false;
  if (!log_table_exists(tx)) return true;
  return tx.exec1("SELECT NOT EXISTS (SELECT 1 FROM meter_sync_log WHERE status = 'succeeded'"
                  " AND coalesce((details->>'full_comparison')::boolean, details->>'fetch' IN ('full', 'initial'))"
                  " AND finished_at > clock_timestamp() - make_interval(secs => " + std::to_string(period_s) + "))")[0]
      .as<bool>();
}

void save_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, bool incremental) {
  if (plan.tracks_versions()) tx.exec(plan.record_state());
  tx.exec(plan.forget_state(incremental));
}

}  // namespace meter_sync
