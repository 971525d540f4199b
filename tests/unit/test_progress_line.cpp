#include <doctest/doctest.h>

#include "core/progress_line.hpp"

using namespace meter_sync;

TEST_CASE("progress_line: thousands separators") {
  CHECK(thousands(0) == "0");
  CHECK(thousands(999) == "999");
  CHECK(thousands(1000) == "1,000");
  CHECK(thousands(1234567) == "1,234,567");
  CHECK(thousands(-12345) == "-12,345");
}

TEST_CASE("progress_line: each phase") {
  ProgressState s;
  s.elapsed_s = 3.4;
  CHECK(progress_line(s, 200) == "meter-sync: connecting (0:03)");

  s.phase = Phase::fetching;
  s.rows = 12345;
  s.expected = 50000;
  s.bytes = 5200000;
  s.fetch_s = 4;
  s.elapsed_s = 67;
  CHECK(progress_line(s, 200) == "meter-sync: fetching 12,345 of ~50,000 rows, 5.2 MB, 1.3 MB/s (1:07)");

  SUBCASE("an estimate below the rows already streamed shows the rows") {
    s.expected = 100;
    CHECK(progress_line(s, 200).find("12,345 of ~12,345 rows") != std::string::npos);
  }
  SUBCASE("no estimate, no rate before half a second") {
    s.expected.reset();
    s.fetch_s = 0.1;
    CHECK(progress_line(s, 200) == "meter-sync: fetching 12,345 rows, 5.2 MB (1:07)");
  }
  SUBCASE("applying and committing show what was fetched") {
    s.phase = Phase::applying;
    s.elapsed_s = 3725;
    CHECK(progress_line(s, 200) == "meter-sync: applying, 5.2 MB fetched (1:02:05)");
    s.phase = Phase::committing;
    CHECK(progress_line(s, 200) == "meter-sync: committing, 5.2 MB fetched (1:02:05)");
  }
  SUBCASE("cut to the terminal's width") {
    CHECK(progress_line(s, 20) == "meter-sync: fetching");
  }
}
