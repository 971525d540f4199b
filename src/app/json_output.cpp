#include "app/json_output.hpp"

#include <iostream>
#include <mutex>

#include "core/json_shapes.hpp"

namespace meter_sync::app {
namespace {

std::mutex g_mutex;
bool g_printed = false;  // guarded by g_mutex

}  // namespace

void print_json(const nlohmann::json& j) {
  const std::string line = to_json_line(j) + "\n";
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_printed) return;
  g_printed = true;
  std::cout << line << std::flush;
}

bool json_printed() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_printed;
}

}  // namespace meter_sync::app
