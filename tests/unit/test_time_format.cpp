#include <doctest/doctest.h>

#include "core/time_format.hpp"

using namespace meter_sync;

TEST_CASE("iso8601_utc_ms: milliseconds, UTC, Z") {
  CHECK(iso8601_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso8601_utc_ms(1795608000123456) == "2026-11-25T12:00:00.123Z");
  CHECK(iso8601_utc_ms(-1000) == "1969-12-31T23:59:59.999Z");
}
