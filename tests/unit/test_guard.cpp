#include <doctest/doctest.h>

#include "core/guard.hpp"

using namespace meter_sync;

TEST_CASE("guard: more than P percent and at least 10 meters") {
  CHECK(deactivation_refused(11, 20, 50));
  CHECK_FALSE(deactivation_refused(10, 20, 50));  // exactly 50% is allowed
  CHECK_FALSE(deactivation_refused(9, 9, 50));     // fewer than 10
  CHECK(deactivation_refused(10, 10, 50));
  CHECK_FALSE(deactivation_refused(1000, 1000, 100));  // 100 turns it off
  CHECK(deactivation_refused(10, 1000, 0));
  CHECK_FALSE(deactivation_refused(0, 0, 0));
}
