#include <pqxx/pqxx>

#include "app/run_command.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "app/json_output.hpp"
#include "app/logging.hpp"
#include "app/metrics_file.hpp"
#include "app/progress.hpp"
#include "app/signals.hpp"
#include "core/json_shapes.hpp"
#include "core/time_format.hpp"
#include "db/apply.hpp"
#include "db/fetch.hpp"
#include "db/initial_load.hpp"
#include "db/schema.hpp"
#include "db/sync_log.hpp"
#include "db/sync_state.hpp"
#include "core/change_text.hpp"

namespace meter_sync::app {
namespace {

using RemoteSnapshot = pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::read_only>;

// One run, from the lock to the exit status and the report.
class SyncRun {
 public:
  SyncRun(const Settings& settings, const RunOptions& options)
      : settings_(settings), options_(options), spec_(meter_table()) {}

  int execute() {
    CancelAction cancel([this] {
      if (auto* db = local_ptr_.load()) db->cancel();
      if (auto* db = remote_ptr_.load()) db->cancel();
    });
    try {
      local_ = std::make_unique<Database>(Side::local, settings_.local_db, settings_);
      local_ptr_.store(local_.get());
      take_lock();
      attempted_ = true;
      if (!options_.dry_run) start_log();
      const SyncOutcome outcome = sync();
      release_lock();
      progress_done();
      return report_success(outcome);
    } catch (const Failure& failure) {
      const int status = report_failure(failure);
      release_lock();
      return status;
    } catch (const std::exception& e) {  // a bug or a library surprise: still log and report it
      const int status = report_failure(Failure(ExitStatus::failure, std::string("unexpected error: ") + e.what()));
      release_lock();
      return status;
    }
  }

 private:
  void take_lock() {
    const bool locked = local_->guarded([&] {
      pqxx::nontransaction tx(local_->conn());
      return tx.exec1("SELECT pg_try_advisory_lock(" + std::to_string(settings_.lock_key) + ")")[0]
          .as<bool>();
    });
    if (!locked)
      throw Failure(ExitStatus::temporary,
                    "another meter sync is in progress (advisory lock " +
                        std::to_string(settings_.lock_key) + " is held on " + local_->label() + ")");
  }

  // Explicitly, not by disconnecting: the server lets go of a session's locks only after
  // the client has gone, so a run started right after this one could still find it held.
  void release_lock() noexcept {
    if (!attempted_) return;
    try {
      pqxx::nontransaction tx(local_->conn());
      tx.exec("SELECT pg_advisory_unlock(" + std::to_string(settings_.lock_key) + ")");
    } catch (const std::exception&) {
      // the connection is gone, and the lock with it
    }
  }

  void start_log() {
    log_id_ = local_->guarded([&] {
      ensure_sync_log_table(local_->conn(), local_->label());
      close_abandoned_runs(local_->conn());
      return start_sync_log(local_->conn(), options_.trigger);
    });
  }

  void check_stop() const { throw_if_stopped(&received_signal()); }

  // Everything between the lock and the commit: one local transaction, one remote snapshot.
  SyncOutcome sync() {
    pqxx::work tx = local_->guarded([&] { return pqxx::work(local_->conn(), "meter-sync"); });
    // A deferred constraint would fail only at COMMIT, sinking the whole run: check each
    // statement, so the batch splitting can find and skip the offending row.
    local_->guarded([&] { tx.exec("SET CONSTRAINTS ALL IMMEDIATE"); });
    const Relation local_table = local_->guarded([&] {
      tenant_ = settings_.tenant_id ? *settings_.tenant_id : read_tenant_id(tx, local_->label());
      Relation table = describe_relation(tx, quote_ident(spec_.table), local_->label(), spec_.table);
      require_privileges(table, spec_.copied, {"SELECT", "INSERT", "UPDATE"}, local_->label());
      require_temp_privilege(tx, local_->label());
      return table;
    });
    check_stop();
    remote_ = std::make_unique<Database>(Side::remote, settings_.remote_db, settings_);
    remote_ptr_.store(remote_.get());
    RemoteSnapshot snapshot = remote_->guarded([&] { return RemoteSnapshot(remote_->conn(), "meter-sync"); });
    const Relation remote_table = remote_->guarded([&] {
      Relation table = describe_relation(snapshot, settings_.remote_table, remote_->label());
      auto needed = spec_.copied;
      needed.push_back(spec_.tenant_column);
      require_privileges(table, needed, {"SELECT"}, remote_->label());
      return table;
    });
    SyncPlan plan(spec_, local_table.columns, remote_table.columns, local_->label(), remote_->label(),
                  remote_table.sql);
    const auto [remote_key_unique, remote_system] =
        remote_->guarded([&] { return read_relation_facts(snapshot, remote_table.sql, spec_.key); });
    if (!remote_table.has_row_versions) plan.use_row_hashes();
    if (plan.remote_versions() == RemoteVersions::row_hash &&
        !local_->guarded([&] { return state_can_hold_row_hashes(tx, local_->label()); }))
      plan.without_remote_versions();
    const std::string signature = state_signature(plan, *tenant_, remote_system);
    const auto [state_usable, comparison_due] = local_->guarded([&] {
      tx.exec(plan.create_work_tables());
      check_conversions(tx, plan, local_->label());  // before any data moves, dry runs too
      return std::pair(prepare_sync_state(tx, plan, signature, local_->label()),
                       full_comparison_due(tx, settings_.full_compare_every_s));
    });
    if (state_usable && comparison_due && !options_.full_fetch)
      spdlog::debug("full comparison: none succeeded within --full-compare-every ({} s)", settings_.full_compare_every_s);

    std::optional<SyncOutcome> outcome;
    if (!options_.dry_run && local_->guarded([&] { return initial_load_possible(tx, plan, remote_key_unique); }))
      outcome = initial_load(*remote_, snapshot, *local_, tx, plan, *tenant_, remote_key_unique, received_signal());
    if (!outcome) outcome = staged_sync(tx, snapshot, plan, state_usable && !comparison_due, remote_key_unique);
    check_stop();
    remote_->guarded([&] { snapshot.commit(); });
    outcome->tenant_id = *tenant_;
    outcome->full_comparison = outcome->fetch != "incremental";
    outcome->state_signature = signature;
    if (options_.dry_run) {
      local_->guarded([&] { tx.abort(); });
      return *outcome;
    }
    progress_phase(Phase::committing);
    finished_at_us_ = local_->guarded([&] {
      const auto at = finish_sync_log_success(tx, *log_id_, *outcome);
      tx.commit();
      return at;
    });
    return *outcome;
  }

  // The general path: stage the remote rows (all, or only those whose version changed),
  // then update, insert and deactivate set-based.
  SyncOutcome staged_sync(pqxx::work& tx, RemoteSnapshot& snapshot, const SyncPlan& plan,
                          bool state_usable, bool remote_key_unique) {
    // Without remote versions every key would look unchanged: compare every row.
    const bool try_incremental =
        state_usable && !options_.full_fetch && spec_.key.size() == 1 && plan.tracks_versions();
    const FetchResult fetched = fetch_remote(*remote_, snapshot, *local_, tx, plan, *tenant_,
                                             try_incremental, received_signal());
    check_stop();
    spdlog::debug("tenant {}: {} fetch from {}, {} full rows", *tenant_,
                  fetched.incremental ? "incremental" : "full", remote_->label(), fetched.fetched_rows);
    ApplyOptions apply_options;
    apply_options.dry_run = options_.dry_run;
    apply_options.incremental = fetched.incremental;
    apply_options.remote_key_unique = remote_key_unique;
    apply_options.max_deactivate_percent = settings_.max_deactivate_percent;
    apply_options.stop = &received_signal();
    SyncOutcome outcome = local_->guarded([&] {
      auto applied = apply_staged(tx, plan, apply_options);
      if (!options_.dry_run) save_sync_state(tx, plan, fetched.incremental);
      return applied;
    });
    outcome.fetch = fetched.incremental ? "incremental" : "full";
    outcome.fetched_rows = fetched.fetched_rows;
    return outcome;
  }

  int report_success(const SyncOutcome& outcome) {
    const auto& c = outcome.counts;
    for (const auto& s : outcome.skipped)
      spdlog::warn("meter {} skipped: {}", s.id ? *s.id : "(null id)", s.reason);
    if (c.skipped > static_cast<std::int64_t>(outcome.skipped.size()))
      spdlog::warn("{} more meters skipped (not listed)", c.skipped - outcome.skipped.size());
    const ExitStatus status = c.skipped > 0 ? ExitStatus::data : ExitStatus::ok;
    if (options_.dry_run) {
      print_dry_run(outcome);
      return to_int(status);
    }
    committed_ = c;
    const std::string message = "meter sync completed for tenant " + std::to_string(outcome.tenant_id) +
                                ": " + run_summary(c);
    spdlog::debug("{}", message);
    if (options_.json) {
      RunReport report{true, c, std::nullopt, finished_at_us_};
      print_json(run_json(true, message, report));
    } else if (!options_.quiet || status != ExitStatus::ok) {
      std::cout << run_summary(c) << std::endl;
    }
    return to_int(status);
  }

  void print_dry_run(const SyncOutcome& o) const {
    if (options_.json) {
      print_json(dry_run_json(o));
      return;
    }
    auto list = [](const std::vector<MeterId>& ids) {
      std::string out;
      for (std::size_t i = 0; i < ids.size() && i < max_listed_ids; ++i) out += (out.empty() ? "" : " ") + ids[i];
      return out.empty() ? std::string("-") : out;
    };
    std::vector<MeterId> updated;
    for (const auto& u : o.changes.updated) updated.push_back(u.id);
    std::cout << "dry run for tenant " << o.tenant_id << ": " << run_summary(o.counts) << "; nothing changed\n"
              << "would insert:     " << list(o.changes.inserted) << "\n"
              << "would update:     " << list(updated) << "\n"
              << "would deactivate: " << list(o.changes.deleted) << "\n";
    for (std::size_t i = 0; i < o.changes.updated.size() && i < max_listed_ids; ++i)
      std::cout << "would update " << o.changes.updated[i].id << ": " << describe_changes(o.changes.updated[i]) << "\n";
    for (const auto& s : o.skipped)
      std::cout << "would skip:       " << (s.id ? *s.id : "(null id)") << ": " << s.reason << "\n";
    std::cout.flush();
  }

  int report_failure(const Failure& failure) {
    ExitStatus status = failure.status();
    std::string message = scrub(failure.what());
    if (const int signal = received_signal().load()) {
      status = signal == SIGINT ? ExitStatus::interrupted : ExitStatus::terminated;
      message = std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                "; all changes rolled back";
    }
    std::int64_t at = now_epoch_us();
    if (log_id_) {
      try {
        at = local_->guarded([&] { return finish_sync_log_failure(local_->conn(), *log_id_, tenant_, message); });
      } catch (const std::exception& e) {
        spdlog::warn("could not record the failure in meter_sync_log: {}", e.what());
      }
    }
    spdlog::error("{}", message);
    if (options_.json) {
      std::optional<RunReport> report;
      if (attempted_) report = RunReport{false, {}, message, at};
      print_json(run_json(false, message, report));
    }
    return to_int(status);
  }

  friend void write_metrics(SyncRun&, const std::string&, int, std::int64_t);

  const Settings& settings_;
  const RunOptions& options_;
  const TableSpec& spec_;
  std::unique_ptr<Database> local_, remote_;
  std::atomic<Database*> local_ptr_{nullptr}, remote_ptr_{nullptr};  // for the signal thread
  bool attempted_ = false;
  std::optional<std::int64_t> log_id_, tenant_;
  std::int64_t finished_at_us_ = 0;
  std::optional<SyncCounts> committed_;  // set once the run committed
};

// --metrics-file, from the run's outcome and over its local connection.
void write_metrics(SyncRun& run, const std::string& path, int status, std::int64_t started_us) {
  RunMetrics m;
  m.finished_at_us = run.finished_at_us_ ? run.finished_at_us_ : now_epoch_us();
  m.success = run.committed_.has_value();
  m.exit_code = status;
  m.duration_us = now_epoch_us() - started_us;
  if (run.committed_) m.counts = *run.committed_;
  write_run_metrics(path, m, run.local_ ? &run.local_->conn() : nullptr);
}

}  // namespace

int run_command(const Settings& settings, const RunOptions& options) {
  const std::int64_t started_us = now_epoch_us();
  SyncRun run(settings, options);
  int status = 0;
  {
    Progress progress(progress_wanted(settings, options.quiet, options.json));
    status = run.execute();
  }
  if (settings.metrics_file && !options.dry_run)  // every run that tried to connect does
    write_metrics(run, *settings.metrics_file, status, started_us);
  return status;
}

}  // namespace meter_sync::app
