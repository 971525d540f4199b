#pragma once
// Who may have written the env file: it holds both passwords and decides which servers the
// tool trusts. The rules ssh, sudo and libpq's .pgpass apply, as pure functions of what stat()
// says; app/env_file_check.cpp gathers the facts and acts on the verdict.
#include <string>

#include "core/dotenv.hpp"

namespace meter_sync {

struct PathFacts {
  std::string path;
  bool is_directory = false;
  unsigned mode = 0;  // st_mode & 07777
  unsigned uid = 0;
  std::string owner;  // user name, or the uid as text
};

// Why this path (the env file, or a directory above it) must not be trusted, or "" if it can:
// owned by someone other than root or the running user, or writable by group or others (a
// directory with the sticky bit, like /tmp, is fine: nobody can replace another's file there).
std::string env_path_problem(const PathFacts& facts, unsigned running_uid);

// The refusal message for `env_file` given the problem found on `facts` (the file itself or
// a directory above it), naming the path, its mode and owner and the fix (exit 78).
std::string env_path_refusal(const std::string& env_file, const PathFacts& facts, const std::string& problem);

// True when the file sets a password: a *_PASSWORD key, or a connection string with one.
bool env_file_has_password(const EnvFile& file);

// The warning for a world-readable env file that holds a password, or "" if none is due.
std::string env_file_readable_warning(const PathFacts& file, bool has_password);

// "0640"
std::string mode_text(unsigned mode);

}  // namespace meter_sync
