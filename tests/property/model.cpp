#include "property/model.hpp"

#include <algorithm>
#include <map>

namespace meter_props {
namespace {

// Why a remote row cannot be stored, or "" if it can (CONTRACT.md, run step 4).
std::string invalid_reason(const Meter& m, const std::map<std::int32_t, int>& id_uses) {
  if (!m.id) return "id";
  if (!m.name || m.name->empty()) return "name";
  if (!m.type) return "type";
  if (!m.status) return "status";
  if (m.port && (*m.port < 0 || *m.port > 65535)) return "port";
  if (id_uses.at(*m.id) > 1) return "duplicate";
  if (m.register_map && m.register_map->nul_escape) return "rejected by the local table";
  return "";
}

}  // namespace

std::int64_t Expected::active_after() const {
  std::int64_t n = 0;
  for (const auto& [id, m] : local) n += m.active == true;
  return n;
}

Table as_table(const std::vector<Meter>& rows) {
  Table t;
  for (const auto& m : rows) t[*m.id] = m;
  return t;
}

Expected model_run(const Table& local, const std::vector<RemoteRow>& remote, std::int32_t tenant,
                   int max_percent) {
  ModelOptions options;
  options.max_percent = max_percent;
  return model_run(local, remote, tenant, options);
}

Expected model_run(const Table& local, const std::vector<RemoteRow>& remote, std::int32_t tenant,
                   const ModelOptions& options) {
  const int max_percent = options.max_percent;
  Expected e;
  e.local = local;
  for (const auto& [id, m] : local) e.active_before += m.active == true;

  std::vector<Meter> rows;  // the tenant's remote rows
  std::map<std::int32_t, int> id_uses;
  for (const auto& r : remote)
    if (r.tenant_id == tenant) {
      rows.push_back(r.meter);
      if (r.meter.id) ++id_uses[*r.meter.id];
    }

  Table valid;
  for (const auto& m : rows) {
    const std::string reason = invalid_reason(m, id_uses);
    if (reason.empty()) {
      valid[*m.id] = m;
    } else {
      e.skipped.push_back({m.id, reason});
      if (m.id && local.count(*m.id)) e.left_alone_ids.push_back(*m.id);
    }
  }
  std::sort(e.left_alone_ids.begin(), e.left_alone_ids.end());  // a duplicated id: once
  e.left_alone_ids.erase(std::unique(e.left_alone_ids.begin(), e.left_alone_ids.end()), e.left_alone_ids.end());
  e.counts.skipped = static_cast<std::int64_t>(e.skipped.size());

  for (const auto& [id, m] : valid) {
    auto it = e.local.find(id);
    if (it == e.local.end()) {
      e.inserted_ids.push_back(id);
      e.local[id] = m;
    } else if (!same_copied_fields(it->second, m)) {
      e.updated_ids.push_back(id);
      it->second = m;
    } else {
      e.kept_ids.push_back(id);
      const auto& l = it->second.register_map;
      if (options.local_json_text && l && m.register_map && l->text() != m.register_map->text())
        e.respelled_ids.push_back(id);
    }
  }
  for (auto& [id, m] : e.local) {
    if (id_uses.count(id)) continue;  // valid, or skipped: left alone
    e.absent_ids.push_back(id);
    if (m.active == true) {
      e.deleted_ids.push_back(id);
      m.active = false;
    }
  }
  e.counts.inserted = static_cast<std::int64_t>(e.inserted_ids.size());
  e.counts.updated = static_cast<std::int64_t>(e.updated_ids.size());
  e.counts.deleted = static_cast<std::int64_t>(e.deleted_ids.size());

  // the guard: more than max_percent of the active meters, and at least 10
  e.refused = max_percent < 100 && e.counts.deleted >= 10 &&
              e.counts.deleted * 100 > static_cast<std::int64_t>(max_percent) * e.active_before;
  if (e.refused) e.local = local;
  e.exit_code = e.refused || e.counts.skipped > 0 ? 65 : 0;
  return e;
}

}  // namespace meter_props
