#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "core/sync_plan.hpp"

using namespace meter_sync;

namespace {
ColumnTypes types(const std::string& register_map, bool with_tenant) {
  ColumnTypes t;
  for (const auto& c : meter_table().copied) t[c] = builtin_type("text");
  t["id"] = builtin_type("integer");
  t["port"] = builtin_type("integer");
  t["active"] = builtin_type("boolean");
  t["register_map"] = builtin_type(register_map);
  if (with_tenant) t["tenant_id"] = builtin_type("integer");
  return t;
}
bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
}  // namespace

TEST_CASE("sync_plan: missing columns are named, per side") {
  auto local = types("jsonb", false);
  local.erase("protocol");
  local.erase("notes");
  try {
    SyncPlan(meter_table(), local, types("json", true), "local database X");
    FAIL("no error");
  } catch (const Failure& f) {
    CHECK(f.status() == ExitStatus::config);
    CHECK(std::string(f.what()) == "local database X: table meter lacks columns protocol, notes");
  }
  CHECK_THROWS_WITH_AS(SyncPlan(meter_table(), types("jsonb", false), types("json", false)),
                       "remote: table meter lacks column tenant_id", Failure);
}

TEST_CASE("sync_plan: JSON is compared by value (spacing and key order are no change), staged as text") {
  const SyncPlan json_local(meter_table(), types("json", false), types("jsonb", true));
  CHECK(contains(json_local.update_changed("true", false),
                 "m.\"register_map\"::jsonb IS DISTINCT FROM s.\"register_map\"::jsonb"));
  CHECK_FALSE(json_local.converts());
  const SyncPlan jsonb_local(meter_table(), types("jsonb", false), types("json", true));
  CHECK(contains(jsonb_local.update_changed("true", false),
                 "m.\"register_map\" IS DISTINCT FROM s.\"register_map\"::jsonb"));
  CHECK(contains(jsonb_local.create_work_tables(), "\"register_map\" text"));
}

TEST_CASE("sync_plan: a length-limited local column is written by assignment, not truncated by a cast") {
  auto local = types("jsonb", false);
  local["serial_number"] = builtin_type("character varying(8)");
  const SyncPlan plan(meter_table(), local, types("json", true));
  CHECK(contains(plan.convert_rows("true"), "s.\"serial_number\""));
  CHECK_FALSE(contains(plan.convert_rows("true"), "AS character varying"));
  CHECK(contains(plan.insert_missing("true"), "s.\"serial_number\""));
  CHECK_FALSE(contains(plan.insert_missing("true"), "AS character varying(8)"));
}

TEST_CASE("sync_plan: the tenant filter and the key are where they belong") {
  const SyncPlan plan(meter_table(), types("jsonb", false), types("json", true));
  CHECK(contains(plan.remote_select(42), "FROM \"meter\" WHERE \"tenant_id\" = 42"));
  CHECK_FALSE(contains(plan.remote_select(42), "\"tenant_id\","));
  CHECK(contains(plan.deactivate_missing(false),
                 "m.\"active\" IS TRUE AND NOT EXISTS (SELECT 1 FROM pg_temp.meter_sync_staging s"));
  // a skipped row's meter is not "gone": after a full fetch the skipped keys count as present
  CHECK(contains(plan.deactivate_missing(false), "NOT EXISTS (SELECT 1 FROM pg_temp.meter_sync_skipped k"));
  CHECK(contains(plan.deactivate_missing(true), "FROM pg_temp.meter_sync_compared c WHERE c.deactivate AND m.\"id\" = c.\"id\""));
  CHECK_FALSE(contains(plan.deactivate_missing(true), "meter_sync_skipped"));
  CHECK(contains(plan.update_changed("true", true), "RETURNING to_jsonb(m.\"id\"::text)"));
  // the changed rows go to a table of their own first, so the UPDATE's plan knows how few
  CHECK(contains(plan.update_changed("true", false), "TRUNCATE pg_temp.meter_sync_changed;\nINSERT INTO pg_temp.meter_sync_changed SELECT m.\"id\", "));
  CHECK(contains(plan.update_changed("true", false), "FROM pg_temp.meter_sync_changed d WHERE m.\"id\" = d.\"id\""));
  CHECK(contains(plan.create_work_tables(), "CREATE TEMP TABLE meter_sync_changed ON COMMIT DROP AS SELECT \"id\", \"name\", "));
  CHECK(contains(plan.reject_invalid(), "HAVING count(*) > 1"));
}

TEST_CASE("quote_ident and block_range") {
  CHECK(quote_ident("a\"b") == "\"a\"\"b\"");
  CHECK(block_range(3, 5) == "s.ctid >= '(3,0)'::tid AND s.ctid < '(5,0)'::tid");
}

TEST_CASE("sync_plan: incremental fetch asks for the wanted keys and rows without a key") {
  const SyncPlan plan(meter_table(), types("jsonb", false), types("json", true));
  CHECK(contains(plan.remote_select(3), ", xmin FROM \"meter\" WHERE \"tenant_id\" = 3"));
  CHECK_FALSE(contains(plan.remote_select(3), "ANY"));
  CHECK(contains(plan.remote_select(3, "{4,5}"),
                 "AND (\"id\" = ANY ('{4,5}'::integer[]) OR \"id\" IS NULL)"));
  CHECK(contains(plan.remote_select(3, "{4,5}", false), "AND (\"id\" = ANY ('{4,5}'::integer[]))"));
  CHECK(plan.remote_versions_select(3) ==
        "SELECT \"id\", xmin FROM \"meter\" WHERE \"tenant_id\" = 3");
  // one full join decides what to fetch, deactivate and forget
  CHECK(contains(plan.compare_versions(), "FROM pg_temp.meter_sync_remote_keys r FULL JOIN meter_sync_state st ON"
                                          " st.\"id\" = r.\"id\" FULL JOIN \"meter\" m ON m.\"id\" = coalesce(r.\"id\", st.\"id\")"));
  CHECK(contains(plan.compare_versions(), "ELSE st.remote_xmin IS DISTINCT FROM r.meter_sync_version"
                                          " OR st.local_xmin IS DISTINCT FROM m.xmin END"));
  CHECK(contains(plan.compare_versions(), "r.\"id\" IS NULL AND m.\"active\" IS TRUE AS deactivate"));
  CHECK(plan.wanted_keys() == "SELECT fetch_key AS \"id\" FROM pg_temp.meter_sync_compared WHERE fetch_key IS NOT NULL");
  CHECK(contains(plan.forget_state(true), "USING pg_temp.meter_sync_compared c WHERE c.forget"));
}

TEST_CASE("sync_plan: the signature changes with the local column types") {
  auto local = types("jsonb", false);
  const SyncPlan a(meter_table(), local, types("json", true));
  local["register_map"] = builtin_type("json");
  const SyncPlan b(meter_table(), local, types("json", true));
  CHECK(a.signature() != b.signature());
  CHECK(a.signature() == SyncPlan(meter_table(), types("jsonb", false), types("jsonb", true)).signature());
}

TEST_CASE("sync_plan: the deployed Sync schema (varchar ids, ports, timestamps) converts into staging") {
  auto local = types("jsonb", false);
  local["id"] = builtin_type("character varying(255)");
  local["port"] = builtin_type("character varying(10)");
  local["created_at"] = builtin_type("character varying(50)");
  auto remote = types("json", true);
  remote["id"] = builtin_type("bigint");
  remote["created_at"] = builtin_type("timestamp with time zone");
  const SyncPlan plan(meter_table(), local, remote);
  CHECK(plan.converts());
  CHECK(plan.key_converts());
  CHECK(std::string(plan.fetch_target()) == SyncPlan::incoming);
  CHECK(std::string(plan.keys_fetch_target()) == SyncPlan::remote_keys_incoming);
  // staging holds the local types, so every comparison happens in them
  CHECK(contains(plan.create_work_tables(), "meter_sync_staging (\"id\" character varying(255)"));
  CHECK(contains(plan.create_work_tables(), "meter_sync_incoming (\"id\" bigint"));
  CHECK(contains(plan.update_changed("true", false), "m.\"port\" IS DISTINCT FROM s.\"port\""));
  // string targets convert by the INSERT's assignment (no truncating cast)
  CHECK_FALSE(contains(plan.convert_rows("true"), "CAST"));
  // the incremental fetch asks the remote in its own key type, joins in the local one
  CHECK(contains(plan.remote_select(1, "{\"4\"}"), "'{\"4\"}'::bigint[]"));
  CHECK(contains(plan.compare_versions(), "CASE WHEN r.\"id\" IS NOT NULL THEN r.meter_sync_fetch_key END AS fetch_key"));
  CHECK(contains(plan.wanted_keys(), "UNION ALL SELECT r.meter_sync_fetch_key FROM pg_temp.meter_sync_remote_keys r"
                                     " WHERE r.\"id\" IS NULL AND r.meter_sync_fetch_key IS NOT NULL"));
  const auto conversions = plan.conversions();
  REQUIRE(conversions.size() == 3);
  CHECK(conversions[0].column == "id");
  CHECK(plan.direct_copy_possible());  // numbers and timestamps read into varchar as they convert
}

TEST_CASE("sync_plan: identical types stage directly, with no conversion step") {
  const SyncPlan plan(meter_table(), types("jsonb", false), types("json", true));
  CHECK_FALSE(plan.converts());
  CHECK(std::string(plan.fetch_target()) == SyncPlan::staging);
  CHECK_FALSE(contains(plan.create_work_tables(), "meter_sync_incoming"));
  CHECK(plan.conversions().empty());
}

TEST_CASE("sync_plan: a remote enum travels as text and converts by an explicit cast where needed") {
  auto remote = types("json", true);
  remote["type"] = {"meter_type", "meter_type", "text", true};
  remote["port"] = builtin_type("text");
  const SyncPlan plan(meter_table(), types("jsonb", false), remote);
  CHECK_FALSE(contains(plan.create_work_tables(), "meter_type"));
  CHECK(contains(plan.convert_rows("true"), "CAST(s.\"port\" AS integer)"));
  const auto conversions = plan.conversions();
  REQUIRE(conversions.size() == 1);  // type: text -> text is no conversion
  CHECK(conversions[0].from_text);
  // the port rule reads a number out of text, and leaves other text to the conversion
  CHECK(contains(plan.reject_invalid(), "CASE WHEN \"port\" ~ "));
  CHECK_FALSE(plan.direct_copy_possible());  // text into integer may not read back
}

TEST_CASE("sync_plan: booleans into text are not copied straight (COPY says t, a cast says true)") {
  auto local = types("jsonb", false);
  local["active"] = builtin_type("text");
  CHECK_FALSE(SyncPlan(meter_table(), local, types("json", true)).direct_copy_possible());
}

TEST_CASE("sync_plan: the remote relation, the rules' version and the tenant filter in the SQL") {
  const SyncPlan plan(meter_table(), types("jsonb", false), types("json", true), "l", "r", "\"Client\".meter_view");
  CHECK(contains(plan.remote_select(7), "FROM \"Client\".meter_view WHERE \"tenant_id\" = 7"));
  CHECK(contains(plan.remote_initial_select(7), "FROM \"Client\".meter_view WHERE \"tenant_id\" = 7"));
  CHECK(contains(plan.signature(), rules_version));
  CHECK(contains(plan.signature(), "remote:\"Client\".meter_view"));
}

TEST_CASE("sync_plan: the initial load reads every row once, with its key, version and rule reason last") {
  TableSpec spec{"t", {"k"}, {"v", "k"}, "tenant", "v", {{"k is null", "k IS NULL"}}, {}};
  ColumnTypes types{{"v", builtin_type("text")}, {"k", builtin_type("integer")}};
  auto remote = types;
  remote["tenant"] = builtin_type("integer");
  SyncPlan plan(spec, types, remote);
  CHECK(plan.remote_initial_select(7) ==
        "SELECT \"v\", \"k\", CASE WHEN coalesce((k IS NULL), false) THEN to_jsonb(\"t\".\"k\"::text) END, xmin, "
        "CASE WHEN k IS NULL THEN 'k is null' END FROM \"t\" WHERE \"tenant\" = 7");
  CHECK(plan.key_positions() == std::vector<std::size_t>{1});
  CHECK(plan.state_copy_target() == "meter_sync_state (\"k\", remote_xmin, local_xmin)");
  plan.without_remote_versions();
  CHECK_FALSE(contains(plan.remote_initial_select(7), "xmin"));
  spec.key = {"k", "v"};
  CHECK(SyncPlan(spec, types, remote).key_positions() == std::vector<std::size_t>{1, 0});
}

TEST_CASE("array_literal quotes every element") {
  CHECK(array_literal({}) == "{}");
  CHECK(array_literal({"1", "a\"b", "c\\d", "x,y"}) == "{\"1\",\"a\\\"b\",\"c\\\\d\",\"x,y\"}");
}

TEST_CASE("sync_plan: a remote view's version is a hash of the row's canonical text, kept in remote_hash") {
  SyncPlan plan(meter_table(), types("jsonb", false), types("json", true));
  const SyncPlan table_plan = plan;
  plan.use_row_hashes();
  CHECK(plan.tracks_versions());
  const std::string hash = "hashtextextended(ROW(\"id\", \"name\"";
  CHECK(contains(plan.remote_versions_select(3), "SELECT \"id\", " + hash));
  CHECK(contains(plan.remote_select(3), "\"register_map\"::jsonb, "));  // JSON key order and spacing do not count
  CHECK(contains(plan.remote_select(3), ")::text, 0) FROM \"meter\" WHERE \"tenant_id\" = 3"));
  CHECK(contains(plan.create_work_tables(), "meter_sync_version bigint"));
  CHECK(contains(plan.compare_versions(), "st.remote_hash IS DISTINCT FROM r.meter_sync_version"));
  CHECK(contains(plan.record_state(), "'0'::xid AS remote_xmin, m.xmin AS local_xmin, s.meter_sync_version AS remote_hash"));
  CHECK(contains(plan.record_state(), "INSERT INTO meter_sync_state (\"id\", remote_xmin, local_xmin, remote_hash)"));
  CHECK(plan.signature() != table_plan.signature());
  CHECK_FALSE(contains(table_plan.remote_select(3), "hashtextextended"));
  CHECK(contains(table_plan.record_state(), "INSERT INTO meter_sync_state (\"id\", remote_xmin, local_xmin) SELECT"));
  // a first load's state lines: (id, version) + suffix
  CHECK(plan.state_copy_target() == "meter_sync_state (\"id\", remote_hash, local_xmin, remote_xmin)");
  CHECK(plan.state_line_suffix("77") == "\t77\t0");
  CHECK(table_plan.state_copy_target() == "meter_sync_state (\"id\", remote_xmin, local_xmin)");
  CHECK(table_plan.state_line_suffix("77") == "\t77");

  plan.without_remote_versions();  // a state table that cannot hold hashes
  CHECK_FALSE(plan.tracks_versions());
  CHECK(contains(plan.remote_select(3), ", NULL::xid FROM"));
}
