#pragma once
// The meter_sync_log table: one row per attempted run, written as 'running' when the run
// starts, finished in the run's own transaction on success, or afterwards on failure.
// A row left 'running' by a dead process is reported as aborted by status and closed by
// the next run.
#include <cstdint>
#include <string>

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include "core/sync_result.hpp"

namespace meter_sync {

constexpr const char* aborted_error =
    "aborted: the run ended without finishing (process killed or connection lost)";

// Creates the table if missing (needs CREATE on the schema); if it exists, checks its shape
// and privileges. Throws Failure(config) naming the table and what is wrong.
void ensure_sync_log_table(pqxx::connection& conn, const std::string& where);

// Marks rows left 'running' by dead runs as aborted; call only while holding the lock.
void close_abandoned_runs(pqxx::connection& conn);

// Inserts the 'running' row (committed at once); returns its id.
std::int64_t start_sync_log(pqxx::connection& conn, const std::string& trigger);

// Finishes the row inside the run's transaction; returns finished_at (epoch microseconds).
std::int64_t finish_sync_log_success(pqxx::transaction_base& tx, std::int64_t log_id,
                                     const SyncOutcome& outcome);

// Records a failure (its own transaction, after the rollback); returns finished_at.
std::int64_t finish_sync_log_failure(pqxx::connection& conn, std::int64_t log_id,
                                     std::optional<std::int64_t> tenant_id,
                                     const std::string& error);

}  // namespace meter_sync
