#pragma once
// meter_sync_state: the remote and local row versions (xmin) of every synced row, so that a
// rerun fetches only what changed. The signature the versions were recorded under (columns,
// types, rules, tenant, remote system) is kept in the succeeding run's meter_sync_log row:
// versions recorded under another signature are discarded, which costs one full comparison.
// No DDL runs once the table exists (a least-privileged role needs only DML on it).
#include <cstdint>
#include <string>

#include <pqxx/dbtransaction>

#include "core/sync_plan.hpp"

namespace meter_sync {

// The state's signature for this plan, tenant and remote (its pg_control_system identifier,
// "" when the role may not read it).
std::string state_signature(const SyncPlan& plan, std::int64_t tenant_id, const std::string& remote_system);

// A remote view's row hashes need the column remote_hash (added in 0.3.0): true if the table
// has it, will be created with it, or is the role's to add it to; else false, with a warning
// naming the fix (every run then compares every row, as 0.2.0 did).
bool state_can_hold_row_hashes(pqxx::dbtransaction& tx, const std::string& where);

// Creates the table if missing (needs CREATE on the schema), empties it if its versions were
// recorded under another signature; true if its contents can drive an incremental fetch.
bool prepare_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::string& signature,
                        const std::string& where);

// True when no successful run compared every row within `period_s` seconds (0 = never due).
bool full_comparison_due(pqxx::transaction_base& tx, std::int64_t period_s);

// After applying: remember the versions of the applied rows, forget keys gone remotely.
void save_sync_state(pqxx::dbtransaction& tx, const SyncPlan& plan, bool incremental);

}  // namespace meter_sync
