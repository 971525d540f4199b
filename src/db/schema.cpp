#include <pqxx/pqxx>

#include "db/schema.hpp"

#include "core/errors.hpp"

namespace meter_sync {

ColumnTypes table_columns(pqxx::transaction_base& tx, const std::string& table,
                          const std::string& where) {
  const auto rows = tx.exec(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), c.oid IS NOT NULL"
      " FROM (SELECT to_regclass(" + tx.quote(quote_ident(table)) + ") AS oid) c"
      " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped");
  if (rows.empty() || !rows[0][2].as<bool>())
    throw config_error(where + ": table " + table + " not found");
  ColumnTypes columns;
  for (const auto& row : rows)
    if (!row[0].is_null()) columns[row[0].as<std::string>()] = row[1].as<std::string>();
  return columns;
}

bool key_is_unique(pqxx::transaction_base& tx, const std::string& table,
                   const std::vector<std::string>& key) {
  std::string names;
  for (const auto& k : key) names += (names.empty() ? "" : ",") + tx.quote(k);
  return tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(" +
                  tx.quote(quote_ident(table)) +
                  ") AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
                  " AND ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid"
                  " AND a.attnum = ANY (i.indkey)) <@ ARRAY[" + names + "]::text[])")[0]
      .as<bool>();
}

bool has_row_versions(pqxx::transaction_base& tx, const std::string& table) {
  return tx.exec1("SELECT relkind IN ('r', 'p', 'm') FROM pg_class WHERE oid = to_regclass(" +
                  tx.quote(quote_ident(table)) + ")")[0]
      .as<bool>();
}

std::int64_t read_tenant_id(pqxx::transaction_base& tx, const std::string& where) {
  const auto columns = table_columns(tx, "tenant", where);
  const std::string column = columns.count("tenant_id") ? "tenant_id" : "id";
  if (!columns.count(column))
    throw config_error(where + ": table tenant has neither a tenant_id nor an id column");
  const auto rows = tx.exec("SELECT " + quote_ident(column) + " FROM " + quote_ident("tenant") + " LIMIT 2");
  if (rows.empty())
    throw config_error(where + ": table tenant has no row: cannot tell which tenant to sync "
                               "(insert one, or pass --tenant-id)");
  if (rows.size() > 1)
    throw config_error(where + ": table tenant has more than one row: cannot tell which tenant "
                               "to sync (keep one, or pass --tenant-id)");
  if (rows[0][0].is_null()) throw config_error(where + ": tenant." + column + " is null");
  return rows[0][0].as<std::int64_t>();
}

}  // namespace meter_sync
