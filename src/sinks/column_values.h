#ifndef BILLFLOW_SINKS_COLUMN_VALUES_H_
#define BILLFLOW_SINKS_COLUMN_VALUES_H_

#include <cstdint>
#include <string_view>

namespace billflow {

// How the server backends' own statements (MySQL, PostgreSQL, the Data API) bind the ledger's
// counts and optional texts, and read back the numbers the server itself produced. Values a
// file's rows or a user put in a table are read by StoredRow (sinks/stored_values.h) instead.

// A count or size (bytes of a file, rows, a line number) as the signed BIGINT its column holds;
// every such count is far below 2^63.
constexpr std::int64_t AsBigint(std::uint64_t count) { return static_cast<std::int64_t>(count); }

// An optional text of the ledger (FileIdentity's profile and settings_sha256): "" is bound as
// NULL (no profile, default settings). `Param` is a backend's parameter type with static
// Null() and Text(std::string_view); a Text that views `text` needs `text` to outlive it.
template <class Param>
Param TextOrNull(std::string_view text) {
  return text.empty() ? Param::Null() : Param::Text(text);
}

// A number the server produced (an id it assigned, MAX(version), a stored line number or size
// the ledger wrote) from its decimal text answer. Not checked: anything but leading digits,
// "" (a NULL read through WithoutNulls) included, reads as 0.
std::uint64_t ServerCount(std::string_view text);

}  // namespace billflow

#endif  // BILLFLOW_SINKS_COLUMN_VALUES_H_
