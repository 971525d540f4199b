#pragma once
// Running meter-sync the way the integration tests need it: the exit code checked (stderr shown
// when it is not the expected one), the JSON parsed.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_db.hpp"

namespace testing_support {

// meter-sync run --json <extra...>; REQUIREs `expected_exit`, returns the whole JSON object.
nlohmann::json run_json(TestDatabases& db, const std::vector<std::string>& extra = {}, int expected_exit = 0);

// The details of the newest meter_sync_log row.
nlohmann::json last_log_details(TestDatabases& db);

// {inserted, updated, deleted, skipped} of a run's `result`, for one-line CHECKs.
std::vector<std::int64_t> counts(const nlohmann::json& run);

// The ids of a JSON list, as text, sorted by value (numbers or strings alike).
std::vector<std::string> sorted_ids(const nlohmann::json& list);

}  // namespace testing_support

