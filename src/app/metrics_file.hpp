#pragma once
// --metrics-file: the Prometheus textfile, replaced atomically after every run that got as far
// as connecting (dry runs aside). A file that cannot be written is a warning, never an error.
#include <string>

#include <pqxx/connection>

#include "core/metrics_text.hpp"

namespace meter_sync::app {

// Replaces `path` with `text`: a temporary file in the same directory (a name the textfile
// collector ignores), written, fsynced, mode 0644, renamed over `path`, the directory fsynced.
// A reader sees the old file or the new one, never a part. Returns false after logging a
// warning that says what to fix; the temporary file is removed then.
bool write_metrics_file(const std::string& path, const std::string& text);

// Completes `metrics` with what the local database knows (the last success, the active meters;
// left out if `local` is null or lost) and writes the file.
void write_run_metrics(const std::string& path, RunMetrics metrics, pqxx::connection* local);

}  // namespace meter_sync::app
