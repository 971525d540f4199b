#pragma once
// Field-level changes for a person: "name 'a' -> 'b'; port NULL -> '502'".
#include <string>

#include "core/sync_result.hpp"

namespace meter_sync {

std::string describe_changes(const UpdatedMeter& meter);

}  // namespace meter_sync
