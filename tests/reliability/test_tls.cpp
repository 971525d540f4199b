// TLS to the remote (issue 14): a test CA made with openssl; sslmode=verify-full with
// sslrootcert works through METER_SYNC_REMOTE_DB and through the env file; a certificate for
// another host name or from an unknown CA is exit 69 with a message naming the certificate;
// no key and no password in any output.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "reliability/host_runs.hpp"
#include "reliability/test_ca.hpp"

using namespace reliability;
using testing_support::parse_json;
using testing_support::run_process;

namespace {

const std::string password = "Tls-Secret-7781";

// The remote reached by name `host` (resolved to 127.0.0.1 by hostaddr), verify-full.
std::string tls_remote(const TestDatabases& db, const std::string& host, const std::string& root_cert) {
  return db.remote_conninfo() + " host=" + host + " hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=" +
         root_cert + " password=" + password;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// No password and no line of a private key in what the run printed.
void check_no_secrets(const ProcessResult& r, const TestCa& ca) {
  const std::string all = r.out + r.err;
  CHECK(all.find(password) == std::string::npos);
  CHECK(all.find("PRIVATE KEY") == std::string::npos);
  for (const auto& key : {ca.server_key, ca.dir + "/ca.key"}) {
    std::istringstream lines(file_text(key));
    for (std::string line; std::getline(lines, line);)
      if (line.size() > 20 && line.find("-----") == std::string::npos) CHECK(all.find(line) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("tls: verify-full against a test CA: the right certificate passes, a wrong one is exit 69 naming it") {
  PgServer& server = shared_server();
  const TestCa& ca = shared_ca();
  UseServer use(server);
  TestDatabases db;
  db.add_remote_meter(1, 1);
  const auto local_only = meter_sync_argv(db.local_conninfo(), "", {"run", "--json"});

  SUBCASE("through METER_SYNC_REMOTE_DB") {
    const auto r = run_process(local_only, {{"METER_SYNC_REMOTE_DB", tls_remote(db, TestCa::host_name, ca.ca_cert)}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    check_no_secrets(r, ca);
    CHECK(db.local_meters() == db.remote_meters(1));
  }
  SUBCASE("through the env file") {
    const std::string env_file = ca.dir + "/meter-sync.env";
    std::ofstream(env_file) << "METER_SYNC_REMOTE_DB='" << tls_remote(db, TestCa::host_name, ca.ca_cert) << "'\n";
    chmod(env_file.c_str(), 0600);
    auto argv = meter_sync_argv(db.local_conninfo(), "", {"--env-file", env_file, "run", "--json"});
    const auto r = run_process(argv, {{"METER_SYNC_REMOTE_DB", std::nullopt}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    check_no_secrets(r, ca);
    CHECK(db.local_meters() == db.remote_meters(1));
  }
  SUBCASE("the server's certificate is for another host name") {
    const auto r = run_process(local_only, {{"METER_SYNC_REMOTE_DB", tls_remote(db, "other.meter-sync.test", ca.ca_cert)}});
    INFO(r.err);
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("remote database other.meter-sync.test") != std::string::npos);
    CHECK(r.err.find("certificate") != std::string::npos);
    CHECK(r.err.find("does not match host name") != std::string::npos);
    CHECK(parse_json(r.out)["message"].get<std::string>().find("certificate") != std::string::npos);
    check_no_secrets(r, ca);
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
  SUBCASE("the server's certificate is from a CA the client does not trust") {
    const auto r = run_process(local_only, {{"METER_SYNC_REMOTE_DB", tls_remote(db, TestCa::host_name, ca.other_ca_cert)}});
    INFO(r.err);
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("certificate verify failed") != std::string::npos);
    CHECK(parse_json(r.out)["message"].get<std::string>().find("certificate") != std::string::npos);
    check_no_secrets(r, ca);
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
}
