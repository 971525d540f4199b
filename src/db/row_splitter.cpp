#include <pqxx/pqxx>

#include "db/row_splitter.hpp"

#include <pqxx/subtransaction>

#include "core/sync_plan.hpp"
#include "db/apply.hpp"
#include "db/error_map.hpp"

namespace meter_sync {
namespace {

class Splitter {
 public:
  Splitter(pqxx::dbtransaction& tx, std::string table, const BatchAttempt& attempt,
           const RowRejected& rejected, const std::atomic<int>* stop)
      : tx_(tx), table_(std::move(table)), attempt_(attempt), rejected_(rejected), stop_(stop) {}

  // All of it, or nothing (a savepoint); false, rolled back, when a value was rejected.
  bool try_batch(const std::string& filter, std::string* error = nullptr) {
    SyncCounts counts;
    try {
      pqxx::subtransaction batch(tx_, "batch");
      counts = attempt_(batch, filter);
      batch.commit();
    } catch (const pqxx::sql_error& e) {
      if (!is_row_data_error(e)) throw;
      if (error) *error = one_line(e.what());
      return false;
    }
    total.inserted += counts.inserted;
    total.updated += counts.updated;
    total.deleted += counts.deleted;
    return true;
  }

  // Heap blocks [first, last): halve until the rejected rows are found.
  void blocks(std::int64_t first, std::int64_t last) {
    throw_if_stopped(stop_);
    if (first >= last || try_batch(block_range(first, last))) return;
    if (last - first > 1) {
      const std::int64_t middle = first + (last - first) / 2;
      blocks(first, middle);
      blocks(middle, last);
      return;
    }
    const auto rows = tx_.exec("SELECT s.ctid::text FROM " + table_ + " s WHERE " + block_range(first, last));
    for (const auto& row : rows) {
      const std::string ctid = row[0].as<std::string>();
      std::string error;
      if (!try_batch("s.ctid = '" + ctid + "'::tid", &error)) rejected_(ctid, error);
    }
  }

  void run() {
    throw_if_stopped(stop_);
    if (try_batch("true")) return;
    const auto size = tx_.exec1("SELECT pg_relation_size(" + tx_.quote(table_) +
                                ") / current_setting('block_size')::bigint")[0].as<std::int64_t>();
    blocks(0, size);
  }

  SyncCounts total;

 private:
  pqxx::dbtransaction& tx_;
  const std::string table_;
  const BatchAttempt& attempt_;
  const RowRejected& rejected_;
  const std::atomic<int>* stop_;
};

}  // namespace

SyncCounts apply_splitting(pqxx::dbtransaction& tx, const std::string& table, const BatchAttempt& attempt,
                           const RowRejected& rejected, const std::atomic<int>* stop) {
  Splitter splitter(tx, table, attempt, rejected, stop);
  splitter.run();
  return splitter.total;
}

std::string rejection_of(pqxx::dbtransaction& tx, const std::string& statement) {
  try {
    pqxx::subtransaction probe(tx, "probe");
    probe.exec(statement);
    probe.abort();
  } catch (const pqxx::sql_error& e) {
    if (!is_row_data_error(e)) throw;
    return one_line(e.what());
  }
  return "";
}

}  // namespace meter_sync
