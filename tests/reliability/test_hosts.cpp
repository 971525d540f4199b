// Hosts on a network (issue 14): two hosts on one lock, a host cut off mid-run, a remote that
// goes silent mid-fetch. Each host is a network namespace; a cut is its link set down (no FIN,
// no RST), so only TCP keepalives and tcp_user_timeout can notice.
#include <doctest/doctest.h>

#include <iostream>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "reliability/flip_fixture.hpp"
#include "reliability/host_runs.hpp"

using namespace reliability;
using testing_support::parse_json;
using testing_support::run_process;

namespace {

bool ready(std::future<ProcessResult>& f) { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

}  // namespace

TEST_CASE("hosts: two hosts started together 20 times: one applies, the other exits 75, one log row each") {
  SKIP_WITHOUT_NETNS();
  Network net;
  const auto& a = net.connect("a");
  const auto& b = net.connect("b");
  UseServer use(shared_server());
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  std::map<std::string, int> wins;
  const int rounds = env_count("METER_SYNC_HOST_ROUNDS", 20);
  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    db.remote("UPDATE meter SET name = 'round " + std::to_string(round) + "' WHERE id = 1");
    // The winner waits on meter 1 in its UPDATE until both runs have been seen, so the two
    // always overlap: the loser can never start after the winner finished.
    pqxx::connection holder(db.local_conninfo());
    pqxx::work hold(holder);
    hold.exec("SELECT 1 FROM meter WHERE id = 1 FOR UPDATE");
    std::vector<std::future<ProcessResult>> runs;
    runs.push_back(in_background(run_on_host(net, a, a, db, {"run", "--json", "--lock-timeout", "60"})));
    runs.push_back(in_background(run_on_host(net, b, b, db, {"run", "--json", "--lock-timeout", "60"})));
    if (!wait_until([&] { return (ready(runs[0]) || ready(runs[1])) && meter_sync_backends(db, true) == 1; }, 30)) {
      for (auto& run : runs)
        if (ready(run)) {
          const auto r = run.get();
          FAIL_CHECK("a run ended with " << r.exit_code << ": " << r.err << r.out);
        }
      FAIL("the two runs did not reach the expected state (one waiting on meter 1, one exited)");
    }
    const auto winner = db.local("SELECT host(client_addr) FROM pg_stat_activity WHERE application_name = 'meter-sync'"
                                 " AND wait_event_type = 'Lock'");
    REQUIRE(winner.size() == 1);
    const std::string winner_addr = winner[0][0].as<std::string>();
    CHECK((winner_addr == a.host_addr || winner_addr == b.host_addr));  // really from another host
    hold.commit();
    int applied = 0, busy = 0;
    for (size_t i = 0; i < runs.size(); ++i) {
      const auto r = runs[i].get();
      INFO("host " << (i ? "b" : "a") << " stderr: " << r.err);
      if (r.exit_code == 0) {
        ++applied;
        ++wins[i ? "b" : "a"];
        CHECK(winner_addr == (i ? b : a).host_addr);
        CHECK(parse_json(r.out)["result"]["updated"] == 1);
      } else {
        ++busy;
        CHECK(r.exit_code == 75);
        CHECK(parse_json(r.out)["message"].get<std::string>().find("another meter sync is in progress") !=
              std::string::npos);
      }
    }
    CHECK(applied == 1);
    CHECK(busy == 1);
    CHECK(db.local_count("SELECT count(*) FROM meter_sync_log") == round + 2);  // the first run's + one per round
  }
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'succeeded'") == rounds + 1);
  CHECK(db.local_meters() == db.remote_meters(1));
  std::cout << "two hosts, " << rounds << " rounds started together: host a applied " << wins["a"] << ", host b "
            << wins["b"] << "; the other exited 75 every time\n";
}

TEST_CASE("hosts: a host cut off mid-run frees the lock and exits 69 within 60 s (default dead-peer bounds)") {
  SKIP_WITHOUT_NETNS();
  Network net;
  const auto& a = net.connect("a");
  const auto& b = net.connect("b");
  UseServer use(shared_server());
  TestDatabases db;
  for (int id = 1; id <= 20; ++id) db.add_remote_meter(id, 1);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  // the work of the run that gets cut off: deactivate 20 (done first), update 1, insert 21-25
  db.remote("DELETE FROM meter WHERE id = 20; UPDATE meter SET name = 'renamed' WHERE id = 1");
  for (int id = 21; id <= 25; ++id) db.add_remote_meter(id, 1);
  const std::string before = local_checksum(db);

  pqxx::connection holder(db.local_conninfo());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM meter WHERE id = 1 FOR UPDATE");
  const auto started = std::chrono::steady_clock::now();
  auto cut_run = in_background(run_on_host(net, a, a, db, {"run", "--json", "--lock-timeout", "300"}));
  REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
  // it holds the lock, its log row says running, and it has written (a transaction id: meter 20)
  REQUIRE(lock_holders(db) == 1);
  const auto running = db.local("SELECT id FROM meter_sync_log WHERE status = 'running'");
  REQUIRE(running.size() == 1);
  const std::string row_id = running[0][0].as<std::string>();
  REQUIRE(db.local_count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'meter-sync'"
                         " AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL") == 1);

  net.set_up(a, false);  // the cable is pulled: no FIN, no RST
  const auto cut = std::chrono::steady_clock::now();
  hold.commit();         // its statement goes on and answers into the void
  const bool freed = wait_until([&] { return lock_holders(db) == 0; }, 150);
  const double lock_s = seconds_since(cut);
  CHECK(freed);
  CHECK(lock_s < 60);
  CHECK(local_checksum(db) == before);  // nothing of the cut-off run is visible

  const auto next = run_process(net.in_host("b", meter_sync_argv(via(db.local_conninfo(), b),
                                                                   via(db.remote_conninfo(), b), {"run", "--json"})));
  INFO("host b: " << next.err);
  CHECK(next.exit_code == 0);
  CHECK(parse_json(next.out)["result"]["inserted"] == 5);
  CHECK(parse_json(next.out)["result"]["updated"] == 1);
  CHECK(parse_json(next.out)["result"]["deleted"] == 1);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE active") == 24);
  CHECK(db.local("SELECT status FROM meter_sync_log WHERE id = " + row_id)[0][0].as<std::string>() == "aborted");

  REQUIRE(cut_run.wait_for(std::chrono::seconds(150)) == std::future_status::ready);
  const auto r = cut_run.get();
  const double exit_s = r.seconds - std::chrono::duration<double>(cut - started).count();  // from the cut
  INFO("cut-off host: " << r.err);
  CHECK(r.exit_code == 69);
  CHECK(exit_s < 60);
  CHECK(parse_json(r.out)["success"] == false);
  std::cout << "host cut off mid-run (default bounds): lock free after " << lock_s
            << " s; the cut-off process exited 69 after " << exit_s << " s\n";
  net.set_up(a, true);
}

namespace {

// The remote's meter-sync backend is running its COPY (state active, query COPY ...).
bool remote_copy_running(TestDatabases& db) {
  return db.remote("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'meter-sync'"
                   " AND state = 'active' AND query LIKE 'COPY%'")[0][0].as<int>() > 0;
}

}  // namespace

TEST_CASE("hosts: the remote goes silent mid-fetch: exit 69 within the dead-peer bound, local unchanged, logged") {
  SKIP_WITHOUT_NETNS();
  Network net;
  const auto& to_local = net.connect("h");   // the Sync database, on the LAN
  const auto& to_remote = net.connect("h");  // the Client System, across the internet
  UseServer use(shared_server());
  TestDatabases db;
  add_remote_meters(db, 1, 1, 20000);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  const std::string before = local_checksum(db);
  std::vector<std::string> args = {"run", "--json"};
  std::function<void()> go_silent;  // called once the run is in its fetch
  std::future<ProcessResult> run;
  auto still_running = [&] {
    if (!ready(run)) return true;
    const auto r = run.get();
    FAIL("the run ended before the cut: exit " << r.exit_code << ": " << r.err);
    return false;
  };
  std::optional<pqxx::connection> holder;
  std::optional<pqxx::work> hold;
  std::string what, remote_role;

  SUBCASE("full fetch, rows flowing (a remote role whose rows come slowly: 0.05 s per 500)") {
    what = "mid-COPY";
    // Row-level security with a slow policy for a plain reader role: the rows stream out
    // over about 2 s, so the link can go silent with part of them through.
    db.remote("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'slow_reader') THEN"
              " CREATE ROLE slow_reader LOGIN; END IF; END $$");
    db.remote("CREATE FUNCTION slow_row(id int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS"
              " $$ BEGIN IF id % 500 = 0 THEN PERFORM pg_sleep(0.05); END IF; RETURN true; END $$");
    db.remote("GRANT SELECT ON meter TO slow_reader; ALTER TABLE meter ENABLE ROW LEVEL SECURITY;"
              " CREATE POLICY slow ON meter FOR SELECT TO slow_reader USING (slow_row(id))");
    db.remote("UPDATE meter SET notes = 'changed', updated_at = now()");
    args = {"run", "--full-fetch", "--json"};
    remote_role = " user=slow_reader";
    go_silent = [&] {
      REQUIRE(wait_until([&] { return remote_copy_running(db) || !still_running(); }, 30));
      std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a third of the rows are through
      REQUIRE(still_running());
      REQUIRE(remote_copy_running(db));
      net.set_up(to_remote, false);
    };
  }
  SUBCASE("incremental fetch by keys") {
    what = "fetch by keys";
    db.remote("UPDATE meter SET notes = 'changed', updated_at = now() WHERE id % 100 = 0");
    // The local side holds the run between the version fetch and the fetch by keys (it reads
    // meter_sync_state to choose the keys); the link goes silent there.
    holder.emplace(db.local_conninfo());
    hold.emplace(*holder);
    hold->exec("LOCK TABLE meter_sync_state IN ACCESS EXCLUSIVE MODE");
    args = {"--log-level", "debug", "run", "--json"};
    go_silent = [&] {
      REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
      // the versions are fetched (the remote session's last statement), the rows not yet
      CHECK(db.remote("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'meter-sync'"
                      " AND state = 'idle in transaction' AND query LIKE 'COPY%xmin%'")[0][0].as<int>() == 1);
      net.set_up(to_remote, false);
      hold->commit();
    };
  }
  const auto started = std::chrono::steady_clock::now();
  run = in_background(run_on_host(net, to_local, to_remote, db, args, short_dead_peer + remote_role));
  go_silent();
  const double cut_at = seconds_since(started);
  const auto r = run.get();
  const double exit_s = r.seconds - cut_at;
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 69);
  CHECK(exit_s < 60);
  CHECK(exit_s < 20);  // bound of this test: 4 s of silence (short_dead_peer), then logging the failure
  const std::string remote_label = "remote database " + to_remote.root_addr;
  CHECK(r.err.find(remote_label) != std::string::npos);
  CHECK(parse_json(r.out)["result"]["error"].get<std::string>().find(remote_label) != std::string::npos);
  CHECK(r.err.find(": connection lost") != std::string::npos);  // and why, in libpq's words
  CHECK(local_checksum(db) == before);
  const LogRow row = last_log_row(db);
  CHECK(row.status == "failed");
  CHECK(row.error.find(remote_label) != std::string::npos);
  std::cout << "remote silent " << what << " (bounds 2 s + 2 x 1 s, tcp_user_timeout 4 s): exit 69 after " << exit_s
            << " s\n";

  net.set_up(to_remote, true);  // the link is back: the next run converges
  const auto next = run_process(net.in_host("h", meter_sync_argv(via(db.local_conninfo(), to_local),
                                                                   via(db.remote_conninfo(), to_remote), {"run"})));
  CHECK(next.exit_code == 0);
  CHECK(local_checksum(db) == expected_checksum(db, 1, 1));
}
