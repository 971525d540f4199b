#pragma once
// What a run did, and what status reports: plain data shared by the db and app layers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meter_sync {

// A meter's key as text ("5"; "a|b" never needed yet: single-column keys), the same whatever
// its type on either side; JSON shows it as a number when it is an integer.
using MeterId = std::string;

struct SkippedRow {
  std::optional<MeterId> id;  // null when the remote row had no id
  std::string reason;
};

struct SyncCounts {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t deleted = 0;  // deactivated
  std::int64_t skipped = 0;
};

struct ColumnChange {
  std::string column;
  std::optional<std::string> old_value, new_value;  // as text; only filled by a dry run
};

struct UpdatedMeter {
  MeterId id;
  std::vector<ColumnChange> changes;
};

// The meters a run changed, per kind (the first SyncPlan::max_recorded of each; the counts
// are exact): the dry run's preview and the log row's audit trail.
struct ChangeLists {
  std::vector<MeterId> inserted, deleted;
  std::vector<UpdatedMeter> updated;
};
constexpr std::size_t max_listed_ids = 1000;  // skipped rows listed, ids printed by a dry run

struct SyncOutcome {
  SyncCounts counts;
  std::vector<SkippedRow> skipped;  // capped at max_listed_ids, counts.skipped is exact
  ChangeLists changes;
  bool full_comparison = true;      // every remote row compared (false: only changed versions)
  std::string state_signature;      // what meter_sync_state's versions were recorded under
  std::int64_t tenant_id = 0;
  // "initial" (COPY straight into the empty table), "full" (every row staged and compared)
  // or "incremental" (only rows whose version changed)
  std::string fetch = "full";
  std::int64_t fetched_rows = 0;   // full remote rows fetched and compared
};

struct LastRun {
  std::int64_t finished_at_us = 0;  // epoch microseconds
  bool success = false;
  std::optional<std::string> error;
  SyncCounts counts;
  std::string trigger;
};

struct StatusInfo {
  std::optional<LastRun> last;
  std::optional<std::int64_t> last_success_us;  // end of the last successful run
  std::int64_t now_us = 0;  // when this was read, by the database's clock (ages are against it)
  std::int64_t meter_count = 0;
  bool is_syncing = false;
};

}  // namespace meter_sync
