#include "core/copy_line.hpp"

#include <algorithm>

namespace meter_sync {

bool split_last_fields(std::string_view line, std::size_t count, std::string_view& head,
                       std::vector<std::string_view>& tail) {
  tail.assign(count, {});
  std::size_t end = line.size();
  for (std::size_t i = count; i-- > 0;) {
    const std::size_t tab = end == 0 ? std::string_view::npos : line.rfind('\t', end - 1);
    if (tab == std::string_view::npos) return false;
    tail[i] = line.substr(tab + 1, end - tab - 1);
    end = tab;
  }
  head = line.substr(0, end);
  return true;
}

bool append_fields(std::string_view line, const std::vector<std::size_t>& positions, std::string& out) {
  for (std::size_t i = 0; i < positions.size(); ++i) {
    std::size_t start = 0;
    for (std::size_t field = 0; field < positions[i]; ++field) {
      start = line.find('\t', start);
      if (start == std::string_view::npos) return false;
      ++start;
    }
    const std::size_t end = std::min(line.find('\t', start), line.size());
    if (i > 0) out += '\t';
    out.append(line.substr(start, end - start));
  }
  return true;
}

InitialLineSplitter::Kind InitialLineSplitter::split(std::string_view line) {
  side_.clear();
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!split_last_fields(line, extra_fields, head_, tail_)) return Kind::malformed;
  const std::string_view key_json = tail_[0], version = tail_[1], reason = tail_[2];
  if (reason != copy_null) {
    side_.append(key_json).append(1, '\t').append(reason);
    return Kind::breaker;
  }
  if (!append_fields(head_, key_positions_, side_)) return Kind::malformed;
  side_.append(1, '\t').append(version);
  return Kind::valid;
}

}  // namespace meter_sync
