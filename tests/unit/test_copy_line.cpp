#include <doctest/doctest.h>

#include "core/copy_line.hpp"

using namespace meter_sync;

TEST_CASE("copy_line: the last fields split off at raw tabs; escaped tabs stay inside a value") {
  std::string_view head;
  std::vector<std::string_view> tail;
  // COPY text: b<TAB>c is written b\tc (a backslash and a t), which is no separator
  REQUIRE(split_last_fields("a\tb\\tc\tkey\t12\t\\N", 3, head, tail));
  CHECK(head == "a\tb\\tc");
  CHECK(tail == std::vector<std::string_view>{"key", "12", "\\N"});
  SUBCASE("empty fields are fields") {
    REQUIRE(split_last_fields("\t\t\t", 3, head, tail));
    CHECK(head.empty());
    CHECK(tail == std::vector<std::string_view>{"", "", ""});
  }
  SUBCASE("no head left: refused") {
    CHECK_FALSE(split_last_fields("a\tb\tc", 3, head, tail));
    CHECK_FALSE(split_last_fields("", 1, head, tail));
  }
}

TEST_CASE("copy_line: fields picked by position, in the order asked") {
  std::string out;
  CHECK(append_fields("1\tx\\ty\t2", {2, 0}, out));
  CHECK(out == "2\t1");
  out.clear();
  CHECK(append_fields("1\tx\\ty\t2", {1}, out));
  CHECK(out == "x\\ty");
  CHECK_FALSE(append_fields("1\tx", {2}, out));
}

TEST_CASE("copy_line: an initial-load line becomes a row and a state line, or a skipped line") {
  InitialLineSplitter splitter({0});
  SUBCASE("valid: the copied columns for the table, (key, version) for the state") {
    REQUIRE(splitter.split("5\tna\\tme\\\\\t\\N\t9123\t\\N") == InitialLineSplitter::Kind::valid);
    CHECK(splitter.copied() == "5\tna\\tme\\\\");
    CHECK(splitter.side_line() == "5\t9123");
  }
  SUBCASE("the line's newline, as libpqxx hands it over, is no part of the last field") {
    REQUIRE(splitter.split("5\tx\t\\N\t9123\t\\N\n") == InitialLineSplitter::Kind::valid);
    CHECK(splitter.copied() == "5\tx");
    REQUIRE(splitter.split("5\tx\t\"5\"\t9123\tbad\n") == InitialLineSplitter::Kind::breaker);
    CHECK(splitter.side_line() == "\"5\"\tbad");
  }
  SUBCASE("a rule breaker: (key JSON, reason), nothing for the table") {
    REQUIRE(splitter.split("5\t\t\"5\"\t9123\tname is null or empty") == InitialLineSplitter::Kind::breaker);
    CHECK(splitter.side_line() == "\"5\"\tname is null or empty");
  }
  SUBCASE("a breaker without a key") {
    REQUIRE(splitter.split("\\N\tx\t\\N\t9123\tid is null") == InitialLineSplitter::Kind::breaker);
    CHECK(splitter.side_line() == "\\N\tid is null");
  }
  SUBCASE("a key of two columns, not first, in the state's order") {
    InitialLineSplitter two({2, 0});
    REQUIRE(two.split("a\tb\tc\t\\N\t7\t\\N") == InitialLineSplitter::Kind::valid);
    CHECK(two.copied() == "a\tb\tc");
    CHECK(two.side_line() == "c\ta\t7");
  }
  SUBCASE("too few fields") {
    CHECK(splitter.split("5\t\\N\t1") == InitialLineSplitter::Kind::malformed);
    CHECK(InitialLineSplitter({3}).split("5\t\\N\t1\t\\N") == InitialLineSplitter::Kind::malformed);
  }
}
