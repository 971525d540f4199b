// P1-P3 of the design document: the run's effect on the local meter table. The three together
// cover every local meter: inserted (valid remote only), on both sides, absent from the valid
// remote set. Each compares its meters with the model field by field, and its count.
#include "property/edits.hpp"
#include "property/generators.hpp"
#include "property/harness.hpp"
#include "property/rc_doctest.hpp"

using namespace meter_props;

namespace {

struct Case {
  Prepared before;  // the state right before the run under test
  Expected expected;
  RunResult run;
  Table after;
};

// Prepares a generated scenario (variant, world, maybe a first run and edits), runs the model
// and the tool, reads the local table back.
Case sync_case(PropertyDb& db) {
  Case c;
  c.before = db.prepare(*gen_scenario());
  c.expected = model_run(c.before.local, c.before.remote, c.before.tenant, c.before.model());
  c.run = db.run(c.before.run_args);
  classify(c.before, db);
  PROP_REQUIRE(c.run.exit_code == c.expected.exit_code, "expected exit " << c.expected.exit_code << "\n"
                                                                         << c.run.describe());
  c.after = db.read_local();
  return c;
}

std::vector<std::int32_t> ids_of(const Table& t) {
  std::vector<std::int32_t> ids;
  for (const auto& [id, m] : t) ids.push_back(id);
  return ids;
}

}  // namespace

TEST_CASE("P1: remote meters missing locally are inserted with every field as the remote has it") {
  PropertyDb db;
  check_property("P1 new meters are inserted", [&] {
    const Case c = sync_case(db);
    const auto& e = c.expected;
    require_same_table(e.local, c.after, "inserted meters", &e.inserted_ids);
    // no meter appears that the model does not have (another tenant's, an invalid row's)
    PROP_REQUIRE(ids_of(c.after) == ids_of(e.local),
                 "local ids " << show_ids(ids_of(c.after)) << ", model " << show_ids(ids_of(e.local)));
    PROP_REQUIRE(c.run.json["result"]["inserted"] == e.counts.inserted,
                 "model inserts " << show_ids(e.inserted_ids) << "\n"
                                  << c.run.describe());
  });
}

TEST_CASE("P2: meters on both sides take the remote's values, counted only when a field really changed") {
  PropertyDb db;
  check_property("P2 existing meters are updated", [&] {
    const Case c = sync_case(db);
    const auto& e = c.expected;
    std::vector<std::int32_t> both = e.updated_ids;
    both.insert(both.end(), e.kept_ids.begin(), e.kept_ids.end());
    require_same_table(e.local, c.after, "meters on both sides", &both);
    PROP_REQUIRE(updated_count_fits(c.run.json["result"].value("updated", std::int64_t{-1}), e),
                 "model updates " << show_ids(e.updated_ids) << ", keeps " << show_ids(e.kept_ids) << "\n"
                                  << c.run.describe());
  });
}

TEST_CASE("P3: active local meters absent from the tenant's remote rows are deactivated, and only those count") {
  PropertyDb db;
  check_property("P3 deleted meters are deactivated", [&] {
    const Case c = sync_case(db);
    const auto& e = c.expected;
    require_same_table(e.local, c.after, "meters absent from the tenant's remote rows", &e.absent_ids);
    PROP_REQUIRE(c.run.json["result"]["deleted"] == e.counts.deleted,
                 "model deactivates " << show_ids(e.deleted_ids) << " of absent " << show_ids(e.absent_ids)
                                      << "\n"
                                      << c.run.describe());
  });
}

namespace {

// The state between runs, as the model sees it.
struct Tables {
  RemoteRows remote;
  Table local;
  std::int32_t tenant = 1;
  ModelOptions model;
};

// Applies `edits` to both databases and to the model, runs both, compares table and counts.
void edit_and_run(PropertyDb& db, Tables& t, const std::vector<Edit>& generated, const std::string& run_name,
                  bool tag) {
  const auto edits = db.fit(t.remote, generated);
  for (const auto& e : edits) apply_edit(e, t.remote, t.local, t.tenant);
  db.apply(edits);
  const Expected e = model_run(t.local, present(t.remote), t.tenant, t.model);
  if (tag) classify(e);
  const auto r = db.run();
  PROP_REQUIRE(r.exit_code == e.exit_code, run_name << ": expected exit " << e.exit_code << "\n"
                                                    << r.describe());
  require_same_table(e.local, db.read_local(), run_name);
  require_run_counts(r, e);
  t.local = e.local;
}

// A scenario's variant and world (its own edits are left to the caller).
Tables load_world(PropertyDb& db) {
  Scenario s = *gen_scenario();
  s.variant.compare = Variant::Compare::single;
  s.between.clear();
  const Prepared p = db.prepare(s);
  return {RemoteRows(p.remote.begin(), p.remote.end()), p.local, p.tenant, p.model()};
}

}  // namespace

TEST_CASE("Successive runs: after edits on either side, each run leaves the table and counts the model has") {
  PropertyDb db;
  check_property("Successive runs with edits in between", [&] {
    Tables t = load_world(db);
    edit_and_run(db, t, {}, "run 1", false);
    const int rounds = *rc::gen::inRange(1, 3);
    for (int round = 1; round <= rounds; ++round)
      edit_and_run(db, t, *gen_edits(t.remote, t.local, t.tenant, false), "run " + std::to_string(round + 1),
                   round == rounds);
  });
}

TEST_CASE("Tenant change: after the local tenant row changes, the next run syncs the new tenant's meters") {
  PropertyDb db;
  check_property("Tenant change between runs", [&] {
    Tables t = load_world(db);
    edit_and_run(db, t, {}, "run 1", false);
    std::vector<Edit> edits = {*gen_tenant_switch(t.remote, t.tenant)};
    if (*rc::gen::arbitrary<bool>()) {
      Tables after = t;
      apply_edit(edits[0], after.remote, after.local, after.tenant);
      const auto more = *gen_edits(after.remote, after.local, after.tenant, false);
      edits.insert(edits.end(), more.begin(), more.end());
    }
    edit_and_run(db, t, edits, "run 2 (another tenant)", true);
  });
}
