// kill -9 and SIGTERM/SIGINT at random moments of a 50k-meter sync: the local table is always
// entirely the old state or entirely the new one, the log agrees, the next run converges.
#include <doctest/doctest.h>

#include <csignal>
#include <iostream>
#include <map>
#include <thread>

#include "reliability/flip_fixture.hpp"

using namespace reliability;

namespace {

// How far a killed run got, judged afterwards from its log row.
std::string phase_of(const LogRow& row, std::int64_t rows_before, std::int64_t rows_now) {
  if (rows_now == rows_before) return "before its log row";
  if (row.status == "running") return "mid-run (row left running)";
  return "after " + row.status;
}

std::int64_t log_rows(TestDatabases& db) {
  return last_log_row(db).status == "none" ? 0 : db.local_count("SELECT count(*) FROM meter_sync_log");
}

void sleep_seconds(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

}  // namespace

TEST_CASE("crash: kill -9 at random moments leaves the old or the new state, never a mix") {
  FlipFixture& f = shared_flip_fixture();
  const int trials = env_count("METER_SYNC_CRASH_TRIALS", 40);
  // one trial in five in the first 80 ms (connect, lock, log row), the rest over the whole run
  // (a run gets slower as killed runs leave dead rows behind: the span follows the slowest seen)
  std::uniform_real_distribution<double> early(0, 0.08), unit(0, 1.3);
  double run_span = f.run_seconds;
  std::bernoulli_distribution pick_early(0.2);
  std::map<std::string, int> phases;
  int old_states = 0, new_states = 0;
  double worst_linger = 0;  // a dead client's backend finishes its statement before it notices
  int converged = 0;

  for (int trial = 0; trial < trials; ++trial) {
    const int target = f.target();
    const double delay = pick_early(trial_random()) ? early(trial_random()) : unit(trial_random()) * run_span;
    CAPTURE(trial);
    CAPTURE(delay);
    const auto rows_before = log_rows(f.db);
    Child run = start_meter_sync(f.db, f.run_args(target));
    sleep_seconds(delay);
    run.signal(SIGKILL);
    const auto killed = run.wait();
    CHECK((killed.exit_code == 128 + SIGKILL || killed.exit_code == 0));
    const auto dead = std::chrono::steady_clock::now();
    REQUIRE(wait_for_no_backends(f.db));  // PostgreSQL rolls the dead client's work back
    worst_linger = std::max(worst_linger, seconds_since(dead));

    const int state = f.state_now();
    REQUIRE_MESSAGE(state != 0, "local table is neither the old nor the new state");
    const LogRow row = last_log_row(f.db);
    ++phases[phase_of(row, rows_before, log_rows(f.db))];
    const bool logged = log_rows(f.db) > rows_before;  // the killed run wrote its row
    if (state == target) {
      ++new_states;
      CHECK(logged);
      CHECK(row.status == "succeeded");  // only a committed run changes the table
    } else {
      ++old_states;
      CHECK(killed.exit_code != 0);
      if (logged) CHECK(row.status == "running");
    }
    if (row.status == "running") {  // the dead run is reported as aborted until the next run
      const auto status = testing_support::parse_json(f.db.meter_sync({"status", "--json"}).out);
      CHECK(status["last_sync_success"] == false);
      CHECK(status["is_syncing"] == false);
      CHECK(status["last_sync_error"].get<std::string>().rfind("aborted", 0) == 0);
    }
    // The next run converges. To save time it runs to completion after every third trial and
    // the last; in between, the next trial's run (killed in turn) starts from the same state.
    if (state != target && (trial % 3 == 2 || trial == trials - 1)) {
      const auto next = f.db.meter_sync(f.run_args(target));
      INFO(next.err);
      REQUIRE(next.exit_code == 0);
      run_span = std::max(run_span, next.seconds);
      REQUIRE(f.state_now() == target);
      CHECK(f.db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
      ++converged;
      f.mirrored = target;
    } else {
      f.mirrored = state;
    }
  }
  CHECK(f.db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'aborted'") ==
        phases["mid-run (row left running)"]);
  std::cout << "crash trials: " << trials << " kill -9, states checked " << trials << " (old "
            << old_states << ", new " << new_states << "), " << converged << " converging runs checked\n";
  for (const auto& [phase, n] : phases) std::cout << "  killed " << phase << ": " << n << "\n";
  std::cout << "  longest a killed run's backend lived on: " << worst_linger << " s; slowest complete run "
            << run_span << " s\n";
}

TEST_CASE("crash: SIGTERM and SIGINT at random moments roll back, log the interruption, exit 143/130") {
  FlipFixture& f = shared_flip_fixture();
  REQUIRE(f.state_now() == f.mirrored);
  const int trials = env_count("METER_SYNC_SIGNAL_TRIALS", 16);
  std::uniform_real_distribution<double> moment(0, 1.1 * f.run_seconds);
  double worst_exit = 0;
  int rolled_back = 0, committed = 0;

  for (int trial = 0; trial < trials; ++trial) {
    const int sig = trial % 2 ? SIGINT : SIGTERM;
    const std::string name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    const int target = f.target();
    const double delay = moment(trial_random());
    CAPTURE(trial);
    CAPTURE(name);
    CAPTURE(delay);
    const auto rows_before = log_rows(f.db);
    Child run = start_meter_sync(f.db, f.run_args(target));
    sleep_seconds(delay);
    const auto signalled = std::chrono::steady_clock::now();
    run.signal(sig);
    const auto r = run.wait();
    worst_exit = std::max(worst_exit, seconds_since(signalled));
    INFO("stderr: " << r.err);
    CHECK(seconds_since(signalled) < 5);
    CHECK((r.exit_code == 128 + sig || r.exit_code == 0));
    CHECK(f.db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
    REQUIRE(wait_for_no_backends(f.db));

    const int state = f.state_now();
    REQUIRE_MESSAGE(state != 0, "local table is neither the old nor the new state");
    const LogRow row = last_log_row(f.db);
    if (state == target) {  // finished before the signal could stop it
      ++committed;
      CHECK(row.status == "succeeded");
      f.mirrored = target;
    } else {
      ++rolled_back;
      CHECK(r.exit_code == 128 + sig);
      if (log_rows(f.db) > rows_before) {  // the run had started its log row
        CHECK(row.status == "failed");
        CHECK(row.error == "interrupted by " + name + "; all changes rolled back");
        if (r.exit_code == 128 + sig) CHECK(error_lines(r.err) == 1);
      }
    }
  }
  std::cout << "signal trials: " << trials << " (" << rolled_back << " rolled back, " << committed
            << " finished first), worst time from signal to exit " << worst_exit << " s\n";
}

namespace {

// Starts `args`, kills the process after `delay` seconds, waits until its backends are gone.
ProcessResult kill_run_after(TestDatabases& db, const std::vector<std::string>& args, double delay) {
  Child run = start_meter_sync(db, args);
  sleep_seconds(delay);
  run.signal(SIGKILL);
  auto r = run.wait();
  REQUIRE(wait_for_no_backends(db));
  return r;
}

}  // namespace

TEST_CASE("crash: kill -9 during a first load into an empty table leaves it empty or complete") {
  TestDatabases db;
  add_remote_meters(db, 1, 1, 50000);
  const std::string full = expected_checksum(db, 1, 1);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  db.local("TRUNCATE meter");
  const auto reload = db.meter_sync({"--quiet", "run"});  // what each trial's run has to do
  REQUIRE(reload.exit_code == 0);
  REQUIRE(local_checksum(db) == full);
  std::uniform_real_distribution<double> moment(0, 1.3 * reload.seconds);
  const int trials = env_count("METER_SYNC_CRASH_TRIALS", 40) / 5;
  int complete = 0;
  for (int trial = 0; trial < trials; ++trial) {
    CAPTURE(trial);
    db.local("TRUNCATE meter");  // as an operator forcing a reload would
    const auto r = kill_run_after(db, {"--quiet", "run"}, moment(trial_random()));
    const std::string state = local_checksum(db);
    CHECK((state == "empty" || state == full));
    if (state == full) ++complete;
    else CHECK(r.exit_code != 0);
  }
  db.local("TRUNCATE meter");
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  CHECK(local_checksum(db) == full);
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
  std::cout << "first-load crash trials: " << trials << " (" << complete << " complete, "
            << trials - complete << " empty); a reload takes " << reload.seconds << " s\n";
}

TEST_CASE("crash: kill -9 during a sync of a few changed meters leaves the old or the new state") {
  TestDatabases db;
  add_remote_meters(db, 1, 1, 50000);
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  db.remote("UPDATE meter SET notes = 'warm-up' WHERE id % 50 = 0");
  const auto warm = db.meter_sync({"--log-level", "debug", "run"});
  REQUIRE(warm.exit_code == 0);
  std::cout << "a sync of 1000 changed meters out of 50000 takes " << warm.seconds << " s"
            << (warm.err.find("incremental") != std::string::npos ? " (incremental fetch)" : "") << "\n";
  std::uniform_real_distribution<double> moment(0, 1.3 * warm.seconds);
  const int trials = env_count("METER_SYNC_CRASH_TRIALS", 40) / 5;
  for (int trial = 0; trial < trials; ++trial) {
    CAPTURE(trial);
    db.remote("UPDATE meter SET notes = 'trial " + std::to_string(trial) + "', updated_at = now()"
              " WHERE id % 50 = " + std::to_string(trial % 50));
    const std::string old_state = local_checksum(db), new_state = expected_checksum(db, 1, 1);
    const auto r = kill_run_after(db, {"--quiet", "run"}, moment(trial_random()));
    const std::string state = local_checksum(db);
    CHECK((state == old_state || state == new_state));
    if (state == old_state) CHECK(r.exit_code != 0);
  }
  REQUIRE(db.meter_sync({"--quiet", "run"}).exit_code == 0);
  CHECK(local_checksum(db) == expected_checksum(db, 1, 1));
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE status = 'running'") == 0);
}
