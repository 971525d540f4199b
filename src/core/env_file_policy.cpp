#include "core/env_file_policy.hpp"

#include <cstdio>

#include "core/conninfo.hpp"

namespace meter_sync {

std::string mode_text(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::string env_path_problem(const PathFacts& f, unsigned running_uid) {
  if (f.uid != 0 && f.uid != running_uid)
    return "owned by " + f.owner + ", neither root nor the user running meter-sync";
  const bool sticky = f.is_directory && (f.mode & 01000u);
  if ((f.mode & 022u) && !sticky) {
    const bool group = f.mode & 020u, world = f.mode & 002u;
    return group && world ? "group- and world-writable" : group ? "group-writable" : "world-writable";
  }
  return "";
}

std::string env_path_refusal(const std::string& env_file, const PathFacts& f, const std::string& problem) {
  const std::string what = f.is_directory ? "directory " + f.path + " above it " : "";
  const std::string fix = problem.rfind("owned", 0) == 0 ? "chown root " + f.path : "chmod go-w " + f.path;
  return "env file " + env_file + ": " + what + "has mode " + mode_text(f.mode) + " and owner " + f.owner + ": " +
         problem + ", so another user could change which servers meter-sync trusts; refusing to read it (fix: " +
         fix + ")";
}

bool env_file_has_password(const EnvFile& file) {
  for (const auto& [key, value] : file) {
    if (value.value.empty()) continue;
    const bool password_key = key.size() >= 8 && key.compare(key.size() - 8, 8, "PASSWORD") == 0;
    if (password_key) return true;
    if (key == "METER_SYNC_LOCAL_DB" || key == "METER_SYNC_REMOTE_DB") {
      try {
        const auto params = parse_conninfo(value.value, value.origin);
        if (auto it = params.find("password"); it != params.end() && !it->second.empty()) return true;
      } catch (...) {
        return true;  // unparsable: the settings report it; assume the worst here
      }
    }
  }
  return false;
}

std::string env_file_readable_warning(const PathFacts& f, bool has_password) {
  if (!has_password || !(f.mode & 004u)) return "";
  return "env file " + f.path + " holds a password and is readable by every user (mode " + mode_text(f.mode) +
         "); fix: chmod o-r " + f.path;
}

}  // namespace meter_sync
