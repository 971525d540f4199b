#include <doctest/doctest.h>

#include <pqxx/except>

#include "db/error_map.hpp"

using namespace meter_sync;

TEST_CASE("classify_db_error: by cause") {
  CHECK(classify_db_error(pqxx::broken_connection("gone")) == ExitStatus::unavailable);
  auto sql = [](const char* state) { return classify_db_error(pqxx::sql_error("x", "q", state)); };
  CHECK(sql("08006") == ExitStatus::unavailable);
  CHECK(sql("57P01") == ExitStatus::unavailable);
  CHECK(sql("57014") == ExitStatus::temporary);
  CHECK(sql("55P03") == ExitStatus::temporary);
  CHECK(sql("40001") == ExitStatus::temporary);
  CHECK(sql("42P01") == ExitStatus::config);
  CHECK(sql("42703") == ExitStatus::config);
  CHECK(sql("42501") == ExitStatus::config);
  CHECK(sql("22P02") == ExitStatus::failure);
  CHECK(classify_db_error(std::runtime_error("x")) == ExitStatus::failure);
}

TEST_CASE("is_row_data_error: classes 22 and 23 only") {
  CHECK(is_row_data_error(pqxx::sql_error("x", "q", "22001")));
  CHECK(is_row_data_error(pqxx::sql_error("x", "q", "23514")));
  CHECK_FALSE(is_row_data_error(pqxx::sql_error("x", "q", "42P01")));
}

TEST_CASE("one_line: libpq's multi-line text on one line, without statement context") {
  CHECK(one_line("ERROR:  value too long\nDETAIL:  the detail\nCONTEXT:  COPY x, line 3\n") ==
        "value too long; the detail");
  CHECK(one_line("connection to server failed: refused\n\tIs the server running?\n") ==
        "connection to server failed: refused; Is the server running?");
}
