#pragma once
// What the reliability tests share: bulk remote data, a checksum of the local table, waiting
// for a run to reach a point, and checks on what a failing run printed.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "support/test_db.hpp"

namespace reliability {

using testing_support::Child;
using testing_support::EnvOverrides;
using testing_support::ProcessResult;
using testing_support::TestDatabases;

// Inserts remote meters [first_id, last_id] of `tenant` in one statement (rows of about 400
// bytes, register_map about 230 characters). `variant` goes into every text field, so two
// variants of the same ids differ in every copied column but id.
void add_remote_meters(TestDatabases& db, std::int64_t tenant, std::int64_t first_id,
                       std::int64_t last_id, const std::string& variant = "v1");

// Lets the remote hold the same ids for several tenants (key (tenant_id, id)).
void key_remote_meters_by_tenant(TestDatabases& db);

// md5 over the copied columns of every local meter, in id order.
std::string local_checksum(TestDatabases& db);

// The same checksum, computed on the remote, of the local table as it must be after a run for
// `tenant` that follows a run for `previous` (or none if previous == tenant): the tenant's
// meters as they are remotely, plus the previous tenant's other meters deactivated.
std::string expected_checksum(TestDatabases& db, std::int64_t tenant, std::int64_t previous);

// meter-sync --local-db L --remote-db R <args...>, started in the background.
Child start_meter_sync(const TestDatabases& db, const std::vector<std::string>& args,
                       const EnvOverrides& env = {});

// meter-sync --local-db `local` --remote-db `remote` <args...> (empty: option left out).
std::vector<std::string> meter_sync_argv(const std::string& local, const std::string& remote,
                                         const std::vector<std::string>& args);

// One keyword of a libpq connection string ("" if absent), and the string with another port.
std::string conn_param(const std::string& conninfo, const std::string& key);
std::string with_port(const std::string& conninfo, int port);

// Polls `done` every 20 ms; false if `seconds` passed first.
bool wait_until(const std::function<bool()>& done, double seconds);

// Backends with application_name meter-sync in the test's two databases: all of them, or
// only those waiting for a lock.
std::int64_t meter_sync_backends(TestDatabases& db, bool waiting_on_lock_only = false);

// Waits until no meter-sync backend is left (a killed client's backend finishes its statement
// first); false after `seconds`.
bool wait_for_no_backends(TestDatabases& db, double seconds = 30);

// Lines containing "error:" (the one-line failure message of the text log format).
int error_lines(const std::string& err);

// The first line that appears more than once in `text`, or "" if none does.
std::string repeated_line(const std::string& text);

// The newest meter_sync_log row's status and error ("" when null); "none" if there is no row.
struct LogRow {
  std::string status, error;
};
LogRow last_log_row(TestDatabases& db);

double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace reliability
