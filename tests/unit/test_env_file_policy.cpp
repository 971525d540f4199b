#include <doctest/doctest.h>

#include "core/env_file_policy.hpp"

using namespace meter_sync;

namespace {

PathFacts file(unsigned mode, unsigned uid = 0, const std::string& owner = "root") {
  return {"/etc/meter-sync/meter-sync.env", false, mode, uid, owner};
}
PathFacts dir(const std::string& path, unsigned mode, unsigned uid = 0, const std::string& owner = "root") {
  return {path, true, mode, uid, owner};
}

}  // namespace

TEST_CASE("env_file_policy: the .deb's root:meter-sync 0640 file and root's directories pass") {
  CHECK(env_path_problem(file(0640), 999) == "");
  CHECK(env_path_problem(file(0600, 1000, "alice"), 1000) == "");  // the running user's own file
  CHECK(env_path_problem(dir("/etc/meter-sync", 0755), 999) == "");
  CHECK(env_path_problem(dir("/tmp", 01777), 999) == "");  // sticky: nobody replaces another's file
}

TEST_CASE("env_file_policy: group- or world-writable, or another user's, is refused") {
  CHECK(env_path_problem(file(0660), 999) == "group-writable");
  CHECK(env_path_problem(file(0646), 999) == "world-writable");
  CHECK(env_path_problem(file(0600, 1001, "mallory"), 999).find("owned by mallory") == 0);
  CHECK(env_path_problem(dir("/srv/conf", 0777, 1000, "alice"), 1000) == "group- and world-writable");
  CHECK(env_path_problem(dir("/srv/conf", 0755, 1001, "mallory"), 999).find("owned by mallory") == 0);
  CHECK(env_path_problem(dir("/etc/meter-sync", 0775), 999) == "group-writable");  // root's, but the group may swap the file
}

TEST_CASE("env_file_policy: the refusal names the path, its mode, its owner and the fix") {
  const auto m = env_path_refusal("/etc/meter-sync/meter-sync.env", file(0666), "group-writable");
  CHECK(m.find("env file /etc/meter-sync/meter-sync.env: has mode 0666 and owner root: group-writable") == 0);
  CHECK(m.find("chmod go-w /etc/meter-sync/meter-sync.env") != std::string::npos);
  const auto d = env_path_refusal("/srv/conf/x.env", dir("/srv/conf", 0755, 1001, "mallory"), "owned by mallory");
  CHECK(d.find("directory /srv/conf above it has mode 0755 and owner mallory") != std::string::npos);
  CHECK(d.find("chown root /srv/conf") != std::string::npos);
}

TEST_CASE("env_file_policy: a world-readable file warns only when it holds a password") {
  const EnvFile with_password = {{"POSTGRES_CLIENT_PASSWORD", {"s3cret", "f:1"}}};
  const EnvFile in_uri = {{"METER_SYNC_REMOTE_DB", {"postgresql://u:s3cret@db/x", "f:1"}}};
  const EnvFile without = {{"METER_SYNC_REMOTE_DB", {"host=db dbname=x", "f:1"}}, {"POSTGRES_SYNC_PASSWORD", {"", "f:2"}}};
  CHECK(env_file_has_password(with_password));
  CHECK(env_file_has_password(in_uri));
  CHECK_FALSE(env_file_has_password(without));
  const auto w = env_file_readable_warning(file(0644), true);
  CHECK(w.find("readable by every user (mode 0644)") != std::string::npos);
  CHECK(w.find("s3cret") == std::string::npos);
  CHECK(env_file_readable_warning(file(0640), true) == "");
  CHECK(env_file_readable_warning(file(0644), false) == "");
}
