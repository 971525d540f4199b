#include <doctest/doctest.h>

#include "core/conninfo.hpp"
#include "db/connection.hpp"

using namespace meter_sync;

TEST_CASE("conninfo: build quotes values so libpq reads them back unchanged") {
  const ConnParams p = {{"host", "h"}, {"password", "it's a \\ secret"}, {"options", "-c a=b -c c=d"}};
  CHECK(parse_conninfo(build_conninfo(p), "test") == p);
}

TEST_CASE("conninfo: describe_endpoint names host, port and database, never the password") {
  const auto d = describe_endpoint({{"host", "db.example"}, {"port", "6543"}, {"dbname", "sync"}, {"password", "pw"}});
  CHECK(d == "db.example:6543/sync");
}

TEST_CASE("session_params: UTC, ISO dates and timeouts added; the user's values kept") {
  Settings s;
  s.statement_timeout_s = 60;
  const auto p = session_params(Side::local, {{"connect_timeout", "3"}, {"options", "-c search_path=app"}}, s);
  CHECK(p.at("connect_timeout") == "3");
  CHECK(p.at("application_name") == "meter-sync");
  CHECK(p.at("options").find("-c search_path=app -c TimeZone=UTC -c DateStyle=ISO") == 0);
  CHECK(p.at("options").find("statement_timeout=60s") != std::string::npos);
  CHECK(p.at("options").find("lock_timeout=30s") != std::string::npos);
  CHECK(session_params(Side::remote, {}, s).at("options").find("lock_timeout") == std::string::npos);
}
