#pragma once
// meter_sync_state: the remote and local row versions (xmin) of every synced row, so that a
// rerun fetches only what changed. Its table comment holds the plan's signature: a state
// written for other columns or types is discarded and rebuilt by a full fetch.
#include <cstdint>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"

namespace meter_sync {

// Creates the table if needed; true if its contents can drive an incremental fetch.
// The tenant is part of the signature: another tenant's state is never trusted.
bool prepare_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, std::int64_t tenant_id);

// After applying: remember the versions of the applied rows, forget keys gone remotely.
void save_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, bool incremental);

}  // namespace meter_sync
