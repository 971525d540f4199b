#pragma once
// Brings the tenant's remote rows into the local staging table. COPY out of the remote,
// COPY into the local temp table, line by line, so memory stays flat however many meters.
// Incremental mode first copies only (key, xmin) of every remote row and then the full rows
// whose versions differ from meter_sync_state; it falls back to a full fetch when most rows
// are wanted anyway.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"
#include "db/connection.hpp"

namespace meter_sync {

struct FetchResult {
  bool incremental = false;    // remote_keys holds every remote key; staging only the wanted rows
  std::int64_t remote_rows = 0;   // rows of the tenant on the remote (incremental mode)
  std::int64_t fetched_rows = 0;  // full rows staged
};

// Sees each raw COPY line before it is written; may shorten or rewrite it, or return false
// to leave it out. An exception it throws ends the copy like a local error.
using LineFilter = std::function<bool(std::string& line)>;

// COPY the rows of `remote_query` into `local_target` (a table, optionally with a column
// list), through `filter` if given. If the local side fails, the remote stream is drained
// so the remote transaction stays usable, then the error is rethrown. Returns the number of
// rows written. `stop` (a signal number, 0 = none) is polled between lines.
std::int64_t copy_remote_rows(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                              pqxx::transaction_base& local_tx, const std::string& remote_query,
                              const std::string& local_target, const std::atomic<int>& stop,
                              const LineFilter& filter = nullptr);

FetchResult fetch_remote(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                         pqxx::dbtransaction& local_tx, const SyncPlan& plan,
                         std::int64_t tenant_id, bool try_incremental,
                         const std::atomic<int>& stop);

}  // namespace meter_sync
