#include <doctest/doctest.h>

#include "core/dotenv.hpp"
#include "core/errors.hpp"

using namespace meter_sync;

TEST_CASE("dotenv: the forms the Sync server's .env files use") {
  const auto env = parse_dotenv(
      "# comment\n"
      "\n"
      "PLAIN=value\n"
      "  SPACED = padded value  \n"
      "export EXPORTED=yes\n"
      "SINGLE='literal # \\n'\n"
      "DOUBLE=\"a \\\"quoted\\\" word\\nnext\"\n"
      "INLINE=value # a comment\n"
      "HASH=pa#ss\n"
      "EMPTY=\n"
      "URL=postgresql://u:p@h:5432/db?sslmode=verify-full\n",
      "x.env");
  CHECK(env.at("PLAIN").value == "value");
  CHECK(env.at("SPACED").value == "padded value");
  CHECK(env.at("EXPORTED").value == "yes");
  CHECK(env.at("SINGLE").value == "literal # \\n");
  CHECK(env.at("DOUBLE").value == "a \"quoted\" word\nnext");
  CHECK(env.at("INLINE").value == "value");
  CHECK(env.at("HASH").value == "pa#ss");
  CHECK(env.at("EMPTY").value.empty());
  CHECK(env.at("URL").value == "postgresql://u:p@h:5432/db?sslmode=verify-full");
  CHECK(env.at("PLAIN").origin == "x.env:3");
}

TEST_CASE("dotenv: single quotes keep backslashes") {
  CHECK(parse_dotenv("K='a\\nb'", "f").at("K").value == "a\\nb");
}

TEST_CASE("dotenv: a later line wins") {
  CHECK(parse_dotenv("K=1\nK=2\n", "f").at("K").value == "2");
}

TEST_CASE("dotenv: syntax errors name path and line") {
  auto error_of = [](const std::string& text) {
    try {
      parse_dotenv(text, "/etc/m.env");
    } catch (const Failure& f) {
      CHECK(f.status() == ExitStatus::config);
      return std::string(f.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("A=1\nnot a setting\n") == "/etc/m.env:2: expected KEY=VALUE");
  CHECK(error_of("1ABC=x") == "/etc/m.env:1: invalid variable name '1ABC'");
  CHECK(error_of("A=\"open") == "/etc/m.env:1: unterminated \" quote");
  CHECK(error_of("A='x' y") == "/etc/m.env:1: unexpected text after the closing quote");
}

TEST_CASE("dotenv: an unreadable file is a configuration error") {
  CHECK_THROWS_AS(read_dotenv_file("/nonexistent/file.env"), Failure);
}
