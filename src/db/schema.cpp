#include <pqxx/pqxx>

#include "db/schema.hpp"

#include <charconv>
#include <pqxx/subtransaction>

#include "core/errors.hpp"
#include "db/error_map.hpp"

namespace meter_sync {
namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep = ", ") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

Relation describe_relation(pqxx::dbtransaction& tx, const std::string& name, const std::string& where,
                           const std::string& display) {
  pqxx::result rows;
  try {
    // A domain travels as its built-in base type; any other type the other database may not
    // have (enum, composite, arrays of them) as text.
    rows = tx.exec(
        "SELECT c.oid::regclass::text, c.relkind IN ('r', 'p', 'm'), current_user, a.attname,"
        " format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL),"
        " CASE WHEN t.typnamespace = 'pg_catalog'::regnamespace THEN format_type(a.atttypid, a.atttypmod)"
        "      WHEN t.typtype = 'd' AND bt.typnamespace = 'pg_catalog'::regnamespace"
        "        THEN format_type(t.typbasetype, t.typtypmod) END,"
        " concat_ws(', ', CASE WHEN NOT has_column_privilege(c.oid, a.attnum, 'SELECT') THEN 'SELECT' END,"
        "                 CASE WHEN NOT has_column_privilege(c.oid, a.attnum, 'INSERT') THEN 'INSERT' END,"
        "                 CASE WHEN NOT has_column_privilege(c.oid, a.attnum, 'UPDATE') THEN 'UPDATE' END)"
        " FROM pg_class c"
        " LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " LEFT JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype"
        " WHERE c.oid = to_regclass(" + tx.quote(name) + ")");
  } catch (const pqxx::sql_error& e) {
    if (classify_db_error(e) == ExitStatus::unavailable) throw;
    throw config_error(where + ": " + name + " is not a usable table name: " + one_line(e.what()));
  }
  Relation r;
  r.name = display.empty() ? name : display;
  if (rows.empty()) throw config_error(where + ": table " + r.name + " not found");
  r.sql = rows[0][0].as<std::string>();
  r.has_row_versions = rows[0][1].as<bool>();
  r.role = rows[0][2].as<std::string>();
  for (const auto& row : rows) {
    if (row[3].is_null()) continue;
    const std::string column = row[3].as<std::string>();
    ColumnType type{row[4].as<std::string>(), row[5].as<std::string>(), "text", true};
    if (!row[6].is_null()) type = {type.type, type.base, row[6].as<std::string>(), false};
    r.columns[column] = type;
    if (const std::string lacking = row[7].as<std::string>(); !lacking.empty()) r.lacking[column] = lacking;
  }
  return r;
}

void require_privileges(const Relation& relation, const std::vector<std::string>& columns,
                        const std::vector<std::string>& privileges, const std::string& where) {
  std::vector<std::string> needed;
  for (const auto& p : privileges) {
    bool lacking = false;
    for (const auto& c : columns) {
      const auto it = relation.lacking.find(c);
      lacking = lacking || (it != relation.lacking.end() && it->second.find(p) != std::string::npos);
    }
    if (lacking) needed.push_back(p);
  }
  if (needed.empty()) return;
  throw config_error(where + ": role " + relation.role + " lacks the " + join(needed) +
                     " privilege on table " + relation.name + " (GRANT " + join(privileges) + " ON " +
                     relation.sql + " TO " + quote_ident(relation.role) + ")");
}

void require_temp_privilege(pqxx::transaction_base& tx, const std::string& where) {
  const auto row = tx.exec1("SELECT has_database_privilege(current_database(), 'TEMP'), current_database(), current_user");
  if (row[0].as<bool>()) return;
  throw config_error(where + ": role " + row[2].as<std::string>() + " lacks the TEMP privilege on database " +
                     row[1].as<std::string>() + " (the sync stages rows in temporary tables: GRANT TEMP ON DATABASE " +
                     quote_ident(row[1].as<std::string>()) + " TO " + quote_ident(row[2].as<std::string>()) + ")");
}

void check_conversions(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::string& where) {
  std::vector<std::string> impossible;
  for (const auto& c : plan.conversions()) {
    if (c.from_text) continue;  // converted value by value (an explicit cast from text)
    try {
      pqxx::subtransaction probe(tx, "probe");
      probe.exec(plan.probe_conversion(c));
      probe.commit();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "42804" && e.sqlstate() != "42846") throw;  // datatype mismatch, cannot coerce
      impossible.push_back("column " + c.column + " is " + c.local_type + " locally but " + c.remote_type +
                           " on the remote");
    }
  }
  if (impossible.empty()) return;
  throw config_error(where + ": table " + plan.spec().table + ": no conversion from the remote type to the local one: " +
                     join(impossible, "; ") + " (change the local column's type, or map the remote "
                     "through a view with --remote-table)");
}

RelationFacts read_relation_facts(pqxx::transaction_base& tx, const std::string& relation_sql,
                                  const std::vector<std::string>& key) {
  std::string names;
  for (const auto& k : key) names += (names.empty() ? "" : ",") + tx.quote(k);
  // One statement: the remote is often a WAN round trip away.
  const auto row = tx.exec1(
      "SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass(" + tx.quote(relation_sql) +
      ") AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
      " AND ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid"
      " AND a.attnum = ANY (i.indkey)) <@ ARRAY[" + names + "]::text[]),"
      " CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')"
      " THEN (SELECT system_identifier::text FROM pg_control_system()) END");
  return {row[0].as<bool>(), row[1].is_null() ? "" : row[1].as<std::string>()};
}

std::int64_t read_tenant_id(pqxx::dbtransaction& tx, const std::string& where) {
  const Relation tenant = describe_relation(tx, quote_ident("tenant"), where, "tenant");
  const std::string column = tenant.columns.count("tenant_id") ? "tenant_id" : "id";
  if (!tenant.columns.count(column))
    throw config_error(where + ": table tenant has neither a tenant_id nor an id column");
  require_privileges(tenant, {column}, {"SELECT"}, where);
  const auto rows = tx.exec("SELECT " + quote_ident(column) + "::text FROM " + tenant.sql + " LIMIT 2");
  if (rows.empty())
    throw config_error(where + ": table tenant has no row: cannot tell which tenant to sync "
                               "(insert one, or pass --tenant-id)");
  if (rows.size() > 1)
    throw config_error(where + ": table tenant has more than one row: cannot tell which tenant "
                               "to sync (keep one, or pass --tenant-id)");
  if (rows[0][0].is_null()) throw config_error(where + ": tenant." + column + " is null");
  const std::string text = rows[0][0].as<std::string>();
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size())
    throw config_error(where + ": table tenant, column " + column + " (" + tenant.columns.at(column).type +
                       "): '" + text + "' is not an integer tenant id (store the numeric id, or pass --tenant-id)");
  return id;
}

bool check_tool_table(pqxx::dbtransaction& tx, const std::string& table,
                      const std::vector<std::string>& columns, const std::vector<std::string>& privileges,
                      const std::string& where) {
  const auto exists = tx.exec1("SELECT to_regclass(" + tx.quote(quote_ident(table)) + ") IS NOT NULL")[0].as<bool>();
  if (!exists) return false;
  const Relation relation = describe_relation(tx, quote_ident(table), where, table);
  const auto missing = missing_columns(columns, relation.columns);
  if (!missing.empty())
    throw config_error(where + ": table " + table + " exists in another shape: it lacks column" +
                       (missing.size() > 1 ? "s " : " ") + join(missing) +
                       " (rename or drop it, and meter-sync creates its own; its DDL is in man meter-sync)");
  std::vector<std::string> lacking;
  for (const auto& p : privileges) {
    const auto ok = tx.exec1("SELECT has_table_privilege(to_regclass(" + tx.quote(quote_ident(table)) + "), " +
                             tx.quote(p) + ")")[0].as<bool>();
    if (!ok) lacking.push_back(p);
  }
  if (!lacking.empty())
    throw config_error(where + ": role " + relation.role + " lacks the " + join(lacking) + " privilege on table " +
                       table + " (GRANT " + join(privileges) + " ON " + table + " TO " + quote_ident(relation.role) + ")");
  return true;
}

void require_create_privilege(pqxx::transaction_base& tx, const std::string& table, const std::string& where) {
  const auto row = tx.exec1("SELECT current_schema(), current_schema() IS NOT NULL AND "
                            "has_schema_privilege(current_schema(), 'CREATE'), current_user");
  if (row[1].as<bool>()) return;
  const std::string schema = row[0].is_null() ? "(none on the search_path)" : row[0].as<std::string>();
  throw config_error(where + ": table " + table + " does not exist and role " + row[2].as<std::string>() +
                     " lacks the CREATE privilege on schema " + schema +
                     " to create it (GRANT CREATE ON SCHEMA " + schema + ", or have a DBA create it: DDL in man meter-sync)");
}

}  // namespace meter_sync
