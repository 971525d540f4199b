#include "property/harness.hpp"

#include <set>

namespace meter_props {
namespace {

// Every copied column in the form the model holds (the remote's types), whatever the local type:
// ids and ports as integers, dates and UTC timestamps as text, register_map as jsonb.
std::string read_columns_sql() {
  std::string sql;
  for (const auto& c : testing_support::meter_columns()) {
    std::string expr = c;
    if (c == "installation_date") expr = "to_char(" + c + ", 'YYYY-MM-DD')";
    if (c == "register_map") expr = c + "::jsonb::text";
    if (c == "created_at" || c == "updated_at")
      expr = "to_char(" + c + "::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
    sql += (sql.empty() ? "SELECT " : ", ") + expr;
  }
  return sql + " FROM meter";
}

std::string enum_labels_sql(const std::vector<std::string>& labels) {
  std::string out;
  for (const auto& l : labels) out += (out.empty() ? "" : ", ") + sql_literal(l);
  return out;
}

// The types the remote rows and edits use (enum labels).
void collect_types(const std::vector<RemoteRow>& rows, std::set<std::string>& types) {
  for (const auto& r : rows)
    if (r.meter.type) types.insert(*r.meter.type);
}

template <typename T>
std::optional<T> field(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

std::string insert_sql(const std::string& table_columns, const std::vector<std::string>& values) {
  if (values.empty()) return "";
  std::string sql = "INSERT INTO meter (" + table_columns + ") VALUES ";
  for (size_t i = 0; i < values.size(); ++i) sql += (i ? ",\n" : "") + values[i];
  return sql + ";";
}

std::string column_list() {
  std::string out;
  for (const auto& c : columns()) out += (out.empty() ? "" : ", ") + c;
  return out;
}

}  // namespace

std::string RunResult::describe() const {
  return "exit " + std::to_string(exit_code) + "\nstdout: " + out + "stderr: " + err;
}

PropertyDb::PropertyDb() {
  db_.local("SET TIME ZONE 'UTC'");
  db_.remote("SET TIME ZONE 'UTC'");
  set_variant(Variant{});
}

void PropertyDb::set_variant(const Variant& v, const std::vector<std::string>& labels) {
  variant_ = v;
  const auto options = schema_options(v);
  const std::string tz = "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), " +
                         sql_literal(v.time_zone) + "); END$$;";
  using Key = Variant::Key;
  std::string remote = "DROP TABLE IF EXISTS meter; DROP TYPE IF EXISTS " + std::string(enum_type_name) + ";";
  if (v.remote_enum_type())
    remote += "CREATE TYPE " + std::string(enum_type_name) + " AS ENUM (" + enum_labels_sql(labels) + ");";
  remote += testing_support::meter_table_sql(options, true) + "; ALTER TABLE meter " +
            (v.remote_key == Key::primary_key ? "" : "DROP CONSTRAINT meter_pkey, ALTER COLUMN id DROP NOT NULL, ") +
            "ALTER COLUMN name DROP NOT NULL, ALTER COLUMN type DROP NOT NULL,"
            " ALTER COLUMN status DROP NOT NULL, ADD COLUMN row_no integer; CREATE INDEX ON meter (tenant_id);" +
            (v.remote_key == Key::unique_index ? "CREATE UNIQUE INDEX ON meter (id);" : "") + tz;
  db_.remote(remote);
  db_.local("DROP TABLE IF EXISTS meter; DROP TABLE IF EXISTS meter_sync_state;" +
            testing_support::meter_table_sql(options, false) + ";" + tz);
}

Prepared PropertyDb::prepare(const Scenario& s, bool drop_log) {
  std::set<std::string> types;
  collect_types(s.world.remote, types);
  for (const auto& e : s.between) collect_types({e.remote}, types);
  set_variant(s.variant, std::vector<std::string>(types.begin(), types.end()));
  load(s.world, drop_log);
  Prepared p{s.variant, as_table(s.world.local), s.world.remote, s.world.tenant, {}};
  if (s.variant.compare == Variant::Compare::single) return p;
  const Expected first = model_run(p.local, p.remote, p.tenant, p.model());
  const auto r = run();
  if (r.exit_code != first.exit_code)
    RC_FAIL("the first run (before the edits): expected exit " + std::to_string(first.exit_code) + "\n" +
            r.describe());
  require_same_table(first.local, read_local(), "the first run (before the edits)");
  apply(s.between);
  RemoteRows rows(p.remote.begin(), p.remote.end());
  p.local = first.local;
  for (const auto& e : s.between) apply_edit(e, rows, p.local, p.tenant);
  p.remote = present(rows);
  if (s.variant.compare == Variant::Compare::full_fetch) p.run_args = {"--full-fetch"};
  return p;
}

std::vector<Edit> PropertyDb::fit(const RemoteRows& remote, const std::vector<Edit>& edits) const {
  return fit_edits(variant_, remote, edits);
}

void PropertyDb::load(const World& w, bool drop_log) {
  std::vector<std::string> local_rows, remote_rows;
  for (const auto& m : w.local) local_rows.push_back(sql_values(m));
  for (size_t i = 0; i < w.remote.size(); ++i) remote_rows.push_back(remote_insert_values(w.remote[i], i));
  db_.remote("TRUNCATE meter;" + insert_sql(column_list() + ", tenant_id, row_no", remote_rows));
  db_.local(std::string("TRUNCATE meter; DELETE FROM tenant;") +
            (drop_log ? "DROP TABLE IF EXISTS meter_sync_log;"
                      : "DO $$BEGIN IF to_regclass('meter_sync_log') IS NOT NULL THEN"
                        " TRUNCATE meter_sync_log; END IF; END$$;") +
            "INSERT INTO tenant VALUES (" + std::to_string(w.tenant) + ", 'tenant');" +
            insert_sql(column_list(), local_rows));
}

void PropertyDb::apply(const std::vector<Edit>& edits) {
  std::string remote, local, labels;
  for (const auto& e : edits) {
    remote += remote_sql(e);
    local += local_sql(e);
    const bool row = e.kind == Edit::Kind::remote_add || e.kind == Edit::Kind::remote_change;
    if (variant_.remote_enum_type() && row && e.remote.meter.type)
      labels += "ALTER TYPE " + std::string(enum_type_name) + " ADD VALUE IF NOT EXISTS " +
                sql_literal(*e.remote.meter.type) + ";";
  }
  if (!labels.empty()) db_.remote(labels);
  if (!remote.empty()) db_.remote(remote);
  if (!local.empty()) db_.local(local);
}

Table PropertyDb::read_local() {
  Table t;
  for (const auto& row : db_.local(read_columns_sql())) {
    Meter m;
    m.id = row[0].as<std::int32_t>();
    m.name = field<std::string>(row[1]);
    m.type = field<std::string>(row[2]);
    m.serial_number = field<std::string>(row[3]);
    m.installation_date = field<std::string>(row[4]);
    m.device_id = field<std::int32_t>(row[5]);
    m.location_id = field<std::int32_t>(row[6]);
    m.ip = field<std::string>(row[7]);
    m.port = field<std::int32_t>(row[8]);
    m.protocol = field<std::string>(row[9]);
    m.status = field<std::string>(row[10]);
    if (!row[11].is_null()) m.register_map = RegisterMap{nlohmann::json::parse(row[11].c_str()), {}, false};
    m.notes = field<std::string>(row[12]);
    m.active = field<bool>(row[13]);
    m.created_at = field<std::string>(row[14]);
    m.updated_at = field<std::string>(row[15]);
    t[*m.id] = m;
  }
  return t;
}

std::map<std::int32_t, std::string> PropertyDb::local_xmins() {
  std::map<std::int32_t, std::string> out;
  for (const auto& row : db_.local("SELECT id, xmin::text FROM meter"))
    out[row[0].as<std::int32_t>()] = row[1].as<std::string>();
  return out;
}

std::vector<LogRow> PropertyDb::log_rows() {
  std::vector<LogRow> out;
  if (db_.local("SELECT to_regclass('meter_sync_log') IS NULL")[0][0].as<bool>()) return out;
  for (const auto& row :
       db_.local("SELECT id, status, trigger, success, tenant_id, inserted_count, updated_count,"
                 " deleted_count, skipped_count, error, details::text,"
                 " coalesce(finished_at >= started_at, false) FROM meter_sync_log ORDER BY id")) {
    LogRow r;
    r.id = row[0].as<std::int64_t>();
    r.status = row[1].as<std::string>();
    r.trigger = row[2].as<std::string>();
    r.success = field<bool>(row[3]);
    r.tenant_id = field<std::int64_t>(row[4]);
    r.counts = {row[5].as<std::int64_t>(), row[6].as<std::int64_t>(), row[7].as<std::int64_t>(),
                row[8].as<std::int64_t>()};
    r.error = field<std::string>(row[9]);
    r.details = nlohmann::json::parse(row[10].c_str());
    r.finished_after_start = row[11].as<bool>();
    out.push_back(r);
  }
  return out;
}

RunResult PropertyDb::run(std::vector<std::string> extra) {
  std::vector<std::string> args = {"run", "--json"};
  bool has_percent = false;
  for (const auto& a : extra) has_percent = has_percent || a == "--max-deactivate-percent";
  if (!has_percent) extra.insert(extra.end(), {"--max-deactivate-percent", "100"});
  args.insert(args.end(), extra.begin(), extra.end());
  const auto p = db_.meter_sync(args);
  RunResult r{p.exit_code, nullptr, p.out, p.err};
  try {
    r.json = nlohmann::json::parse(p.out);
  } catch (const std::exception& e) {
    RC_FAIL("run --json did not print one JSON object (" + std::string(e.what()) + ")\n" + r.describe());
  }
  return r;
}

std::string PropertyDb::last_fetch() {
  const auto rows = log_rows();
  if (rows.empty()) return "none";
  return rows.back().details.value("fetch", "none");
}

nlohmann::json PropertyDb::status(const std::vector<std::string>& global_extra) {
  std::vector<std::string> args = global_extra;
  args.insert(args.end(), {"status", "--json"});
  const auto p = db_.meter_sync(args);
  if (p.exit_code != 0) RC_FAIL("status --json exited " + std::to_string(p.exit_code) + ": " + p.err);
  try {
    return nlohmann::json::parse(p.out);
  } catch (const std::exception& e) {
    RC_FAIL("status --json printed no JSON: " + p.out);
  }
}

void require_same_table(const Table& expected, const Table& actual, const std::string& what,
                        const std::vector<std::int32_t>* only) {
  const std::string diff = table_diff(expected, actual, only);
  if (!diff.empty()) RC_FAIL(what + ": the local meter table differs from the model:\n" + diff);
}

std::string show_ids(const std::vector<std::int32_t>& ids) {
  std::string out = "[";
  for (auto id : ids) out += (out.size() > 1 ? " " : "") + std::to_string(id);
  return out + "]";
}

bool updated_count_fits(std::int64_t updated, const Expected& e) {
  return updated >= e.counts.updated &&
         updated <= e.counts.updated + static_cast<std::int64_t>(e.respelled_ids.size());
}

void require_run_counts(const RunResult& r, const Expected& e) {
  const auto& result = r.json.value("result", nlohmann::json::object());
  const auto got = [&](const char* key) { return result.value(key, std::int64_t{-1}); };
  if (got("inserted") != e.counts.inserted || !updated_count_fits(got("updated"), e) ||
      got("deleted") != e.counts.deleted || got("skipped") != e.counts.skipped)
    RC_FAIL("run --json counts differ from the model: expected inserted " +
            std::to_string(e.counts.inserted) + " " + show_ids(e.inserted_ids) + ", updated " +
            std::to_string(e.counts.updated) + " " + show_ids(e.updated_ids) + ", deleted " +
            std::to_string(e.counts.deleted) + " " + show_ids(e.deleted_ids) + ", skipped " +
            std::to_string(e.counts.skipped) + "\n" + r.describe());
}

void classify(const Prepared& p, PropertyDb& db) {
  classify(p.variant);
  RC_TAG("fetch: " + db.last_fetch());  // initial, incremental, full
}

void classify(const Expected& e) {
  RC_CLASSIFY(e.counts.inserted > 0, "insert");
  RC_CLASSIFY(e.counts.updated > 0, "update");
  RC_CLASSIFY(e.counts.deleted > 0, "deactivate");
  RC_CLASSIFY(e.counts.skipped > 0, "skip");
}

}  // namespace meter_props
