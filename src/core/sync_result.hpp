#pragma once
// What a run did, and what status reports: plain data shared by the db and app layers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meter_sync {

struct SkippedRow {
  std::optional<std::int64_t> id;  // null when the remote row had no id
  std::string reason;
};

struct SyncCounts {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t deleted = 0;  // deactivated
  std::int64_t skipped = 0;
};

// Ids per kind, filled only by --dry-run (capped at `max_listed_ids` each).
struct PlannedIds {
  std::vector<std::int64_t> inserted, updated, deleted;
};
constexpr std::size_t max_listed_ids = 1000;

struct SyncOutcome {
  SyncCounts counts;
  std::vector<SkippedRow> skipped;  // capped at max_listed_ids, counts.skipped is exact
  PlannedIds planned;               // dry run only
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
