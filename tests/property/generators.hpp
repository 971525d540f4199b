#pragma once
// RapidCheck generators for the awkward values a real remote meter table holds, and for
// starting states where local and remote overlap in every way.
#include <rapidcheck.h>

#include "property/meter.hpp"

namespace meter_props {

rc::Gen<std::string> gen_text();           // valid UTF-8: quotes, backslashes, tabs, newlines, non-ASCII, ""
rc::Gen<std::int32_t> gen_int32();         // 0, +-1, INT32_MIN/MAX, small, any
rc::Gen<std::int32_t> gen_valid_port();    // 0..65535, 0 and 65535 often
rc::Gen<std::int32_t> gen_invalid_port();  // -1, 65536, INT32_MIN, INT32_MAX, ...
rc::Gen<std::string> gen_timestamp();      // UTC, microseconds, years 1..9999
rc::Gen<std::string> gen_date();           // years 1..9999
rc::Gen<nlohmann::json> gen_json(int depth);  // nested objects and arrays, unicode strings
rc::Gen<RegisterMap> gen_register_map();      // a JSON value in some spelling (never \u0000)
rc::Gen<Meter> gen_meter(std::int32_t id);    // a row any meter table accepts, NULLs everywhere allowed

// Some fields of `m` replaced by fresh values (maybe equal ones), or only its JSON re-spelled.
rc::Gen<Meter> gen_changed(const Meter& m);

struct WorldOptions {
  int max_ids = 10;     // ids in play (each: local only, remote only, both, duplicated, ...)
  int max_padding = 0;  // extra identical active meters on both sides (lets the guard trip)
  bool break_often = false;  // most remote rows of the tenant broken (skipped)
};

// Tenants 1, 2 and 2147483647 (and others) on the remote; invalid remote rows (null id,
// null/empty name, null type/status, bad port, duplicate id, JSON jsonb rejects).
rc::Gen<World> gen_world(WorldOptions options = {});

rc::Gen<std::int32_t> gen_id();  // a small pool (overlaps), 0, negatives, INT32_MIN/MAX
std::vector<std::int32_t> other_tenants(std::int32_t tenant);  // remote tenants besides `tenant`
// Sometimes makes a remote row invalid (null/empty name, null type/status, bad port, JSON
// jsonb rejects): the model must skip it, and deactivate its meter.
void maybe_break(Meter& m, bool often = false);
void force_break(Meter& m);  // always one of those

}  // namespace meter_props
