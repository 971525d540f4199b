#include "db/initial_load.hpp"

#include <pqxx/pqxx>

#include "db/error_map.hpp"
#include "db/fetch.hpp"
#include "db/skipped.hpp"

namespace meter_sync {

bool initial_load_possible(pqxx::transaction_base& tx, const SyncPlan& plan) {
  return plan.direct_copy_possible() && tx.exec1("SELECT NOT EXISTS (SELECT 1 FROM " + quote_ident(plan.spec().table) + ")")[0].as<bool>();
}

std::optional<SyncOutcome> initial_load(Database& remote, pqxx::transaction_base& remote_tx,
                                        Database& local, pqxx::dbtransaction& local_tx,
                                        const SyncPlan& plan, std::int64_t tenant_id,
                                        const std::atomic<int>& stop) {
  SyncOutcome outcome;
  outcome.fetch = "initial";
  try {
    pqxx::subtransaction load(local_tx, "initial_load");
    outcome.counts.inserted = copy_remote_rows(remote, remote_tx, local, load, plan.remote_valid_select(tenant_id),
                                               plan.local_copy_target(), stop);
    copy_remote_rows(remote, remote_tx, local, load, plan.remote_invalid_select(tenant_id), SyncPlan::skipped, stop);
    if (plan.tracks_versions()) {
      const std::string local_xmin = local.guarded([&] {
        const auto r = load.exec("SELECT xmin FROM " + quote_ident(plan.spec().table) + " LIMIT 1");
        return r.empty() ? std::string("0") : r[0][0].as<std::string>();
      });
      copy_remote_rows(remote, remote_tx, local, load, plan.remote_state_select(tenant_id, local_xmin),
                       plan.state_copy_target(), stop);
    }
    local.guarded([&] { load.commit(); });
  } catch (const Failure& failure) {
    if (!is_row_data_error(failure.sqlstate())) throw;
    return std::nullopt;
  }
  outcome.fetched_rows = outcome.counts.inserted;
  local.guarded([&] {
    read_skipped(local_tx, outcome);
    // Everything in the table was inserted now: its first keys are the log's audit trail.
    const std::string key = quote_ident(plan.spec().key[0]);
    for (const auto& row : local_tx.exec("SELECT " + key + "::text FROM " + quote_ident(plan.spec().table) +
                                         " ORDER BY " + key + " LIMIT " + std::to_string(SyncPlan::max_recorded)))
      outcome.changes.inserted.push_back(row[0].as<std::string>());
  });
  return outcome;
}

}  // namespace meter_sync
