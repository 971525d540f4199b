#include <doctest/doctest.h>

#include "core/config.hpp"
#include "core/errors.hpp"

using namespace meter_sync;

namespace {
EnvFile file_of(std::initializer_list<std::pair<const std::string, std::string>> kv) {
  EnvFile f;
  for (const auto& [k, v] : kv) f[k] = EnvValue{v, "f.env:1"};
  return f;
}
}  // namespace

TEST_CASE("config: defaults") {
  const auto s = resolve_settings({}, {}, {});
  CHECK(s.local_db.empty());
  CHECK(s.remote_db.empty());
  CHECK(s.lock_key == 63837);
  CHECK(s.max_deactivate_percent == 50);
  CHECK(s.connect_timeout_s == 10);
  CHECK(s.log_level == "info");
  CHECK(!s.tenant_id);
}

TEST_CASE("config: flag > environment > env file") {
  const auto file = file_of({{"METER_SYNC_LOCK_KEY", "1"}, {"METER_SYNC_TENANT_ID", "5"},
                             {"METER_SYNC_LOG_LEVEL", "debug"}});
  const Environment env = {{"METER_SYNC_LOCK_KEY", "2"}};
  FlagValues flags;
  CHECK(resolve_settings(flags, {}, file).lock_key == 1);
  CHECK(resolve_settings(flags, env, file).lock_key == 2);
  flags.lock_key = 3;
  CHECK(resolve_settings(flags, env, file).lock_key == 3);
  CHECK(resolve_settings(flags, env, file).tenant_id == 5);
  CHECK(resolve_settings(flags, env, file).log_level == "debug");
}

TEST_CASE("config: connection string wins, pieces fill in, never across databases") {
  const Environment env = {{"POSTGRES_SYNC_HOST", "sync-host"}, {"POSTGRES_SYNC_PASSWORD", "pw"},
                           {"POSTGRES_CLIENT_HOST", "client-host"}, {"POSTGRES_CLIENT_SSLMODE", "verify-full"}};
  FlagValues flags;
  flags.local_db = "host=flag-host dbname=sync";
  const auto s = resolve_settings(flags, env, file_of({{"POSTGRES_CLIENT_DB", "clientdb"}}));
  CHECK(s.local_db.at("host") == "flag-host");
  CHECK(s.local_db.at("dbname") == "sync");
  CHECK(s.local_db.at("password") == "pw");
  CHECK(s.local_db.count("sslmode") == 0);
  CHECK(s.remote_db.at("host") == "client-host");
  CHECK(s.remote_db.at("dbname") == "clientdb");
  CHECK(s.remote_db.at("sslmode") == "verify-full");

  SUBCASE("a missing local setting stays a libpq default, not the remote's") {
    const auto only_remote = resolve_settings({}, {{"POSTGRES_CLIENT_HOST", "client-host"}}, {});
    CHECK(only_remote.local_db.count("host") == 0);
  }
  SUBCASE("URI in the environment") {
    const auto u = resolve_settings({}, {{"METER_SYNC_REMOTE_DB", "postgresql://u:secret@h:6432/db?sslmode=verify-full&sslrootcert=/etc/ca.pem"}}, {});
    CHECK(u.remote_db.at("host") == "h");
    CHECK(u.remote_db.at("port") == "6432");
    CHECK(u.remote_db.at("sslrootcert") == "/etc/ca.pem");
    CHECK(secrets_of(u) == std::vector<std::string>{"secret"});
  }
}

TEST_CASE("config: bad values name the variable and where it came from") {
  auto error_of = [](const Environment& env, const EnvFile& file) {
    try {
      resolve_settings({}, env, file);
    } catch (const Failure& f) {
      CHECK(f.status() == ExitStatus::config);
      return std::string(f.what());
    }
    return std::string("no error");
  };
  CHECK(error_of({{"METER_SYNC_LOCK_KEY", "12x"}}, {}).find("METER_SYNC_LOCK_KEY (environment)") != std::string::npos);
  CHECK(error_of({}, file_of({{"METER_SYNC_MAX_DEACTIVATE_PERCENT", "150"}})).find("(f.env:1)") != std::string::npos);
  CHECK(error_of({{"METER_SYNC_LOG_LEVEL", "loud"}}, {}).find("expected trace|debug") != std::string::npos);
  const auto bad_conn = error_of({{"METER_SYNC_LOCAL_DB", "host=x password=topsecret oops"}}, {});
  CHECK(bad_conn.find("METER_SYNC_LOCAL_DB") != std::string::npos);
  CHECK(bad_conn.find("topsecret") == std::string::npos);
}
