#pragma once
// Choices that shrink towards their first option, so that a failing case shrinks to the
// plainest values (list the plainest first): RapidCheck's element, elementOf, weightedElement
// and weightedOneOf never shrink. Weights apply at every size.
#include <rapidcheck.h>

#include <utility>
#include <vector>

namespace meter_props {

// An index drawn by weight, shrinking towards 0.
inline rc::Gen<std::size_t> weighted_index(const std::vector<std::size_t>& weights) {
  std::size_t total = 0;
  for (const auto w : weights) total += w;
  return rc::gen::map(rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, total)),
                      [weights](std::size_t x) {
                        std::size_t i = 0;
                        while (x >= weights[i]) x -= weights[i++];
                        return i;
                      });
}

template <typename T>
rc::Gen<T> pick_weighted(std::vector<std::pair<std::size_t, T>> options) {
  std::vector<std::size_t> weights;
  for (const auto& o : options) weights.push_back(o.first);
  return rc::gen::map(weighted_index(weights), [options](std::size_t i) { return options[i].second; });
}

template <typename T>
rc::Gen<T> pick(std::vector<T> options) {
  return rc::gen::map(weighted_index(std::vector<std::size_t>(options.size(), 1)),
                      [options](std::size_t i) { return options[i]; });
}

template <typename T>
rc::Gen<T> choose(std::vector<std::pair<std::size_t, rc::Gen<T>>> options) {
  return rc::gen::join(pick_weighted(std::move(options)));
}

}  // namespace meter_props
