// P5 (a run while another holds the lock is refused and changes nothing) and idempotence
// (a second run right after a successful one changes nothing, not even a row's xmin).
#include <limits>
#include <pqxx/pqxx>

#include "property/choice.hpp"
#include "property/generators.hpp"
#include "property/harness.hpp"
#include "property/rc_doctest.hpp"

using namespace meter_props;

namespace {
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
}  // namespace

TEST_CASE("P5: a run while the advisory lock is held exits 75 and changes nothing") {
  PropertyDb db;
  check_property("P5 concurrent syncs are prevented", [&] {
    const Scenario s = *gen_scenario();
    // the default key mostly; every other key, INT64_MIN aside, in "P5 lock keys"
    const std::int64_t key = *choose<std::int64_t>(
        {{3, rc::gen::just<std::int64_t>(63837)},
         {1, pick(std::vector<std::int64_t>{0, -1, 42, std::int64_t{1} << 32, int64_min + 1, int64_max})},
         {1, rc::gen::suchThat(rc::gen::arbitrary<std::int64_t>(),
                               [](std::int64_t k) { return k != int64_min; })}});
    const bool same_key = *pick_weighted<bool>({{4, true}, {1, false}});
    const std::int64_t held = same_key ? key : key ^ 1;  // another key does not block
    const Prepared p = db.prepare(s, *rc::gen::arbitrary<bool>());
    auto key_args = p.run_args;
    const Table before = db.read_local();
    const auto logs_before = db.log_rows().size();
    const auto last_sync_before = db.status()["last_sync_at"];  // the first run's, if any
    const std::vector<std::string> key_option = {"--lock-key", std::to_string(key)};
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model());
    key_args.insert(key_args.end(), key_option.begin(), key_option.end());

    pqxx::connection holder(db.db().local_conninfo());
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock('" + std::to_string(held) + "'::bigint)");
    const OnExit unlock([&] { pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock_all()"); });
    const auto r = db.run(key_args);
    if (!same_key) {
      PROP_REQUIRE(r.exit_code == e.exit_code, "a lock on another key must not block\n" << r.describe());
      require_same_table(e.local, db.read_local(), "a run beside a lock on another key");
      return;
    }
    PROP_REQUIRE(r.exit_code == 75, r.describe());
    PROP_REQUIRE(r.json["success"] == false && !r.json.contains("result") &&
                     r.json["message"].get<std::string>().find("in progress") != std::string::npos,
                 r.describe());
    require_same_table(before, db.read_local(), "a refused run");
    PROP_REQUIRE(db.log_rows().size() == logs_before, "a refused run wrote a meter_sync_log row");
    const auto status = db.status(key_option);
    PROP_REQUIRE(status["is_syncing"] == true && status["last_sync_at"] == last_sync_before,
                 status.dump() << ", last_sync_at before " << last_sync_before.dump());

    pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock('" + std::to_string(held) + "'::bigint)");
    if (*rc::gen::arbitrary<bool>()) {  // once the lock is free, the same run goes through
      const auto again = db.run(key_args);
      PROP_REQUIRE(again.exit_code == e.exit_code, again.describe());
      require_same_table(e.local, db.read_local(), "the run after the lock was released");
      PROP_REQUIRE(db.status(key_option)["is_syncing"] == false, "lock released, still syncing");
    }
  });
}

TEST_CASE("P5 lock keys: run and status agree on every key --lock-key accepts") {
  PropertyDb db;
  check_property("P5 lock keys", [&] {
    const std::int64_t key = *choose<std::int64_t>(
        {{1, pick(std::vector<std::int64_t>{int64_min, int64_min + 1, -1, 0, int64_max, std::int64_t{1} << 32,
                                            -(std::int64_t{1} << 32)})},
         {3, rc::gen::arbitrary<std::int64_t>()}});
    const std::vector<std::string> key_option = {"--lock-key", std::to_string(key)};
    db.load(World{});
    pqxx::connection holder(db.db().local_conninfo());
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_lock('" + std::to_string(key) + "'::bigint)");
    const OnExit unlock([&] { pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock_all()"); });
    const auto busy = db.run(key_option);
    PROP_REQUIRE(busy.exit_code == 75, busy.describe());
    PROP_REQUIRE(db.status(key_option)["is_syncing"] == true,
                 "lock " << key << " held, status says not syncing");
    pqxx::nontransaction(holder).exec("SELECT pg_advisory_unlock('" + std::to_string(key) + "'::bigint)");
    PROP_REQUIRE(db.status(key_option)["is_syncing"] == false,
                 "lock " << key << " free, status says syncing");
    const auto free = db.run(key_option);
    PROP_REQUIRE(free.exit_code == 0, free.describe());
  });
}

TEST_CASE("Idempotence: a second run reports 0/0/0 and rewrites no row") {
  PropertyDb db;
  check_property("Idempotence", [&] {
    const Prepared p = db.prepare(*gen_scenario());
    const auto logs_before = db.log_rows().size();
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model());
    const auto first = db.run(p.run_args);
    classify(p, db);
    PROP_REQUIRE(first.exit_code == e.exit_code, first.describe());
    const Table after_first = db.read_local();
    const auto xmins = db.local_xmins();

    const auto second = db.run();
    PROP_REQUIRE(second.exit_code == (e.counts.skipped > 0 ? 65 : 0), second.describe());
    Expected nothing;
    nothing.counts.skipped = e.counts.skipped;
    require_run_counts(second, nothing);
    require_same_table(after_first, db.read_local(), "the second run");
    const auto xmins_again = db.local_xmins();
    for (const auto& [id, xmin] : xmins) {
      const auto it = xmins_again.find(id);
      PROP_REQUIRE(it != xmins_again.end() && it->second == xmin,
                   "meter " << id << " was rewritten by the second run (xmin " << xmin << " -> "
                            << (it == xmins_again.end() ? "gone" : it->second) << ")");
    }
    const auto rows = db.log_rows();
    PROP_REQUIRE(rows.size() == logs_before + 2 && rows.back().counts.inserted == 0 &&
                     rows.back().counts.updated == 0 && rows.back().counts.deleted == 0 &&
                     rows.back().counts.skipped == e.counts.skipped,
                 rows.size() << " log rows, " << logs_before << " before the two runs");
  });
}
