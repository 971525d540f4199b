// Reruns fetch only the rows whose remote or local version changed (meter_sync_state);
// the result must be the same as a full comparison.
#include <doctest/doctest.h>

#include "support/test_db.hpp"

using namespace testing_support;

namespace {

struct RunFacts {
  nlohmann::json result;
  std::string fetch;
  std::int64_t fetched_rows = 0;
};

RunFacts sync(TestDatabases& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = db.meter_sync(args);
  INFO(r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 65));
  const auto details = parse_json(
      db.local("SELECT details FROM meter_sync_log ORDER BY id DESC LIMIT 1")[0][0].as<std::string>());
  return {parse_json(r.out)["result"], details["fetch"], details["fetched_rows"]};
}

}  // namespace

TEST_CASE("incremental: a rerun fetches only changed, new and locally touched rows") {
  TestDatabases db;
  for (int id = 1; id <= 40; ++id) db.add_remote_meter(id, 1);
  auto first = sync(db);
  CHECK(first.fetch == "initial");
  CHECK(first.fetched_rows == 40);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_state") == 40);

  auto rerun = sync(db);
  CHECK(rerun.fetch == "incremental");
  CHECK(rerun.fetched_rows == 0);
  CHECK(rerun.result["updated"] == 0);

  SUBCASE("remote edit, insert and delete") {
    db.remote("UPDATE meter SET notes = 'changed' WHERE id = 2; DELETE FROM meter WHERE id = 3");
    db.add_remote_meter(41, 1);
    auto r = sync(db);
    CHECK(r.fetch == "incremental");
    CHECK(r.fetched_rows == 2);
    CHECK(r.result["inserted"] == 1);
    CHECK(r.result["updated"] == 1);
    CHECK(r.result["deleted"] == 1);
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_state WHERE id = 3") == 0);
  }
  SUBCASE("a remote no-op update is fetched, compared and not counted") {
    db.remote("UPDATE meter SET name = name WHERE id IN (5, 6)");
    auto r = sync(db);
    CHECK(r.fetched_rows == 2);
    CHECK(r.result["updated"] == 0);
    CHECK(sync(db).fetched_rows == 0);
  }
  SUBCASE("a local edit or delete by someone else is repaired") {
    db.local("UPDATE meter SET name = 'edited locally' WHERE id = 7; DELETE FROM meter WHERE id = 8");
    auto r = sync(db);
    CHECK(r.fetched_rows == 2);
    CHECK(r.result["updated"] == 1);
    CHECK(r.result["inserted"] == 1);
  }
  SUBCASE("a reappearing meter is fetched again and reactivated") {
    db.remote("DELETE FROM meter WHERE id = 9");
    CHECK(sync(db).result["deleted"] == 1);
    db.add_remote_meter(9, 1);
    auto r = sync(db);
    CHECK(r.result["updated"] == 1);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE id = 9 AND active") == 1);
  }
  SUBCASE("a row turned invalid is skipped, its local row left alone, on every run until fixed") {
    const auto before = db.local("SELECT m::text, xmin::text FROM meter m WHERE id = 10")[0];
    db.remote("UPDATE meter SET port = 70000, name = 'renamed' WHERE id = 10");
    auto r = sync(db);
    CHECK(r.result["skipped"] == 1);
    CHECK(r.result["deleted"] == 0);
    r = sync(db);
    CHECK(r.result["skipped"] == 1);
    CHECK(r.result["deleted"] == 0);
    const auto after = db.local("SELECT m::text, xmin::text FROM meter m WHERE id = 10")[0];
    CHECK(after[0].as<std::string>() == before[0].as<std::string>());
    CHECK(after[1].as<std::string>() == before[1].as<std::string>());
    db.remote("UPDATE meter SET port = 503 WHERE id = 10");
    CHECK(sync(db).result["updated"] == 1);
    CHECK(db.local_count("SELECT count(*) FROM meter WHERE id = 10 AND active AND port = 503 AND name = 'renamed'") == 1);
  }
  SUBCASE("--full-fetch compares everything and agrees") {
    db.remote("UPDATE meter SET status = 'offline' WHERE id = 11");
    auto r = sync(db, {"--full-fetch"});
    CHECK(r.fetch == "full");
    CHECK(r.fetched_rows == 40);
    CHECK(r.result["updated"] == 1);
  }
  SUBCASE("most rows changed: falls back to a full fetch") {
    db.remote("UPDATE meter SET notes = 'bulk' WHERE id <= 30");
    auto r = sync(db);
    CHECK(r.fetch == "full");
    CHECK(r.result["updated"] == 30);
  }
  SUBCASE("state recorded under another signature (columns, types, rules, tenant, remote) is discarded") {
    db.local("UPDATE meter_sync_log SET details = details || '{\"state_signature\": \"v0\"}'");
    CHECK(sync(db).fetch == "full");
    CHECK(sync(db).fetch == "incremental");
  }
  CHECK(db.local_meters().size() >= 40);
  CHECK(sync(db, {"--full-fetch"}).result["updated"] == 0);  // nothing was missed
}

TEST_CASE("initial load: straight into the empty table, rule breakers skipped, rejects fall back") {
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  db.add_remote_meter(21, 2);
  db.remote("UPDATE meter SET port = 70000 WHERE id = 4; UPDATE meter SET name = '' WHERE id = 5");
  SUBCASE("rule breakers") {
    auto r = sync(db);
    CHECK(r.fetch == "initial");
    CHECK(r.result["inserted"] == 18);
    CHECK(r.result["skipped"] == 2);
    const auto details = parse_json(db.local("SELECT details FROM meter_sync_log")[0][0].as<std::string>());
    CHECK(details["skipped"][0] == nlohmann::json{{"id", 4}, {"reason", "port outside 0-65535"}});
    CHECK(details["skipped"][1] == nlohmann::json{{"id", 5}, {"reason", "name is null or empty"}});
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_state") == 18);
    auto again = sync(db);
    CHECK(again.fetch == "incremental");
    CHECK(again.result["skipped"] == 2);
    CHECK(again.result["inserted"] == 0);
  }
  SUBCASE("a value the local table rejects: the staged path isolates it") {
    db.local("ALTER TABLE meter ADD CHECK (device_id <> 13)");
    auto r = sync(db);
    CHECK(r.fetch == "full");
    CHECK(r.result["inserted"] == 17);
    CHECK(r.result["skipped"] == 3);
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE details::text LIKE '%check constraint%'") == 1);
  }
  SUBCASE("the remote without a unique key: the local primary key catches a duplicate, then staged") {
    db.remote("ALTER TABLE meter DROP CONSTRAINT meter_pkey");
    CHECK(sync(db).fetch == "initial");  // a view's case: no remote index, but no duplicate either
    db.local("TRUNCATE meter");
    db.remote("INSERT INTO meter SELECT * FROM meter WHERE id = 7");
    const auto r = sync(db);
    CHECK(r.fetch == "full");
    CHECK(r.result["inserted"] == 17);
    CHECK(r.result["skipped"] == 4);  // the two rule breakers and both rows of id 7
  }
  SUBCASE("no unique key on either side: duplicates could slip in, so staged") {
    db.remote("ALTER TABLE meter DROP CONSTRAINT meter_pkey");
    db.local("ALTER TABLE meter DROP CONSTRAINT meter_pkey");
    CHECK(sync(db).fetch == "full");
  }
  SUBCASE("--dry-run never takes the initial path and changes nothing") {
    const auto r = db.meter_sync({"run", "--dry-run", "--json"});
    CHECK(parse_json(r.out)["result"]["inserted"] == 18);
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
}

TEST_CASE("incremental: many changed rows are fetched in several chunks of keys") {
  TestDatabases db;
  db.remote("INSERT INTO meter (id, tenant_id, name, type, status, port, register_map, active)"
            " SELECT g, 1, 'm' || g, 't', 's', 1, '{\"a\": 1}', true FROM generate_series(1, 44000) g");
  REQUIRE(sync(db).result["inserted"] == 44000);
  db.remote("UPDATE meter SET name = name || '!' WHERE id % 4 = 0 AND id <= 42000");  // 10500: two chunks
  db.remote("INSERT INTO meter (id, tenant_id, name, type, status) VALUES (50000, 1, 'new', 't', 's')");
  const auto r = sync(db);
  CHECK(r.fetch == "incremental");
  CHECK(r.fetched_rows == 10501);
  CHECK(r.result["updated"] == 10500);
  CHECK(r.result["inserted"] == 1);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE name LIKE '%!'") == 10500);
}
