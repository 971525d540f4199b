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

TEST_CASE("redact: mask keeps the length, uri_password finds the written password") {
  CHECK(mask("postgresql://u:s3cret@h/db", {}) == "postgresql://u:******@h/db");
  CHECK(mask("host=h password='a b' port=1", {}) == "host=h password=***** port=1");
  CHECK(mask("x Hunter2 y Hunter2", {"Hunter2"}) == "x ******* y *******");
  CHECK(mask("nothing to hide", {""}) == "nothing to hide");
  CHECK(uri_password("postgresql://u:Pw%zz@h:1/db") == "Pw%zz");
  CHECK(uri_password("postgres://u@h/db") == "");
  CHECK(uri_password("host=h password=p") == "");
}
