#include "db/fetch.hpp"

#include <pqxx/pqxx>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>
#pragma GCC diagnostic pop

#include "db/copy_observer.hpp"
#include "db/row_splitter.hpp"

namespace meter_sync {
namespace {

// Above this share of the remote rows, fetching by key costs more than fetching everything.
constexpr std::int64_t max_wanted_percent = 25;

}  // namespace

std::int64_t copy_remote_rows(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                              pqxx::transaction_base& local_tx, const std::string& remote_query,
                              const std::string& local_target, const std::atomic<int>& stop,
                              const LineFilter& filter) {
  CopyObserver* const observer = copy_observer();  // the terminal's progress line, if any
  if (observer) observer->copy_started(remote_tx, remote_query);
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
      if (observer) observer->row_copied(line.size() + 1);
      if (filter && !filter(line)) continue;
      local.guarded([&] { sink->write_raw_line(line); });
      ++rows;
    }
    if (stop.load() != 0) return rows;  // the caller throws; the transactions roll back
    local.guarded([&] { sink->complete(); });
  } catch (const Failure&) {
    if (remote.lost()) throw;  // nothing to drain; draining would replace the first error, which says why
    while (next_line()) {}  // drain, so the remote transaction can go on
    if (stop.load() == 0) remote.guarded([&] { source->complete(); });
    throw;
  }
  remote.guarded([&] { source->complete(); });
  if (observer) observer->copy_finished();
  return rows;
}

namespace {

// Keys per fetch-by-key query: bounds the memory of the key list however many changed.
constexpr std::int64_t keys_per_fetch = 10000;

// Wanted keys number first..first+keys_per_fetch-1 as an array literal "{1,2,3}".
std::string wanted_key_chunk(pqxx::transaction_base& tx, const SyncPlan& plan, std::int64_t first) {
  std::vector<std::string> keys;
  for (const auto& row : tx.exec("SELECT " + plan.key_columns() + "::text FROM pg_temp.meter_sync_wanted WHERE n >= " +
                                 std::to_string(first) + " AND n < " + std::to_string(first + keys_per_fetch)))
    keys.push_back(row[0].as<std::string>());
  return array_literal(keys);
}

// The (key, xmin) pairs in the local key type; a key that does not convert stays NULL.
void convert_remote_keys(pqxx::dbtransaction& tx, const SyncPlan& plan, const std::atomic<int>& stop) {
  apply_splitting(
      tx, SyncPlan::remote_keys_incoming,
      [&](pqxx::transaction_base& batch, const std::string& filter) {
        batch.exec(plan.convert_keys(filter));
        return SyncCounts{};
      },
      [&](const std::string& ctid, const std::string&) { tx.exec(plan.keep_unconverted_key(ctid)); }, &stop);
}

}  // namespace

FetchResult fetch_remote(Database& remote, pqxx::transaction_base& remote_tx, Database& local,
                         pqxx::dbtransaction& local_tx, const SyncPlan& plan,
                         std::int64_t tenant_id, bool try_incremental,
                         const std::atomic<int>& stop) {
  FetchResult result;
  if (try_incremental) {
    result.remote_rows = copy_remote_rows(remote, remote_tx, local, local_tx,
                                          plan.remote_versions_select(tenant_id),
                                          plan.keys_fetch_target(), stop);
    const auto wanted = local.guarded([&] {
      if (plan.key_converts()) convert_remote_keys(local_tx, plan, stop);
      local_tx.exec("ANALYZE " + std::string(SyncPlan::remote_keys));
      local_tx.exec(plan.compare_versions());
      return static_cast<std::int64_t>(
          local_tx.exec("CREATE TEMP TABLE meter_sync_wanted ON COMMIT DROP AS SELECT row_number() OVER () AS n, w.* FROM (" +
                        plan.wanted_keys() + ") w")
              .affected_rows());
    });
    result.incremental = wanted * 100 <= result.remote_rows * max_wanted_percent;
    if (result.incremental) {
      // Chunks of keys; rows without a key (invalid, but to be reported) come with the first.
      for (std::int64_t first = 1; stop.load() == 0 && (first == 1 || first <= wanted); first += keys_per_fetch) {
        const std::string keys = local.guarded([&] { return wanted_key_chunk(local_tx, plan, first); });
        result.fetched_rows += copy_remote_rows(remote, remote_tx, local, local_tx,
                                                plan.remote_select(tenant_id, keys, first == 1),
                                                plan.fetch_target(), stop);
      }
      return result;
    }
  }
  if (stop.load() == 0)
    result.fetched_rows = copy_remote_rows(remote, remote_tx, local, local_tx,
                                           plan.remote_select(tenant_id), plan.fetch_target(), stop);
  return result;
}

}  // namespace meter_sync
