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

// What the model must know about the run beyond the tables.
struct ModelOptions {
  int max_percent = 100;  // --max-deactivate-percent
  // The local register_map is json (which keeps the text as written): a value the remote
  // spells otherwise may or may not count as a change (the table reads the same either way).
  bool local_json_text = false;
};

struct Expected {
  Table local;  // the local meter table after the run
  Counts counts;
  std::vector<SkippedRow> skipped;
  std::vector<std::int32_t> inserted_ids, updated_ids, deleted_ids;
  std::vector<std::int32_t> kept_ids;    // on both sides, nothing really changed
  std::vector<std::int32_t> respelled_ids;  // among kept_ids: only register_map's text differs
  std::vector<std::int32_t> absent_ids;  // local meters whose id no remote row of the tenant has
  std::vector<std::int32_t> left_alone_ids;  // local meters whose remote row is skipped
  std::int64_t active_before = 0;
  bool refused = false;  // the mass-deactivation guard said no: nothing applied
  int exit_code = 0;     // 0, or 65 (rows skipped, or refused)

  std::int64_t active_after() const;
};

Table as_table(const std::vector<Meter>& rows);

// One run for `tenant`. A skipped remote row leaves its local meter alone (not updated, not
// deactivated, not inserted); only meters whose id the tenant's remote rows lack are deactivated.
Expected model_run(const Table& local, const std::vector<RemoteRow>& remote, std::int32_t tenant,
                   const ModelOptions& options = {});
Expected model_run(const Table& local, const std::vector<RemoteRow>& remote, std::int32_t tenant,
                   int max_percent);

}  // namespace meter_props
