#include <doctest/doctest.h>

#include "core/redact.hpp"

using namespace meter_sync;

TEST_CASE("redact: known secrets, password= and URI passwords") {
  CHECK(redact("auth failed for pw Hunter2 and Hunter2", {"Hunter2"}) == "auth failed for pw *** and ***");
  CHECK(redact("host=h password=abc dbname=d", {}) == "host=h password=*** dbname=d");
  CHECK(redact("host=h password='a b\\'c' dbname=d", {}) == "host=h password=*** dbname=d");
  CHECK(redact("postgresql://user:s3cret@host:5432/db", {}) == "postgresql://user:***@host:5432/db");
  CHECK(redact("nothing to hide", {""}) == "nothing to hide");
}
