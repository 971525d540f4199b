#pragma once
// Parser for the Sync server's .env files: KEY=VALUE lines, # comments, optional
// 'single' or "double" quotes, optional `export ` prefix. Errors: "path:line: message".
#include <map>
#include <string>

namespace meter_sync {

struct EnvValue {
  std::string value;
  std::string origin;  // "path:line", for messages
};
using EnvFile = std::map<std::string, EnvValue>;

// Parses text (the contents of `path`); throws Failure(config) on a syntax error.
EnvFile parse_dotenv(const std::string& text, const std::string& path);

// Reads and parses a file; throws Failure(config) if it cannot be read.
EnvFile read_dotenv_file(const std::string& path);

}  // namespace meter_sync
