#include <pqxx/pqxx>

#include "db/error_map.hpp"

#include <pqxx/except>

#include "core/errors.hpp"

namespace meter_sync {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

ExitStatus classify_db_error(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) ||
      dynamic_cast<const pqxx::in_doubt_error*>(&error))
    return ExitStatus::unavailable;
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  if (!sql) return ExitStatus::failure;
  const std::string& state = sql->sqlstate();
  if (starts_with(state, "08") || starts_with(state, "28") || state == "57P01" ||
      state == "57P02" || state == "57P03")
    return ExitStatus::unavailable;  // connection lost, auth, server shutting down
  if (state == "57014" || state == "55P03" || state == "40001" || state == "40P01")
    return ExitStatus::temporary;  // statement/lock timeout, serialization failure, deadlock
  if (state == "42P01" || state == "42703" || state == "42501" || state == "3F000" ||
      state == "3D000")
    return ExitStatus::config;  // missing table/column/schema/database, no privilege
  return ExitStatus::failure;
}

bool is_row_data_error(const std::string& sqlstate) {
  return starts_with(sqlstate, "22") || starts_with(sqlstate, "23");
}

bool is_row_data_error(const std::exception& error) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) return is_row_data_error(sql->sqlstate());
  if (const auto* failure = dynamic_cast<const Failure*>(&error)) return is_row_data_error(failure->sqlstate());
  return false;
}

std::string one_line(const std::string& text) {
  std::string out;
  std::string line;
  auto flush = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    line = start == std::string::npos ? "" : line.substr(start);
    for (const char* prefix : {"ERROR:  ", "FATAL:  "})
      if (starts_with(line, prefix)) line = line.substr(std::char_traits<char>::length(prefix));
    if (starts_with(line, "DETAIL:  ")) line = line.substr(9);
    if (starts_with(line, "CONTEXT:") || starts_with(line, "LINE ") || starts_with(line, "^") ||
        starts_with(line, "HINT:"))
      line.clear();  // statement context: long, and may echo values
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    line.clear();
  };
  for (char c : text) {
    if (c == '\n') flush();
    else line += c;
  }
  flush();
  return out;
}

}  // namespace meter_sync
