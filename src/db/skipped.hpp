#pragma once
#include <pqxx/transaction_base>

#include "core/sync_result.hpp"

namespace meter_sync {

// Fills outcome.counts.skipped (exact) and outcome.skipped (the first max_listed_ids by key)
// from the skipped work table.
void read_skipped(pqxx::transaction_base& tx, SyncOutcome& outcome);

}  // namespace meter_sync
