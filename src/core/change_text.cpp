#include "core/change_text.hpp"

#include "core/json_shapes.hpp"

namespace meter_sync {
namespace {

std::string shown(const std::optional<std::string>& value) {
  return value ? "'" + shorten(*value, 80) + "'" : std::string("NULL");
}

}  // namespace

std::string describe_changes(const UpdatedMeter& meter) {
  std::string out;
  for (const auto& c : meter.changes)
    out += (out.empty() ? "" : "; ") + c.column + " " + shown(c.old_value) + " -> " + shown(c.new_value);
  return out;
}

}  // namespace meter_sync
