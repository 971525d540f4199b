#include <pqxx/pqxx>

#include "db/sync_log.hpp"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "core/errors.hpp"
#include "core/json_shapes.hpp"
#include "db/schema.hpp"

namespace meter_sync {
namespace {

const char* finished_us = "(extract(epoch FROM finished_at) * 1000000)::bigint";

}  // namespace

void ensure_sync_log_table(pqxx::connection& conn, const std::string& where) {
  pqxx::work tx(conn);
  // No DDL once the table exists: a least-privileged role needs only DML on it.
  if (check_tool_table(tx, "meter_sync_log",
                       {"id", "started_at", "finished_at", "status", "success", "trigger", "tenant_id",
                        "inserted_count", "updated_count", "deleted_count", "skipped_count", "error", "details"},
                       {"SELECT", "INSERT", "UPDATE"}, where)) {
    const auto sequence = tx.exec1("SELECT s, s IS NULL OR has_sequence_privilege(s, 'USAGE') FROM"
                                   " pg_get_serial_sequence('meter_sync_log', 'id') s");
    if (!sequence[1].as<bool>())
      throw config_error(where + ": the role lacks the USAGE privilege on sequence " + sequence[0].as<std::string>() +
                         " (meter_sync_log.id): GRANT USAGE ON SEQUENCE " + sequence[0].as<std::string>() + " TO it");
    return;
  }
  require_create_privilege(tx, "meter_sync_log", where);
  tx.exec(R"(CREATE TABLE IF NOT EXISTS meter_sync_log (
    id             bigserial PRIMARY KEY,
    started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at    timestamptz,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'succeeded', 'failed', 'aborted')),
    success        boolean,
    trigger        text NOT NULL,
    tenant_id      bigint,
    inserted_count integer NOT NULL DEFAULT 0,
    updated_count  integer NOT NULL DEFAULT 0,
    deleted_count  integer NOT NULL DEFAULT 0,
    skipped_count  integer NOT NULL DEFAULT 0,
    error          text,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb
  ))");
  tx.commit();
}

void close_abandoned_runs(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  tx.exec("UPDATE meter_sync_log SET status = 'aborted', success = false, error = " +
          tx.quote(aborted_error) + " WHERE status = 'running'");
}

std::int64_t start_sync_log(pqxx::connection& conn, const std::string& trigger) {
  pqxx::nontransaction tx(conn);
  return tx.exec1("INSERT INTO meter_sync_log (trigger) VALUES (" + tx.quote(trigger) +
                  ") RETURNING id")[0]
      .as<std::int64_t>();
}

std::int64_t finish_sync_log_success(pqxx::transaction_base& tx, std::int64_t log_id,
                                     const SyncOutcome& o) {
  nlohmann::json details = {{"skipped", skipped_json(o.skipped)},
                            {"skipped_listed_at_most", max_listed_ids},
                            {"fetch", o.fetch},
                            {"fetched_rows", o.fetched_rows},
                            {"full_comparison", o.full_comparison},
                            {"state_signature", o.state_signature}};
  details.update(changes_json(o.counts, o.changes));
  return tx.exec1("UPDATE meter_sync_log SET status = 'succeeded', success = true,"
                  " finished_at = clock_timestamp(), tenant_id = " + std::to_string(o.tenant_id) +
                  ", inserted_count = " + std::to_string(o.counts.inserted) +
                  ", updated_count = " + std::to_string(o.counts.updated) +
                  ", deleted_count = " + std::to_string(o.counts.deleted) +
                  ", skipped_count = " + std::to_string(o.counts.skipped) +
                  ", details = " + tx.quote(to_json_line(details)) + "::jsonb WHERE id = " +
                  std::to_string(log_id) + " RETURNING " + finished_us)[0]
      .as<std::int64_t>();
}

std::int64_t finish_sync_log_failure(pqxx::connection& conn, std::int64_t log_id,
                                     std::optional<std::int64_t> tenant_id,
                                     const std::string& error) {
  pqxx::work tx(conn);
  const auto row = tx.exec1(
      "UPDATE meter_sync_log SET status = 'failed', success = false,"
      " finished_at = clock_timestamp(), tenant_id = " +
      (tenant_id ? std::to_string(*tenant_id) : std::string("NULL")) +
      ", error = " + tx.quote(error) + " WHERE id = " + std::to_string(log_id) + " RETURNING " +
      finished_us);
  tx.commit();
  return row[0].as<std::int64_t>();
}

}  // namespace meter_sync
