#pragma once
// Runs a set-based statement over all rows of a table at once; where the local database
// rejects a value, halves the table's heap blocks under savepoints until the offending rows
// are found, and hands each of them to `rejected`. Fast when nothing is wrong (one
// statement), logarithmic in the table's size per bad row.
#include <atomic>
#include <functional>
#include <string>

#include <pqxx/dbtransaction>

#include "core/sync_result.hpp"

namespace meter_sync {

// Runs the statement(s) for the rows matching `filter` (a predicate over alias s); returns
// what they changed. Counted only if the whole batch succeeded.
using BatchAttempt = std::function<SyncCounts(pqxx::transaction_base& tx, const std::string& filter)>;
// One row (by ctid) that the database rejected, with the database's message.
using RowRejected = std::function<void(const std::string& ctid, const std::string& error)>;

SyncCounts apply_splitting(pqxx::dbtransaction& tx, const std::string& table, const BatchAttempt& attempt,
                           const RowRejected& rejected, const std::atomic<int>* stop);

// Runs `statement` under a savepoint that is always rolled back; returns the database's
// message if it rejected a value ("" if it went through).
std::string rejection_of(pqxx::dbtransaction& tx, const std::string& statement);

}  // namespace meter_sync
