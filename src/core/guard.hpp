#pragma once
// The mass-deactivation guard: a remote that suddenly returns (almost) nothing must not
// switch off the local meters.
#include <cstdint>

namespace meter_sync {

// The guard never refuses fewer deactivations than this, whatever the percentage.
constexpr std::int64_t guard_minimum_meters = 10;

// True when deactivating `to_deactivate` of `active_before` active meters is refused:
// more than `max_percent` percent of them and at least guard_minimum_meters. 100 turns the guard off.
bool deactivation_refused(std::int64_t to_deactivate, std::int64_t active_before, int max_percent);

}  // namespace meter_sync
