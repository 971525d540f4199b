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

TEST_CASE("dead_peer_settings_sql: the server gives up on a vanished client when the client would") {
  Settings s;
  const auto defaults = session_params({}, s);
  // at most 60 s on either end, even for a run that waits out both connections in turn:
  // idle + interval * count, and the unacknowledged-data bound
  const int keepalive_s = std::stoi(defaults.at("keepalives_idle")) +
                          std::stoi(defaults.at("keepalives_interval")) * std::stoi(defaults.at("keepalives_count"));
  CHECK(2 * keepalive_s <= 45);
  CHECK(2 * std::stoi(defaults.at("tcp_user_timeout")) <= 45000);
  CHECK(dead_peer_settings_sql(defaults, 150000) ==
        " SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 3; SET tcp_keepalives_count = 3;"
        " SET tcp_user_timeout = 20000;");
  SUBCASE("the user's connection string values travel to the server too") {
    const auto p = session_params({{"keepalives_idle", "2"}, {"tcp_user_timeout", "4000"}}, s);
    const auto sql = dead_peer_settings_sql(p, 150000);
    CHECK(sql.find("SET tcp_keepalives_idle = 2;") != std::string::npos);
    CHECK(sql.find("SET tcp_user_timeout = 4000;") != std::string::npos);
  }
  SUBCASE("keepalives=0 leaves the server's own settings; PostgreSQL 11 has no tcp_user_timeout") {
    CHECK(dead_peer_settings_sql(session_params({{"keepalives", "0"}}, s), 150000).empty());
    CHECK(dead_peer_settings_sql(defaults, 110000).find("tcp_user_timeout") == std::string::npos);
  }
  SUBCASE("a value that is not a plain number is never pasted into SQL") {
    const auto sql = dead_peer_settings_sql(session_params({{"keepalives_idle", "1; DROP TABLE meter"}}, s), 150000);
    CHECK(sql.find("DROP") == std::string::npos);
    CHECK(sql.find("tcp_keepalives_idle") == std::string::npos);
  }
}
