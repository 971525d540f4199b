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

class PropertyDb {
 public:
  // The remote table loses its key and NOT NULLs (invalid rows must be possible) and gains
  // row_no, the test's handle on a row (an extra remote column the tool must ignore).
  PropertyDb();

  testing_support::TestDatabases& db() { return db_; }

  // Empties both meter tables and meter_sync_log (or drops it), sets the tenant row, loads `w`.
  void load(const World& w, bool drop_log = false);

  void apply(const std::vector<Edit>& edits);  // each side in one transaction

  Table read_local();
  std::map<std::int32_t, std::string> local_xmins();
  std::vector<LogRow> log_rows();  // oldest first; none if the table does not exist

  // meter-sync run --json [--max-deactivate-percent 100 unless given] <extra...>
  RunResult run(std::vector<std::string> extra = {});
  // meter-sync status --json <global extra...>; fails the case unless it exits 0
  nlohmann::json status(const std::vector<std::string>& global_extra = {});

 private:
  testing_support::TestDatabases db_;
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
// Fails unless the counts in run --json are the model's.
void require_run_counts(const RunResult& r, const Expected& e);
std::string show_ids(const std::vector<std::int32_t>& ids);
// Tags the case with what the model expects to happen (RapidCheck prints the distribution).
void classify(const Expected& e);

}  // namespace meter_props
