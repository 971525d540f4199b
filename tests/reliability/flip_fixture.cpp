#include "reliability/flip_fixture.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>

namespace reliability {

constexpr std::int64_t meters = 50000, shift = 1000;

FlipFixture::FlipFixture() {
  key_remote_meters_by_tenant(db);
  add_remote_meters(db, 1, 1, meters, "v1");  // separate transactions: separate row versions
  add_remote_meters(db, 2, 1 + shift, meters + shift, "v2");
  db.remote("ANALYZE meter");
  checksums_[1] = expected_checksum(db, 1, 2);
  checksums_[2] = expected_checksum(db, 2, 1);

  // first load of tenant 1, then one flip each way: from here on every run is a flip
  const int order[] = {1, 2, 1};
  for (int i = 0; i < 3; ++i) {
    const auto r = db.meter_sync(run_args(order[i]));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    if (i == 1) REQUIRE(local_checksum(db) == checksums_[2]);
    if (i > 0) run_seconds += r.seconds / 2;
  }
  REQUIRE(local_checksum(db) == checksums_[1]);
  mirrored = 1;
  std::cout << "flip fixture: a complete sync of " << meters << " meters takes " << run_seconds << " s\n";
}

std::vector<std::string> FlipFixture::run_args(int tenant) const {
  return {"--quiet", "run", "--tenant-id", std::to_string(tenant)};
}

int FlipFixture::state_now() {
  const std::string sum = local_checksum(db);
  for (int tenant : {1, 2})
    if (sum == checksums_[static_cast<size_t>(tenant)]) return tenant;
  return 0;
}

FlipFixture& shared_flip_fixture() {
  static FlipFixture fixture;
  return fixture;
}

std::mt19937_64& trial_random() {
  static std::mt19937_64 generator = [] {
    const char* fixed = std::getenv("METER_SYNC_RELIABILITY_SEED");
    const std::uint64_t seed = fixed ? std::strtoull(fixed, nullptr, 10) : std::random_device{}();
    std::cout << "random trials: METER_SYNC_RELIABILITY_SEED=" << seed << "\n";
    return std::mt19937_64(seed);
  }();
  return generator;
}

int env_count(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

}  // namespace reliability
