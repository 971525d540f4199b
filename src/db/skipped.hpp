#pragma once
// Reading the work tables a run leaves behind: skipped rows, changed meters.
#include <pqxx/transaction_base>

#include "core/sync_result.hpp"

namespace meter_sync {

// Fills outcome.counts.skipped (exact) and outcome.skipped (the first max_listed_ids by key)
// from the skipped work table.
void read_skipped(pqxx::transaction_base& tx, SyncOutcome& outcome);

// Fills outcome.changes from the planned work table (the first SyncPlan::max_recorded per kind).
void read_changes(pqxx::transaction_base& tx, SyncOutcome& outcome);

// A key as the work tables hold it (jsonb: "5", or null) -> the id, if any.
std::optional<MeterId> meter_id_of(const pqxx::field& key);

// ORDER BY expression for a jsonb key column: integers numerically, then the rest as text.
std::string key_order(const std::string& column);

}  // namespace meter_sync
