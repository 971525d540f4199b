#pragma once
// Fields of a line in PostgreSQL's COPY text format. A tab or newline inside a value is
// escaped (\t, \n), so every raw tab separates two fields: splitting needs no unescaping,
// and a field taken out is still valid COPY text for another COPY.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meter_sync {

constexpr std::string_view copy_null = "\\N";  // a NULL field

// Splits off the last `count` fields: `head` is everything before them (without the tab
// between), `tail` receives the fields in order. False when the line has at most `count`
// fields (no head left).
bool split_last_fields(std::string_view line, std::size_t count, std::string_view& head,
                       std::vector<std::string_view>& tail);

// Appends the fields at `positions` (counted from 0, any order) joined by tabs to `out`;
// false when the line has too few fields.
bool append_fields(std::string_view line, const std::vector<std::size_t>& positions, std::string& out);

// The lines of SyncPlan::remote_initial_select: the copied columns, then the key as JSON
// (NULL unless the row breaks a rule), the row's version and the rule's reason (NULL when
// the row is valid). One line becomes either a row for the local table plus its state line
// "key fields<TAB>version", or a skipped line "key JSON<TAB>reason".
class InitialLineSplitter {
 public:
  enum class Kind { valid, breaker, malformed };
  static constexpr std::size_t extra_fields = 3;  // key JSON, version, reason

  // `key_positions`: where the key columns are among the copied ones, in the state's order.
  explicit InitialLineSplitter(std::vector<std::size_t> key_positions) : key_positions_(std::move(key_positions)) {}

  // `line` with or without its newline (libpqxx 6.4's stream_from::get_raw_line keeps it).
  Kind split(std::string_view line);
  // After `valid`: the copied columns, a prefix of the line.
  std::string_view copied() const { return head_; }
  // After `valid`: the state line; after `breaker`: the skipped line.
  const std::string& side_line() const { return side_; }

 private:
  std::vector<std::size_t> key_positions_;
  std::string_view head_;
  std::vector<std::string_view> tail_;
  std::string side_;
};

}  // namespace meter_sync
