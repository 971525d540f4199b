#pragma once
// How the diff is decided: every SQL statement of a sync, generated from the TableSpec and
// the column types found on each side. Pure text generation; db/ executes it.
//
//   remote --COPY (remote_select)--> fetch_target(): staging, or incoming when types differ
//   reject_invalid:     rows breaking a rule or sharing a key move to the skipped table
//   convert_rows:       (types differ) incoming -> staging, every value in the local column's
//                       type, as an INSERT converts it; a value that does not convert skips
//                       its row, naming the column (db/ splits the batch to find it)
//   deactivate_missing: active local rows whose key the remote no longer has at all
//                       (a skipped row's key still counts as present)
//   update_changed:     local rows whose copied fields differ (IS DISTINCT FROM, in the local
//                       type) take the remote values; the changed columns are recorded
//   insert_missing:     staged rows with no local row are inserted
// update/insert/convert accept a row filter (a ctid range of their source, alias s) so that a
// batch the local table rejects can be split until the offending rows are found.
//
// The local column's type rules: from the conversion on, staging holds local types, so every
// comparison (changed or not, key matching, deactivation, state) happens in them. Columns of
// identical types are staged directly (no conversion step, no extra cost).
//
// Change detection: the remote row's xmin changes with every update, the local row's xmin
// with every local write. meter_sync_state remembers both for each synced row, so a rerun
// first fetches only (key, version) of every remote row (remote_versions_select) and then the
// full rows of the keys whose versions differ (wanted_keys); --full-fetch skips that.
// One full join of the remote keys, the state and the local table (compare_versions) finds
// at once what to fetch, which meters the remote no longer has and which state rows to
// forget, so the rest of the run touches only those keys.
// A remote view has no xmin: its version is a 64-bit hash of the row's canonical text,
// computed by the remote (state column remote_hash).
// A first sync into an empty table COPYs the valid rows straight in (remote_initial_select).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/table_spec.hpp"

namespace meter_sync {

struct ColumnType {
  std::string type;    // format_type() with modifier, e.g. "character varying(255)"
  std::string base;    // without modifier, e.g. "character varying"
  // How values of the column travel: the type itself when it is built in, a domain's base
  // type, else text (an enum or composite the other database need not have).
  std::string portable;
  bool portable_is_text_fallback = false;
};
using ColumnTypes = std::map<std::string, ColumnType>;

// A built-in type on both sides (unit tests, simple callers).
ColumnType builtin_type(const std::string& type);

std::string quote_ident(const std::string& name);
std::string sql_literal(const std::string& text);

// Bumped whenever validation or comparison rules change: rows synced under other rules are
// compared again (it is part of the state signature).
constexpr const char* rules_version = "rules-3";

// What tells a remote row changed: its xmin (tables), a hash of its values (views), or
// nothing (every run compares every row).
enum class RemoteVersions { xmin, row_hash, none };

class SyncPlan {
 public:
  // Throws Failure(config) naming the side (`local_name`, `remote_name`) that lacks a column.
  // `remote_relation` is the remote table or view as SQL (quoted, maybe schema-qualified).
  SyncPlan(const TableSpec& spec, ColumnTypes local, ColumnTypes remote,
           const std::string& local_name = "local", const std::string& remote_name = "remote",
           const std::string& remote_relation = "");

  static constexpr const char* staging = "pg_temp.meter_sync_staging";
  static constexpr const char* incoming = "pg_temp.meter_sync_incoming";
  static constexpr const char* skipped = "pg_temp.meter_sync_skipped";
  static constexpr const char* planned = "pg_temp.meter_sync_planned";
  static constexpr const char* remote_keys = "pg_temp.meter_sync_remote_keys";
  static constexpr const char* remote_keys_incoming = "pg_temp.meter_sync_remote_keys_in";
  static constexpr const char* compared = "pg_temp.meter_sync_compared";
  static constexpr const char* changed_rows = "pg_temp.meter_sync_changed";
  static constexpr const char* probe = "pg_temp.meter_sync_probe";
  static constexpr const char* state = "meter_sync_state";
  // Changed meters listed per kind in the log row and the dry run (the totals are exact).
  // Read into the client: 10,000 per kind cost 10 MiB of peak memory at 1M meters.
  static constexpr int max_recorded = 1000;

  // Identifies what the state table's versions mean; a change forces a full fetch.
  std::string signature() const;

  // All of the tenant's rows, or (with `keys`, a non-empty "{1,2,3}" array literal) only
  // those keys, plus rows without a key if `null_keys`; the remote xmin comes last.
  std::string remote_select(std::int64_t tenant_id, const std::string& keys = "",
                            bool null_keys = true) const;
  std::string remote_versions_select(std::int64_t tenant_id) const;
  std::string local_copy_target() const;  // "meter" ("id", "name", ...)
  // The initial load in one remote scan: every row as the copied columns, then the key as
  // JSON (only for a rule breaker, else NULL), its version (remote_version()) and the
  // reason of the first rule it breaks (NULL when valid). InitialLineSplitter splits it.
  std::string remote_initial_select(std::int64_t tenant_id) const;
  // Where each key column is among the copied ones (counted from 0), in key order.
  std::vector<std::size_t> key_positions() const;
  // True when the COPY text of every remote column reads into the local column as the
  // assignment cast would convert it (same types, or pairs whose text forms agree).
  bool direct_copy_possible() const;
  // The state rows of an initial load: each line is (key, remote version) followed by
  // state_line_suffix() of the local xmin, which every row loaded by the (sub)transaction
  // shares; COPYed into state_copy_target().
  std::string state_copy_target() const;  // "meter_sync_state (id, remote_xmin, local_xmin)"
  std::string state_line_suffix(const std::string& local_xmin) const;
  // After an initial load: true when a skipped row's key is also a loaded row's.
  std::string skipped_key_loaded() const;
  std::string create_work_tables() const;
  std::string create_state_table() const;

  // Where COPY puts the fetched rows, and the (key, xmin) pairs of an incremental fetch.
  const char* fetch_target() const { return converts_ ? incoming : staging; }
  const char* keys_fetch_target() const { return key_converts_ ? remote_keys_incoming : remote_keys; }
  bool converts() const { return converts_; }
  bool key_converts() const { return key_converts_; }

  // Columns whose remote type differs from the local one: (column, remote type, local type).
  // `from_text`: the remote value travels as text (a string type, or a type the local
  // database need not have), which converts to any type value by value ('12a' does not).
  struct Conversion {
    std::string column, remote_type, local_type;
    bool from_text;
  };
  std::vector<Conversion> conversions() const;
  // Parses `INSERT` of a remote-typed NULL into the column: fails when no assignment cast
  // exists (what the contract calls "no conversion at all").
  std::string probe_conversion(const Conversion& c) const;
  // incoming -> staging for the rows matching `row_filter` (alias s).
  std::string convert_rows(const std::string& row_filter) const;
  // One column of one incoming row, to find which value does not convert.
  std::string convert_one(const std::string& column, const std::string& ctid) const;
  // remote_keys_incoming -> remote_keys; a key that does not convert is kept as NULL (its row
  // is fetched anyway, and reported).
  std::string convert_keys(const std::string& row_filter) const;
  std::string keep_unconverted_key(const std::string& ctid) const;

  // Creates `compared`: per key, whether to fetch it (fetch_key, in the remote's own form),
  // deactivate it or forget its state. Single-column keys (incremental fetches only).
  std::string compare_versions() const;
  // Keys whose remote or local version differs from the state (or are new), from `compared`,
  // plus the remote keys that do not convert to the local type (fetched to be reported).
  std::string wanted_keys() const;
  // After applying: remember the versions of every applied staged row; forget vanished keys.
  std::string record_state() const;
  std::string forget_state(bool incremental) const;
  // `check_duplicates` may be false when a unique index on the remote rules them out.
  std::string reject_invalid(bool check_duplicates = true) const;
  // `row_filter` is a predicate over staging alias s (e.g. a ctid range), or "true". Each
  // returns one row: the number of rows changed. Changed keys (and for updates the changed
  // columns; with `with_values` their old and new values too) go to the planned table.
  std::string update_changed(const std::string& row_filter, bool with_values) const;
  std::string insert_missing(const std::string& row_filter) const;
  // Local active rows whose key the remote rows no longer contain: neither staged nor
  // skipped after a full fetch; as `compared` found them after an incremental one.
  std::string deactivate_missing(bool incremental) const;
  std::string count_active() const;
  std::string skip_row(const std::string& table, const std::string& ctid) const;  // $1 = reason

  // The remote relation has no xmin (a view or foreign table): a row hash stands in for it;
  // without_remote_versions() when not even that can be kept (compare every row each run).
  void use_row_hashes() { versions_ = RemoteVersions::row_hash; }
  void without_remote_versions() { versions_ = RemoteVersions::none; }
  RemoteVersions remote_versions() const { return versions_; }
  bool tracks_versions() const { return versions_ != RemoteVersions::none; }
  // The state column holding the remote version: remote_xmin, or remote_hash for views.
  const char* state_version_column() const;

  const TableSpec& spec() const { return spec_; }
  const std::string& remote_relation() const { return remote_relation_; }
  const ColumnType& local_type(const std::string& column) const { return local_.at(column); }
  std::string key_columns() const { return key_list(); }

 private:
  bool same_type(const std::string& column) const;
  std::string conversion_expr(const std::string& column) const;
  std::string write_expr(const std::string& column) const;
  std::string differs(const std::string& column) const;
  std::string key_match(const std::string& a, const std::string& b) const;
  std::string key_json(const std::string& alias) const;
  std::string key_list(const std::string& alias = "") const;
  std::string non_key_list() const;  // ", col, col" of the copied columns that are not the key
  std::string remote_version() const;
  std::string version_type() const;  // of the version column in the work tables
  std::string remote_where(std::int64_t tenant_id) const;
  std::vector<ValidationRule> rules() const;  // the spec's rules as predicates on the remote types
  std::string rule_reason() const;  // CASE over the rules, NULL when none matches
  std::string rule_any() const;     // true when some rule matches (never NULL)
  std::string record(const std::string& statement, const std::string& kind,
                     const std::string& extra_columns) const;

  TableSpec spec_;
  ColumnTypes local_;
  ColumnTypes remote_;
  std::map<std::string, std::string> incoming_;  // incoming's column types (remote, JSON as text)
  std::map<std::string, std::string> staged_;    // staging's column types
  std::string remote_relation_;
  bool converts_ = false, key_converts_ = false;
  RemoteVersions versions_ = RemoteVersions::xmin;
};

// Missing columns, in spec order, as "column \"x\"" list; empty if all present.
std::vector<std::string> missing_columns(const std::vector<std::string>& wanted,
                                         const ColumnTypes& have);

// The predicate selecting rows in heap blocks [first, last) of the table aliased s.
std::string block_range(std::int64_t first_block, std::int64_t last_block);

// "{1,2,x y}" -> a PostgreSQL array literal with every element quoted.
std::string array_literal(const std::vector<std::string>& elements);

}  // namespace meter_sync
