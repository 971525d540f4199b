#pragma once
// One local+remote database pair reused by every case of a property: load a World (truncating
// what the previous case left), run meter-sync, read back the table, the log and the status.
// Helpers fail the current RapidCheck case (RC_FAIL) with the tool's output when it misbehaves.
#include <rapidcheck.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "property/edits.hpp"
#include "property/meter.hpp"
#include "property/model.hpp"
#include "property/variant.hpp"
#include "support/test_db.hpp"

namespace meter_props {

struct RunResult {
  int exit_code = -1;
  nlohmann::json json;  // the one object `run --json` prints
  std::string out, err;
  std::string describe() const;  // exit code, stdout, stderr: for failure messages
};

struct LogRow {
  std::int64_t id = 0;
  std::string status, trigger;
  std::optional<bool> success;
  std::optional<std::int64_t> tenant_id;
  Counts counts;
  std::optional<std::string> error;
  nlohmann::json details;
  bool finished_after_start = false;
};

// The state right before the run under test, as the model sees it, and that run's options.
struct Prepared {
  Variant variant;
  Table local;
  std::vector<RemoteRow> remote;
  std::int32_t tenant = 1;
  std::vector<std::string> run_args;  // --full-fetch for a forced full comparison
  ModelOptions model(int max_percent = 100) const { return model_options(variant, max_percent); }
};

class PropertyDb {
 public:
  // Both meter tables in the default variant (see set_variant). The test's own sessions work
  // in UTC, so that timestamps it writes into varchar or timestamp columns are canonical.
  PropertyDb();

  testing_support::TestDatabases& db() { return db_; }

  // Recreates both meter tables (and drops meter_sync_state) in the variant's types. The remote
  // table loses its NOT NULLs and its key (unless the variant keeps a primary key or has a
  // unique index instead), so that invalid rows can exist, and gains row_no, the test's handle
  // on a row (an extra remote column the tool must ignore). `labels`: the remote enum's.
  void set_variant(const Variant& v, const std::vector<std::string>& labels = {});

  // Empties both meter tables and meter_sync_log (or drops it), sets the tenant row, loads `w`.
  void load(const World& w, bool drop_log = false);

  // The scenario up to the run under test: variant, world, and for a second run the first run
  // (checked against the model) and the edits after it.
  Prepared prepare(const Scenario& s, bool drop_log = false);

  // Each side in one transaction (a remote enum first gains the labels the edits use).
  void apply(const std::vector<Edit>& edits);
  // `edits` as the current variant allows them (see fit_edits).
  std::vector<Edit> fit(const RemoteRows& remote, const std::vector<Edit>& edits) const;

  Table read_local();
  std::map<std::int32_t, std::string> local_xmins();
  std::vector<LogRow> log_rows();  // oldest first; none if the table does not exist
  // The last log row's details.fetch ("initial", "incremental", "full"), or "none".
  std::string last_fetch();

  // meter-sync run --json [--max-deactivate-percent 100 unless given] <extra...>
  RunResult run(std::vector<std::string> extra = {});
  // meter-sync status --json <global extra...>; fails the case unless it exits 0
  nlohmann::json status(const std::vector<std::string>& global_extra = {});

 private:
  testing_support::TestDatabases db_;
  Variant variant_;
};

// Runs `undo` when the scope ends, also when a failing check throws: a case that renames a
// table or holds a lock must not leave it so for the next case.
class OnExit {
 public:
  explicit OnExit(std::function<void()> undo) : undo_(std::move(undo)) {}
  ~OnExit() {
    try {
      undo_();
    } catch (...) {
    }
  }
  OnExit(const OnExit&) = delete;
  OnExit& operator=(const OnExit&) = delete;

 private:
  std::function<void()> undo_;
};

// Fails the case with a readable field-by-field difference.
void require_same_table(const Table& expected, const Table& actual, const std::string& what,
                        const std::vector<std::int32_t>* only = nullptr);
// The model's updated count, or up to respelled_ids more (a local json column, see ModelOptions).
bool updated_count_fits(std::int64_t updated, const Expected& e);
// Fails unless the counts in run --json are the model's.
void require_run_counts(const RunResult& r, const Expected& e);
std::string show_ids(const std::vector<std::int32_t>& ids);
// Tags the case with what the model expects to happen (RapidCheck prints the distribution).
void classify(const Expected& e);
// Tags the case with its variant and the fetch the run under test used.
void classify(const Prepared& p, PropertyDb& db);

}  // namespace meter_props
