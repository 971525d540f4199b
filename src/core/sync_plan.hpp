#pragma once
// How the diff is decided: every SQL statement of a sync, generated from the TableSpec and
// the column types found on each side. Pure text generation; db/ executes it.
//
//   remote  --COPY (remote_select)-->  staging (temp table, remote column types + xmin)
//   reject_invalid:     rows breaking a rule or sharing a key move to the skipped table
//   deactivate_missing: active local rows whose key is not among the valid remote keys
//   update_changed:     local rows whose copied fields differ (IS DISTINCT FROM) take the remote values
//   insert_missing:     staged rows with no local row are inserted
// update/insert accept a row filter (a ctid range of staging) so that a batch the local
// table rejects can be split until the offending rows are found.
//
// Change detection: the remote row's xmin changes with every update, the local row's xmin
// with every local write. meter_sync_state remembers both for each synced row, so a rerun
// first fetches only (key, xmin) of every remote row (remote_versions_select) and then the
// full rows of the keys whose versions differ (wanted_keys); --full-fetch skips that.
// A first sync into an empty table COPYs the valid rows straight in (remote_valid_select).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/table_spec.hpp"

namespace meter_sync {

using ColumnTypes = std::map<std::string, std::string>;  // column -> format_type() text

std::string quote_ident(const std::string& name);

class SyncPlan {
 public:
  // Throws Failure(config) naming the side (`local_name`, `remote_name`) that lacks a column.
  SyncPlan(const TableSpec& spec, ColumnTypes local, ColumnTypes remote,
           const std::string& local_name = "local", const std::string& remote_name = "remote");

  static constexpr const char* staging = "pg_temp.meter_sync_staging";
  static constexpr const char* skipped = "pg_temp.meter_sync_skipped";
  static constexpr const char* planned = "pg_temp.meter_sync_planned";
  static constexpr const char* remote_keys = "pg_temp.meter_sync_remote_keys";
  static constexpr const char* state = "meter_sync_state";

  // Identifies what the state table's versions mean; a change forces a full fetch.
  std::string signature() const;

  // All of the tenant's rows, or (with `keys`, a non-empty "{1,2,3}" array literal) only
  // those keys, plus rows without a key if `null_keys`; the remote xmin comes last.
  std::string remote_select(std::int64_t tenant_id, const std::string& keys = "",
                            bool null_keys = true) const;
  std::string remote_versions_select(std::int64_t tenant_id) const;
  // First sync into an empty local table: the rows that pass every rule (without xmin),
  // COPYed straight into `local_copy_target()`, and the rule breakers as (key, reason).
  std::string remote_valid_select(std::int64_t tenant_id) const;
  std::string remote_invalid_select(std::int64_t tenant_id) const;
  std::string local_copy_target() const;  // "meter" ("id", "name", ...)
  // The state rows of an initial load, straight from the remote: every loaded row has the
  // same local xmin, that of the loading (sub)transaction.
  std::string remote_state_select(std::int64_t tenant_id, const std::string& local_xmin) const;
  std::string create_work_tables() const;
  std::string create_state_table() const;
  // Keys whose remote or local version differs from the state (or are new): one per row.
  std::string wanted_keys() const;
  // After applying: remember the versions of every applied staged row; forget vanished keys.
  std::string record_state() const;
  std::string forget_state(bool incremental) const;
  // Incremental fetch: skipped keys leave the set of valid remote keys.
  std::string drop_skipped_keys() const;
  // `check_duplicates` may be false when a unique index on the remote rules them out.
  std::string reject_invalid(bool check_duplicates = true) const;
  // `row_filter` is a predicate over staging alias s (e.g. a ctid range), or "true".
  // With `record_ids`, affected keys go to the planned table (dry run).
  std::string update_changed(const std::string& row_filter, bool record_ids) const;
  std::string insert_missing(const std::string& row_filter, bool record_ids) const;
  // Local active rows whose key is not among the valid remote keys: staging after a full
  // fetch, remote_keys after an incremental one.
  std::string deactivate_missing(bool record_ids, bool incremental) const;
  // Local active rows whose key was skipped (after rows the local table rejected).
  std::string deactivate_skipped(bool record_ids) const;
  std::string count_active() const;
  std::string skip_row(const std::string& ctid) const;  // move one staged row to skipped, $1 = reason

  // The remote relation has no xmin (a view or foreign table): compare every row each run.
  void without_remote_versions() { remote_has_versions_ = false; }
  bool tracks_versions() const { return remote_has_versions_; }

  const TableSpec& spec() const { return spec_; }
  std::string key_columns() const { return key_list(); }

 private:
  std::string write_expr(const std::string& column) const;
  std::string differs(const std::string& column) const;
  std::string key_match(const std::string& a, const std::string& b) const;
  std::string key_json(const std::string& alias) const;
  std::string key_list(const std::string& alias = "") const;
  std::string remote_version() const;
  std::string rule_reason() const;  // CASE over the rules, NULL when none matches
  std::string rule_any() const;     // true when some rule matches (never NULL)
  std::string record(const std::string& statement, const std::string& kind,
                     const std::string& alias) const;

  TableSpec spec_;
  ColumnTypes local_;
  ColumnTypes staged_;
  bool remote_has_versions_ = true;  // the staging table's types: remote types, json kept as text
};

// Missing columns, in spec order, as "column \"x\"" list; empty if all present.
std::vector<std::string> missing_columns(const std::vector<std::string>& wanted,
                                         const ColumnTypes& have);

// The predicate selecting staging rows in heap blocks [first, last).
std::string block_range(std::int64_t first_block, std::int64_t last_block);

}  // namespace meter_sync
