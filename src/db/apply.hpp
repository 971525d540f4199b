#pragma once
// Applies the fetched remote rows to the local table inside the caller's transaction:
// reject rows that break a rule, convert the rest to the local column types, deactivate
// what vanished (checking the mass-deactivation guard), update what changed, insert what is
// new. Values the local table rejects are found by splitting the batch under savepoints and
// their meters are skipped with the database's reason, their local rows left as they are.
#include <atomic>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"
#include "core/sync_result.hpp"
#include "db/connection.hpp"

namespace meter_sync {

struct ApplyOptions {
  bool dry_run = false;  // also record old and new values of updated columns (the caller rolls back)
  bool incremental = false;  // staging holds only changed rows; remote_keys holds every key
  bool remote_key_unique = false;  // a remote unique index rules out duplicate keys
  int max_deactivate_percent = 50;
  const std::atomic<int>* stop = nullptr;  // signal number once SIGINT/SIGTERM arrived
};

// Throws Failure(failure, "interrupted") once `stop` holds a signal; the caller turns it
// into the signal's exit status after rolling back.
void throw_if_stopped(const std::atomic<int>* stop);

// Throws Failure(data) when the guard refuses; counts, skipped rows and changes otherwise.
SyncOutcome apply_staged(pqxx::dbtransaction& tx, const SyncPlan& plan,
                         const ApplyOptions& options);

// Incoming rows -> staging in the local column types; a row with a value that does not
// convert is skipped with a reason naming the column.
void convert_fetched_rows(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::atomic<int>* stop);

}  // namespace meter_sync
