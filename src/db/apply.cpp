#include <pqxx/pqxx>

#include "db/apply.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/subtransaction>

#include "core/guard.hpp"
#include "core/errors.hpp"
#include "db/error_map.hpp"
#include "db/skipped.hpp"

namespace meter_sync {
namespace {

class Applier {
 public:
  Applier(pqxx::dbtransaction& tx, const SyncPlan& plan, const ApplyOptions& options)
      : tx_(tx), plan_(plan), options_(options) {}

  // Update + insert for the staged rows matching `filter`, all or nothing (a savepoint).
  // Returns false, rolled back, if the local table rejected a row's value.
  bool try_apply(const std::string& filter, std::string* reason = nullptr) {
    std::int64_t updated = 0, inserted = 0;
    try {
      pqxx::subtransaction batch(tx_, "batch");
      updated = batch.exec(plan_.update_changed(filter, options_.dry_run)).affected_rows();
      inserted = batch.exec(plan_.insert_missing(filter, options_.dry_run)).affected_rows();
      batch.commit();
    } catch (const pqxx::sql_error& e) {
      if (!is_row_data_error(e)) throw;
      if (reason) *reason = "rejected by the local table: " + one_line(e.what());
      return false;
    }
    counts.updated += updated;
    counts.inserted += inserted;
    return true;
  }

  // Heap blocks [first, last) of staging: halve until the rejected rows are found.
  void apply_blocks(std::int64_t first, std::int64_t last) {
    check_stop();
    if (first >= last || try_apply(block_range(first, last))) return;
    if (last - first > 1) {
      const std::int64_t middle = first + (last - first) / 2;
      apply_blocks(first, middle);
      apply_blocks(middle, last);
      return;
    }
    const auto rows = tx_.exec("SELECT s.ctid::text FROM " + std::string(SyncPlan::staging) +
                               " s WHERE " + block_range(first, last));
    for (const auto& row : rows) {
      const std::string ctid = row[0].as<std::string>();
      std::string reason;
      if (!try_apply("s.ctid = '" + ctid + "'::tid", &reason))
        tx_.exec_params(plan_.skip_row(ctid), reason);
    }
  }

  void check_stop() const { throw_if_stopped(options_.stop); }

  SyncCounts counts;

 private:
  pqxx::dbtransaction& tx_;
  const SyncPlan& plan_;
  const ApplyOptions& options_;
};

std::vector<std::int64_t> planned_ids(pqxx::transaction_base& tx, const std::string& kind) {
  std::vector<std::int64_t> ids;
  for (const auto& row : tx.exec("SELECT key FROM " + std::string(SyncPlan::planned) +
                                 " WHERE kind = " + tx.quote(kind) + " ORDER BY key LIMIT " +
                                 std::to_string(max_listed_ids)))
    ids.push_back(nlohmann::json::parse(row[0].c_str()).get<std::int64_t>());
  return ids;
}

}  // namespace

void throw_if_stopped(const std::atomic<int>* stop) {
  if (stop && stop->load() != 0) throw Failure(ExitStatus::failure, "interrupted");
}

SyncOutcome apply_staged(pqxx::dbtransaction& tx, const SyncPlan& plan,
                         const ApplyOptions& options) {
  Applier applier(tx, plan, options);
  const std::string staging = SyncPlan::staging;
  tx.exec(plan.reject_invalid(!options.remote_key_unique));
  tx.exec("ANALYZE " + staging + " (" + plan.key_columns() + ")");  // enough for the join plans
  if (options.incremental) tx.exec(plan.drop_skipped_keys());

  // Deactivate first: until then nothing has changed, so the active meters before the run
  // are those active now plus those just deactivated, counted only when the guard may care.
  auto deactivate = [&](const std::string& statement) {
    return static_cast<std::int64_t>(tx.exec(statement).affected_rows());
  };
  applier.counts.deleted = deactivate(plan.deactivate_missing(options.dry_run, options.incremental));
  std::int64_t active_before = -1;
  auto check_guard = [&] {
    if (applier.counts.deleted < 10 || options.max_deactivate_percent >= 100) return;
    if (active_before < 0) active_before = tx.exec1(plan.count_active())[0].as<std::int64_t>() + applier.counts.deleted;
    if (deactivation_refused(applier.counts.deleted, active_before, options.max_deactivate_percent))
      throw Failure(ExitStatus::data,
                    "refused to deactivate " + std::to_string(applier.counts.deleted) + " of " +
                        std::to_string(active_before) + " active meters (more than " +
                        std::to_string(options.max_deactivate_percent) +
                        "%; --max-deactivate-percent 100 allows it); nothing was changed");
  };
  check_guard();

  applier.check_stop();
  if (!applier.try_apply("true")) {
    const auto blocks = tx.exec1("SELECT pg_relation_size('" + staging +
                                 "') / current_setting('block_size')::bigint")[0]
                            .as<std::int64_t>();
    applier.apply_blocks(0, blocks);
    // Rows the local table rejected left the valid remote set too.
    applier.counts.deleted += deactivate(plan.deactivate_skipped(options.dry_run));
    if (options.incremental) tx.exec(plan.drop_skipped_keys());
    check_guard();
  }
  applier.check_stop();

  SyncOutcome outcome;
  outcome.counts = applier.counts;
  read_skipped(tx, outcome);
  if (options.dry_run)
    outcome.planned = {planned_ids(tx, "inserted"), planned_ids(tx, "updated"), planned_ids(tx, "deleted")};
  return outcome;
}

}  // namespace meter_sync
