#include "core/conninfo.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "core/errors.hpp"

namespace meter_sync {

ConnParams parse_conninfo(const std::string& conninfo, const std::string& setting) {
  ConnParams params;
  if (conninfo.empty()) return params;
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string reason = error ? error : "out of memory";
    PQfreemem(error);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    throw config_error("invalid connection string in " + setting + ": " + reason);
  }
  for (auto* o = options.get(); o->keyword; ++o)
    if (o->val) params[o->keyword] = o->val;
  return params;
}

std::string build_conninfo(const ConnParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

std::string describe_endpoint(const ConnParams& params) {
  auto get = [&](const char* key, const char* env, const char* fallback) -> std::string {
    if (auto it = params.find(key); it != params.end() && !it->second.empty()) return it->second;
    if (const char* v = std::getenv(env); v && *v) return v;
    return fallback;
  };
  const std::string host = get("host", "PGHOST", get("hostaddr", "PGHOSTADDR", "localhost").c_str());
  const std::string port = get("port", "PGPORT", "5432");
  const std::string user = get("user", "PGUSER", "");
  const std::string db = get("dbname", "PGDATABASE", user.empty() ? "(default)" : user.c_str());
  return host + ":" + port + "/" + db;
}

}  // namespace meter_sync
