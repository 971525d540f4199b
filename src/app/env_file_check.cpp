#include "app/env_file_check.hpp"

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "core/env_file_policy.hpp"
#include "core/errors.hpp"

namespace meter_sync::app {
namespace {

bool facts_of(const std::string& path, PathFacts& out) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return false;
  out.path = path;
  out.is_directory = S_ISDIR(st.st_mode);
  out.mode = st.st_mode & 07777u;
  out.uid = st.st_uid;
  const passwd* pw = getpwuid(st.st_uid);
  out.owner = pw ? std::string(pw->pw_name) : "uid " + std::to_string(st.st_uid);
  return true;
}

}  // namespace

EnvFile read_checked_env_file(const std::string& path) {
  char resolved[PATH_MAX];
  PathFacts file;
  // A path that does not resolve or stat: read_dotenv_file says why it cannot be read.
  if (realpath(path.c_str(), resolved) && facts_of(resolved, file)) {
    const unsigned me = geteuid();
    for (std::string p = resolved;;) {
      PathFacts facts;
      if (facts_of(p, facts)) {
        const std::string problem = env_path_problem(facts, me);
        if (!problem.empty()) throw config_error(env_path_refusal(path, facts, problem));
      }
      if (p == "/") break;
      const auto slash = p.find_last_of('/');
      p = slash == 0 ? "/" : p.substr(0, slash);
    }
  }
  EnvFile env = read_dotenv_file(path);
  const std::string warning = env_file_readable_warning(file, env_file_has_password(env));
  if (!warning.empty()) spdlog::warn("{}", warning);
  return env;
}

}  // namespace meter_sync::app
