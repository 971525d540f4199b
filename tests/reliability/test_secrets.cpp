// A password given through a URI, POSTGRES_*_PASSWORD, an env file or PGPASSWORD never shows
// in stdout, stderr (trace level, text and JSON logs), meter_sync_log, or the process's
// arguments as `ps` shows them; nor when libpq's error text quotes part of a URI.
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "reliability/helpers.hpp"
#include "reliability/net_faults.hpp"

using namespace reliability;
using testing_support::run_process;

namespace {

const std::vector<std::string> secrets = {"Pw-uri-7731", "Pw-env-5521", "Pw-file-9917", "Pw-pg-4410",
                                          "Pw-kw-3385", "Pw-bad"};

void check_clean(const std::string& where, const std::string& text) {
  for (const auto& s : secrets) CHECK_MESSAGE(text.find(s) == std::string::npos, where << " shows " << s << ": " << text);
}

void check_clean(const ProcessResult& r) {
  check_clean("stdout", r.out);
  check_clean("stderr", r.err);
}

void check_log_table_clean(TestDatabases& db) {
  check_clean("meter_sync_log",
              db.local("SELECT coalesce(string_agg(t::text, ' '), '') FROM meter_sync_log t")[0][0].as<std::string>());
}

// The pieces of a test database's connection string, as POSTGRES_<PREFIX>_* variables.
EnvOverrides pieces(const std::string& conninfo, const std::string& prefix, const std::string& password) {
  return {{prefix + "HOST", conn_param(conninfo, "host")}, {prefix + "PORT", conn_param(conninfo, "port")},
          {prefix + "DB", conn_param(conninfo, "dbname")}, {prefix + "USER", conn_param(conninfo, "user")},
          {prefix + "PASSWORD", password}};
}

std::string uri(const std::string& conninfo, const std::string& password) {
  return "postgresql://" + conn_param(conninfo, "user") + ":" + password + "@" + conn_param(conninfo, "host") +
         ":" + conn_param(conninfo, "port") + "/" + conn_param(conninfo, "dbname");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::vector<std::vector<std::string>> log_options = {
    {"--log-level", "trace"}, {"--log-level", "trace", "--log-format", "json"}};

}  // namespace

TEST_CASE("secrets: passwords in URIs on the command line") {
  TestDatabases db;
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  const std::string local = uri(db.local_conninfo(), "Pw-uri-7731");
  const std::string remote = uri(db.remote_conninfo(), "Pw-uri-7731");

  for (const auto& options : log_options) {
    for (const std::string command : {"run", "status"}) {
      auto args = options;
      args.insert(args.end(), {command, "--json"});
      const auto r = run_process(meter_sync_argv(local, remote, args));
      CHECK(r.exit_code == 0);
      check_clean(r);
    }
    auto args = options;  // a failure: the remote refuses
    args.insert(args.end(), {"run"});
    const auto r = run_process(meter_sync_argv(local, "postgresql://reader:Pw-uri-7731@127.0.0.1:" +
                                                          std::to_string(closed_port()) + "/remote", args));
    CHECK(r.exit_code == 69);
    check_clean(r);
  }

  SUBCASE("not in the arguments that ps shows while the run works") {
    db.remote("UPDATE meter SET name = 'renamed' WHERE id = 2");
    pqxx::connection holder(db.local_conninfo());
    pqxx::work hold(holder);
    hold.exec("SELECT 1 FROM meter WHERE id = 2 FOR UPDATE");
    Child run(meter_sync_argv(local, remote, {"--log-level", "trace", "run", "--lock-timeout", "60"}));
    REQUIRE(wait_until([&] { return meter_sync_backends(db, true) == 1; }, 30));
    check_clean("/proc/PID/cmdline", read_file("/proc/" + std::to_string(run.pid()) + "/cmdline"));
    const auto ps = run_process({"/bin/sh", "-c", "ps -ww -o args= -p " + std::to_string(run.pid())});
    CHECK(ps.out.find("meter-sync") != std::string::npos);
    check_clean("ps", ps.out);
    hold.commit();
    const auto r = run.wait();
    CHECK(r.exit_code == 0);
    check_clean(r);
  }
  check_log_table_clean(db);
}

TEST_CASE("secrets: POSTGRES_*_PASSWORD, an env file and PGPASSWORD") {
  TestDatabases db;
  db.add_remote_meter(1, 1);
  const std::string env_file = "/tmp/meter-sync-secrets-" + std::to_string(getpid()) + ".env";
  struct Source {
    std::string name;
    EnvOverrides env;
    std::vector<std::string> args;
  };
  EnvOverrides from_env = pieces(db.local_conninfo(), "POSTGRES_SYNC_", "Pw-env-5521");
  for (const auto& kv : pieces(db.remote_conninfo(), "POSTGRES_CLIENT_", "Pw-env-5521")) from_env.insert(kv);
  {
    std::ofstream file(env_file);
    for (const auto& [key, value] : pieces(db.local_conninfo(), "POSTGRES_SYNC_", "Pw-file-9917"))
      file << "export " << key << "=\"" << *value << "\"\n";
    for (const auto& [key, value] : pieces(db.remote_conninfo(), "POSTGRES_CLIENT_", "Pw-file-9917"))
      file << key << "='" << *value << "'\n";
  }
  const std::vector<Source> sources = {
      {"environment", from_env, {}},
      {"env file", {}, {"--env-file", env_file}},
      {"PGPASSWORD", {{"PGPASSWORD", "Pw-pg-4410"}}, {"--local-db", db.local_conninfo(), "--remote-db", db.remote_conninfo()}},
      {"keyword", {}, {"--local-db", db.local_conninfo() + " password=Pw-kw-3385", "--remote-db",
                       db.remote_conninfo() + " password='Pw-kw-3385'"}},
  };
  for (const auto& source : sources) {
    CAPTURE(source.name);
    for (const auto& options : log_options) {
      auto args = source.args;
      args.insert(args.end(), options.begin(), options.end());
      for (const std::string command : {"run", "status"}) {
        auto full = args;
        full.insert(full.end(), {command, "--json"});
        const auto r = run_process(meter_sync_argv("", "", full), source.env);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        check_clean(r);
      }
      // a failure naming the remote: its port is closed
      auto env = source.env;
      env["POSTGRES_CLIENT_PORT"] = std::to_string(closed_port());
      auto failing = args;
      if (source.name == "PGPASSWORD" || source.name == "keyword")
        failing[3] = with_port(failing[3], closed_port());
      failing.insert(failing.end(), {"run", "--json"});
      const auto r = run_process(meter_sync_argv("", "", failing), env);
      INFO(r.err);
      CHECK(r.exit_code == 69);
      check_clean(r);
    }
  }
  check_log_table_clean(db);
  unlink(env_file.c_str());
}

TEST_CASE("secrets: a URI libpq cannot parse is not echoed with its password") {
  const std::string bad = "postgresql://reader:Pw-bad%zz@127.0.0.1:1/remote";
  const std::string env_file = "/tmp/meter-sync-bad-uri-" + std::to_string(getpid()) + ".env";
  std::ofstream(env_file) << "METER_SYNC_REMOTE_DB=" << bad << "\n";
  struct Source {
    std::string name;
    std::vector<std::string> args;
    EnvOverrides env;
  };
  const std::vector<Source> sources = {
      {"flag", {"--remote-db", bad}, {}},
      {"environment", {}, {{"METER_SYNC_REMOTE_DB", bad}}},
      {"env file", {"--env-file", env_file}, {}},
  };
  for (const auto& source : sources) {
    CAPTURE(source.name);
    for (const std::string command : {"run", "status"}) {
      for (const bool json : {false, true}) {
        auto args = source.args;
        args.insert(args.end(), {"--local-db", "host=127.0.0.1 port=1", command});
        if (json) args.push_back("--json");
        const auto r = run_process(meter_sync_argv("", "", args), source.env);
        CHECK(r.exit_code == 78);
        CHECK(r.err.find("invalid connection string") != std::string::npos);
        check_clean(r);
      }
    }
  }
  unlink(env_file.c_str());
}
