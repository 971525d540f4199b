#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "core/sync_plan.hpp"

using namespace meter_sync;

namespace {
ColumnTypes types(const std::string& register_map, bool with_tenant) {
  ColumnTypes t;
  for (const auto& c : meter_table().copied) t[c] = "text";
  t["id"] = "integer";
  t["port"] = "integer";
  t["active"] = "boolean";
  t["register_map"] = register_map;
  if (with_tenant) t["tenant_id"] = "integer";
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

TEST_CASE("sync_plan: json is compared as text, jsonb by value, JSON staged as text") {
  const SyncPlan json_local(meter_table(), types("json", false), types("jsonb", true));
  CHECK(contains(json_local.update_changed("true", false),
                 "m.\"register_map\"::text IS DISTINCT FROM CAST(s.\"register_map\" AS json)::text"));
  const SyncPlan jsonb_local(meter_table(), types("jsonb", false), types("json", true));
  CHECK(contains(jsonb_local.update_changed("true", false),
                 "m.\"register_map\" IS DISTINCT FROM CAST(s.\"register_map\" AS jsonb)"));
  CHECK(contains(jsonb_local.create_work_tables(), "\"register_map\" text"));
}

TEST_CASE("sync_plan: a length-limited local column is written by assignment, not truncated by a cast") {
  auto local = types("jsonb", false);
  local["serial_number"] = "character varying(8)";
  const SyncPlan plan(meter_table(), local, types("json", true));
  CHECK(contains(plan.insert_missing("true", false), "s.\"serial_number\""));
  CHECK_FALSE(contains(plan.insert_missing("true", false), "AS character varying(8)"));
}

TEST_CASE("sync_plan: the tenant filter and the key are where they belong") {
  const SyncPlan plan(meter_table(), types("jsonb", false), types("json", true));
  CHECK(contains(plan.remote_select(42), "FROM \"meter\" WHERE \"tenant_id\" = 42"));
  CHECK_FALSE(contains(plan.remote_select(42), "\"tenant_id\","));
  CHECK(contains(plan.deactivate_missing(false, false),
                 "m.\"active\" IS TRUE AND NOT EXISTS (SELECT 1 FROM pg_temp.meter_sync_staging s"));
  CHECK(contains(plan.deactivate_missing(false, true), "NOT EXISTS (SELECT 1 FROM pg_temp.meter_sync_remote_keys s"));
  CHECK(contains(plan.update_changed("true", true), "RETURNING to_jsonb(m.\"id\")"));
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
  CHECK(contains(plan.wanted_keys(), "st.remote_xmin IS DISTINCT FROM r.meter_sync_xmin"));
  CHECK(contains(plan.wanted_keys(), "st.local_xmin IS DISTINCT FROM m.xmin"));
}

TEST_CASE("sync_plan: the signature changes with the local column types") {
  auto local = types("jsonb", false);
  const SyncPlan a(meter_table(), local, types("json", true));
  local["register_map"] = "json";
  const SyncPlan b(meter_table(), local, types("json", true));
  CHECK(a.signature() != b.signature());
  CHECK(a.signature() == SyncPlan(meter_table(), types("jsonb", false), types("jsonb", true)).signature());
}
