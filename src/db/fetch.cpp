#include <pqxx/pqxx>

#include "db/fetch.hpp"

#include <pqxx/stream_from>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>

namespace meter_sync {

std::int64_t copy_remote_rows(Database& remote, pqxx::transaction_base& remote_tx,
                              Database& local, pqxx::transaction_base& local_tx,
                              const std::string& remote_query, const std::string& staging_table,
                              const std::atomic<int>& stop) {
  // libpqxx 6.4 pastes the "table name" into COPY ... TO STDOUT unquoted, so a
  // parenthesised query works; raw lines avoid decoding and re-encoding every field.
  auto source = remote.guarded([&] {
    return std::make_unique<pqxx::stream_from>(remote_tx, "(" + remote_query + ")");
  });
  // tablewriter is deprecated but is 6.4's only way to write raw COPY lines.
  auto sink = local.guarded([&] { return std::make_unique<pqxx::tablewriter>(local_tx, staging_table); });
  std::int64_t rows = 0;
  std::string line;
  while (stop.load() == 0 && remote.guarded([&] { return source->get_raw_line(line); })) {
    local.guarded([&] { sink->write_raw_line(line); });
    ++rows;
  }
  if (stop.load() != 0) return rows;  // the caller throws; the transactions roll back
  remote.guarded([&] { source->complete(); });
  local.guarded([&] { sink->complete(); });
  return rows;
}

}  // namespace meter_sync
#pragma GCC diagnostic pop
