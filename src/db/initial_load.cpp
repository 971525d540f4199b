#include "db/initial_load.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "core/copy_line.hpp"
#include "db/error_map.hpp"
#include "db/fetch.hpp"
#include "db/line_spool.hpp"
#include "db/schema.hpp"
#include "db/skipped.hpp"

namespace meter_sync {

bool initial_load_possible(pqxx::transaction_base& tx, const SyncPlan& plan, bool remote_key_unique) {
  const std::string table = quote_ident(plan.spec().table);
  return plan.direct_copy_possible() && tx.exec1("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")")[0].as<bool>() &&
         (remote_key_unique || read_relation_facts(tx, table, plan.spec().key).key_unique);
}

std::optional<SyncOutcome> initial_load(Database& remote, pqxx::transaction_base& remote_tx,
                                        Database& local, pqxx::dbtransaction& local_tx,
                                        const SyncPlan& plan, std::int64_t tenant_id, bool remote_key_unique,
                                        const std::atomic<int>& stop) {
  SyncOutcome outcome;
  outcome.fetch = "initial";
  try {
    pqxx::subtransaction load(local_tx, "initial_load");
    // One remote scan: valid rows go straight into the table; their state lines and the rule
    // breakers wait in temporary files for the two COPYs after it.
    LineSpool state_lines, skipped_lines;
    InitialLineSplitter splitter(plan.key_positions());
    const bool record_versions = plan.tracks_versions();
    const auto route = [&](std::string& line) {
      switch (splitter.split(line)) {
        case InitialLineSplitter::Kind::valid:
          if (record_versions) state_lines.add(splitter.side_line());
          line.resize(splitter.copied().size());
          return true;
        case InitialLineSplitter::Kind::breaker:
          skipped_lines.add(splitter.side_line());
          return false;
        case InitialLineSplitter::Kind::malformed:
          break;
      }
      throw Failure(ExitStatus::failure, remote.label() + ": first load: a COPY line has fewer fields than "
                                             "the query selects (a bug in meter-sync: please report it)");
    };
    outcome.counts.inserted = copy_remote_rows(remote, remote_tx, local, load, plan.remote_initial_select(tenant_id),
                                               plan.local_copy_target(), stop, route);
    if (stop.load() != 0) return outcome;  // the caller stops; the transaction rolls back
    skipped_lines.copy_into(local, load, SyncPlan::skipped);
    // Without a remote unique key, a rule breaker may share its key with a loaded row: both
    // are duplicates to skip, which the staged path does (the local key caught the rest).
    if (!remote_key_unique && skipped_lines.size() > 0 &&
        local.guarded([&] { return load.exec1(plan.skipped_key_loaded())[0].as<bool>(); })) {
      spdlog::debug("first load: a rule breaker's key is also a loaded row's; staging the rows instead");
      return std::nullopt;  // the subtransaction rolls back
    }
    // Versions of rows the table no longer has (emptied by a TRUNCATE behind our back) would
    // collide with the new ones and send the whole load down the staged path.
    if (record_versions) local.guarded([&] { load.exec("DELETE FROM " + std::string(SyncPlan::state)); });
    if (state_lines.size() > 0) {
      // Every row loaded in this subtransaction has its xid as xmin.
      const std::string local_xmin = local.guarded([&] {
        return load.exec1("SELECT xmin FROM " + quote_ident(plan.spec().table) + " LIMIT 1")[0].as<std::string>();
      });
      state_lines.copy_into(local, load, plan.state_copy_target(), plan.state_line_suffix(local_xmin));
    }
    local.guarded([&] { load.commit(); });
  } catch (const Failure& failure) {
    if (!is_row_data_error(failure.sqlstate())) throw;
    spdlog::debug("first load: {}; staging the rows instead, to find the rows at fault", failure.what());
    return std::nullopt;
  }
  outcome.fetched_rows = outcome.counts.inserted;
  local.guarded([&] {
    read_skipped(local_tx, outcome);
    // Everything in the table was inserted now: its first keys are the log's audit trail.
    // Qualified: a bare ORDER BY "id" would sort the text output column of that name (1, 10,
    // 100, ...), by a full scan and sort rather than along the primary key's index.
    const std::string key = "m." + quote_ident(plan.spec().key[0]);
    for (const auto& row : local_tx.exec("SELECT " + key + "::text FROM " + quote_ident(plan.spec().table) +
                                         " m ORDER BY " + key + " LIMIT " + std::to_string(SyncPlan::max_recorded)))
      outcome.changes.inserted.push_back(row[0].as<std::string>());
  });
  return outcome;
}

}  // namespace meter_sync
