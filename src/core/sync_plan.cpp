#include "core/sync_plan.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace meter_sync {
namespace {

bool is_json(const std::string& type) { return type == "json" || type == "jsonb"; }

bool has_length_limit(const std::string& type) {
  return type.rfind("character varying(", 0) == 0 || type.rfind("character(", 0) == 0;
}

// Every type converts to these by an assignment cast (I/O conversion), so values are written
// by the INSERT's own assignment rather than an explicit cast, which would truncate.
bool is_string_type(const std::string& base) {
  return base == "text" || base == "character varying" || base == "character" || base == "name" ||
         base == "\"char\"" || base == "citext";
}

bool is_integer_type(const std::string& base) {
  return base == "smallint" || base == "integer" || base == "bigint";
}

bool is_time_type(const std::string& base) {
  return base == "date" || base == "timestamp without time zone" || base == "timestamp with time zone";
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string ctid_is(const std::string& ctid) { return "s.ctid = " + sql_literal(ctid) + "::tid"; }

}  // namespace

ColumnType builtin_type(const std::string& type) {
  const auto paren = type.find('(');
  const std::string base = paren == std::string::npos ? type : type.substr(0, paren);
  return {type, base, type, false};
}

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string array_literal(const std::vector<std::string>& elements) {
  std::string out = "{";
  for (const auto& e : elements) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char c : e) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    out += "\"";
  }
  return out + "}";
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
                   const std::string& local_name, const std::string& remote_name,
                   const std::string& remote_relation)
    : spec_(spec),
      local_(std::move(local)),
      remote_(std::move(remote)),
      remote_relation_(remote_relation.empty() ? quote_ident(spec.table) : remote_relation) {
  auto check = [&](const std::vector<std::string>& wanted, const ColumnTypes& have,
                   const std::string& side, const std::string& table) {
    const auto missing = missing_columns(wanted, have);
    if (!missing.empty())
      throw config_error(side + ": table " + table + " lacks column" +
                         (missing.size() > 1 ? "s " : " ") + join(missing, ", "));
  };
  check(spec_.copied, local_, local_name, spec_.table);
  auto remote_wanted = spec_.copied;
  remote_wanted.push_back(spec_.tenant_column);
  check(remote_wanted, remote_, remote_name, remote_relation.empty() ? spec_.table : remote_relation);
  for (const auto& c : spec_.copied) {
    // Stage JSON as text: it is parsed once, when written locally, not also when staged.
    const std::string& portable = remote_.at(c).portable;
    incoming_[c] = is_json(portable) ? "text" : portable;
    staged_[c] = same_type(c) ? incoming_[c] : local_.at(c).type;
    converts_ = converts_ || !same_type(c);
  }
  for (const auto& k : spec_.key) key_converts_ = key_converts_ || !same_type(k);
}

bool SyncPlan::same_type(const std::string& column) const {
  const std::string& remote = remote_.at(column).portable;
  const std::string& local = local_.at(column).type;
  return remote == local || (is_json(remote) && is_json(local));
}

std::vector<SyncPlan::Conversion> SyncPlan::conversions() const {
  std::vector<Conversion> out;
  for (const auto& c : spec_.copied)
    if (!same_type(c))
      out.push_back({c, remote_.at(c).type, local_.at(c).type,
                     remote_.at(c).portable_is_text_fallback || is_string_type(builtin_type(remote_.at(c).portable).base)});
  return out;
}

bool SyncPlan::direct_copy_possible() const {
  for (const auto& c : spec_.copied) {
    if (same_type(c)) continue;
    const std::string& from = remote_.at(c).portable;
    const std::string& to = local_.at(c).base;
    // COPY's text form of a value equals its assignment cast to a string type, except a
    // boolean's ('t' against 'true'); integers and dates read back as they would convert.
    const bool agrees = (is_string_type(to) && from != "boolean") ||
                        (is_integer_type(from) && is_integer_type(to)) ||
                        (is_time_type(builtin_type(from).base) && is_time_type(to));
    if (!agrees) return false;
  }
  return true;
}

std::string SyncPlan::non_key_list() const {
  std::string out;
  for (const auto& c : spec_.copied)
    if (std::find(spec_.key.begin(), spec_.key.end(), c) == spec_.key.end()) out += ", " + quote_ident(c);
  return out;
}

std::string SyncPlan::key_list(const std::string& alias) const {
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back((alias.empty() ? "" : alias + ".") + quote_ident(k));
  return join(parts, ", ");
}

std::string SyncPlan::signature() const {
  std::string text = std::string("v3 ") + rules_version + " remote:" + remote_relation_ + " key:" +
                     key_list() + " copied:";
  for (const auto& c : spec_.copied) text += quote_ident(c) + " " + local_.at(c).type + "<-" + incoming_.at(c) + ",";
  // Versions of another kind mean nothing (table signatures read as before 0.3.0).
  if (versions_ == RemoteVersions::row_hash) text += " versions:row-hash";
  return text;
}

std::string SyncPlan::remote_where(std::int64_t tenant_id) const {
  return " FROM " + remote_relation_ + " WHERE " + quote_ident(spec_.tenant_column) + " = " +
         std::to_string(tenant_id);
}

std::string SyncPlan::remote_select(std::int64_t tenant_id, const std::string& keys,
                                   bool null_keys) const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  std::string sql = "SELECT " + join(cols, ", ") + ", " + remote_version() + remote_where(tenant_id);
  if (!keys.empty())  // single-column keys only (checked by the caller)
    // The array has the key's own remote type: a cross-type ANY (integer = bigint[]) cannot
    // be hashed and searches the whole array for every row.
    sql += " AND (" + key_list() + " = ANY (" + sql_literal(keys) + "::" + remote_.at(spec_.key[0]).type +
           "[])" + (null_keys ? " OR " + key_list() + " IS NULL)" : ")");
  return sql;
}

std::string SyncPlan::remote_version() const {
  switch (versions_) {
    case RemoteVersions::xmin:
      return "xmin";
    case RemoteVersions::row_hash: {
      // The row's text with JSON canonical (key order and spacing do not count); the session
      // is UTC and ISO on every connection, so timestamps read the same whatever the server's
      // or the client's time zone.
      std::vector<std::string> values;
      for (const auto& c : spec_.copied)
        values.push_back(quote_ident(c) + (remote_.at(c).portable == "json" ? "::jsonb" : ""));
      return "hashtextextended(ROW(" + join(values, ", ") + ")::text, 0)";
    }
    case RemoteVersions::none:
      break;
  }
  return "NULL::xid";  // never matches the state: every row is compared
}

std::string SyncPlan::version_type() const { return versions_ == RemoteVersions::row_hash ? "bigint" : "xid"; }

const char* SyncPlan::state_version_column() const {
  return versions_ == RemoteVersions::row_hash ? "remote_hash" : "remote_xmin";
}

std::vector<ValidationRule> SyncPlan::rules() const {
  std::vector<ValidationRule> out = spec_.rules;
  for (const auto& r : spec_.ranges) {
    const std::string column = quote_ident(r.column);
    const std::string bounds = std::to_string(r.min) + " AND " + std::to_string(r.max);
    const std::string reason = r.column + " outside " + std::to_string(r.min) + "-" + std::to_string(r.max);
    if (is_string_type(builtin_type(remote_.at(r.column).portable).base))
      // Text holding a number: checked as a number; other text fails its conversion instead.
      out.push_back({reason, "CASE WHEN " + column + " ~ '^\\s*[-+]?[0-9]+\\s*$' THEN " + column +
                                 "::numeric NOT BETWEEN " + bounds + " END"});
    else
      out.push_back({reason, column + " NOT BETWEEN " + bounds});
  }
  return out;
}

std::string SyncPlan::rule_reason() const {
  std::string cases;
  for (const auto& r : rules()) cases += " WHEN " + r.invalid_when + " THEN " + sql_literal(r.reason);
  return "CASE" + cases + " END";
}

std::string SyncPlan::rule_any() const {
  std::vector<std::string> ors;
  for (const auto& r : rules()) ors.push_back("(" + r.invalid_when + ")");
  return "coalesce(" + join(ors, " OR ") + ", false)";
}

std::string SyncPlan::local_copy_target() const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  return quote_ident(spec_.table) + " (" + join(cols, ", ") + ")";
}

std::string SyncPlan::remote_initial_select(std::int64_t tenant_id) const {
  std::vector<std::string> cols;
  for (const auto& c : spec_.copied) cols.push_back(quote_ident(c));
  return "SELECT " + join(cols, ", ") + ", CASE WHEN " + rule_any() + " THEN " + key_json(remote_relation_) +
         " END, " + remote_version() + ", " + rule_reason() + remote_where(tenant_id);
}

std::vector<std::size_t> SyncPlan::key_positions() const {
  std::vector<std::size_t> out;
  for (const auto& k : spec_.key)
    for (std::size_t i = 0; i < spec_.copied.size(); ++i)
      if (spec_.copied[i] == k) out.push_back(i);
  return out;
}

std::string SyncPlan::state_copy_target() const {
  if (versions_ == RemoteVersions::row_hash)  // remote_xmin is NOT NULL: 0, no transaction
    return std::string(state) + " (" + key_list() + ", remote_hash, local_xmin, remote_xmin)";
  return std::string(state) + " (" + key_list() + ", remote_xmin, local_xmin)";
}

std::string SyncPlan::skipped_key_loaded() const {
  return "SELECT EXISTS (SELECT 1 FROM " + std::string(skipped) + " k JOIN " + quote_ident(spec_.table) +
         " m ON k.key = " + key_json("m") + ")";
}

std::string SyncPlan::state_line_suffix(const std::string& local_xmin) const {
  return "\t" + local_xmin + (versions_ == RemoteVersions::row_hash ? "\t0" : "");
}

std::string SyncPlan::remote_versions_select(std::int64_t tenant_id) const {
  return "SELECT " + key_list() + ", " + remote_version() + remote_where(tenant_id);
}

std::string SyncPlan::create_work_tables() const {
  auto columns = [&](const std::vector<std::string>& names, const std::map<std::string, std::string>& types) {
    std::vector<std::string> cols;
    for (const auto& c : names) cols.push_back(quote_ident(c) + " " + types.at(c));
    return join(cols, ", ");
  };
  const std::string key = spec_.key[0];
  std::string sql = "CREATE TEMP TABLE meter_sync_staging (" + columns(spec_.copied, staged_) +
                    ", meter_sync_version " + version_type() + ") ON COMMIT DROP;\n"
                    "CREATE TEMP TABLE meter_sync_remote_keys (" + columns(spec_.key, staged_) +
                    ", meter_sync_version " + version_type() +
                    (key_converts_ ? ", meter_sync_fetch_key " + incoming_.at(key) : "") + ") ON COMMIT DROP;\n"
                    "CREATE TEMP TABLE meter_sync_skipped (key jsonb, reason text) ON COMMIT DROP;\n"
                    "CREATE TEMP TABLE meter_sync_planned (kind text, key jsonb, columns text[], changes jsonb) ON COMMIT DROP;\n"
                    "CREATE TEMP TABLE meter_sync_changed ON COMMIT DROP AS SELECT " + key_list() + non_key_list() +
                    ", NULL::text[] AS meter_sync_columns, NULL::jsonb AS meter_sync_changes FROM " +
                    quote_ident(spec_.table) + " WHERE false;";
  if (converts_)
    sql += "\nCREATE TEMP TABLE meter_sync_incoming (" + columns(spec_.copied, incoming_) +
           ", meter_sync_version " + version_type() + ") ON COMMIT DROP;\n"
           "CREATE TEMP TABLE meter_sync_probe (LIKE " + quote_ident(spec_.table) + ") ON COMMIT DROP;";
  if (key_converts_)
    sql += "\nCREATE TEMP TABLE meter_sync_remote_keys_in (" + columns(spec_.key, incoming_) +
           ", meter_sync_version " + version_type() + ") ON COMMIT DROP;";
  return sql;
}

std::string SyncPlan::probe_conversion(const Conversion& c) const {
  return "INSERT INTO " + std::string(probe) + " (" + quote_ident(c.column) + ") SELECT NULL::" +
         remote_.at(c.column).portable + " WHERE false";
}

std::string SyncPlan::conversion_expr(const std::string& column) const {
  const std::string value = "s." + quote_ident(column);
  // The INSERT converts by assignment; an explicit cast only where none exists (text of a
  // remote enum into, say, an integer column).
  if (same_type(column) || is_string_type(local_.at(column).base)) return value;
  return "CAST(" + value + " AS " + local_.at(column).base + ")";
}

std::string SyncPlan::convert_rows(const std::string& row_filter) const {
  std::vector<std::string> cols, values;
  for (const auto& c : spec_.copied) {
    cols.push_back(quote_ident(c));
    values.push_back(conversion_expr(c));
  }
  return "INSERT INTO " + std::string(staging) + " (" + join(cols, ", ") + ", meter_sync_version) SELECT " +
         join(values, ", ") + ", s.meter_sync_version FROM " + incoming + " s WHERE " + row_filter;
}

std::string SyncPlan::convert_one(const std::string& column, const std::string& ctid) const {
  return "INSERT INTO " + std::string(staging) + " (" + quote_ident(column) + ") SELECT " +
         conversion_expr(column) + " FROM " + incoming + " s WHERE " + ctid_is(ctid);
}

std::string SyncPlan::convert_keys(const std::string& row_filter) const {
  const std::string key = spec_.key[0];
  return "INSERT INTO " + std::string(remote_keys) + " (" + quote_ident(key) +
         ", meter_sync_version, meter_sync_fetch_key) SELECT " + conversion_expr(key) +
         ", s.meter_sync_version, s." + quote_ident(key) + " FROM " + remote_keys_incoming + " s WHERE " + row_filter;
}

std::string SyncPlan::keep_unconverted_key(const std::string& ctid) const {
  return "INSERT INTO " + std::string(remote_keys) + " (meter_sync_version, meter_sync_fetch_key) SELECT s.meter_sync_version, s." +
         quote_ident(spec_.key[0]) + " FROM " + remote_keys_incoming + " s WHERE " + ctid_is(ctid);
}

std::string SyncPlan::key_match(const std::string& a, const std::string& b) const {
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back(a + "." + quote_ident(k) + " = " + b + "." + quote_ident(k));
  return join(parts, " AND ");
}

std::string SyncPlan::key_json(const std::string& alias) const {
  // As text, so that a key reads the same whatever its type on either side ("5" for a
  // bigint 5 and a varchar '5').
  if (spec_.key.size() == 1) return "to_jsonb(" + alias + "." + quote_ident(spec_.key[0]) + "::text)";
  std::vector<std::string> parts;
  for (const auto& k : spec_.key) parts.push_back(alias + "." + quote_ident(k) + "::text");
  return "jsonb_build_array(" + join(parts, ", ") + ")";
}

std::string SyncPlan::reject_invalid(bool check_duplicates) const {
  const std::string table = fetch_target();
  std::string reason = rule_reason();
  std::string invalid = rule_any();
  if (check_duplicates) {
    const std::string keys = key_list();
    const std::string duplicate = "(" + keys + ") IN (SELECT " + keys + " FROM " + table +
                                  " GROUP BY " + keys + " HAVING count(*) > 1)";
    reason = "coalesce(" + reason + ", CASE WHEN " + duplicate + " THEN 'duplicate id' END)";
    invalid += " OR " + duplicate;
  }
  return "WITH bad AS (DELETE FROM " + table + " s WHERE " + invalid + " RETURNING " +
         key_json("s") + " AS key, " + reason + " AS reason) INSERT INTO " + skipped +
         " SELECT key, reason FROM bad";
}

std::string SyncPlan::write_expr(const std::string& column) const {
  const std::string& to = local_.at(column).type;
  const std::string value = "s." + quote_ident(column);
  // Same type, or a length-limited text type: rely on the assignment cast, which rejects
  // a too-long value instead of truncating it as an explicit cast would.
  if (to == staged_.at(column) || has_length_limit(to)) return value;
  return "CAST(" + value + " AS " + to + ")";
}

std::string SyncPlan::differs(const std::string& column) const {
  const std::string local = "m." + quote_ident(column);
  const std::string& type = local_.at(column).type;
  // JSON compares by value: json has no equality operator, and a change of spacing or key
  // order is no change.
  if (type == "json") return local + "::jsonb IS DISTINCT FROM s." + quote_ident(column) + "::jsonb";
  if (type == "jsonb") return local + " IS DISTINCT FROM s." + quote_ident(column) + "::jsonb";
  return local + " IS DISTINCT FROM " + write_expr(column);
}

std::string SyncPlan::record(const std::string& statement, const std::string& kind,
                             const std::string& extra_columns) const {
  return "WITH changed AS (" + statement + " RETURNING " + key_json("m") + " AS key, " + extra_columns +
         "), recorded AS (INSERT INTO " + planned + " SELECT " + sql_literal(kind) +
         ", key, columns, changes FROM changed LIMIT " + std::to_string(max_recorded) +
         ") SELECT count(*) FROM changed";
}

std::string SyncPlan::update_changed(const std::string& row_filter, bool with_values) const {
  std::vector<std::string> sets, diffs, values, names, changes;
  for (const auto& c : spec_.copied) {
    diffs.push_back(differs(c));
    bool is_key = false;
    for (const auto& k : spec_.key) is_key = is_key || k == c;
    if (is_key) continue;
    const std::string q = quote_ident(c);
    sets.push_back(q + " = d." + q);
    values.push_back(write_expr(c) + " AS " + q);
    names.push_back("CASE WHEN " + differs(c) + " THEN " + sql_literal(c) + " END");
    changes.push_back("(" + sql_literal(c) + ", CASE WHEN " + differs(c) + " THEN jsonb_build_object('old', m." +
                      q + "::text, 'new', (" + write_expr(c) + ")::text) END)");
  }
  // The changed rows and columns come out of the comparison itself, into a table of their
  // own: the UPDATE then touches only those rows, by the key's index when they are few. (As a
  // subquery the planner cannot tell how few and scans and hashes the whole table again.)
  const std::string diff =
      "TRUNCATE " + std::string(changed_rows) + ";\nINSERT INTO " + changed_rows + " SELECT " + key_list("m") + ", " + join(values, ", ") + ", array_remove(ARRAY[" + join(names, ", ") +
      "], NULL) AS meter_sync_columns, " +
      (with_values ? "(SELECT jsonb_object_agg(v.col, v.change) FROM (VALUES " + join(changes, ", ") +
                         ") v(col, change) WHERE v.change IS NOT NULL)"
                   : std::string("NULL::jsonb")) +
      " AS meter_sync_changes FROM " + staging + " s JOIN " + quote_ident(spec_.table) + " m ON " +
      key_match("m", "s") + " WHERE (" + row_filter + ") AND (" + join(diffs, " OR ") + ");\n";
  const std::string statement = "UPDATE " + quote_ident(spec_.table) + " m SET " + join(sets, ", ") + " FROM " +
                                changed_rows + " d WHERE " + key_match("m", "d");
  return diff + record(statement, "updated", "d.meter_sync_columns AS columns, d.meter_sync_changes AS changes");
}

std::string SyncPlan::insert_missing(const std::string& row_filter) const {
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
  return record(statement, "inserted", "NULL::text[] AS columns, NULL::jsonb AS changes");
}

std::string SyncPlan::create_state_table() const {
  std::vector<std::string> keys;
  for (const auto& k : spec_.key) keys.push_back(quote_ident(k) + " " + local_.at(k).type);
  // Unlogged: after a server crash it comes back empty, which only costs one full fetch.
  return "CREATE UNLOGGED TABLE " + std::string(state) + " (" + join(keys, ", ") +
         ", remote_xmin xid NOT NULL, local_xmin xid NOT NULL, remote_hash bigint, PRIMARY KEY (" + key_list() + "))";
}

std::string SyncPlan::compare_versions() const {
  const std::string key = quote_ident(spec_.key[0]);
  const std::string r = "r." + key, st = "st." + key, m = "m." + key;
  const std::string active = "m." + quote_ident(spec_.active_column) + " IS TRUE";
  const std::string fetch_key = key_converts_ ? "r.meter_sync_fetch_key" : r;
  // Hash full joins, one pass over each table; a remote key that does not convert (NULL)
  // matches nothing and is not selected here.
  return "CREATE TEMP TABLE meter_sync_compared ON COMMIT DROP AS SELECT CASE WHEN " + r + " IS NOT NULL THEN " +
         fetch_key + " END AS fetch_key, coalesce(" + r + ", " + st + ", " + m + ") AS " + key + ", " + r +
         " IS NULL AND " + active + " AS deactivate, " + r + " IS NULL AND " + st + " IS NOT NULL AS forget FROM " +
         remote_keys + " r FULL JOIN " + state + " st ON " + st + " = " + r + " FULL JOIN " +
         quote_ident(spec_.table) + " m ON " + m + " = coalesce(" + r + ", " + st + ") WHERE CASE WHEN " + r +
         " IS NULL THEN " + active + " OR " + st + " IS NOT NULL ELSE st." + state_version_column() +
         " IS DISTINCT FROM r.meter_sync_version OR st.local_xmin IS DISTINCT FROM m.xmin END";
}

std::string SyncPlan::wanted_keys() const {
  const std::string key = quote_ident(spec_.key[0]);
  std::string sql = "SELECT fetch_key AS " + key + " FROM " + compared + " WHERE fetch_key IS NOT NULL";
  if (key_converts_)
    sql += " UNION ALL SELECT r.meter_sync_fetch_key FROM " + std::string(remote_keys) + " r WHERE r." + key +
           " IS NULL AND r.meter_sync_fetch_key IS NOT NULL";
  return sql;
}

std::string SyncPlan::record_state() const {
  // UPDATE then INSERT rather than INSERT ... ON CONFLICT: speculative insertion costs about
  // twice as much per row, and a first sync inserts every row.
  const std::string version = state_version_column();
  const bool hashes = versions_ == RemoteVersions::row_hash;
  // remote_xmin is NOT NULL: 0 (no transaction) when a hash is the version.
  const std::string versions = "SELECT " + key_list("s") + ", " + (hashes ? "'0'::xid" : "s.meter_sync_version") +
                               " AS remote_xmin, m.xmin AS local_xmin, " +
                               (hashes ? "s.meter_sync_version" : "NULL::bigint") + " AS remote_hash FROM " +
                               staging + " s JOIN " + quote_ident(spec_.table) + " m ON " + key_match("m", "s");
  return "UPDATE " + std::string(state) + " st SET " + version + " = v." + version +
         ", local_xmin = v.local_xmin FROM (" + versions + ") v WHERE " + key_match("st", "v") + " AND (st." +
         version + ", st.local_xmin) IS DISTINCT FROM (v." + version + ", v.local_xmin);\n"
         "INSERT INTO " + state + " (" + key_list() + ", remote_xmin, local_xmin" + (hashes ? ", remote_hash" : "") +
         ") SELECT " + key_list("v") + ", v.remote_xmin, v.local_xmin" + (hashes ? ", v.remote_hash" : "") +
         " FROM (" + versions + ") v WHERE NOT EXISTS (SELECT 1 FROM " + state + " st WHERE " + key_match("st", "v") + ")";
}

std::string SyncPlan::forget_state(bool incremental) const {
  if (incremental)
    return "DELETE FROM " + std::string(state) + " st USING " + compared + " c WHERE c.forget AND " +
           key_match("c", "st");
  return "DELETE FROM " + std::string(state) + " st WHERE NOT EXISTS (SELECT 1 FROM " + staging + " s WHERE " +
         key_match("s", "st") + ")";
}

std::string SyncPlan::deactivate_missing(bool incremental) const {
  const std::string active = quote_ident(spec_.active_column);
  const std::string update = "UPDATE " + quote_ident(spec_.table) + " m SET " + active + " = false";
  // After an incremental fetch `compared` found them (every remote key counts, skipped rows'
  // too); after a full one, skipped rows left staging for the skipped table.
  const std::string statement =
      incremental ? update + " FROM " + compared + " c WHERE c.deactivate AND " + key_match("m", "c") + " AND m." +
                        active + " IS TRUE"
                  : update + " WHERE m." + active + " IS TRUE AND NOT EXISTS (SELECT 1 FROM " + staging +
                        " s WHERE " + key_match("m", "s") + ") AND NOT EXISTS (SELECT 1 FROM " + skipped +
                        " k WHERE k.key = " + key_json("m") + ")";
  return record(statement, "deleted", "NULL::text[] AS columns, NULL::jsonb AS changes");
}

std::string SyncPlan::count_active() const {
  return "SELECT count(*) FROM " + quote_ident(spec_.table) + " WHERE " +
         quote_ident(spec_.active_column) + " IS TRUE";
}

std::string SyncPlan::skip_row(const std::string& table, const std::string& ctid) const {
  return "WITH bad AS (DELETE FROM " + table + " s WHERE " + ctid_is(ctid) + " RETURNING " +
         key_json("s") + " AS key) INSERT INTO " + skipped + " SELECT key, $1 FROM bad";
}

}  // namespace meter_sync
