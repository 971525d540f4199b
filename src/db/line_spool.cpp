#include "db/line_spool.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <pqxx/tablewriter>
#pragma GCC diagnostic pop

namespace meter_sync {
namespace {

Failure spool_error(const char* what) {
  return Failure(ExitStatus::failure, std::string("temporary file for the first load: ") + what + ": " +
                                          std::strerror(errno) + " (check the free space in /tmp)");
}

}  // namespace

LineSpool::LineSpool() : file_(std::tmpfile()) {
  if (!file_) throw spool_error("cannot create");
}

void LineSpool::add(std::string_view line) {
  if (std::fwrite(line.data(), 1, line.size(), file_.get()) != line.size() || std::fputc('\n', file_.get()) == EOF)
    throw spool_error("cannot write");
  ++lines_;
}

std::int64_t LineSpool::copy_into(Database& local, pqxx::transaction_base& tx, const std::string& target,
                                  const std::string& suffix) {
  if (std::fflush(file_.get()) != 0) throw spool_error("cannot write");
  std::rewind(file_.get());
  struct LineBuffer {  // getline's, grown by it as needed
    char* data = nullptr;
    std::size_t capacity = 0;
    ~LineBuffer() { std::free(data); }
  } buffer;
  std::string line;
  std::int64_t copied = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  // tablewriter is deprecated but is 6.4's only way to write raw COPY lines.
  auto sink = local.guarded([&] { return std::make_unique<pqxx::tablewriter>(tx, target); });
#pragma GCC diagnostic pop
  for (ssize_t n; (n = getline(&buffer.data, &buffer.capacity, file_.get())) > 0;) {
    line.assign(buffer.data, static_cast<std::size_t>(n) - 1).append(suffix);  // without its newline
    local.guarded([&] { sink->write_raw_line(line); });
    ++copied;
  }
  if (std::ferror(file_.get())) throw spool_error("cannot read");
  local.guarded([&] { sink->complete(); });
  return copied;
}

}  // namespace meter_sync
