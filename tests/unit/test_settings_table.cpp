#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/guard.hpp"
#include "core/settings_table.hpp"

using namespace meter_sync;

TEST_CASE("settings_table: one row per option and variable, defaults inside their own range") {
  std::set<std::string> options, variables;
  for (const auto& s : settings_table()) {
    CAPTURE(s.flag);
    CHECK(s.flag.rfind("--", 0) == 0);
    CHECK(options.insert(scope_name(s.scope) + " " + s.flag).second);
    CHECK(!s.help.empty());
    CHECK((s.kind == Kind::flag) == s.value_name.empty());
    if (!s.env.empty()) {
      CHECK(variables.insert(s.env).second);
      CHECK(!std::holds_alternative<std::monostate>(s.field));  // a setting: the flag lands in FlagValues
    }
    if (s.kind == Kind::choice) {
      CHECK(std::find(s.choices.begin(), s.choices.end(), s.default_text) != s.choices.end());
    }
    if (s.kind == Kind::integer && s.default_text.find_first_not_of("0123456789") == std::string::npos &&
        !s.default_text.empty()) {
      std::int64_t value = 0;
      std::from_chars(s.default_text.data(), s.default_text.data() + s.default_text.size(), value);
      CHECK(value >= s.min);
      CHECK(value <= s.max);
    }
    if (s.kind == Kind::duration && !s.default_text.empty()) CHECK(parse_duration(s.default_text));
  }
  CHECK_THROWS_AS(setting("--no-such-option"), std::logic_error);
}

TEST_CASE("settings_table: the defaults --help shows are the ones resolve_settings applies") {
  const Settings s = resolve_settings({}, {}, {});
  CHECK(setting("--lock-key").default_text == std::to_string(s.lock_key));
  CHECK(setting("--max-deactivate-percent").default_text == std::to_string(s.max_deactivate_percent));
  CHECK(setting("--connect-timeout").default_text == std::to_string(s.connect_timeout_s));
  CHECK(setting("--statement-timeout").default_text == std::to_string(s.statement_timeout_s));
  CHECK(setting("--lock-timeout").default_text == std::to_string(s.lock_timeout_s));
  CHECK(setting("--log-level").default_text == s.log_level);
  CHECK(setting("--remote-table").default_text == s.remote_table);
  CHECK(parse_duration(setting("--full-compare-every").default_text) == s.full_compare_every_s);
  CHECK(s.lock_key == 63837);  // CONTRACT.md
  CHECK(guard_minimum_meters == 10);
}

TEST_CASE("settings_table: each variable of the table is read, with the table's range") {
  for (const auto& spec : settings_table()) {
    if (spec.env.empty() || spec.kind == Kind::conninfo) continue;
    CAPTURE(spec.env);
    // a value no setting accepts: each variable must be parsed (and named in the error)
    // unless it is free text
    try {
      resolve_settings({}, {{spec.env, "9999999999999999999999x"}}, {});
      CHECK(spec.kind == Kind::text);
    } catch (const Failure& f) {
      CHECK(std::string(f.what()).find(spec.env + " (environment)") != std::string::npos);
    }
  }
  const auto& timeout = setting("--connect-timeout");
  CHECK_THROWS_AS(resolve_settings({}, {{timeout.env, std::to_string(timeout.max + 1)}}, {}), Failure);
  CHECK(resolve_settings({}, {{timeout.env, std::to_string(timeout.max)}}, {}).connect_timeout_s == timeout.max);
  CHECK(resolve_settings({}, {{"METER_SYNC_REMOTE_TABLE", "sync.meter_view"}}, {}).remote_table == "sync.meter_view");
  CHECK(resolve_settings({}, {}, {{"METER_SYNC_METRICS_FILE", {"/tmp/m.prom", "f:1"}}}).metrics_file == "/tmp/m.prom");
  CHECK(resolve_settings({}, {{"METER_SYNC_FULL_COMPARE_EVERY", "2h"}}, {}).full_compare_every_s == 7200);
}
