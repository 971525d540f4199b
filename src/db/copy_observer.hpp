#pragma once
// An optional watcher of the COPY streams from the remote (the terminal's progress line).
// copy_remote_rows reports to it when one is set; none is set unless a person is watching.
#include <cstddef>
#include <string>

#include <pqxx/transaction_base>

namespace meter_sync {

class CopyObserver {
 public:
  virtual ~CopyObserver() = default;
  // Before the stream starts; may run statements of its own in `remote_tx` (and must leave it usable).
  virtual void copy_started(pqxx::transaction_base& remote_tx, const std::string& remote_query) noexcept = 0;
  virtual void row_copied(std::size_t bytes) noexcept = 0;  // one COPY line, as many bytes
  virtual void copy_finished() noexcept = 0;
};

inline CopyObserver*& current_copy_observer() {
  static CopyObserver* observer = nullptr;
  return observer;
}

// nullptr: nobody watches (the default).
inline void set_copy_observer(CopyObserver* observer) { current_copy_observer() = observer; }
inline CopyObserver* copy_observer() { return current_copy_observer(); }

}  // namespace meter_sync
