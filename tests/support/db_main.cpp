// main() of the database test binaries: skip (exit 125, CTest's SKIP_RETURN_CODE) when no
// test cluster is configured, as in a developer's odd environment; scripts/test.sh always
// provides one.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

#include "support/test_db.hpp"

int main(int argc, char** argv) {
  if (testing_support::cluster_conninfo().empty()) {
    std::cerr << "skipped: METER_SYNC_TEST_PG is not set (scripts/test.sh starts a cluster and sets it)\n";
    return 125;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
