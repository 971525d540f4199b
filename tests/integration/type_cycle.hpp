#pragma once
// The sync cycle every family of column types must pass: first run, reruns that change nothing
// (0/0/0, no local row rewritten), dry runs, and one run with an edit of every kind, each
// followed by a comparison of the local rows with the remote's in the remote's types.
#include <set>
#include <string>

#include "support/test_db.hpp"

namespace testing_support {

struct CycleOptions {
  std::set<std::string> always_skipped;  // remote keys (text) of tenant 1 skipped on every run
  std::string remote_relation = "meter";  // what the comparison reads on the remote side
};

// Needs an empty remote and local meter table; adds remote meters 1-10 (tenant 1) and 11
// (tenant 2) through TestDatabases::add_remote_meter.
void type_family_cycle(TestDatabases& db, const CycleOptions& options = {});

}  // namespace testing_support
