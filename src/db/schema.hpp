#pragma once
// What the databases look like: a relation's columns, types and privileges, the tenant id,
// and the checks that find a schema problem before any data moves.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <pqxx/dbtransaction>
#include <pqxx/transaction_base>

#include "core/sync_plan.hpp"

namespace meter_sync {

// A table or view as the database resolves a name written in SQL syntax (maybe
// schema-qualified, maybe quoted: `meter`, `client.meter`, `"Client"."Meter"`).
struct Relation {
  std::string name;   // as given, for messages
  std::string sql;    // the name to use in SQL (regclass text: quoted where needed)
  std::string role;   // current_user
  bool has_row_versions = false;  // a table, partitioned table or materialized view
  ColumnTypes columns;
  std::map<std::string, std::string> lacking;  // column -> privileges the role lacks ("INSERT, UPDATE")
};

// Throws Failure(config) "table x not found" (or a bad name) naming `where`.
// `display`: the name in messages (default: `name`).
Relation describe_relation(pqxx::dbtransaction& tx, const std::string& name, const std::string& where,
                           const std::string& display = "");

// Throws Failure(config) naming the relation, the role and which of `privileges` it lacks
// on some of `columns`.
void require_privileges(const Relation& relation, const std::vector<std::string>& columns,
                        const std::vector<std::string>& privileges, const std::string& where);

// Throws Failure(config) naming the privilege when the role cannot create temporary tables.
void require_temp_privilege(pqxx::transaction_base& tx, const std::string& where);

// For every column whose remote type differs from the local one, whether a conversion exists
// at all (as an INSERT would convert); throws Failure(config) naming table, column and both
// types when one does not. Needs the plan's work tables.
void check_conversions(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::string& where);

// What a database tells of a relation in one round trip (the remote is often far away):
// whether a unique index (no predicate, no expressions) covers a subset of `key` (then the
// key cannot repeat), and the server's pg_control_system() identifier ("" if the role may
// not read it).
struct RelationFacts {
  bool key_unique = false;
  std::string system_identifier;
};
RelationFacts read_relation_facts(pqxx::transaction_base& tx, const std::string& relation_sql,
                                  const std::vector<std::string>& key);

// The id in the single row of the local `tenant` table (column tenant_id, else id);
// throws Failure(config) for no table, no such column, no row, several rows, or an id that
// is not an integer.
std::int64_t read_tenant_id(pqxx::dbtransaction& tx, const std::string& where);

// A tool table that exists must have at least these columns; throws Failure(config)
// naming the table and what it lacks. False if the table does not exist.
bool check_tool_table(pqxx::dbtransaction& tx, const std::string& table,
                      const std::vector<std::string>& columns, const std::vector<std::string>& privileges,
                      const std::string& where);

// Before creating a tool table: throws Failure(config) naming the schema and the CREATE
// privilege when the role may not create it there.
void require_create_privilege(pqxx::transaction_base& tx, const std::string& table, const std::string& where);

}  // namespace meter_sync
