#pragma once
// Applies the staged remote rows to the local table inside the caller's transaction:
// reject invalid rows, update what changed, insert what is new, deactivate what vanished,
// then check the mass-deactivation guard. Rows the local table still rejects are found by
// splitting the batch under savepoints and are skipped with the database's reason.
#include <atomic>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"
#include "core/sync_result.hpp"
#include "db/connection.hpp"

namespace meter_sync {

struct ApplyOptions {
  bool dry_run = false;  // record affected ids in the planned table (the caller rolls back)
  bool incremental = false;  // staging holds only changed rows; remote_keys holds every key
  bool remote_key_unique = false;  // a remote unique index rules out duplicate keys
  int max_deactivate_percent = 50;
  const std::atomic<int>* stop = nullptr;  // signal number once SIGINT/SIGTERM arrived
};

// Throws Failure(failure, "interrupted") once `stop` holds a signal; the caller turns it
// into the signal's exit status after rolling back.
void throw_if_stopped(const std::atomic<int>* stop);

// Throws Failure(data) when the guard refuses; counts and skipped rows otherwise.
SyncOutcome apply_staged(pqxx::dbtransaction& tx, const SyncPlan& plan,
                         const ApplyOptions& options);

}  // namespace meter_sync
