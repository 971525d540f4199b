#include "core/dotenv.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"

namespace meter_sync {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool valid_key(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Value after '=': quoted values keep their content (double quotes understand \n \" \\),
// unquoted ones are trimmed and lose a trailing " # comment".
std::string parse_value(const std::string& raw, const std::string& where) {
  const std::string v = trim(raw);
  if (v.empty()) return {};
  const char quote = v[0];
  if (quote == '\'' || quote == '"') {
    std::string out;
    size_t i = 1;
    for (; i < v.size() && v[i] != quote; ++i) {
      if (quote == '"' && v[i] == '\\' && i + 1 < v.size()) {
        const char next = v[++i];
        out += next == 'n' ? '\n' : next;
      } else {
        out += v[i];
      }
    }
    if (i >= v.size()) throw config_error(where + ": unterminated " + quote + " quote");
    const std::string rest = trim(v.substr(i + 1));
    if (!rest.empty() && rest[0] != '#')
      throw config_error(where + ": unexpected text after the closing quote");
    return out;
  }
  const auto comment = v.find(" #");
  return trim(comment == std::string::npos ? v : v.substr(0, comment));
}

}  // namespace

EnvFile parse_dotenv(const std::string& text, const std::string& path) {
  EnvFile result;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number);
    std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    if (content.rfind("export ", 0) == 0) content = trim(content.substr(7));
    const auto eq = content.find('=');
    if (eq == std::string::npos) throw config_error(where + ": expected KEY=VALUE");
    const std::string key = trim(content.substr(0, eq));
    if (!valid_key(key)) throw config_error(where + ": invalid variable name '" + key + "'");
    result[key] = EnvValue{parse_value(content.substr(eq + 1), where), where};
  }
  return result;
}

EnvFile read_dotenv_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw config_error("cannot read env file " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  return parse_dotenv(text.str(), path);
}

}  // namespace meter_sync
