#pragma once
// Changes made between two runs, on either side: what each does to the model's tables, the SQL
// that does it to the databases, and a generator of them.
#include <rapidcheck.h>

#include "property/meter.hpp"

namespace meter_props {

// One change made between two runs, on either side (or to the local tenant row).
struct Edit {
  enum class Kind {
    remote_change,
    remote_touch,
    remote_remove,
    remote_add,  // target: remote row number
    local_change,
    local_touch,
    local_remove,
    local_add,     // target: local meter id
    switch_tenant  // target: the new tenant
  };
  Kind kind = Kind::remote_touch;
  std::int32_t target = 0;
  RemoteRow remote;  // the new remote row (remote_change, remote_add)
  Meter local;       // the new local row (local_change, local_add)
};

// The remote table as rows numbered by position (the test's extra remote column row_no);
// a removed row leaves an empty slot.
using RemoteRows = std::vector<std::optional<RemoteRow>>;
std::vector<RemoteRow> present(const RemoteRows& rows);

// What an edit does to the model's tables, and the SQL that does it to the databases.
void apply_edit(const Edit& e, RemoteRows& remote, Table& local, std::int32_t& tenant);
std::string remote_sql(const Edit& e);  // "" for a local edit
std::string local_sql(const Edit& e);   // "" for a remote edit

void showValue(const Edit& e, std::ostream& os);

// As an operator or the remote system would make them: remote rows edited (maybe broken,
// fixed or moved to another tenant), rewritten unchanged, deleted, added (maybe duplicating an
// id); local meters edited, rewritten, deleted, added; with `tenant_switch`, rarely another
// tenant in the local tenant table.
rc::Gen<std::vector<Edit>> gen_edits(RemoteRows remote, Table local, std::int32_t tenant, bool tenant_switch);
// A switch of the local tenant row, preferably to a tenant the remote has rows of.
rc::Gen<Edit> gen_tenant_switch(const RemoteRows& remote, std::int32_t tenant);

}  // namespace meter_props
