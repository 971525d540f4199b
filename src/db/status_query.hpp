#pragma once
// What `status` reports, read without taking or waiting for the sync's lock.
#include <cstdint>
#include <optional>

#include "core/sync_plan.hpp"
#include "core/sync_result.hpp"
#include "db/connection.hpp"

namespace meter_sync {

StatusInfo read_status(Database& local, const TableSpec& spec, std::int64_t lock_key);

// What the metrics file takes from the local database after a run; each is left unset when it
// cannot be read (no successful run yet, no table, connection lost).
struct MonitoringFacts {
  std::optional<std::int64_t> last_success_us;  // end of the last successful run
  std::optional<std::int64_t> active_meters;
};
MonitoringFacts read_monitoring_facts(pqxx::connection& local, const TableSpec& spec) noexcept;

// Whether some session holds the advisory lock `lock_key` in the current database.
bool lock_is_held(pqxx::transaction_base& tx, std::int64_t lock_key);

}  // namespace meter_sync
