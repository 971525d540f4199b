// Every kind of bad remote row at once, plus rows the local table's own constraints reject:
// the good rows are applied, each bad id is reported with its reason (JSON, stderr, log).
#include <doctest/doctest.h>

#include <iostream>
#include <map>

#include "reliability/helpers.hpp"

using namespace reliability;
using testing_support::parse_json;

namespace {

// Remote: 2000 good meters; its NOT NULL and key constraints dropped so that every invalid
// kind can exist. Local: constraints a deployed Sync database may have.
void prepare(TestDatabases& db) {
  db.remote("ALTER TABLE meter DROP CONSTRAINT meter_pkey; ALTER TABLE meter ALTER COLUMN id DROP NOT NULL;"
            "ALTER TABLE meter ALTER COLUMN name DROP NOT NULL; ALTER TABLE meter ALTER COLUMN type DROP NOT NULL;"
            "ALTER TABLE meter ALTER COLUMN status DROP NOT NULL");
  add_remote_meters(db, 1, 1, 2000);
  add_remote_meters(db, 2, 5001, 5100);  // another tenant: never looked at
  db.local("CREATE TABLE location (id integer PRIMARY KEY);"
           "INSERT INTO location SELECT generate_series(0, 96);"
           "ALTER TABLE meter ADD FOREIGN KEY (location_id) REFERENCES location (id);"
           "ALTER TABLE meter ALTER COLUMN serial_number TYPE varchar(16);"
           "ALTER TABLE meter ADD CONSTRAINT meter_serial_unique UNIQUE (serial_number);"
           "ALTER TABLE meter ADD CONSTRAINT port_not_666 CHECK (port <> 666);"
           "ALTER TABLE meter ALTER COLUMN protocol SET NOT NULL;"
           "ALTER TABLE meter ALTER COLUMN device_id TYPE smallint");
}

// id -> expected reason (a substring of it); "null" for the row without an id.
const std::map<std::string, std::string>& bad_rows() {
  static const std::map<std::string, std::string> rows = {
      // the contract's kinds, caught before anything is written
      {"null", "id is null"},
      {"3001", "name is null or empty"},  // empty
      {"3002", "name is null or empty"},  // null
      {"3003", "type is null"},
      {"3004", "status is null"},
      {"3005", "port outside 0-65535"},  // -1
      {"3006", "port outside 0-65535"},  // 65536
      {"3007", "invalid input syntax for type json"},
      {"3008", "duplicate id"},
      // valid for the contract, rejected by the local table
      {"1", "violates foreign key constraint"},               // the first row
      {"2000", "value too long for type character varying(16)"},  // the last row
      {"500", "violates check constraint \"port_not_666\""},
      {"777", "null value in column \"protocol\""},
      {"1234", "smallint out of range"},
      {"1501", "duplicate key value violates unique constraint \"meter_serial_unique\""},
  };
  return rows;
}

void add_bad_rows(TestDatabases& db) {
  db.remote("ALTER TABLE meter ALTER COLUMN register_map TYPE text");
  db.remote("INSERT INTO meter (id, tenant_id, name, type, status, port, protocol, location_id, register_map) VALUES"
            " (NULL, 1, 'no id', 't', 's', 1, 'p', 1, NULL), (3001, 1, '', 't', 's', 1, 'p', 1, NULL),"
            " (3002, 1, NULL, 't', 's', 1, 'p', 1, NULL), (3003, 1, 'n', NULL, 's', 1, 'p', 1, NULL),"
            " (3004, 1, 'n', 't', NULL, 1, 'p', 1, NULL), (3005, 1, 'n', 't', 's', -1, 'p', 1, NULL),"
            " (3006, 1, 'n', 't', 's', 65536, 'p', 1, NULL), (3007, 1, 'n', 't', 's', 1, 'p', 1, '{not json'),"
            " (3008, 1, 'a', 't', 's', 1, 'p', 1, NULL), (3008, 1, 'b', 't', 's', 1, 'p', 1, NULL)");
  db.remote("UPDATE meter SET location_id = 999 WHERE id = 1;"
            "UPDATE meter SET serial_number = 'a serial far too long' WHERE id = 2000;"
            "UPDATE meter SET port = 666 WHERE id = 500;"
            "UPDATE meter SET protocol = NULL WHERE id = 777;"
            "UPDATE meter SET device_id = 40000 WHERE id = 1234;"
            "UPDATE meter SET serial_number = (SELECT serial_number FROM meter WHERE id = 1500) WHERE id = 1501");
}

// id -> reason, from a list of {id, reason} objects.
std::map<std::string, std::string> reasons_of(const nlohmann::json& list) {
  std::map<std::string, std::string> out;
  for (const auto& s : list) out[s["id"].dump()] += s["reason"].get<std::string>();
  return out;
}

void check_reasons(const std::map<std::string, std::string>& got) {
  CHECK(got.size() == bad_rows().size());
  for (const auto& [id, reason] : bad_rows()) {
    CAPTURE(id);
    REQUIRE(got.count(id) == 1);
    CHECK_MESSAGE(got.at(id).find(reason) != std::string::npos, got.at(id));
  }
}

}  // namespace

TEST_CASE("bad rows: every kind at once; the good rows applied, each bad id reported with its reason") {
  TestDatabases db;
  prepare(db);
  add_bad_rows(db);
  const int skipped = static_cast<int>(bad_rows().size()) + 1;  // 3008 is skipped twice
  const int good = 2000 - 6;

  SUBCASE("dry run reports the same, changes nothing") {
    const auto r = db.meter_sync({"run", "--dry-run", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 65);
    const auto j = parse_json(r.out);
    CHECK(j["result"]["skipped"] == skipped);
    CHECK(j["result"]["inserted"] == good);
    check_reasons(reasons_of(j["result"]["skipped_meters"]));
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
  SUBCASE("run") {
    const auto r = db.meter_sync({"run", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 65);
    const auto j = parse_json(r.out);
    CHECK(j["success"] == true);
    CHECK(j["result"]["inserted"] == good);
    CHECK(j["result"]["skipped"] == skipped);
    CHECK(db.local_count("SELECT count(*) FROM meter") == good);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE id IN (1, 500, 777, 1234, 1501, 2000)") == 0);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE id = 1500") == 1);
    const auto details = parse_json(db.local("SELECT details FROM meter_sync_log")[0][0].as<std::string>());
    check_reasons(reasons_of(details["skipped"]));
    for (const auto& [id, reason] : bad_rows())
      if (id != "null") CHECK_MESSAGE(r.err.find("meter " + id + " skipped: ") != std::string::npos, id);

    SUBCASE("fixed remotely: the next run applies them") {
      db.remote("DELETE FROM meter WHERE id IS NULL OR id > 3000;"
                "UPDATE meter SET location_id = 1 WHERE id = 1; UPDATE meter SET serial_number = 'SN-2000' WHERE id = 2000;"
                "UPDATE meter SET port = 502 WHERE id = 500; UPDATE meter SET protocol = 'modbus' WHERE id = 777;"
                "UPDATE meter SET device_id = 1234 WHERE id = 1234; UPDATE meter SET serial_number = 'SN-1501' WHERE id = 1501");
      const auto again = db.meter_sync({"run", "--json"});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(parse_json(again.out)["result"]["inserted"] == 6);
      CHECK(db.local_meters() == db.remote_meters(1));
    }
  }
}

// A skipped meter still exists remotely: its local row stays exactly as it was, active too.
TEST_CASE("bad rows: updates the local table rejects leave the meter's fields as they were") {
  TestDatabases db;
  prepare(db);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);
  auto fields = [&] {
    std::vector<std::string> out;
    for (const auto& row : db.local("SELECT concat_ws('|', id, name, serial_number, location_id, port, protocol,"
                                    " device_id, register_map, updated_at) FROM meter ORDER BY id"))
      out.push_back(row[0].as<std::string>());
    return out;
  };
  const auto before = fields();
  add_bad_rows(db);
  const auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 65);
  const auto j = parse_json(r.out);
  CHECK(j["result"]["inserted"] == 0);
  CHECK(j["result"]["updated"] == 0);
  CHECK(j["result"]["skipped"] == static_cast<int>(bad_rows().size()) + 1);
  CHECK(j["result"]["deleted"] == 0);
  check_reasons(reasons_of(parse_json(db.local("SELECT details FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0]
                                          .as<std::string>())["skipped"]));
  CHECK(fields() == before);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE active IS NOT TRUE") == 0);
}

TEST_CASE("bad rows: 300 local rejects scattered among 5000 meters are isolated in reasonable time") {
  TestDatabases db;
  prepare(db);
  add_remote_meters(db, 1, 2001, 5000);
  db.remote("UPDATE meter SET location_id = 500 WHERE tenant_id = 1 AND id % 17 = 3");  // not a location
  const auto bad = db.remote("SELECT count(*) FROM meter WHERE tenant_id = 1 AND id % 17 = 3")[0][0].as<int>();
  REQUIRE(bad > 250);
  const auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 65);
  const auto j = parse_json(r.out);
  CHECK(j["result"]["skipped"] == bad);
  CHECK(j["result"]["inserted"] == 5000 - bad);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE location_id = 500") == 0);
  CHECK(r.seconds < 60);
  std::cout << bad << " rejected rows among 5000 isolated in " << r.seconds << " s\n";
}

// The run sets SET CONSTRAINTS ALL IMMEDIATE, so a deferred key fails in the batch that
// broke it, where the savepoint splitting can isolate the row.
TEST_CASE("bad rows: a deferred foreign key is checked per row too, not at commit") {
  TestDatabases db;
  db.local("CREATE TABLE location (id integer PRIMARY KEY); INSERT INTO location VALUES (7);"
           "ALTER TABLE meter ADD FOREIGN KEY (location_id) REFERENCES location (id)"
           " DEFERRABLE INITIALLY DEFERRED");
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);  // location 7
  db.remote("UPDATE meter SET location_id = 8 WHERE id = 13");
  const auto r = db.meter_sync({"run", "--json"});
  INFO(r.err);
  CHECK(r.exit_code == 65);
  CHECK(db.local_count("SELECT count(*) FROM meter") == 19);
  CHECK(r.err.find("meter 13 skipped: rejected by the local table") != std::string::npos);
}
