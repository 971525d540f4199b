// The main job end to end: insert, update, deactivate, reappear, no-change rerun, dry run.
#include <doctest/doctest.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

nlohmann::json run_json(TestDatabases& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = db.meter_sync(args);
  INFO("stderr: " << r.err);
  INFO("stdout: " << r.out);
  const auto j = parse_json(r.out);
  CHECK(j["success"] == (r.exit_code == 0 || r.exit_code == 65) );
  return j;
}

void check_counts(const nlohmann::json& j, int inserted, int updated, int deleted, int skipped = 0) {
  INFO(j.dump());
  CHECK(j["result"]["inserted"] == inserted);
  CHECK(j["result"]["updated"] == updated);
  CHECK(j["result"]["deleted"] == deleted);
  CHECK(j["result"]["skipped"] == skipped);
}

}  // namespace

TEST_CASE("run: first sync copies the tenant's meters exactly, other tenants untouched") {
  TestDatabases db;
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  for (int id = 6; id <= 8; ++id) db.add_remote_meter(id, 2);
  db.remote("UPDATE meter SET notes = E'tab\\there \"quoted\" back\\\\slash\\nnewline ü', "
            "serial_number = NULL, active = NULL WHERE id = 2");

  const auto r = db.meter_sync({"run"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "inserted 5, updated 0, deactivated 0, skipped 0\n");
  CHECK(db.local_meters() == db.remote_meters(1));
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id > 5") == 0);

  const auto log = db.local("SELECT status, success, trigger, tenant_id, inserted_count,"
                            " updated_count, deleted_count, skipped_count, finished_at IS NOT NULL"
                            " FROM meter_sync_log");
  REQUIRE(log.size() == 1);
  CHECK(log[0][0].as<std::string>() == "succeeded");
  CHECK(log[0][1].as<bool>());
  CHECK(log[0][2].as<std::string>() == "manual");
  CHECK(log[0][3].as<int>() == 1);
  CHECK(log[0][4].as<int>() == 5);
  CHECK(log[0][5].as<int>() + log[0][6].as<int>() + log[0][7].as<int>() == 0);
  CHECK(log[0][8].as<bool>());
}

TEST_CASE("run: edit, delete, reappear and a no-change rerun are counted exactly") {
  TestDatabases db;
  for (int id = 1; id <= 30; ++id) db.add_remote_meter(id, 1);
  check_counts(run_json(db), 30, 0, 0);

  SUBCASE("no change: 0 / 0 / 0 and no row rewritten") {
    const auto before = db.local("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM meter")[0][0].as<std::string>();
    check_counts(run_json(db), 0, 0, 0);
    CHECK(db.local("SELECT string_agg(xmin::text, ',' ORDER BY id) FROM meter")[0][0].as<std::string>() == before);
  }
  SUBCASE("edit one field of one meter") {
    db.remote("UPDATE meter SET register_map = '{\"registers\": [1, 2, 3]}' WHERE id = 7");
    check_counts(run_json(db), 0, 1, 0);
    CHECK(db.local_meters() == db.remote_meters(1));
  }
  SUBCASE("a remote update that changes nothing is not counted") {
    db.remote("UPDATE meter SET name = name WHERE id <= 10");
    check_counts(run_json(db), 0, 0, 0);
  }
  SUBCASE("delete, then reappear") {
    db.remote("DELETE FROM meter WHERE id = 3");
    check_counts(run_json(db), 0, 0, 1);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE id = 3 AND active = false") == 1);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 29);
    check_counts(run_json(db), 0, 0, 0);  // an inactive meter is not deactivated twice

    db.add_remote_meter(3, 1);
    check_counts(run_json(db), 0, 1, 0);
    CHECK(db.local_meters() == db.remote_meters(1));
  }
  SUBCASE("one new, one edited, one deleted together") {
    db.add_remote_meter(31, 1);
    db.remote("UPDATE meter SET status = 'offline', updated_at = now() WHERE id = 5");
    db.remote("DELETE FROM meter WHERE id = 6");
    const auto j = run_json(db);
    check_counts(j, 1, 1, 1);
    CHECK(j["message"].get<std::string>().find("tenant 1") != std::string::npos);
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE success") == 2);
  }
}

TEST_CASE("run --dry-run: reports ids and counts, changes nothing, writes no log row") {
  TestDatabases db;
  for (int id = 1; id <= 4; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  db.add_remote_meter(9, 1);
  db.remote("UPDATE meter SET name = 'renamed' WHERE id = 2; DELETE FROM meter WHERE id = 4;"
            "INSERT INTO meter (id, tenant_id, name, type, status, port) VALUES (10, 1, 'bad', 't', 's', 70000)");
  const auto before = db.local_meters();

  const auto r = db.meter_sync({"run", "--dry-run", "--json"});
  CHECK(r.exit_code == 65);  // a meter would be skipped
  const auto j = parse_json(r.out);
  CHECK(j["dry_run"] == true);
  CHECK(j["result"]["inserted_ids"] == nlohmann::json::array({9}));
  CHECK(j["result"]["updated_ids"] == nlohmann::json::array({2}));
  CHECK(j["result"]["deleted_ids"] == nlohmann::json::array({4}));
  CHECK(j["result"]["skipped_meters"][0]["id"] == 10);
  CHECK(db.local_meters() == before);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log") == 1);

  const auto text = db.meter_sync({"run", "--dry-run"});
  CHECK(text.out.find("would insert:     9\n") != std::string::npos);
  CHECK(text.out.find("would deactivate: 4\n") != std::string::npos);
  CHECK(text.out.find("would skip:       10: port outside 0-65535") != std::string::npos);
}

TEST_CASE("run: invalid remote rows are skipped with their reason, the rest applied (exit 65)") {
  SchemaOptions options;
  options.remote_register_map_type = "text";  // invalid JSON is possible
  TestDatabases db(options);
  db.add_remote_meter(1, 1);
  db.remote(
      "ALTER TABLE meter DROP CONSTRAINT meter_pkey; ALTER TABLE meter ALTER COLUMN id DROP NOT NULL;"
      "ALTER TABLE meter ALTER COLUMN name DROP NOT NULL; ALTER TABLE meter ALTER COLUMN type DROP NOT NULL;"
      "ALTER TABLE meter ALTER COLUMN status DROP NOT NULL;"
      "INSERT INTO meter (id, tenant_id, name, type, status, port, register_map) VALUES"
      " (NULL, 1, 'no id', 't', 's', 1, NULL),"
      " (2, 1, '', 't', 's', 1, NULL),"
      " (3, 1, NULL, 't', 's', 1, NULL),"
      " (4, 1, 'n', NULL, 's', 1, NULL),"
      " (5, 1, 'n', 't', NULL, 1, NULL),"
      " (6, 1, 'n', 't', 's', -1, NULL),"
      " (7, 1, 'n', 't', 's', 65536, NULL),"
      " (8, 1, 'n', 't', 's', 65535, '{not json'),"
      " (9, 1, 'dup a', 't', 's', 0, NULL), (9, 1, 'dup b', 't', 's', 0, NULL),"
      " (10, 1, 'edge ports ok', 't', 's', 0, '{\"ok\": true}'),"
      " (11, 1, 'n', 't', 's', 65535, NULL)");
  const auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 65);
  const auto j = parse_json(r.out);
  CHECK(j["success"] == true);
  CHECK(j["result"]["inserted"] == 3);  // 1, 10, 11
  CHECK(j["result"]["skipped"] == 10);
  CHECK(db.local_count("SELECT count(*) FROM meter") == 3);
  const auto details = parse_json(db.local("SELECT details FROM meter_sync_log")[0][0].as<std::string>());
  std::map<std::string, std::string> reasons;
  for (const auto& s : details["skipped"]) reasons[s["id"].dump()] += s["reason"].get<std::string>() + ";";
  CHECK(reasons["null"] == "id is null;");
  CHECK(reasons["2"] == "name is null or empty;");
  CHECK(reasons["3"] == "name is null or empty;");
  CHECK(reasons["4"] == "type is null;");
  CHECK(reasons["5"] == "status is null;");
  CHECK(reasons["6"] == "port outside 0-65535;");
  CHECK(reasons["7"] == "port outside 0-65535;");
  CHECK(reasons["8"].find("invalid input syntax for type json") != std::string::npos);
  CHECK(reasons["9"] == "duplicate id;duplicate id;");
  CHECK(r.err.find("meter 8 skipped") != std::string::npos);
}

TEST_CASE("run: a value the local column rejects is skipped, the rest of the batch applied") {
  TestDatabases db;
  db.local("ALTER TABLE meter ALTER COLUMN serial_number TYPE varchar(8);"
           "ALTER TABLE meter ADD CONSTRAINT port_not_666 CHECK (port <> 666)");
  for (int id = 1; id <= 200; ++id) db.add_remote_meter(id, 1);
  db.remote("UPDATE meter SET serial_number = 'far too long a serial' WHERE id = 50;"
            "UPDATE meter SET port = 666 WHERE id = 150");
  const auto r = db.meter_sync({"run", "--json"});
  CHECK(r.exit_code == 65);
  const auto j = parse_json(r.out);
  CHECK(j["result"]["inserted"] == 198);
  CHECK(j["result"]["skipped"] == 2);
  CHECK(r.err.find("meter 50 skipped: column \"serial_number\" (text -> character varying(8)): value too long") != std::string::npos);
  CHECK(r.err.find("meter 150 skipped: rejected by the local table: new row for relation \"meter\" violates check constraint") != std::string::npos);

  // fixed remotely: the next run applies them
  db.remote("UPDATE meter SET serial_number = 'SN-50' WHERE id = 50; UPDATE meter SET port = 502 WHERE id = 150");
  const auto again = parse_json(db.meter_sync({"run", "--json"}).out);
  CHECK(again["result"]["inserted"] == 2);
  CHECK(db.local_meters() == db.remote_meters(1));
}

TEST_CASE("run: the mass-deactivation guard refuses, changes nothing, logs why (exit 65)") {
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  const auto before = db.local_meters();
  db.remote("DELETE FROM meter WHERE id <= 11");  // 11 of 20 = 55% > 50%

  const auto r = db.meter_sync({"run", "--json"});
  CHECK(r.exit_code == 65);
  const auto j = parse_json(r.out);
  CHECK(j["success"] == false);
  CHECK(j["result"]["success"] == false);
  CHECK(j["result"]["error"].get<std::string>().find("refused to deactivate 11 of 20") != std::string::npos);
  CHECK(db.local_meters() == before);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'failed' AND error LIKE 'refused%'") == 1);

  SUBCASE("a higher limit lets it through") {
    const auto ok = parse_json(db.meter_sync({"run", "--json", "--max-deactivate-percent", "60"}).out);
    CHECK(ok["result"]["deleted"] == 11);
  }
  SUBCASE("100 turns the guard off") {
    CHECK(db.meter_sync({"run", "--max-deactivate-percent", "100"}).exit_code == 0);
  }
  SUBCASE("fewer than 10 meters never trip it") {
    db.add_remote_meter(1, 1); db.add_remote_meter(2, 1);  // now 9 would go
    CHECK(db.meter_sync({"run"}).exit_code == 0);
  }
}

TEST_CASE("run --trigger scheduled --quiet: silent on success, recorded as scheduled") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  const auto r = db.meter_sync({"--quiet", "run", "--trigger", "scheduled"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
  CHECK(db.local("SELECT trigger FROM meter_sync_log")[0][0].as<std::string>() == "scheduled");
}
