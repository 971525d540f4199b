#pragma once
// The one object a `--json` command prints on stdout. Whoever prints first wins (the command's
// result, a failure, or the signal watcher when the process is stopped outside a run), so no
// path prints two objects; serialised with invalid UTF-8 replaced, so no text can crash it.
#include <nlohmann/json.hpp>

namespace meter_sync::app {

// Prints `j` as one line on stdout, unless an object was printed already. Thread-safe.
void print_json(const nlohmann::json& j);

// True once print_json has printed.
bool json_printed();

}  // namespace meter_sync::app
