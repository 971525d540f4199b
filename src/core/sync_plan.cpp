#include "core/sync_plan.hpp"

#include "core/errors.hpp"

namespace meter_sync {
namespace {

bool is_json(const std::string& type) { return type == "json" || type == "jsonb"; }

bool has_length_limit(const std::string& type) {
  return type.rfind("character varying(", 0) == 0 || type.rfind("character(", 0) == 0;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::string> missing_columns(const std::vector<std::string>& wanted,
                                         const ColumnTypes& have) {
  std::vector<std::string> missing;
  for (const auto& c : wanted)
    if (!have.count(c)) missing.push_back(c);
  return missing;
}

std::string block_range(std::int64_t first_block, std::int64_t last_block) {
  return "s.ctid >= '(" + std::to_string(first_block) + ",0)'::tid AND s.ctid < '(" +
         std::to_string(last_block) + ",0)'::tid";
}

SyncPlan::SyncPlan(const TableSpec& spec, ColumnTypes local, ColumnTypes remote,
                   const std::string& local_name, const std::string& remote_name)
    : spec_(spec), local_(std::move(local)) {
  auto check = [&](const std::vector<std::string>& wanted, const ColumnTypes& have,
                   const std::string& side) {
    const auto missing = missing_columns(wanted, have);
    if (!missing.empty())
      throw config_error(side + ": table " + spec_.table + " lacks column" +
                         (missing.size() > 1 ? "s " : " ") + join(missing, ", "));
  };
  check(spec_.copied, local_, local_name);
  auto remote_wanted = spec_.copied;
  remote_wanted.push_back(spec_.tenant_column);
  check(remote_wanted, remote, remote_name);
  // Stage JSON as text: it is parsed once, when written locally, not also when staged.
  for (const auto& c : spec_.copied) staged_[c] = is_json(remote.at(c)) ? "text" : remote.at(c);
}

std::string SyncPlan::key_list(const std::string& alias) const {
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back((alias.empty() ? "" : alias + ".") + quote_ident(k));
  return join(parts, ", ");
}

std::string SyncPlan::signature() const {
  std::string text = "v2 key:" + key_list() + " copied:";
  for (const auto& c : spec_.copied) text += quote_ident(c) + " " + local_.at(c) + ",";
  return text;
}

std::string SyncPlan::remote_select(std::int64_t tenant_id, const std::string& keys,
                                   bool null_keys) const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  std::string sql = "SELECT " + join(cols, ", ") + ", " + remote_version() + " FROM " +
                    quote_ident(spec_.table) + " WHERE " + quote_ident(spec_.tenant_column) +
                    " = " + std::to_string(tenant_id);
  if (!keys.empty())  // single-column keys only (checked by the caller)
    // The array has the key's own type: a cross-type ANY (integer = bigint[]) cannot be
    // hashed and searches the whole array for every row.
    sql += " AND (" + key_list() + " = ANY (" + sql_literal(keys) + "::" + staged_.at(spec_.key[0]) +
           "[])" + (null_keys ? " OR " + key_list() + " IS NULL)" : ")");
  return sql;
}

std::string SyncPlan::remote_version() const {
  // A remote view has no xmin: NULL versions never match the state, so every run is full.
  return remote_has_versions_ ? "xmin" : "NULL::xid";
}

std::string SyncPlan::rule_reason() const {
  std::string cases;
  for (const auto& r : spec_.rules) cases += " WHEN " + r.invalid_when + " THEN " + sql_literal(r.reason);
  return "CASE" + cases + " END";
}

std::string SyncPlan::rule_any() const {
  std::vector<std::string> ors;
  for (const auto& r : spec_.rules) ors.push_back("(" + r.invalid_when + ")");
  return "coalesce(" + join(ors, " OR ") + ", false)";
}

std::string SyncPlan::remote_valid_select(std::int64_t tenant_id) const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  return "SELECT " + join(cols, ", ") + " FROM " + quote_ident(spec_.table) + " WHERE " +
         quote_ident(spec_.tenant_column) + " = " + std::to_string(tenant_id) + " AND NOT " + rule_any();
}

std::string SyncPlan::remote_invalid_select(std::int64_t tenant_id) const {
  return "SELECT " + key_json(quote_ident(spec_.table)) + ", " + rule_reason() + " FROM " +
         quote_ident(spec_.table) + " WHERE " + quote_ident(spec_.tenant_column) + " = " +
         std::to_string(tenant_id) + " AND " + rule_any();
}

std::string SyncPlan::local_copy_target() const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  return quote_ident(spec_.table) + " (" + join(cols, ", ") + ")";
}

std::string SyncPlan::remote_state_select(std::int64_t tenant_id, const std::string& local_xmin) const {
  return "SELECT " + key_list() + ", " + remote_version() + ", " + sql_literal(local_xmin) + "::xid FROM " +
         quote_ident(spec_.table) + " WHERE " + quote_ident(spec_.tenant_column) + " = " +
         std::to_string(tenant_id) + " AND NOT " + rule_any();
}

std::string SyncPlan::remote_versions_select(std::int64_t tenant_id) const {
  return "SELECT " + key_list() + ", " + remote_version() + " FROM " + quote_ident(spec_.table) +
         " WHERE " + quote_ident(spec_.tenant_column) + " = " + std::to_string(tenant_id);
}

std::string SyncPlan::create_work_tables() const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c) + " " + staged_.at(c));
  std::vector<std::string> keys;
  for (const auto& k : spec_.key) keys.push_back(quote_ident(k) + " " + staged_.at(k));
  return "CREATE TEMP TABLE meter_sync_staging (" + join(cols, ", ") +
         ", meter_sync_xmin xid) ON COMMIT DROP;\n"
         "CREATE TEMP TABLE meter_sync_remote_keys (" + join(keys, ", ") +
         ", meter_sync_xmin xid) ON COMMIT DROP;\n"
         "CREATE TEMP TABLE meter_sync_skipped (key jsonb, reason text) ON COMMIT DROP;\n"
         "CREATE TEMP TABLE meter_sync_planned (kind text, key jsonb) ON COMMIT DROP;";
}

std::string SyncPlan::key_match(const std::string& a, const std::string& b) const {
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back(a + "." + quote_ident(k) + " = " + b + "." + quote_ident(k));
  return join(parts, " AND ");
}

std::string SyncPlan::key_json(const std::string& alias) const {
  if (spec_.key.size() == 1) return "to_jsonb(" + alias + "." + quote_ident(spec_.key[0]) + ")";
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back(alias + "." + quote_ident(k));
  return "jsonb_build_array(" + join(parts, ", ") + ")";
}

std::string SyncPlan::reject_invalid(bool check_duplicates) const {
  std::string reason = rule_reason();
  std::string invalid = rule_any();
  if (check_duplicates) {
    const std::string keys = key_list();
    const std::string duplicate = "(" + keys + ") IN (SELECT " + keys + " FROM " + staging +
                                  " GROUP BY " + keys + " HAVING count(*) > 1)";
    reason = "coalesce(" + reason + ", CASE WHEN " + duplicate + " THEN 'duplicate id' END)";
    invalid += " OR " + duplicate;
  }
  return "WITH bad AS (DELETE FROM " + std::string(staging) + " s WHERE " + invalid +
         " RETURNING " + key_json("s") + " AS key, " + reason + " AS reason) INSERT INTO " +
         skipped + " SELECT key, reason FROM bad";
}

std::string SyncPlan::write_expr(const std::string& column) const {
  const std::string& to = local_.at(column);
  const std::string value = "s." + quote_ident(column);
  // Same type, or a length-limited text type: rely on the assignment cast, which rejects
  // a too-long value instead of truncating it as an explicit cast would.
  if (to == staged_.at(column) || has_length_limit(to)) return value;
  return "CAST(" + value + " AS " + to + ")";
}

std::string SyncPlan::differs(const std::string& column) const {
  const std::string local = "m." + quote_ident(column);
  // json has no equality operator: compare its text, which json keeps verbatim.
  if (local_.at(column) == "json")
    return local + "::text IS DISTINCT FROM " + write_expr(column) + "::text";
  return local + " IS DISTINCT FROM " + write_expr(column);
}

std::string SyncPlan::record(const std::string& statement, const std::string& kind,
                             const std::string& alias) const {
  return "WITH changed AS (" + statement + " RETURNING " + key_json(alias) +
         " AS key) INSERT INTO " + planned + " SELECT " + sql_literal(kind) +
         ", key FROM changed";
}

std::string SyncPlan::update_changed(const std::string& row_filter, bool record_ids) const {
  std::vector<std::string> sets, diffs;
  for (const auto& c : spec_.copied) {
    diffs.push_back(differs(c));
    bool is_key = false;
    for (const auto& k : spec_.key) is_key = is_key || k == c;
    if (!is_key) sets.push_back(quote_ident(c) + " = " + write_expr(c));
  }
  const std::string statement = "UPDATE " + quote_ident(spec_.table) + " m SET " +
                                join(sets, ", ") + " FROM " + staging + " s WHERE " +
                                key_match("m", "s") + " AND (" + row_filter + ") AND (" +
                                join(diffs, " OR ") + ")";
  return record_ids ? record(statement, "updated", "m") : statement;
}

std::string SyncPlan::insert_missing(const std::string& row_filter, bool record_ids) const {
  std::vector<std::string> cols, values;
  for (const auto& c : spec_.copied) {
    cols.push_back(quote_ident(c));
    values.push_back(write_expr(c));
  }
  const std::string statement =
      "INSERT INTO " + quote_ident(spec_.table) + " AS m (" + join(cols, ", ") + ") SELECT " +
      join(values, ", ") + " FROM " + staging + " s WHERE (" + row_filter +
      ") AND NOT EXISTS (SELECT 1 FROM " + quote_ident(spec_.table) + " m WHERE " +
      key_match("m", "s") + ")";
  return record_ids ? record(statement, "inserted", "m") : statement;
}

std::string SyncPlan::create_state_table() const {
  std::vector<std::string> keys;
  for (const auto& k : spec_.key) keys.push_back(quote_ident(k) + " " + local_.at(k));
  // Unlogged: after a server crash it comes back empty, which only costs one full fetch.
  return "CREATE UNLOGGED TABLE IF NOT EXISTS " + std::string(state) + " (" + join(keys, ", ") +
         ", remote_xmin xid NOT NULL, local_xmin xid NOT NULL, PRIMARY KEY (" + key_list() + "))";
}

std::string SyncPlan::wanted_keys() const {
  const std::string table = quote_ident(spec_.table);
  return "SELECT " + key_list("r") + " FROM " + remote_keys + " r LEFT JOIN " + state + " st ON " +
         key_match("st", "r") + " LEFT JOIN " + table + " m ON " + key_match("m", "r") +
         " WHERE " + key_match("r", "r") + " AND (st.remote_xmin IS DISTINCT FROM r.meter_sync_xmin"
         " OR st.local_xmin IS DISTINCT FROM m.xmin)";  // r.k = r.k: key not null
}

std::string SyncPlan::record_state() const {
  // UPDATE then INSERT rather than INSERT ... ON CONFLICT: speculative insertion costs about
  // twice as much per row, and a first sync inserts every row.
  const std::string versions = "SELECT " + key_list("s") + ", s.meter_sync_xmin AS remote_xmin,"
                               " m.xmin AS local_xmin FROM " + staging + " s JOIN " +
                               quote_ident(spec_.table) + " m ON " + key_match("m", "s");
  return "UPDATE " + std::string(state) + " st SET remote_xmin = v.remote_xmin, local_xmin = v.local_xmin FROM (" +
         versions + ") v WHERE " + key_match("st", "v") +
         " AND (st.remote_xmin, st.local_xmin) IS DISTINCT FROM (v.remote_xmin, v.local_xmin);\n"
         "INSERT INTO " + state + " SELECT * FROM (" + versions + ") v WHERE NOT EXISTS (SELECT 1 FROM " +
         state + " st WHERE " + key_match("st", "v") + ")";
}

std::string SyncPlan::forget_state(bool incremental) const {
  return "DELETE FROM " + std::string(state) + " st WHERE NOT EXISTS (SELECT 1 FROM " +
         (incremental ? remote_keys : staging) + " s WHERE " + key_match("s", "st") + ")";
}

std::string SyncPlan::drop_skipped_keys() const {
  return "DELETE FROM " + std::string(remote_keys) + " r USING " + skipped + " k WHERE k.key = " +
         key_json("r");
}

std::string SyncPlan::deactivate_missing(bool record_ids, bool incremental) const {
  const std::string active = quote_ident(spec_.active_column);
  const std::string statement = "UPDATE " + quote_ident(spec_.table) + " m SET " + active +
                                " = false WHERE m." + active +
                                " IS TRUE AND NOT EXISTS (SELECT 1 FROM " +
                                (incremental ? remote_keys : staging) + " s WHERE " +
                                key_match("m", "s") + ")";
  return record_ids ? record(statement, "deleted", "m") : statement;
}

std::string SyncPlan::deactivate_skipped(bool record_ids) const {
  const std::string active = quote_ident(spec_.active_column);
  const std::string statement = "UPDATE " + quote_ident(spec_.table) + " m SET " + active +
                                " = false FROM " + skipped + " k WHERE m." + active +
                                " IS TRUE AND k.key = " + key_json("m");
  return record_ids ? record(statement, "deleted", "m") : statement;
}

std::string SyncPlan::count_active() const {
  return "SELECT count(*) FROM " + quote_ident(spec_.table) + " WHERE " +
         quote_ident(spec_.active_column) + " IS TRUE";
}

std::string SyncPlan::skip_row(const std::string& ctid) const {
  return "WITH bad AS (DELETE FROM " + std::string(staging) + " s WHERE s.ctid = '" + ctid +
         "'::tid RETURNING " + key_json("s") + " AS key) INSERT INTO " + skipped +
         " SELECT key, $1 FROM bad";
}

}  // namespace meter_sync
