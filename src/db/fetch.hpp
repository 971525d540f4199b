#pragma once
// Streams the tenant's remote rows into the local staging table: COPY out of the remote,
// COPY into the local temp table, line by line, so memory stays flat however many meters.
#include <atomic>
#include <cstdint>
#include <string>

#include <pqxx/transaction_base>

#include "db/connection.hpp"

namespace meter_sync {

// Returns the number of rows copied. `stop` (a signal number, 0 = none) is polled between lines.
std::int64_t copy_remote_rows(Database& remote, pqxx::transaction_base& remote_tx,
                              Database& local, pqxx::transaction_base& local_tx,
                              const std::string& remote_query, const std::string& staging_table,
                              const std::atomic<int>& stop);

}  // namespace meter_sync
