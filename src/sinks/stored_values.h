#ifndef BILLFLOW_SINKS_STORED_VALUES_H_
#define BILLFLOW_SINKS_STORED_VALUES_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.h"
#include "core/fx_rate_table.h"
#include "core/result.h"
#include "sinks/ledger_sql.h"
#include "sinks/record_sink.h"

namespace billflow {

// How every backend turns what its database returns into values, so that the same stored data
// reads the same over SQLite, MySQL and the Data API.

// `text` as a decimal of exactly `scale` fractional digits; nullopt when it is not a decimal
// or would need rounding to fit (a stored value is never silently changed).
[[nodiscard]] std::optional<Decimal> StoredDecimal(std::string_view text, int scale);

// A row of fx_rates. The rate is given in its canonical form — the stored value without
// trailing fractional zeros ("0.7900000000" and "0.79" are both 0.79) — whatever the column
// type. kInvalidData naming `label` (the database) and the row when a value does not parse.
[[nodiscard]] Result<FxRate> ParseStoredRate(std::string_view currency, std::string_view valid_from,
                                             std::string_view rate_to_usd, std::string_view source,
                                             std::string_view label);

// billing_files.status `text` of `source`; kInvalidData naming `label` for anything but the
// three stored spellings.
[[nodiscard]] Result<LedgerStatus> StoredLedgerStatus(std::string_view text,
                                                      std::string_view source,
                                                      std::string_view label);

// Hex SHA-256 of a source: the unique key of billing_files on MySQL (source_sha256, read as
// UNHEX of this).
[[nodiscard]] std::string SourceSha256Hex(std::string_view source);

// One answer row of a read of `table`, decoded under the one rule of every backend: a row
// shorter than the read's columns, a NULL in a column the contract never leaves NULL, or a
// number or decimal that does not parse is kInvalidData naming the database (`label`), the
// table, the column and the value — never skipped, never read as zero or "". `row`, `label`,
// `table` and `columns` must outlive the StoredRow.
class StoredRow {
 public:
  StoredRow(const TextRow& row, std::string_view label, std::string_view table,
            const std::vector<std::string_view>& columns)
      : row_(row), label_(label), table_(table), columns_(columns) {}

  // The row has every column the read names.
  [[nodiscard]] Status CheckWidth() const;
  // Column `i` as text (or bytes); NULL is an error.
  [[nodiscard]] Result<std::string> Text(std::size_t i) const;
  // Column `i` as text, "" for NULL (a column the contract lets be NULL).
  [[nodiscard]] Result<std::string> NullableText(std::size_t i) const;
  [[nodiscard]] Result<std::int64_t> Int(std::size_t i) const;
  // A non-negative integer.
  [[nodiscard]] Result<std::uint64_t> Count(std::size_t i) const;
  // A decimal of exactly `scale` fractional digits (StoredDecimal).
  [[nodiscard]] Result<Decimal> Amount(std::size_t i, int scale) const;

 private:
  [[nodiscard]] Error Bad(std::size_t i, std::string_view what) const;

  const TextRow& row_;
  std::string_view label_;
  std::string_view table_;
  const std::vector<std::string_view>& columns_;
};

}  // namespace billflow

#endif  // BILLFLOW_SINKS_STORED_VALUES_H_
