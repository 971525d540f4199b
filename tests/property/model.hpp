#pragma once
// The pure model of one `meter-sync run`: what the local meter table and the counts must be.
// A few lines over maps, written from the contract, not from the implementation's SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "property/meter.hpp"

namespace meter_props {

struct Counts {
  std::int64_t inserted = 0, updated = 0, deleted = 0, skipped = 0;
};

struct SkippedRow {
  std::optional<std::int32_t> id;
  std::string reason_word;  // a word the reported reason contains: "id", "name", "duplicate", ...
};

struct Expected {
  Table local;  // the local meter table after the run
  Counts counts;
  std::vector<SkippedRow> skipped;
  std::vector<std::int32_t> inserted_ids, updated_ids, deleted_ids;
  std::vector<std::int32_t> kept_ids;    // on both sides, nothing really changed
  std::vector<std::int32_t> absent_ids;  // local meters absent from the valid remote set
  std::int64_t active_before = 0;
  bool refused = false;  // the mass-deactivation guard said no: nothing applied
  int exit_code = 0;     // 0, or 65 (rows skipped, or refused)

  std::int64_t active_after() const;
};

Table as_table(const std::vector<Meter>& rows);

// One run for `tenant` with --max-deactivate-percent `max_percent`.
Expected model_run(const Table& local, const std::vector<RemoteRow>& remote, std::int32_t tenant,
                   int max_percent = 100);

}  // namespace meter_props
