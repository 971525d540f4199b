#pragma once
// What a case runs on besides its rows: the remote key (none, primary key, unique index), an
// empty local table or not, one run or a first run then edits then the run under test (found
// incremental or forced full, few or many changed rows), and per column a pair of compatible
// local and remote types (varchar ids, ports and timestamps locally; json/jsonb either way;
// integer/bigint; an enum for `type` on the remote), and the databases' default time zone.
#include <rapidcheck.h>

#include <map>
#include <string>
#include <vector>

#include "property/edits.hpp"
#include "property/generators.hpp"
#include "property/meter.hpp"
#include "property/model.hpp"
#include "support/test_db.hpp"

namespace meter_props {

struct Variant {
  enum class Key { none, primary_key, unique_index };
  enum class Compare { single, incremental, full_fetch };
  Key remote_key = Key::none;
  bool local_empty = false;
  Compare compare = Compare::single;
  bool many_changes = false;  // between the runs, every remote row rewritten (above the 25 % threshold)
  std::map<std::string, std::string> local_types, remote_types;  // column -> type replacing the default
  std::string time_zone = "UTC";  // both databases' default: the tool must work in UTC itself

  bool remote_enum_type() const { return remote_types.count("type") > 0; }
  bool local_json() const;  // local register_map is json (keeps the text as written)
  bool remote_jsonb() const;
};

inline constexpr const char* enum_type_name = "meter_kind";

rc::Gen<Variant> gen_variant();
void showValue(const Variant& v, std::ostream& os);
void classify(const Variant& v);  // RC_CLASSIFY: what the case runs on

ModelOptions model_options(const Variant& v, int max_percent = 100);

// Makes remote values representable in the variant: an enum label is never empty, a remote
// jsonb cannot hold \u0000 (and a local json one could not be read back as jsonb).
void fit_remote_meter(const Variant& v, Meter& m);
// A unique remote key: rows with a null id (primary key) or an id seen before are dropped.
void fit_world(const Variant& v, World& w);
// Edits as the variant allows them: an added or changed row that would repeat an id (or have
// none, under a primary key) gets a fresh id instead; values fitted as above.
std::vector<Edit> fit_edits(const Variant& v, RemoteRows remote, std::vector<Edit> edits);

// The schema options of both tables (without the remote's test-only changes, see PropertyDb).
testing_support::SchemaOptions schema_options(const Variant& v);

// A case: its variant, its starting world, and (compare != single) the edits made between the
// first run and the run under test.
struct Scenario {
  Variant variant;
  World world;
  std::vector<Edit> between;
};
rc::Gen<Scenario> gen_scenario(WorldOptions options = {});
void showValue(const Scenario& s, std::ostream& os);

}  // namespace meter_props
