#include "property/variant.hpp"

#include <cstdlib>
#include <ostream>
#include <set>

#include "property/choice.hpp"

namespace meter_props {
namespace {

using namespace rc;

struct TypePair {
  std::string local, remote;  // "" = the default
};

// Per column, the compatible pairs; the default first (choices shrink towards it).
const std::vector<std::pair<std::string, std::vector<TypePair>>>& type_pairs() {
  static const std::vector<std::pair<std::string, std::vector<TypePair>>> pairs = {
      {"id",
       {{"", ""}, {"varchar(255)", "bigint"}, {"varchar(255)", ""}, {"bigint", ""}, {"", "bigint"}}},
      {"device_id", {{"", ""}, {"varchar(255)", "bigint"}, {"varchar(255)", ""}, {"bigint", ""}, {"", "bigint"}}},
      {"location_id", {{"", ""}, {"varchar(255)", ""}, {"varchar(255)", "bigint"}, {"", "bigint"}}},
      {"port", {{"", ""}, {"varchar(10)", ""}}},
      {"created_at", {{"", ""}, {"varchar(50)", ""}, {"timestamp", ""}}},
      {"updated_at", {{"", ""}, {"timestamp", ""}, {"varchar(50)", ""}}},
      {"register_map", {{"", ""}, {"json", "jsonb"}, {"", "jsonb"}, {"json", ""}}},
      {"type", {{"", ""}, {"", enum_type_name}}},
  };
  return pairs;
}

std::string type_of(const std::map<std::string, std::string>& types, const std::string& column,
                    const std::string& fallback) {
  const auto it = types.find(column);
  return it == types.end() ? fallback : it->second;
}

const char* key_name(Variant::Key k) {
  return k == Variant::Key::none ? "none" : k == Variant::Key::primary_key ? "primary key" : "unique index";
}

const char* compare_name(Variant::Compare c) {
  return c == Variant::Compare::single ? "one run"
         : c == Variant::Compare::incremental ? "second run (incremental allowed)"
                                              : "second run --full-fetch";
}

}  // namespace

bool Variant::local_json() const { return type_of(local_types, "register_map", "jsonb") == "json"; }
bool Variant::remote_jsonb() const { return type_of(remote_types, "register_map", "json") == "jsonb"; }

Gen<Variant> gen_variant() {
  return gen::exec([] {
    Variant v;
    v.remote_key = *pick_weighted<Variant::Key>(
        {{2, Variant::Key::none}, {2, Variant::Key::primary_key}, {1, Variant::Key::unique_index}});
    v.local_empty = *pick_weighted<bool>({{1, false}, {1, true}});
    v.compare = *pick_weighted<Variant::Compare>(
        {{3, Variant::Compare::single}, {2, Variant::Compare::incremental}, {1, Variant::Compare::full_fetch}});
    v.many_changes = v.compare != Variant::Compare::single && *gen::arbitrary<bool>();
    // each column keeps its default types in about half the cases
    // (METER_PROPS_TYPES=default: always, to tell type problems from others)
    const char* types = std::getenv("METER_PROPS_TYPES");
    if (types && std::string(types) == "default") return v;
    for (const auto& [column, pairs] : type_pairs()) {
      std::vector<std::pair<std::size_t, TypePair>> weighted = {{pairs.size() - 1, pairs[0]}};
      for (std::size_t i = 1; i < pairs.size(); ++i) weighted.push_back({1, pairs[i]});
      const TypePair p = *pick_weighted(weighted);
      if (!p.local.empty()) v.local_types[column] = p.local;
      if (!p.remote.empty()) v.remote_types[column] = p.remote;
    }
    v.time_zone = *pick_weighted<std::string>({{3, "UTC"}, {1, "America/St_Johns"}, {1, "Asia/Kathmandu"}});
    return v;
  });
}

void showValue(const Variant& v, std::ostream& os) {
  os << "remote key " << key_name(v.remote_key) << ", local table " << (v.local_empty ? "empty" : "as generated")
     << ", " << compare_name(v.compare) << (v.many_changes ? " after every remote row changed" : "")
     << ", time zone " << v.time_zone << ", types (local <- remote):";
  bool any = false;
  for (const auto& [column, pairs] : type_pairs()) {
    const std::string l = type_of(v.local_types, column, ""), r = type_of(v.remote_types, column, "");
    if (l.empty() && r.empty()) continue;
    os << " " << column << " " << (l.empty() ? "default" : l) << " <- " << (r.empty() ? "default" : r) << ";";
    any = true;
  }
  if (!any) os << " the defaults";
}

void classify(const Variant& v) {
  // a few tags only: RapidCheck reports each combination of them
  RC_TAG(std::string("key: ") + key_name(v.remote_key));
  RC_CLASSIFY(!v.local_types.empty() || !v.remote_types.empty(), "types differ");
}

ModelOptions model_options(const Variant& v, int max_percent) {
  ModelOptions o;
  o.max_percent = max_percent;
  o.local_json_text = v.local_json();
  return o;
}

void fit_remote_meter(const Variant& v, Meter& m) {
  if (v.remote_enum_type() && m.type && m.type->empty()) m.type = "m";
  if (m.register_map && m.register_map->nul_escape && (v.remote_jsonb() || v.local_json()))
    m.register_map->nul_escape = false;
}

void fit_world(const Variant& v, World& w) {
  std::set<std::int32_t> seen;
  std::vector<RemoteRow> kept;
  for (auto r : w.remote) {
    fit_remote_meter(v, r.meter);
    if (v.remote_key != Variant::Key::none) {
      if (!r.meter.id && v.remote_key == Variant::Key::primary_key) continue;
      if (r.meter.id && !seen.insert(*r.meter.id).second) continue;
    }
    kept.push_back(std::move(r));
  }
  w.remote = std::move(kept);
  if (v.local_empty) w.local.clear();
}

std::vector<Edit> fit_edits(const Variant& v, RemoteRows remote, std::vector<Edit> edits) {
  // Above every id already there: an earlier batch of edits may have used 300000 itself.
  std::int32_t fresh = 300000;
  for (const auto& r : remote)
    if (r && r->meter.id && *r->meter.id >= fresh) fresh = *r->meter.id + 1;
  std::int32_t tenant = 0;
  Table local;
  for (auto& e : edits) {
    const bool row_edit = e.kind == Edit::Kind::remote_add || e.kind == Edit::Kind::remote_change;
    if (row_edit) {
      fit_remote_meter(v, e.remote.meter);
      if (v.remote_key != Variant::Key::none) {
        auto& id = e.remote.meter.id;
        bool taken = false;
        for (std::size_t i = 0; i < remote.size(); ++i)
          taken = taken || (remote[i] && id && remote[i]->meter.id == id &&
                            !(e.kind == Edit::Kind::remote_change && i == static_cast<std::size_t>(e.target)));
        if (taken || (!id && v.remote_key == Variant::Key::primary_key)) id = fresh++;
      }
    }
    apply_edit(e, remote, local, tenant);
  }
  return edits;
}

testing_support::SchemaOptions schema_options(const Variant& v) {
  testing_support::SchemaOptions o;
  o.local_types = v.local_types;
  o.remote_types = v.remote_types;
  return o;
}

Gen<Scenario> gen_scenario(WorldOptions options) {
  return gen::exec([options] {
    Scenario s;
    s.variant = *gen_variant();
    WorldOptions o = options;
    // a second run: enough unchanged meters that a few edits stay below the 25 % threshold
    if (s.variant.compare != Variant::Compare::single) o.max_padding = std::max(o.max_padding, 12);
    s.world = *gen_world(o);
    fit_world(s.variant, s.world);
    if (s.variant.compare == Variant::Compare::single) return s;
    const RemoteRows rows(s.world.remote.begin(), s.world.remote.end());
    const Table after_first = model_run(as_table(s.world.local), s.world.remote, s.world.tenant,
                                        model_options(s.variant))
                                  .local;
    std::vector<Edit> edits;
    if (s.variant.many_changes)
      for (std::size_t i = 0; i < rows.size(); ++i) {
        Edit touch;
        touch.kind = Edit::Kind::remote_touch;
        touch.target = static_cast<std::int32_t>(i);
        edits.push_back(touch);
      }
    auto more = *gen_edits(rows, after_first, s.world.tenant, false);
    if (!s.variant.many_changes) more.resize(std::min<std::size_t>(more.size(), *gen::inRange(0, 3)));
    edits.insert(edits.end(), more.begin(), more.end());
    s.between = fit_edits(s.variant, rows, edits);
    return s;
  });
}

void showValue(const Scenario& s, std::ostream& os) {
  os << "\n  variant: ";
  showValue(s.variant, os);
  showValue(s.world, os);
  if (s.variant.compare == Variant::Compare::single) return;
  os << "  edits after the first run:\n";
  for (const auto& e : s.between) {
    os << "    ";
    showValue(e, os);
    os << "\n";
  }
}

}  // namespace meter_props
