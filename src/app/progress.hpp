#pragma once
// The one updating line `run` shows on a terminal: phase, rows streamed against the remote's
// estimate, MB and rate. Only when a person watches: stderr is a terminal, and neither
// --quiet, --json nor --log-format json. Erased at the end; log lines printed meanwhile
// erase it first and redraw it after, so it never mixes with them.
#include <memory>

#include "core/config.hpp"
#include "core/progress_line.hpp"

namespace meter_sync::app {

// Whether to show the line: stderr a terminal, not quiet, not JSON of either kind.
bool progress_wanted(const Settings& settings, bool quiet, bool json);

// While alive (and enabled), draws the line; the destructor erases it.
class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// For the current run's Progress, if one is showing (no-ops otherwise).
void progress_phase(Phase phase);
void progress_done();  // erase the line now: the result goes to stdout next

}  // namespace meter_sync::app
