// P4 (the log row), P6 (status reflects the last finished run, failures included) and
// P7 (meter_count is the number of active local meters).
#include <algorithm>
#include <pqxx/pqxx>
#include <regex>

#include "property/choice.hpp"
#include "property/generators.hpp"
#include "property/harness.hpp"
#include "property/rc_doctest.hpp"

using namespace meter_props;

namespace {

// The skipped ids in meter_sync_log.details match the model's, each with a fitting reason.
void require_skipped_details(const LogRow& row, const Expected& e) {
  std::multimap<std::string, std::string> reported;  // id (as JSON) -> reason
  for (const auto& s : row.details.value("skipped", nlohmann::json::array()))
    reported.emplace(s["id"].dump(), s["reason"].get<std::string>());
  PROP_REQUIRE(reported.size() == e.skipped.size(), "details: " << row.details.dump());
  for (const auto& s : e.skipped) {
    const std::string id = s.id ? std::to_string(*s.id) : "null";
    auto range = reported.equal_range(id);
    auto it = range.first;
    while (it != range.second && it->second.find(s.reason_word) == std::string::npos) ++it;
    PROP_REQUIRE(it != range.second, "no skipped row " << id << " with a reason about " << s.reason_word
                                                       << " in " << row.details.dump());
    reported.erase(it);
  }
}

}  // namespace

TEST_CASE("P4: every run leaves one meter_sync_log row with the model's counts") {
  PropertyDb db;
  check_property("P4 sync operations are logged", [&] {
    const Scenario s = *gen_scenario();
    const auto trigger = *pick<std::string>({"", "manual", "scheduled"});
    const bool drop_log = *pick_weighted<bool>({{3, false}, {1, true}});
    const Prepared p = db.prepare(s, drop_log);
    const auto logs_before = db.log_rows().size();
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model());
    auto args = p.run_args;
    if (!trigger.empty()) args.insert(args.end(), {"--trigger", trigger});
    const auto r = db.run(args);
    classify(p, db);
    PROP_REQUIRE(r.exit_code == e.exit_code, r.describe());
    const auto rows = db.log_rows();
    PROP_REQUIRE(rows.size() == logs_before + 1,
                 rows.size() << " log rows, " << logs_before << " before the run\n" << r.describe());
    const LogRow& row = rows.back();
    PROP_REQUIRE(row.status == "succeeded" && row.success == true && !row.error,
                 row.status << " " << row.error.value_or("(no error)"));
    PROP_REQUIRE(row.trigger == (trigger.empty() ? "manual" : trigger), row.trigger);
    PROP_REQUIRE(row.tenant_id == p.tenant, row.tenant_id.value_or(-1));
    PROP_REQUIRE(row.finished_after_start, "finished_at missing or before started_at");
    const auto& c = row.counts;
    PROP_REQUIRE(c.inserted == e.counts.inserted && updated_count_fits(c.updated, e) &&
                     c.deleted == e.counts.deleted && c.skipped == e.counts.skipped,
                 "log counts " << c.inserted << "/" << c.updated << "/" << c.deleted << "/" << c.skipped
                               << ", model " << e.counts.inserted << " " << show_ids(e.inserted_ids) << " / "
                               << e.counts.updated << " " << show_ids(e.updated_ids) << " / "
                               << e.counts.deleted << " " << show_ids(e.deleted_ids) << " / "
                               << e.counts.skipped);
    require_skipped_details(row, e);
    require_run_counts(r, e);
  });
}

namespace {

// What status must say about the last finished (logged) run.
struct LastRun {
  bool success = false;
  std::string error;  // "" on success
  Counts counts;
  std::string at;  // the run's result.timestamp
};

enum class Step {
  sync,
  guard,
  dry_run,
  lock_busy,
  remote_table_gone,
  remote_column_gone,
  tenant_ambiguous,
  tenant_missing
};

const char* step_name(Step s) {
  static const char* const names[] = {"sync",
                                      "guard",
                                      "dry run",
                                      "lock busy",
                                      "remote table renamed",
                                      "remote column renamed",
                                      "two tenant rows",
                                      "no tenant row"};
  return names[static_cast<int>(s)];
}

void require_status(const nlohmann::json& s, const std::optional<LastRun>& last, bool syncing,
                    const std::string& step) {
  const std::string where = "after step " + step + ", status " + s.dump();
  PROP_REQUIRE(s["is_syncing"] == syncing, where);
  if (!last) {
    PROP_REQUIRE(s["last_sync_at"].is_null() && s["last_sync_success"].is_null() &&
                     s["last_sync_error"].is_null() && s["inserted_count"] == 0 && s["updated_count"] == 0 &&
                     s["deleted_count"] == 0,
                 where);
    return;
  }
  static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  PROP_REQUIRE(
      s["last_sync_at"].is_string() && s["last_sync_at"] == last->at && std::regex_match(last->at, iso),
      where << ", expected last_sync_at " << last->at);
  PROP_REQUIRE(s["last_sync_success"] == last->success, where);
  if (last->success)
    PROP_REQUIRE(s["last_sync_error"].is_null(), where);
  else
    PROP_REQUIRE(s["last_sync_error"] == last->error, where << ", expected error " << last->error);
  PROP_REQUIRE(s["inserted_count"] == last->counts.inserted && s["updated_count"] == last->counts.updated &&
                   s["deleted_count"] == last->counts.deleted,
               where << ", expected counts " << last->counts.inserted << "/" << last->counts.updated << "/"
                     << last->counts.deleted);
}

}  // namespace

TEST_CASE("P6: status reflects the last finished run, successful or failed") {
  PropertyDb db;
  check_property("P6 sync status reflects the last operation", [&] {
    WorldOptions options;
    options.max_padding = 12;  // enough active meters for the guard to refuse
    options.max_ids = 8;
    Scenario scenario = *gen_scenario(options);
    scenario.variant.compare = Variant::Compare::single;  // status starts with no run
    scenario.between.clear();
    const auto steps = *rc::gen::container<std::vector<Step>>(
        static_cast<std::size_t>(*rc::gen::inRange(1, 4)), pick_weighted<Step>({{5, Step::sync},
                                                                                {2, Step::guard},
                                                                                {1, Step::dry_run},
                                                                                {1, Step::lock_busy},
                                                                                {1, Step::remote_table_gone},
                                                                                {1, Step::remote_column_gone},
                                                                                {1, Step::tenant_ambiguous},
                                                                                {1, Step::tenant_missing}}));
    const Prepared p = db.prepare(scenario, *rc::gen::arbitrary<bool>());
    classify(p.variant);
    Table model = p.local;
    std::optional<LastRun> last;
    require_status(db.status(), last, false, "(none)");
    std::size_t logged = 0;

    for (const Step step : steps) {
      RC_LOG() << "step: " << step_name(step) << "\n";
      const Table before = db.read_local();
      auto failed = [&](const RunResult& r, int exit_code, const std::string& error_part) {
        PROP_REQUIRE(r.exit_code == exit_code, step_name(step) << ": " << r.describe());
        PROP_REQUIRE(r.json["success"] == false, r.describe());
        const std::string error = r.json["result"].value("error", "");
        PROP_REQUIRE(error.find(error_part) != std::string::npos,
                     "error lacks '" << error_part << "': " << r.describe());
        require_same_table(before, db.read_local(), std::string("a failed run (") + step_name(step) + ")");
        last = LastRun{false, error, {}, r.json["result"].value("timestamp", "")};
        ++logged;
      };
      auto succeeded = [&](const RunResult& r, const Expected& e) {
        PROP_REQUIRE(r.exit_code == e.exit_code, step_name(step) << ": " << r.describe());
        require_run_counts(r, e);
        model = e.local;
        last = LastRun{true, "", e.counts, r.json["result"].value("timestamp", "")};
        ++logged;
      };
      switch (step) {
        case Step::sync: {
          succeeded(db.run(), model_run(model, p.remote, p.tenant, p.model()));
          break;
        }
        case Step::guard: {  // a tenant without remote meters: every active meter would go
          const int percent = *rc::gen::inRange(0, 101);
          const Expected e = model_run(model, p.remote, 999, p.model(percent));
          const auto r = db.run({"--tenant-id", "999", "--max-deactivate-percent", std::to_string(percent)});
          if (e.refused)
            failed(r, 65,
                   "refused to deactivate " + std::to_string(e.counts.deleted) + " of " +
                       std::to_string(e.active_before));
          else
            succeeded(r, e);
          break;
        }
        case Step::dry_run: {
          const Expected e = model_run(model, p.remote, p.tenant, p.model());
          const auto r = db.run({"--dry-run"});
          PROP_REQUIRE(r.exit_code == e.exit_code, r.describe());
          require_run_counts(r, e);
          for (const auto& [key, ids] :
               {std::pair<const char*, const std::vector<std::int32_t>&>{"inserted_ids", e.inserted_ids},
                {"updated_ids", e.updated_ids},
                {"deleted_ids", e.deleted_ids}}) {
            auto reported = r.json["result"].value(key, nlohmann::json::array());
            if (std::string(key) == "updated_ids")  // a local json spelled otherwise may count
              reported.erase(std::remove_if(reported.begin(), reported.end(),
                                            [&](const nlohmann::json& id) {
                                              return std::count(e.respelled_ids.begin(), e.respelled_ids.end(),
                                                                id.get<std::int32_t>()) > 0;
                                            }),
                             reported.end());
            PROP_REQUIRE(reported == nlohmann::json(ids), "dry run " << key << ": model " << show_ids(ids) << "\n"
                                                                     << r.describe());
          }
          require_same_table(before, db.read_local(), "a dry run");
          break;
        }
        case Step::lock_busy: {
          pqxx::connection holder(db.db().local_conninfo());
          pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock(63837)");
          const OnExit unlock([&] { pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock_all()"); });
          const auto r = db.run();
          PROP_REQUIRE(r.exit_code == 75 && r.json["success"] == false && !r.json.contains("result"),
                       r.describe());
          require_status(db.status(), last, true, "lock busy (lock still held)");
          break;
        }
        case Step::remote_table_gone: {
          db.db().remote("ALTER TABLE meter RENAME TO meter_moved");
          const OnExit undo([&] { db.db().remote("ALTER TABLE meter_moved RENAME TO meter"); });
          failed(db.run(), 78, "meter");
          break;
        }
        case Step::remote_column_gone: {
          const auto column = *pick(columns());
          db.db().remote("ALTER TABLE meter RENAME COLUMN " + column + " TO gone");
          const OnExit undo([&] { db.db().remote("ALTER TABLE meter RENAME COLUMN gone TO " + column); });
          failed(db.run(), 78, column);
          break;
        }
        case Step::tenant_ambiguous: {  // load() of the next case resets the tenant table
          db.db().local("INSERT INTO tenant VALUES (" + std::to_string(p.tenant == 1 ? 2 : 1) +
                        ", 'second')");
          failed(db.run(), 78, "more than one row");
          db.db().local("DELETE FROM tenant WHERE name = 'second'");
          break;
        }
        case Step::tenant_missing:
          db.db().local("DELETE FROM tenant");
          failed(db.run(), 78, "no row");
          db.db().local("INSERT INTO tenant VALUES (" + std::to_string(p.tenant) + ", 'tenant')");
          break;
      }
      PROP_REQUIRE(db.log_rows().size() == logged, "after " << step_name(step) << ": " << db.log_rows().size()
                                                            << " log rows, expected " << logged);
      require_status(db.status(), last, false, step_name(step));
    }
  });
}

TEST_CASE("P7: meter_count is the number of active local meters, before and after a run") {
  PropertyDb db;
  check_property("P7 meter count is accurate", [&] {
    const Prepared p = db.prepare(*gen_scenario(), *rc::gen::arbitrary<bool>());
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model());
    const auto active_in_db = [&] {
      return db.db().local_count("SELECT count(*) FROM meter WHERE active IS TRUE");
    };

    const auto before = db.status();
    PROP_REQUIRE(before["meter_count"] == e.active_before && active_in_db() == e.active_before,
                 "before the run: status " << before.dump() << ", model " << e.active_before);
    const auto r = db.run(p.run_args);
    classify(p, db);
    PROP_REQUIRE(r.exit_code == e.exit_code, r.describe());
    const auto after = db.status();
    PROP_REQUIRE(after["meter_count"] == active_in_db() && after["meter_count"] == e.active_after(),
                 "after the run: status " << after.dump() << ", active in the table " << active_in_db()
                                          << ", model " << e.active_after());
  });
}
