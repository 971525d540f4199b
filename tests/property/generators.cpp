#include "property/generators.hpp"

#include <cstdio>
#include <limits>
#include <set>

#include "property/choice.hpp"

namespace meter_props {
namespace {

using nlohmann::json;
using namespace rc;

constexpr std::int32_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t int32_max = std::numeric_limits<std::int32_t>::max();

// One character (as UTF-8), never NUL: PostgreSQL text cannot hold it.
Gen<std::string> gen_char() {
  return choose<std::string>({
      {8,
       gen::map(gen::inRange<int>('a', 'z' + 1), [](int c) { return std::string(1, static_cast<char>(c)); })},
      {2, pick<std::string>({"A", "Z", "0", "9", " ", "-", "_", ".", ":", "/", "%", ",", "|"})},
      {4, pick<std::string>({"'", "\"", "\\", "\t", "\n", "\r", "{", "}", "[", "]", "\x01", "\x1b", "\x7f"})},
      {4, pick<std::string>({"é", "ü", "ß", "Ω", "中", "文", "😀", "💩", "\u0301", "\u00a0", "\u2028", "\ufeff",
                             "\U0010FFFF"})},
  });
}

// One of the calendar's days, so that every generated date exists (proleptic Gregorian).
int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

std::string format_date(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, std::min(day, days_in_month(year, month)));
  return buf;
}

Gen<int> gen_year() {
  return choose<int>({{3, gen::inRange(2000, 2040)},
                      {2, gen::inRange(1, 10000)},
                      {1, pick<int>({1, 2, 1582, 1900, 1969, 1970, 2038, 9998, 9999})}});
}

Gen<std::int64_t> gen_json_int() {
  return choose<std::int64_t>(
      {{1, pick<std::int64_t>({0, 1, -1, 9007199254740993LL, std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max()})},
       {3, gen::inRange<std::int64_t>(-1000, 1001)}});
}

Gen<JsonStyle> gen_style() {
  return gen::exec([] {
    JsonStyle s;
    s.spaced = *gen::arbitrary<bool>();
    s.escape_non_ascii = *gen::arbitrary<bool>();
    s.escape_slash = *pick_weighted<bool>({{3, false}, {1, true}});
    s.reverse_keys = *gen::arbitrary<bool>();
    s.decoy_duplicate = *pick_weighted<bool>({{3, false}, {1, true}});
    return s;
  });
}

// NULL or a value; one pick, so that shrinking can turn any value into NULL.
template <typename T>
std::optional<T> maybe_null(const Gen<T>& gen, std::size_t null_weight = 1, std::size_t value_weight = 3) {
  return *choose<std::optional<T>>(
      {{null_weight, gen::just(std::optional<T>())},
       {value_weight, gen::map(gen, [](T v) { return std::optional<T>(std::move(v)); })}});
}

Gen<std::string> gen_name() {
  return gen::map(gen_text(), [](std::string s) { return s.empty() ? std::string("m") : s; });
}

Gen<std::string> gen_ip() {
  return choose<std::string>(
      {{3, gen::apply([](int a, int b) { return "10.0." + std::to_string(a) + "." + std::to_string(b); },
                      gen::inRange(0, 256), gen::inRange(0, 256))},
       {1, pick<std::string>({"::1", "fe80::1%eth0", "255.255.255.255", ""})},
       {1, gen_text()}});
}

// Fills copied column number `field` (1..15 in columns() order) with a fresh value.
void set_field(Meter& m, int field) {
  switch (field) {
    case 1:
      m.name = *gen_name();
      break;
    case 2:
      m.type = *gen_text();
      break;
    case 3:
      m.serial_number = maybe_null(gen_text());
      break;
    case 4:
      m.installation_date = maybe_null(gen_date());
      break;
    case 5:
      m.device_id = maybe_null(gen_int32());
      break;
    case 6:
      m.location_id = maybe_null(gen_int32());
      break;
    case 7:
      m.ip = maybe_null(gen_ip());
      break;
    case 8:
      m.port = maybe_null(gen_valid_port());
      break;
    case 9:
      m.protocol = maybe_null(
          choose<std::string>({{2, pick<std::string>({"modbus", "mbus", "bacnet"})}, {1, gen_text()}}));
      break;
    case 10:
      m.status = *choose<std::string>({{2, pick<std::string>({"online", "offline"})}, {1, gen_text()}});
      break;
    case 11:
      m.register_map = maybe_null(gen_register_map());
      break;
    case 12:
      m.notes = maybe_null(gen_text());
      break;
    case 13:
      m.active = maybe_null(gen::arbitrary<bool>(), 1, 4);
      break;
    case 14:
      m.created_at = maybe_null(gen_timestamp());
      break;
    case 15:
      m.updated_at = maybe_null(gen_timestamp());
      break;
  }
}
}  // namespace

Gen<std::int32_t> gen_id() {
  return choose<std::int32_t>({{6, gen::resize(100, gen::inRange<std::int32_t>(1, 13))},
                               {1, pick<std::int32_t>({0, -7, 99999, int32_max, int32_min})}});
}

std::vector<std::int32_t> other_tenants(std::int32_t tenant) {
  std::vector<std::int32_t> others;
  for (std::int32_t t : {1, 2, 3, -1, int32_max})
    if (t != tenant) others.push_back(t);
  return others;
}

void maybe_break(Meter& m, bool often) {
  if (*pick_weighted<bool>({{often ? 5u : 45u, false}, {7, true}})) force_break(m);
}

void force_break(Meter& m) {
  switch (*pick_weighted<int>({{1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {2, 6}})) {
    case 1:
      m.name = std::nullopt;
      break;
    case 2:
      m.name = "";
      break;
    case 3:
      m.type = std::nullopt;
      break;
    case 4:
      m.status = std::nullopt;
      break;
    case 5:
      m.port = *gen_invalid_port();
      break;
    case 6:
      if (!m.register_map) m.register_map = *gen_register_map();
      m.register_map->nul_escape = true;
      break;
    default:
      break;
  }
}

Gen<std::string> gen_text() {
  return choose<std::string>(
      {{1, pick<std::string>({"", " ", "NULL", "null", "\\N", "\\.", "'; DROP TABLE meter; --", "a\tb\nc\\d",
                              "\"quoted\"", "Zürich – 東京 🚀"})},
       {6, gen::mapcat(gen::inRange(0, 9), [](int n) {
          return gen::map(gen::container<std::vector<std::string>>(static_cast<std::size_t>(n), gen_char()),
                          [](const std::vector<std::string>& chars) {
                            std::string s;
                            for (const auto& c : chars) s += c;
                            return s;
                          });
        })}});
}

Gen<std::int32_t> gen_int32() {
  return choose<std::int32_t>({{2, pick<std::int32_t>({0, 1, -1, int32_min, int32_max})},
                               {3, gen::inRange<std::int32_t>(-1000, 1001)},
                               {1, gen::arbitrary<std::int32_t>()}});
}

Gen<std::int32_t> gen_valid_port() {
  return choose<std::int32_t>(
      {{2, pick<std::int32_t>({0, 65535, 502, 1})}, {3, gen::inRange<std::int32_t>(0, 65536)}});
}

Gen<std::int32_t> gen_invalid_port() {
  return choose<std::int32_t>({{3, pick<std::int32_t>({-1, 65536, int32_min, int32_max})},
                               {1, gen::inRange<std::int32_t>(65536, int32_max)},
                               {1, gen::inRange<std::int32_t>(int32_min, 0)}});
}

Gen<std::string> gen_date() {
  return choose<std::string>(
      {{4, gen::apply(format_date, gen_year(), gen::inRange(1, 13), gen::inRange(1, 32))},
       {1, pick<std::string>({"0001-01-01", "9999-12-31", "1970-01-01", "2000-02-29"})}});
}

Gen<std::string> gen_timestamp() {
  const auto compose = [](const std::string& date, int h, int m, int s, int us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " %02d:%02d:%02d.%06d", h, m, s, us);
    return date + buf;
  };
  return choose<std::string>(
      {{4, gen::apply(compose, gen_date(), gen::inRange(0, 24), gen::inRange(0, 60), gen::inRange(0, 60),
                      choose<int>({{3, gen::inRange(0, 1000000)}, {1, pick<int>({0, 1, 999999})}}))},
       {1, pick<std::string>({"0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999",
                              "1970-01-01 00:00:00.000000", "1969-12-31 23:59:59.999999",
                              "2000-02-29 12:00:00.000001"})}});
}

Gen<json> gen_json(int depth) {
  const auto scalar = choose<json>({
      {1, gen::just(json(nullptr))},
      {1, gen::map(gen::arbitrary<bool>(), [](bool b) { return json(b); })},
      {2, gen::map(gen_json_int(), [](std::int64_t i) { return json(i); })},
      {3, gen::map(gen_text(), [](const std::string& s) { return json(s); })},
  });
  if (depth <= 0) return scalar;
  const auto inner = gen_json(depth - 1);
  const auto array = gen::mapcat(gen::inRange(0, 4), [inner](int n) {
    return gen::map(gen::container<std::vector<json>>(static_cast<std::size_t>(n), inner),
                    [](const std::vector<json>& items) { return json(items); });
  });
  const auto object = gen::mapcat(gen::inRange(0, 4), [inner](int n) {
    return gen::map(gen::container<std::vector<std::pair<std::string, json>>>(static_cast<std::size_t>(n),
                                                                              gen::pair(gen_text(), inner)),
                    [](const std::vector<std::pair<std::string, json>>& members) {
                      json o = json::object();
                      for (const auto& [k, v] : members) o[k] = v;
                      return o;
                    });
  });
  return choose<json>({{2, scalar}, {1, array}, {2, object}});
}

Gen<RegisterMap> gen_register_map() {
  return gen::exec([] {
    RegisterMap r;
    r.value = *choose<json>(
        {{4, gen::suchThat(gen_json(2), [](const json& j) { return j.is_object(); })}, {1, gen_json(2)}});
    r.style = *gen_style();
    return r;
  });
}

Gen<Meter> gen_meter(std::int32_t id) {
  return gen::exec([id] {
    Meter m;
    m.id = id;
    for (int field = 1; field <= 15; ++field) set_field(m, field);
    return m;
  });
}

Gen<Meter> gen_changed(const Meter& m) {
  return gen::exec([m] {
    Meter c = m;
    if (m.register_map && *pick_weighted<bool>({{1, true}, {4, false}})) {
      c.register_map->style = *gen_style();  // the same JSON value spelled otherwise: no change
      return c;
    }
    const int fields = *gen::inRange(1, 4);
    for (int i = 0; i < fields; ++i) set_field(c, *gen::inRange(1, 16));
    return c;
  });
}

namespace {

// How one id stands between the two sides at the start.
enum class Kind { remote_only, local_only, same, changed, reappears, unrelated, duplicated, other_tenant };

// The rows one meter id contributes to a world: local, the synced tenant's, other tenants'.
struct IdRows {
  std::int32_t id = 0;
  std::vector<Meter> local;
  std::vector<RemoteRow> remote;
};

Gen<IdRows> gen_id_rows(std::int32_t tenant, bool break_often) {
  return gen::exec([tenant, break_often] {
    IdRows rows;
    rows.id = *gen_id();
    const Meter m = *gen_meter(rows.id);
    auto& local = rows.local;
    const auto remote = [&](std::int32_t t, Meter r) {
      maybe_break(r, break_often && t == tenant);
      rows.remote.push_back({t, std::move(r)});
    };
    const Kind kind = *pick_weighted<Kind>({{3, Kind::remote_only},
                                            {3, Kind::local_only},
                                            {3, Kind::same},
                                            {4, Kind::changed},
                                            {2, Kind::reappears},
                                            {1, Kind::unrelated},
                                            {1, Kind::duplicated},
                                            {1, Kind::other_tenant}});
    switch (kind) {
      case Kind::remote_only:
        remote(tenant, m);
        break;
      case Kind::local_only:
        local.push_back(m);
        break;
      case Kind::same:
        local.push_back(m);
        remote(tenant, m);
        break;
      case Kind::changed:
        local.push_back(m);
        remote(tenant, *gen_changed(m));
        break;
      case Kind::reappears: {
        Meter gone = m, back = m;
        gone.active = false;
        back.active = true;
        local.push_back(gone);
        remote(tenant, back);
        break;
      }
      case Kind::unrelated:
        local.push_back(m);
        remote(tenant, *gen_meter(rows.id));
        break;
      case Kind::duplicated:
        if (*gen::arbitrary<bool>()) local.push_back(m);
        remote(tenant, m);
        remote(tenant, *choose<Meter>({{1, gen::just(m)}, {2, gen_changed(m)}}));
        break;
      case Kind::other_tenant:  // only another tenant has it: never the synced tenant's business
        if (*gen::arbitrary<bool>()) local.push_back(m);
        break;
    }
    if (kind == Kind::other_tenant || *pick_weighted<bool>({{4, false}, {1, true}}))
      remote(*pick(other_tenants(tenant)), *gen_changed(m));
    return rows;
  });
}

Gen<RemoteRow> gen_null_id_row(std::int32_t tenant) {
  return gen::exec([tenant] {
    RemoteRow r;
    r.tenant_id = *pick_weighted<bool>({{2, true}, {1, false}}) ? tenant : *pick(other_tenants(tenant));
    r.meter = *gen_meter(0);
    r.meter.id = std::nullopt;
    maybe_break(r.meter);
    return r;
  });
}

// A slot that shrinks to nothing, so that shrinking can drop any id, not only the last.
template <typename T>
Gen<std::optional<T>> slot(Gen<T> gen, std::size_t empty_weight, std::size_t full_weight) {
  return choose<std::optional<T>>(
      {{empty_weight, gen::just(std::optional<T>())},
       {full_weight, gen::map(gen, [](T v) { return std::optional<T>(std::move(v)); })}});
}

}  // namespace

Gen<World> gen_world(WorldOptions options) {
  return gen::exec([options] {
    World w;
    w.tenant = *pick<std::int32_t>({1, 2, int32_max});
    // as many ids at every size: a world's cost is mostly the run, not its rows
    const auto n = static_cast<std::size_t>(*gen::resize(100, gen::inRange(0, options.max_ids + 1)));
    std::set<std::int32_t> used;
    for (const auto& ids :
         *gen::container<std::vector<std::optional<IdRows>>>(n, slot(gen_id_rows(w.tenant, options.break_often), 1, 6))) {
      if (!ids || !used.insert(ids->id).second) continue;
      w.local.insert(w.local.end(), ids->local.begin(), ids->local.end());
      w.remote.insert(w.remote.end(), ids->remote.begin(), ids->remote.end());
    }
    for (const auto& r :
         *gen::container<std::vector<std::optional<RemoteRow>>>(2, slot(gen_null_id_row(w.tenant), 5, 1)))
      if (r) w.remote.push_back(*r);
    const int padding = *gen::resize(100, gen::inRange(0, options.max_padding + 1));  // at every size
    for (int i = 0; i < padding; ++i) {
      Meter m = *gen_meter(200000 + i);
      m.active = true;
      m.register_map = std::nullopt;
      w.local.push_back(m);
      w.remote.push_back({w.tenant, m});
    }
    return w;
  });
}

}  // namespace meter_props
