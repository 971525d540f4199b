#pragma once
// What `status` reports, read without taking or waiting for the sync's lock.
#include <cstdint>

#include "core/sync_plan.hpp"
#include "core/sync_result.hpp"
#include "db/connection.hpp"

namespace meter_sync {

StatusInfo read_status(Database& local, const TableSpec& spec, std::int64_t lock_key);

// Whether some session holds the advisory lock `lock_key` in the current database.
bool lock_is_held(pqxx::transaction_base& tx, std::int64_t lock_key);

}  // namespace meter_sync
