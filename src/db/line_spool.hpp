#pragma once
// Lines set aside during one COPY for another that can only run after it (one connection
// runs one COPY at a time). They wait in an anonymous temporary file, not in memory, so a
// million of them cost no RSS.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <pqxx/transaction_base>

#include "db/connection.hpp"

namespace meter_sync {

class LineSpool {
 public:
  LineSpool();  // throws Failure when no temporary file can be made

  void add(std::string_view line);
  std::int64_t size() const { return lines_; }

  // COPYs every line, in order and each followed by `suffix`, into `target` (a table,
  // optionally with a column list) of the local database. Returns the number of lines.
  std::int64_t copy_into(Database& local, pqxx::transaction_base& tx, const std::string& target,
                         const std::string& suffix = "");

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::int64_t lines_ = 0;
};

}  // namespace meter_sync
