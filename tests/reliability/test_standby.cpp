// The remote is a hot standby (issue 14): pg_basebackup -R from the remote server, started as
// a standby. Runs work (read-only snapshot, no write on the remote), the incremental fetch
// stays correct (a physical standby has the same row versions), a lagging standby shows in
// debug output, and after promoting it (a failover) the next run is still correct.
#include <doctest/doctest.h>

#include <iostream>

#include "reliability/host_runs.hpp"

using namespace reliability;
using testing_support::run_process;

namespace {

// The tenant's meters as TestDatabases::local_meters() prints the local ones.
std::vector<std::string> meters_on(pqxx::connection& conn) {
  std::string sql = "SELECT concat_ws('|'";
  for (const auto& c : testing_support::meter_columns())
    sql += ", coalesce(" + c + (c == "register_map" ? "::jsonb" : "") + "::text, 'NULL')";
  std::vector<std::string> out;
  for (const auto& row : pqxx::nontransaction(conn).exec(sql + ") FROM meter WHERE tenant_id = 1 ORDER BY id"))
    out.push_back(row[0].as<std::string>());
  return out;
}

bool caught_up(TestDatabases& db, pqxx::connection& standby) {
  const auto primary_lsn = db.remote("SELECT pg_current_wal_insert_lsn()::text")[0][0].as<std::string>();
  return pqxx::nontransaction(standby)
      .exec("SELECT pg_last_wal_replay_lsn() >= '" + primary_lsn + "'::pg_lsn")[0][0]
      .as<bool>();
}

}  // namespace

TEST_CASE("standby: a hot standby as the remote: runs, incremental runs and a run after promotion are correct") {
  PgServer& primary = shared_server();
  UseServer use(primary);
  TestDatabases db;
  add_remote_meters(db, 1, 1, 3000);
  PgServer standby = PgServer::standby_of(primary);
  const std::string remote = with_port(db.remote_conninfo(), standby.port());
  pqxx::connection standby_conn(remote);
  REQUIRE(pqxx::nontransaction(standby_conn).exec("SELECT pg_is_in_recovery()")[0][0].as<bool>());
  auto run = [&](const std::vector<std::string>& args) {
    return run_process(meter_sync_argv(db.local_conninfo(), remote, args));
  };

  // first run: everything, from the standby (it could not write there if it tried)
  REQUIRE(wait_until([&] { return caught_up(db, standby_conn); }, 30));
  auto r = run({"--log-level", "debug", "run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("is a hot standby") != std::string::npos);
  CHECK(db.local_meters() == meters_on(standby_conn));

  // changes on the primary reach the standby; the next run fetches only them
  db.remote("UPDATE meter SET notes = 'replicated', updated_at = now() WHERE id % 100 = 0");
  for (int id = 3001; id <= 3010; ++id) db.add_remote_meter(id, 1);
  REQUIRE(wait_until([&] { return caught_up(db, standby_conn); }, 30));
  r = run({"--log-level", "debug", "run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("incremental") != std::string::npos);
  CHECK(db.local_meters() == db.remote_meters(1));

  // a standby whose replay is paused lags: the run shows it and copies the standby's state
  pqxx::nontransaction(standby_conn).exec("SELECT pg_wal_replay_pause()");
  db.remote("UPDATE meter SET notes = 'not yet on the standby', updated_at = now() WHERE id = 1");
  r = run({"--log-level", "debug", "run"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("replay paused") != std::string::npos);
  CHECK(db.local_meters() == meters_on(standby_conn));
  CHECK(db.local_meters() != db.remote_meters(1));
  pqxx::nontransaction(standby_conn).exec("SELECT pg_wal_replay_resume()");
  REQUIRE(wait_until([&] { return caught_up(db, standby_conn); }, 30));

  // failover: the standby is promoted and written to; the next run follows it
  standby.promote();
  pqxx::nontransaction(standby_conn)
      .exec("UPDATE meter SET name = 'after failover', updated_at = now() WHERE id % 250 = 0");
  r = run({"--log-level", "debug", "run"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("is a hot standby") == std::string::npos);
  CHECK(db.local_meters() == meters_on(standby_conn));
  r = run({"run", "--full-fetch", "--json"});  // a full comparison finds nothing the incremental runs missed
  CHECK(r.exit_code == 0);
  CHECK(testing_support::parse_json(r.out)["result"]["updated"] == 0);
  CHECK(db.local_meters() == meters_on(standby_conn));
}
