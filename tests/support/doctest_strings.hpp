#pragma once
// Failure messages show the lists compared, not {?}. Included by test_db.hpp, so that every
// test binary sees the same specializations.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

// Failure messages show the lists compared, not {?}.
namespace doctest {
template <>
struct StringMaker<std::vector<std::int64_t>> {
  static String convert(const std::vector<std::int64_t>& v) {
    std::string s = "{";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return (s + "}").c_str();
  }
};
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& v) {
    std::string s = "{";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
    return (s + "}").c_str();
  }
};
}  // namespace doctest
