#pragma once
// Checks on the state a sync leaves behind, whatever the column types on either side.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "support/test_db.hpp"

namespace testing_support {

// How the local meter table differs from the tenant's rows of the remote relation, every copied
// column compared in the REMOTE's type (the local values, fetched as text, are cast to the remote
// column's type on the remote side; json as jsonb). One line per problem, naming the meter and
// the column; empty when the copy is exact. Local rows absent from the tenant's remote rows must
// be inactive. Meters whose key text is in `ignored` (skipped on purpose) are left out.
std::vector<std::string> differences_from_remote(TestDatabases& db, std::int64_t tenant_id,
                                                 const std::string& remote_relation = "meter",
                                                 const std::set<std::string>& ignored = {});

// Every local meter row as "id xmin row-text", ordered by the key's text: equal before and
// after a run means the run rewrote no row and changed no byte.
std::vector<std::string> local_rows_with_versions(TestDatabases& db);

}  // namespace testing_support
