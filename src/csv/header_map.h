#ifndef BILLFLOW_CSV_HEADER_MAP_H_
#define BILLFLOW_CSV_HEADER_MAP_H_

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/row_validator.h"

namespace billflow {

// What a file's header is matched with beyond the contract's own names.
struct HeaderOptions {
  // Header text in the file -> contract field ("Betrag" -> "bill_amount"), matched with the
  // same normalisation as the contract's names.
  std::vector<std::pair<std::string, std::string>> columns;
  // Contract field -> constant used when the file has no column for that field. A column
  // the file does have always wins.
  std::vector<std::pair<std::string, std::string>> defaults;
};

// Maps the contract's columns to positions in a file's header: names matched
// case-insensitively with surrounding spaces ignored and space, '-' and '_' equal
// (`Bill Amount` = `bill_amount`), any order, extra columns allowed; then the aliases and
// defaults of HeaderOptions. Select()'s default values point into this map: it must stay
// where it is while they are used.
class HeaderMap {
 public:
  // Fails (kInvalidData) naming every missing column, a column named twice, or an alias or
  // default naming no contract field.
  [[nodiscard]] static Result<HeaderMap> FromHeader(std::span<const std::string_view> header,
                                                    const HeaderOptions& options = {});
  // How many contract fields `header` supplies by name or alias (defaults not counted):
  // the measure by which a delimiter is chosen.
  static int CountMapped(std::span<const std::string_view> header,
                         const HeaderOptions& options = {});
  // The matching key of a header name: trimmed, ASCII lower case, ' ' and '-' as '_'.
  static std::string MatchKey(std::string_view name);
  // The contract column a key names, or -1.
  static int ColumnOfField(std::string_view field);
  // The contract column a header name stands for (its alias first, then the name), or -1.
  static int ColumnOfHeader(std::string_view name, const HeaderOptions& options);

  // Picks the contract columns out of a record that has field_count() fields.
  RowFields Select(std::span<const std::string_view> fields) const;
  std::size_t field_count() const { return field_count_; }
  // Header text of each contract column as the file spells it ("" for a default).
  const std::array<std::string, kColumnCount>& source_names() const { return source_names_; }
  // Columns the contract does not name: how many, and the first kNamedExtraColumns of them
  // (a header of a million columns must not cost a million strings).
  static constexpr std::size_t kNamedExtraColumns = 10;
  std::size_t extra_column_count() const { return extra_column_count_; }
  const std::vector<std::string>& extra_columns() const { return extra_columns_; }

 private:
  static constexpr std::size_t kFromDefault = static_cast<std::size_t>(-1);
  std::array<std::size_t, kColumnCount> positions_{};
  std::array<std::string, kColumnCount> defaults_;
  std::array<std::string, kColumnCount> source_names_;
  std::size_t field_count_ = 0;
  std::size_t extra_column_count_ = 0;
  std::vector<std::string> extra_columns_;
};

}  // namespace billflow

#endif  // BILLFLOW_CSV_HEADER_MAP_H_
