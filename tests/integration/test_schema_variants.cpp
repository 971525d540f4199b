// Column order, extra local columns with defaults, json vs jsonb and the tenant column's name
// must not matter.
#include <doctest/doctest.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

void sync_cycle(TestDatabases& db) {
  for (int id = 1; id <= 12; ++id) db.add_remote_meter(id, 1);
  db.add_remote_meter(100, 2);
  db.remote("UPDATE meter SET register_map = '{\"b\": [1, {\"c\": \"ü\\u00e9\"}],   \"a\": null}' WHERE id = 3");
  auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(parse_json(r.out)["result"]["inserted"] == 12);
  CHECK(db.local_meters() == db.remote_meters(1));

  r = db.meter_sync({"run", "--json"});
  CHECK(parse_json(r.out)["result"]["updated"] == 0);  // identical JSON is not a change

  db.remote("UPDATE meter SET register_map = '{\"a\": 2}', installation_date = '1901-02-03' WHERE id = 4;"
            "DELETE FROM meter WHERE id = 5");
  r = db.meter_sync({"run", "--json"});
  const auto j = parse_json(r.out);
  CHECK(j["result"]["updated"] == 1);
  CHECK(j["result"]["deleted"] == 1);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 11);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id = 4 AND register_map::jsonb = '{\"a\": 2}'") == 1);
}

}  // namespace

TEST_CASE("schema variants: the same sync works on each") {
  SchemaOptions o;
  SUBCASE("json remote, jsonb local") {}
  SUBCASE("jsonb remote, json local") {
    o.remote_register_map_type = "jsonb";
    o.local_register_map_type = "json";
  }
  SUBCASE("json on both sides (no equality operator)") { o.local_register_map_type = "json"; }
  SUBCASE("jsonb on both sides") { o.remote_register_map_type = "jsonb"; }
  SUBCASE("local columns in another order, with an extra defaulted column") {
    o.reorder_local_columns = true;
    o.extra_local_column = true;
  }
  SUBCASE("tenant table with a tenant_id column") { o.tenant_column = "tenant_id"; }
  TestDatabases db(o);
  sync_cycle(db);
  if (o.extra_local_column) CHECK(db.local_count("SELECT count(*) FROM meter WHERE site = 'here'") == 12);
}

TEST_CASE("schema variants: timestamp installation_date locally, date remotely") {
  TestDatabases db;
  db.local("ALTER TABLE meter ALTER COLUMN installation_date TYPE timestamp");
  db.add_remote_meter(1, 1);
  CHECK(db.meter_sync({"run"}).exit_code == 0);
  const auto again = parse_json(db.meter_sync({"run", "--json"}).out);
  CHECK(again["result"]["updated"] == 0);
  CHECK(db.local("SELECT installation_date::text FROM meter")[0][0].as<std::string>() == "2024-03-01 00:00:00");
}

TEST_CASE("schema variants: the remote meter is a view (no xmin): every run compares all rows") {
  TestDatabases db;
  db.remote("ALTER TABLE meter RENAME TO meter_data; CREATE VIEW meter AS SELECT * FROM meter_data");
  for (int id = 1; id <= 3; ++id) db.add_remote_meter(id, 1);
  auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(parse_json(r.out)["result"]["inserted"] == 3);
  db.remote("UPDATE meter_data SET name = 'changed' WHERE id = 2");
  r = db.meter_sync({"run", "--json"});
  CHECK(parse_json(r.out)["result"]["updated"] == 1);
  CHECK(db.local_meters() == db.remote_meters(1));
  CHECK(db.local("SELECT details->>'fetch' FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0].as<std::string>() == "full");
}
