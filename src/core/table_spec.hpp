#pragma once
// The description of a synced table, as data: the SQL of the diff is generated from it,
// so syncing a second table (register, device_register, ...) is mostly a new TableSpec.
#include <string>
#include <vector>

namespace meter_sync {

struct ValidationRule {
  std::string reason;        // shown to the operator, stored in meter_sync_log.details
  std::string invalid_when;  // SQL predicate over the staged (remote-typed) columns
};

// A numeric column that must lie in [min, max]; as a predicate it depends on the column's
// remote type (a number, or text holding one), so it is written as data, not SQL.
struct RangeRule {
  std::string column;
  long min, max;
};

struct TableSpec {
  std::string table;                      // same name on both sides
  std::vector<std::string> key;           // primary key columns (copied too)
  std::vector<std::string> copied;        // every column copied from remote to local, key first
  std::string tenant_column;              // remote only: rows are fetched WHERE tenant = N
  std::string active_column;              // set to false locally when a row vanishes remotely
  std::vector<ValidationRule> rules;      // a row matching any rule is skipped, not applied
  std::vector<RangeRule> ranges;          // so is a row with a value out of range
};

const TableSpec& meter_table();

}  // namespace meter_sync
