#pragma once
// Maps a database exception to the contract's exit status, by cause (SQLSTATE), not by message.
#include <exception>
#include <string>

#include "core/exit_status.hpp"

namespace meter_sync {

ExitStatus classify_db_error(const std::exception& error);

// True for errors caused by one row's values (SQLSTATE classes 22 and 23): such a batch
// can be split to find and skip the offending rows.
bool is_row_data_error(const std::exception& error);
bool is_row_data_error(const std::string& sqlstate);

// libpq's text on one line: "ERROR:  " prefixes dropped, line breaks joined with "; ".
std::string one_line(const std::string& text);

}  // namespace meter_sync
