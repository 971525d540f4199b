#pragma once
// What the databases look like: a table's columns and types, the tenant id.
#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "core/sync_plan.hpp"

namespace meter_sync {

// Columns of `table` (resolved through search_path) with their format_type() text;
// throws Failure(config) "table x not found" when it does not exist.
ColumnTypes table_columns(pqxx::transaction_base& tx, const std::string& table,
                          const std::string& where);

// True if a unique index (no predicate, no expressions) covers a subset of `key`: then the
// key cannot repeat and the duplicate check can be skipped.
bool key_is_unique(pqxx::transaction_base& tx, const std::string& table,
                   const std::vector<std::string>& key);

// True if `table` stores rows with versions (xmin): a table, partitioned table or
// materialized view, not a view or foreign table.
bool has_row_versions(pqxx::transaction_base& tx, const std::string& table);

// The id in the single row of the local `tenant` table (column tenant_id, else id);
// throws Failure(config) for no table, no such column, no row or several rows.
std::int64_t read_tenant_id(pqxx::transaction_base& tx, const std::string& where);

}  // namespace meter_sync
