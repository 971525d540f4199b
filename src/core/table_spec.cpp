#include "core/table_spec.hpp"

namespace meter_sync {

const TableSpec& meter_table() {
  static const TableSpec spec{
      "meter",
      {"id"},
      {"id", "name", "type", "serial_number", "installation_date", "device_id", "location_id",
       "ip", "port", "protocol", "status", "register_map", "notes", "active", "created_at",
       "updated_at"},
      "tenant_id",
      "active",
      {
          {"id is null", "id IS NULL"},
          {"name is null or empty", "name IS NULL OR name = ''"},
          {"type is null", "type IS NULL"},
          {"status is null", "status IS NULL"},
      },
      {{"port", 0, 65535}}};
  return spec;
}

}  // namespace meter_sync
