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

TEST_CASE("session_params: defaults added, the user's values kept") {
  Settings s;
  const auto p = session_params({{"connect_timeout", "3"}, {"options", "-c search_path=app"}}, s);
  CHECK(p.at("connect_timeout") == "3");
  CHECK(p.at("options") == "-c search_path=app");
  CHECK(p.at("application_name") == "meter-sync");
  CHECK(p.at("client_encoding") == "UTF8");
  CHECK(p.at("keepalives") == "1");
  CHECK(session_params({}, s).at("connect_timeout") == "10");
}

TEST_CASE("session_settings_sql: UTC, ISO dates and timeouts; lock timeout only locally") {
  Settings s;
  s.statement_timeout_s = 60;
  const auto local = session_settings_sql(Side::local, s, 150000);
  CHECK(local.find("SET TimeZone = 'UTC'; SET DateStyle = 'ISO';") == 0);
  CHECK(local.find("SET statement_timeout = '60s';") != std::string::npos);
  CHECK(local.find("SET lock_timeout = '30s';") != std::string::npos);
  CHECK(session_settings_sql(Side::remote, s, 150000).find("lock_timeout") == std::string::npos);
  CHECK(local.find("client_connection_check_interval = '1s'") != std::string::npos);
  CHECK(session_settings_sql(Side::local, s, 130000).find("client_connection_check_interval") == std::string::npos);
}
