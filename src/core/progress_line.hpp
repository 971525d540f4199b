#pragma once
// The text of the terminal's progress line during `run` (pure; src/app/progress draws it).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace meter_sync {

enum class Phase { connecting, fetching, applying, committing };

struct ProgressState {
  Phase phase = Phase::connecting;
  // A run streams several queries from the remote (versions, rows, ...): rows and expected
  // are of the current stream, bytes and fetch_s of them all.
  std::int64_t rows = 0;                 // COPY lines streamed so far
  std::optional<std::int64_t> expected;  // the remote planner's estimate of those lines
  std::int64_t bytes = 0;
  double elapsed_s = 0;                  // since the run started
  double fetch_s = 0;                    // time spent streaming, for the rate
};

// "meter-sync: fetching 12,345 of ~50,000 rows, 5.2 MB, 1.3 MB/s (0:07)", cut to `width`
// characters (no newline, no control characters).
std::string progress_line(const ProgressState& state, std::size_t width);

// 1234567 -> "1,234,567"
std::string thousands(std::int64_t n);

}  // namespace meter_sync
