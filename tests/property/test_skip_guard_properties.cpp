// What a run may change (CONTRACT.md run steps 4-6): a skipped meter is left exactly as it
// was, and the mass-deactivation guard weighs deactivations against the meters active BEFORE
// the run, whatever the same run inserts or skips.
#include "property/choice.hpp"
#include "property/generators.hpp"
#include "property/harness.hpp"
#include "property/rc_doctest.hpp"

using namespace meter_props;

TEST_CASE("Skipped meters are left alone: not updated, not deactivated, not inserted, not rewritten") {
  PropertyDb db;
  check_property("Skipped meters are left alone", [&] {
    WorldOptions options;
    options.break_often = true;
    const Prepared p = db.prepare(*gen_scenario(options));
    const Table before = db.read_local();
    const auto xmins = db.local_xmins();
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model());
    bool active_alone = false;
    for (auto id : e.left_alone_ids) active_alone = active_alone || before.at(id).active == true;
    RC_CLASSIFY(!e.left_alone_ids.empty(), "skipped meter exists locally");
    RC_CLASSIFY(active_alone, "skipped meter active locally");
    RC_CLASSIFY(e.skipped.size() > e.left_alone_ids.size(), "skipped meter not local");
    const auto r = db.run(p.run_args);
    classify(p, db);
    PROP_REQUIRE(r.exit_code == e.exit_code, "expected exit " << e.exit_code << "\n" << r.describe());
    const Table after = db.read_local();
    const auto xmins_after = db.local_xmins();
    require_same_table(before, after, "skipped meters (left alone)", &e.left_alone_ids);
    for (auto id : e.left_alone_ids)
      PROP_REQUIRE(xmins_after.at(id) == xmins.at(id),
                   "skipped meter " << id << " was rewritten (xmin " << xmins.at(id) << " -> " << xmins_after.at(id)
                                    << ")\n"
                                    << r.describe());
    for (const auto& s : e.skipped)
      PROP_REQUIRE(!s.id || before.count(*s.id) || !after.count(*s.id),
                   "skipped meter " << *s.id << " (not local before) was inserted\n" << r.describe());
    require_same_table(e.local, after, "the whole table");
    require_run_counts(r, e);
  });
}

namespace {

// Edits that make the run under test deactivate some of the padding meters (their remote
// rows deleted), skip others (broken remotely), and insert new meters.
std::vector<Edit> guard_edits(const Scenario& s) {
  RemoteRows rows(s.world.remote.begin(), s.world.remote.end());
  Table local;
  std::int32_t tenant = s.world.tenant;
  for (const auto& e : s.between) apply_edit(e, rows, local, tenant);
  const int removed_share = *pick<int>({40, 80, 100});
  std::vector<Edit> edits;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i] || rows[i]->tenant_id != tenant || rows[i]->meter.id.value_or(0) < 200000) continue;
    Edit e;
    e.target = static_cast<std::int32_t>(i);
    const int roll = *rc::gen::resize(100, rc::gen::inRange(0, 100));
    if (roll < removed_share) {
      e.kind = Edit::Kind::remote_remove;
    } else if (roll % 3 == 0) {  // rejected: the meter must stay as it is, active
      e.kind = Edit::Kind::remote_change;
      e.remote = *rows[i];
      force_break(e.remote.meter);
    } else {
      continue;
    }
    edits.push_back(e);
  }
  const int inserts = *pick<int>({0, 3, 10, 30});
  for (int i = 0; i < inserts; ++i) {
    Edit e;
    e.kind = Edit::Kind::remote_add;
    e.target = static_cast<std::int32_t>(rows.size() + static_cast<std::size_t>(i));
    e.remote.tenant_id = tenant;
    e.remote.meter = *gen_meter(400000 + i);
    e.remote.meter.active = true;
    edits.push_back(e);
  }
  return fit_edits(s.variant, rows, edits);
}

}  // namespace

TEST_CASE("Guard: refuses exactly when deactivations exceed P % of the meters active before the run") {
  PropertyDb db;
  check_property("Guard compares with the meters active before the run", [&] {
    WorldOptions options;
    options.max_padding = 40;
    options.max_ids = 6;
    Scenario s = *gen_scenario(options);
    const auto edits = guard_edits(s);
    if (s.variant.compare == Variant::Compare::single) {  // into the starting world
      RemoteRows rows(s.world.remote.begin(), s.world.remote.end());
      Table none;
      for (const auto& e : edits) apply_edit(e, rows, none, s.world.tenant);
      s.world.remote = present(rows);
    } else {  // between the first run and the run under test
      s.between.insert(s.between.end(), edits.begin(), edits.end());
    }
    const Prepared p = db.prepare(s);
    const Table before = db.read_local();
    const auto logs_before = db.log_rows().size();

    // P: at random, or right at the boundary of the deactivations' share of the active meters
    const Expected all = model_run(p.local, p.remote, p.tenant, p.model());
    const auto deleted = all.counts.deleted, active = all.active_before;
    const int boundary = active == 0 ? 0 : static_cast<int>((deleted * 100 + active - 1) / active);  // least P allowed
    const int percent = std::clamp(
        *choose<int>({{1, rc::gen::inRange(0, 100)}, {2, pick<int>({boundary - 1, boundary})}}), 0, 99);
    const Expected e = model_run(p.local, p.remote, p.tenant, p.model(percent));
    RC_CLASSIFY(e.refused, "refused");
    RC_CLASSIFY(!e.refused && deleted >= 10, "allowed, 10 or more deactivated");
    RC_CLASSIFY(deleted < 10, "fewer than 10 deactivated");
    RC_CLASSIFY(e.counts.inserted > 0 && e.counts.skipped > 0 && deleted > 0, "inserts, skips and deactivations");

    const auto r = db.run({"--max-deactivate-percent", std::to_string(percent)});
    classify(p, db);
    const auto rows = db.log_rows();
    PROP_REQUIRE(rows.size() == logs_before + 1, rows.size() << " log rows, " << logs_before << " before\n"
                                                             << r.describe());
    const std::string why = "deactivating " + std::to_string(deleted) + " of " + std::to_string(active) +
                            " meters active before the run (" + std::to_string(e.counts.inserted) +
                            " inserted, " + std::to_string(e.counts.skipped) + " skipped), --max-deactivate-percent " +
                            std::to_string(percent) + ": the guard must " + (e.refused ? "refuse" : "allow") + "\n";
    if (e.refused) {
      PROP_REQUIRE(r.exit_code == 65 && r.json["success"] == false, why << r.describe());
      const std::string error = r.json["result"].value("error", "");
      const std::string said = "refused to deactivate " + std::to_string(deleted) + " of " + std::to_string(active);
      PROP_REQUIRE(error.find(said) != std::string::npos, why << "error lacks '" << said << "'\n" << r.describe());
      require_same_table(before, db.read_local(), "a refused run");
      PROP_REQUIRE(rows.back().success == false, why << "the log row says success");
    } else {
      PROP_REQUIRE(r.exit_code == e.exit_code, why << r.describe());
      require_same_table(e.local, db.read_local(), "an allowed run");
      require_run_counts(r, e);
    }
  });
}
