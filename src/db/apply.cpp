#include <pqxx/pqxx>

#include "db/apply.hpp"

#include "core/errors.hpp"
#include "core/guard.hpp"
#include "db/row_splitter.hpp"
#include "db/skipped.hpp"

namespace meter_sync {
namespace {

std::int64_t count_of(pqxx::transaction_base& tx, const std::string& statement) {
  return tx.exec1(statement)[0].as<std::int64_t>();
}

void check_guard(pqxx::transaction_base& tx, const SyncPlan& plan, std::int64_t deactivated, int max_percent) {
  if (deactivated < guard_minimum_meters || max_percent >= 100) return;
  // Nothing else has changed yet: the meters active before the run are those active now
  // plus those just deactivated, whatever the run would insert afterwards.
  const std::int64_t active_before = count_of(tx, plan.count_active()) + deactivated;
  if (deactivation_refused(deactivated, active_before, max_percent))
    throw Failure(ExitStatus::data,
                  "refused to deactivate " + std::to_string(deactivated) + " of " +
                      std::to_string(active_before) + " active meters (more than " +
                      std::to_string(max_percent) +
                      "%; --max-deactivate-percent 100 allows it); nothing was changed");
}

}  // namespace

void throw_if_stopped(const std::atomic<int>* stop) {
  if (stop && stop->load() != 0) throw Failure(ExitStatus::failure, "interrupted");
}

void convert_fetched_rows(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::atomic<int>* stop) {
  const auto conversions = plan.conversions();
  apply_splitting(
      tx, SyncPlan::incoming,
      [&](pqxx::transaction_base& batch, const std::string& filter) {
        batch.exec(plan.convert_rows(filter));
        return SyncCounts{};
      },
      [&](const std::string& ctid, const std::string& error) {
        // Which column: convert each alone (the key first), each attempt rolled back.
        std::string reason = "does not convert to the local column types: " + error;
        for (const auto& c : conversions) {
          const std::string problem = rejection_of(tx, plan.convert_one(c.column, ctid));
          if (problem.empty()) continue;
          reason = "column \"" + c.column + "\" (" + c.remote_type + " -> " + c.local_type + "): " + problem;
          break;
        }
        tx.exec_params(plan.skip_row(SyncPlan::incoming, ctid), reason);
      },
      stop);
}

SyncOutcome apply_staged(pqxx::dbtransaction& tx, const SyncPlan& plan, const ApplyOptions& options) {
  const std::string staging = SyncPlan::staging;
  tx.exec(plan.reject_invalid(!options.remote_key_unique));
  if (plan.converts()) convert_fetched_rows(tx, plan, options.stop);
  tx.exec("ANALYZE " + staging + " (" + plan.key_columns() + ")");  // enough for the join plans

  // Deactivate first: until then nothing has changed, so the guard sees the meters that
  // were active before the run.
  SyncOutcome outcome;
  outcome.counts.deleted = count_of(tx, plan.deactivate_missing(options.incremental));
  check_guard(tx, plan, outcome.counts.deleted, options.max_deactivate_percent);

  throw_if_stopped(options.stop);
  const SyncCounts applied = apply_splitting(
      tx, staging,
      [&](pqxx::transaction_base& batch, const std::string& filter) {
        SyncCounts c;
        c.updated = count_of(batch, plan.update_changed(filter, options.dry_run));
        c.inserted = count_of(batch, plan.insert_missing(filter));
        return c;
      },
      [&](const std::string& ctid, const std::string& error) {
        tx.exec_params(plan.skip_row(staging, ctid), "rejected by the local table: " + error);
      },
      options.stop);
  outcome.counts.updated = applied.updated;
  outcome.counts.inserted = applied.inserted;
  throw_if_stopped(options.stop);

  read_skipped(tx, outcome);
  read_changes(tx, outcome);
  return outcome;
}

}  // namespace meter_sync
