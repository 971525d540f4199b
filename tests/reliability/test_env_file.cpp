// The env file is a door (issue 14): it holds both passwords and names the servers the tool
// trusts. Refused (exit 78, naming the path, its mode and owner) when another user could have
// written it or a directory above it; a world-readable file holding a password is a warning.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "reliability/host_runs.hpp"

using namespace reliability;
using testing_support::parse_json;

namespace {

const std::string password = "Env-Secret-4417";

struct EnvDir {
  std::string dir, file;
  EnvDir(const TestDatabases& db, bool with_password) {
    std::string tmpl = "/tmp/meter-sync-envfile.XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()));
    dir = tmpl;
    file = dir + "/meter-sync.env";
    std::ofstream out(file);
    out << "# written by the test\nMETER_SYNC_LOCAL_DB='" << db.local_conninfo() << "'\n";
    out << "METER_SYNC_REMOTE_DB='" << db.remote_conninfo() << "'\n";
    if (with_password) out << "POSTGRES_CLIENT_PASSWORD=" << password << "\n";
  }
  ~EnvDir() { run_cmd({"rm", "-rf", dir}); }
  ProcessResult status(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv = {METER_SYNC_BINARY, "--env-file", file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"status", "--json"});
    return testing_support::run_process(argv, {{"METER_SYNC_LOCAL_DB", std::nullopt}, {"METER_SYNC_REMOTE_DB", std::nullopt}});
  }
};

void check_refused(const ProcessResult& r, const std::string& path, const std::string& mode, const std::string& owner,
                   const std::string& problem) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 78);
  CHECK(error_lines(r.err) == 1);
  for (const auto& part : {path, "mode " + mode, "owner " + owner, problem}) CHECK(r.err.find(part) != std::string::npos);
  const auto j = parse_json(r.out);  // status --json's failure object
  CHECK(j["error"].get<std::string>().find(path) != std::string::npos);
  CHECK((r.out + r.err).find(password) == std::string::npos);
}

}  // namespace

TEST_CASE("env file: a file or directory another user could write is refused with exit 78 naming it") {
  TestDatabases db;
  EnvDir env(db, true);
  chmod(env.file.c_str(), 0600);
  REQUIRE(env.status().exit_code == 0);

  SUBCASE("group-writable") {
    chmod(env.file.c_str(), 0660);
    check_refused(env.status(), env.file, "0660", geteuid() == 0 ? "root" : "", "group-writable");
  }
  SUBCASE("world-writable") {
    chmod(env.file.c_str(), 0606);
    check_refused(env.status(), env.file, "0606", "", "world-writable");
  }
  SUBCASE("a directory above it is world-writable") {
    chmod(env.dir.c_str(), 0777);
    check_refused(env.status(), "directory " + env.dir + " above it", "0777", "", "world-writable");
  }
  if (geteuid() == 0) {
    SUBCASE("owned by another user") {
      must_run({"chown", "nobody", env.file});
      check_refused(env.status(), env.file, "0600", "nobody", "neither root nor the user running meter-sync");
    }
    SUBCASE("a directory above it owned by another user") {
      must_run({"chown", "nobody", env.dir});
      check_refused(env.status(), env.dir, "0700", "nobody", "neither root nor the user running meter-sync");
    }
    SUBCASE("the .deb's file: root:<group> 0640 passes without a word") {
      const bool has_group = run_cmd({"getent", "group", "meter-sync"}).exit_code == 0;
      must_run({"chown", std::string("root:") + (has_group ? "meter-sync" : "daemon"), env.file});
      chmod(env.file.c_str(), 0640);
      const auto r = env.status();
      CHECK(r.exit_code == 0);
      CHECK(r.err == "");
    }
  }
}

TEST_CASE("env file: world-readable with a password warns (even with --quiet); without a password it does not") {
  TestDatabases db;
  SUBCASE("with a password") {
    EnvDir env(db, true);
    chmod(env.file.c_str(), 0644);
    const auto r = env.status({"--quiet"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("env file " + env.file + " holds a password and is readable by every user (mode 0644)") !=
          std::string::npos);
    CHECK(r.err.find("chmod o-r " + env.file) != std::string::npos);
    CHECK((r.out + r.err).find(password) == std::string::npos);
    CHECK(parse_json(r.out).contains("last_sync_at"));
  }
  SUBCASE("without a password") {
    EnvDir env(db, false);
    chmod(env.file.c_str(), 0644);
    const auto r = env.status();
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
  }
}
