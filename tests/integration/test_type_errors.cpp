// Issue 9: a pair of column types with no conversion at all is a configuration error found
// before any data moves (exit 78 naming table, column and both types); a single value that
// does not convert skips its meter with a reason that starts with the column's name.
#include <doctest/doctest.h>

#include "support/compare.hpp"
#include "support/sync_run.hpp"

using namespace testing_support;

namespace {

void check_names(const std::string& text, const std::vector<std::string>& words) {
  for (const auto& w : words) {
    INFO("the message must name " << w << ": " << text);
    CHECK(text.find(w) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("type errors: a column pair with no conversion -> 78 before any data moves, dry runs too") {
  SchemaOptions o;
  std::vector<std::string> names;
  SUBCASE("jsonb into integer") {
    o.remote_register_map_type = "jsonb";
    o.local_register_map_type = "integer";
    names = {"meter", "register_map", "jsonb", "integer"};
  }
  SUBCASE("boolean into date") {
    o.remote_types = {{"installation_date", "boolean"}};
    names = {"meter", "installation_date", "boolean", "date"};
  }
  TestDatabases db(o);
  if (o.remote_register_map_type == "jsonb") {
    for (int id = 1; id <= 3; ++id) db.add_remote_meter(id, 1);
  } else {
    db.remote("INSERT INTO meter (id, tenant_id, name, type, status, installation_date) VALUES (1, 1, 'a', 't', 's', true)");
  }
  for (const auto& args : {std::vector<std::string>{"run", "--dry-run"},
                                              std::vector<std::string>{"run"},
                                              std::vector<std::string>{"run", "--json"}}) {
    CAPTURE(args.back());
    auto r = db.meter_sync(args);
    INFO(r.err);
    CHECK(r.exit_code == 78);
    check_names(r.err, names);
    if (args.back() == "--json") {
      auto j = parse_json(r.out);
      CHECK(j["success"] == false);
      check_names(j["message"].get<std::string>(), names);
    }
    CHECK(db.local_count("SELECT count(*) FROM meter") == 0);
  }
  CHECK(db.local_count("SELECT count(*) FROM meter_sync_log WHERE success") == 0);
}

TEST_CASE("type errors: a value that does not convert skips its meter, naming the column") {
  SchemaOptions o;
  o.remote_types = {{"port", "text"}, {"serial_number", "text"}};
  o.local_types = {{"serial_number", "varchar(10)"}};
  TestDatabases db(o);
  for (int id = 1; id <= 5; ++id) db.add_remote_meter(id, 1);
  db.remote("UPDATE meter SET port = '12a' WHERE id = 3; UPDATE meter SET serial_number = 'SN-far-too-long' WHERE id = 4");

  auto first = run_json(db, {}, 65);
  CHECK(counts(first) == std::vector<std::int64_t>{3, 0, 0, 2});
  auto skipped = last_log_details(db)["skipped"];
  REQUIRE(skipped.size() == 2);
  CHECK(skipped[0]["id"] == 3);
  const std::string port_reason = skipped[0]["reason"].get<std::string>();
  INFO("reasons: " << skipped.dump());
  CHECK(port_reason.rfind("column \"port\"", 0) == 0);
  CHECK(port_reason.find("invalid input syntax for type integer: \"12a\"") != std::string::npos);
  CHECK(skipped[1]["id"] == 4);
  CHECK(skipped[1]["reason"].get<std::string>().rfind("column \"serial_number\"", 0) == 0);
  CHECK(skipped[1]["reason"].get<std::string>().find("too long") != std::string::npos);
  CHECK(db.local_count("SELECT count(*) FROM meter WHERE id IN (3, 4)") == 0);  // skipped, not inserted
  CHECK(differences_from_remote(db, 1, "meter", {"3", "4"}).empty());

  auto dry = run_json(db, {"--dry-run"}, 65);
  CHECK(counts(dry) == std::vector<std::int64_t>{0, 0, 0, 2});
  CHECK(dry["result"]["skipped_meters"][0]["reason"] == skipped[0]["reason"]);
  const auto text_dry = db.meter_sync({"run", "--dry-run"});
  CHECK(text_dry.out.find("3: " + port_reason) != std::string::npos);
  CHECK(counts(run_json(db, {}, 65)) == std::vector<std::int64_t>{0, 0, 0, 2});

  // An existing meter turning bad is left exactly as it is, and stays active.
  const auto row2 = db.local("SELECT xmin::text || m::text FROM meter m WHERE id = 2")[0][0].as<std::string>();
  db.remote("UPDATE meter SET port = 'x', name = 'renamed' WHERE id = 2");
  CHECK(counts(run_json(db, {}, 65)) == std::vector<std::int64_t>{0, 0, 0, 3});
  CHECK(db.local("SELECT xmin::text || m::text FROM meter m WHERE id = 2")[0][0].as<std::string>() == row2);

  db.remote("UPDATE meter SET port = '503' WHERE id IN (2, 3); UPDATE meter SET serial_number = 'SN-4' WHERE id = 4");
  CHECK(counts(run_json(db)) == std::vector<std::int64_t>{2, 1, 0, 0});
  CHECK(differences_from_remote(db, 1).empty());
}
