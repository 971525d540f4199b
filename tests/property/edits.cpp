#include "property/edits.hpp"

#include <ostream>

#include "property/choice.hpp"
#include "property/generators.hpp"

namespace meter_props {
namespace {

using namespace rc;

std::string column_names() {
  std::string cols;
  for (const auto& c : columns()) cols += (cols.empty() ? "" : ", ") + c;
  return cols;
}

}  // namespace

std::vector<RemoteRow> present(const RemoteRows& rows) {
  std::vector<RemoteRow> out;
  for (const auto& r : rows)
    if (r) out.push_back(*r);
  return out;
}

void apply_edit(const Edit& e, RemoteRows& remote, Table& local, std::int32_t& tenant) {
  using K = Edit::Kind;
  const auto row = static_cast<std::size_t>(e.target);
  switch (e.kind) {
    case K::remote_change:
      remote.at(row) = e.remote;
      break;
    case K::remote_touch:
      break;
    case K::remote_remove:
      remote.at(row) = std::nullopt;
      break;
    case K::remote_add:
      remote.push_back(e.remote);
      break;
    case K::local_change:
    case K::local_add:
      local[e.target] = e.local;
      break;
    case K::local_touch:
      break;
    case K::local_remove:
      local.erase(e.target);
      break;
    case K::switch_tenant:
      tenant = e.target;
      break;
  }
}

std::string remote_sql(const Edit& e) {
  using K = Edit::Kind;
  const std::string where = " WHERE row_no = " + std::to_string(e.target) + ";";
  switch (e.kind) {
    case K::remote_change:
      return "UPDATE meter SET (" + column_names() + ", tenant_id) = " + sql_values(e.remote) + where;
    case K::remote_touch:
      return "UPDATE meter SET name = name" + where;
    case K::remote_remove:
      return "DELETE FROM meter" + where;
    case K::remote_add:
      return "INSERT INTO meter (" + column_names() + ", tenant_id, row_no) VALUES " +
             remote_insert_values(e.remote, static_cast<std::size_t>(e.target)) + ";";
    default:
      return "";
  }
}

std::string local_sql(const Edit& e) {
  using K = Edit::Kind;
  // quoted: the local id may be varchar
  const std::string where = " WHERE id = '" + std::to_string(e.target) + "';";
  switch (e.kind) {
    case K::local_change:
      return "UPDATE meter SET (" + column_names() + ") = " + sql_values(e.local) + where;
    case K::local_touch:
      return "UPDATE meter SET name = name" + where;
    case K::local_remove:
      return "DELETE FROM meter" + where;
    case K::local_add:
      return "INSERT INTO meter (" + column_names() + ") VALUES " + sql_values(e.local) + ";";
    case K::switch_tenant:
      return "UPDATE tenant SET id = " + std::to_string(e.target) + ";";
    default:
      return "";
  }
}

void showValue(const Edit& e, std::ostream& os) {
  using K = Edit::Kind;
  switch (e.kind) {
    case K::remote_change:
      os << "remote row #" << e.target << " becomes tenant " << e.remote.tenant_id << " ";
      showValue(e.remote.meter, os);
      break;
    case K::remote_touch:
      os << "remote row #" << e.target << " rewritten with the same values";
      break;
    case K::remote_remove:
      os << "remote row #" << e.target << " deleted";
      break;
    case K::remote_add:
      os << "remote row #" << e.target << " added: tenant " << e.remote.tenant_id << " ";
      showValue(e.remote.meter, os);
      break;
    case K::local_change:
      os << "local meter " << e.target << " edited locally to ";
      showValue(e.local, os);
      break;
    case K::local_touch:
      os << "local meter " << e.target << " rewritten with the same values";
      break;
    case K::local_remove:
      os << "local meter " << e.target << " deleted locally";
      break;
    case K::local_add:
      os << "local meter " << e.target << " added locally: ";
      showValue(e.local, os);
      break;
    case K::switch_tenant:
      os << "the local tenant row becomes " << e.target;
      break;
  }
}

Gen<Edit> gen_tenant_switch(const RemoteRows& remote, std::int32_t tenant) {
  std::vector<std::int32_t> candidates;
  for (const auto& r : remote)
    if (r && r->tenant_id != tenant) candidates.push_back(r->tenant_id);
  if (candidates.empty()) candidates = other_tenants(tenant);
  return gen::map(pick(candidates), [](std::int32_t t) {
    Edit e;
    e.kind = Edit::Kind::switch_tenant;
    e.target = t;
    return e;
  });
}

Gen<std::vector<Edit>> gen_edits(RemoteRows remote_now, Table local_now, std::int32_t tenant_now,
                                 bool tenant_switch) {
  return gen::exec([remote_now, local_now, tenant_now, tenant_switch] {
    using K = Edit::Kind;
    RemoteRows remote = remote_now;  // as the edits so far left them
    Table local = local_now;
    std::int32_t tenant = tenant_now;
    std::vector<Edit> edits;
    const int n = *gen::inRange(1, 7);
    for (int i = 0; i < n; ++i) {
      std::vector<std::int32_t> rows, ids;
      for (size_t r = 0; r < remote.size(); ++r)
        if (remote[r]) rows.push_back(static_cast<std::int32_t>(r));
      for (const auto& [id, m] : local) ids.push_back(id);
      Edit e;
      e.kind = *pick_weighted<K>({{5, K::remote_change},
                                  {2, K::remote_touch},
                                  {2, K::remote_remove},
                                  {3, K::remote_add},
                                  {3, K::local_change},
                                  {2, K::local_touch},
                                  {1, K::local_remove},
                                  {1, K::local_add},
                                  {tenant_switch ? 2u : 0u, K::switch_tenant}});
      const bool on_remote =
          e.kind == K::remote_change || e.kind == K::remote_touch || e.kind == K::remote_remove;
      const bool on_local =
          e.kind == K::local_change || e.kind == K::local_touch || e.kind == K::local_remove;
      if ((on_remote && rows.empty()) || (on_local && ids.empty())) e.kind = K::remote_add;
      switch (e.kind) {
        case K::remote_change: {
          e.target = *pick(rows);
          const RemoteRow& old = *remote[static_cast<size_t>(e.target)];
          e.remote.tenant_id = *pick_weighted<bool>({{5, true}, {1, false}})
                                   ? old.tenant_id
                                   : *pick(other_tenants(old.tenant_id));
          e.remote.meter = *choose<Meter>(
              {{4, gen_changed(old.meter)}, {1, gen_meter(old.meter.id.value_or(1))}});  // fixed
          maybe_break(e.remote.meter);
          break;
        }
        case K::remote_touch:
        case K::remote_remove:
          e.target = *pick(rows);
          break;
        case K::remote_add: {
          e.target = static_cast<std::int32_t>(remote.size());
          e.remote.tenant_id =
              *pick_weighted<bool>({{3, true}, {1, false}}) ? tenant : *pick(other_tenants(tenant));
          e.remote.meter = *gen_meter(*gen_id());
          maybe_break(e.remote.meter);
          break;
        }
        case K::local_change:
          e.target = *pick(ids);
          e.local = *gen_changed(local.at(e.target));
          break;
        case K::local_touch:
        case K::local_remove:
          e.target = *pick(ids);
          break;
        case K::local_add:
          e.target = *gen_id();
          if (local.count(e.target))
            e.kind = K::local_touch;
          else
            e.local = *gen_meter(e.target);
          break;
        case K::switch_tenant:
          e = *gen_tenant_switch(remote, tenant);
          break;
      }
      apply_edit(e, remote, local, tenant);
      edits.push_back(e);
    }
    return edits;
  });
}

}  // namespace meter_props
