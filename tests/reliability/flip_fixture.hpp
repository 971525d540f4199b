#pragma once
// A large sync that can be repeated forever: the remote holds two versions of 50k meters
// (tenant 1: ids 1..50000, tenant 2: ids 1001..51000 with every copied field different), and
// each run syncs the local table to the tenant it does not mirror now (--tenant-id). A run
// therefore updates about 49k meters, inserts or reactivates 1000 and deactivates 1000, and
// the local table has exactly two legal states, whose checksums are computed on the remote.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "reliability/helpers.hpp"

namespace reliability {

class FlipFixture {
 public:
  FlipFixture();

  TestDatabases db;
  int mirrored = 1;              // tenant the local table mirrors now
  double run_seconds = 0;        // a complete flip, measured during setup
  int target() const { return 3 - mirrored; }
  std::vector<std::string> run_args(int tenant) const;
  const std::string& checksum_of(int tenant) const { return checksums_.at(static_cast<size_t>(tenant)); }
  // 1 or 2 for the tenant whose state the local table holds, 0 for anything else.
  int state_now();

 private:
  std::vector<std::string> checksums_{"", "", ""};
};

// One fixture for all the trials of the program (set up once: about 10 s).
FlipFixture& shared_flip_fixture();

// Random source for the trials: METER_SYNC_RELIABILITY_SEED if set, else random; the seed is
// printed so that a failure can be replayed.
std::mt19937_64& trial_random();

// A count from the environment variable `name`, else `fallback`.
int env_count(const char* name, int fallback);

}  // namespace reliability
