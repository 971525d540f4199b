#pragma once
// First sync into an empty local table: COPY the valid remote rows straight into it, with
// no staging table and no diff (nothing can be updated or deactivated), then record their
// versions. About twice as fast as the staged path on a large first sync.
#include <atomic>
#include <cstdint>
#include <optional>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"
#include "core/sync_result.hpp"
#include "db/connection.hpp"

namespace meter_sync {

// Usable when the local table has no row, the remote values read into the local columns as
// they would convert, and duplicate keys cannot slip in: a unique index on the remote key
// (`remote_key_unique`), or one on the local key, which fails the load so that the staged
// path reports them (a remote view has no index of its own).
bool initial_load_possible(pqxx::transaction_base& local_tx, const SyncPlan& plan, bool remote_key_unique);

// Returns nullopt, with everything it did rolled back, when the local table rejected a
// value or a duplicate key: the caller then takes the staged path, which isolates such rows.
std::optional<SyncOutcome> initial_load(Database& remote, pqxx::transaction_base& remote_tx,
                                        Database& local, pqxx::dbtransaction& local_tx,
                                        const SyncPlan& plan, std::int64_t tenant_id, bool remote_key_unique,
                                        const std::atomic<int>& stop);

}  // namespace meter_sync
