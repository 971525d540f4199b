#pragma once
// RapidCheck inside doctest: a failing property fails the test case (rc::check's bool would be
// lost otherwise), with RapidCheck's own message: the shrunk counterexample and how to replay
// it (RC_PARAMS="reproduce=..."). RC_PARAMS (seed, max_success, ...) is honoured; each
// property mixes its name into the seed, so that they do not all draw the same worlds.
#include <doctest/doctest.h>
#include <rapidcheck.h>

#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

namespace meter_props {

template <typename Testable>
void check_property(const std::string& name, Testable&& testable) {
  rc::detail::TestMetadata metadata;
  metadata.id = name;
  metadata.description = name;
  const auto started = std::chrono::steady_clock::now();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  for (const char c : name) params.seed = (params.seed ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool passed = result.template is<rc::detail::SuccessResult>();
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  // the timing always; the counterexample once, in doctest's failure report
  std::cout << "- " << name << ": " << (passed ? message.str() : "FAILED") << " [" << seconds << " s]"
            << std::endl;
  CHECK_MESSAGE(passed, name << ": " << message.str());
}

// Fails the current case with `message` unless `condition` holds.
#define PROP_REQUIRE(condition, message)                       \
  do {                                                         \
    if (!(condition)) {                                        \
      std::ostringstream prop_require_os;                      \
      prop_require_os << #condition << " failed: " << message; \
      RC_FAIL(prop_require_os.str());                          \
    }                                                          \
  } while (false)

}  // namespace meter_props
