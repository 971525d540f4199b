#include "support/compare.hpp"

#include <map>
#include <stdexcept>

namespace testing_support {
namespace {

// A string literal (standard_conforming_strings is on in every supported server).
std::string literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string ident(const std::string& s) { return "\"" + s + "\""; }

struct RemoteColumn {
  std::string name, type;  // type without modifier: a cast to varchar(10) would truncate silently
  bool json = false;
};

std::vector<RemoteColumn> remote_columns(TestDatabases& db, const std::string& relation) {
  const auto rows = db.remote(
      "SELECT a.attname, format_type(a.atttypid, NULL), a.atttypid IN ('json'::regtype, 'jsonb'::regtype)"
      " FROM pg_attribute a WHERE a.attrelid = to_regclass(" + literal(relation) +
      ") AND a.attnum > 0 AND NOT a.attisdropped");
  std::map<std::string, RemoteColumn> by_name;
  for (const auto& r : rows)
    by_name[r[0].as<std::string>()] = {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<bool>()};
  std::vector<RemoteColumn> out;
  for (const auto& c : meter_columns()) {
    const auto it = by_name.find(c);
    if (it == by_name.end()) throw std::runtime_error("remote relation " + relation + " lacks column " + c);
    out.push_back(it->second);
  }
  return out;
}

// The local rows as a relation on the remote side: VALUES of text, each cast to the remote type.
std::string local_rows_as_remote_types(TestDatabases& db, const std::vector<RemoteColumn>& cols) {
  std::string select = "SELECT ", from_list;
  for (size_t i = 0; i < cols.size(); ++i) {
    select += (i ? ", " : "") + std::string("c") + std::to_string(i) + "::" + cols[i].type + " AS " + ident(cols[i].name);
    from_list += (i ? ", " : "") + std::string("c") + std::to_string(i);
  }
  std::string fetch = "SELECT ";
  for (size_t i = 0; i < cols.size(); ++i) fetch += (i ? ", " : "") + ident(cols[i].name) + "::text";
  std::string values;
  for (const auto& row : db.local(fetch + " FROM meter")) {
    std::string tuple;
    for (size_t i = 0; i < cols.size(); ++i)
      tuple += (i ? ", " : "") + (row[static_cast<int>(i)].is_null() ? std::string("NULL::text")
                                                                      : literal(row[static_cast<int>(i)].c_str()) + "::text");
    values += (values.empty() ? "" : ", ") + ("(" + tuple + ")");
  }
  if (values.empty()) {  // no local rows: an empty relation of the same shape
    std::string nulls;
    for (size_t i = 0; i < cols.size(); ++i) nulls += (i ? ", " : "") + std::string("NULL::text");
    return select + " FROM (VALUES (" + nulls + ")) v(" + from_list + ") WHERE false";
  }
  return select + " FROM (VALUES " + values + ") v(" + from_list + ")";
}

}  // namespace

std::vector<std::string> differences_from_remote(TestDatabases& db, std::int64_t tenant_id,
                                                 const std::string& remote_relation,
                                                 const std::set<std::string>& ignored) {
  // The local values are read and cast in UTC, ISO: what the tool's sessions use.
  db.local("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
  db.remote("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
  const auto cols = remote_columns(db, remote_relation);
  std::string diff = "concat_ws('; '";
  for (const auto& c : cols) {
    const std::string l = "l." + ident(c.name) + (c.json ? "::jsonb" : ""), r = "r." + ident(c.name) + (c.json ? "::jsonb" : "");
    diff += ", CASE WHEN " + l + " IS DISTINCT FROM " + r + " THEN " + literal(c.name + ": local ") +
            " || coalesce(" + l + "::text, 'NULL') || ', remote ' || coalesce(" + r + "::text, 'NULL') END";
  }
  diff += ")";
  const std::string sql = "WITH l AS (" + local_rows_as_remote_types(db, cols) + "), r AS (SELECT * FROM " +
                          remote_relation + " WHERE tenant_id = " + std::to_string(tenant_id) +
                          ") SELECT coalesce(l.id, r.id)::text, l.id IS NULL, r.id IS NULL,"
                          " coalesce(l.active, false), " + diff + " FROM l FULL JOIN r ON l.id = r.id ORDER BY 1";
  std::vector<std::string> out;
  for (const auto& row : db.remote(sql)) {
    const std::string id = row[0].as<std::string>();
    if (ignored.count(id)) continue;
    if (row[1].as<bool>()) out.push_back("meter " + id + ": remote row missing locally");
    else if (row[2].as<bool>()) {
      if (row[3].as<bool>()) out.push_back("meter " + id + ": still active locally but not among the tenant's remote rows");
    } else if (!row[4].as<std::string>().empty()) {
      out.push_back("meter " + id + ": " + row[4].as<std::string>());
    }
  }
  return out;
}

std::vector<std::string> local_rows_with_versions(TestDatabases& db) {
  db.local("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'");
  std::vector<std::string> out;
  for (const auto& row : db.local("SELECT id::text || ' ' || xmin::text || ' ' || m::text FROM meter m ORDER BY id::text"))
    out.push_back(row[0].as<std::string>());
  return out;
}

}  // namespace testing_support
