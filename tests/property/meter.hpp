#pragma once
// The property tests' picture of a meter row: every copied column in a canonical form that
// both the model and the comparison with the database use, and how a row is written as SQL.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace meter_props {

// How a JSON value is spelled in the remote `json` column, which keeps the text verbatim:
// none of this changes the value jsonb holds.
struct JsonStyle {
  bool spaced = false;            // blanks and newlines between tokens
  bool escape_non_ascii = false;  // \uXXXX, surrogate pairs beyond the BMP
  bool escape_slash = false;      // "/" as "\/"
  bool reverse_keys = false;      // object members in reverse order
  bool decoy_duplicate = false;   // the first member written twice, first with a decoy (last wins)
};

struct RegisterMap {
  nlohmann::json value;  // what a jsonb column holds
  JsonStyle style;
  bool nul_escape = false;  // the text also carries "\u0000": json accepts it, jsonb rejects it
  std::string text() const;
};

struct Meter {
  std::optional<std::int32_t> id;
  std::optional<std::string> name, type, serial_number;
  std::optional<std::string> installation_date;  // YYYY-MM-DD
  std::optional<std::int32_t> device_id, location_id;
  std::optional<std::string> ip;
  std::optional<std::int32_t> port;
  std::optional<std::string> protocol, status;
  std::optional<RegisterMap> register_map;
  std::optional<std::string> notes;
  std::optional<bool> active;
  std::optional<std::string> created_at, updated_at;  // UTC, YYYY-MM-DD HH:MM:SS.ffffff
};

struct RemoteRow {
  std::int32_t tenant_id = 0;
  Meter meter;
};

// A starting state: the tenant named by the local tenant table, the local meter table and
// the remote meter table (all tenants).
struct World {
  std::int32_t tenant = 1;
  std::vector<Meter> local;
  std::vector<RemoteRow> remote;
};

// The copied columns, in the contract's order (the remote adds tenant_id): testing_support::meter_columns().
const std::vector<std::string>& columns();

// Each copied column as display text: NULL, or a JSON literal (strings quoted and escaped,
// register_map as canonical JSON), so that equal text means equal in PostgreSQL terms.
std::vector<std::string> field_texts(const Meter& m);
bool same_copied_fields(const Meter& a, const Meter& b);  // all columns but id

// SQL literals for INSERT ... VALUES: "(id, name, ...)" (plus tenant_id last for a remote row).
std::string sql_values(const Meter& m);
std::string sql_values(const RemoteRow& r);
std::string sql_literal(const std::string& text);
// "(..., tenant_id, row_no)": a remote row with the test's handle on it (see PropertyDb).
std::string remote_insert_values(const RemoteRow& r, std::size_t row_no);

// Readable counterexamples (RapidCheck finds these by argument-dependent lookup).
void showValue(const Meter& m, std::ostream& os);
void showValue(const World& w, std::ostream& os);

using Table = std::map<std::int32_t, Meter>;  // a local meter table by id

// "" if equal, else one line per differing field: "meter 7 notes: expected X, found Y".
// With `only`, compares just those ids.
std::string table_diff(const Table& expected, const Table& actual,
                       const std::vector<std::int32_t>* only = nullptr);

}  // namespace meter_props
