#include <doctest/doctest.h>

#include "core/health.hpp"
#include "core/json_shapes.hpp"

using namespace meter_sync;

namespace {

constexpr std::int64_t second = 1000000;
constexpr std::int64_t now = 1795929530000000;  // 2026-11-28T..., any fixed instant

}  // namespace

TEST_CASE("health: age_text shows the two largest units") {
  CHECK(age_text(0) == "0 s");
  CHECK(age_text(-5) == "0 s");
  CHECK(age_text(11) == "11 s");
  CHECK(age_text(60) == "1 min");
  CHECK(age_text(75) == "1 min 15 s");
  CHECK(age_text(11520) == "3 h 12 min");
  CHECK(age_text(7200) == "2 h");
  CHECK(age_text(183600) == "2 d 3 h");
  CHECK(age_text(86400 + 59) == "1 d");
}

TEST_CASE("health: staleness against --max-age") {
  StatusInfo s;
  s.now_us = now;
  SUBCASE("never succeeded") {
    const auto why = staleness(s, 7200);
    REQUIRE(why);
    CHECK(*why == "no meter sync has succeeded yet, more than --max-age allows (2 h)");
    CHECK(last_success_text(s) == "never");
  }
  SUBCASE("succeeded within the age, or exactly at it") {
    s.last_success_us = now - 7200 * second;
    CHECK_FALSE(staleness(s, 7200));
    s.last_success_us = now - 60 * second;
    CHECK_FALSE(staleness(s, 7200));
  }
  SUBCASE("too long ago, the last run's failure named") {
    s.last_success_us = now - 11520 * second;
    s.last = LastRun{now - 10 * second, false, std::string("remote database x: connection refused"), {}, "scheduled"};
    const auto why = staleness(s, 7200);
    REQUIRE(why);
    CHECK(why->find("no meter sync has succeeded for 3 h 12 min (last success ") == 0);
    CHECK(why->find("more than --max-age allows (2 h); the last run failed: remote database x: connection refused") !=
          std::string::npos);
    CHECK(why->find('\n') == std::string::npos);
    CHECK(last_success_text(s).find(", 3 h 12 min ago") != std::string::npos);
  }
}

TEST_CASE("health: status_json and status_text carry the last success") {
  StatusInfo s;
  s.now_us = now;
  CHECK(status_json(s)["last_success_at"].is_null());
  CHECK(status_text(s).find("last success: never\n") != std::string::npos);
  s.last_success_us = 1795608000123000;
  s.now_us = *s.last_success_us + 3 * 3600 * second + 12 * 60 * second;
  CHECK(status_json(s)["last_success_at"] == "2026-11-25T12:00:00.123Z");
  CHECK(status_text(s).find("last success: 2026-11-25T12:00:00.123Z, 3 h 12 min ago\n") != std::string::npos);
}
