#include "db/sync_state.hpp"

#include <pqxx/pqxx>

namespace meter_sync {

bool prepare_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, std::int64_t tenant_id) {
  const std::string table = SyncPlan::state;
  const std::string signature = plan.signature() + " tenant:" + std::to_string(tenant_id);
  const auto comment = tx.exec1("SELECT obj_description(to_regclass(" + tx.quote(table) + "), 'pg_class')")[0];
  if (!comment.is_null() && comment.as<std::string>() == signature) return true;
  // Missing, or written by another version or for other columns: start afresh.
  tx.exec("DROP TABLE IF EXISTS " + table);
  tx.exec(plan.create_state_table());
  tx.exec("COMMENT ON TABLE " + table + " IS " + tx.quote(signature));
  return false;
}

void save_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, bool incremental) {
  if (plan.tracks_versions()) tx.exec(plan.record_state());
  tx.exec(plan.forget_state(incremental));
}

}  // namespace meter_sync
