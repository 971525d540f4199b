#include "core/guard.hpp"

namespace meter_sync {

bool deactivation_refused(std::int64_t to_deactivate, std::int64_t active_before, int max_percent) {
  if (max_percent >= 100 || to_deactivate < guard_minimum_meters) return false;
  // integer form of to_deactivate / active_before > max_percent / 100
  return to_deactivate * 100 > static_cast<std::int64_t>(max_percent) * active_before;
}

}  // namespace meter_sync
