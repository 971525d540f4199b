#include "db/fetch.hpp"

#include <pqxx/pqxx>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>
#pragma GCC diagnostic pop

namespace meter_sync {
namespace {

// Above this share of the remote rows, fetching by key costs more than fetching everything.
constexpr std::int64_t max_wanted_percent = 25;

}  // namespace

std::int64_t copy_remote_rows(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                              pqxx::transaction_base& local_tx, const std::string& remote_query,
                              const std::string& local_target, const std::atomic<int>& stop) {
  // libpqxx 6.4 pastes the "table name" into COPY ... TO STDOUT unquoted, so a
  // parenthesised query works; raw lines avoid decoding and re-encoding every field.
  auto source = remote.guarded([&] {
    return std::make_unique<pqxx::stream_from>(remote_tx, "(" + remote_query + ")");
  });
  std::int64_t rows = 0;
  std::string line;
  auto next_line = [&] { return stop.load() == 0 && remote.guarded([&] { return source->get_raw_line(line); }); };
  try {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // tablewriter is deprecated but is 6.4's only way to write raw COPY lines.
    auto sink = local.guarded([&] { return std::make_unique<pqxx::tablewriter>(local_tx, local_target); });
#pragma GCC diagnostic pop
    while (next_line()) {
      local.guarded([&] { sink->write_raw_line(line); });
      ++rows;
    }
    if (stop.load() != 0) return rows;  // the caller throws; the transactions roll back
    local.guarded([&] { sink->complete(); });
  } catch (const Failure&) {
    while (next_line()) {}  // drain, so the remote transaction can go on
    if (stop.load() == 0) remote.guarded([&] { source->complete(); });
    throw;
  }
  remote.guarded([&] { source->complete(); });
  return rows;
}

namespace {

// The wanted keys as a PostgreSQL array literal "{1,2,3}", streamed (not a whole result).
std::string wanted_key_array(pqxx::transaction_base& tx) {
  std::string keys = "{";
  pqxx::stream_from wanted(tx, "(SELECT * FROM pg_temp.meter_sync_wanted)");
  std::string line;
  while (wanted.get_raw_line(line)) {
    if (!line.empty() && line.back() == '\n') line.pop_back();  // raw lines keep their newline
    keys += (keys.size() > 1 ? "," : "") + line;
  }
  wanted.complete();
  return keys + "}";
}

}  // namespace

FetchResult fetch_remote(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                         pqxx::dbtransaction& local_tx, const SyncPlan& plan,
                         std::int64_t tenant_id, bool try_incremental,
                         const std::atomic<int>& stop) {
  FetchResult result;
  std::string keys;  // empty: all rows
  if (try_incremental) {
    result.remote_rows = copy_remote_rows(remote, remote_tx, local, local_tx,
                                          plan.remote_versions_select(tenant_id),
                                          SyncPlan::remote_keys, stop);
    const auto wanted = local.guarded([&] {
      local_tx.exec("ANALYZE " + std::string(SyncPlan::remote_keys));
      return static_cast<std::int64_t>(
          local_tx.exec("CREATE TEMP TABLE meter_sync_wanted ON COMMIT DROP AS " + plan.wanted_keys())
              .affected_rows());
    });
    result.incremental = wanted * 100 <= result.remote_rows * max_wanted_percent;
    if (result.incremental) keys = local.guarded([&] { return wanted_key_array(local_tx); });
  }
  if (stop.load() == 0)
    result.fetched_rows = copy_remote_rows(remote, remote_tx, local, local_tx,
                                           plan.remote_select(tenant_id, keys), SyncPlan::staging, stop);
  return result;
}

}  // namespace meter_sync
