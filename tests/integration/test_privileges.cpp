// Issue 9: least-privilege roles. The local role has no CREATE on schema public (PostgreSQL
// 15's default for a role that does not own it); the remote role has SELECT on meter only.
#include <doctest/doctest.h>

#include "support/compare.hpp"
#include "support/roles.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

using Counts = std::vector<std::int64_t>;

void grant_local(TestDatabases& db, const std::string& role, bool tool_tables) {
  db.local("GRANT SELECT ON tenant TO " + role + "; GRANT SELECT, INSERT, UPDATE ON meter TO " + role);
  if (tool_tables)
    db.local("GRANT SELECT, INSERT, UPDATE, DELETE ON meter_sync_log, meter_sync_state TO " + role +
             "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
  REQUIRE(db.local("SELECT has_schema_privilege('" + role + "', 'public', 'CREATE')")[0][0].as<bool>() == false);
}

nlohmann::json run_as(const std::string& local, const std::string& remote, const std::vector<std::string>& extra,
                      int expected_exit) {
  std::vector<std::string> args = {"run", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = meter_sync_with(local, remote, args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return parse_json(r.out);
}

}  // namespace

TEST_CASE("privileges: a local role without CREATE works once the tool's tables exist and are granted") {
  TestRole local_role("sync_writer"), remote_role("client_reader");
  TestDatabases db;
  db.remote("GRANT SELECT ON meter TO " + remote_role.name());
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"run"}).exit_code == 0);  // as the superuser: creates meter_sync_log and _state
  grant_local(db, local_role.name(), true);
  const std::string local = local_role.conninfo(db.local_conninfo());
  const std::string remote = remote_role.conninfo(db.remote_conninfo());

  CHECK(counts(run_as(local, remote, {}, 0)) == Counts{0, 0, 0, 0});
  db.remote("UPDATE meter SET name = 'renamed' WHERE id = 1; DELETE FROM meter WHERE id = 2");
  db.add_remote_meter(6, 1);
  CHECK(counts(run_as(local, remote, {"--dry-run"}, 0)) == Counts{1, 1, 1, 0});
  CHECK(counts(run_as(local, remote, {}, 0)) == Counts{1, 1, 1, 0});
  CHECK(differences_from_remote(db, 1).empty());
  const auto before = local_rows_with_versions(db);
  CHECK(counts(run_as(local, remote, {}, 0)) == Counts{0, 0, 0, 0});
  CHECK(counts(run_as(local, remote, {"--full-fetch"}, 0)) == Counts{0, 0, 0, 0});
  CHECK(local_rows_with_versions(db) == before);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE success") == 5);
  const auto status = meter_sync_with(local, remote, {"status", "--json"});
  CHECK(status.exit_code == 0);
  CHECK(parse_json(status.out)["last_sync_success"] == true);
}

TEST_CASE("privileges: without CREATE and without the tool's tables -> 78 naming the schema and CREATE") {
  TestRole local_role("sync_writer");
  TestDatabases db;
  db.add_remote_meter(1, 1);
  grant_local(db, local_role.name(), false);
  auto r = meter_sync_with(local_role.conninfo(db.local_conninfo()), db.remote_conninfo(), {"run"});
  INFO(r.err);
  CHECK(r.exit_code == 78);
  CHECK(r.err.find("public") != std::string::npos);
  CHECK(r.err.find("CREATE") != std::string::npos);
  CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  CHECK(db.local_count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'meter_sync%'") == 0);
}

TEST_CASE("privileges: a remote role without SELECT on meter -> 78 naming meter and SELECT") {
  TestRole remote_role("client_reader");
  TestDatabases db;
  db.add_remote_meter(1, 1);
  for (const std::string mode : {"--dry-run", "--json"}) {
    CAPTURE(mode);
    auto r = meter_sync_with(db.local_conninfo(), remote_role.conninfo(db.remote_conninfo()), {"run", mode});
    INFO(r.err);
    CHECK(r.exit_code == 78);
    CHECK(r.err.find("meter") != std::string::npos);
    CHECK(r.err.find("SELECT") != std::string::npos);
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE NOT success AND error LIKE '%SELECT%'") == 1);
}
