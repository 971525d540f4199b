#include "app/metrics_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "db/status_query.hpp"

namespace meter_sync::app {
namespace {

// A failed system call, for the warning.
struct IoError {
  std::string what;
};

[[noreturn]] void fail(const std::string& what) { throw IoError{what + ": " + std::strerror(errno)}; }

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void write_all(int fd, const std::string& text, const std::string& name) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write " + name);
    done += static_cast<std::size_t>(n);
  }
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the rename happened; durability of the entry is best effort
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

bool write_metrics_file(const std::string& path, const std::string& text) {
  const std::string dir = directory_of(path);
  const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  // A leading dot and no ".prom" at the end: node_exporter reads only *.prom files.
  std::string temp = dir + "/." + base + ".XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  int fd = -1;
  bool created = false;
  try {
    if (base.empty()) throw IoError{"not a file name"};
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) fail("cannot create a temporary file in " + dir);
    created = true;
    temp = name.data();
    if (::fchmod(fd, 0644) != 0) fail("cannot set the mode of " + temp);
    write_all(fd, text, temp);
    if (::fsync(fd) != 0) fail("cannot flush " + temp);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) fail("cannot close " + temp);
    if (::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename " + temp + " to " + path);
    created = false;
    sync_directory(dir);
    return true;
  } catch (const IoError& e) {
    if (fd >= 0) ::close(fd);
    if (created) ::unlink(temp.c_str());
    spdlog::warn("metrics file {} not written: {} (--metrics-file / METER_SYNC_METRICS_FILE: its "
                 "directory must exist and be writable by the user running meter-sync)",
                 path, e.what);
    return false;
  }
}

void write_run_metrics(const std::string& path, RunMetrics metrics, pqxx::connection* local) {
  if (local) {
    const MonitoringFacts facts = read_monitoring_facts(*local, meter_table());
    metrics.last_success_us = facts.last_success_us;
    metrics.active_meters = facts.active_meters;
  }
  if (write_metrics_file(path, metrics_text(metrics))) spdlog::debug("metrics written to {}", path);
}

}  // namespace meter_sync::app
